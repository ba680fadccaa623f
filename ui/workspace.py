"""The unlocked application: a navigation list and one page at a time.

The whole workspace is thrown away when the app locks (so nothing personal
stays in a widget) and built anew on unlock or a change of UI language.
"""

from __future__ import annotations

from schoolintake.i18n import _

from .qt import QHBoxLayout, QListWidget, QListWidgetItem, QStackedWidget, Qt, QWidget, Signal
from .session import Session
from .widgets import labelled

PAGE_KEYS = ("home", "new", "referrals", "directory", "reports", "settings")


def page_titles() -> dict[str, str]:
    return {"home": _("Home"), "new": _("New referral"), "referrals": _("Referrals"),
            "directory": _("Directory"), "reports": _("Reports"), "settings": _("Settings")}


class Workspace(QWidget):
    page_changed = Signal(str)

    def __init__(self, session: Session) -> None:
        super().__init__()
        # Imported here, not at the top: the unlock screen appears without them.
        from .directory_page import DirectoryPage
        from .home import HomePage
        from .referral_form import ReferralForm
        from .referral_list import ReferralListPage
        from .reports_page import ReportsPage
        from .settings_page import SettingsPage

        self.session = session
        layout = QHBoxLayout(self)
        self.nav = QListWidget()
        labelled(self.nav, _("Sections"))
        self.stack = QStackedWidget()
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.home = HomePage(session)
        self.form = ReferralForm(session)
        self.referrals = ReferralListPage(session)
        self.directory = DirectoryPage(session)
        self.reports = ReportsPage(session)
        self.settings = SettingsPage(session)
        self.pages = {"home": self.home, "new": self.form, "referrals": self.referrals,
                      "directory": self.directory, "reports": self.reports, "settings": self.settings}
        titles = page_titles()
        for key in PAGE_KEYS:
            item = QListWidgetItem(titles[key])
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.nav.addItem(item)
            self.stack.addWidget(self.pages[key])
        # As wide as the longest title (CJK's average character is twice Latin's).
        metrics = self.nav.fontMetrics()
        widest = max(metrics.horizontalAdvance(title) for title in titles.values())
        self.nav.setFixedWidth(max(widest, metrics.averageCharWidth() * 12) + metrics.height() * 2)
        self.nav.currentRowChanged.connect(self._row_changed)
        self.focus_current_page = lambda: self._row_changed(self.nav.currentRow())
        self.home.new_referral.connect(lambda: self.show_page("new"))
        self.nav.setCurrentRow(0)

    def _row_changed(self, row: int) -> None:
        if row < 0:
            return
        self.stack.setCurrentIndex(row)
        key = PAGE_KEYS[row]
        page = self.pages[key]
        if hasattr(page, "activate"):
            page.activate()
        if key == "new":
            self.form.language.setFocus()
        elif key == "home":
            self.home.new_button.setFocus()
        elif key == "referrals":
            self.referrals.search.setFocus()
        self.page_changed.emit(key)

    def show_page(self, key: str) -> None:
        self.nav.setCurrentRow(PAGE_KEYS.index(key))

    def current_key(self) -> str:
        return PAGE_KEYS[max(0, self.stack.currentIndex())]
