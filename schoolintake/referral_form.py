"""The new-referral form as a plain object, without a screen.

A :class:`ReferralDraft` is what the user has typed so far. The front end
renders it and writes into it; the rules (language search, provider
suggestions, turning a draft into a :class:`NewReferral`) live here so they
are tested headless and the draft can be kept in memory while the app is
locked, then put back on screen.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from .errors import InvalidInput
from .i18n import _
from .languages import LANGUAGES, OTHER_LANGUAGE, PARENT_LANGUAGE_CODES, language_label
from .referral import NewReferral, ServiceChoice
from .services import SERVICE_CODES

DEFAULT_FOLLOW_UP_DAYS = 7


@dataclass(frozen=True)
class LanguageOption:
    code: str
    label: str  # the autonym, e.g. "বাংলা"
    english: str  # the name in the UI language, shown beside it

    def display(self) -> str:
        # Case-blind: Babel spells Haitian "Kreyòl Ayisyen", the catalog "Kreyòl ayisyen".
        return self.label if self.label.casefold() == self.english.casefold() else f"{self.label} — {self.english}"


def language_options() -> list[LanguageOption]:
    options = [LanguageOption(lang.code, lang.autonym, _(lang.english_name)) for lang in LANGUAGES]
    options.append(LanguageOption(OTHER_LANGUAGE, language_label(OTHER_LANGUAGE), language_label(OTHER_LANGUAGE)))
    return options


def _words(option: LanguageOption) -> list[str]:
    from .languages import language

    names = [option.label, option.english, option.code]
    if option.code != OTHER_LANGUAGE:
        names.append(language(option.code).english_name)
    return [name.casefold() for name in names]


def match_languages(query: str, options: Sequence[LanguageOption] | None = None) -> list[LanguageOption]:
    """Languages whose autonym, name or code matches ``query``; prefix matches first."""
    options = list(options if options is not None else language_options())
    needle = query.strip().casefold()
    if not needle:
        return options
    prefix = [o for o in options if any(word.startswith(needle) for word in _words(o))]
    inside = [o for o in options if o not in prefix and any(needle in word for word in _words(o))]
    return prefix + inside


@dataclass
class ReferralDraft:
    """An unsaved referral. Mutable on purpose: the form edits it in place."""

    language: str = ""
    first_name: str = ""
    services: list[str] = field(default_factory=list)
    #: The provider (directory service id) picked for each chosen service.
    providers: dict[str, str | None] = field(default_factory=dict)
    #: Services whose provider the user picked by hand (not replaced by suggestions).
    chosen_by_hand: set[str] = field(default_factory=set)
    phone: str = ""
    phone_consent: bool = False
    notes: str = ""
    follow_up_on: date | None = None

    @classmethod
    def fresh(cls, today: date) -> ReferralDraft:
        return cls(follow_up_on=today + timedelta(days=DEFAULT_FOLLOW_UP_DAYS))

    def is_blank(self, today: date) -> bool:
        return self == ReferralDraft.fresh(today) or self == ReferralDraft()

    def copy(self) -> ReferralDraft:
        return replace(self, services=list(self.services), providers=dict(self.providers),
                       chosen_by_hand=set(self.chosen_by_hand))

    def set_service(self, code: str, chosen: bool) -> None:
        if code not in SERVICE_CODES:
            raise ValueError(code)
        if chosen and code not in self.services:
            self.services.append(code)
            self.services.sort(key=SERVICE_CODES.index)
        elif not chosen and code in self.services:
            self.services.remove(code)
            self.providers.pop(code, None)
            self.chosen_by_hand.discard(code)

    def choose_provider(self, service: str, provider_id: str | None) -> None:
        self.providers[service] = provider_id
        self.chosen_by_hand.add(service)

    def set_language(self, code: str) -> None:
        if code not in PARENT_LANGUAGE_CODES:
            raise ValueError(code)
        self.language = code

    def apply_suggestions(self, options: Mapping[str, Sequence[str]]) -> None:
        """Pick the first suggested provider (the directory lists those speaking
        the parent's language first) for each service the user has not picked by hand."""
        for service in self.services:
            ids = list(options.get(service, ()))
            current = self.providers.get(service)
            if service in self.chosen_by_hand and (current is None or current in ids):
                continue
            self.providers[service] = ids[0] if ids else None

    def to_new_referral(self, today: date, *, notes_confirmed: bool = False) -> NewReferral:
        """The referral to save; the core's checks run when it is saved."""
        if not self.language:
            raise InvalidInput(_("Choose the parent's language."))
        return NewReferral(
            language=self.language,
            services=tuple(ServiceChoice(code, self.providers.get(code)) for code in self.services),
            referred_on=today,
            first_name=self.first_name,
            phone=self.phone,
            phone_consent=self.phone_consent,
            notes=self.notes,
            follow_up_on=self.follow_up_on,
            notes_confirmed=notes_confirmed,
        )
