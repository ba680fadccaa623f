"""The domain: a site, referrals, one line per service, and outcome history.

Everything personal is optional and small: a first name or initials, a phone
number only with recorded consent, short notes. The rest is categorical.
Rules live here, as plain functions over plain values, so the command line,
the GUI and the property tests all go through the same checks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum

from .errors import InvalidInput, SensitiveNotes
from .i18n import N_, _, pgettext
from .languages import check_parent_language
from .privacy import sensitive_terms
from .services import service_category

NAME_MAX = 40
NOTES_MAX = 500
EARLIEST_DATE = date(2000, 1, 1)

# DOE school codes: two-digit district, borough letter, three-digit number,
# e.g. 15K058 (district 15, Brooklyn, school 58).
_DOE_CODE = re.compile(r"^(\d{2})([KMQRX])(\d{3})$")
_PHONE_CHARS = re.compile(r"^[0-9+()\-. ]+(?:\s*(?:x|ext\.?)\s*\d{1,6})?$", re.IGNORECASE)


class Status(StrEnum):
    REFERRED = "referred"
    CONTACTED = "contacted"
    CONNECTED = "connected"
    NOT_CONNECTED = "not_connected"

    def label(self) -> str:
        labels = {
            # TRANSLATORS: the state of one service of a referral (a list column and a
            # filter), not a verb: referred -> contacted -> connected / not connected.
            Status.REFERRED: pgettext("referral status", "Referred"),
            Status.CONTACTED: pgettext("referral status", "Contacted"),
            Status.CONNECTED: pgettext("referral status", "Connected"),
            Status.NOT_CONNECTED: pgettext("referral status", "Not connected"),
        }
        return labels[self]

#: Where a service line may go next. "Not connected" is not final: a parent
#: may call back, so the coordinator can try again.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.REFERRED: frozenset({Status.CONTACTED, Status.CONNECTED, Status.NOT_CONNECTED}),
    Status.CONTACTED: frozenset({Status.CONNECTED, Status.NOT_CONNECTED}),
    Status.NOT_CONNECTED: frozenset({Status.CONTACTED, Status.CONNECTED}),
    Status.CONNECTED: frozenset(),
}

OPEN_STATUSES = frozenset({Status.REFERRED, Status.CONTACTED})


class NotConnectedReason(StrEnum):
    UNREACHABLE = "unreachable"
    DECLINED = "declined"
    NO_CAPACITY = "no_capacity"
    NOT_ELIGIBLE = "not_eligible"
    MOVED = "moved"
    OTHER = "other"

    def label(self) -> str:
        return _(_REASON_LABELS[self])


_REASON_LABELS = {
    NotConnectedReason.UNREACHABLE: N_("Could not reach the parent"),
    NotConnectedReason.DECLINED: N_("Parent declined"),
    NotConnectedReason.NO_CAPACITY: N_("Provider had no space"),
    NotConnectedReason.NOT_ELIGIBLE: N_("Not eligible for the service"),
    NotConnectedReason.MOVED: N_("Moved away"),
    NotConnectedReason.OTHER: N_("Other reason"),
}


@dataclass(frozen=True)
class Site:
    school_name: str
    doe_code: str
    partner_organisation: str = ""


def check_site(site: Site) -> Site:
    name = site.school_name.strip()
    if not name:
        raise InvalidInput(_("The school name is required."))
    if len(name) > 120:
        raise InvalidInput(_("The school name is too long (at most 120 characters)."))
    code = site.doe_code.strip().upper()
    if not _DOE_CODE.match(code):
        raise InvalidInput(
            _("{code!r} is not a DOE school code; it looks like 15K058 "
              "(district, borough letter K/M/Q/R/X, school number).").format(code=site.doe_code)
        )
    partner = site.partner_organisation.strip()
    if len(partner) > 120:
        raise InvalidInput(_("The partner organisation is too long (at most 120 characters)."))
    return Site(name, code, partner)


@dataclass(frozen=True)
class ServiceChoice:
    """One service on a new referral, with the provider chosen for it."""

    service: str
    provider_service_id: str | None = None


@dataclass(frozen=True)
class NewReferral:
    language: str
    services: tuple[ServiceChoice, ...]
    referred_on: date
    first_name: str = ""
    phone: str = ""
    phone_consent: bool = False
    notes: str = ""
    follow_up_on: date | None = None
    #: The user saw the warning about sensitive words in the notes and kept them.
    notes_confirmed: bool = False


def check_first_name(name: str) -> str:
    name = " ".join(name.split())
    if len(name) > NAME_MAX:
        # TRANSLATORS: {n} is always 40.
        raise InvalidInput(_("The name is too long: a first name or initials only (at most {n} characters).").format(n=NAME_MAX))
    if any(ch.isdigit() for ch in name) or "@" in name:
        raise InvalidInput(_("The name field takes a first name or initials only, not numbers or addresses."))
    return name


def check_phone(phone: str, consent: bool) -> str:
    phone = phone.strip()
    if not phone:
        return ""
    if not consent:
        raise InvalidInput(_("A phone number can only be kept when the parent agrees; record their consent."))
    digits = sum(ch.isdigit() for ch in phone.split("x")[0].split("ext")[0])
    if not _PHONE_CHARS.match(phone) or not 7 <= digits <= 15:
        raise InvalidInput(_("{phone!r} does not look like a phone number.").format(phone=phone))
    return phone


def check_notes(notes: str, confirmed: bool, ui_language: str = "en") -> str:
    notes = notes.strip()
    if len(notes) > NOTES_MAX:
        # TRANSLATORS: {n} is always 500.
        raise InvalidInput(_("Notes are too long (at most {n} characters).").format(n=NOTES_MAX))
    if notes and not confirmed:
        terms = sensitive_terms(notes, ui_language)
        if terms:
            raise SensitiveNotes(
                _("The notes seem to mention immigration status or a similar identifier "
                  "({terms}). School Intake never records it: please remove it.").format(
                    terms=", ".join(terms[:3])),
                terms,
            )
    return notes


def check_referral(new: NewReferral, today: date, ui_language: str = "en") -> NewReferral:
    """Validate and normalise a new referral, or raise :class:`InvalidInput`."""
    language = check_parent_language(new.language)
    if not new.services:
        raise InvalidInput(_("Choose at least one service."))
    seen: set[str] = set()
    for choice in new.services:
        service_category(choice.service)
        if choice.service in seen:
            raise InvalidInput(_("Each service can be chosen only once per referral."))
        seen.add(choice.service)
    if new.referred_on > today:
        raise InvalidInput(_("The referral date cannot be in the future."))
    if new.referred_on < EARLIEST_DATE:
        raise InvalidInput(_("The referral date is too far in the past."))
    if new.follow_up_on is not None and new.follow_up_on < new.referred_on:
        raise InvalidInput(_("The follow-up date cannot be before the referral date."))
    return replace(
        new,
        language=language,
        first_name=check_first_name(new.first_name),
        phone=check_phone(new.phone, new.phone_consent),
        phone_consent=bool(new.phone.strip()) and new.phone_consent,
        notes=check_notes(new.notes, new.notes_confirmed, ui_language),
    )


def check_transition(current: Status, new: Status, reason: NotConnectedReason | None) -> None:
    if new not in TRANSITIONS[current]:
        raise InvalidInput(
            _("A service cannot go from “{old}” to “{new}”.").format(old=current.label(), new=new.label())
        )
    if new is Status.NOT_CONNECTED and reason is None:
        raise InvalidInput(_("Say why the parent was not connected."))
    if new is not Status.NOT_CONNECTED and reason is not None:
        raise InvalidInput(_("A reason is only recorded when the parent was not connected."))


@dataclass(frozen=True)
class OutcomeEvent:
    status: Status
    reason: NotConnectedReason | None
    recorded_at: datetime
    recorded_by: str


@dataclass(frozen=True)
class ReferralLine:
    id: int
    service: str
    provider_service_id: str | None
    status: Status
    history: tuple[OutcomeEvent, ...] = ()


@dataclass(frozen=True)
class Referral:
    id: int
    referred_on: date
    language: str
    first_name: str
    phone: str
    phone_consent_at: datetime | None
    notes: str
    follow_up_on: date | None
    created_at: datetime
    purged: bool
    lines: tuple[ReferralLine, ...] = field(default=())

    @property
    def services(self) -> tuple[str, ...]:
        return tuple(line.service for line in self.lines)

    @property
    def is_open(self) -> bool:
        return any(line.status in OPEN_STATUSES for line in self.lines)


@dataclass(frozen=True)
class ReferralFilter:
    status: Status | None = None
    service: str | None = None
    language: str | None = None
    since: date | None = None
    until: date | None = None
    #: Matched against the first name (case-insensitive prefix of any word).
    text: str = ""
