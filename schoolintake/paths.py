"""Where School Intake keeps its files, per platform (platformdirs).

Only the encrypted database holds personal data. The log and the
front end's settings hold none: tests/test_canary.py scans them.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import PlatformDirs

APP_NAME = "SchoolIntake"
DATABASE_NAME = "schoolintake.db"

_dirs = PlatformDirs(APP_NAME, appauthor=False)


def data_dir() -> Path:
    return Path(_dirs.user_data_dir)


def log_dir() -> Path:
    return Path(_dirs.user_log_dir)


def config_dir() -> Path:
    return Path(_dirs.user_config_dir)


def default_database() -> Path:
    """``SCHOOLINTAKE_DB`` if set, else the platform's user data directory."""
    override = os.environ.get("SCHOOLINTAKE_DB")
    return Path(override) if override else data_dir() / DATABASE_NAME


def demo_database() -> Path:
    return data_dir() / "demo.db"
