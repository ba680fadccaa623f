"""Disclosure control, attacked the way an adversary would: by linear programs.

Every test here builds a pattern with :mod:`schoolintake.disclosure`, then
hands only the *published* numbers to the independent attacker in
tests/attacker.py, which minimises and maximises every withheld cell.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schoolintake.aggregate import (
    OUTCOMES,
    MonthCounts,
    arrange,
    language_groups,
    network,
    payload,
    suppress,
)
from schoolintake.disclosure import Pattern, audit, check_k, protect, table_network
from schoolintake.errors import InvalidInput

from .attacker import bounds, leaks, report_model, table_model

# -- plain 2-D tables ----------------------------------------------------------


def _published(rows: list[list[int]], pattern: Pattern) -> tuple[list[list[int | None]], list[int | None],
                                                                  list[int | None], int | None]:
    def show(key: str, value: int) -> int | None:
        return None if key in pattern.suppressed else value

    n_cols = len(rows[0]) if rows else 0
    cells = [[show(f"r{i}c{j}", v) for j, v in enumerate(row)] for i, row in enumerate(rows)]
    row_totals = [show(f"r{i}", sum(row)) for i, row in enumerate(rows)]
    col_totals = [show(f"c{j}", sum(row[j] for row in rows)) for j in range(n_cols)]
    return cells, row_totals, col_totals, show("total", sum(map(sum, rows)))


def _true_values(rows: list[list[int]]) -> dict[str, int]:
    values = {f"r{i}c{j}": v for i, row in enumerate(rows) for j, v in enumerate(row)}
    values.update({f"r{i}": sum(row) for i, row in enumerate(rows)})
    values.update({f"c{j}": sum(row[j] for row in rows) for j in range(len(rows[0]) if rows else 0)})
    values["total"] = sum(map(sum, rows))
    return values


def attack_table(rows: list[list[int]], pattern: Pattern) -> list[str]:
    model = table_model(*_published(rows, pattern))
    return leaks(model, _true_values(rows), sorted(pattern.protected), pattern.k)


def protected_table(rows: list[list[int]], k: int = 5) -> tuple[Pattern, list[str]]:
    pattern = protect(table_network(rows), k)
    return pattern, attack_table(rows, pattern)


small_or_not = st.sampled_from([0, 0, 1, 2, 3, 4, 5, 7, 12, 30])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 5).flatmap(lambda cols: st.lists(st.lists(small_or_not, min_size=cols, max_size=cols),
                                                       min_size=1, max_size=5)),
       st.sampled_from([3, 5, 11]))
def test_random_tables_withstand_the_attacker(rows: list[list[int]], k: int) -> None:
    pattern, found = protected_table(rows, k)
    assert found == []
    # Every small cell is withheld, and nothing is withheld for no reason.
    values = _true_values(rows)
    assert {key for key, v in values.items() if 0 < v < k} == set(pattern.protected)
    assert audit(table_network(rows), pattern) == []


def test_empty_and_zero_tables_publish_everything() -> None:
    for rows in ([[0]], [[0, 0, 0]], [[0], [0]], [[0, 0], [0, 0]]):
        pattern, found = protected_table(rows)
        assert pattern.suppressed == frozenset() and found == []


def test_one_row_table() -> None:
    rows = [[1, 20, 30, 2]]
    pattern, found = protected_table(rows)
    assert found == []
    assert {"r0c0", "r0c3"} <= pattern.suppressed
    # The row total is the grand total and equals column sums: something big must go too.
    assert len(pattern.suppressed) > 2


def test_one_cell_table_withholds_a_small_count() -> None:
    pattern, found = protected_table([[3]])
    assert found == [] and {"r0c0", "r0", "c0", "total"} == pattern.suppressed
    pattern, found = protected_table([[9]])
    assert found == [] and pattern.suppressed == frozenset()


def test_a_row_with_one_small_cell_needs_complements() -> None:
    rows = [[2, 40, 35], [30, 25, 41], [22, 33, 28]]
    naive = Pattern(frozenset({"r0c0"}), frozenset({"r0c0"}), 5)
    assert attack_table(rows, naive) == ["r0c0=2 lies in [2, 2]"]  # the row total gives it away
    pattern, found = protected_table(rows)
    assert found == []
    # The cheapest protection is a rectangle: three more cells, the smallest that work.
    assert len(pattern.secondary) == 3
    assert pattern.secondary == {"r0c2", "r2c0", "r2c2"}


def test_two_withheld_per_row_and_column_is_not_enough() -> None:
    # Two blocks of withheld cells joined by one bridge cell (r1c2): every row
    # and column holding a withheld cell holds at least two, yet the bridge
    # is pinned, and with it the small cells it carries.
    rows = [
        [2, 9, 30, 40],
        [9, 2, 3, 40],
        [30, 40, 2, 9],
        [40, 30, 9, 2],
    ]
    naive_cells = {"r0c0", "r0c1", "r1c0", "r1c1", "r1c2", "r2c2", "r2c3", "r3c2", "r3c3"}
    naive = Pattern(frozenset(naive_cells), frozenset(k for k, v in _true_values(rows).items() if 0 < v < 5), 5)
    per_row = [sum(f"r{i}c{j}" in naive_cells for j in range(4)) for i in range(4)]
    per_col = [sum(f"r{i}c{j}" in naive_cells for i in range(4)) for j in range(4)]
    assert min(per_row) >= 2 and min(per_col) >= 2
    found = attack_table(rows, naive)
    assert any(line.startswith("r1c2=3") for line in found)
    pattern, found = protected_table(rows)
    assert found == []


def test_a_cell_within_a_narrow_range_is_a_leak() -> None:
    # Suppressing the small cell with small partners keeps it below k.
    rows = [[1, 1, 30], [1, 1, 30], [40, 40, 40]]
    narrow = Pattern(frozenset({"r0c0", "r0c1", "r1c0", "r1c1"}), frozenset({"r0c0", "r0c1", "r1c0", "r1c1"}), 5)
    assert attack_table(rows, narrow)  # each lies in [0, 2]
    pattern, found = protected_table(rows)
    assert found == []


def test_k_limits() -> None:
    assert check_k(3) == 3 and check_k(11) == 11
    for bad in (0, 2, 12):
        with pytest.raises(InvalidInput):
            check_k(bad)


def test_larger_k_withholds_more() -> None:
    rows = [[6, 8, 30], [7, 9, 25], [12, 15, 40]]
    assert protect(table_network(rows), 5).suppressed == frozenset()
    pattern, found = protected_table(rows, 11)
    assert found == [] and {"r0c0", "r0c1", "r1c0", "r1c1"} <= pattern.suppressed


# -- the report's linked tables ---------------------------------------------------

SERVICES = ("esl", "health", "idnyc", "legal", "benefits", "housing", "mental_health")
LANGS = ("es", "zh_Hans", "bn", "ar", "ru", "ht", "pl", "other")


def random_month(rng: random.Random, sessions: int) -> MonthCounts:
    lines: dict[tuple[str, str, str], int] = {}
    per_language: dict[str, int] = {}
    for _ in range(sessions):
        language = rng.choices(LANGS, weights=(40, 9, 7, 5, 6, 5, 2, 5))[0]
        per_language[language] = per_language.get(language, 0) + 1
        for service in rng.sample(SERVICES, rng.choice((1, 1, 2, 3))):
            key = (service, language, rng.choice(OUTCOMES))
            lines[key] = lines.get(key, 0) + 1
    return MonthCounts("2026-03", lines, per_language)


def true_report_values(tables) -> dict[str, int]:  # type: ignore[no-untyped-def]
    values = dict(tables.cells)
    values.update({f"sessions:{g}": n for g, n in tables.sessions.items()})
    values["sessions"] = tables.total_sessions
    return values


def attack_report(tables, pattern: Pattern) -> list[str]:  # type: ignore[no-untyped-def]
    document = payload(tables, pattern, doe_code="15K058", revision=1)
    return leaks(report_model(document), true_report_values(tables), sorted(pattern.protected), pattern.k)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1), st.sampled_from([0, 2, 9, 25, 70, 200]), st.sampled_from([3, 5, 11]))
def test_random_months_withstand_the_attacker(seed: int, sessions: int, k: int) -> None:
    counts = random_month(random.Random(seed), sessions)
    tables = arrange(counts, language_groups(counts.sessions, k))
    pattern = suppress(tables, k)
    assert attack_report(tables, pattern) == []
    assert {key for key, v in tables.cells.items() if 0 < v < k} <= pattern.protected


def test_language_groups_are_never_small() -> None:
    sessions = {"es": 30, "bn": 6, "pl": 2, "ar": 1, "other": 1}
    # pl + ar + other = 4 < 5, so the smallest language shown (bn) joins them.
    assert language_groups(sessions, 5) == ("es", "other")
    for seed in range(30):
        counts = random_month(random.Random(seed), 40)
        tables = arrange(counts, language_groups(counts.sessions, 5))
        assert all(n == 0 or n >= 5 for n in tables.sessions.values())


def test_small_other_group_pulls_in_the_smallest_language() -> None:
    groups = language_groups({"es": 30, "bn": 6, "ru": 9, "pl": 2, "other": 1}, 5)
    assert groups == ("es", "ru", "other")  # other = 3 → bn (6) joins → 9
    assert language_groups({"es": 30, "bn": 6, "pl": 5}, 5) == ("es", "bn", "pl", "other")  # other empty
    assert language_groups({"es": 3, "bn": 1}, 5) == ("other",)  # the whole month is small


def test_a_month_below_k_withholds_everything_but_zeros() -> None:
    counts = MonthCounts("2026-03", {("esl", "es", "connected"): 2, ("legal", "es", "referred"): 1}, {"es": 3})
    tables = arrange(counts, language_groups(counts.sessions, 5))
    pattern = suppress(tables, 5)
    document = payload(tables, pattern, doe_code="15K058", revision=1)
    assert document["sessions"] == {"by_language": [None], "total": None}
    assert document["lines"]["total"] is None
    assert all(v is None for row in document["lines"]["by_service_language"] for v in row)
    assert attack_report(tables, pattern) == []


def test_network_flow_bounds_equal_the_lp_bounds() -> None:
    # The runtime check (max flow) and the attacker's LP must agree exactly.
    counts = random_month(random.Random(11), 60)
    tables = arrange(counts, language_groups(counts.sessions, 5))
    pattern = suppress(tables, 5)
    net = network(tables)
    document = payload(tables, pattern, doe_code="15K058", revision=1)
    lp = bounds(report_model(document), sorted(pattern.suppressed))
    from schoolintake.disclosure import movement

    movable = {net.index[key] for key in pattern.suppressed}
    for key in sorted(pattern.suppressed):
        i = net.index[key]
        rise, fall = movement(net, movable, i, limit=10**6)
        low, high = lp[key]
        assert net.values[i] - fall == round(low)
        assert net.values[i] + rise == (net.values[i] + 10**6 if high == float("inf") else round(high))
