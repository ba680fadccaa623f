"""The languages School Intake speaks: New York City's designated citywide
languages plus English, each with its CLDR locale for names, dates and plurals."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from babel import Locale

from .errors import InvalidInput
from .i18n import N_, _


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
        return self.locale.get_display_name(self.locale) or self.english_name

    @property
    def right_to_left(self) -> bool:
        return self.locale.character_order == "right-to-left"


@lru_cache(maxsize=None)
def _locale(code: str) -> Locale:
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
