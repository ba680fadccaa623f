"""The unlocked application: a navigation list and one page at a time.

The whole workspace is thrown away when the app locks (so nothing personal
stays in a widget) and built anew on unlock or a change of UI language.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from schoolintake.i18n import _

from .qt import QWidget, Signal
from .session import Session
from .widgets import labelled

if TYPE_CHECKING:
    from .directory_page import DirectoryPage
    from .home import HomePage
    from .referral_form import ReferralForm
    from .referral_list import ReferralListPage
    from .reports_page import ReportsPage
    from .settings_page import SettingsPage
    from .sync_page import SyncPage

PAGE_KEYS = ("home", "new", "referrals", "directory", "reports", "sync", "settings")


def page_titles() -> dict[str, str]:
    return {"home": _("Home"), "new": _("New referral"), "referrals": _("Referrals"),
            "directory": _("Directory"), "reports": _("Reports"), "sync": _("Send reports"),
            "settings": _("Settings")}


class Workspace(QWidget):
    """The pages are built when first shown (or first asked for), not at
    unlock: unlocking then pays for the home page only, and a page's widgets
    exist only once someone has used it. Pages' signals the window cares about
    are re-emitted here, so it can connect before they exist."""

    page_changed = Signal(str)
    open_referral = Signal(int)
    print_requested = Signal(int)
    saved = Signal(int)
    language_changed = Signal(str)
    lock_requested = Signal()

    def __init__(self, session: Session) -> None:
        super().__init__()
        from .qt import QHBoxLayout, QListWidget, QListWidgetItem, QStackedWidget, Qt

        self.session = session
        layout = QHBoxLayout(self)
        self.nav = QListWidget()
        labelled(self.nav, _("Sections"))
        self.stack = QStackedWidget()
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self._pages: dict[str, QWidget] = {}
        titles = page_titles()
        for key in PAGE_KEYS:
            item = QListWidgetItem(titles[key])
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.nav.addItem(item)
            self.stack.addWidget(QWidget())  # stands in until the page is built
        # As wide as the longest title (CJK's average character is twice Latin's).
        metrics = self.nav.fontMetrics()
        widest = max(metrics.horizontalAdvance(title) for title in titles.values())
        self.nav.setFixedWidth(max(widest, metrics.averageCharWidth() * 12) + metrics.height() * 2)
        self.nav.currentRowChanged.connect(self._row_changed)
        self.focus_current_page = lambda: self._row_changed(self.nav.currentRow())
        self.nav.setCurrentRow(0)

    # -- pages --------------------------------------------------------------

    def _build(self, key: str) -> QWidget:
        # Imported here, not at the top: the unlock screen appears without them.
        session = self.session
        if key == "home":
            from .home import HomePage

            home = HomePage(session)
            home.new_referral.connect(lambda: self.show_page("new"))
            home.open_referral.connect(self.open_referral)
            return home
        if key == "new":
            from .referral_form import ReferralForm

            form = ReferralForm(session)
            form.print_requested.connect(self.print_requested)
            form.saved.connect(self.saved)
            return form
        if key == "referrals":
            from .referral_list import ReferralListPage

            referrals = ReferralListPage(session)
            referrals.open_referral.connect(self.open_referral)
            return referrals
        if key == "directory":
            from .directory_page import DirectoryPage

            return DirectoryPage(session)
        if key == "reports":
            from .reports_page import ReportsPage

            return ReportsPage(session)
        if key == "sync":
            from .sync_page import SyncPage

            return SyncPage(session)
        from .settings_page import SettingsPage

        settings = SettingsPage(session)
        settings.language_changed.connect(self.language_changed)
        settings.lock_requested.connect(self.lock_requested)
        return settings

    def page(self, key: str) -> QWidget:
        """The page, built now if it was not yet."""
        page = self._pages.get(key)
        if page is None:
            page = self._pages[key] = self._build(key)
            index = PAGE_KEYS.index(key)
            current = self.stack.currentIndex()
            placeholder = self.stack.widget(index)
            self.stack.insertWidget(index, page)
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
            self.stack.setCurrentIndex(current)
        return page

    def built(self, key: str) -> bool:
        return key in self._pages

    @property
    def pages(self) -> dict[str, QWidget]:
        """The pages built so far."""
        return dict(self._pages)

    @property
    def home(self) -> HomePage:
        return self.page("home")  # type: ignore[return-value]

    @property
    def form(self) -> ReferralForm:
        return self.page("new")  # type: ignore[return-value]

    @property
    def referrals(self) -> ReferralListPage:
        return self.page("referrals")  # type: ignore[return-value]

    @property
    def directory(self) -> DirectoryPage:
        return self.page("directory")  # type: ignore[return-value]

    @property
    def reports(self) -> ReportsPage:
        return self.page("reports")  # type: ignore[return-value]

    @property
    def sync(self) -> SyncPage:
        return self.page("sync")  # type: ignore[return-value]

    @property
    def settings(self) -> SettingsPage:
        return self.page("settings")  # type: ignore[return-value]

    # -- navigation -------------------------------------------------------------

    def _row_changed(self, row: int) -> None:
        if row < 0:
            return
        key = PAGE_KEYS[row]
        page = self.page(key)
        self.stack.setCurrentIndex(row)
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
