"""Referral operations over the store: save, read, list, follow up.

One set of functions for the command line, the GUI and the tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

from .errors import InvalidInput, NotFound
from .i18n import _
from .referral import (
    NewReferral,
    NotConnectedReason,
    OutcomeEvent,
    Referral,
    ReferralFilter,
    ReferralLine,
    TRANSITIONS,
    Status,
    check_referral,
    check_transition,
)
from .store import Store

PAGE_SIZE = 100


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat()


def add_referral(store: Store, new: NewReferral, *, today: date | None = None,
                 ui_language: str = "en", recorded_by: str = "") -> int:
    """Validate and save a referral; returns its id once the save is durable."""
    today = today or date.today()
    checked = check_referral(new, today, ui_language)
    _check_providers(store, checked)
    now = _iso(_now())
    with store.write() as conn:
        cursor = conn.execute(
            "INSERT INTO referral (referred_on, language, first_name, phone, phone_consent_at, notes,"
            " follow_up_on, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                checked.referred_on.isoformat(),
                checked.language,
                checked.first_name,
                checked.phone,
                now if checked.phone else None,
                checked.notes,
                checked.follow_up_on.isoformat() if checked.follow_up_on else None,
                now,
            ),
        )
        referral_id = int(cursor.lastrowid)
        for choice in checked.services:
            line = conn.execute(
                "INSERT INTO referral_line (referral_id, service, provider_service_id, status, referred_on,"
                " language) VALUES (?, ?, ?, 'referred', ?, ?)",
                (referral_id, choice.service, choice.provider_service_id, checked.referred_on.isoformat(),
                 checked.language),
            )
            conn.execute(
                "INSERT INTO outcome_event (line_id, status, reason, recorded_at, recorded_by)"
                " VALUES (?, 'referred', NULL, ?, ?)",
                (line.lastrowid, now, recorded_by),
            )
    return referral_id


def _check_providers(store: Store, new: NewReferral) -> None:
    for choice in new.services:
        if choice.provider_service_id is None:
            continue
        row = store.query("SELECT category FROM service WHERE id = ?", (choice.provider_service_id,))
        if not row:
            raise InvalidInput(_("There is no provider service {id!r} in the directory.").format(id=choice.provider_service_id))
        if row[0][0] != choice.service:
            raise InvalidInput(
                _("The provider service {id!r} does not offer {service}.").format(
                    id=choice.provider_service_id, service=choice.service)
            )


def get_referral(store: Store, referral_id: int) -> Referral:
    rows = store.query(
        "SELECT id, referred_on, language, first_name, phone, phone_consent_at, notes, follow_up_on,"
        " created_at, purged_at FROM referral WHERE id = ?",
        (referral_id,),
    )
    if not rows:
        raise NotFound(_("There is no referral {id}.").format(id=referral_id))
    events: dict[int, list[OutcomeEvent]] = {}
    for line_id, status, reason, recorded_at, recorded_by in store.query(
        "SELECT e.line_id, e.status, e.reason, e.recorded_at, e.recorded_by FROM outcome_event e"
        " JOIN referral_line l ON l.id = e.line_id WHERE l.referral_id = ? ORDER BY e.id",
        (referral_id,),
    ):
        events.setdefault(line_id, []).append(
            OutcomeEvent(Status(status), NotConnectedReason(reason) if reason else None,
                         datetime.fromisoformat(recorded_at), recorded_by)
        )
    lines = tuple(
        ReferralLine(line_id, service, provider, Status(status), tuple(events.get(line_id, ())))
        for line_id, service, provider, status in store.query(
            "SELECT id, service, provider_service_id, status FROM referral_line WHERE referral_id = ? ORDER BY id",
            (referral_id,),
        )
    )
    return _referral_from_row(rows[0], lines)


def _referral_from_row(row: Sequence[Any], lines: tuple[ReferralLine, ...]) -> Referral:
    (rid, referred_on, language, first_name, phone, consent_at, notes, follow_up_on, created_at, purged_at) = row
    return Referral(
        id=rid,
        referred_on=date.fromisoformat(referred_on),
        language=language,
        first_name=first_name,
        phone=phone,
        phone_consent_at=datetime.fromisoformat(consent_at) if consent_at else None,
        notes=notes,
        follow_up_on=date.fromisoformat(follow_up_on) if follow_up_on else None,
        created_at=datetime.fromisoformat(created_at),
        purged=purged_at is not None,
        lines=lines,
    )


def record_outcome(store: Store, referral_id: int, status: Status, *, service: str | None = None,
                   reason: NotConnectedReason | None = None, recorded_by: str = "") -> list[int]:
    """Move one service line (or every line still able to move) to ``status``.

    Returns the ids of the lines that changed. Who and when are recorded in
    the outcome history.
    """
    referral = get_referral(store, referral_id)
    if service is not None:
        targets = [line for line in referral.lines if line.service == service]
        if not targets:
            raise NotFound(_("Referral {id} has no {service} service.").format(id=referral_id, service=service))
        check_transition(targets[0].status, status, reason)
    else:
        targets = [line for line in referral.lines if status in TRANSITIONS[line.status]]
        if not targets:
            raise InvalidInput(_("No service on referral {id} can move to “{status}”.").format(
                id=referral_id, status=status.label()))
        check_transition(targets[0].status, status, reason)
    now = _iso(_now())
    with store.write() as conn:
        for line in targets:
            conn.execute("UPDATE referral_line SET status = ? WHERE id = ?", (status.value, line.id))
            conn.execute(
                "INSERT INTO outcome_event (line_id, status, reason, recorded_at, recorded_by) VALUES (?, ?, ?, ?, ?)",
                (line.id, status.value, reason.value if reason else None, now, recorded_by),
            )
    return [line.id for line in targets]


@dataclass(frozen=True)
class ReferralSummary:
    """A row of the referrals list: enough to show, nothing more."""

    id: int
    referred_on: date
    language: str
    first_name: str
    services: tuple[str, ...]
    statuses: tuple[Status, ...]
    follow_up_on: date | None


def _filter_sql(flt: ReferralFilter) -> tuple[str, list[Any]]:
    """SQL selecting (referral_id, referred_on) of matching referrals.

    When the filter names a service or a status the search runs on the
    service lines (each has its referral's date and language), otherwise on
    referrals; both have an index for every combination of filters.
    """
    params: list[Any] = []
    if flt.service or flt.status:
        table, id_col = "referral_line", "referral_id"
    else:
        table, id_col = "referral", "id"
    where: list[str] = []
    if flt.service:
        where.append("service = ?")
        params.append(flt.service)
    if flt.status:
        where.append("status = ?")
        params.append(Status(flt.status).value)
    if flt.language:
        where.append("language = ?")
        params.append(flt.language)
    if flt.since:
        where.append("referred_on >= ?")
        params.append(flt.since.isoformat())
    if flt.until:
        where.append("referred_on <= ?")
        params.append(flt.until.isoformat())
    if flt.text.strip():
        # Names are few per screen: the text filter narrows after the indexed ones.
        where.append(f"{id_col} IN (SELECT id FROM referral WHERE first_name LIKE ? ESCAPE '\\'"
                     " OR first_name LIKE ? ESCAPE '\\')")
        needle = flt.text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params.extend([needle + "%", "% " + needle + "%"])
    sql = f"SELECT DISTINCT {id_col} AS rid, referred_on FROM {table}"
    if where:
        sql += " WHERE " + " AND ".join(where)
    return sql, params


def list_referrals(store: Store, flt: ReferralFilter = ReferralFilter(), *, limit: int = PAGE_SIZE,
                   offset: int = 0, newest_first: bool = True) -> list[ReferralSummary]:
    """One page of matching referrals, newest first (or oldest first)."""
    if limit < 0 or offset < 0:
        raise InvalidInput(_("The page size and offset cannot be negative."))
    sql, params = _filter_sql(flt)
    order = "DESC" if newest_first else "ASC"
    page = store.query(
        f"SELECT rid FROM ({sql}) ORDER BY referred_on {order}, rid {order} LIMIT ? OFFSET ?",
        (*params, limit, offset),
    )
    ids = [row[0] for row in page]
    return summaries(store, ids)


def count_referrals(store: Store, flt: ReferralFilter = ReferralFilter()) -> int:
    sql, params = _filter_sql(flt)
    return int(store.query(f"SELECT count(*) FROM ({sql})", tuple(params))[0][0])


def summaries(store: Store, ids: Sequence[int]) -> list[ReferralSummary]:
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    lines: dict[int, list[tuple[str, str]]] = {}
    for referral_id, service, status in store.query(
        f"SELECT referral_id, service, status FROM referral_line WHERE referral_id IN ({marks}) ORDER BY id",
        tuple(ids),
    ):
        lines.setdefault(referral_id, []).append((service, status))
    rows = {
        row[0]: row
        for row in store.query(
            f"SELECT id, referred_on, language, first_name, follow_up_on FROM referral WHERE id IN ({marks})",
            tuple(ids),
        )
    }
    result = []
    for referral_id in ids:
        rid, referred_on, language, first_name, follow_up_on = rows[referral_id]
        pairs = lines.get(referral_id, [])
        result.append(
            ReferralSummary(
                id=rid,
                referred_on=date.fromisoformat(referred_on),
                language=language,
                first_name=first_name,
                services=tuple(service for service, _status in pairs),
                statuses=tuple(Status(status) for _service, status in pairs),
                follow_up_on=date.fromisoformat(follow_up_on) if follow_up_on else None,
            )
        )
    return result


def follow_ups_due(store: Store, today: date | None = None, *, limit: int = PAGE_SIZE) -> list[ReferralSummary]:
    """Referrals whose follow-up date has come and that still have an open service."""
    today = today or date.today()
    ids = [
        row[0]
        for row in store.query(
            # Start from the open lines (few: old ones are settled) through the
            # status index; walking follow-up dates instead took ~1 s at 100k.
            "SELECT r.id FROM referral r WHERE r.follow_up_on IS NOT NULL AND r.follow_up_on <= ?"
            " AND r.id IN (SELECT referral_id FROM referral_line WHERE status IN ('referred', 'contacted'))"
            " ORDER BY r.follow_up_on, r.id LIMIT ?",
            (today.isoformat(), limit),
        )
    ]
    return summaries(store, ids)
