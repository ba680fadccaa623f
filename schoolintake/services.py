"""The fixed catalogue of service categories.

Codes are stable identifiers: they are stored in the database, sent in
aggregate reports and used on the command line, so a code is never renamed or
reused. Names are translated where they are shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import InvalidInput
from .i18n import N_, _


@dataclass(frozen=True)
class ServiceCategory:
    code: str
    name: str  # English source; translate with _() or a sheet translator

    def label(self) -> str:
        return _(self.name)


SERVICE_CATEGORIES: tuple[ServiceCategory, ...] = (
    ServiceCategory("esl", N_("English classes (ESL)")),
    ServiceCategory("health", N_("Health care")),
    ServiceCategory("idnyc", N_("IDNYC (free city ID card)")),
    ServiceCategory("drivers_license", N_("Driver's license")),
    ServiceCategory("legal", N_("Free legal help")),
    ServiceCategory("know_your_rights", N_("Know your rights")),
    ServiceCategory("benefits", N_("Benefits (food, cash, health insurance)")),
    ServiceCategory("housing", N_("Housing help")),
    ServiceCategory("adult_education", N_("Adult education (HSE, job training)")),
    ServiceCategory("mental_health", N_("Mental health support")),
    ServiceCategory("other", N_("Other service")),
)

_BY_CODE = {category.code: category for category in SERVICE_CATEGORIES}
SERVICE_CODES: tuple[str, ...] = tuple(_BY_CODE)


def service_category(code: str) -> ServiceCategory:
    try:
        return _BY_CODE[code]
    except KeyError:
        raise InvalidInput(
            _("Unknown service code {code!r}; use one of: {codes}.").format(
                code=code, codes=", ".join(SERVICE_CODES)
            )
        ) from None
