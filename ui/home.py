"""Home: today's referrals, follow-ups due, and a prominent New referral."""

from __future__ import annotations

from schoolintake.i18n import _, format_date, format_number, ngettext
from schoolintake.languages import language_label
from schoolintake.referral import ReferralFilter
from schoolintake.referrals import ReferralSummary, follow_ups_due, list_referrals
from schoolintake.services import service_category
from schoolintake.site import load_site
from schoolintake.store import Store

from .operations import REFERRALS, SITE
from .qt import (
    QAbstractItemView, QHBoxLayout, QLabel, QPushButton, QSizePolicy, Qt, QTableWidget, QTableWidgetItem,
    QVBoxLayout, QWidget, Signal,
)
from .session import Session
from .widgets import heading, labelled

TODAY_LIMIT = 200


def _table(title: str, date_title: str) -> QTableWidget:
    table = QTableWidget(0, 5)
    # TRANSLATORS: column header, short for "Number" (of the referral).
    table.setHorizontalHeaderLabels([_("No."), date_title, _("Language"), _("Name"), _("Services and status")])
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    labelled(table, title)
    return table


class HomePage(QWidget):
    new_referral = Signal()
    open_referral = Signal(int)

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.site_label = heading("", 1.6)
        top.addWidget(self.site_label, 1)
        self.new_button = QPushButton(_("New referral") + "  (Ctrl+N)")
        font = self.new_button.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.new_button.setFont(font)
        self.new_button.setMinimumHeight(self.new_button.fontMetrics().height() * 3)
        self.new_button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.new_button.clicked.connect(self.new_referral.emit)
        top.addWidget(self.new_button)
        layout.addLayout(top)
        self.today_title = heading(_("Today's referrals"), 1.15)
        layout.addWidget(self.today_title)
        self.today = _table(_("Today's referrals"), _("Date"))
        layout.addWidget(self.today, 1)
        self.due_title = heading(_("Follow-ups due"), 1.15)
        layout.addWidget(self.due_title)
        self.due = _table(_("Follow-ups due"), _("Follow up on"))
        layout.addWidget(self.due, 1)
        for table in (self.today, self.due):
            table.cellActivated.connect(lambda row, _c, t=table: self._open(t, row))
            table.cellDoubleClicked.connect(lambda row, _c, t=table: self._open(t, row))
        self.empty_hint = QLabel("")
        layout.addWidget(self.empty_hint)
        session.ops.changed.connect(self._changed)
        self.reload()

    def _changed(self, changes: frozenset[str]) -> None:
        if changes & {REFERRALS, SITE}:
            self.reload()

    def reload(self) -> None:
        today = self.session.today()

        def fetch(store: Store) -> tuple[str, list[ReferralSummary], list[ReferralSummary]]:
            site = load_site(store)
            todays = list_referrals(store, ReferralFilter(since=today, until=today), limit=TODAY_LIMIT)
            return f"{site.school_name} ({site.doe_code})", todays, follow_ups_due(store, today)

        self.session.ops.query(fetch, self._show, parent=self)

    def _show(self, result: tuple[str, list[ReferralSummary], list[ReferralSummary]]) -> None:
        site, todays, due = result
        self.site_label.setText(site)
        # TRANSLATORS: a heading over the table of referrals made today.
        self.today_title.setText(ngettext("{n} referral today", "{n} referrals today", len(todays))
                                 .format(n=format_number(len(todays))))
        # TRANSLATORS: a heading over the table of referrals whose follow-up call is due.
        self.due_title.setText(ngettext("{n} follow-up due", "{n} follow-ups due", len(due))
                               .format(n=format_number(len(due))))
        self._fill(self.today, todays)
        self._fill(self.due, due, follow_up=True)

    @staticmethod
    def _fill(table: QTableWidget, rows: list[ReferralSummary], *, follow_up: bool = False) -> None:
        table.setRowCount(len(rows))
        for row, item in enumerate(rows):
            services = ", ".join(f"{service_category(s).label()}: {st.label()}"
                                 for s, st in zip(item.services, item.statuses))
            date_text = format_date(item.follow_up_on if follow_up and item.follow_up_on else item.referred_on)
            for column, text in enumerate((str(item.id), date_text, language_label(item.language),
                                           item.first_name, services)):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, item.id)
                table.setItem(row, column, cell)
        table.resizeColumnsToContents()

    def _open(self, table: QTableWidget, row: int) -> None:
        cell = table.item(row, 0)
        if cell is not None:
            self.open_referral.emit(int(cell.data(Qt.ItemDataRole.UserRole)))
