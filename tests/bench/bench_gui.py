"""GUI figures against a bare PySide6 window measured in the same run.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/bench/bench_gui.py [--referrals 100000]

1. process start to the unlock screen shown, vs a bare QMainWindow (goal ≤ 1.5×), and the part of it spent
   registering the bundled UI fonts;
2. unlock to a usable main window at N referrals, vs key derivation alone (goal ≤ KDF + 300 ms);
3. one search-as-you-type keystroke at N referrals, p95 (goal ≤ 50 ms);
4. peak memory (max RSS) of the process doing 2 and 3 (goal ≤ 150 MB).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PASSPHRASE = "bench passphrase for the gui"

_BARE = """
import time, sys
from PySide6.QtWidgets import QApplication, QMainWindow, QLabel
app = QApplication([])
w = QMainWindow(); w.setCentralWidget(QLabel("hello")); w.show()
app.processEvents()
print("shown", flush=True)
"""

_APP = """
import sys, argparse, importlib.util
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
from schoolintake_ui import fonts
print("shown", f"fonts={fonts.registration_ms:.1f}", flush=True)
launcher.session.worker.shutdown()
"""


def _load_ui() -> None:
    sys.path.insert(0, str(ROOT))
    spec = importlib.util.spec_from_file_location("schoolintake_ui", ROOT / "ui" / "__init__.py",
                                                  submodule_search_locations=[str(ROOT / "ui")])
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules["schoolintake_ui"] = module
    spec.loader.exec_module(module)  # type: ignore[union-attr]


def _start_time(code: str, *args: str, runs: int = 5, notes: list[str] | None = None) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                             env={**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")})
        if "shown" not in out.stdout:
            raise SystemExit(out.stderr)
        times.append(time.perf_counter() - start)
        if notes is not None:
            notes.extend(word for word in out.stdout.split() if "=" in word)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--referrals", type=int, default=100_000)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    work = Path(tempfile.mkdtemp(prefix="bench-gui-"))
    db = work / "bench.db"
    _load_ui()
    from schoolintake import keys
    from schoolintake.demo import populate
    from schoolintake.store import Store

    print(f"building a database of {args.referrals:,} referrals (standard KDF)…", flush=True)
    with Store.create(db, PASSPHRASE) as store:
        populate(store, args.referrals)

    bare = _start_time(_BARE)
    notes: list[str] = []
    app_start = _start_time(_APP, str(ROOT), str(db), str(work / "ui.ini"), notes=notes)
    font_ms = statistics.median(float(note.split("=")[1]) for note in notes if note.startswith("fonts="))
    print(f"1. start to window: bare PySide6 {bare * 1000:.0f} ms, unlock screen {app_start * 1000:.0f} ms, "
          f"ratio {app_start / bare:.2f} (goal ≤ 1.5); of which registering the bundled UI fonts {font_ms:.0f} ms")

    salt = db.read_bytes()[:16]
    start = time.perf_counter()
    keys.STANDARD.derive(PASSPHRASE, salt)
    kdf = time.perf_counter() - start

    from schoolintake_ui.app import Launcher
    from schoolintake_ui.app_settings import AppSettings
    from schoolintake_ui.qt import QApplication

    app = QApplication([])
    launcher = Launcher(argparse.Namespace(db=db, demo=False), AppSettings(work / "ui.ini"))
    launcher.start()
    app.processEvents()

    def settle() -> None:
        while launcher.session.worker.pending:
            app.processEvents()
            time.sleep(0.0005)
        app.processEvents()

    panel = launcher.window.unlock_panel
    assert panel is not None
    panel.passphrase.setText(PASSPHRASE)
    start = time.perf_counter()
    panel.submit()
    while launcher.window.workspace is None:
        app.processEvents()
        time.sleep(0.0005)
    settle()
    unlock = time.perf_counter() - start
    print(f"2. unlock to usable window: {unlock * 1000:.0f} ms; key derivation alone {kdf * 1000:.0f} ms; "
          f"overhead {(unlock - kdf) * 1000:.0f} ms (goal ≤ 300 ms)")

    launcher.window.show_page("referrals")
    settle()
    page = launcher.window.workspace.referrals  # type: ignore[union-attr]
    samples = []
    for word in ("M", "Ma", "Mar", "Mari", "Maria", "Mar", "Ma", "M", "", "A", "An", "Ana", "An", "A", "",
                 "J", "Jo", "Jos", "José", "Jo", "J", "", "R", "Ro", "Ros", "Rose", "", "G", "Gr", "Gra"):
        page.search.blockSignals(True)
        page.search.setText(word)
        page.search.blockSignals(False)
        start = time.perf_counter()
        page.apply_filter()  # what the debounce timer calls
        settle()
        page.model.summary(0)  # the first visible page
        settle()
        samples.append(time.perf_counter() - start)
    samples.sort()
    p95 = samples[int(len(samples) * 0.95) - 1]
    print(f"3. search keystroke at {args.referrals:,}: median {statistics.median(samples) * 1000:.1f} ms, "
          f"p95 {p95 * 1000:.1f} ms (goal ≤ 50 ms)")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"4. peak memory (max RSS) {peak_mb:.0f} MB (goal ≤ 150 MB; includes the KDF's 64 MiB)")
    launcher.window.lock()
    launcher.session.worker.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
