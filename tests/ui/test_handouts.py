"""Blank service handouts from the File menu: one language, or every language in one PDF."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pypdf import PdfReader

from schoolintake_ui.app import Launcher
from schoolintake_ui.handouts import HandoutDialog
from schoolintake_ui.printing import SheetPrinter

from ..conftest import PASSPHRASE
from .conftest import wait_idle


class SavesTo(SheetPrinter):
    """The save dialog answered with a fixed path."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.suggested: list[str] = []

    def ask_save_path(self, parent: object, suggested: str) -> Path:
        self.suggested.append(suggested)
        return self.path


def _unlocked(qtbot: object, launcher: Launcher) -> None:
    launcher.start()
    panel = launcher.window.unlock_panel
    assert panel is not None
    panel.passphrase.setText(PASSPHRASE)
    panel.submit()
    qtbot.waitUntil(lambda: launcher.window.workspace is not None, timeout=20_000)  # type: ignore[attr-defined]
    wait_idle(qtbot, launcher.session)


def test_a_handout_in_one_language_and_a_pack_of_all(qtbot: object, make_launcher: Callable[..., Launcher],
                                                     db_path: Path, tmp_path: Path) -> None:
    launcher = make_launcher(db_path)
    _unlocked(qtbot, launcher)
    assert launcher.window.handouts_action.isEnabled()
    launcher.window.handouts_action.trigger()
    dialog = next(d for d in launcher.window.dialogs if isinstance(d, HandoutDialog))

    one = tmp_path / "idnyc-bn.pdf"
    launcher.window.sheets.printer = SavesTo(one)
    dialog.choose("idnyc", "bn")
    dialog.save_pdf_requested.emit(dialog.job())
    qtbot.waitUntil(lambda: one.exists(), timeout=20_000)  # type: ignore[attr-defined]
    text = "".join(page.extract_text() for page in PdfReader(one).pages)
    assert "IDNYC" in text and "Call 311" in text
    assert launcher.window.sheets.printer.suggested == ["handout-idnyc-bn.pdf"]  # type: ignore[attr-defined]

    pack = tmp_path / "esl-all.pdf"
    launcher.window.sheets.printer = SavesTo(pack)
    dialog.choose("esl", None)
    dialog.save_pdf_requested.emit(dialog.job())
    qtbot.waitUntil(lambda: pack.exists(), timeout=60_000)  # type: ignore[attr-defined]
    assert len(PdfReader(pack).pages) >= 12  # a handout per language


def test_handouts_are_unavailable_while_locked(qtbot: object, make_launcher: Callable[..., Launcher],
                                               db_path: Path) -> None:
    launcher = make_launcher(db_path)
    launcher.start()
    assert not launcher.window.handouts_action.isEnabled()
