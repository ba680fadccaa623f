"""The provider directory, shaped after Open Referral HSDS.

An *organization* offers *services*; each service has one of our service
categories, phones, schedules (free text), the languages spoken there and
optionally locations. A referral line points at a directory service: that is
the "provider" chosen for a category.

The exchange format (starter directory, import, export) is HSDS-shaped JSON:
organizations with nested services, phones, schedules, languages and
locations, plus ``category`` holding our stable service code.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import InvalidInput, NotFound
from .i18n import _
from .languages import LANGUAGE_CODES
from .services import service_category
from .store import Store

EXCHANGE_FORMAT = "schoolintake-hsds"
EXCHANGE_VERSION = 1


@dataclass(frozen=True)
class Location:
    name: str = ""
    address_1: str = ""
    city: str = ""
    state_province: str = ""
    postal_code: str = ""

    def one_line(self) -> str:
        parts = [self.address_1, self.city, " ".join(p for p in (self.state_province, self.postal_code) if p)]
        return ", ".join(p for p in parts if p)


@dataclass(frozen=True)
class Phone:
    number: str
    description: str = ""


@dataclass(frozen=True)
class ProviderService:
    """A directory service, with what a sheet and a picker need."""

    id: str
    organization_id: str
    organization_name: str
    category: str
    name: str
    description: str = ""
    url: str = ""
    application_process: str = ""
    fees_description: str = ""
    phones: tuple[Phone, ...] = ()
    schedules: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    locations: tuple[Location, ...] = ()
    active: bool = True


@dataclass
class OrganizationRecord:
    id: str
    name: str
    description: str = ""
    url: str = ""
    services: list[ProviderService] = field(default_factory=list)


_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def _check_text(value: Any, label: str, limit: int, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(_("{field} must be text.").format(field=label))
    value = value.strip()
    if required and not value:
        raise InvalidInput(_("{field} is required.").format(field=label))
    if len(value) > limit:
        # TRANSLATORS: {field} is a field name such as "Service name"; {n} is 60, 200, 500 or 2000.
        raise InvalidInput(_("{field} is too long (at most {n} characters).").format(field=label, n=limit))
    return value


def _check_url(url: str) -> str:
    if url and not re.match(r"^https?://[^\s]+$", url):
        raise InvalidInput(_("{url!r} is not a web address (it should start with https://).").format(url=url))
    return url


def save_service(store: Store, service: ProviderService) -> str:
    """Insert or update a directory service and its organization."""
    if not _ID.match(service.id or ""):
        raise InvalidInput(_("{id!r} is not a valid directory id.").format(id=service.id))
    if not _ID.match(service.organization_id or ""):
        raise InvalidInput(_("{id!r} is not a valid directory id.").format(id=service.organization_id))
    service_category(service.category)
    org_name = _check_text(service.organization_name, _("Organization name"), 200, required=True)
    name = _check_text(service.name, _("Service name"), 200, required=True)
    for code in service.languages:
        if code not in LANGUAGE_CODES:
            raise InvalidInput(_("Unknown language code {code!r}.").format(code=code))
    url = _check_url(_check_text(service.url, _("Web address"), 500))
    with store.write() as conn:
        conn.execute(
            "INSERT INTO organization (id, name) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name",
            (service.organization_id, org_name),
        )
        conn.execute(
            "INSERT INTO service (id, organization_id, category, name, description, url, application_process,"
            " fees_description, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET organization_id = excluded.organization_id,"
            " category = excluded.category, name = excluded.name, description = excluded.description,"
            " url = excluded.url, application_process = excluded.application_process,"
            " fees_description = excluded.fees_description, status = excluded.status",
            (service.id, service.organization_id, service.category, name,
             _check_text(service.description, _("Description"), 2000), url,
             _check_text(service.application_process, _("What to bring"), 2000),
             _check_text(service.fees_description, _("Fees"), 200),
             "active" if service.active else "inactive"),
        )
        for table in ("phone", "schedule", "service_language"):
            conn.execute(f"DELETE FROM {table} WHERE service_id = ?", (service.id,))
        for index, phone in enumerate(service.phones):
            conn.execute(
                "INSERT INTO phone (id, service_id, number, description) VALUES (?, ?, ?, ?)",
                (f"{service.id}/phone/{index}", service.id,
                 _check_text(phone.number, _("Phone"), 60, required=True),
                 _check_text(phone.description, _("Phone description"), 200)),
            )
        for index, schedule in enumerate(service.schedules):
            conn.execute(
                "INSERT INTO schedule (id, service_id, description) VALUES (?, ?, ?)",
                (f"{service.id}/schedule/{index}", service.id, _check_text(schedule, _("Hours"), 500, required=True)),
            )
        for code in dict.fromkeys(service.languages):
            conn.execute("INSERT INTO service_language (service_id, language) VALUES (?, ?)", (service.id, code))
        conn.execute(
            "DELETE FROM location WHERE id IN (SELECT location_id FROM service_at_location WHERE service_id = ?)",
            (service.id,),
        )
        for index, location in enumerate(service.locations):
            location_id = f"{service.id}/location/{index}"
            conn.execute(
                "INSERT INTO location (id, organization_id, name, address_1, city, state_province, postal_code)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (location_id, service.organization_id, location.name, location.address_1, location.city,
                 location.state_province, location.postal_code),
            )
            conn.execute(
                "INSERT INTO service_at_location (id, service_id, location_id) VALUES (?, ?, ?)",
                (f"{service.id}/at/{index}", service.id, location_id),
            )
    return service.id


def new_id() -> str:
    return str(uuid.uuid4())


def _load_services(store: Store, where: str, params: tuple[Any, ...]) -> list[ProviderService]:
    rows = store.query(
        "SELECT s.id, s.organization_id, o.name, s.category, s.name, s.description, s.url,"
        " s.application_process, s.fees_description, s.status FROM service s"
        f" JOIN organization o ON o.id = s.organization_id WHERE {where} ORDER BY o.name, s.name",
        params,
    )
    if not rows:
        return []
    ids = tuple(row[0] for row in rows)
    marks = ",".join("?" * len(ids))
    phones: dict[str, list[Phone]] = {}
    for service_id, number, description in store.query(
        f"SELECT service_id, number, description FROM phone WHERE service_id IN ({marks}) ORDER BY id", ids
    ):
        phones.setdefault(service_id, []).append(Phone(number, description))
    schedules: dict[str, list[str]] = {}
    for service_id, description in store.query(
        f"SELECT service_id, description FROM schedule WHERE service_id IN ({marks}) ORDER BY id", ids
    ):
        schedules.setdefault(service_id, []).append(description)
    languages: dict[str, list[str]] = {}
    for service_id, code in store.query(
        f"SELECT service_id, language FROM service_language WHERE service_id IN ({marks})", ids
    ):
        languages.setdefault(service_id, []).append(code)
    locations: dict[str, list[Location]] = {}
    for service_id, *fields in store.query(
        "SELECT sal.service_id, l.name, l.address_1, l.city, l.state_province, l.postal_code"
        f" FROM service_at_location sal JOIN location l ON l.id = sal.location_id"
        f" WHERE sal.service_id IN ({marks}) ORDER BY sal.id",
        ids,
    ):
        locations.setdefault(service_id, []).append(Location(*fields))
    order = {code: index for index, code in enumerate(LANGUAGE_CODES)}
    return [
        ProviderService(
            id=sid, organization_id=org_id, organization_name=org_name, category=category, name=name,
            description=description, url=url, application_process=process, fees_description=fees,
            phones=tuple(phones.get(sid, ())), schedules=tuple(schedules.get(sid, ())),
            languages=tuple(sorted(languages.get(sid, ()), key=lambda c: order.get(c, 99))),
            locations=tuple(locations.get(sid, ())), active=status == "active",
        )
        for sid, org_id, org_name, category, name, description, url, process, fees, status in rows
    ]


def provider_service(store: Store, service_id: str) -> ProviderService:
    found = _load_services(store, "s.id = ?", (service_id,))
    if not found:
        raise NotFound(_("There is no provider service {id!r} in the directory.").format(id=service_id))
    return found[0]


def providers_for(store: Store, category: str, language: str | None = None) -> list[ProviderService]:
    """Active providers of a service category; those speaking ``language`` first."""
    service_category(category)
    found = _load_services(store, "s.category = ? AND s.status = 'active'", (category,))
    if language:
        found.sort(key=lambda service: language not in service.languages)
    return found


def search_services(store: Store, text: str = "") -> list[ProviderService]:
    if not text.strip():
        return _load_services(store, "1", ())
    needle = "%" + text.strip().replace("%", "") + "%"
    return _load_services(store, "(s.name LIKE ? OR o.name LIKE ? OR s.description LIKE ?)", (needle, needle, needle))


def directory_size(store: Store) -> int:
    return int(store.query("SELECT count(*) FROM service")[0][0])


# -- exchange (HSDS-shaped JSON) -------------------------------------------


def _services_from_document(document: Any) -> list[ProviderService]:
    if not isinstance(document, dict) or document.get("format") != EXCHANGE_FORMAT:
        raise InvalidInput(_("This is not a School Intake directory file."))
    if document.get("format_version") != EXCHANGE_VERSION:
        raise InvalidInput(_("This directory file has an unknown format version."))
    services: list[ProviderService] = []
    for org in document.get("organizations", []):
        for item in org.get("services", []):
            try:
                services.append(
                    ProviderService(
                        id=item["id"], organization_id=org["id"], organization_name=org["name"],
                        category=item["category"], name=item["name"],
                        description=item.get("description", ""), url=item.get("url", ""),
                        application_process=item.get("application_process", ""),
                        fees_description=item.get("fees_description", ""),
                        phones=tuple(Phone(p["number"], p.get("description", "")) for p in item.get("phones", [])),
                        schedules=tuple(s["description"] for s in item.get("schedules", [])),
                        languages=tuple(item.get("languages", [])),
                        locations=tuple(
                            Location(**{k: v for k, v in loc.items() if k in Location.__dataclass_fields__})
                            for loc in item.get("locations", [])
                        ),
                        active=item.get("status", "active") == "active",
                    )
                )
            except (KeyError, TypeError) as error:
                raise InvalidInput(_("A directory entry is incomplete: {detail}.").format(detail=error)) from None
    return services


def import_directory(store: Store, document: Any) -> int:
    """Add or update every service in an exchange document; returns how many."""
    services = _services_from_document(document)
    for service in services:
        save_service(store, service)
    with store.write() as conn:
        for org in document.get("organizations", []):
            conn.execute(
                "UPDATE organization SET description = ?, url = ? WHERE id = ?",
                (_check_text(org.get("description"), _("Description"), 2000),
                 _check_url(_check_text(org.get("url"), _("Web address"), 500)), org["id"]),
            )
    return len(services)


def load_starter_directory(store: Store) -> int:
    text = resources.files("schoolintake").joinpath("data/starter_directory.json").read_text(encoding="utf-8")
    return import_directory(store, json.loads(text))


def export_directory(store: Store) -> dict[str, Any]:
    organizations: dict[str, dict[str, Any]] = {}
    for row in store.query("SELECT id, name, description, url FROM organization ORDER BY name"):
        organizations[row[0]] = {"id": row[0], "name": row[1], "description": row[2], "url": row[3], "services": []}
    for service in _load_services(store, "1", ()):
        organizations[service.organization_id]["services"].append(
            {
                "id": service.id, "category": service.category, "name": service.name,
                "description": service.description, "url": service.url,
                "application_process": service.application_process,
                "fees_description": service.fees_description,
                "status": "active" if service.active else "inactive",
                "phones": [{"number": p.number, "description": p.description} for p in service.phones],
                "schedules": [{"description": s} for s in service.schedules],
                "languages": list(service.languages),
                "locations": [loc.__dict__ for loc in service.locations],
            }
        )
    return {"format": EXCHANGE_FORMAT, "format_version": EXCHANGE_VERSION,
            "organizations": list(organizations.values())}


def read_directory_file(path: Path) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InvalidInput(_("Cannot read the directory file {path}: {reason}.").format(path=path, reason=error)) from None
