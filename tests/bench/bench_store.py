"""Store benchmark (issue 3, "Speed, in a benchmark").

Run from the repository root::

    .venv/bin/python tests/bench/bench_store.py           # full: 100,000 and 1,000,000 referrals
    .venv/bin/python tests/bench/bench_store.py --quick   # smaller: 10,000 and 100,000

Each figure is printed beside a baseline measured in the same run:

* saving one referral (durable commit) through ``add_referral`` against the
  same statements on plain stdlib ``sqlite3`` with the same schema and the
  same pragmas, and on an unkeyed SQLCipher connection (the same SQLite
  build, no encryption) — goal ≤ 1.5× plain;
* a page of 100 referrals for every combination of the status, service,
  language and date filters, first pages and deep pages — goal p95 < 10 ms;
  beside it, the query shape this replaced (a DISTINCT sub-select sorted
  afterwards), on a sample of the same filters;
* monthly counts by service × language × outcome from the trigger-kept
  table — goal < 20 ms — beside the naive GROUP BY over the service lines;
* unlocking with the STANDARD Argon2id profile, right and wrong passphrase —
  goal 0.25 s ≤ t ≤ 1 s — beside SQLCipher's own default PBKDF2.

The large databases are built once with ``schoolintake.demo.populate`` and
cached in ``tests/bench/out/`` (git-ignored) on the real disk. They use the
FAST_FOR_TESTS key-derivation profile so that building and opening them is
quick; the page encryption (AES-256 + HMAC-SHA512 per page) is the same as
with the STANDARD profile, so list and count figures are unaffected.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

# Import this checkout's code, not whatever copy the virtualenv points at.
_ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(_ROOT), str(Path(__file__).resolve().parent)]

import sqlcipher3  # noqa: E402

from _bench_db import BENCH_PASSPHRASE, BENCH_TODAY, OUT, bench_db  # noqa: E402
from schoolintake import keys  # noqa: E402
from schoolintake.directory import load_starter_directory, providers_for  # noqa: E402
from schoolintake.errors import WrongPassphrase  # noqa: E402
from schoolintake.languages import LANGUAGES, OTHER_LANGUAGE  # noqa: E402
from schoolintake.referral import NewReferral, ReferralFilter, ServiceChoice, Site, Status  # noqa: E402
from schoolintake.referrals import (  # noqa: E402
    _search,
    add_referral,
    count_referrals,
    list_referrals,
    monthly_line_counts,
    page_sql,
    summaries,
)
from schoolintake.schema import migrate  # noqa: E402
from schoolintake.services import SERVICE_CATEGORIES  # noqa: E402
from schoolintake.site import save_site  # noqa: E402
from schoolintake.store import CACHE_KIB, Store  # noqa: E402

LANGUAGE_CODES = [language.code for language in LANGUAGES] + [OTHER_LANGUAGE]
SERVICE_CODES = [category.code for category in SERVICE_CATEGORIES]


# -- reporting -------------------------------------------------------------


@dataclass
class Row:
    measure: str
    size: str
    figure: str
    baseline: str = ""
    ratio: str = ""
    goal: str = ""
    verdict: str = ""


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, row: Row) -> None:
        self.rows.append(row)
        print(f"  {row.measure} [{row.size}]: {row.figure}  {row.baseline}  {row.ratio}  {row.verdict}", flush=True)

    def print_table(self) -> None:
        headers = ("measure", "size", "figure", "baseline", "ratio", "goal", "")
        cells = [headers] + [
            (r.measure, r.size, r.figure, r.baseline, r.ratio, r.goal, r.verdict) for r in self.rows
        ]
        widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
        print()
        for index, row in enumerate(cells):
            print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
            if index == 0:
                print("  ".join("-" * width for width in widths))
        for note in self.notes:
            print("note:", note)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def secs(seconds: float) -> str:
    return f"{seconds:.3f} s"


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[-1] if len(samples) > 1 else samples[0]


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def timed(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def timed_cpu(fn: Callable[[], Any], cpu: list[float]) -> float:
    """Wall time, and (appended to ``cpu``) this process's CPU time: on a
    shared machine the wall time includes waits for a core, the CPU time not."""
    started, started_cpu = time.perf_counter(), time.process_time()
    fn()
    cpu.append(time.process_time() - started_cpu)
    return time.perf_counter() - started


def size_label(n: int) -> str:
    return f"{n // 1000:,}k" if n < 1_000_000 else f"{n // 1_000_000}M"


# -- saving one referral -----------------------------------------------------

# The statements add_referral runs, in order (schoolintake/referrals.py);
# kept identical so that the baseline differs only in the engine.
_PROVIDER_SQL = "SELECT category FROM service WHERE id = ?"
_REFERRAL_SQL = (
    "INSERT INTO referral (referred_on, language, first_name, phone, phone_consent_at, notes,"
    " follow_up_on, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
_LINE_SQL = (
    "INSERT INTO referral_line (referral_id, service, provider_service_id, status, referred_on,"
    " language) VALUES (?, ?, ?, 'referred', ?, ?)"
)
_EVENT_SQL = (
    "INSERT INTO outcome_event (line_id, status, reason, recorded_at, recorded_by)"
    " VALUES (?, 'referred', NULL, ?, ?)"
)
_PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA temp_store = MEMORY",
    "PRAGMA foreign_keys = ON",
    "PRAGMA secure_delete = ON",
    "PRAGMA busy_timeout = 5000",
    f"PRAGMA cache_size = -{CACHE_KIB:d}",
)


def _fresh(path: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return path


def _plain_connection(module: Any, path: Path, source: Store, *, key: bytes | None = None,
                      hmac: str | None = None) -> Any:
    """A connection with the same schema, pragmas and directory rows as ``source``."""
    conn = module.connect(str(_fresh(path)), isolation_level=None)
    if key is not None:
        conn.execute(f"PRAGMA key = {keys.raw_key_pragma_value(key)}")
        if hmac:
            conn.execute(f"PRAGMA cipher_hmac_algorithm = {hmac}")
    for pragma in _PRAGMAS:
        conn.execute(pragma)
    migrate(conn)
    for table in ("organization", "service"):
        rows = source.query(f"SELECT * FROM {table}")
        marks = ",".join("?" * len(rows[0]))
        conn.execute("BEGIN")
        conn.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
        conn.execute("COMMIT")
    return conn


def _fsync_probe(out: Path, samples: int) -> list[float]:
    """fsync of 32 KiB freshly written: about what one commit's WAL costs."""
    probe = out / "fsync-probe.bin"
    fd = os.open(probe, os.O_RDWR | os.O_CREAT, 0o600)
    times = []
    try:
        for index in range(samples):
            os.pwrite(fd, os.urandom(32 * 1024), (index % 64) * 32 * 1024)
            times.append(timed(lambda: os.fsync(fd)))
    finally:
        os.close(fd)
        probe.unlink()
    return times


def _plain_save(conn: Any, new: NewReferral) -> int:
    now = "2026-11-23T15:00:00+00:00"
    for choice in new.services:
        if choice.provider_service_id is not None:
            conn.execute(_PROVIDER_SQL, (choice.provider_service_id,)).fetchall()
    conn.execute("BEGIN IMMEDIATE")
    cursor = conn.execute(_REFERRAL_SQL, (
        new.referred_on.isoformat(), new.language, new.first_name, new.phone, now, new.notes,
        new.follow_up_on.isoformat() if new.follow_up_on else None, now,
    ))
    referral_id = int(cursor.lastrowid)
    for choice in new.services:
        line = conn.execute(_LINE_SQL, (referral_id, choice.service, choice.provider_service_id,
                                        new.referred_on.isoformat(), new.language))
        conn.execute(_EVENT_SQL, (line.lastrowid, now, ""))
    conn.execute("COMMIT")
    return referral_id


def bench_save(report: Report, out: Path, samples: int) -> None:
    print(f"saving one referral ({samples} durable commits per engine, interleaved)…", flush=True)
    store = Store.create(_fresh(out / "save-sqlcipher.db"), BENCH_PASSPHRASE, profile=keys.FAST_FOR_TESTS)
    save_site(store, Site("P.S. 58 The Carroll (bench)", "15K058", "Bench"))
    load_starter_directory(store)
    provider = providers_for(store, "esl")[0].id
    rng = random.Random(7)

    def new_referral() -> NewReferral:
        day = BENCH_TODAY - timedelta(days=rng.randrange(200))
        return NewReferral(
            language=rng.choice(LANGUAGE_CODES),
            services=(ServiceChoice("esl", provider), ServiceChoice(rng.choice(SERVICE_CODES[1:]))),
            referred_on=day, first_name="Ana", phone="(718) 555-0142", phone_consent=True,
            notes="Prefers evening classes.", follow_up_on=day + timedelta(days=7),
        )

    key = os.urandom(32)
    # The plain baseline is SQLite without a key, from the same library as the
    # store: Python's own sqlite3 here is SQLite 3.40, too old for the schema
    # (FTS5's secure-delete needs 3.42), and one library keeps the comparison
    # to encryption alone.
    connections = {
        "raw unkeyed": _plain_connection(sqlcipher3, out / "save-sqlcipher-unkeyed.db", store),
        "keyed": _plain_connection(sqlcipher3, out / "save-sqlcipher-keyed.db", store, key=key,
                                   hmac="HMAC_SHA256"),
        "sha512": _plain_connection(sqlcipher3, out / "save-sqlcipher-sha512.db", store, key=key,
                                    hmac="HMAC_SHA512"),
    }
    # The same save, through the same add_referral, on an unencrypted store:
    # the ratio between the two is what encryption costs, all else equal.
    plain_path = out / "save-plain-store.db"
    plain = Store(plain_path, _plain_connection(sqlcipher3, plain_path, store), keys.FAST_FOR_TESTS)
    engines: dict[str, Callable[[NewReferral], Any]] = {
        "store": lambda new: add_referral(store, new, today=BENCH_TODAY),
        "plain store": lambda new: add_referral(plain, new, today=BENCH_TODAY),
        **{name: (lambda new, conn=conn: _plain_save(conn, new)) for name, conn in connections.items()},
    }
    times: dict[str, list[float]] = {name: [] for name in engines}
    for index in range(samples + 20):
        order = list(engines)
        rng.shuffle(order)  # no engine always follows another's fsync
        for name in order:
            new = new_referral()
            took = timed(lambda: engines[name](new))
            if index >= 20:  # warm-up
                times[name].append(took)
    frames = []
    for _index in range(20):
        store.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        add_referral(store, new_referral(), today=BENCH_TODAY)
        frames.append(store.query("PRAGMA wal_checkpoint(PASSIVE)")[0][1])
    # The same statements without the fsync, to show the CPU cost of the
    # encryption alone, whatever the disk does.
    cpu: dict[str, list[float]] = {"keyed": [], "raw unkeyed": []}
    for name in cpu:
        connections[name].execute("PRAGMA synchronous = OFF")
    for index in range(samples + 20):
        for name in cpu:
            new = new_referral()
            took = timed(lambda: _plain_save(connections[name], new))
            if index >= 20:
                cpu[name].append(took)
    store.close()
    plain.close()
    for conn in connections.values():
        conn.close()
    fsyncs = _fsync_probe(out, samples)
    ours = times["store"]
    for label, stat in (("median", statistics.median), ("p95", p95)):
        base = stat(times["plain store"])
        ratio = stat(ours) / base
        report.add(Row(f"save one referral (add_referral, durable), {label}", "-", ms(stat(ours)),
                       f"plain {ms(base)}", f"{ratio:.2f}×", "≤ 1.5× plain", verdict(ratio <= 1.5)))
    raw = statistics.median(times["raw unkeyed"])
    for name, text in (("keyed", "bare statements, keyed, HMAC-SHA256 (as the store)"),
                       ("sha512", "bare statements, keyed, HMAC-SHA512 (SQLCipher's default)")):
        figure = statistics.median(times[name])
        report.add(Row(f"  {text}, median", "-", ms(figure), f"bare plain {ms(raw)}",
                       f"{figure / raw:.2f}×", "(info)"))
    keyed_cpu, unkeyed_cpu = statistics.median(cpu["keyed"]), statistics.median(cpu["raw unkeyed"])
    report.add(Row("  same statements, no fsync: keyed vs unkeyed, median", "-", ms(keyed_cpu),
                   f"unkeyed {ms(unkeyed_cpu)}", f"{keyed_cpu / unkeyed_cpu:.2f}×", "(info)"))
    report.add(Row("  fsync of 32 KiB on this disk, median", "-", ms(statistics.median(fsyncs)),
                   f"p95 {ms(p95(fsyncs))}", "", "(info)"))
    report.notes.append(
        f"saves: 'plain' is the same add_referral on a Store over SQLite {sqlcipher3.sqlite_version} without a "
        f"key (the library of SQLCipher {sqlcipher3.connect(':memory:').execute('PRAGMA cipher_version').fetchone()[0]}),"
        " with the same schema, statements and pragmas; 'bare' rows run the statements alone. One save (2 services) writes {statistics.median(frames):.0f} pages to "
        "the WAL (median of 20); each is encrypted and authenticated (AES-256-CBC + HMAC-SHA256)."
    )


# -- a page of 100 -----------------------------------------------------------


def filter_combinations(today: date) -> Iterator[ReferralFilter]:
    """Every status × service × language × date-window combination."""
    windows: list[tuple[date | None, date | None]] = [
        (None, None),
        (today - timedelta(days=30), None),  # the last month
        (today - timedelta(days=400), today - timedelta(days=370)),  # one month, a year ago
    ]
    for status in [None, *Status]:
        for service in [None, *SERVICE_CODES]:
            for language in [None, *LANGUAGE_CODES]:
                for since, until in windows:
                    yield ReferralFilter(status=status, service=service, language=language, since=since, until=until)


def _old_page_sql(flt: ReferralFilter) -> tuple[str, tuple[Any, ...]]:
    """The query shape list_referrals had before this benchmark: every match
    selected DISTINCT in a sub-select, then sorted to cut out the page."""
    search = _search(flt)
    inner = f"SELECT DISTINCT {search.id_col} AS rid, referred_on FROM {search.table}{search.where_sql()}"
    return (f"SELECT rid FROM ({inner}) ORDER BY referred_on DESC, rid DESC LIMIT ? OFFSET ?",
            (*search.params, 100, 0))


def bench_pages(report: Report, store: Store, label: str) -> None:
    combos = list(filter_combinations(BENCH_TODAY))
    random.Random(3).shuffle(combos)
    print(f"  first pages: {len(combos)} filter combinations…", flush=True)
    for flt in combos[:20]:  # warm-up: the first queries after unlock read the schema
        list_referrals(store, flt)
    first: list[float] = []
    first_cpu: list[float] = []
    empty = 0
    for flt in combos:
        result: list[Any] = []
        first.append(timed_cpu(lambda: result.extend(list_referrals(store, flt)), first_cpu))
        empty += not result
    worst = max(first)
    report.add(Row("page of 100, every filter combination, p95", label, ms(p95(first)),
                   f"median {ms(statistics.median(first))}", f"max {ms(worst)}", "p95 < 10 ms",
                   verdict(p95(first) < 0.010)))
    report.add(Row("  same, CPU time of this process, p95", label, ms(p95(first_cpu)),
                   f"median {ms(statistics.median(first_cpu))}", f"max {ms(max(first_cpu))}", "(info)"))
    report.notes.append(f"{label}: {len(combos)} combinations (status × service × language × "
                        f"{{any date, last 30 days, a month a year ago}}), {empty} with no match.")

    # Deep pages: the filters that can have thousands of matches.
    deep_filters = [ReferralFilter()]
    deep_filters += [ReferralFilter(status=s) for s in Status]
    deep_filters += [ReferralFilter(service=s) for s in SERVICE_CODES]
    deep_filters += [ReferralFilter(language=code) for code in LANGUAGE_CODES]
    deep_filters += [ReferralFilter(service=s, status=t) for s in SERVICE_CODES[:4] for t in Status]
    depths = (1_000, 10_000)
    keyset: list[float] = []
    by_offset: dict[int, list[float]] = {depth: [] for depth in depths}
    print(f"  deep pages: {len(deep_filters)} filters at rows {', '.join(f'{d:,}' for d in depths)}…", flush=True)
    for flt in deep_filters:
        for depth in depths:
            sql, params = page_sql(flt, limit=1, offset=depth - 1)
            last = store.query(sql, params)
            if not last:
                continue  # fewer matches than that
            after = summaries(store, [last[0][0]])[0]
            by_offset[depth].append(timed(lambda: list_referrals(store, flt, offset=depth)))
            keyset.append(timed(lambda: list_referrals(store, flt, after=after)))
    report.add(Row("deep page (row 1,000 / 10,000) after the previous page, p95", label, ms(p95(keyset)),
                   f"median {ms(statistics.median(keyset))}", f"max {ms(max(keyset))}", "p95 < 10 ms",
                   verdict(p95(keyset) < 0.010)))
    for depth in depths:
        if by_offset[depth]:
            samples = by_offset[depth]
            report.add(Row(f"  same page by OFFSET {depth:,}, p95", label, ms(p95(samples)),
                           f"median {ms(statistics.median(samples))}", f"max {ms(max(samples))}", "(info)"))

    # The previous query shape, on the broad filters (where it hurts: it
    # selects and sorts every match before it can cut out one page).
    old: list[float] = []
    new: list[float] = []
    for flt in deep_filters:
        sql, params = _old_page_sql(flt)
        old.append(timed(lambda: summaries(store, [row[0] for row in store.query(sql, params)])))
        new.append(timed(lambda: list_referrals(store, flt)))
    report.add(Row("  first page, broad filters, p95: now / previous query shape", label, ms(p95(new)),
                   f"previous {ms(p95(old))}", f"{p95(old) / p95(new):.0f}× faster", "(info)"))

    # The number of matches (shown above a list) is not among the goals either.
    counts = [timed(lambda: count_referrals(store, flt)) for flt in deep_filters]
    report.add(Row("  count of matches, broad filters (info)", label, ms(p95(counts)),
                   f"median {ms(statistics.median(counts))}", f"max {ms(max(counts))}", "(info)"))

    # A name search is not among the goals; shown for what it costs.
    text: list[float] = []
    for name in ("Mar", "Ol", "Zz"):
        for flt in (ReferralFilter(text=name), ReferralFilter(text=name, service="esl"),
                    ReferralFilter(text=name, language="es", since=BENCH_TODAY - timedelta(days=90))):
            text.append(timed(lambda: list_referrals(store, flt)))
    report.add(Row("  page of 100 with a name search (info)", label, ms(p95(text)),
                   f"median {ms(statistics.median(text))}", f"max {ms(max(text))}", "(info)"))


# -- monthly counts --------------------------------------------------------------


_NAIVE_MONTHLY_SQL = (
    "SELECT service, language, status, count(*) FROM referral_line"
    " WHERE referred_on >= ? AND referred_on < ? GROUP BY service, language, status"
    " ORDER BY service, language, status"
)


def _months(today: date, count: int) -> list[str]:
    months, year, month = [], today.year, today.month
    for _index in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months


def _month_bounds(month: str) -> tuple[str, str]:
    year, mon = int(month[:4]), int(month[5:])
    following = f"{year + (mon == 12):04d}-{mon % 12 + 1:02d}"
    return month + "-01", following + "-01"


def bench_counts(report: Report, store: Store, label: str) -> None:
    months = _months(BENCH_TODAY, 24)
    print("  monthly counts…", flush=True)
    kept: list[float] = []
    kept_cpu: list[float] = []
    for _round in range(10):
        for month in months:
            kept.append(timed_cpu(lambda: monthly_line_counts(store, month), kept_cpu))
    naive: list[float] = []
    for month in months[1:4]:
        rows: list[tuple[Any, ...]] = []
        naive.append(timed(lambda: rows.extend(store.query(_NAIVE_MONTHLY_SQL, _month_bounds(month)))))
        counted = [(c.service, c.language, c.status.value, c.n) for c in monthly_line_counts(store, month)]
        if counted != [tuple(row) for row in rows]:
            raise SystemExit(f"monthly counts for {month} differ from a recount")
    worst = max(kept)
    report.add(Row("monthly counts service × language × outcome, p95", label, ms(p95(kept)),
                   f"naive GROUP BY {ms(statistics.median(naive))}",
                   f"{statistics.median(naive) / p95(kept):.0f}× faster", "< 20 ms", verdict(worst < 0.020)))
    report.add(Row("  same, CPU time of this process, p95", label, ms(p95(kept_cpu)),
                   f"max {ms(max(kept_cpu))}", "", "(info)"))
    naive_plan = "; ".join(row[3] for row in store.query("EXPLAIN QUERY PLAN " + _NAIVE_MONTHLY_SQL,
                                                           _month_bounds(months[1])))
    report.notes.append(f"{label}: monthly counts timed {len(kept)}× over 24 months (max {ms(worst)}); "
                        f"each equals the naive recount, whose plan is: {naive_plan}.")


# -- unlock ------------------------------------------------------------------


def _median_time(fn: Callable[[], Any], repeats: int) -> float:
    return statistics.median(timed(fn) for _index in range(repeats))


def bench_unlock(report: Report, out: Path, repeats: int) -> None:
    print(f"unlock (median of {repeats})…", flush=True)
    path = _fresh(out / "unlock-standard.db")
    Store.create(path, BENCH_PASSPHRASE, profile=keys.STANDARD).close()

    def open_right() -> None:
        Store.open(path, BENCH_PASSPHRASE).close()

    def open_wrong() -> None:
        try:
            Store.open(path, "not the passphrase")
        except WrongPassphrase:
            return
        raise SystemExit("a wrong passphrase opened the database")

    salt = path.read_bytes()[: keys.SALT_BYTES]
    derive = _median_time(lambda: keys.STANDARD.derive(BENCH_PASSPHRASE, salt), repeats)

    pbkdf2 = _fresh(out / "unlock-pbkdf2.db")
    conn = sqlcipher3.connect(str(pbkdf2))
    conn.execute(f"PRAGMA key = '{BENCH_PASSPHRASE}'")
    iterations = int(conn.execute("PRAGMA kdf_iter").fetchone()[0])
    conn.execute("CREATE TABLE t (x)")
    conn.close()

    def pbkdf2_open(passphrase: str) -> Callable[[], None]:
        def run() -> None:
            check = sqlcipher3.connect(str(pbkdf2))
            check.execute(f"PRAGMA key = '{passphrase}'")
            try:
                check.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except sqlcipher3.DatabaseError:
                pass
            finally:
                check.close()
        return run

    base = _median_time(pbkdf2_open(BENCH_PASSPHRASE), repeats)
    base_wrong = _median_time(pbkdf2_open("not the passphrase"), repeats)
    profile = keys.STANDARD
    kdf = f"Argon2id {profile.memory_kib // 1024} MiB, t={profile.time_cost}, p={profile.parallelism}"
    for name, fn, baseline in (("unlock, right passphrase", open_right, base),
                               ("unlock, wrong passphrase (one guess)", open_wrong, base_wrong)):
        took = _median_time(fn, repeats)
        report.add(Row(f"{name} [{kdf}]", "-", secs(took),
                       f"SQLCipher PBKDF2 {iterations:,} it. {secs(baseline)}", f"{took / baseline:.1f}×",
                       "0.25–1 s", verdict(0.25 <= took <= 1.0)))
    report.add(Row("  key derivation alone (info)", "-", secs(derive), "", "", "(info)"))


# -- main ----------------------------------------------------------------------


@contextmanager
def section(title: str) -> Iterator[None]:
    started = time.perf_counter()
    print(title, flush=True)
    yield
    print(f"  ({time.perf_counter() - started:.0f} s)", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10,000 and 100,000 referrals, fewer samples")
    parser.add_argument("--out", type=Path, default=OUT, help="where the cached databases live (real disk)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached databases")
    parser.add_argument("--samples", type=int, help="durable saves per engine (default 300; quick 100)")
    parser.add_argument("--only", choices=("save", "lists", "unlock"), help="run one part")
    args = parser.parse_args(argv)
    sizes = (10_000, 100_000) if args.quick else (100_000, 1_000_000)
    samples = args.samples or (100 if args.quick else 300)
    args.out.mkdir(parents=True, exist_ok=True)
    report = Report()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"School Intake store benchmark ({'quick' if args.quick else 'full'}); {os.cpu_count()} cores, "
          f"load {load:.1f}; files in {args.out}", flush=True)
    if args.only in (None, "save"):
        with section("== save"):
            bench_save(report, args.out, samples)
    if args.only in (None, "lists"):
        for size in sizes:
            path = bench_db(size, out=args.out, rebuild=args.rebuild)
            with section(f"== {size:,} referrals ({path.name}, FAST_FOR_TESTS KDF)"):
                with Store.open(path, BENCH_PASSPHRASE) as store:
                    found = store.query("SELECT count(*) FROM referral")[0][0]
                    if found != size:
                        raise SystemExit(f"{path} holds {found} referrals, not {size}; run with --rebuild")
                    bench_pages(report, store, size_label(size))
                    bench_counts(report, store, size_label(size))
    if args.only in (None, "unlock"):
        with section("== unlock"):
            bench_unlock(report, args.out, 5)
    report.notes.append(f"load average at the end: {os.getloadavg()[0]:.1f} (the machine is shared; "
                        "figures vary with it)")
    report.print_table()
    missed = [row for row in report.rows if row.verdict == "MISSED"]
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
