"""The encrypted store: create, open, refuse what it should, whole-file operations."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
import sqlcipher3

from schoolintake import keys
from schoolintake.errors import (
    DamagedDatabase,
    DatabaseExists,
    DatabaseMissing,
    NewerSchema,
    NotADatabase,
    StoreError,
    WrongPassphrase,
)
from schoolintake.referral import NewReferral, ServiceChoice
from schoolintake.referrals import add_referral, count_referrals, get_referral
from schoolintake.schema import SCHEMA_VERSION
from schoolintake.store import PAGE_SIZE, Store, remove_stale_temporaries, restore

from .conftest import PASSPHRASE, TODAY


def _add(store: Store, name: str = "Ana") -> int:
    return add_referral(store, NewReferral("es", (ServiceChoice("esl"),), TODAY, first_name=name), today=TODAY)


def test_file_is_encrypted_and_records_the_kdf_profile(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    with Store.create(path, PASSPHRASE, profile=keys.FAST_FOR_TESTS) as store:
        _add(store, "Zenobia")
    raw = path.read_bytes()
    assert not raw.startswith(b"SQLite format 3")
    assert b"Zenobia" not in raw and b"referral" not in raw
    assert raw[0] == keys.FAST_FOR_TESTS.id
    # Plain sqlite3 cannot read it.
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(path).execute("SELECT * FROM sqlite_master").fetchall()


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_database_backup_and_sidecars_are_private_to_the_owner(tmp_path: Path) -> None:
    path = tmp_path / "private" / "a.db"
    with Store.create(path, PASSPHRASE, profile=keys.FAST_FOR_TESTS) as store:
        _add(store)
        store.backup(tmp_path / "b.sib", "backup passphrase")
        for file in (path, Path(str(path) + "-wal"), Path(str(path) + "-shm"), tmp_path / "b.sib"):
            assert file.stat().st_mode & 0o077 == 0, file
        store.change_passphrase("new passphrase here")
        assert path.stat().st_mode & 0o077 == 0
    assert path.parent.stat().st_mode & 0o077 == 0


def test_pragmas_give_durable_commits_and_no_temp_files(store: Store) -> None:
    assert store.query("PRAGMA journal_mode")[0][0] == "wal"
    assert store.query("PRAGMA synchronous")[0][0] == 2  # FULL
    assert store.query("PRAGMA temp_store")[0][0] == 2  # MEMORY
    assert store.query("PRAGMA foreign_keys")[0][0] == 1
    assert store.query("PRAGMA secure_delete")[0][0] == 1
    assert store.schema_version == SCHEMA_VERSION


def test_reopen_keeps_data(db_path: Path, fast_kdf: None) -> None:
    with Store.open(db_path, PASSPHRASE) as store:
        rid = _add(store)
    with Store.open(db_path, PASSPHRASE) as store:
        assert get_referral(store, rid).first_name == "Ana"


def test_wrong_passphrase_is_a_clear_error_and_harms_nothing(db_path: Path) -> None:
    before = db_path.read_bytes()
    with pytest.raises(WrongPassphrase, match="Wrong passphrase"):
        Store.open(db_path, "not the passphrase")
    assert db_path.read_bytes() == before
    with Store.open(db_path, PASSPHRASE) as store:
        assert store.integrity_problems() == []


def test_missing_file_is_not_created_on_open(tmp_path: Path) -> None:
    with pytest.raises(DatabaseMissing):
        Store.open(tmp_path / "nope.db", PASSPHRASE)
    assert not (tmp_path / "nope.db").exists()


def test_create_refuses_to_overwrite(db_path: Path) -> None:
    with pytest.raises(DatabaseExists):
        Store.create(db_path, PASSPHRASE, profile=keys.FAST_FOR_TESTS)


@pytest.mark.parametrize(
    "content, error",
    [
        (b"", NotADatabase),
        (b"hello, this is a text file\n" * 10, DamagedDatabase),
        (b"%PDF-1.7" + bytes(PAGE_SIZE * 2 - 8), NotADatabase),
    ],
)
def test_files_that_are_not_databases(tmp_path: Path, content: bytes, error: type[StoreError]) -> None:
    path = tmp_path / "x.db"
    path.write_bytes(content)
    with pytest.raises(error):
        Store.open(path, PASSPHRASE)
    assert path.read_bytes() == content


def test_plain_sqlite_file_is_named_as_such(tmp_path: Path) -> None:
    path = tmp_path / "plain.db"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(NotADatabase, match="unencrypted"):
        Store.open(path, PASSPHRASE)


def test_truncated_file_mid_page(db_path: Path) -> None:
    data = db_path.read_bytes()
    db_path.write_bytes(data[: len(data) // 2 + 100])
    with pytest.raises(DamagedDatabase, match="truncated"):
        Store.open(db_path, PASSPHRASE)


def test_truncated_file_at_page_boundary(db_path: Path) -> None:
    data = db_path.read_bytes()
    assert len(data) >= 4 * PAGE_SIZE
    db_path.write_bytes(data[: 2 * PAGE_SIZE])
    with pytest.raises(DamagedDatabase):
        with Store.open(db_path, PASSPHRASE) as store:
            count_referrals(store)
            problems = store.integrity_problems()
            if problems:
                raise DamagedDatabase("; ".join(problems))


def test_newer_schema_is_refused(db_path: Path) -> None:
    salt = db_path.read_bytes()[:16]
    key = keys.FAST_FOR_TESTS.derive(PASSPHRASE, salt)
    conn = sqlcipher3.connect(str(db_path), isolation_level=None)
    conn.execute(f"PRAGMA key = {keys.raw_key_pragma_value(key)}")
    conn.execute(f"PRAGMA cipher_hmac_algorithm = {keys.FAST_FOR_TESTS.hmac_algorithm}")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(NewerSchema, match="newer version"):
        Store.open(db_path, PASSPHRASE)


def test_change_passphrase(db_path: Path, fast_kdf: None) -> None:
    with Store.open(db_path, PASSPHRASE) as store:
        rid = _add(store)
        old_salt = db_path.read_bytes()[:16]
        store.change_passphrase("a whole new passphrase")
        assert get_referral(store, rid).first_name == "Ana"  # still usable after the swap
        _add(store, "Bea")
    assert db_path.read_bytes()[:16] != old_salt
    with pytest.raises(WrongPassphrase):
        Store.open(db_path, PASSPHRASE)
    with Store.open(db_path, "a whole new passphrase") as store:
        assert count_referrals(store) == 2
        assert store.integrity_problems() == []
    assert not list(db_path.parent.glob(".*tmp-*"))


def test_interrupted_rekey_leaves_the_original(db_path: Path, fast_kdf: None, monkeypatch: pytest.MonkeyPatch) -> None:
    with Store.open(db_path, PASSPHRASE) as store:
        rid = _add(store)

        def power_cut(*_args: object) -> None:
            raise OSError("simulated power cut before the rename")

        monkeypatch.setattr(os, "replace", power_cut)
        with pytest.raises(OSError):
            store.change_passphrase("a whole new passphrase")
        monkeypatch.undo()
    # The staged copy is left behind (encrypted) and cleaned on the next open.
    assert list(db_path.parent.glob(".*rekey.tmp-*"))
    with Store.open(db_path, PASSPHRASE) as store:
        assert get_referral(store, rid).first_name == "Ana"
    assert not list(db_path.parent.glob(".*rekey.tmp-*"))


def test_backup_has_its_own_passphrase_and_restores(db_path: Path, tmp_path: Path, fast_kdf: None) -> None:
    backup = tmp_path / "usb" / "backup.sib"
    backup.parent.mkdir()
    with Store.open(db_path, PASSPHRASE) as store:
        rid = _add(store, "Kept")
        store.backup(backup, "backup passphrase")
        _add(store, "After backup")
    assert b"Kept" not in backup.read_bytes()
    with pytest.raises(WrongPassphrase):
        restore(backup, PASSPHRASE, db_path, PASSPHRASE)
    with restore(backup, "backup passphrase", db_path, PASSPHRASE) as restored:
        assert count_referrals(restored) == 1
        assert get_referral(restored, rid).first_name == "Kept"
        assert restored.integrity_problems() == []


def test_restore_needs_the_current_passphrase(db_path: Path, tmp_path: Path, fast_kdf: None) -> None:
    backup = tmp_path / "b.sib"
    with Store.open(db_path, PASSPHRASE) as store:
        store.backup(backup, "backup passphrase")
    before = db_path.read_bytes()
    with pytest.raises(WrongPassphrase):
        restore(backup, "backup passphrase", db_path, "someone else's guess")
    assert db_path.read_bytes() == before


def test_restore_into_a_new_place(db_path: Path, tmp_path: Path, fast_kdf: None) -> None:
    backup = tmp_path / "b.sib"
    with Store.open(db_path, PASSPHRASE) as store:
        _add(store)
        store.backup(backup, "backup passphrase")
    target = tmp_path / "new laptop" / "site.db"
    with restore(backup, "backup passphrase", target, "new laptop passphrase") as restored:
        assert count_referrals(restored) == 1


def test_backup_refuses_bad_destinations(store: Store, tmp_path: Path) -> None:
    with pytest.raises(StoreError):
        store.backup(store.path, "x")
    with pytest.raises(StoreError):
        store.backup(tmp_path, "x")
    with pytest.raises(StoreError):
        store.backup(tmp_path / "missing" / "b.sib", "x")
    with pytest.raises(StoreError):
        store.backup(tmp_path / "b.sib", "")


def test_integrity_check_sees_counts_drift(store: Store) -> None:
    _add(store)
    assert store.integrity_problems() == []
    store.execute("UPDATE monthly_line_count SET n = n + 3")
    assert any(p.startswith("counts:") for p in store.integrity_problems())


def test_integrity_check_sees_a_damaged_page(db_path: Path, fast_kdf: None) -> None:
    with Store.open(db_path, PASSPHRASE) as store:
        for i in range(50):
            _add(store, f"N{chr(65 + i % 26)}")
    data = bytearray(db_path.read_bytes())
    data[3 * PAGE_SIZE + 100] ^= 0xFF  # flip a byte inside page 4
    db_path.write_bytes(bytes(data))
    with Store.open(db_path, PASSPHRASE) as store:
        assert any(p.startswith("cipher:") for p in store.integrity_problems())


def test_stale_temporaries_are_removed(db_path: Path) -> None:
    stale = db_path.with_name(f".{db_path.name}.rekey.tmp-abcd")
    stale.write_bytes(b"x")
    assert remove_stale_temporaries(db_path) == [stale]
    assert not stale.exists()


@pytest.mark.slow
def test_standard_kdf_is_the_default_and_costs_time(tmp_path: Path) -> None:
    import time

    path = tmp_path / "real.db"
    Store.create(path, PASSPHRASE).close()
    assert path.read_bytes()[0] == keys.STANDARD.id
    started = time.perf_counter()
    with pytest.raises(WrongPassphrase):
        Store.open(path, "a guess")
    # Not a speed target (see tests/bench), only proof that the KDF runs:
    # the fast test profile takes well under a millisecond.
    assert time.perf_counter() - started > 0.05


def test_page_hmac_follows_the_profile(store: Store, tmp_path: Path) -> None:
    assert store.query("PRAGMA cipher_hmac_algorithm") == [("HMAC_SHA256",)]
    store.backup(tmp_path / "b.sib", "backup passphrase")
    salt = (tmp_path / "b.sib").read_bytes()[:16]
    derived = keys.derive(keys.PROFILES[salt[0]], "backup passphrase", salt)
    wrong = keys.DerivedKey(derived.key, keys.KdfProfile(0, 1, 1, hmac_algorithm="HMAC_SHA512"))
    from schoolintake.store import _connect_keyed, _verify_key

    with pytest.raises(WrongPassphrase):  # the same key with the other HMAC does not open it
        _verify_key(_connect_keyed(tmp_path / "b.sib", "ro", wrong), tmp_path / "b.sib")


def test_files_of_an_earlier_profile_open_and_rekey_to_the_current_one(tmp_path: Path, fast_kdf: None) -> None:
    earlier = keys.PROFILES[0xF7]
    assert earlier.hmac_algorithm == "HMAC_SHA512"
    path = tmp_path / "old.db"
    with Store.create(path, PASSPHRASE, profile=earlier) as store:
        rid = _add(store, "Old")
    with Store.open(path, PASSPHRASE) as store:
        assert store.query("PRAGMA cipher_hmac_algorithm") == [("HMAC_SHA512",)]
        store.change_passphrase("a new passphrase for it")
        assert store.query("PRAGMA cipher_hmac_algorithm") == [("HMAC_SHA256",)]
    assert path.read_bytes()[0] == keys.FAST_FOR_TESTS.id
    with Store.open(path, "a new passphrase for it") as store:
        assert get_referral(store, rid).first_name == "Old"
