"""Building the gettext catalogues: extracting messages and compiling them.

Imports nothing but the standard library and Babel, because the packaging
build step (``setup.py``) runs it before the project's dependencies exist.

The starter directory's public texts (service names, what to bring, hours)
are printed on referral sheets, so :func:`extract_directory` feeds them to
``pybabel extract`` (see ``babel.cfg``) and they are translated like any
other message. A directory entry someone types in stays as typed.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

DOMAIN = "messages"

#: The service fields printed on a sheet, in the order extracted.
_SERVICE_TEXTS = ("name", "application_process", "fees_description")


def _directory_texts(document: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    for org in document.get("organizations", []):
        for service in org.get("services", []):
            where = f"directory: {service.get('id', '?')}"
            for key in _SERVICE_TEXTS:
                if service.get(key):
                    yield service[key], f"{where} {key}"
            for schedule in service.get("schedules", []):
                if schedule.get("description"):
                    yield schedule["description"], f"{where} hours"
            for phone in service.get("phones", []):
                if phone.get("description"):
                    yield phone["description"], f"{where} phone description (keep the number as it is)"


def extract_directory(fileobj: IO[bytes], keywords: Collection[str], comment_tags: Collection[str],
                      options: Mapping[str, Any]) -> Iterator[tuple[int, str, str, list[str]]]:
    """Babel extraction method for ``starter_directory.json``."""
    raw = fileobj.read().decode("utf-8")
    lines = raw.splitlines()
    for text, comment in _directory_texts(json.loads(raw)):
        needle = json.dumps(text, ensure_ascii=False)
        lineno = next((i for i, line in enumerate(lines, 1) if needle in line), 0)
        yield lineno, "N_", text, [comment]


def compile_po(po: Path, locale: str) -> bytes:
    """One ``.po`` file as ``.mo`` bytes, with only finished translations:
    fuzzy entries and plural entries with an empty form are left out (Babel
    would fill an empty form with the English), so a lookup either finds a
    complete translation or falls back to the source as a whole."""
    import io

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    for message in list(catalog)[1:]:
        forms = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
        if message.fuzzy or not all(forms):
            catalog.delete(message.id, context=message.context)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def compile_catalogs(translations: Path, destination: Path) -> list[Path]:
    """Compile every ``<loc>/LC_MESSAGES/messages.po`` under ``translations``
    into ``destination/<loc>/LC_MESSAGES/messages.mo``; returns the files written."""
    written = []
    for po in sorted(translations.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        locale = po.parent.parent.name
        mo = destination / locale / "LC_MESSAGES" / f"{DOMAIN}.mo"
        mo.parent.mkdir(parents=True, exist_ok=True)
        mo.write_bytes(compile_po(po, locale))
        written.append(mo)
    return written
