"""gettext for the core and the front end, and CLDR formatting through Babel.

Two languages are in play at once: the *UI language* (the volunteer's) and the
*sheet language* (the parent's). ``_``/``ngettext``/``pgettext`` translate into
the UI language; :func:`translator` returns an independent translation object
for any other language, which is what sheets use.

Strings defined at import time are marked with ``N_`` and translated where
they are shown.
"""

from __future__ import annotations

import gettext as _gettext
import io
import sys
from functools import lru_cache
from pathlib import Path

DOMAIN = "messages"
SOURCE_LANGUAGE = "en"

_PACKAGE_DIR = Path(__file__).resolve().parent


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now."""
    return message


def _catalog_dirs() -> list[Path]:
    dirs = [_PACKAGE_DIR / "locale"]
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        dirs.insert(0, Path(frozen_root) / "schoolintake" / "locale")
    return dirs


def _source_po(language: str) -> Path | None:
    # A source checkout has translations/ beside the package; compile on the fly
    # so that running from a checkout never needs a build step.
    po = _PACKAGE_DIR.parent / "translations" / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    return po if po.is_file() else None


@lru_cache(maxsize=None)
def translator(language: str) -> _gettext.NullTranslations:
    """Translations for ``language`` (a code such as ``bn`` or ``zh_Hans``)."""
    if language == SOURCE_LANGUAGE:
        return _gettext.NullTranslations()
    for directory in _catalog_dirs():
        mo = directory / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
        if mo.is_file():
            with mo.open("rb") as fh:
                return _gettext.GNUTranslations(fh)
    po = _source_po(language)
    if po is not None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        with po.open("rb") as fh:
            catalog = read_po(fh, locale=language)
        buffer = io.BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        buffer.seek(0)
        return _gettext.GNUTranslations(buffer)
    return _gettext.NullTranslations()


_current: _gettext.NullTranslations = _gettext.NullTranslations()
_current_language = SOURCE_LANGUAGE


def set_ui_language(language: str) -> None:
    global _current, _current_language
    _current = translator(language)
    _current_language = language


def ui_language() -> str:
    return _current_language


def _(message: str) -> str:
    return _current.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _current.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return _current.pgettext(context, message)
