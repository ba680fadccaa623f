"""The main window in every UI language, for looking at: cut-off, overlapping
or boxed text is a bug.

Run under Xvfb from the repository root (after merging new translations):
    xvfb-run -a -s "-screen 0 1280x900x24" .venv/bin/python scripts/locale_screenshots.py
writes docs/screenshots/locales/<locale>.png: the new-referral page (the
busiest) of a demo database, filled in as a volunteer would. ``--page`` picks
another page; ``--bare-fonts`` hides the system's fonts except DejaVu, as on a
minimal Linux install, so only the bundled fonts can draw non-Latin scripts.
Uses a throw-away home directory, so nothing of yours is touched.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from _screenshot_env import load_checkout_ui, use_throwaway_home  # noqa: E402

PAGES = ("home", "new", "referrals", "directory", "reports", "settings")


def _bare_fontconfig(home: Path) -> Path:
    conf = home / "fonts.conf"
    conf.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>'
                    '<include ignore_missing="yes">/etc/fonts/conf.d</include>'
                    '<dir>/usr/share/fonts/truetype/dejavu</dir>'
                    f'<cachedir>{home / "fc-cache"}</cachedir></fontconfig>\n', encoding="utf-8")
    return conf


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots" / "locales")
    parser.add_argument("--page", choices=PAGES, default="new")
    parser.add_argument("--languages", nargs="*", help="locale codes (default: all twelve)")
    parser.add_argument("--width", type=int, default=1000)
    parser.add_argument("--height", type=int, default=680)
    parser.add_argument("--bare-fonts", action="store_true")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="si-locale-shots-"))
    if args.bare_fonts and "FONTCONFIG_FILE" not in os.environ:
        env = {**os.environ, "FONTCONFIG_FILE": str(_bare_fontconfig(home))}
        return subprocess.call([sys.executable, *sys.argv], env=env)
    use_throwaway_home(home)
    load_checkout_ui()

    from schoolintake.languages import LANGUAGE_CODES
    from schoolintake_ui.app import Launcher
    from schoolintake_ui.app_settings import AppSettings
    from schoolintake_ui.qt import QApplication, QImage, Qt

    app = QApplication([])
    args.out.mkdir(parents=True, exist_ok=True)
    launcher = Launcher(argparse.Namespace(db=home / "demo.db", demo=True), AppSettings(home / "ui.ini"))

    def settle(seconds: float = 0.3) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end or launcher.session.worker.pending:
            app.processEvents()
            time.sleep(0.01)

    launcher.window.resize(args.width, args.height)
    launcher.start()
    deadline = time.monotonic() + 180
    while launcher.window.workspace is None and time.monotonic() < deadline:
        settle(0.1)
    window = launcher.window
    window.show_page("new")
    form = window.workspace.form  # type: ignore[union-attr]
    form.language.choose("bn")
    for code in ("esl", "idnyc", "legal"):
        form.service_boxes[code].setChecked(True)
    form.name.setText("R. A.")
    form.phone.setText("718-555-0142")
    form.consent.setChecked(True)
    form.notes.setPlainText("Evening classes")
    settle(0.5)
    for code in args.languages or LANGUAGE_CODES:
        window.change_ui_language(code)  # keeps the filled-in form
        window.show_page(args.page)
        window.resize(args.width, args.height)
        settle(0.6)
        path = args.out / f"{code}.png"
        # A 256-colour palette keeps each file small (the UI has few colours).
        image = window.grab().toImage().convertToFormat(QImage.Format.Format_Indexed8, Qt.ImageConversionFlag.ThresholdDither)
        image.save(str(path), "PNG", 9)
        print("saved", path, f"{path.stat().st_size // 1024} KB")
    launcher.session.worker.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
