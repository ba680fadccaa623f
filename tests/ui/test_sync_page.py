"""The Send reports page: the exact bytes before they leave, saving them to a
file, sending them to a (real, local, HTTPS) collector, and the history."""

from __future__ import annotations

import base64
import json
from datetime import date
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from schoolintake import files
from schoolintake.reports import PreparedReport, prepare_report
from schoolintake.store import Store
from schoolintake_ui import sync_page
from schoolintake_ui.app import Launcher
from schoolintake_ui.qt import QComboBox, QLabel, QLineEdit, QPlainTextEdit, Qt, QTableWidget, QWidget
from schoolintake_ui.report_tables import cell_text
from schoolintake_ui.sync_page import SyncPage

from ..collector import Collector, running_collector
from ..conftest import PASSPHRASE, TODAY
from ..test_reports import CANARY_NAME, CANARY_NOTES, CANARY_PHONE, add, fill_month
from .conftest import wait_idle


class FileChoice:
    """Stands in for the file dialogs: answers with a path the test chose."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.asked: list[str] = []

    def getSaveFileName(self, _parent: object, title: str, name: str, _filter: str) -> tuple[str, str]:  # noqa: N802
        self.asked.append(name)
        return str(self.path), ""

    def getOpenFileName(self, _parent: object, title: str, _dir: str, _filter: str) -> tuple[str, str]:  # noqa: N802
        return str(self.path), ""


@pytest.fixture
def filled_db(db_path: Path, fast_kdf: None) -> Path:
    with Store.open(db_path, PASSPHRASE) as store:
        fill_month(store, 2026, 9, 30)
        fill_month(store, 2026, 10, 25, seed=2)
    return db_path


def _sync_page(qtbot: Any, launcher: Launcher) -> SyncPage:
    launcher.start()
    panel = launcher.window.unlock_panel
    assert panel is not None
    panel.passphrase.setText(PASSPHRASE)
    panel.submit()
    qtbot.waitUntil(lambda: launcher.window.workspace is not None, timeout=20_000)
    launcher.window.show_page("sync")
    wait_idle(qtbot, launcher.session)
    workspace = launcher.window.workspace
    assert workspace is not None
    return workspace.sync


def _on_worker(qtbot: Any, launcher: Launcher, fn: Callable[[Store], Any]) -> Any:
    out: list[Any] = []
    launcher.session.worker.call(fn, out.append)
    qtbot.waitUntil(lambda: bool(out), timeout=10_000)
    return out[0]


def _history(page: SyncPage) -> list[list[str]]:
    table = page.history_table
    return [[table.item(row, col).text() for col in range(table.columnCount())] for row in range(table.rowCount())]


def test_preview_shows_the_exact_bytes_and_saves_them_atomically(
        qtbot: Any, make_launcher: Callable[..., Launcher], filled_db: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    launcher = make_launcher(filled_db)
    page = _sync_page(qtbot, launcher)
    assert [page.period.itemText(i) for i in range(page.period.count())] == ["2026-10", "2026-09"]
    assert page.queue_label.text() == "2 reports waiting to be sent: 2026-09, 2026-10"
    page.period.setCurrentIndex(1)
    page.period.activated.emit(1)
    wait_idle(qtbot, launcher.session)
    report: PreparedReport = _on_worker(qtbot, launcher, lambda s: prepare_report(s, "2026-09", today=TODAY))
    assert page.report is not None and page.report.period == "2026-09"
    assert page.shown_payload() == report.envelope
    assert f"{len(report.envelope)} bytes" in page.bytes_label.text()
    assert page.state_label.text() == "2026-09 (revision 1): Not sent yet."
    # The tables are read from the same document: every published cell, "·" where withheld.
    lines = report.document["lines"]
    expected = [[cell_text(v) for v in row + [end]]
                for row, end in zip(lines["by_service_language"], lines["service_totals"])]
    expected.append([cell_text(v) for v in lines["language_totals"] + [lines["total"]]])
    assert page.tables.by_language.texts() == expected
    assert page.tables.by_outcome.texts()[-1][-1] == cell_text(lines["total"])
    assert page.tables.sessions.texts() == [[cell_text(v) for v in report.document["sessions"]["by_language"]
                                             + [report.document["sessions"]["total"]]]]
    assert any("·" in row for row in expected)  # this month has withheld cells, and they show as such
    assert report.document["period"] in page.tables.caption.text()
    fingerprint = page.fingerprint.text()
    assert fingerprint.startswith("sha256:") and page.public_key.text().startswith("ed25519 ")

    # Save this month: the file holds exactly the bytes shown.
    target = tmp_path / "usb" / "september.json"
    target.parent.mkdir()
    choice = FileChoice(target)
    monkeypatch.setattr(sync_page, "QFileDialog", choice)
    page.save_month_button.click()
    wait_idle(qtbot, launcher.session)
    assert choice.asked == ["schoolintake-report-15K058-2026-09.json"]
    assert target.read_bytes() == page.shown_payload() == report.envelope
    assert sorted(p.name for p in target.parent.iterdir()) == ["september.json"]  # no temporary left
    assert f"Saved to {target}." == page.result.text()
    history = _history(page)
    assert history[0][1:5] == ["2026-09", "1", "file:september.json", "saved to a file"]
    assert "Saved to a file" in page.state_label.text()

    # A write that fails half-way leaves the earlier file whole, and says so.
    target.write_bytes(b"the earlier file")

    def broken_fsync(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", broken_fsync)
    page.save_month_button.click()
    wait_idle(qtbot, launcher.session)
    assert target.read_bytes() == b"the earlier file"
    assert sorted(p.name for p in target.parent.iterdir()) == ["september.json"]
    assert "Cannot write" in page.result.text() and "No space left" in page.result.text()
    monkeypatch.undo()

    # Save all: one bundle with every report the collector lacks.
    monkeypatch.setattr(sync_page, "QFileDialog", FileChoice(tmp_path / "usb" / "all.json"))
    page.save_all_button.click()
    wait_idle(qtbot, launcher.session)
    assert page.result.text() == f"2 reports saved to {tmp_path / 'usb' / 'all.json'}."
    bundle = json.loads((tmp_path / "usb" / "all.json").read_bytes())
    assert json.loads(report.envelope) in bundle["reports"] and len(bundle["reports"]) == 2


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Collector]:
    with running_collector(tmp_path) as running:
        yield running


def test_send_reaches_the_collector_and_the_history_shows_it(
        qtbot: Any, make_launcher: Callable[..., Launcher], filled_db: Path, hub: Collector) -> None:
    launcher = make_launcher(filled_db)
    page = _sync_page(qtbot, launcher)
    page.send_button.click()  # nothing configured yet: a clear sentence, nothing sent
    wait_idle(qtbot, launcher.session)
    assert "No collector is configured" in page.result.text()
    assert hub.requests == []

    hub.keys["15K058"] = base64.b64decode(page.public_key.text().removeprefix("ed25519 "))
    page.tabs.setCurrentIndex(3)
    page.url.setText("http://127.0.0.1:1")  # plain HTTP is refused
    page.save_collector_button.click()
    wait_idle(qtbot, launcher.session)
    assert "https://" in page.result.text()
    page.url.setText(hub.url)
    page.ca_file.setText(str(hub.cert))
    page.save_collector_button.click()
    wait_idle(qtbot, launcher.session)
    assert page.result.text() == f"Reports will be sent to {hub.url}."

    page.send_button.click()
    wait_idle(qtbot, launcher.session, timeout=30_000)
    assert page.result.text() == "2 of 2 reports delivered."
    assert set(hub.stored) == {("15K058", "2026-09"), ("15K058", "2026-10")}
    assert page.queue_label.text() == "Nothing is waiting to be sent."
    history = _history(page)
    assert [(row[1], row[3], row[4]) for row in history] == [
        ("2026-10", hub.url, "delivered"), ("2026-09", hub.url, "delivered")]
    assert history[0][0].startswith("20") and history[0][0].endswith("Z")
    assert "Delivered " in page.state_label.text()
    # What the collector holds is what the page showed.
    shown = page.report
    assert shown is not None and hub.stored["15K058", shown.period][1] == shown.document

    page.send_button.click()  # again: nothing new to send
    wait_idle(qtbot, launcher.session, timeout=30_000)
    assert page.result.text() == "Nothing to send: the collector has every closed month."

    hub.fail_next.extend([503] * 3)  # a collector that is down is reported, and queued
    with Store.open(filled_db, PASSPHRASE) as store:  # a late entry: a correction for September
        add(store, date(2026, 9, 30), "es", ("legal",))
    page.reload()
    wait_idle(qtbot, launcher.session)
    page.send_button.click()
    wait_idle(qtbot, launcher.session, timeout=30_000)
    assert page.result.text().startswith("0 of 1 report delivered.")
    assert "2026-09 (revision 2): not reached; will try again — The collector answered 503" in page.result.text()
    assert "2026-09 (revision 2)" in page.queue_label.text()
    assert _history(page)[0][4] == "not reached; will try again"


def _texts(page: QWidget) -> str:
    found = []
    for widget in [page, *page.findChildren(QWidget)]:
        if isinstance(widget, (QLineEdit, QLabel)):
            found.append(widget.text())
        elif isinstance(widget, QPlainTextEdit):
            found.append(widget.toPlainText())
        elif isinstance(widget, QComboBox):
            found += [widget.itemText(i) for i in range(widget.count())]
        elif isinstance(widget, QTableWidget):
            found += [widget.item(r, c).text() for r in range(widget.rowCount())
                      for c in range(widget.columnCount()) if widget.item(r, c) is not None]
            found += [str(widget.model().headerData(i, orientation) or "") for orientation, n in (
                (Qt.Orientation.Horizontal, widget.columnCount()), (Qt.Orientation.Vertical, widget.rowCount()))
                for i in range(n)]
    return "\n".join(found)


def test_nothing_personal_on_the_page(qtbot: Any, make_launcher: Callable[..., Launcher], filled_db: Path,
                                      tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    launcher = make_launcher(filled_db)
    page = _sync_page(qtbot, launcher)
    monkeypatch.setattr(sync_page, "QFileDialog", FileChoice(tmp_path / "all.json"))
    page.save_all_button.click()
    wait_idle(qtbot, launcher.session)
    for index in range(page.period.count()):
        page.period.setCurrentIndex(index)
        page.period.activated.emit(index)
        wait_idle(qtbot, launcher.session)
        shown = _texts(page)
        assert page.report is not None and page.shown_payload() in shown.encode("ascii", "replace")
        for canary in (CANARY_NAME, CANARY_PHONE, "555-0173", CANARY_NOTES, "Quokka"):
            assert canary not in shown
    assert b"Quokka" not in (tmp_path / "all.json").read_bytes()
