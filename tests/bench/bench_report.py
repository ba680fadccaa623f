"""Benchmark: one month's aggregate report at 100,000 and 1,000,000 referrals.

    python tests/bench/bench_report.py [--sizes 100000 1000000]

Goals: building a month's report, disclosure control included, under 100 ms
at both sizes, measured beside a naive GROUP BY over the whole table; the
signed payload of one site-month under 20 KB. The databases are cached under
tests/bench/out/ (git-ignored): the first 1,000,000-referral run takes a few
minutes to fill.

Also measured: a small school's month (about 120 sessions, 13 languages),
where nearly every cell is small and complementary suppression works hardest.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from schoolintake import aggregate, keys  # noqa: E402
from schoolintake.aggregate import MonthCounts, arrange, language_groups, read_counts  # noqa: E402
from schoolintake.demo import populate  # noqa: E402
from schoolintake.disclosure import audit  # noqa: E402
from schoolintake.reports import prepare_report  # noqa: E402
from schoolintake.store import Store  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
PASSPHRASE = "benchmark only, synthetic data"
TODAY = date(2026, 6, 30)
PERIOD = "2026-05"
K = 5


def database(size: int) -> Path:
    path = OUT / f"report-{size}.db"
    if path.exists():
        return path
    OUT.mkdir(exist_ok=True)
    staged = path.with_suffix(".filling")
    for stale in OUT.glob(staged.name + "*"):
        stale.unlink()
    started = time.perf_counter()
    with Store.create(staged, PASSPHRASE, profile=keys.FAST_FOR_TESTS) as store:
        populate(store, size, today=TODAY, months=24, seed=7, batch=50_000)
    staged.rename(path)
    print(f"  filled {size:,} referrals in {time.perf_counter() - started:.0f} s", flush=True)
    return path


def timed(action, repeat: int) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    samples, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000, result


def build(store: Store) -> bytes:
    """Counts → groups → disclosure control → canonical payload bytes."""
    counts = read_counts(store, PERIOD)
    tables = arrange(counts, language_groups(counts.sessions, K))
    pattern = aggregate.suppress(tables, K)
    return aggregate.canonical_bytes(aggregate.payload(tables, pattern, doe_code="15K058", revision=1))


def naive(store: Store) -> int:
    """What the report would cost without kept counts: GROUP BY over everything."""
    lines = store.query(
        "SELECT service, language, status, count(*) FROM referral_line NOT INDEXED"
        " WHERE substr(referred_on, 1, 7) = ? GROUP BY 1, 2, 3", (PERIOD,))
    sessions = store.query(
        "SELECT language, count(*) FROM referral NOT INDEXED WHERE substr(referred_on, 1, 7) = ? GROUP BY 1",
        (PERIOD,))
    return len(lines) + len(sessions)


def small_school_month(seed: int) -> MonthCounts:
    rng = random.Random(seed)
    langs = ("es", "zh_Hans", "zh_Hant", "bn", "ru", "ar", "ht", "ko", "ur", "fr", "pl", "en", "other")
    services = ("esl", "health", "idnyc", "legal", "benefits", "know_your_rights", "drivers_license", "housing",
                "adult_education", "mental_health", "other")
    lines: dict[tuple[str, str, str], int] = {}
    sessions: dict[str, int] = {}
    for _ in range(120):
        language = rng.choices(langs, weights=(40, 9, 4, 7, 6, 5, 5, 3, 3, 3, 2, 8, 5))[0]
        sessions[language] = sessions.get(language, 0) + 1
        for service in rng.sample(services, rng.choice((1, 1, 2, 3))):
            key = (service, language, rng.choice(aggregate.OUTCOMES))
            lines[key] = lines.get(key, 0) + 1
    return MonthCounts(PERIOD, lines, sessions)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    print(f"report for {PERIOD}, k={K}; median of {args.repeat} runs")
    ok = True
    for size in args.sizes:
        with Store.open(database(size), PASSPHRASE) as store:
            sessions = sum(read_counts(store, PERIOD).sessions.values())
            build(store)  # warm the page cache for both, fairly
            naive(store)
            report_ms, payload = timed(lambda: build(store), args.repeat)
            naive_ms, _ = timed(lambda: naive(store), max(1, args.repeat // 2))
            # A fresh revision each time (an unsent one is replaced, never reused here).
            store.execute("DELETE FROM report_revision WHERE period = ? AND released_at IS NULL", (PERIOD,))
            signed_ms, prepared = timed(lambda: prepare_report(store, PERIOD, today=TODAY), 1)
            envelope = prepared.envelope  # type: ignore[attr-defined]
            counts = read_counts(store, PERIOD)
            tables = arrange(counts, language_groups(counts.sessions, K))
            pattern = aggregate.suppress(tables, K)
            assert audit(aggregate.network(tables), pattern) == []
        print(f"\n{size:>9,} referrals ({sessions:,} in {PERIOD})")
        print(f"  report incl. disclosure control  {report_ms:8.1f} ms   goal < 100 ms")
        print(f"  naive GROUP BY over the tables   {naive_ms:8.1f} ms   ({naive_ms / report_ms:,.0f}x slower)")
        print(f"  prepare + sign + store            {signed_ms:8.1f} ms")
        print(f"  payload {len(payload):,} B, signed envelope {len(envelope):,} B   goal < 20 KB")  # type: ignore[arg-type]
        print(f"  cells withheld: {len(pattern.protected)} small + {len(pattern.secondary)} complementary"
              f" of {len(tables.cells)}")
        ok &= report_ms < 100 and len(envelope) < 20_000
    times, withheld = [], []
    for seed in range(20):
        counts = small_school_month(seed)
        tables = arrange(counts, language_groups(counts.sessions, K))
        ms, pattern = timed(lambda: aggregate.suppress(tables, K), 1)
        times.append(ms)
        withheld.append((len(pattern.protected), len(pattern.secondary)))  # type: ignore[attr-defined]
    print("\nsmall school month (120 sessions, 20 random months): disclosure control"
          f" median {statistics.median(times):.1f} ms, max {max(times):.1f} ms;"
          f" withheld median {statistics.median(p for p, _ in withheld):.0f} small"
          f" + {statistics.median(s for _, s in withheld):.0f} complementary")
    print("\nall goals met" if ok else "\nGOAL MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
