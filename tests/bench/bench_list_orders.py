"""The referrals list sorted by each column, at 100,000 referrals (issue 4).

Run from the repository root::

    .venv/bin/python tests/bench/bench_list_orders.py [--db PATH]

Prints the p95 time of the first page (200 rows, as the GUI asks, with
their summaries) for every order, both directions, without a filter and
with a few filters; beside it, the date order (the list's default, read
straight off its indexes) is the baseline. Goal: p95 < 50 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(_ROOT), str(Path(__file__).resolve().parent)]

from _bench_db import BENCH_PASSPHRASE, BENCH_TODAY, bench_db  # noqa: E402
from schoolintake.referral import ReferralFilter, Status  # noqa: E402
from schoolintake.referrals import ReferralOrder, list_referrals  # noqa: E402
from schoolintake.store import Store  # noqa: E402

GOAL_MS = 50.0
PAGE_ROWS = 200  # ui/referral_model.PAGE_ROWS, without importing Qt

FILTERS: dict[str, ReferralFilter] = {
    "none": ReferralFilter(),
    "language=pl": ReferralFilter(language="pl"),
    "status=connected": ReferralFilter(status=Status.CONNECTED),
    "service=esl language=es": ReferralFilter(service="esl", language="es"),
    "last 30 days": ReferralFilter(since=BENCH_TODAY - timedelta(days=30)),
    "name 'ma'": ReferralFilter(text="ma"),
    "service=legal status=referred": ReferralFilter(service="legal", status=Status.REFERRED),
}


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) > 1 else samples[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, help="a database built by _bench_db (default: the cached 100k one)")
    parser.add_argument("--samples", type=int, default=15)
    args = parser.parse_args(argv)
    path = args.db or bench_db(100_000)
    slow: list[str] = []
    with Store.open(path, BENCH_PASSPHRASE) as store:
        for _ in range(3):  # warm-up: schema and the first pages read after unlock
            list_referrals(store, limit=PAGE_ROWS)
        print(f"{'filter':32} {'order':10} {'desc p95':>9} {'asc p95':>9}")
        for label, flt in FILTERS.items():
            for order in ReferralOrder:
                figures = []
                for descending in (True, False):
                    samples = []
                    for _ in range(args.samples):
                        started = time.perf_counter()
                        list_referrals(store, flt, limit=PAGE_ROWS, order=order, descending=descending)
                        samples.append((time.perf_counter() - started) * 1000)
                    figures.append(p95(samples))
                    if figures[-1] > GOAL_MS:
                        slow.append(f"{label} / {order.value} / {'desc' if descending else 'asc'}")
                print(f"{label:32} {order.value:10} {figures[0]:8.1f}ms {figures[1]:8.1f}ms", flush=True)
    print(f"goal p95 < {GOAL_MS:.0f} ms: " + ("met" if not slow else "missed by " + "; ".join(slow)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
