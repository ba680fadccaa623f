"""Screenshots of the main screens on a fresh demo database.

Run under Xvfb from the repository root:
    xvfb-run -a -s "-screen 0 1280x900x24" .venv/bin/python scripts/gui_screenshots.py docs/screenshots
Uses a throw-away home directory, so nothing of yours is touched.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from _screenshot_env import load_checkout_ui, use_throwaway_home  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--width", type=int, default=1100)
    parser.add_argument("--height", type=int, default=720)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="si-shots-"))
    use_throwaway_home(home)
    load_checkout_ui()

    from schoolintake_ui.app import Launcher
    from schoolintake_ui.app_settings import AppSettings
    from schoolintake_ui.qt import QApplication, Qt, QTest

    app = QApplication([])
    out = args.out
    out.mkdir(parents=True, exist_ok=True)

    def settle(seconds: float = 0.3) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end or launcher.session.worker.pending:
            app.processEvents()
            time.sleep(0.01)

    def shot(name: str, widget: object = None) -> None:
        settle()
        (widget or launcher.window).grab().save(str(out / f"{name}.png"))  # type: ignore[union-attr]
        print("saved", out / f"{name}.png")

    settings = AppSettings(home / "ui.ini")
    launcher = Launcher(argparse.Namespace(db=home / "demo.db", demo=True), settings)
    launcher.window.resize(args.width, args.height)
    launcher.start()
    deadline = time.monotonic() + 120
    while launcher.window.workspace is None and time.monotonic() < deadline:
        settle(0.1)
    window = launcher.window
    shot("home")
    window.show_page("new")
    form = window.workspace.form
    form.language.search.setText("বাং")
    QTest.keyClick(form.language.search, Qt.Key.Key_Return)
    form.service_boxes["esl"].setChecked(True)
    form.service_boxes["idnyc"].setChecked(True)
    form.name.setText("R.")
    settle(0.5)
    shot("new-referral")
    window.show_page("referrals")
    shot("referrals")
    window.open_referral(1)
    settle(0.5)
    shot("referral-detail", window.dialogs[-1])
    window.dialogs[-1].close()
    window.show_page("directory")
    shot("directory")
    window.show_page("reports")
    shot("reports")
    window.show_page("sync")
    shot("sync")
    window.workspace.sync.tabs.setCurrentIndex(1)
    shot("sync-data")
    window.workspace.sync.tabs.setCurrentIndex(0)
    window.show_page("settings")
    shot("settings")
    window.change_ui_language("ar")
    window.show_page("new")
    shot("new-referral-arabic")
    window.change_ui_language("en")
    window.lock()
    shot("locked")
    launcher.session.worker.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
