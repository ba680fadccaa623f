"""gettext for the core and the front end, and CLDR formatting through Babel.

Two languages are in play at once: the *UI language* (the volunteer's) and the
*sheet language* (the parent's). ``_``/``ngettext``/``pgettext``/``npgettext``
translate into the UI language; :func:`translator` returns an independent
:class:`Catalog` for any other language, which is what sheets use.

Strings defined at import time are marked with ``N_`` and translated where
they are shown.

A translation can never break the program: entries whose ``{placeholders}``
do not match their source are dropped when a catalogue is loaded, and every
translated string formats through :class:`Translated`, which falls back to
the English source if the translation's ``format`` fails anyway.

Catalogues come from ``schoolintake/locale`` (built into a wheel by
``setup.py``, or into a frozen bundle under ``sys._MEIPASS``); a source
checkout compiles ``translations/<loc>/LC_MESSAGES/messages.po`` on the fly.
"""

from __future__ import annotations

import gettext as _gettext
import io
import logging
import string
import sys
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from babel import Locale

DOMAIN = "messages"
SOURCE_LANGUAGE = "en"

_PACKAGE_DIR = Path(__file__).resolve().parent
_CONTEXT_SEPARATOR = "\x04"
log = logging.getLogger(__name__)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now."""
    return message


# -- placeholders ----------------------------------------------------------------


def placeholders(text: str) -> frozenset[str] | None:
    """The names of ``text``'s ``{fields}`` (``{n:,}`` and ``{a.b}`` count as
    ``n`` and ``a``); None if ``text`` is not a valid format string."""
    names = set()
    try:
        for _literal, field, _spec, _conversion in string.Formatter().parse(text):
            if field is not None:
                names.add(field.split(".", 1)[0].split("[", 1)[0])
    except ValueError:
        return None
    return frozenset(names)


class Translated(str):
    """A translated string that remembers its source.

    Its :meth:`format` never fails because of the translation: if the
    translated text cannot be formatted with the arguments (a translator
    mistyped a placeholder), the English source is formatted instead.
    """

    source: str

    def __new__(cls, text: str, source: str) -> Translated:
        made = super().__new__(cls, text)
        made.source = source
        return made

    def format(self, *args: Any, **kwargs: Any) -> str:
        try:
            return str.format(self, *args, **kwargs)
        except (KeyError, IndexError, ValueError, AttributeError, TypeError):
            # The source text only: arguments may be personal.
            log.warning("translation of %r does not format; using the source", self.source)
            return self.source.format(*args, **kwargs)


# -- catalogues ------------------------------------------------------------------


class Catalog(_gettext.GNUTranslations):
    """A language's translations; a lookup that finds nothing returns the source."""

    language: str = SOURCE_LANGUAGE

    @classmethod
    def empty(cls, language: str = SOURCE_LANGUAGE) -> Catalog:
        made = cls()
        made._catalog = {}  # type: ignore[attr-defined]
        made.plural = lambda n: int(n != 1)  # type: ignore[method-assign]
        made.language = language
        return made

    def lookup(self, context: str | None, singular: str, plural: str | None = None, n: int = 1) -> str | None:
        """The translation, or None if this catalogue has none."""
        key = singular if context is None else f"{context}{_CONTEXT_SEPARATOR}{singular}"
        found = self._catalog.get(key if plural is None else (key, self.plural(n)))  # type: ignore[attr-defined]
        return found or None

    def translate(self, context: str | None, singular: str, plural: str | None = None, n: int = 1) -> str:
        source = singular if plural is None or n == 1 else plural
        found = self.lookup(context, singular, plural, n)
        return source if found is None else Translated(found, source)

    def gettext(self, message: str) -> str:
        return self.translate(None, message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:  # type: ignore[override]
        return self.translate(None, singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        return self.translate(context, message)

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:  # type: ignore[override]
        return self.translate(context, singular, plural, n)

    def drop_broken(self) -> list[str]:
        """Forget translations whose placeholders are not the source's; returns their sources."""
        dropped = []
        entries: dict[object, str] = self._catalog  # type: ignore[attr-defined]
        for key, text in list(entries.items()):
            msgid = key[0] if isinstance(key, tuple) else key
            if not msgid:
                continue  # the header
            source = msgid.split(_CONTEXT_SEPARATOR, 1)[-1]
            wanted, got = placeholders(source), placeholders(text)
            if wanted is None:
                continue  # not a format string: never formatted
            # A plural form may leave out a placeholder (Arabic says "one day",
            # not "1 day"), never add one.
            if got is None or not got <= wanted or (not isinstance(key, tuple) and got != wanted):
                del entries[key]
                dropped.append(source)
        return dropped


    def start_right_to_left(self) -> None:
        """Begin every translation that contains right-to-left letters with a
        RIGHT-TO-LEFT MARK. Qt (like the Unicode bidi algorithm) takes a
        paragraph's direction from its first strong letter, so an Arabic or
        Urdu sentence that starts with "School Intake", "IDNYC" or a Latin
        name would otherwise be laid out, and aligned, left to right."""
        entries: dict[object, str] = self._catalog  # type: ignore[attr-defined]
        for key, text in entries.items():
            if key and text[:1] not in _BIDI_MARKS and any(_strong_right_to_left(char) for char in text):
                entries[key] = RIGHT_TO_LEFT_MARK + text


RIGHT_TO_LEFT_MARK = "\u200f"
_BIDI_MARKS = frozenset("\u200e\u200f\u061c\u202a\u202b\u202d\u202e\u2066\u2067\u2068")


def _strong_right_to_left(char: str) -> bool:
    return unicodedata.bidirectional(char) in ("R", "AL")


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


def _compiled(language: str) -> bytes | None:
    for directory in _catalog_dirs():
        mo = directory / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
        if mo.is_file():
            return mo.read_bytes()
    po = _source_po(language)
    if po is not None:
        from .catalogs import compile_po

        return compile_po(po, language)
    return None


@lru_cache(maxsize=None)
def translator(language: str) -> Catalog:
    """Translations for ``language`` (a code such as ``bn`` or ``zh_Hans``)."""
    if language == SOURCE_LANGUAGE:
        return Catalog.empty()
    data = _compiled(language)
    if data is None:
        return Catalog.empty(language)
    catalog = Catalog(io.BytesIO(data))
    catalog.language = language
    for source in catalog.drop_broken():
        log.warning("%s: the translation of %r has other placeholders than the source; not used", language, source)
    if _locale(language).character_order == "right-to-left":
        catalog.start_right_to_left()
    return catalog


# -- the UI language -------------------------------------------------------------

_current: Catalog = Catalog.empty()
_current_language = SOURCE_LANGUAGE
_missing: set[tuple[str | None, str]] | None = None


def set_ui_language(language: str) -> None:
    global _current, _current_language
    _current = translator(language)
    _current_language = language


def ui_language() -> str:
    return _current_language


@contextmanager
def recording_missing() -> Iterator[set[tuple[str | None, str]]]:
    """Collect ``(context, msgid)`` of every UI lookup that found no translation
    in the current UI language (English needs none). For tests and checks."""
    global _missing
    previous, _missing = _missing, set()
    try:
        yield _missing
    finally:
        _missing = previous


def _ui(context: str | None, singular: str, plural: str | None = None, n: int = 1) -> str:
    text = _current.translate(context, singular, plural, n)
    if _missing is not None and _current_language != SOURCE_LANGUAGE and not isinstance(text, Translated):
        _missing.add((context, singular))
    return text


def _(message: str) -> str:
    return _ui(None, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _ui(None, singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return _ui(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return _ui(context, singular, plural, n)


# -- CLDR formatting in the UI language --------------------------------------------


@lru_cache(maxsize=None)
def _locale(language: str) -> Locale:
    from babel import Locale

    return Locale.parse(language)


def ui_locale() -> Locale:
    return _locale(_current_language)


def format_number(n: int) -> str:
    """``n`` with the UI language's digit grouping, e.g. 12,345 or 12 345."""
    from babel.numbers import format_decimal

    return format_decimal(n, locale=ui_locale())


@lru_cache(maxsize=4096)
def _format_date(day: date, style: str, language: str) -> str:
    from babel.dates import format_date as babel_format_date

    return babel_format_date(day, format=style, locale=_locale(language))


def format_date(day: date, style: str = "medium") -> str:
    """A date as a person reads it in the UI language ("Nov 23, 2026", "23 нояб. 2026 г.")."""
    return _format_date(day, style, _current_language)


def format_datetime(moment: datetime, style: str = "short") -> str:
    """A moment in local time, in the UI language."""
    from babel.dates import format_datetime as babel_format_datetime

    return babel_format_datetime(moment.astimezone(), format=style, locale=ui_locale())


def format_month(month: str) -> str:
    """A ``YYYY-MM`` month as a person reads it ("Nov 2026", "2026年11月")."""
    from babel.dates import format_skeleton

    year, number = (int(part) for part in month.split("-", 1))
    return format_skeleton("yMMM", date(year, number, 1), locale=ui_locale())
