"""Shared fixtures.

Every test runs with its own home, data, config, log, cache and temp
directories, so the canary tests can scan *everything* the code could have
written. Databases use the fast KDF profile (same code path, far cheaper),
except where a test is about the real one.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from schoolintake import keys
from schoolintake.referral import Site
from schoolintake.site import save_site
from schoolintake.store import Store

PASSPHRASE = "correct horse battery staple"
TODAY = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path_factory.mktemp("home")
    for var, sub in (("HOME", ""), ("XDG_DATA_HOME", ".local/share"), ("XDG_CONFIG_HOME", ".config"),
                     ("XDG_STATE_HOME", ".local/state"), ("XDG_CACHE_HOME", ".cache"), ("TMPDIR", "tmp")):
        target = home / sub
        target.mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(var, str(target))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(home / "tmp"))
    for var in ("SCHOOLINTAKE_DB", "SCHOOLINTAKE_PASSPHRASE", "SCHOOLINTAKE_NEW_PASSPHRASE",
                "SCHOOLINTAKE_BACKUP_PASSPHRASE"):
        monkeypatch.delenv(var, raising=False)
    return home


@pytest.fixture
def fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the application's standard KDF the cheap test profile."""
    monkeypatch.setattr(keys, "STANDARD", keys.FAST_FOR_TESTS)


@pytest.fixture(scope="session")
def _template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    with Store.create(path, PASSPHRASE, profile=keys.FAST_FOR_TESTS) as store:
        save_site(store, Site("P.S. 58 The Carroll", "15K058", "Test Partner"))
        from schoolintake.directory import load_starter_directory

        load_starter_directory(store)
    return path


@pytest.fixture
def db_path(_template_db: Path, tmp_path: Path) -> Path:
    """A copy of a cached, set-up database (site and starter directory)."""
    path = tmp_path / "data" / "site.db"
    path.parent.mkdir()
    shutil.copy(_template_db, path)
    return path


@pytest.fixture
def store(db_path: Path, fast_kdf: None) -> Iterator[Store]:
    with Store.open(db_path, PASSPHRASE) as opened:
        yield opened


def all_files(*roots: Path) -> list[Path]:
    found = []
    for root in roots:
        for dirpath, _dirs, files in os.walk(root):
            found.extend(Path(dirpath) / name for name in files)
    return found
