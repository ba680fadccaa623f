"""Versioned, forward-only schema migrations.

``PRAGMA user_version`` holds the schema version. Migration *n* takes a
database from version *n−1* to *n* inside one transaction, so a crash leaves
the old version intact. A released migration is never edited: its SQL is
pinned by a hash in tests/test_migrations.py. To change the schema, append a
migration.

There is deliberately no column anywhere for immigration status,
citizenship, country of birth, visa, A-number or SSN (PRODUCT.md rule 1);
tests/test_privacy_rules.py scans this schema for such words.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

Connection = Any  # sqlcipher3 connection (DB-API); no public type to name


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    sql: str
    after: Callable[[Connection], None] | None = None


_V1_CORE = """
CREATE TABLE site (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    school_name TEXT NOT NULL,
    doe_code TEXT NOT NULL,
    partner_organisation TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

CREATE TABLE setting (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- One intake: a parent at the desk. Personal columns are optional and are
-- blanked by the retention purge (purged_at records when).
CREATE TABLE referral (
    id INTEGER PRIMARY KEY,
    referred_on TEXT NOT NULL,
    language TEXT NOT NULL,
    first_name TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    phone_consent_at TEXT,
    notes TEXT NOT NULL DEFAULT '',
    follow_up_on TEXT,
    created_at TEXT NOT NULL,
    purged_at TEXT,
    CHECK (phone = '' OR phone_consent_at IS NOT NULL)
);
CREATE INDEX referral_by_date ON referral (referred_on, id);
CREATE INDEX referral_by_follow_up ON referral (follow_up_on) WHERE follow_up_on IS NOT NULL;

-- One service on a referral. referred_on and language are copied from the
-- referral so that lists and counts are answered from one index.
CREATE TABLE referral_line (
    id INTEGER PRIMARY KEY,
    referral_id INTEGER NOT NULL REFERENCES referral (id) ON DELETE CASCADE,
    service TEXT NOT NULL,
    provider_service_id TEXT,
    status TEXT NOT NULL DEFAULT 'referred'
        CHECK (status IN ('referred', 'contacted', 'connected', 'not_connected')),
    referred_on TEXT NOT NULL,
    language TEXT NOT NULL,
    UNIQUE (referral_id, service)
);

CREATE TABLE outcome_event (
    id INTEGER PRIMARY KEY,
    line_id INTEGER NOT NULL REFERENCES referral_line (id) ON DELETE CASCADE,
    status TEXT NOT NULL
        CHECK (status IN ('referred', 'contacted', 'connected', 'not_connected')),
    reason TEXT,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outcome_event_by_line ON outcome_event (line_id, id);
"""

# The provider directory, after the Open Referral Human Services Data
# Specification (HSDS 3): organisation → service → location, with phones,
# schedules and languages. Ids are HSDS-style text ids so that imports and
# exports keep them.
_V2_DIRECTORY = """
CREATE TABLE organization (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;

CREATE TABLE service (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organization (id) ON DELETE CASCADE,
    category TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL DEFAULT '',
    application_process TEXT NOT NULL DEFAULT '',
    fees_description TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive'))
) WITHOUT ROWID;
CREATE INDEX service_by_category ON service (category, status);

CREATE TABLE location (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organization (id) ON DELETE CASCADE,
    name TEXT NOT NULL DEFAULT '',
    address_1 TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    state_province TEXT NOT NULL DEFAULT '',
    postal_code TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;

CREATE TABLE service_at_location (
    id TEXT PRIMARY KEY,
    service_id TEXT NOT NULL REFERENCES service (id) ON DELETE CASCADE,
    location_id TEXT NOT NULL REFERENCES location (id) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE phone (
    id TEXT PRIMARY KEY,
    service_id TEXT REFERENCES service (id) ON DELETE CASCADE,
    organization_id TEXT REFERENCES organization (id) ON DELETE CASCADE,
    number TEXT NOT NULL,
    extension TEXT NOT NULL DEFAULT '',
    type TEXT NOT NULL DEFAULT 'voice',
    description TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;

CREATE TABLE schedule (
    id TEXT PRIMARY KEY,
    service_id TEXT NOT NULL REFERENCES service (id) ON DELETE CASCADE,
    description TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE service_language (
    service_id TEXT NOT NULL REFERENCES service (id) ON DELETE CASCADE,
    language TEXT NOT NULL,
    PRIMARY KEY (service_id, language)
) WITHOUT ROWID;
"""

# Counts kept by triggers, so that monthly reports never scan the referral
# table; plus the indexes that page through filtered lists.
_V3_COUNTS = """
CREATE TABLE monthly_line_count (
    month TEXT NOT NULL,
    service TEXT NOT NULL,
    language TEXT NOT NULL,
    status TEXT NOT NULL,
    n INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (month, service, language, status)
) WITHOUT ROWID;

CREATE TABLE monthly_referral_count (
    month TEXT NOT NULL,
    language TEXT NOT NULL,
    n INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (month, language)
) WITHOUT ROWID;

INSERT INTO monthly_line_count (month, service, language, status, n)
    SELECT substr(referred_on, 1, 7), service, language, status, count(*)
    FROM referral_line GROUP BY 1, 2, 3, 4;
INSERT INTO monthly_referral_count (month, language, n)
    SELECT substr(referred_on, 1, 7), language, count(*) FROM referral GROUP BY 1, 2;

CREATE TRIGGER line_counted AFTER INSERT ON referral_line BEGIN
    INSERT INTO monthly_line_count (month, service, language, status, n)
        VALUES (substr(NEW.referred_on, 1, 7), NEW.service, NEW.language, NEW.status, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER line_uncounted AFTER DELETE ON referral_line BEGIN
    UPDATE monthly_line_count SET n = n - 1
        WHERE month = substr(OLD.referred_on, 1, 7) AND service = OLD.service
          AND language = OLD.language AND status = OLD.status;
END;

CREATE TRIGGER line_recounted AFTER UPDATE OF service, status, referred_on, language ON referral_line BEGIN
    UPDATE monthly_line_count SET n = n - 1
        WHERE month = substr(OLD.referred_on, 1, 7) AND service = OLD.service
          AND language = OLD.language AND status = OLD.status;
    INSERT INTO monthly_line_count (month, service, language, status, n)
        VALUES (substr(NEW.referred_on, 1, 7), NEW.service, NEW.language, NEW.status, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER referral_counted AFTER INSERT ON referral BEGIN
    INSERT INTO monthly_referral_count (month, language, n)
        VALUES (substr(NEW.referred_on, 1, 7), NEW.language, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER referral_uncounted AFTER DELETE ON referral BEGIN
    UPDATE monthly_referral_count SET n = n - 1
        WHERE month = substr(OLD.referred_on, 1, 7) AND language = OLD.language;
END;

CREATE TRIGGER referral_recounted AFTER UPDATE OF referred_on, language ON referral BEGIN
    UPDATE monthly_referral_count SET n = n - 1
        WHERE month = substr(OLD.referred_on, 1, 7) AND language = OLD.language;
    INSERT INTO monthly_referral_count (month, language, n)
        VALUES (substr(NEW.referred_on, 1, 7), NEW.language, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    UPDATE referral_line SET referred_on = NEW.referred_on, language = NEW.language
        WHERE referral_id = NEW.id;
END;

-- Paging through a filtered list, newest first: one index per combination
-- of equality filters, each ending in the date so that ORDER BY … LIMIT
-- stops after one page.
CREATE INDEX referral_by_language ON referral (language, referred_on, id);
CREATE INDEX line_by_service ON referral_line (service, referred_on, referral_id);
CREATE INDEX line_by_status ON referral_line (status, referred_on, referral_id);
CREATE INDEX line_by_service_status ON referral_line (service, status, referred_on, referral_id);
CREATE INDEX line_by_service_language ON referral_line (service, language, referred_on, referral_id);
CREATE INDEX line_by_status_language ON referral_line (status, language, referred_on, referral_id);
CREATE INDEX line_by_all ON referral_line (service, status, language, referred_on, referral_id);
"""

# A page of the referrals list shows each referral's services and their
# outcomes: with this index they come from one index probe per referral,
# instead of a probe plus a table read per service line (about half the
# cost of a page at a million referrals; see tests/bench/bench_store.py).
_V4_LINE_SUMMARY = """
CREATE INDEX line_by_referral ON referral_line (referral_id, service, status);
"""


def _measure_new_index(conn: Connection) -> None:
    # Where ANALYZE has run (demo and benchmark databases), the planner trusts
    # the measured UNIQUE (referral_id, service) index over an unmeasured one
    # and would keep reading the table; so measure the new index too.
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone():
        conn.execute("ANALYZE line_by_referral")


# Search-as-you-type on first names: an FTS5 index over referral.first_name
# (external content, so no second copy of the names), with Unicode case and
# diacritic folding and prefix indexes for the first keystrokes. It lives in
# the encrypted file like everything else; "secure-delete" makes a purge or
# an edit really remove the old tokens instead of leaving them until a merge.
_V5_NAME_SEARCH = """
CREATE VIRTUAL TABLE referral_name USING fts5(
    first_name, content = 'referral', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3'
);
INSERT INTO referral_name (referral_name, rank) VALUES ('secure-delete', 1);
INSERT INTO referral_name (rowid, first_name) SELECT id, first_name FROM referral;

-- Every referral is a document, named or not: FTS5's integrity check (run by
-- `schoolintake check`) expects the index to cover every content row.
CREATE TRIGGER referral_name_added AFTER INSERT ON referral BEGIN
    INSERT INTO referral_name (rowid, first_name) VALUES (NEW.id, NEW.first_name);
END;

CREATE TRIGGER referral_name_removed AFTER DELETE ON referral BEGIN
    INSERT INTO referral_name (referral_name, rowid, first_name) VALUES ('delete', OLD.id, OLD.first_name);
END;

CREATE TRIGGER referral_name_changed AFTER UPDATE OF first_name ON referral BEGIN
    INSERT INTO referral_name (referral_name, rowid, first_name) VALUES ('delete', OLD.id, OLD.first_name);
    INSERT INTO referral_name (rowid, first_name) VALUES (NEW.id, NEW.first_name);
END;
"""


# Aggregate reports: the site's signing key, every report revision prepared
# (the exact bytes that leave, and the counts and pattern they came from, which
# later corrections must take into account), and the history of sending.
_V6_REPORTS = """
CREATE TABLE site_key (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    private_key BLOB NOT NULL,
    public_key BLOB NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE report_revision (
    period TEXT NOT NULL,
    revision INTEGER NOT NULL CHECK (revision >= 1),
    k INTEGER NOT NULL,
    groups TEXT NOT NULL,
    sessions TEXT NOT NULL,
    cells TEXT NOT NULL,
    suppressed TEXT NOT NULL,
    protected TEXT NOT NULL,
    envelope BLOB NOT NULL,
    prepared_at TEXT NOT NULL,
    released_at TEXT,
    delivered_at TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    last_error TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (period, revision)
) WITHOUT ROWID;

CREATE TABLE sync_event (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    period TEXT NOT NULL,
    revision INTEGER NOT NULL,
    destination TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('delivered', 'saved', 'failed', 'refused')),
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sync_event_by_time ON sync_event (at, id);
"""


# The referrals list sorted by first name or by follow-up date: read off
# these indexes a page at a time, in either direction, instead of sorting
# every match. They match the ORDER BY of schoolintake.referrals (NOCASE,
# then date, then number). The follow-up index replaces the narrower one of
# migration 1, so a save writes one index more, not two
# (tests/bench/bench_store.py --only save).
_V7_LIST_ORDERS = """
CREATE INDEX referral_by_name ON referral (first_name COLLATE NOCASE, referred_on, id);
DROP INDEX referral_by_follow_up;
CREATE INDEX referral_by_follow_up ON referral (follow_up_on, referred_on, id) WHERE follow_up_on IS NOT NULL;
"""


def _measure_order_indexes(conn: Connection) -> None:
    # As for migration 4: where statistics exist, an unmeasured index is
    # passed over by the planner (ANALYZE of one table: its indexes only).
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone():
        conn.execute("ANALYZE referral")


def _make_site_key(conn: Connection) -> None:
    from .sitekey import new_key_row

    conn.execute("INSERT INTO site_key (id, private_key, public_key, created_at) VALUES (1, ?, ?, ?)",
                 new_key_row())


MIGRATIONS: Sequence[Migration] = (
    Migration(1, "referrals, service lines, outcome history, site, settings", _V1_CORE),
    Migration(2, "provider directory (Open Referral HSDS)", _V2_DIRECTORY),
    Migration(3, "monthly counts kept by triggers; list indexes", _V3_COUNTS),
    Migration(4, "covering index for the services on a page of referrals", _V4_LINE_SUMMARY,
              _measure_new_index),
    Migration(5, "full-text index of first names for search-as-you-type", _V5_NAME_SEARCH),
    Migration(6, "site signing key, report revisions, sync history", _V6_REPORTS, _make_site_key),
    Migration(7, "indexes for the list sorted by name or follow-up date", _V7_LIST_ORDERS, _measure_order_indexes),
)

SCHEMA_VERSION = MIGRATIONS[-1].version


def migrate(conn: Connection, target: int | None = None) -> list[int]:
    """Apply every migration above the database's version up to ``target``.

    Each step runs in its own transaction together with the version bump.
    Returns the versions applied.
    """
    if target is None:
        target = MIGRATIONS[-1].version
    applied: list[int] = []
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    for migration in MIGRATIONS:
        if migration.version <= current or migration.version > target:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(migration.sql):
                conn.execute(statement)
            if migration.after is not None:
                migration.after(conn)
            conn.execute(f"PRAGMA user_version = {migration.version:d}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        applied.append(migration.version)
    return applied


def _statements(sql: str) -> list[str]:
    """Split a migration into statements; triggers contain inner semicolons."""
    from sqlcipher3 import complete_statement

    statements: list[str] = []
    buffer = ""
    for line in sql.splitlines(keepends=True):
        if not buffer and (not line.strip() or line.strip().startswith("--")):
            continue
        buffer += line
        if complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        raise ValueError(f"incomplete SQL statement in migration: {buffer[:60]!r}")
    return statements
