"""Retention: personal fields are blanked after a configurable period.

Only the personal columns (first name, phone and its consent time, notes)
are cleared; dates, language, services, providers and outcomes stay, so
every count is unchanged by a purge.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from .errors import InvalidInput
from .i18n import _
from .site import setting
from .store import Store


def purge_personal_data(store: Store, older_than_days: int, *, today: date | None = None) -> int:
    """Blank personal fields of referrals older than ``older_than_days``.

    Returns how many referrals were purged. The WAL is checkpointed and
    truncated afterwards so that no earlier page image of a purged row
    lingers beside the database.
    """
    if older_than_days < 0:
        raise InvalidInput(_("The number of days cannot be negative."))
    today = today or date.today()
    cutoff = (today - timedelta(days=older_than_days)).isoformat()
    now = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    with store.write() as conn:
        cursor = conn.execute(
            "UPDATE referral SET first_name = '', phone = '', phone_consent_at = NULL, notes = '',"
            " purged_at = ? WHERE referred_on < ? AND (first_name != '' OR phone != '' OR notes != ''"
            " OR phone_consent_at IS NOT NULL)",
            (now, cutoff),
        )
        purged = cursor.rowcount
    if purged:
        store.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return purged


def apply_retention(store: Store, *, today: date | None = None) -> int:
    """The automatic purge, with the site's configured retention period."""
    return purge_personal_data(store, setting(store, "retention_days"), today=today)
