"""The site (school and partner organisation) and its settings."""

from __future__ import annotations

from datetime import datetime, timezone

from .errors import InvalidInput, NotFound
from .i18n import _
from .referral import Site, check_site
from .store import Store

#: Settings kept inside the encrypted database, with their defaults.
DEFAULT_SETTINGS: dict[str, int] = {
    "retention_days": 365,
    "idle_lock_minutes": 5,
    # Reports: the minimum cell size k, and how many days after a month ends
    # it may be reported (so that late entries and outcomes have settled).
    "disclosure_k": 5,
    "report_delay_days": 7,
}
_LIMITS = {"retention_days": (30, 3650), "idle_lock_minutes": (1, 60), "disclosure_k": (3, 11),
           "report_delay_days": (0, 90)}


def save_site(store: Store, site: Site) -> Site:
    checked = check_site(site)
    now = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    with store.write() as conn:
        conn.execute(
            "INSERT INTO site (id, school_name, doe_code, partner_organisation, created_at) VALUES (1, ?, ?, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET school_name = excluded.school_name, doe_code = excluded.doe_code,"
            " partner_organisation = excluded.partner_organisation",
            (checked.school_name, checked.doe_code, checked.partner_organisation, now),
        )
    return checked


def load_site(store: Store) -> Site:
    rows = store.query("SELECT school_name, doe_code, partner_organisation FROM site WHERE id = 1")
    if not rows:
        raise NotFound(_("This database has no site yet; run set-up (schoolintake init)."))
    return Site(*rows[0])


def has_site(store: Store) -> bool:
    return bool(store.query("SELECT 1 FROM site WHERE id = 1"))


def setting(store: Store, key: str) -> int:
    if key not in DEFAULT_SETTINGS:
        raise InvalidInput(_("Unknown setting {key!r}.").format(key=key))
    rows = store.query("SELECT value FROM setting WHERE key = ?", (key,))
    return int(rows[0][0]) if rows else DEFAULT_SETTINGS[key]


def set_setting(store: Store, key: str, value: int) -> None:
    if key not in DEFAULT_SETTINGS:
        raise InvalidInput(_("Unknown setting {key!r}.").format(key=key))
    low, high = _LIMITS[key]
    if not low <= value <= high:
        raise InvalidInput(_("{key} must be between {low} and {high}.").format(key=key, low=low, high=high))
    with store.write() as conn:
        conn.execute(
            "INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, str(value)),
        )
