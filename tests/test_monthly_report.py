"""The local counts report."""

from __future__ import annotations

from pathlib import Path

import pytest

from schoolintake.demo import populate
from schoolintake.errors import InvalidInput
from schoolintake.monthly_report import monthly_counts, months_available, totals_by, write_counts_csv
from schoolintake.referrals import list_referrals
from schoolintake.store import Store

from .conftest import TODAY


def test_counts_totals_and_csv(store: Store, tmp_path: Path) -> None:
    populate(store, 300, today=TODAY, months=6)
    rows = monthly_counts(store)
    lines = store.query("SELECT count(*) FROM referral_line")[0][0]
    assert sum(r.n for r in rows) == lines
    months = months_available(store)
    last = monthly_counts(store, months[-1], months[-1])
    assert {r.month for r in last} == {months[-1]}
    by_service = totals_by(rows, "service")
    assert sum(n for _s, n in by_service) == lines
    assert by_service == sorted(by_service, key=lambda item: -item[1])
    with pytest.raises(InvalidInput):
        totals_by(rows, "first_name")
    written = write_counts_csv(tmp_path / "counts.csv", rows)
    text = written.read_text(encoding="utf-8").splitlines()
    assert text[0] == "month,service,language,status,count" and len(text) == len(rows) + 1
    assert not list(tmp_path.glob(".*tmp"))
    with pytest.raises(InvalidInput):
        write_counts_csv(tmp_path / "missing" / "c.csv", rows)


def test_list_oldest_first(store: Store) -> None:
    populate(store, 50, today=TODAY, months=3)
    newest = list_referrals(store, limit=50)
    oldest = list_referrals(store, limit=50, descending=False)
    assert [r.id for r in oldest] == [r.id for r in reversed(newest)]


def test_follow_ups_due_matches_a_plain_recount(store: Store) -> None:
    from schoolintake.referral import OPEN_STATUSES
    from schoolintake.referrals import follow_ups_due, get_referral

    populate(store, 400, today=TODAY, months=4)
    due = follow_ups_due(store, TODAY, limit=10_000)
    expected = []
    for (rid,) in store.query("SELECT id FROM referral ORDER BY id"):
        referral = get_referral(store, rid)
        if referral.follow_up_on and referral.follow_up_on <= TODAY and any(
                line.status in OPEN_STATUSES for line in referral.lines):
            expected.append((referral.follow_up_on, rid))
    assert [r.id for r in due] == [rid for _d, rid in sorted(expected)]
    assert due and len(follow_ups_due(store, TODAY, limit=5)) == 5
