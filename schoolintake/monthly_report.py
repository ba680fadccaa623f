"""The local counts report: service lines per month by service, language and outcome.

Read from the counts the database keeps by trigger (``monthly_line_count``),
so a report never scans the referrals. Counts only, never a person; the
aggregate sync (small-cell suppression, signing) is a separate module.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .errors import InvalidInput
from .files import write_atomically
from .i18n import _
from .store import Store

DIMENSIONS = ("service", "language", "status")


@dataclass(frozen=True)
class CountRow:
    month: str  # YYYY-MM
    service: str
    language: str
    status: str
    n: int


def months_available(store: Store) -> list[str]:
    return [row[0] for row in store.query(
        "SELECT DISTINCT month FROM monthly_line_count WHERE n > 0 ORDER BY month")]


def monthly_counts(store: Store, first_month: str | None = None, last_month: str | None = None) -> list[CountRow]:
    """Every non-zero count between two months (inclusive, YYYY-MM)."""
    where, params = ["n > 0"], []
    if first_month:
        where.append("month >= ?")
        params.append(first_month)
    if last_month:
        where.append("month <= ?")
        params.append(last_month)
    return [CountRow(*row) for row in store.query(
        "SELECT month, service, language, status, n FROM monthly_line_count WHERE "
        + " AND ".join(where) + " ORDER BY month, service, language, status", tuple(params))]


def totals_by(rows: list[CountRow], dimension: str) -> list[tuple[str, int]]:
    """Totals per value of one dimension, largest first."""
    if dimension not in DIMENSIONS:
        raise InvalidInput(_("Unknown report dimension {name!r}.").format(name=dimension))
    totals: Counter[str] = Counter()
    for row in rows:
        totals[getattr(row, dimension)] += row.n
    return sorted(totals.items(), key=lambda item: (-item[1], item[0]))


def counts_csv(rows: list[CountRow]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["month", "service", "language", "status", "count"])
    for row in rows:
        writer.writerow([row.month, row.service, row.language, row.status, row.n])
    return buffer.getvalue()


def write_counts_csv(path: Path, rows: list[CountRow]) -> Path:
    """Write the counts as CSV, atomically."""
    return write_atomically(path, counts_csv(rows).encode("utf-8"))
