"""Cached large databases for the benchmarks (built once, reused)."""

from __future__ import annotations

import os
import time
from datetime import date
from pathlib import Path

from schoolintake import keys
from schoolintake.demo import populate
from schoolintake.store import Store

#: Synthetic data only, so the passphrase can be public.
BENCH_PASSPHRASE = "bench-only-synthetic-data"
#: A fixed "today" so that a cached database is the same on every build.
BENCH_TODAY = date(2026, 11, 23)
OUT = Path(__file__).resolve().parent / "out"


def bench_db(referrals: int, *, out: Path = OUT, rebuild: bool = False, log=print) -> Path:
    """The path of a database holding ``referrals`` synthetic referrals.

    Uses the FAST_FOR_TESTS KDF profile: unlocking is not what these
    databases measure, and the page encryption is the same as STANDARD's.
    Built under a temporary name and renamed when complete, so an
    interrupted build is never reused.
    """
    path = out / f"referrals-{referrals}.db"
    if path.exists() and not rebuild:
        return path
    out.mkdir(parents=True, exist_ok=True)
    staging = out / f".building-{referrals}.db"
    for suffix in ("", "-wal", "-shm"):
        if Path(str(staging) + suffix).exists():
            os.unlink(str(staging) + suffix)
    started = time.perf_counter()
    log(f"building {path.name} ({referrals:,} referrals; cached for later runs)…")
    with Store.create(staging, BENCH_PASSPHRASE, profile=keys.FAST_FOR_TESTS) as store:
        # A big page cache only for the bulk load: index inserts at 1M rows
        # otherwise thrash the default 2 MB cache.
        store.execute("PRAGMA cache_size = -524288")
        populate(store, referrals, today=BENCH_TODAY, batch=50_000)
    os.replace(staging, path)
    log(f"  built in {time.perf_counter() - started:.0f} s, {path.stat().st_size / 2**20:.0f} MiB")
    return path
