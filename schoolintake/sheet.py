"""Referral sheets and blank service handouts, as PDF bytes.

What a sheet says is gathered into plain dataclasses (:class:`SheetContent`)
by the store-facing functions, then drawn by :mod:`schoolintake.sheetpdf`,
which needs no store: tests and the benchmark build content directly.

A sheet carries only what the parent needs: the site, the date, the first
name given for "Prepared for …" (if any), and for each service the provider's
public directory facts. Never the notes, the parent's phone number or
anything else from the referral. Rendering returns bytes and writes nothing:
a sheet that is only printed leaves no file behind; saving is the caller's
explicit act (see :func:`write_pdf`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .directory import ProviderService, provider_service, providers_for
from .errors import InvalidInput, NotFound
from .files import write_atomically
from .i18n import SOURCE_LANGUAGE, _
from .languages import LANGUAGE_CODES, OTHER_LANGUAGE, language
from .referral import Site
from .services import service_category
from .store import Store

#: At most this many providers are listed on a blank handout for one service.
HANDOUT_PROVIDERS = 4


@dataclass(frozen=True)
class SheetService:
    """One service on a sheet: its category and the provider chosen (if any)."""

    category: str
    provider: ProviderService | None = None


@dataclass(frozen=True)
class SheetContent:
    """Everything printed on one sheet (one or two pages)."""

    language: str                     # sheet language; "en" for English only
    services: tuple[SheetService, ...]
    on: date
    site: Site | None = None
    english: bool = True              # English alongside the sheet language
    prepared_for: str = ""            # a first name or initials, or ""
    handout: bool = False             # a blank handout for an event, not a referral

    @property
    def bilingual(self) -> bool:
        return self.english and self.language != SOURCE_LANGUAGE


def sheet_language(code: str | None, fallback: str) -> str:
    """The language a sheet is printed in: a parent who speaks a language
    without a catalogue ("other") gets English."""
    code = code or fallback
    if code == OTHER_LANGUAGE:
        return SOURCE_LANGUAGE
    return language(code).code


# -- content from the store ------------------------------------------------------------


def _site(store: Store) -> Site | None:
    from .site import has_site, load_site

    return load_site(store) if has_site(store) else None


def referral_sheet_content(store: Store, referral_id: int, *, language: str | None = None,
                           english: bool = True, today: date | None = None) -> SheetContent:
    from .referrals import get_referral

    referral = get_referral(store, referral_id)
    services: list[SheetService] = []
    for line in referral.lines:
        provider = None
        if line.provider_service_id:
            try:
                provider = provider_service(store, line.provider_service_id)
            except NotFound:
                provider = None  # removed from the directory since: the sheet says "Call 311"
        services.append(SheetService(line.service, provider))
    return SheetContent(
        language=sheet_language(language, referral.language),
        services=tuple(services),
        on=today or date.today(),
        site=_site(store),
        english=english,
        prepared_for=referral.first_name,
    )


def handout_content(store: Store, service_code: str, language_code: str, *, english: bool = True,
                    today: date | None = None) -> SheetContent:
    category = service_category(service_code)
    lang = sheet_language(language_code, SOURCE_LANGUAGE)
    providers = providers_for(store, category.code, lang)[:HANDOUT_PROVIDERS]
    services = tuple(SheetService(category.code, p) for p in providers) or (SheetService(category.code),)
    return SheetContent(language=lang, services=services, on=today or date.today(), site=_site(store),
                        english=english, handout=True)


# -- public API (GUI and command line) ---------------------------------------------------


def render_referral_sheet(store: Store, referral_id: int, *, language: str | None = None,
                          english: bool = True) -> bytes:
    """The referral's sheet as PDF bytes, in ``language`` (default: the referral's)."""
    from .sheetpdf import render

    return render([referral_sheet_content(store, referral_id, language=language, english=english)])


def render_blank_handout(store: Store, service_code: str, language: str, *, english: bool = True) -> bytes:
    """A handout for one service with no personal data, for events."""
    from .sheetpdf import render

    return render([handout_content(store, service_code, language, english=english)])


def render_handout_pack(store: Store, service_code: str) -> bytes:
    """One PDF with the service's handout in every language (English first)."""
    from .sheetpdf import render

    return render([handout_content(store, service_code, code) for code in LANGUAGE_CODES])


def render_sheets(contents: Sequence[SheetContent]) -> bytes:
    """Several sheets in one PDF, each starting on a new page."""
    from .sheetpdf import render

    if not contents:
        raise InvalidInput(_("There is nothing to print."))
    return render(list(contents))


def write_pdf(path: Path, data: bytes) -> Path:
    """Save a PDF the user asked for, atomically: complete or not at all."""
    if not data.startswith(b"%PDF"):
        raise InvalidInput(_("This is not a PDF document; nothing was written."))
    return write_atomically(path, data)
