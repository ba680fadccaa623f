"""The referrals list: search as you type, filters, a paged model."""

from __future__ import annotations

from datetime import date, timedelta

from schoolintake.i18n import _, format_number, ngettext
from schoolintake.languages import PARENT_LANGUAGE_CODES, language_label
from schoolintake.referral import ReferralFilter, Status
from schoolintake.services import SERVICE_CATEGORIES

from .operations import REFERRALS
from .qt import (
    QAbstractItemView, QCheckBox, QComboBox, QDate, QDateEdit, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
    QModelIndex, Qt, QTableView, QTimer, QVBoxLayout, Signal,
)
from .referral_model import COLUMN_ORDERS, DATE_COLUMN, ReferralTableModel
from .session import Session
from .widgets import LazyPage, compact_combo, heading, labelled

SEARCH_DELAY_MS = 120


def _pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class ReferralListPage(LazyPage):
    open_referral = Signal(int)
    reload_on = frozenset({REFERRALS})

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(_("Referrals")))

        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search by name or initials"))
        self.search.setClearButtonEnabled(True)
        labelled(self.search, _("Search referrals"))
        self.status = QComboBox()
        self.status.addItem(_("Any status"), None)
        for status in Status:
            self.status.addItem(status.label(), status.value)
        labelled(self.status, _("Status filter"))
        self.service = QComboBox()
        self.service.addItem(_("Any service"), None)
        for category in SERVICE_CATEGORIES:
            self.service.addItem(category.label(), category.code)
        labelled(self.service, _("Service filter"))
        self.language = QComboBox()
        self.language.addItem(_("Any language"), None)
        for code in PARENT_LANGUAGE_CODES:
            self.language.addItem(language_label(code), code)
        labelled(self.language, _("Language filter"))
        for combo in (self.status, self.service, self.language):
            compact_combo(combo)
        # TRANSLATORS: a check box that turns on the date range "From <date> to <date>".
        self.use_dates = QCheckBox(_("From"))
        self.since = QDateEdit()
        self.until = QDateEdit()
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
        today = session.today()
        self.since.setDate(self._qdate(today - timedelta(days=30)))
        self.until.setDate(self._qdate(today))
        labelled(self.since, _("From date"))
        labelled(self.until, _("To date"))
        self.search.setMinimumWidth(self.search.fontMetrics().horizontalAdvance("n") * 28)  # CJK fonts: wide average
        bar.addWidget(self.search, 3)
        for widget in (self.status, self.service, self.language):
            bar.addWidget(widget)
        layout.addLayout(bar)
        # The dates on a line of their own: one row of every filter would make
        # the window wider than a laptop screen in the more verbose languages.
        dates = QHBoxLayout()
        # TRANSLATORS: between the two dates of the range "From <date> to <date>".
        for widget in (self.use_dates, self.since, QLabel(_("to")), self.until):
            dates.addWidget(widget)
        dates.addStretch(1)
        layout.addLayout(dates)

        self.model = ReferralTableModel(session, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        labelled(self.table, _("Referrals"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        # Fixed row heights: the view never measures rows it has not shown.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        header = self.table.horizontalHeader()
        # The arrow first: enabling sorting sorts by the column it is on.
        header.setSortIndicator(DATE_COLUMN, Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)
        header.sortIndicatorChanged.connect(self._sort_indicator_changed)
        self.table.activated.connect(self._activated)
        self.table.doubleClicked.connect(self._activated)
        layout.addWidget(self.table, 1)
        self.count_label = QLabel("")
        self.count_label.setAccessibleName(_("Number of matching referrals"))
        layout.addWidget(self.count_label)
        self.model.counted.connect(
            lambda n: self.count_label.setText(ngettext("{n} matching referral", "{n} matching referrals", n)
                                               .format(n=format_number(n))))

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        for combo in (self.status, self.service, self.language):
            combo.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.use_dates.toggled.connect(self._dates_toggled)
        self.since.dateChanged.connect(lambda _d: self.apply_filter())
        self.until.dateChanged.connect(lambda _d: self.apply_filter())

    def reload(self) -> None:
        self.apply_filter()

    @staticmethod
    def _qdate(value: date) -> QDate:
        return QDate(value.year, value.month, value.day)

    def _dates_toggled(self, on: bool) -> None:
        self.since.setEnabled(on)
        self.until.setEnabled(on)
        self.apply_filter()

    def current_filter(self) -> ReferralFilter:
        status = self.status.currentData()
        return ReferralFilter(
            status=Status(status) if status else None,
            service=self.service.currentData(),
            language=self.language.currentData(),
            since=_pydate(self.since.date()) if self.use_dates.isChecked() else None,
            until=_pydate(self.until.date()) if self.use_dates.isChecked() else None,
            text=self.search.text(),
        )

    def apply_filter(self) -> None:
        self._timer.stop()
        self.model.set_filter(self.current_filter())

    def _sort_indicator_changed(self, column: int, order: Qt.SortOrder) -> None:
        # Services and status have no order; a click on them must not show an
        # arrow the rows do not follow, so the arrow goes back where it was.
        if column not in COLUMN_ORDERS:
            header = self.table.horizontalHeader()
            header.blockSignals(True)
            header.setSortIndicator(self.model.sort_column(), Qt.SortOrder.DescendingOrder if self.model.descending
                                    else Qt.SortOrder.AscendingOrder)
            header.blockSignals(False)

    def refresh(self) -> None:
        self.model.refresh()  # same filter and order, counts and pages read again

    def _activated(self, index: QModelIndex) -> None:
        referral_id = self.model.data(index, Qt.ItemDataRole.UserRole)
        if referral_id is not None:
            self.open_referral.emit(int(referral_id))
