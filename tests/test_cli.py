"""The command line: its exact surface, one-line errors, nothing lost."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from schoolintake.cli import main

from .conftest import PASSPHRASE

GOOD = "a long and sturdy passphrase"


@pytest.fixture
def cli(tmp_path: Path, fast_kdf: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    db = tmp_path / "site.db"
    monkeypatch.setenv("SCHOOLINTAKE_PASSPHRASE", GOOD)

    def run(*args: str) -> tuple[int, str, str]:
        try:
            code = main(["--db", str(db), *args])
        except SystemExit as exit_:  # argparse's usage errors
            code = int(exit_.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    run.db = db  # type: ignore[attr-defined]
    return run


def _init(cli) -> None:  # type: ignore[no-untyped-def]
    code, out, err = cli("init", "--school", "P.S. 58", "--doe-code", "15k058", "--partner", "Partner")
    assert code == 0, err


def test_init_add_list_show_outcome(cli) -> None:  # type: ignore[no-untyped-def]
    _init(cli)
    code, out, _err = cli("add", "--language", "bn", "--service", "esl", "--service", "idnyc",
                          "--provider", "esl=nypl-esol", "--name", "রুমা", "--phone", "718-555-0100", "--consent",
                          "--notes", "evenings", "--date", "2026-11-02", "--follow-up", "2026-11-09")
    assert code == 0
    rid = int(out.strip())
    code, out, _ = cli("list", "--json", "--language", "bn", "--service", "esl", "--status", "referred", "--since", "2026-11-01")
    rows = json.loads(out)
    assert [r["id"] for r in rows] == [rid]
    assert rows[0]["name"] == "রুমা"
    assert cli("outcome", str(rid), "--status", "not_connected", "--service", "idnyc", "--reason", "declined")[0] == 0
    code, out, _ = cli("show", str(rid))
    assert "not_connected (declined)" in out and "nypl-esol" in out
    code, out, _ = cli("list", "--status", "not_connected")
    assert str(rid) in out


def test_check_rekey_backup_restore_purge(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    _init(cli)
    rid = int(cli("add", "--language", "es", "--service", "health", "--name", "Ana", "--date", "2020-01-15")[1])
    assert cli("check")[0] == 0
    monkeypatch.setenv("SCHOOLINTAKE_BACKUP_PASSPHRASE", "the backup's own passphrase")
    backup = tmp_path / "backup.sib"
    assert cli("backup", str(backup))[0] == 0
    new_file = tmp_path / "new.txt"
    new_file.write_text("the brand new passphrase\n")
    assert cli("rekey", "--new-passphrase-file", str(new_file))[0] == 0
    code, _out, err = cli("list")
    assert code == 5 and "Wrong passphrase" in err
    monkeypatch.setenv("SCHOOLINTAKE_PASSPHRASE", "the brand new passphrase")
    code, out, _ = cli("purge", "--older-than", "365")
    assert code == 0 and "1" in out
    assert '"name": ""' in cli("list", "--json")[1]
    assert cli("restore", str(backup))[0] == 0
    assert "Ana" in cli("show", str(rid))[1]


def test_passphrase_file_option(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    _init(cli)
    monkeypatch.delenv("SCHOOLINTAKE_PASSPHRASE")
    secret = tmp_path / "pass.txt"
    secret.write_text(GOOD + "\n")
    assert main(["--db", str(cli.db), "--passphrase-file", str(secret), "list"]) == 0
    # No passphrase and no terminal: a clear error, not a hang.
    monkeypatch.setattr(sys, "stdin", open(os.devnull))
    code, _out, err = cli("list")
    assert code != 0 and "No passphrase" in err


@pytest.mark.parametrize(
    "args, message",
    [
        (("add", "--language", "xx", "--service", "esl"), "invalid choice"),
        (("add", "--language", "es", "--service", "esl", "--date", "2026-13-01"), "not a date"),
        (("add", "--language", "es", "--service", "esl", "--phone", "7185550100"), "consent"),
        (("add", "--language", "es", "--service", "esl", "--notes", "has a green card"), "confirm-notes"),
        (("add", "--language", "es", "--service", "esl", "--provider", "legal=actionnyc-legal"), "not on this referral"),
        (("add", "--language", "es", "--service", "esl", "--date", "2999-01-01"), "future"),
        (("outcome", "1", "--status", "connected"), "no referral 1"),
        (("purge", "--older-than", "-3"), "negative"),
        (("list", "--since", "yesterday"), "not a date"),
        (("frobnicate",), "invalid choice"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(cli, args: tuple[str, ...], message: str) -> None:  # type: ignore[no-untyped-def]
    _init(cli)
    count_before = cli("list", "--count")[2]
    code, _out, err = cli(*args)
    assert code != 0
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert cli("list", "--count")[2] == count_before
    assert cli("check")[0] == 0


def test_errors_without_a_database(cli) -> None:  # type: ignore[no-untyped-def]
    code, _out, err = cli("list")
    assert code != 0 and "no database" in err.lower()
    assert not cli.db.exists()


def test_init_refuses_weak_passphrase_and_existing_database(cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SCHOOLINTAKE_PASSPHRASE", "password1")
    code, _out, err = cli("init", "--school", "X", "--doe-code", "15K058")
    assert code != 0 and "weak" in err and not cli.db.exists()
    monkeypatch.setenv("SCHOOLINTAKE_PASSPHRASE", GOOD)
    code, _out, err = cli("init", "--school", "X", "--doe-code", "K058")
    assert code != 0 and "DOE" in err and not cli.db.exists()
    _init(cli)
    code, _out, err = cli("init", "--school", "X", "--doe-code", "15K058")
    assert code != 0 and "already exists" in err


def test_demo_fills_all_languages_services_months_outcomes(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("demo", "--referrals", "1500")[0] == 0
    rows = json.loads(cli("list", "--json", "--limit", "1500")[1])
    assert len(rows) == 1500
    from schoolintake.languages import PARENT_LANGUAGE_CODES
    from schoolintake.services import SERVICE_CODES

    assert {r["language"] for r in rows} == set(PARENT_LANGUAGE_CODES)
    assert {s["service"] for r in rows for s in r["services"]} == set(SERVICE_CODES)
    assert {s["status"] for r in rows for s in r["services"]} == {"referred", "contacted", "connected", "not_connected"}
    assert len({r["date"][:7] for r in rows}) >= 20
    assert cli("check")[0] == 0


def _subprocess(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "schoolintake", *args], capture_output=True, text=True,
                          env=env, stdin=subprocess.DEVNULL, timeout=120)


def test_real_entry_point_exit_codes(tmp_path: Path) -> None:
    """The installed command, with the real KDF: a few calls only."""
    env = {**os.environ, "SCHOOLINTAKE_PASSPHRASE": GOOD}
    db = tmp_path / "real.db"
    done = _subprocess("--db", str(db), "init", "--school", "P.S. 1", "--doe-code", "02M001", env=env)
    assert done.returncode == 0, done.stderr
    done = _subprocess("--db", str(db), "add", "--language", "ar", "--service", "legal", env=env)
    assert done.returncode == 0 and done.stdout.strip().isdigit()
    done = _subprocess("--db", str(db), "list", env={**env, "SCHOOLINTAKE_PASSPHRASE": PASSPHRASE})
    assert done.returncode == 5
    assert done.stderr.strip().count("\n") == 0 and "Wrong passphrase" in done.stderr
    assert "Traceback" not in done.stderr
    done = _subprocess("--db", str(db), "add", "--language", "ar", env=env)
    assert done.returncode == 2 and done.stderr.strip().count("\n") == 0


def test_default_database_lives_in_the_user_data_dir(isolated_home: Path) -> None:
    from schoolintake import paths

    assert paths.default_database().is_relative_to(isolated_home)
    assert "SchoolIntake" in str(paths.default_database())
