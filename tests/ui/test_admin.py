"""Admin from the Settings page, offscreen: change of passphrase, backup,
restore and the integrity check, each with its progress and its result."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from schoolintake.errors import WrongPassphrase
from schoolintake.referral import ReferralFilter
from schoolintake.referrals import count_referrals
from schoolintake.store import Store
from schoolintake_ui import operations, settings_page
from schoolintake_ui.app import Launcher
from schoolintake_ui.qt import QApplication, QProgressDialog, QPushButton
from schoolintake_ui.settings_page import PassphraseDialog, SettingsPage

from ..conftest import PASSPHRASE
from ..test_reports import add, fill_month
from .conftest import MessageLog, wait_idle

NEW_PASSPHRASE = "purple elephant juggling seven teacups"
BACKUP_PASSPHRASE = "winter lantern over the harbour bridge"


class Answers:
    """Stands in for the person at the passphrase dialogs: answers by field label."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.current: dict[str, str] = {}
        self.new = ""
        self.asked: list[str] = []
        answers = self

        def exec_(dialog: PassphraseDialog) -> int:
            label = dialog.current.accessibleName()
            answers.asked.append(label or dialog.windowTitle())
            dialog.current.setText(answers.current.get(label, ""))
            if dialog.fields is not None:
                dialog.fields.first.setText(answers.new)
                dialog.fields.second.setText(answers.new)
            dialog._accept()  # the dialog's own check (strength, typed twice)
            return int(dialog.result() == PassphraseDialog.DialogCode.Accepted)

        monkeypatch.setattr(PassphraseDialog, "exec", exec_)


class FileChoice:
    def __init__(self, path: Path) -> None:
        self.path = path

    def getSaveFileName(self, *_args: object) -> tuple[str, str]:  # noqa: N802 (Qt's name)
        return str(self.path), ""

    def getOpenFileName(self, *_args: object) -> tuple[str, str]:  # noqa: N802
        return str(self.path), ""


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> Answers:
    return Answers(monkeypatch)


@pytest.fixture
def slow_and_visible(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Progress shows at once, and records what it said while it was up."""
    monkeypatch.setattr(operations, "PROGRESS_DELAY_MS", 0)
    seen: list[str] = []
    show = operations.DelayedProgress._show

    def recording_show(self: operations.DelayedProgress) -> None:
        show(self)
        assert self._dialog is not None and self._dialog.isVisible()
        seen.append(self._dialog.labelText())

    monkeypatch.setattr(operations.DelayedProgress, "_show", recording_show)
    yield seen


def _slowed(fn: Callable[..., Any], seconds: float = 0.4) -> Callable[..., Any]:
    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(seconds)  # on the worker: the GUI thread keeps painting the progress
        return fn(*args, **kwargs)

    return slow


def _settings(qtbot: Any, launcher: Launcher, passphrase: str = PASSPHRASE) -> SettingsPage:
    panel = launcher.window.unlock_panel
    assert panel is not None
    panel.passphrase.setText(passphrase)
    panel.submit()
    qtbot.waitUntil(lambda: launcher.window.workspace is not None, timeout=20_000)
    launcher.window.show_page("settings")
    wait_idle(qtbot, launcher.session)
    assert launcher.window.workspace is not None
    return launcher.window.workspace.settings


def _click(page: SettingsPage, text: str) -> None:
    [button] = [b for b in page.findChildren(QPushButton) if b.text() == text]
    button.click()


def _count(qtbot: Any, launcher: Launcher) -> int:
    out: list[int] = []
    launcher.session.worker.call(lambda store: count_referrals(store, ReferralFilter()), out.append)
    qtbot.waitUntil(lambda: bool(out), timeout=10_000)
    return out[0]


def _no_progress_left() -> bool:
    return not any(isinstance(w, QProgressDialog) and w.isVisible() for w in QApplication.topLevelWidgets())


def test_change_passphrase(qtbot: Any, make_launcher: Callable[..., Launcher], db_path: Path, answers: Answers,
                           message_log: MessageLog, slow_and_visible: list[str],
                           monkeypatch: pytest.MonkeyPatch) -> None:
    launcher = make_launcher(db_path)
    launcher.start()
    page = _settings(qtbot, launcher)

    answers.current = {"Current passphrase": "not the passphrase"}
    answers.new = NEW_PASSPHRASE
    _click(page, "Change passphrase…")
    wait_idle(qtbot, launcher.session)
    assert message_log.errors and "passphrase" in message_log.errors[-1].lower()
    assert page.result.text() == message_log.errors[-1]
    assert message_log.infos == []

    answers.new = "short"  # too weak: the dialog says so and nothing happens
    answers.current = {"Current passphrase": PASSPHRASE}
    _click(page, "Change passphrase…")
    assert message_log.errors[-1] == "Choose a stronger passphrase and type it the same way twice."
    assert launcher.session.worker.pending == 0

    monkeypatch.setattr(Store, "change_passphrase", _slowed(Store.change_passphrase))
    answers.new = NEW_PASSPHRASE
    _click(page, "Change passphrase…")
    wait_idle(qtbot, launcher.session, timeout=20_000)
    assert "Re-encrypting the database…" in slow_and_visible
    qtbot.waitUntil(_no_progress_left, timeout=5_000)
    assert message_log.infos == ["The passphrase was changed."]
    assert page.result.text() == "The passphrase was changed."

    launcher.window.lock()
    with pytest.raises(WrongPassphrase):
        Store.open(db_path, PASSPHRASE)
    _settings(qtbot, launcher, NEW_PASSPHRASE)
    assert launcher.window.workspace is not None


def test_backup_then_restore(qtbot: Any, make_launcher: Callable[..., Launcher], db_path: Path, tmp_path: Path,
                             answers: Answers, message_log: MessageLog, slow_and_visible: list[str],
                             monkeypatch: pytest.MonkeyPatch) -> None:
    with Store.open(db_path, PASSPHRASE) as store:
        fill_month(store, 2026, 9, 12)
    launcher = make_launcher(db_path)
    launcher.start()
    page = _settings(qtbot, launcher)
    backup = tmp_path / "usb" / "backup.db"
    backup.parent.mkdir()

    # Backup, under its own passphrase.
    monkeypatch.setattr(settings_page, "QFileDialog", FileChoice(backup))
    monkeypatch.setattr(Store, "backup", _slowed(Store.backup))
    answers.new = BACKUP_PASSPHRASE
    _click(page, "Backup…")
    wait_idle(qtbot, launcher.session, timeout=20_000)
    assert "Writing the encrypted backup…" in slow_and_visible
    assert message_log.infos == [f"Encrypted backup written to {backup}."]
    with Store.open(backup, BACKUP_PASSPHRASE) as copy:
        assert count_referrals(copy, ReferralFilter()) == 12
    with pytest.raises(WrongPassphrase):
        Store.open(backup, PASSPHRASE)

    # A referral made after the backup...
    launcher.session.worker.call(lambda store: add(store, date(2026, 11, 20), "bn", ("esl",)))
    assert _count(qtbot, launcher) == 13

    # ...stays when a passphrase given to the restore is wrong: a clear message, still unlocked.
    answers.current = {"Backup's passphrase": "wrong backup passphrase", "This database's passphrase": PASSPHRASE}
    _click(page, "Restore…")
    wait_idle(qtbot, launcher.session, timeout=20_000)
    assert message_log.questions[-1] == "Replace everything in this database with the backup's content?"
    assert answers.asked[-2:] == ["Backup's passphrase", "This database's passphrase"]
    assert message_log.errors and page.result.text() == message_log.errors[-1]
    assert launcher.window.workspace is not None and _count(qtbot, launcher) == 13
    answers.current = {"Backup's passphrase": BACKUP_PASSPHRASE, "This database's passphrase": "not it"}
    errors = len(message_log.errors)
    _click(page, "Restore…")
    wait_idle(qtbot, launcher.session, timeout=20_000)
    assert len(message_log.errors) == errors + 1
    assert launcher.window.workspace is not None and _count(qtbot, launcher) == 13

    # The user says no: nothing is asked or done.
    message_log.answer = False
    asked = len(answers.asked)
    _click(page, "Restore…")
    assert len(answers.asked) == asked and launcher.session.worker.pending == 0
    message_log.answer = True

    # Both right: the backup's content, under this database's passphrase.
    monkeypatch.setattr(settings_page, "restore", _slowed(settings_page.restore))
    answers.current = {"Backup's passphrase": BACKUP_PASSPHRASE, "This database's passphrase": PASSPHRASE}
    _click(page, "Restore…")
    wait_idle(qtbot, launcher.session, timeout=20_000)
    assert "Restoring the backup…" in slow_and_visible
    qtbot.waitUntil(_no_progress_left, timeout=5_000)
    assert message_log.infos[-1] == f"{launcher.session.db_path} was restored from {backup}."
    assert page.result.text() == message_log.infos[-1]
    assert launcher.window.workspace is not None and _count(qtbot, launcher) == 12
    launcher.window.lock()
    _settings(qtbot, launcher, PASSPHRASE)  # still this database's passphrase
    assert _count(qtbot, launcher) == 12


def test_integrity_check(qtbot: Any, make_launcher: Callable[..., Launcher], db_path: Path,
                         message_log: MessageLog, slow_and_visible: list[str],
                         monkeypatch: pytest.MonkeyPatch) -> None:
    launcher = make_launcher(db_path)
    launcher.start()
    page = _settings(qtbot, launcher)
    monkeypatch.setattr(Store, "integrity_problems", _slowed(Store.integrity_problems))
    _click(page, "Check integrity")
    wait_idle(qtbot, launcher.session)
    assert "Checking the database…" in slow_and_visible
    assert message_log.infos == ["The database is intact."] and message_log.errors == []
    assert page.result.text() == "The database is intact."

    monkeypatch.setattr(Store, "integrity_problems", lambda _store: ["sqlite: page 7 is never used"])
    _click(page, "Check integrity")
    wait_idle(qtbot, launcher.session)
    assert message_log.errors == ["The database has problems; restore it from a backup.\n"
                                  "sqlite: page 7 is never used"]
    assert page.result.text() == message_log.errors[0]
