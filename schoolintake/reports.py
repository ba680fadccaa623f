"""Preparing, signing and remembering monthly reports.

One set of operations for the command line, the GUI and the tests:
:func:`prepare_report` (the preview: exactly the bytes that would leave),
:func:`reports_to_send`, :func:`history` and, in :mod:`.sync`, sending.

Rules that keep differencing from revealing a small cell
--------------------------------------------------------
* **Closed months only.** A month can be reported once it has ended and the
  site's ``report_delay_days`` have passed (default 7), so late entries and
  outcomes have mostly settled and corrections are rare. Only whole months
  are ever reported: no week, quarter or year leaves the device, so there is
  no larger total to subtract months from.
* **A correction is a new revision of the same month**, made only when the
  counts changed since the last revision that left the device. The collector
  keeps the newest revision of each month (replacing, never adding).
* **A correction is protected with every earlier released revision taken into
  account.** It keeps the earlier language groups; every cell withheld before
  stays withheld; cells that were small before keep the full k protection; a
  cell whose value equals one published before is treated as known to the
  attacker (it cannot hide anything). The result is then audited jointly with
  the earlier revisions, by linear programs that assume the attacker knows
  which cells did not change. If no safe correction is found, it is not made:
  the earlier revision stands (:class:`CorrectionWithheld`).
* A revision that was prepared but never left the device is simply replaced.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from . import aggregate
from .aggregate import MonthCounts, Tables, arrange, check_period, language_groups, read_counts
from .disclosure import Pattern, joint_audit
from .errors import InvalidInput, NotFound, SchoolIntakeError
from .i18n import _
from .site import load_site, setting
from .sitekey import encode_key, fingerprint, public_key, sign
from .store import Store

ENVELOPE_FORMAT = "schoolintake.signed-report"
ENVELOPE_VERSION = 1


class CorrectionWithheld(SchoolIntakeError):
    """A correction could not be made without revealing a small count."""


@dataclass(frozen=True)
class PreparedReport:
    period: str
    revision: int
    #: The exact bytes that leave the device (signed envelope, JSON).
    envelope: bytes
    prepared_at: str
    released_at: str | None
    delivered_at: str | None
    attempts: int = 0
    next_attempt_at: str | None = None
    last_error: str = ""

    @property
    def document(self) -> dict[str, Any]:
        """The report inside the envelope."""
        return json.loads(json.loads(self.envelope)["payload"])

    @property
    def payload(self) -> bytes:
        return json.loads(self.envelope)["payload"].encode("ascii")

    def render(self) -> str:
        return aggregate.render(self.document)


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def first_reportable_day(period: str, delay_days: int) -> date:
    year, month = map(int, check_period(period).split("-"))
    following = date(year + month // 12, month % 12 + 1, 1)
    return following + timedelta(days=delay_days)


def check_closed(store: Store, period: str, today: date) -> None:
    opens = first_reportable_day(period, setting(store, "report_delay_days"))
    if today < opens:
        raise InvalidInput(
            _("{period} can be reported from {date} on: only closed months are reported, once late entries "
              "have settled.").format(period=period, date=opens.isoformat()))


def closed_periods(store: Store, today: date) -> list[str]:
    """Every closed month that has counts or was reported before."""
    delay = setting(store, "report_delay_days")
    months = {row[0] for row in store.query(
        "SELECT DISTINCT month FROM monthly_referral_count WHERE n > 0"
        " UNION SELECT DISTINCT month FROM monthly_line_count WHERE n > 0"
        " UNION SELECT DISTINCT period FROM report_revision WHERE released_at IS NOT NULL")}
    valid = []
    for month in months:
        try:
            if first_reportable_day(month, delay) <= today:
                valid.append(month)
        except InvalidInput:
            continue  # a malformed date in old data is not a month to report
    return sorted(valid)


# -- stored revisions ---------------------------------------------------------


@dataclass(frozen=True)
class _Revision:
    revision: int
    k: int
    tables: Tables
    pattern: Pattern
    released: bool

    def published_value(self, key: str) -> int | None:
        return None if key in self.pattern.suppressed else self.tables.cells[key]


_COLUMNS = ("period, revision, envelope, prepared_at, released_at, delivered_at, attempts, next_attempt_at,"
            " last_error")


def _prepared(row: Sequence[Any]) -> PreparedReport:
    return PreparedReport(row[0], int(row[1]), bytes(row[2]), row[3], row[4], row[5], int(row[6]), row[7], row[8])


def _revisions(store: Store, period: str) -> list[_Revision]:
    out = []
    for revision, k, groups, sessions, cells, suppressed, protected, released in store.query(
            "SELECT revision, k, groups, sessions, cells, suppressed, protected, released_at"
            " FROM report_revision WHERE period = ? ORDER BY revision", (period,)):
        tables = Tables(period, tuple(json.loads(groups)), json.loads(sessions), json.loads(cells))
        pattern = Pattern(frozenset(json.loads(suppressed)), frozenset(json.loads(protected)), int(k))
        out.append(_Revision(int(revision), int(k), tables, pattern, released is not None))
    return out


def revision_record(store: Store, period: str, revision: int) -> PreparedReport:
    rows = store.query(f"SELECT {_COLUMNS} FROM report_revision WHERE period = ? AND revision = ?", (period, revision))
    if not rows:
        raise NotFound(_("There is no revision {revision} of the report for {period}.").format(
            revision=revision, period=period))
    return _prepared(rows[0])


# -- preparing ---------------------------------------------------------------


def _plan(counts: MonthCounts, k: int, released: list[_Revision]) -> tuple[Tables, Pattern]:
    if not released:
        tables = arrange(counts, language_groups(counts.sessions, k))
        return tables, aggregate.suppress(tables, k)
    tables = arrange(counts, released[0].tables.groups)
    if 0 < tables.total_sessions < k:
        return tables, aggregate.withhold_everything(tables, k)
    small = [g for g, n in tables.sessions.items() if 0 < n < k]
    if small:
        raise CorrectionWithheld(
            # TRANSLATORS: {period} is a month such as 2026-10; {k} is the smallest count shown (3 or more).
            _("The counts for {period} changed, but a correction would show a language group with fewer than {k} "
              "sessions; the earlier report stands.").format(period=counts.period, k=k))
    forced = set().union(*(r.pattern.suppressed for r in released))
    earlier_small = set().union(*(r.pattern.protected for r in released))
    fixed = {key for key, value in tables.cells.items()
             if key not in forced and any(r.published_value(key) == value for r in released)}
    history = [(aggregate.network(r.tables), r.pattern) for r in released]
    pattern = aggregate.suppress(tables, k, forced=forced, fixed=fixed, also_protect=earlier_small)
    if not joint_audit(history + [(aggregate.network(tables), pattern)]):
        return tables, pattern
    # Second try: also withhold every cell that changed since the last release.
    last = released[-1].tables.cells
    changed = {key for key, value in tables.cells.items() if last.get(key) != value}
    pattern = aggregate.suppress(tables, k, forced=forced | changed, fixed=fixed - changed,
                                 also_protect=earlier_small)
    if not joint_audit(history + [(aggregate.network(tables), pattern)]):
        return tables, pattern
    raise CorrectionWithheld(
        _("The counts for {period} changed, but no correction could be made without revealing a small number; "
          "the earlier report stands.").format(period=counts.period))


def _envelope(store: Store, document: dict[str, Any]) -> bytes:
    payload = aggregate.canonical_bytes(document)
    key = public_key(store)
    return aggregate.canonical_bytes({
        "format": ENVELOPE_FORMAT,
        "format_version": ENVELOPE_VERSION,
        "payload": payload.decode("ascii"),
        "signature": base64.b64encode(sign(store, payload)).decode("ascii"),
        "public_key": encode_key(key),
        "key_id": fingerprint(key),
    })


def prepare_report(store: Store, period: str, *, today: date | None = None) -> PreparedReport:
    """The report for a closed month, exactly as it would leave the device.

    Returns the stored revision when nothing changed (same bytes as before);
    otherwise prepares, signs and stores a new revision (or replaces one that
    never left the device).
    """
    today = today or date.today()
    check_period(period)
    check_closed(store, period, today)
    k = setting(store, "disclosure_k")
    counts = read_counts(store, period)
    revisions = _revisions(store, period)
    released = [r for r in revisions if r.released]
    latest = revisions[-1] if revisions else None
    groups = released[0].tables.groups if released else language_groups(counts.sessions, k)
    current = arrange(counts, groups)
    if latest is not None and latest.k == k and dict(latest.tables.cells) == dict(current.cells) \
            and dict(latest.tables.sessions) == dict(current.sessions):
        return revision_record(store, period, latest.revision)
    if not released and counts.total_sessions == 0:
        raise NotFound(_("There are no referrals in {period} to report.").format(period=period))
    tables, pattern = _plan(counts, k, released)
    revision = (released[-1].revision if released else 0) + 1
    document = aggregate.payload(tables, pattern, doe_code=load_site(store).doe_code, revision=revision)
    envelope = _envelope(store, document)
    prepared_at = _iso(_now())
    with store.write() as conn:
        conn.execute("DELETE FROM report_revision WHERE period = ? AND released_at IS NULL", (period,))
        conn.execute(
            "INSERT INTO report_revision (period, revision, k, groups, sessions, cells, suppressed, protected,"
            " envelope, prepared_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (period, revision, k, json.dumps(list(tables.groups)), json.dumps(dict(tables.sessions)),
             json.dumps(dict(tables.cells), sort_keys=True), json.dumps(sorted(pattern.suppressed)),
             json.dumps(sorted(pattern.protected)), envelope, prepared_at),
        )
    return revision_record(store, period, revision)


def prepare_closed(store: Store, *, today: date | None = None) -> tuple[list[PreparedReport], list[str]]:
    """Prepare every closed month that needs a (new) revision.

    Returns the reports still to deliver and the problems met (a correction
    withheld, say), one sentence each.
    """
    today = today or date.today()
    problems: list[str] = []
    for period in closed_periods(store, today):
        try:
            prepare_report(store, period, today=today)
        except (CorrectionWithheld, NotFound) as error:
            problems.append(str(error))
    return reports_to_send(store), problems


def reports_to_send(store: Store) -> list[PreparedReport]:
    """The newest revision of each month that the collector has not confirmed."""
    rows = store.query(
        f"SELECT {_COLUMNS} FROM report_revision AS r WHERE delivered_at IS NULL"
        " AND revision = (SELECT max(revision) FROM report_revision WHERE period = r.period)"
        " ORDER BY period")
    return [_prepared(row) for row in rows]


def mark_released(store: Store, report: PreparedReport, destination: str, outcome: str, detail: str = "") -> None:
    now = _iso(_now())
    with store.write() as conn:
        conn.execute("UPDATE report_revision SET released_at = coalesce(released_at, ?) WHERE period = ? AND"
                     " revision = ?", (now, report.period, report.revision))
        if outcome == "delivered":
            conn.execute("UPDATE report_revision SET delivered_at = ?, last_error = '', next_attempt_at = NULL"
                         " WHERE period = ? AND revision = ?", (now, report.period, report.revision))
        conn.execute("INSERT INTO sync_event (at, period, revision, destination, outcome, detail)"
                     " VALUES (?, ?, ?, ?, ?, ?)", (now, report.period, report.revision, destination, outcome, detail))


def record_failure(store: Store, report: PreparedReport, destination: str, outcome: str, detail: str,
                   retry_at: datetime) -> None:
    now = _iso(_now())
    with store.write() as conn:
        conn.execute("UPDATE report_revision SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?"
                     " WHERE period = ? AND revision = ?", (_iso(retry_at), detail, report.period, report.revision))
        conn.execute("INSERT INTO sync_event (at, period, revision, destination, outcome, detail)"
                     " VALUES (?, ?, ?, ?, ?, ?)", (now, report.period, report.revision, destination, outcome, detail))


@dataclass(frozen=True)
class SyncEvent:
    at: str
    period: str
    revision: int
    destination: str
    outcome: str
    detail: str


def history(store: Store, *, limit: int = 200) -> list[SyncEvent]:
    """What was sent or saved, and when; newest first."""
    return [SyncEvent(*row) for row in store.query(
        "SELECT at, period, revision, destination, outcome, detail FROM sync_event ORDER BY at DESC, id DESC"
        " LIMIT ?", (limit,))]
