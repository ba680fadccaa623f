"""Forward-only migrations, tested from every earlier version.

For each version v below the current one, a database is built by the
released migrations up to v, filled with data valid at v, and then opened
by the application, which must migrate it to the latest version without
losing anything and with consistent counts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from schoolintake import keys
from schoolintake.referrals import count_referrals, get_referral
from schoolintake.schema import MIGRATIONS, SCHEMA_VERSION, Migration, _statements, migrate
from schoolintake.store import Store, _configure, _connect_keyed

from .conftest import PASSPHRASE

# A released migration is never edited: append a new one instead.
RELEASED = {
    1: "235f67c12d49cd91f773e3398ab9de4057233bd5931070bb3e8c27432bf85d64",
    2: "21fe0dbfd435ba24de69154c1a8436669a27b149e54073388392200ab401f0c0",
    3: "70b103217cd679c4b907bddbac4eb3dc91891baf5f8057d02b8e2c07f719238b",
    4: "a9d720b5e40ba5ab68101964d6d5b574313481f841dc6a62d0ffd33556d37463",
    5: "64da29956b34016837170a16a6635674af871da7caa1b55ebcc0b3bd2cccafb9",
    6: "81ebfae05c4cdd24807a372a57c13bd6007bb1e2a99d0fa592cfc5102fce194e",
    7: "9682f5469bbae326d0cb42118960bfc4605439bcb785c8c4b320a93d856d27ce",
}


def test_released_migrations_are_unchanged() -> None:
    for migration in MIGRATIONS:
        if migration.version in RELEASED:
            assert hashlib.sha256(migration.sql.encode()).hexdigest() == RELEASED[migration.version], (
                f"migration {migration.version} was edited; append a new migration instead")


def test_versions_are_consecutive() -> None:
    assert [m.version for m in MIGRATIONS] == list(range(1, SCHEMA_VERSION + 1))


def _fill_v1(conn) -> None:  # type: ignore[no-untyped-def]
    conn.execute("INSERT INTO site (id, school_name, doe_code, created_at) VALUES (1, 'P.S. 7', '07X007', '2024-01-01')")
    for rid, (day, language) in enumerate([("2024-03-05", "es"), ("2024-03-20", "bn"), ("2024-04-02", "es")], 1):
        conn.execute("INSERT INTO referral (id, referred_on, language, first_name, created_at) VALUES (?, ?, ?, 'Ana', ?)",
                     (rid, day, language, day))
        for service in ("esl", "idnyc"):
            line = conn.execute("INSERT INTO referral_line (referral_id, service, status, referred_on, language)"
                                " VALUES (?, ?, 'referred', ?, ?)", (rid, service, day, language)).lastrowid
            conn.execute("INSERT INTO outcome_event (line_id, status, recorded_at) VALUES (?, 'referred', ?)", (line, day))


def _fill_v2(conn) -> None:  # type: ignore[no-untyped-def]
    conn.execute("INSERT INTO organization (id, name) VALUES ('org', 'Org')")
    conn.execute("INSERT INTO service (id, organization_id, category, name) VALUES ('svc', 'org', 'esl', 'ESL')")
    conn.execute("UPDATE referral_line SET provider_service_id = 'svc' WHERE service = 'esl'")


FILLERS: dict[int, Callable] = {1: _fill_v1, 2: _fill_v2}  # type: ignore[type-arg]


def _build_at(path: Path, version: int) -> None:
    salt = keys.FAST_FOR_TESTS.new_salt()
    conn = _connect_keyed(path, "rwc", keys.derive(keys.FAST_FOR_TESTS, PASSPHRASE, salt), salt)
    _configure(conn)
    for step in range(1, version + 1):
        migrate(conn, target=step)
        if step in FILLERS:
            conn.execute("BEGIN")
            FILLERS[step](conn)
            conn.execute("COMMIT")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == version
    conn.close()


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
def test_upgrade_from_every_earlier_version(tmp_path: Path, version: int) -> None:
    path = tmp_path / f"v{version}.db"
    _build_at(path, version)
    with Store.open(path, PASSPHRASE) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert count_referrals(store) == 3
        referral = get_referral(store, 2)
        assert referral.language == "bn" and referral.first_name == "Ana" and referral.services == ("esl", "idnyc")
        assert store.integrity_problems() == []  # includes counts == recount
        assert store.query("SELECT sum(n) FROM monthly_line_count") == [(6,)]
        assert store.query("SELECT n FROM monthly_referral_count WHERE month = '2024-03' AND language = 'es'") == [(1,)]


def test_a_failing_migration_leaves_the_previous_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "broken.db"
    _build_at(path, SCHEMA_VERSION)
    broken = Migration(SCHEMA_VERSION + 1, "broken", "CREATE TABLE half_done (x);\nINSERT INTO no_such_table VALUES (1);")
    import schoolintake.schema as schema
    import schoolintake.store as store_module

    monkeypatch.setattr(schema, "MIGRATIONS", (*MIGRATIONS, broken))
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setattr(schema, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(Exception):
        Store.open(path, PASSPHRASE)
    monkeypatch.undo()
    with Store.open(path, PASSPHRASE) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert not store.query("SELECT name FROM sqlite_master WHERE name = 'half_done'")


def test_statement_splitter_keeps_triggers_whole() -> None:
    sql = "CREATE TABLE a (x);\n-- comment\nCREATE TRIGGER t AFTER INSERT ON a BEGIN\n  SELECT 1;\n  SELECT 2;\nEND;\n"
    assert len(_statements(sql)) == 2
    with pytest.raises(ValueError):
        _statements("CREATE TABLE a (x")
