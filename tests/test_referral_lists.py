"""The referrals list and the monthly counts: right answers, and query plans
that stay fast at any size.

The speed itself is measured by tests/bench/bench_store.py; here the plans
are checked structurally (EXPLAIN QUERY PLAN on a small database), so a
change that would make a page or a count read the whole referral or
service-line table fails a test, not just a benchmark nobody ran.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from schoolintake.demo import populate
from schoolintake.errors import InvalidInput
from schoolintake.referral import ReferralFilter, Status
from schoolintake.referrals import (
    MONTHLY_LINE_COUNTS_SQL,
    SUMMARY_LINES_SQL,
    ReferralOrder,
    ReferralSummary,
    count_referrals,
    list_referrals,
    monthly_line_counts,
    page_sql,
    summaries,
)
from schoolintake.store import CACHE_KIB, Store

from .conftest import PASSPHRASE, TODAY


@pytest.fixture
def filled(store: Store) -> Store:
    # Six months of referrals: many share a date, so ties are ordered by id.
    populate(store, 400, today=TODAY, months=6, seed=11)
    return store


def _filters() -> Iterator[ReferralFilter]:
    windows = [(None, None), (TODAY - timedelta(days=30), None),
               (TODAY - timedelta(days=120), TODAY - timedelta(days=90))]
    for status, service, language, (since, until) in itertools.product(
        [None, Status.REFERRED, Status.NOT_CONNECTED], [None, "esl", "mental_health"], [None, "es", "pl"], windows
    ):
        yield ReferralFilter(status=status, service=service, language=language, since=since, until=until)


def _expected(store: Store, flt: ReferralFilter) -> list[int]:
    """The matching referral ids, newest first, computed the obvious way."""
    referrals = {rid: (day, language) for rid, day, language in store.query(
        "SELECT id, referred_on, language FROM referral")}
    lines: dict[int, list[tuple[str, str]]] = {}
    for rid, service, status in store.query("SELECT referral_id, service, status FROM referral_line"):
        lines.setdefault(rid, []).append((service, status))
    matching = []
    for rid, (day, language) in referrals.items():
        if flt.language and language != flt.language:
            continue
        if flt.since and day < flt.since.isoformat():
            continue
        if flt.until and day > flt.until.isoformat():
            continue
        if (flt.service or flt.status) and not any(
            (not flt.service or service == flt.service) and (not flt.status or status == flt.status)
            for service, status in lines.get(rid, [])
        ):
            continue
        matching.append((day, rid))
    return [rid for _day, rid in sorted(matching, reverse=True)]


def test_pages_by_offset_and_by_keyset_give_every_match_once_in_order(filled: Store) -> None:
    nonempty = 0
    for flt in _filters():
        expected = _expected(filled, flt)
        nonempty += bool(expected)
        by_offset: list[int] = []
        while page := list_referrals(filled, flt, limit=7, offset=len(by_offset)):
            by_offset.extend(row.id for row in page)
        by_keyset: list[int] = []
        after: ReferralSummary | None = None
        while page := list_referrals(filled, flt, limit=7, after=after):
            by_keyset.extend(row.id for row in page)
            after = page[-1]
        assert by_offset == expected, flt
        assert by_keyset == expected, flt
        assert count_referrals(filled, flt) == len(expected), flt
    assert nonempty > 30  # the filters are not all empty, so the comparison means something


def _ascii_nocase(name: str) -> str:
    # SQLite's NOCASE folds A-Z only, then compares code points (as UTF-8 bytes).
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in name)


def _sorted_ids(store: Store, ids: list[int], order: ReferralOrder, descending: bool) -> list[int]:
    """``ids`` in ``order``, the obvious way: ties by date then number, blanks last."""
    rows = {rid: (day, language, name, follow_up) for rid, day, language, name, follow_up in store.query(
        "SELECT id, referred_on, language, first_name, follow_up_on FROM referral")}

    def key(rid: int) -> tuple[object, ...]:
        day, language, name, follow_up = rows[rid]
        return {
            ReferralOrder.DATE: (day, rid),
            ReferralOrder.NUMBER: (rid,),
            ReferralOrder.LANGUAGE: (language, day, rid),
            ReferralOrder.NAME: (_ascii_nocase(name), day, rid),
            ReferralOrder.FOLLOW_UP: (follow_up or "", day, rid),
        }[order]

    blank = {ReferralOrder.NAME: lambda rid: rows[rid][2] == "",
             ReferralOrder.FOLLOW_UP: lambda rid: rows[rid][3] is None}.get(order, lambda rid: False)
    valued = sorted((rid for rid in ids if not blank(rid)), key=key, reverse=descending)
    blanks = sorted((rid for rid in ids if blank(rid)), key=lambda rid: (rows[rid][0], rid), reverse=descending)
    return valued + blanks


def _sort_filters() -> Iterator[ReferralFilter]:
    yield ReferralFilter()
    yield ReferralFilter(language="es")
    yield ReferralFilter(status=Status.REFERRED)
    yield ReferralFilter(service="esl", language="es")
    yield ReferralFilter(service="mental_health", status=Status.NOT_CONNECTED,
                         since=TODAY - timedelta(days=120), until=TODAY - timedelta(days=30))
    yield ReferralFilter(since=TODAY - timedelta(days=30))
    yield ReferralFilter(text="a")
    yield ReferralFilter(language="pl", text="zz")  # no match


@pytest.mark.parametrize("order", list(ReferralOrder))
def test_every_order_pages_like_a_sort_of_all_matches(filled: Store, order: ReferralOrder) -> None:
    # Some names blanked (as the retention purge does) and some ties in case only.
    filled.execute("UPDATE referral SET first_name = '' WHERE id % 9 = 0")
    filled.execute("UPDATE referral SET first_name = lower(first_name) WHERE id % 7 = 0")
    nonempty = 0
    for flt in _sort_filters():
        matches = [row.id for row in list_referrals(filled, flt, limit=10_000)]
        nonempty += bool(matches)
        for descending in (True, False):
            expected = _sorted_ids(filled, matches, order, descending)
            pages: list[int] = []
            while page := list_referrals(filled, flt, limit=13, offset=len(pages), order=order,
                                         descending=descending):
                pages.extend(row.id for row in page)
            assert pages == expected, (flt, order, descending)
            # A page starting past the valued rows (in the blanks) too.
            deep = max(0, len(expected) - 5)
            tail = list_referrals(filled, flt, limit=50, offset=deep, order=order, descending=descending)
            assert [row.id for row in tail] == expected[deep:], (flt, order, descending)
    assert nonempty >= 6


def test_the_date_order_of_every_filter_is_the_brute_force_sort(filled: Store) -> None:
    flt = ReferralFilter(language="es")
    assert [r.id for r in list_referrals(filled, flt, limit=10_000)] == _expected(filled, flt)


def test_keyset_paging_is_for_the_date_order_only(filled: Store) -> None:
    after = list_referrals(filled, limit=1)[0]
    with pytest.raises(ValueError):
        list_referrals(filled, after=after, order=ReferralOrder.NAME)


def test_names_sort_without_regard_to_case_and_blank_names_come_last(filled: Store) -> None:
    filled.execute("UPDATE referral SET first_name = '' WHERE id IN (1, 2)")
    filled.execute("UPDATE referral SET first_name = 'aaron' WHERE id = 3")
    filled.execute("UPDATE referral SET first_name = 'Aaron' WHERE id = 4")
    for descending in (False, True):
        rows = list_referrals(filled, limit=10_000, order=ReferralOrder.NAME, descending=descending)
        names = [row.first_name for row in rows]
        first_blank = names.index("")
        assert set(names[first_blank:]) == {""} and len(names) - first_blank >= 2
        assert names[0][0].upper() == ("A" if not descending else names[0][0].upper())
    ascending = [row.id for row in list_referrals(filled, limit=10_000, order=ReferralOrder.NAME,
                                                   descending=False)]
    # "aaron" and "Aaron" sort together (NOCASE), the older referral first.
    assert abs(ascending.index(3) - ascending.index(4)) == 1


def test_summary_rows_carry_every_service_and_its_status(filled: Store) -> None:
    page = list_referrals(filled, ReferralFilter(status=Status.CONNECTED), limit=20)
    assert page
    for row in page:
        expected = filled.query("SELECT service, status FROM referral_line WHERE referral_id = ? ORDER BY id",
                                (row.id,))
        assert list(zip(row.services, [status.value for status in row.statuses])) == [tuple(e) for e in expected]
        assert Status.CONNECTED in row.statuses


# -- query plans -------------------------------------------------------------

_TABLE_SCAN = re.compile(r"\bSCAN (referral|referral_line)\b(?! USING (COVERING )?INDEX)")


def _plan(store: Store, sql: str, params: tuple[object, ...]) -> list[str]:
    return [row[3] for row in store.query("EXPLAIN QUERY PLAN " + sql, params)]


def _assert_page_plan(plan: list[str], flt: ReferralFilter) -> None:
    text = "\n".join(plan)
    assert "INDEX" in text, (flt, plan)
    assert not _TABLE_SCAN.search(text), (flt, plan)
    # A sort would read every match before returning the first row.
    assert "TEMP B-TREE FOR ORDER BY" not in text, (flt, plan)


@pytest.fixture(params=["measured", "unmeasured"])
def planned(request: pytest.FixtureRequest, filled: Store) -> Store:
    """The demo data with ANALYZE statistics, as populate leaves them, and
    without any, as in a database grown by hand."""
    if request.param == "unmeasured":
        filled.execute("DROP TABLE sqlite_stat1")
        path = filled.path
        filled.close()
        return Store.open(path, PASSPHRASE)
    return filled


def test_every_filter_combination_reads_a_page_straight_off_an_index(planned: Store) -> None:
    after = ReferralSummary(10, TODAY - timedelta(days=20), "es", "", (), (), None)
    for flt in _filters():
        for kwargs in ({}, {"offset": 300}, {"after": after}):
            sql, params = page_sql(flt, **kwargs)  # type: ignore[arg-type]
            _assert_page_plan(_plan(planned, sql, params), flt)
    # A first page of the unfiltered list touches an index, never the table rows.
    sql, params = page_sql(ReferralFilter())
    assert any("COVERING INDEX" in line for line in _plan(planned, sql, params))


def test_unfiltered_pages_of_every_order_are_read_in_order_not_sorted(planned: Store) -> None:
    # By number the table itself is in order (rowid); the others walk an index.
    for order in ReferralOrder:
        for descending in (True, False):
            sql, params = page_sql(ReferralFilter(), order=order, descending=descending)
            plan = "\n".join(_plan(planned, sql, params))
            assert "TEMP B-TREE FOR ORDER BY" not in plan, (order, plan)
            if order is not ReferralOrder.NUMBER:
                assert "INDEX" in plan, (order, plan)
    sql, params = page_sql(ReferralFilter(), order=ReferralOrder.NAME)
    assert any("referral_by_name" in line for line in _plan(planned, sql, params))


def test_page_summaries_come_from_a_covering_index(planned: Store) -> None:
    ids = tuple(range(1, 101))
    plan = _plan(planned, SUMMARY_LINES_SQL.format(marks=",".join("?" * len(ids))), ids)
    assert any("COVERING INDEX line_by_referral" in line for line in plan), plan
    assert not _TABLE_SCAN.search("\n".join(plan)), plan


def test_monthly_counts_read_the_kept_counts_by_key(planned: Store) -> None:
    plan = "\n".join(_plan(planned, MONTHLY_LINE_COUNTS_SQL, ("2026-10",)))
    assert "monthly_line_count USING PRIMARY KEY (month=?)" in plan, plan
    assert "referral" not in plan.replace("monthly_line_count", ""), plan
    assert "TEMP B-TREE" not in plan, plan


# -- monthly counts ------------------------------------------------------------


def test_monthly_counts_equal_a_recount_of_the_service_lines(filled: Store) -> None:
    months = {day[:7] for (day,) in filled.query("SELECT DISTINCT referred_on FROM referral_line")}
    assert len(months) >= 6
    for month in sorted(months):
        counted = [(c.service, c.language, c.status.value, c.n) for c in monthly_line_counts(filled, month)]
        recount = filled.query(
            "SELECT service, language, status, count(*) FROM referral_line WHERE substr(referred_on, 1, 7) = ?"
            " GROUP BY 1, 2, 3 ORDER BY 1, 2, 3", (month,))
        assert counted == [tuple(row) for row in recount]
    assert monthly_line_counts(filled, "1999-01") == []


@pytest.mark.parametrize("month", ["2026-13", "2026-1", "26-10", "2026-10-01", "2026-10\n", ""])
def test_monthly_counts_refuse_what_is_not_a_month(store: Store, month: str) -> None:
    with pytest.raises(InvalidInput, match="YYYY-MM"):
        monthly_line_counts(store, month)


def test_summaries_keep_the_order_asked_for(filled: Store) -> None:
    ids = [row[0] for row in filled.query("SELECT id FROM referral ORDER BY random() LIMIT 30")]
    assert [row.id for row in summaries(filled, ids)] == ids
    assert summaries(filled, []) == []


def test_negative_page_arguments_are_refused(store: Store) -> None:
    with pytest.raises(InvalidInput):
        list_referrals(store, limit=-1)
    with pytest.raises(InvalidInput):
        list_referrals(store, offset=-1)
    assert list_referrals(store, ReferralFilter(since=date(2000, 1, 1))) == []


def test_migration_4_measures_its_index_where_statistics_exist(filled: Store) -> None:
    # Put the database back at version 3, measured by ANALYZE (as populate leaves it).
    filled.execute("DROP INDEX referral_by_name")  # undo migration 7…
    for table in ("sync_event", "report_revision", "site_key"):
        filled.execute(f"DROP TABLE {table}")  # …6…
    for trigger in ("referral_name_added", "referral_name_removed", "referral_name_changed"):
        filled.execute(f"DROP TRIGGER {trigger}")  # …5…
    filled.execute("DROP TABLE referral_name")
    filled.execute("DROP INDEX line_by_referral")  # …and 4
    filled.execute("PRAGMA user_version = 3")
    filled.execute("ANALYZE")
    path = filled.path
    filled.close()
    with Store.open(path, PASSPHRASE) as migrated:
        assert migrated.schema_version >= 4
        assert migrated.query("SELECT count(*) FROM sqlite_stat1 WHERE idx = 'line_by_referral'")[0][0] == 1
        ids = (1, 2, 3)
        plan = _plan(migrated, SUMMARY_LINES_SQL.format(marks="?,?,?"), ids)
        assert any("COVERING INDEX line_by_referral" in line for line in plan), plan


def test_the_store_keeps_a_large_page_cache(store: Store) -> None:
    # Decrypting a page costs more than reading it; lists revisit pages.
    assert store.query("PRAGMA cache_size")[0][0] == -CACHE_KIB
    assert CACHE_KIB >= 16 * 1024
