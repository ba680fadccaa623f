"""Privacy rule 3: nothing personal is ever written unencrypted.

A unique string goes into every personal field (name, phone, notes) through
the core API and through the command line; then every file the application
could have touched is scanned — the database and its -wal/-shm/-journal, the
data, config, state/log and cache directories, the temp directory — while the
database is open, and after a backup, a rekey and a purge.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from schoolintake.cli import main
from schoolintake.referral import NewReferral, ServiceChoice
from schoolintake.referrals import add_referral, get_referral
from schoolintake.retention import purge_personal_data
from schoolintake.store import Store

from .conftest import PASSPHRASE, TODAY, all_files

NAME = "Quxzanthelope"
PHONE = "917.555.0173 x 864213"
NOTES = "Zyxwvut canary-notes-7f3a9e"
CANARIES = (NAME, PHONE, NOTES, "864213", "canary-notes-7f3a9e")


def _encodings(text: str) -> list[bytes]:
    return [text.encode("utf-8"), text.encode("utf-16-le"), text.encode("utf-16-be")]


def assert_no_canary(*roots: Path) -> int:
    files = all_files(*roots)
    for path in files:
        data = path.read_bytes()
        for canary in CANARIES:
            for needle in _encodings(canary):
                assert needle not in data, f"{canary!r} found in {path}"
    return len(files)


def _roots(home: Path, *extra: Path) -> tuple[Path, ...]:
    return (home, *extra)


def test_core_api(store: Store, isolated_home: Path, tmp_path: Path) -> None:
    rid = add_referral(store, NewReferral("ar", (ServiceChoice("legal"),), TODAY - timedelta(days=400),
                                          first_name=NAME, phone=PHONE, phone_consent=True, notes=NOTES),
                       today=TODAY)
    assert get_referral(store, rid).notes == NOTES  # it was stored…
    wal = Path(str(store.path) + "-wal")
    assert wal.exists() and wal.stat().st_size > 0  # …and the WAL is scanned while live
    scanned = assert_no_canary(*_roots(isolated_home, tmp_path))
    assert scanned >= 3

    backup = tmp_path / "backups" / "site-backup.sib"
    backup.parent.mkdir()
    store.backup(backup, "backup passphrase")
    assert_no_canary(*_roots(isolated_home, tmp_path))

    store.change_passphrase("another passphrase entirely")
    assert get_referral(store, rid).first_name == NAME
    assert_no_canary(*_roots(isolated_home, tmp_path))

    assert purge_personal_data(store, 365, today=TODAY) == 1
    referral = get_referral(store, rid)
    assert (referral.first_name, referral.phone, referral.notes) == ("", "", "")
    assert_no_canary(*_roots(isolated_home, tmp_path))
    store.close()
    assert_no_canary(*_roots(isolated_home, tmp_path))


def test_command_line(tmp_path: Path, isolated_home: Path, fast_kdf: None, monkeypatch: pytest.MonkeyPatch,
                      capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "cli.db"
    monkeypatch.setenv("SCHOOLINTAKE_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("SCHOOLINTAKE_BACKUP_PASSPHRASE", "backup passphrase, long enough")
    new_pass = tmp_path / "new-pass.txt"
    new_pass.write_text("a brand new passphrase\n")

    def run(*args: str) -> str:
        assert main(["--db", str(db), *args]) == 0
        return capsys.readouterr().out

    run("init", "--school", "P.S. 58", "--doe-code", "15K058")
    rid = run("add", "--language", "ur", "--service", "health", "--name", NAME, "--phone", PHONE, "--consent",
              "--notes", NOTES, "--date", (TODAY - timedelta(days=800)).isoformat()).strip()
    assert NAME in run("show", rid)  # stdout is the user's own terminal, not a file
    assert (isolated_home / ".local" / "state" / "SchoolIntake" / "log" / "schoolintake.log").exists()
    assert_no_canary(isolated_home, tmp_path)
    run("backup", str(tmp_path / "b.sib"))
    run("rekey", "--new-passphrase-file", str(new_pass))
    monkeypatch.setenv("SCHOOLINTAKE_PASSPHRASE", "a brand new passphrase")
    assert_no_canary(isolated_home, tmp_path)
    run("purge", "--older-than", "30")
    assert NAME not in run("show", rid)
    run("check")
    assert_no_canary(isolated_home, tmp_path)
