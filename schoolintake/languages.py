"""The languages School Intake speaks: New York City's designated citywide
languages plus English, each with its CLDR locale for names, dates and plurals."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from .errors import InvalidInput
from .i18n import N_, _

if TYPE_CHECKING:  # babel and its locale data load on first use: the unlock screen does not wait for them
    from babel import Locale


@dataclass(frozen=True)
class Language:
    code: str
    english_name: str

    @property
    def locale(self) -> Locale:
        return _locale(self.code)

    @property
    def autonym(self) -> str:
        """The language's name in its own script, e.g. "বাংলা"."""
        return _AUTONYMS.get(self.code) or self.locale.get_display_name(self.locale) or self.english_name

    @property
    def right_to_left(self) -> bool:
        if self.code in _AUTONYMS:
            return self.code in _RIGHT_TO_LEFT
        return self.locale.character_order == "right-to-left"


@lru_cache(maxsize=None)
def _locale(code: str) -> Locale:
    from babel import Locale

    return Locale.parse(code)


# Order: English first, then the citywide languages as PRODUCT.md lists them.
LANGUAGES: tuple[Language, ...] = (
    Language("en", N_("English")),
    Language("es", N_("Spanish")),
    Language("zh_Hans", N_("Chinese (Simplified)")),
    Language("zh_Hant", N_("Chinese (Traditional)")),
    Language("ru", N_("Russian")),
    Language("bn", N_("Bengali")),
    Language("ht", N_("Haitian Creole")),
    Language("ko", N_("Korean")),
    Language("ar", N_("Arabic")),
    Language("ur", N_("Urdu")),
    Language("fr", N_("French")),
    Language("pl", N_("Polish")),
)

#: CLDR's facts (through Babel) for the languages above, kept as data: every
#: language list in the application needs them, and reading them from Babel
#: loads all thirteen locales' data (about 16 MB held for the life of the
#: process, 0.1–0.2 s). tests/test_languages.py checks them against Babel.
_AUTONYMS: dict[str, str] = {
    "en": "English", "es": "español", "zh_Hans": "中文 (简体)", "zh_Hant": "中文 (繁體)", "ru": "русский",
    "bn": "বাংলা", "ht": "Kreyòl Ayisyen", "ko": "한국어", "ar": "العربية", "ur": "اردو", "fr": "français",
    "pl": "polski",
}
_RIGHT_TO_LEFT = frozenset({"ar", "ur"})

#: A parent may speak a language outside the list; it is still counted.
OTHER_LANGUAGE = "other"

_BY_CODE = {language.code: language for language in LANGUAGES}
LANGUAGE_CODES: tuple[str, ...] = tuple(_BY_CODE)
PARENT_LANGUAGE_CODES: tuple[str, ...] = LANGUAGE_CODES + (OTHER_LANGUAGE,)


def language(code: str) -> Language:
    try:
        return _BY_CODE[code]
    except KeyError:
        raise InvalidInput(
            _("Unknown language code {code!r}; use one of: {codes}.").format(
                code=code, codes=", ".join(LANGUAGE_CODES)
            )
        ) from None


def check_parent_language(code: str) -> str:
    if code == OTHER_LANGUAGE:
        return code
    return language(code).code


def language_label(code: str) -> str:
    """A parent language's name for lists: autonym, or "Other language"."""
    if code == OTHER_LANGUAGE:
        return _("Other language")
    return language(code).autonym
