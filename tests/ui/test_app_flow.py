"""The desktop application, end to end, offscreen."""

from __future__ import annotations

import io
import sys
import types
from collections.abc import Callable
from pathlib import Path

import pytest
import shiboken6
from pypdf import PdfReader

from schoolintake import unlock
from schoolintake.referral import Status
from schoolintake.referrals import count_referrals, get_referral
from schoolintake.store import Store
from schoolintake_ui.app import Launcher
from schoolintake_ui.printing import SHEET_UNAVAILABLE, SheetPrinter, sheet_available
from schoolintake_ui.qt import (
    QApplication, QLabel, QLineEdit, QPlainTextEdit, QPrinter, Qt, QWidget, QWizard,
)
from schoolintake_ui.workspace import Workspace

from ..conftest import PASSPHRASE, all_files
from .conftest import MessageLog, wait_idle

CANARY_NAME = "Qzanary"
CANARY_PHONE = "(718) 555-0177"
CANARY_NOTES = "Canary-note-Xyzzy prefers evenings"


class PdfFilePrinter(SheetPrinter):
    """The print dialog answered with "print to a PDF file" (a path the user chose)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.dialogs = 0

    def choose_printer(self, parent: QWidget | None) -> object:
        self.dialogs += 1
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(self.path))
        return printer


def _fake_sheet_module(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stands in for the sheet issue's renderer: a real two-page PDF from ReportLab."""
    from reportlab.pdfgen import canvas

    def render_referral_sheet(store: Store, referral_id: int, *, language: str | None = None,
                              english: bool = True) -> bytes:
        get_referral(store, referral_id)  # reads the store, on the worker thread
        buffer = io.BytesIO()
        pdf = canvas.Canvas(buffer)
        for page in (1, 2):
            pdf.drawString(72, 720, f"Referral {referral_id} page {page} ({language})")
            pdf.showPage()
        pdf.save()
        return buffer.getvalue()

    module = types.ModuleType("schoolintake.sheet")
    module.render_referral_sheet = render_referral_sheet  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "schoolintake.sheet", module)


def _unlocked(qtbot: object, launcher: Launcher) -> Workspace:
    qtbot.waitUntil(lambda: launcher.window.workspace is not None, timeout=20_000)  # type: ignore[attr-defined]
    wait_idle(qtbot, launcher.session)
    workspace = launcher.window.workspace
    assert workspace is not None
    return workspace


def _unlock(qtbot: object, launcher: Launcher, passphrase: str = PASSPHRASE) -> Workspace:
    panel = launcher.window.unlock_panel
    assert panel is not None
    panel.passphrase.setText(passphrase)
    panel.submit()
    return _unlocked(qtbot, launcher)


def _fill_form(workspace: Workspace, *, language: str = "es", services: tuple[str, ...] = ("esl", "health"),
               name: str = "", phone: str = "", notes: str = "") -> None:
    form = workspace.form
    form.language.choose(language)
    for code in services:
        form.service_boxes[code].setChecked(True)
    form.name.setText(name)
    if phone:
        form.phone.setText(phone)
        form.consent.setChecked(True)
    form.notes.setPlainText(notes)


def _texts_on_screen() -> str:
    found = []
    for top in QApplication.topLevelWidgets():
        for widget in [top, *top.findChildren(QWidget)]:
            if isinstance(widget, (QLineEdit, QLabel)):
                found.append(widget.text())
            elif isinstance(widget, QPlainTextEdit):
                found.append(widget.toPlainText())
    return "\n".join(found)


def test_first_run_to_follow_up_then_idle_lock_keeps_the_unsaved_form(
        qtbot: object, make_launcher: Callable[..., Launcher], tmp_path: Path, message_log: MessageLog) -> None:
    db = tmp_path / "data" / "new.db"
    launcher = make_launcher(db)
    launcher.start()
    wizard = launcher.wizard
    assert wizard is not None
    wizard.passphrase_page.fields.first.setText("weak")
    wizard.passphrase_page.fields.second.setText("weak")
    assert "Weak" in wizard.passphrase_page.fields.verdict.text() or "Very weak" in \
        wizard.passphrase_page.fields.verdict.text()
    wizard.next()
    assert wizard.currentPage() is wizard.passphrase_page  # refused
    assert "too weak" in wizard.passphrase_page.error.text()
    wizard.passphrase_page.fields.first.setText(PASSPHRASE)
    wizard.passphrase_page.fields.second.setText(PASSPHRASE)
    wizard.next()
    assert wizard.currentPage() is wizard.site_page
    wizard.site_page.school.setText("P.S. 58")
    wizard.site_page.code.setText("15K058")
    wizard.next()
    wizard.next()
    assert wizard.currentPage() is wizard.directory_page
    wizard.button(QWizard.WizardButton.FinishButton).click()
    workspace = _unlocked(qtbot, launcher)
    assert db.exists()
    assert "P.S. 58" in workspace.home.site_label.text()

    # New referral, saved and printed (to a PDF file the user chose).
    _fill_form(workspace, name="Ana")
    launcher.window.show_page("new")
    pdf_out = tmp_path / "printed.pdf"
    launcher.window.sheets.printer = PdfFilePrinter(pdf_out)
    launcher.window.save_form(print_after=True)
    wait_idle(qtbot, launcher.session)
    qtbot.waitUntil(lambda: launcher.window.sheets.last_result != "", timeout=10_000)  # type: ignore[attr-defined]
    if sheet_available():
        assert pdf_out.exists() and len(PdfReader(pdf_out).pages) >= 1
    else:
        assert SHEET_UNAVAILABLE in message_log.infos
        assert not pdf_out.exists()
    assert workspace.form.is_blank()  # cleared after saving
    assert workspace.home.today.rowCount() == 1

    # Follow-up: the outcome records who and when.
    launcher.window.open_referral(1)
    dialog = launcher.window.dialogs[-1]
    wait_idle(qtbot, launcher.session)
    dialog.initials.setText("KB")
    launcher.session.recorded_by = "KB"
    dialog.record("esl", Status.CONTACTED, None)
    wait_idle(qtbot, launcher.session)
    assert dialog.view is not None
    line = next(line for line in dialog.view.referral.lines if line.service == "esl")
    assert line.status is Status.CONTACTED and line.history[-1].recorded_by == "KB"

    # An unsaved form, then the idle lock.
    _fill_form(workspace, language="bn", services=("legal",), name=CANARY_NAME, notes=CANARY_NOTES)
    launcher.window.show_page("new")
    QApplication.clipboard().setText(CANARY_NAME)
    launcher.window.idle.set_timeout_ms(50)
    launcher.window.idle.start()
    qtbot.waitUntil(lambda: launcher.window.workspace is None, timeout=5_000)  # type: ignore[attr-defined]
    wait_idle(qtbot, launcher.session)
    assert not launcher.session.worker.has_store
    assert launcher.window.dialogs == [] and (not shiboken6.isValid(dialog) or not dialog.isVisible())
    qtbot.waitUntil(lambda: CANARY_NAME not in _texts_on_screen())  # type: ignore[attr-defined]
    assert CANARY_NOTES not in _texts_on_screen()
    assert QApplication.clipboard().text() != CANARY_NAME

    workspace = _unlock(qtbot, launcher)
    assert workspace.current_key() == "new"
    assert workspace.form.name.text() == CANARY_NAME
    assert workspace.form.notes.toPlainText() == CANARY_NOTES
    assert workspace.form.language.current == "bn"
    assert workspace.form.service_boxes["legal"].isChecked()


def test_wrong_passphrase_says_so_and_waits(qtbot: object, make_launcher: Callable[..., Launcher], db_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(unlock, "FIRST_DELAY_S", 0.5)
    launcher = make_launcher(db_path)
    launcher.start()
    panel = launcher.window.unlock_panel
    assert panel is not None and launcher.window.workspace is None
    panel.passphrase.setText("not the passphrase")
    panel.submit()
    qtbot.waitUntil(lambda: "Wrong passphrase" in panel.message.text(), timeout=10_000)  # type: ignore[attr-defined]
    assert not panel.passphrase.isEnabled() and not panel.button.isEnabled()
    assert panel.passphrase.text() == ""
    panel.submit()  # ignored while waiting
    assert launcher.session.throttle.failures == 1
    qtbot.waitUntil(panel.passphrase.isEnabled, timeout=5_000)  # type: ignore[attr-defined]
    assert launcher.window.workspace is None
    _unlock(qtbot, launcher)
    assert launcher.session.throttle.failures == 0


def test_notes_with_immigration_status_are_not_saved(qtbot: object, make_launcher: Callable[..., Launcher],
                                                     db_path: Path, message_log: MessageLog) -> None:
    launcher = make_launcher(db_path)
    launcher.start()
    workspace = _unlock(qtbot, launcher)
    launcher.window.show_page("new")
    _fill_form(workspace, notes="Father is undocumented, wants ESL")
    launcher.window.save_form(print_after=False)
    wait_idle(qtbot, launcher.session)
    assert message_log.errors and "immigration status" in message_log.errors[-1]
    assert "undocumented" in message_log.errors[-1]
    assert workspace.form.notes.toPlainText().startswith("Father")  # nothing lost
    launcher.session.worker.call(count_referrals, lambda n: message_log.infos.append(f"count={n}"))
    wait_idle(qtbot, launcher.session)
    assert "count=0" in message_log.infos
    # Removing it lets the referral through.
    workspace.form.notes.setPlainText("wants ESL")
    launcher.window.save_form(print_after=False)
    wait_idle(qtbot, launcher.session)
    assert workspace.form.is_blank()


def test_arabic_mirrors_the_layout_and_keeps_the_form(qtbot: object, make_launcher: Callable[..., Launcher],
                                                      db_path: Path) -> None:
    launcher = make_launcher(db_path)
    launcher.start()
    workspace = _unlock(qtbot, launcher)
    launcher.window.show_page("new")
    _fill_form(workspace, name="Mona")
    launcher.window.change_ui_language("ur")
    assert QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert launcher.settings.ui_language == "ur"
    workspace = _unlocked(qtbot, launcher)
    assert workspace.isRightToLeft()
    launcher.window.show()
    launcher.window.resize(1000, 700)
    qtbot.waitUntil(lambda: workspace.nav.isVisible())  # type: ignore[attr-defined]
    assert workspace.nav.geometry().x() > workspace.stack.geometry().x()  # the navigation moved right
    assert workspace.current_key() == "new" and workspace.form.name.text() == "Mona"
    launcher.window.change_ui_language("en")
    assert QApplication.layoutDirection() == Qt.LayoutDirection.LeftToRight


def test_sheet_prints_from_pdf_bytes_without_writing_a_file(
        qtbot: object, make_launcher: Callable[..., Launcher], db_path: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, isolated_home: Path) -> None:
    _fake_sheet_module(monkeypatch)
    launcher = make_launcher(db_path)
    launcher.start()
    workspace = _unlock(qtbot, launcher)
    _fill_form(workspace)
    launcher.window.show_page("new")
    out = tmp_path / "chosen" / "sheet.pdf"
    out.parent.mkdir()
    printer = PdfFilePrinter(out)
    launcher.window.sheets.printer = printer
    before = set(all_files(isolated_home))
    launcher.window.save_form(print_after=True)
    qtbot.waitUntil(lambda: "printer" in launcher.window.sheets.last_result, timeout=10_000)  # type: ignore[attr-defined]
    assert printer.dialogs == 1
    assert len(PdfReader(out).pages) == 2
    new_files = {p for p in set(all_files(isolated_home)) - before if not p.name.startswith("site.db")}
    assert new_files == set()  # no PDF or temp file anywhere but where the user chose


def test_list_filters_and_pages_a_large_database(qtbot: object, make_launcher: Callable[..., Launcher],
                                                 large_db: Path) -> None:
    from schoolintake.referral import ReferralFilter

    from .conftest import LARGE_REFERRALS

    launcher = make_launcher(large_db)
    launcher.start()
    workspace = _unlock(qtbot, launcher)
    launcher.window.show_page("referrals")
    page = workspace.referrals
    wait_idle(qtbot, launcher.session)
    model = page.model
    assert model.rowCount() == LARGE_REFERRALS
    assert model.loaded_rows() <= 10 * 200  # only what the view showed
    expected: dict[str, int] = {}

    def count(flt: ReferralFilter, key: str) -> None:
        launcher.session.worker.call(lambda store: count_referrals(store, flt),
                                     lambda n: expected.__setitem__(key, n))
        wait_idle(qtbot, launcher.session)

    page.service.setCurrentIndex(page.service.findData("legal"))
    page.language.setCurrentIndex(page.language.findData("es"))
    page.status.setCurrentIndex(page.status.findData("connected"))
    wait_idle(qtbot, launcher.session)
    count(ReferralFilter(status=Status.CONNECTED, service="legal", language="es"), "combo")
    assert 0 < model.rowCount() == expected["combo"] < LARGE_REFERRALS
    page.status.setCurrentIndex(0)
    page.service.setCurrentIndex(0)
    page.language.setCurrentIndex(0)
    qtbot.keyClicks(page.search, "Mar")  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: page.current_filter().text == "Mar")  # type: ignore[attr-defined]
    qtbot.wait(SEARCH_WAIT)  # type: ignore[attr-defined]
    wait_idle(qtbot, launcher.session)
    count(ReferralFilter(text="Mar"), "text")
    assert model.rowCount() == expected["text"] > 0
    first = model.summary(0)
    wait_idle(qtbot, launcher.session)
    first = model.summary(0)
    assert first is not None and first.first_name.startswith("Mar")
    # Oldest first, and a jump to the end fetches just that page.
    page.search.clear()
    qtbot.wait(SEARCH_WAIT)  # type: ignore[attr-defined]
    wait_idle(qtbot, launcher.session)
    model.sort(1, Qt.SortOrder.AscendingOrder)
    wait_idle(qtbot, launcher.session)
    page.table.scrollToBottom()
    model.summary(model.rowCount() - 1)
    model.summary(0)
    wait_idle(qtbot, launcher.session)
    oldest, newest = model.summary(0), model.summary(model.rowCount() - 1)
    assert oldest is not None and newest is not None and oldest.referred_on <= newest.referred_on
    assert model.loaded_rows() < LARGE_REFERRALS // 4


SEARCH_WAIT = 300


def test_nothing_personal_outside_the_database_after_a_session(
        qtbot: object, make_launcher: Callable[..., Launcher], db_path: Path, isolated_home: Path,
        tmp_path: Path) -> None:
    launcher = make_launcher(db_path)
    launcher.start()
    workspace = _unlock(qtbot, launcher)
    launcher.window.show_page("new")
    _fill_form(workspace, name=CANARY_NAME, phone=CANARY_PHONE, notes=CANARY_NOTES)
    launcher.window.save_form(print_after=False)
    wait_idle(qtbot, launcher.session)
    assert workspace.form.is_blank()
    launcher.window.show_page("referrals")
    wait_idle(qtbot, launcher.session)
    launcher.window.open_referral(1)
    wait_idle(qtbot, launcher.session)
    _fill_form(workspace, name=CANARY_NAME + "2", notes=CANARY_NOTES)  # unsaved, then locked
    launcher.window.lock()
    _unlock(qtbot, launcher)
    launcher.window.workspace.form.reset()  # type: ignore[union-attr]
    launcher.window.close()
    launcher.session.worker.shutdown()
    needles = [s.encode(enc) for s in (CANARY_NAME, CANARY_PHONE, "Canary-note-Xyzzy")
               for enc in ("utf-8", "utf-16-le")]
    scanned = 0
    for path in all_files(isolated_home, tmp_path):
        data = path.read_bytes()
        scanned += 1
        for needle in needles:
            assert needle not in data, f"{needle!r} found in {path}"
    assert scanned >= 2  # at least the database and the settings file
    assert (isolated_home / ".config" / "SchoolIntake" / "ui.ini").exists()


def test_unlocking_applies_the_retention_purge(qtbot: object, make_launcher: Callable[..., Launcher],
                                               db_path: Path) -> None:
    from datetime import timedelta

    from schoolintake.referral import NewReferral, ServiceChoice
    from schoolintake.referrals import add_referral

    from ..conftest import TODAY

    with Store.open(db_path, PASSPHRASE) as store:
        old = add_referral(store, NewReferral("es", (ServiceChoice("esl"),), TODAY - timedelta(days=400),
                                              first_name="Vieja", notes="old note"), today=TODAY)
        recent = add_referral(store, NewReferral("es", (ServiceChoice("esl"),), TODAY - timedelta(days=30),
                                                 first_name="Nueva"), today=TODAY)
    launcher = make_launcher(db_path)
    launcher.start()
    _unlock(qtbot, launcher)
    launcher.session.lock()
    wait_idle(qtbot, launcher.session)
    with Store.open(db_path, PASSPHRASE) as store:
        assert (get_referral(store, old).first_name, get_referral(store, old).notes) == ("", "")
        assert get_referral(store, old).purged
        assert get_referral(store, recent).first_name == "Nueva"
