"""The monthly aggregate report: what the central office may see.

Built from the counts tables that triggers keep (``monthly_line_count``,
``monthly_referral_count``), so it reads a few hundred rows however many
referrals the database holds, and only categorical columns: no name, phone
or note can reach it.

What a report publishes (format in docs/report-format.md, schema in
``data/report.schema.json``), for one site and one month:

* **sessions** — intake sessions (referrals: a parent at the desk) by
  language group, and their total;
* **lines by service × language group** — service lines (one per service
  on a referral), with service totals, language totals and the grand total;
* **lines by service × outcome** — the same lines by their current status,
  with the same service totals and grand total, and outcome totals.

Why two 2-D tables and not the 3-D service × language × outcome cube: a
school's month has a few dozen to a few hundred referrals, so nearly every
cell of a 572-cell cube is small and would be withheld, and three linked
2-D faces of a cube can pin cells that each face alone protects. The two
faces we publish share only the service dimension, so together they are still
one network (see :mod:`.disclosure`) and their protection is checked exactly.

Language groups: a language is shown on its own only when it has at least k
intake sessions that month; the others are counted in "other languages"
(together with the parent-language choice "other"). If that group is itself
small, the next-smallest language joins it. Then no language group is ever
small, the sessions table needs no suppression at all, and a small language
does not cost a whole column of withheld cells. Which languages were merged is
not said (it would say they were small).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from . import __version__
from .disclosure import DisclosureError, Network, Pattern, audit, protect
from .errors import InvalidInput
from .i18n import _
from .languages import OTHER_LANGUAGE, PARENT_LANGUAGE_CODES, language_label
from .referral import Status
from .services import SERVICE_CODES, service_category
from .store import Store

FORMAT = "schoolintake.aggregate-report"
FORMAT_VERSION = 1
OUTCOMES: tuple[str, ...] = tuple(status.value for status in Status)
STANDALONE_LANGUAGES: tuple[str, ...] = tuple(code for code in PARENT_LANGUAGE_CODES if code != OTHER_LANGUAGE)
_PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def check_period(text: str) -> str:
    if not _PERIOD.match(text or ""):
        raise InvalidInput(_("{text!r} is not a month in the form YYYY-MM (reports are monthly).").format(text=text))
    return text


@dataclass(frozen=True)
class MonthCounts:
    """One month's kept counts, before any grouping or suppression."""

    period: str
    #: (service, language, status) → service lines
    lines: Mapping[tuple[str, str, str], int]
    #: language → intake sessions
    sessions: Mapping[str, int]

    @property
    def total_sessions(self) -> int:
        return sum(self.sessions.values())


def read_counts(store: Store, period: str) -> MonthCounts:
    """The month's counts from the trigger-kept tables (no scan of referrals)."""
    check_period(period)
    lines = {
        (service, language, status): int(n)
        for service, language, status, n in store.query(
            "SELECT service, language, status, n FROM monthly_line_count WHERE month = ? AND n > 0", (period,))
    }
    sessions = {
        language: int(n)
        for language, n in store.query(
            "SELECT language, n FROM monthly_referral_count WHERE month = ? AND n > 0", (period,))
    }
    return MonthCounts(period, lines, sessions)


def language_groups(sessions: Mapping[str, int], k: int) -> tuple[str, ...]:
    """The languages shown on their own, in catalogue order, then "other".

    Each shown language has ≥ k sessions; "other languages" has 0 or ≥ k
    (unless the whole month has fewer than k, when nothing is shown apart).
    """
    total = sum(sessions.values())
    alone = [code for code in STANDALONE_LANGUAGES if sessions.get(code, 0) >= k]
    rest = total - sum(sessions[code] for code in alone)
    while 0 < rest < k and alone:
        smallest = min(alone, key=lambda code: (sessions[code], -STANDALONE_LANGUAGES.index(code)))
        alone.remove(smallest)
        rest += sessions[smallest]
    return tuple(alone) + (OTHER_LANGUAGE,)


def group_of(language: str, groups: Sequence[str]) -> str:
    return language if language in groups else OTHER_LANGUAGE


@dataclass(frozen=True)
class Tables:
    """A month's counts arranged as published, with every cell by key.

    Cell keys: ``sl:SERVICE:LANG`` (lines by service × language group),
    ``so:SERVICE:OUTCOME`` (lines by service × outcome), ``s:SERVICE``,
    ``l:LANG``, ``o:OUTCOME`` (totals) and ``lines`` (all lines).
    """

    period: str
    groups: tuple[str, ...]
    sessions: Mapping[str, int]
    cells: Mapping[str, int] = field(repr=False)

    @property
    def total_sessions(self) -> int:
        return sum(self.sessions.values())


def arrange(counts: MonthCounts, groups: Sequence[str]) -> Tables:
    groups = tuple(groups)
    sessions = {group: 0 for group in groups}
    for language, n in counts.sessions.items():
        sessions[group_of(language, groups)] += n
    cells: dict[str, int] = {}
    for s in SERVICE_CODES:
        for g in groups:
            cells[f"sl:{s}:{g}"] = 0
        for o in OUTCOMES:
            cells[f"so:{s}:{o}"] = 0
        cells[f"s:{s}"] = 0
    for g in groups:
        cells[f"l:{g}"] = 0
    for o in OUTCOMES:
        cells[f"o:{o}"] = 0
    cells["lines"] = 0
    for (service, language, status), n in counts.lines.items():
        g = group_of(language, groups)
        for key in (f"sl:{service}:{g}", f"so:{service}:{status}", f"s:{service}", f"l:{g}", f"o:{status}", "lines"):
            if key not in cells:
                raise InvalidInput(_("The counts name an unknown service or status ({key}).").format(key=key))
            cells[key] += n
    return Tables(counts.period, groups, sessions, cells)


def network(tables: Tables) -> Network:
    """The two linked line tables as one network (see :mod:`.disclosure`).

    Flow: outcome totals → service × outcome → service totals →
    service × language → language totals → all lines → back. The published
    sessions bound the line cells: a language group's lines for one service
    cannot exceed its sessions (a service appears once per referral), and its
    lines in all cannot be fewer than its sessions (every referral has a
    service).
    """
    net = Network()
    cells = tables.cells
    for o in OUTCOMES:
        net.add(f"o:{o}", "all", f"O:{o}", cells[f"o:{o}"])
    for s in SERVICE_CODES:
        for o in OUTCOMES:
            net.add(f"so:{s}:{o}", f"O:{o}", f"Sin:{s}", cells[f"so:{s}:{o}"])
        net.add(f"s:{s}", f"Sin:{s}", f"Sout:{s}", cells[f"s:{s}"])
        for g in tables.groups:
            value = cells[f"sl:{s}:{g}"]
            net.add(f"sl:{s}:{g}", f"Sout:{s}", f"L:{g}", value, up=tables.sessions[g] - value)
    for g in tables.groups:
        value = cells[f"l:{g}"]
        net.add(f"l:{g}", f"L:{g}", "lines", value, down=value - tables.sessions[g])
    net.add("lines", "lines", "all", cells["lines"])
    return net


def withhold_everything(tables: Tables, k: int) -> Pattern:
    """Every line cell withheld: for a month with fewer than k sessions (whose
    session counts are then withheld too), or as the safe fallback."""
    keys = frozenset(tables.cells)
    return Pattern(keys, frozenset(key for key, value in tables.cells.items() if 0 < value < k), k)


def suppress(tables: Tables, k: int, *, forced: Iterable[str] = (), fixed: Iterable[str] = (),
             also_protect: Iterable[str] = ()) -> Pattern:
    """The suppression pattern for a month's tables, checked before it is used.

    Should the search ever fail, or its result not pass the exact check, the
    month is withheld whole rather than published unsafely.
    """
    if 0 < tables.total_sessions < k:
        return withhold_everything(tables, k)
    net = network(tables)
    try:
        pattern = protect(net, k, forced=forced, fixed=fixed, also_protect=also_protect)
    except DisclosureError:
        return withhold_everything(tables, k)
    if audit(net, pattern):
        return withhold_everything(tables, k)
    return pattern


# -- the payload -----------------------------------------------------------


def _utc_now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def payload(tables: Tables, pattern: Pattern, *, doe_code: str, revision: int,
            generated_at: str | None = None) -> dict[str, Any]:
    """The report as sent: withheld cells are ``null``."""
    shown = {key: (None if key in pattern.suppressed else value) for key, value in tables.cells.items()}
    tiny = 0 < tables.total_sessions < pattern.k
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "site": {"doe_code": doe_code},
        "period": tables.period,
        "revision": revision,
        "generated_at": generated_at or _utc_now(),
        "app_version": __version__,
        "disclosure": {
            "method": "small-cell suppression with complementary suppression",
            "k": pattern.k,
            "withheld_value": None,
            "other_language_group": OTHER_LANGUAGE,
        },
        "dimensions": {"services": list(SERVICE_CODES), "languages": list(tables.groups), "outcomes": list(OUTCOMES)},
        "sessions": {
            "by_language": [None if tiny else tables.sessions[g] for g in tables.groups],
            "total": None if tiny else tables.total_sessions,
        },
        "lines": {
            "by_service_language": [[shown[f"sl:{s}:{g}"] for g in tables.groups] for s in SERVICE_CODES],
            "by_service_outcome": [[shown[f"so:{s}:{o}"] for o in OUTCOMES] for s in SERVICE_CODES],
            "service_totals": [shown[f"s:{s}"] for s in SERVICE_CODES],
            "language_totals": [shown[f"l:{g}"] for g in tables.groups],
            "outcome_totals": [shown[f"o:{o}"] for o in OUTCOMES],
            "total": shown["lines"],
        },
    }


def canonical_bytes(document: Mapping[str, Any]) -> bytes:
    """One byte sequence per document: sorted keys, no spaces, ASCII."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def published_cells(document: Mapping[str, Any]) -> dict[str, int | None]:
    """A payload's line cells by key (the inverse of :func:`payload`)."""
    dims = document["dimensions"]
    lines = document["lines"]
    cells: dict[str, int | None] = {"lines": lines["total"]}
    for i, s in enumerate(dims["services"]):
        cells[f"s:{s}"] = lines["service_totals"][i]
        for j, g in enumerate(dims["languages"]):
            cells[f"sl:{s}:{g}"] = lines["by_service_language"][i][j]
        for j, o in enumerate(dims["outcomes"]):
            cells[f"so:{s}:{o}"] = lines["by_service_outcome"][i][j]
    for j, g in enumerate(dims["languages"]):
        cells[f"l:{g}"] = lines["language_totals"][j]
    for j, o in enumerate(dims["outcomes"]):
        cells[f"o:{o}"] = lines["outcome_totals"][j]
    return cells


# -- for people ------------------------------------------------------------

WITHHELD = "·"


def _width(text: str) -> int:
    """Columns a string takes in a terminal: CJK wide, combining marks none."""
    import unicodedata

    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, *, right: bool = False) -> str:
    gap = " " * max(0, width - _width(text))
    return gap + text if right else text + gap


def _group_label(code: str) -> str:
    return _("Other languages") if code == OTHER_LANGUAGE else language_label(code)


def _service_label(code: str) -> str:
    return service_category(code).label()


def _grid(title: str, row_labels: Sequence[str], col_labels: Sequence[str], rows: Sequence[Sequence[int | None]],
          row_totals: Sequence[int | None], col_totals: Sequence[int | None], total: int | None) -> list[str]:
    def cell(value: int | None) -> str:
        return WITHHELD if value is None else str(value)

    heads = list(col_labels) + [_("Total")]
    first = max([_width(title)] + [_width(label) for label in row_labels] + [_width(_("Total"))])
    widths = [max(_width(head), 5) for head in heads]
    out = [_pad(title, first) + "  " + "  ".join(_pad(head, w, right=True) for head, w in zip(heads, widths))]
    body = list(zip(row_labels, rows, row_totals)) + [(_("Total"), col_totals, total)]
    for label, values, end in body:
        out.append(_pad(label, first) + "  " + "  ".join(
            _pad(cell(v), w, right=True) for v, w in zip(list(values) + [end], widths)))
    return out


def render(document: Mapping[str, Any]) -> str:
    """The report as a reader sees it: plain-text tables."""
    dims = document["dimensions"]
    lines = document["lines"]
    services = [_service_label(code) for code in dims["services"]]
    groups = [_group_label(code) for code in dims["languages"]]
    outcomes = [Status(code).label() for code in dims["outcomes"]]
    sessions = document["sessions"]
    text = [
        _("Report for {period}, site {code}, revision {revision}").format(
            period=document["period"], code=document["site"]["doe_code"], revision=document["revision"]),
        # TRANSLATORS: {k} is the smallest count shown (3 or more); {mark} is the sign printed instead of a count.
        _("Generated {when} by School Intake {version}; cells under {k} withheld, with others that would reveal them "
          "({mark} = withheld).").format(when=document["generated_at"], version=document["app_version"],
                                         k=document["disclosure"]["k"], mark=WITHHELD),
        "",
    ]
    width = max(_width(label) for label in groups + [_("Total")])
    text.append(_("Intake sessions"))
    for label, value in zip(groups + [_("Total")], sessions["by_language"] + [sessions["total"]]):
        text.append("  " + _pad(label, width) + "  " + _pad(WITHHELD if value is None else str(value), 6, right=True))
    text.append("")
    text += _grid(_("Services by language"), services, groups, lines["by_service_language"], lines["service_totals"],
                  lines["language_totals"], lines["total"])
    text.append("")
    text += _grid(_("Services by outcome"), services, outcomes, lines["by_service_outcome"], lines["service_totals"],
                  lines["outcome_totals"], lines["total"])
    return "\n".join(text) + "\n"
