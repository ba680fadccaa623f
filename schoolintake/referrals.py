"""Referral operations over the store: save, read, list, follow up.

One set of functions for the command line, the GUI and the tests.
"""

from __future__ import annotations

import re

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from enum import Enum
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


@dataclass(frozen=True)
class _Search:
    """Where a filter is answered, and its conditions."""

    table: str
    id_col: str
    where: list[str]
    params: list[Any]
    #: A referral may match through two of its lines (e.g. two services
    #: both "connected"); only then must the ids be made distinct.
    may_repeat: bool

    def where_sql(self) -> str:
        return " WHERE " + " AND ".join(self.where) if self.where else ""


class ReferralOrder(Enum):
    """What the referrals list is sorted by; ties go by date, then number."""

    DATE = "date"
    NUMBER = "number"
    LANGUAGE = "language"
    NAME = "name"
    FOLLOW_UP = "follow_up"


#: The ORDER BY columns of each order but DATE, on the referral table; each
#: ends in the referral number so that offset pages partition the list.
_ORDER_KEYS: dict[ReferralOrder, tuple[str, ...]] = {
    ReferralOrder.NUMBER: ("id",),
    ReferralOrder.LANGUAGE: ("language", "referred_on", "id"),
    # Read off referral_by_name (migration 7); NOCASE so that "ana" sits by "Ana".
    ReferralOrder.NAME: ("first_name COLLATE NOCASE", "referred_on", "id"),
    # Read off referral_by_follow_up (as widened by migration 7).
    ReferralOrder.FOLLOW_UP: ("follow_up_on", "referred_on", "id"),
}
#: Orders whose column may be blank (no name, purged; no follow-up date): the
#: blank rows come last in both directions, newest first or oldest first.
_BLANK: dict[ReferralOrder, tuple[str, str]] = {
    # (condition of the rows with a value, condition of the blank ones); the
    # NOCASE comparison lets referral_by_name skip the blank names by range.
    ReferralOrder.NAME: ("first_name COLLATE NOCASE > ''", "first_name = ''"),
    ReferralOrder.FOLLOW_UP: ("follow_up_on IS NOT NULL", "follow_up_on IS NULL"),
}


def _search(flt: ReferralFilter, *, on_lines_allowed: bool = True, probe_lines: bool = False) -> _Search:
    """The conditions of a filter, on one table and one of its indexes.

    When the filter names a service or a status the search runs on the
    service lines (each has its referral's date and language), otherwise on
    referrals. Each combination of equality filters has an index ending in
    (referred_on, id), so a newest-first page is read straight off the
    index and stops after one page: no sort, no scan of the other rows.

    Without ``on_lines_allowed`` the search always runs on referrals (for
    orders by a column only referrals have), the service and status
    conditions becoming a probe per referral (``probe_lines``, when many
    lines match) or a set of referral ids (when few do).
    """
    params: list[Any] = []
    on_lines = bool(flt.service or flt.status) and on_lines_allowed
    table, id_col = ("referral_line", "referral_id") if on_lines else ("referral", "id")
    where: list[str] = []
    line_where: list[str] = []
    if flt.service:
        line_where.append("service = ?")
        params.append(flt.service)
    if flt.status:
        line_where.append("status = ?")
        params.append(Status(flt.status).value)
    if on_lines:
        where.extend(line_where)
    elif line_where and probe_lines:
        # Probed per referral through line_by_referral as the order index is
        # walked: stops after a page when matches are common, where building
        # the set of every matching id first cost 100+ ms at 100k.
        where.append("EXISTS (SELECT 1 FROM referral_line WHERE referral_id = referral.id AND "
                     + " AND ".join(line_where) + ")")
    elif line_where:
        # Rare matches: the set of their ids is small, and probing would walk
        # most of the order index to fill a page.
        where.append("id IN (SELECT referral_id FROM referral_line WHERE " + " AND ".join(line_where) + ")")
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
        # Each word typed is a prefix of a word of the name, in any script,
        # ignoring case and accents (the FTS5 index of migration 5).
        query = name_match_query(flt.text)
        if query is None:
            where.append("0")  # only punctuation was typed: no name matches
        else:
            where.append(f"{id_col} IN (SELECT rowid FROM referral_name WHERE referral_name MATCH ?)")
            params.append(query)
    # (referral_id, service) is unique, so with a service named no referral repeats.
    return _Search(table, id_col, where, params, may_repeat=on_lines and not flt.service)


def name_match_query(text: str) -> str | None:
    """An FTS5 query matching names with a word starting with each typed word."""
    words = re.findall(r"[^\W_]+", text)
    if not words:
        return None
    return " ".join('"' + word.replace('"', '""') + '"*' for word in words)


def list_referrals(store: Store, flt: ReferralFilter = ReferralFilter(), *, limit: int = PAGE_SIZE,
                   offset: int = 0, after: ReferralSummary | None = None,
                   order: ReferralOrder = ReferralOrder.DATE, descending: bool = True) -> list[ReferralSummary]:
    """One page of matching referrals in ``order``, descending (newest first) or ascending.

    Ties are ordered by date, then number, in the same direction, so that
    ``offset`` pages partition the list. Referrals without a name (or a
    follow-up date) come after the others in both directions, by date.

    ``after`` continues from the last row of the previous page (keyset
    paging), for the DATE order only: it costs the same at any depth,
    whereas ``offset`` reads and skips every earlier row, which shows from
    a few thousand rows on.
    """
    if limit < 0 or offset < 0:
        raise InvalidInput(_("The page size and offset cannot be negative."))
    probe = order is not ReferralOrder.DATE and _many_lines_match(store, flt)
    sql, params = page_sql(flt, limit=limit, offset=offset, after=after, order=order, descending=descending,
                           probe_lines=probe)
    ids = [row[0] for row in store.query(sql, params)]
    if order in _BLANK and len(ids) < limit:
        # The rows with a value ran out on this page: the blank ones follow.
        if ids or not offset:
            valued = offset + len(ids)
        else:
            search = _search(flt, on_lines_allowed=False, probe_lines=probe)
            valued = int(store.query(f"SELECT count(*) FROM referral WHERE {' AND '.join([*search.where, _BLANK[order][0]])}",
                                     tuple(search.params))[0][0])
        sql, params = page_sql(flt, limit=limit - len(ids), offset=max(0, offset - valued), order=order,
                               descending=descending, blanks=True, probe_lines=probe)
        ids.extend(row[0] for row in store.query(sql, params))
    return summaries(store, ids)


#: Above this many matching service lines, a page sorted by another column
#: than the date probes each referral's lines rather than collecting the
#: ids of every match (measured at 100k by tests/bench/bench_list_orders.py).
MANY_LINES = 10_000


def _many_lines_match(store: Store, flt: ReferralFilter) -> bool:
    """Whether the service/status filter matches many lines, from the kept counts (cheap)."""
    if not (flt.service or flt.status):
        return False
    where, params = [], []
    for column, value in (("service", flt.service), ("status", Status(flt.status).value if flt.status else None),
                          ("language", flt.language)):
        if value:
            where.append(f"{column} = ?")
            params.append(value)
    total = store.query(f"SELECT sum(n) FROM monthly_line_count WHERE {' AND '.join(where)}", tuple(params))[0][0]
    return int(total or 0) > MANY_LINES


def page_sql(flt: ReferralFilter, *, limit: int = PAGE_SIZE, offset: int = 0,
             after: ReferralSummary | None = None, order: ReferralOrder = ReferralOrder.DATE,
             descending: bool = True, blanks: bool = False,
             probe_lines: bool = False) -> tuple[str, tuple[Any, ...]]:
    """The query behind :func:`list_referrals` (exposed for EXPLAIN checks).

    For an order whose column may be blank, the rows with a value, or with
    ``blanks`` the blank rows (ordered by date, then number).
    """
    direction = "DESC" if descending else "ASC"
    if order is not ReferralOrder.DATE:
        if after is not None:
            raise ValueError("keyset paging (after=) follows the date order only")
        search = _search(flt, on_lines_allowed=False, probe_lines=probe_lines)
        where, params = list(search.where), list(search.params)
        keys = _ORDER_KEYS[order]
        if order in _BLANK:
            where.append(_BLANK[order][1 if blanks else 0])
            if blanks:
                keys = ("referred_on", "id")
        conditions = " WHERE " + " AND ".join(where) if where else ""
        ordering = ", ".join(f"{key} {direction}" for key in keys)
        return f"SELECT id FROM referral{conditions} ORDER BY {ordering} LIMIT ? OFFSET ?", (*params, limit, offset)
    search = _search(flt)
    where, params = list(search.where), list(search.params)
    beyond = "<" if descending else ">"
    if after is not None:
        where.append(f"(referred_on, {search.id_col}) {beyond} (?, ?)")
        params.extend([after.referred_on.isoformat(), after.id])
    distinct = "DISTINCT " if search.may_repeat else ""
    conditions = " WHERE " + " AND ".join(where) if where else ""
    sql = (f"SELECT {distinct}{search.id_col}, referred_on FROM {search.table}{conditions}"
           f" ORDER BY referred_on {direction}, {search.id_col} {direction} LIMIT ? OFFSET ?")
    return sql, (*params, limit, offset)


def count_referrals(store: Store, flt: ReferralFilter = ReferralFilter()) -> int:
    search = _search(flt)
    what = f"count(DISTINCT {search.id_col})" if search.may_repeat else "count(*)"
    return int(store.query(f"SELECT {what} FROM {search.table}{search.where_sql()}", tuple(search.params))[0][0])


#: Read from the covering index line_by_referral (migration 4) alone.
SUMMARY_LINES_SQL = "SELECT referral_id, service, status FROM referral_line WHERE referral_id IN ({marks}) ORDER BY id"


def summaries(store: Store, ids: Sequence[int]) -> list[ReferralSummary]:
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    lines: dict[int, list[tuple[str, str]]] = {}
    for referral_id, service, status in store.query(SUMMARY_LINES_SQL.format(marks=marks), tuple(ids)):
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


@dataclass(frozen=True)
class LineCount:
    """Service lines referred in a month with one service, language and outcome."""

    service: str
    language: str
    status: Status
    n: int


#: Read from the counts the triggers keep (migration 3), by its primary key:
#: the cost depends on the number of categories, not of referrals.
MONTHLY_LINE_COUNTS_SQL = (
    "SELECT service, language, status, n FROM monthly_line_count"
    " WHERE month = ? AND n > 0 ORDER BY service, language, status"
)
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def monthly_line_counts(store: Store, month: str) -> list[LineCount]:
    """Counts by service × language × current outcome for ``month`` (YYYY-MM)."""
    if not _MONTH.fullmatch(month):
        raise InvalidInput(_("{month!r} is not a month; write it as YYYY-MM.").format(month=month))
    return [
        LineCount(service, language, Status(status), n)
        for service, language, status, n in store.query(MONTHLY_LINE_COUNTS_SQL, (month,))
    ]


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
