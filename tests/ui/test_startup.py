"""What the unlock screen costs: it appears before the database, report,
printing and network code is loaded (they load while the passphrase is
typed, or at unlock). Timing is the benchmark's business
(tests/bench/bench_gui.py); this checks what is imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from schoolintake.site import DEFAULT_SETTINGS
from schoolintake_ui.session import Session

ROOT = Path(__file__).resolve().parents[2]

_SHOW_UNLOCK_SCREEN = """
import argparse, importlib.util, json, sys
from pathlib import Path
root = Path(sys.argv[1]); sys.path.insert(0, str(root))
spec = importlib.util.spec_from_file_location("schoolintake_ui", root / "ui" / "__init__.py",
                                              submodule_search_locations=[str(root / "ui")])
m = importlib.util.module_from_spec(spec); sys.modules["schoolintake_ui"] = m; spec.loader.exec_module(m)
from schoolintake_ui.qt import QApplication
from schoolintake_ui.app import Launcher
from schoolintake_ui.app_settings import AppSettings
app = QApplication([])
launcher = Launcher(argparse.Namespace(db=Path(sys.argv[2]), demo=False), AppSettings(Path(sys.argv[3])))
launcher.start()
app.processEvents()
assert launcher.window.unlock_panel is not None and launcher.window.isVisible()
print(json.dumps(sorted(sys.modules)))
launcher.session.worker.shutdown()
"""

NOT_BEFORE_UNLOCK = ("sqlcipher3", "argon2", "babel", "reportlab", "scipy", "numpy", "httpx", "cryptography",
                     "pypdfium2", "schoolintake.store", "schoolintake.referrals", "schoolintake.reports",
                     "schoolintake.sync", "PySide6.QtPrintSupport")


def test_the_unlock_screen_loads_no_database_report_or_network_code(db_path: Path, tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-c", _SHOW_UNLOCK_SCREEN, str(ROOT), str(db_path), str(tmp_path / "ui.ini")],
                         capture_output=True, text=True, timeout=60,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 0, out.stderr
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert "schoolintake_ui.unlock_panel" in loaded
    assert sorted(name for name in NOT_BEFORE_UNLOCK if name in loaded) == []


def test_the_session_starts_with_the_databases_default_idle_time(tmp_path: Path) -> None:
    session = Session(tmp_path / "site.db")
    try:
        assert session.idle_lock_minutes == DEFAULT_SETTINGS["idle_lock_minutes"]
    finally:
        session.worker.shutdown()
