"""Everything a referral sheet says, as translatable constants in one place.

Marked with ``N_`` and translated into the *sheet* language (the parent's)
with :func:`schoolintake.i18n.translator`, never into the UI language.
"""

from __future__ import annotations

from .i18n import N_

REFERRAL_TITLE = N_("Referral sheet")
HANDOUT_TITLE = N_("Services for your family")
PREPARED_FOR = N_("Prepared for {name}")
INTRO = N_("Keep this sheet with you when you call or visit.")

PROVIDER = N_("Provider")
ADDRESS = N_("Address")
PHONE = N_("Phone")
HOURS = N_("Hours")
LANGUAGES_SPOKEN = N_("Languages spoken there")
WHAT_TO_BRING = N_("What to bring")
COST = N_("Cost")
WEBSITE = N_("Scan for the website")

CALL_311 = N_("Call 311")
NO_PROVIDER = N_("Call 311 to find a provider near you.")

FOOTER = N_("Free. Confidential. City services are for everyone, regardless of immigration status. Call 311.")

#: Everything above, for tests that check every sheet language has them.
SHEET_MESSAGES: tuple[str, ...] = (
    REFERRAL_TITLE, HANDOUT_TITLE, PREPARED_FOR, INTRO, PROVIDER, ADDRESS, PHONE, HOURS,
    LANGUAGES_SPOKEN, WHAT_TO_BRING, COST, WEBSITE, CALL_311, NO_PROVIDER, FOOTER,
)
