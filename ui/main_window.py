"""The main window: menus, the lock, and which view is in the middle.

Locked, the window shows only the unlock panel; unlocked, a fresh
:class:`Workspace`. Locking throws the workspace and every open dialog away
(so personal data is cleared from widgets, not covered), closes the store,
clears the clipboard if it holds text copied from the app, and keeps only
the unsaved form's draft and the current page in memory to put them back.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from schoolintake.i18n import _

from . import messages, warmup
from .app_settings import AppSettings
from .idle import IdleWatcher
from .language import apply_ui_language
from .operations import SETTINGS
from .qt import QAction, QApplication, QDialog, QKeySequence, QMainWindow, QMenu, QWidget
from .session import Session
from .unlock_panel import UnlockPanel
from .widgets import FOCUS_STYLE
from .workspace import PAGE_KEYS, Workspace, page_titles  # light: pages import lazily

if TYPE_CHECKING:
    from schoolintake.referral_form import ReferralDraft

    from .sheet_actions import SheetActions


class MainWindow(QMainWindow):
    def __init__(self, session: Session, settings: AppSettings, sheets: SheetActions | None = None) -> None:
        super().__init__()
        self.session = session
        self.settings = settings
        self._sheets = sheets
        self.workspace: Workspace | None = None
        self.unlock_panel: UnlockPanel | None = None
        self.dialogs: list[QDialog] = []
        self._saved_page = "home"
        self._saved_draft: ReferralDraft | None = None
        self._copied_digest: bytes | None = None
        self.setStyleSheet(FOCUS_STYLE)
        self.idle = IdleWatcher(session.idle_lock_minutes)
        self.idle.idle.connect(self.lock)
        clipboard = QApplication.clipboard()
        clipboard.dataChanged.connect(self._clipboard_changed)
        session.ops.changed.connect(self._changed)
        self._build_menus()
        geometry = settings.geometry
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1100, 760)

    @property
    def sheets(self) -> SheetActions:
        """Printing support, loaded on first use (not before the unlock screen)."""
        if self._sheets is None:
            from .sheet_actions import SheetActions

            self._sheets = SheetActions(self.session)
        return self._sheets

    # -- menus ----------------------------------------------------------

    def _action(self, text: str, shortcut: QKeySequence | str | None, slot: object) -> QAction:
        action = QAction(text, self)
        if shortcut:
            # setShortcuts, not setShortcut: the latter's overloads make PySide build the
            # whole Qt namespace (~25 ms) before the unlock screen. Context: this window.
            action.setShortcuts([QKeySequence(shortcut)])
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        # Rebuilt on a change of language: the old menus and actions are
        # deleted, not just taken off the bar (QMenuBar.clear() keeps them).
        for menu in self.menuBar().findChildren(QMenu):
            menu.deleteLater()
        self.menuBar().clear()
        for action in self.actions():
            self.removeAction(action)
            action.deleteLater()
        self.setWindowTitle(_("School Intake") + (" — " + _("demo") if self.session.demo else ""))
        file = self.menuBar().addMenu(_("&File"))
        self.new_action = self._action(_("&New referral"), QKeySequence.StandardKey.New, self.new_referral)
        self.save_action = self._action(_("&Save referral"), QKeySequence.StandardKey.Save,
                                        lambda: self.save_form(print_after=False))
        self.print_action = self._action(_("Save and &print"), QKeySequence.StandardKey.Print,
                                         lambda: self.save_form(print_after=True))
        self.lock_action = self._action(_("&Lock"), "Ctrl+L", self.lock)
        self.quit_action = self._action(_("&Quit"), QKeySequence.StandardKey.Quit, self.close)
        self.handouts_action = self._action(_("Blank &handouts…"), None, self.open_handouts)
        for action in (self.new_action, self.save_action, self.print_action, self.handouts_action):
            file.addAction(action)
        file.addSeparator()
        file.addAction(self.lock_action)
        file.addAction(self.quit_action)
        go = self.menuBar().addMenu(_("&Go"))
        self.page_actions: list[QAction] = []
        for number, (key, title) in enumerate(page_titles().items(), start=1):
            action = self._action(title, f"Ctrl+{number}", lambda _c=False, k=key: self.show_page(k))
            go.addAction(action)
            self.page_actions.append(action)
        help_menu = self.menuBar().addMenu(_("&Help"))
        help_menu.addAction(self._action(_("&Privacy"), None, self._privacy))
        self._update_actions()

    def _update_actions(self) -> None:
        unlocked = self.workspace is not None
        for action in (self.new_action, self.save_action, self.print_action, self.handouts_action, self.lock_action,
                       *self.page_actions):
            action.setEnabled(unlocked)

    def _privacy(self) -> None:
        messages.show_info(self, _(
            "School Intake keeps everything in an encrypted database on this computer. It never asks about "
            "immigration status, citizenship or country of birth. Only counts, never a person, leave the computer."))

    # -- locked / unlocked --------------------------------------------------

    def show_locked(self) -> None:
        self.idle.stop()
        panel = UnlockPanel(self.session)
        panel.unlocked.connect(self.show_unlocked)
        self.unlock_panel = panel
        self._replace_central(panel)
        self._update_actions()
        panel.focus()
        warmup.start(self.session.worker)

    def show_opening(self) -> None:
        """While a new or demo database is being created: no unlock needed."""
        from .widgets import note

        self._replace_central(note(_("Preparing the database…")))

    def show_unlocked(self) -> None:
        self.unlock_panel = None
        workspace = Workspace(self.session)
        workspace.open_referral.connect(self.open_referral)
        workspace.print_requested.connect(lambda rid: self.sheets.print(rid, self))
        workspace.saved.connect(
            lambda rid: self.statusBar().showMessage(_("Referral {id} saved.").format(id=rid), 8000))
        workspace.language_changed.connect(self.change_ui_language)
        workspace.lock_requested.connect(self.lock)
        self.workspace = workspace
        self._replace_central(workspace)
        if self._saved_draft is not None:
            workspace.form.set_draft(self._saved_draft)
            self._saved_draft = None
        workspace.show_page(self._saved_page)
        workspace.focus_current_page()  # even if the page did not change
        self._update_actions()
        self.idle.set_timeout_ms(self.session.idle_lock_minutes * 60_000)
        self.idle.start()

    def _replace_central(self, widget: QWidget) -> None:
        old = self.takeCentralWidget()
        self.setCentralWidget(widget)
        if old is not None:
            old.hide()
            old.deleteLater()

    def _remember_state(self) -> None:
        if self.workspace is None:
            return
        self._saved_page = self.workspace.current_key()
        if not self.workspace.built("new"):
            self._saved_draft = None
            return
        form = self.workspace.form
        self._saved_draft = None if form.is_blank() else form.snapshot()

    def lock(self) -> None:
        """Clear every window that shows personal data and close the store."""
        if self.workspace is None and self.unlock_panel is not None:
            return
        self._remember_state()
        self._close_dialogs()
        self._clear_clipboard()
        self._clear_text_caches()
        self.workspace = None
        self.statusBar().clearMessage()
        self.session.lock()
        self.show_locked()

    @staticmethod
    def _clear_text_caches() -> None:
        # Sheet layout caches hold shaped text, names included. Only if a sheet
        # was drawn in this run (importing the module just to clear it is waste).
        textlayout = sys.modules.get("schoolintake.textlayout")
        if textlayout is not None:
            textlayout.clear_caches()

    def _close_dialogs(self) -> None:
        for dialog in self.dialogs:
            dialog.reject()
            dialog.deleteLater()
        self.dialogs.clear()
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible():
                widget.reject()

    # -- clipboard ------------------------------------------------------------

    @staticmethod
    def _digest(text: str) -> bytes:
        import hashlib

        return hashlib.sha256(text.encode("utf-8")).digest()

    def _clipboard_changed(self) -> None:
        clipboard = QApplication.clipboard()
        if clipboard.ownsClipboard() or QApplication.activeWindow() is not None:
            self._copied_digest = self._digest(clipboard.text())

    def _clear_clipboard(self) -> None:
        clipboard = QApplication.clipboard()
        text = clipboard.text()
        if clipboard.ownsClipboard() or (text and self._copied_digest == self._digest(text)):
            clipboard.clear()
        self._copied_digest = None

    # -- actions ----------------------------------------------------------

    def show_page(self, key: str) -> None:
        if self.workspace is not None and key in PAGE_KEYS:
            self.workspace.show_page(key)

    def new_referral(self) -> None:
        self.show_page("new")

    def save_form(self, *, print_after: bool) -> None:
        if self.workspace is None:
            return
        if self.workspace.current_key() != "new":
            self.show_page("new")
            return
        self.workspace.form.save(print_after=print_after)

    def open_referral(self, referral_id: int) -> None:
        from .referral_detail import ReferralDialog

        self._show_sheet_dialog(ReferralDialog(self.session, referral_id, self))

    def open_handouts(self) -> None:
        from .handouts import HandoutDialog

        self._show_sheet_dialog(HandoutDialog(self))

    def _show_sheet_dialog(self, dialog: QDialog) -> None:
        """Show a dialog whose print/preview/save signals carry a sheet job
        (or a referral id); it is destroyed on close and by the lock."""
        from .qt import Qt

        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.print_requested.connect(lambda job: self.sheets.print(job, dialog))  # type: ignore[attr-defined]
        dialog.preview_requested.connect(lambda job: self.sheets.preview(job, dialog))  # type: ignore[attr-defined]
        dialog.save_pdf_requested.connect(lambda job: self.sheets.save_as(job, dialog))  # type: ignore[attr-defined]
        dialog.finished.connect(lambda _r, d=dialog: self.dialogs.remove(d) if d in self.dialogs else None)
        self.dialogs.append(dialog)
        dialog.show()

    def change_ui_language(self, code: str) -> None:
        """Switch language; the workspace is rebuilt, the unsaved form kept."""
        self.settings.ui_language = code
        self._remember_state()
        apply_ui_language(code)
        self._build_menus()
        if self.workspace is not None:
            self.workspace = None
            self.show_unlocked()
        elif self.unlock_panel is not None:
            self.show_locked()

    def _changed(self, changes: frozenset[str]) -> None:
        if SETTINGS in changes and self.workspace is not None:
            self.idle.set_timeout_ms(self.session.idle_lock_minutes * 60_000)
            self.idle.start()

    def closeEvent(self, event: object) -> None:  # type: ignore[override]
        if self.workspace is not None and self.workspace.built("new") and not self.workspace.form.is_blank():
            if not messages.confirm(self, _("The new referral has not been saved. Quit anyway?")):
                event.ignore()  # type: ignore[attr-defined]
                return
        self.settings.geometry = self.saveGeometry()
        self.idle.dispose()
        self._close_dialogs()
        self.workspace = None
        self.session.lock()
        super().closeEvent(event)  # type: ignore[arg-type]
