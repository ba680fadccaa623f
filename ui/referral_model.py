"""A table model over the referrals that never loads them all.

The row count comes from ``count_referrals``; rows are fetched a page at a
time with ``list_referrals(limit, offset, order)`` on the database thread when the
view first asks for them, and kept in a small LRU cache, so 100,000
referrals cost a few pages of memory. A new filter bumps a generation
number, so pages that arrive for an old filter are dropped.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from schoolintake.i18n import _, format_date, pgettext
from schoolintake.languages import language_label
from schoolintake.referral import ReferralFilter
from schoolintake.referrals import ReferralOrder, ReferralSummary, count_referrals, list_referrals
from schoolintake.services import service_category
from schoolintake.store import Store

from .qt import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from .session import Session

PAGE_ROWS = 200
CACHED_PAGES = 24
CACHED_COUNTS = 64

Index = QModelIndex | QPersistentModelIndex


def _columns() -> list[str]:
    # TRANSLATORS: column headers of the referrals list; "No." is short for "Number".
    return [_("No."), _("Date"), _("Language"), _("Name"), _("Services"), pgettext("column header", "Status"),
            _("Follow-up")]


DATE_COLUMN = 1
ID_COLUMN = 0
#: The order each sortable column asks the store for. Services and status
#: hold several values per referral, so they have no single order.
COLUMN_ORDERS = {
    ID_COLUMN: ReferralOrder.NUMBER,
    DATE_COLUMN: ReferralOrder.DATE,
    2: ReferralOrder.LANGUAGE,
    3: ReferralOrder.NAME,
    6: ReferralOrder.FOLLOW_UP,
}
SORTABLE_COLUMNS = tuple(COLUMN_ORDERS)


class ReferralTableModel(QAbstractTableModel):
    #: Emitted with the number of matching referrals whenever it is known.
    counted = Signal(int)

    def __init__(self, session: Session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.filter = ReferralFilter()
        self.order = ReferralOrder.DATE
        self.descending = True
        self._count = 0
        self._pages: OrderedDict[int, list[ReferralSummary]] = OrderedDict()
        self._pending: set[int] = set()
        self._generation = 0
        #: Matching counts by filter, for as long as the data does not change.
        self._counts: dict[ReferralFilter, int] = {}
        self._requested: ReferralFilter | None = None
        self._headers = _columns()

    # -- filter and order ------------------------------------------------

    def set_filter(self, flt: ReferralFilter) -> None:
        # Asking again for the filter already asked for costs nothing.
        if flt != self._requested:
            self.filter = flt
            self._load()

    def refresh(self) -> None:
        """The data changed: counts remembered for earlier filters no longer hold."""
        self._counts.clear()
        self._load()

    def _load(self) -> None:
        """One job on the database thread: the count (unless known) and the first page.

        The view is reset once, with its first rows, instead of showing
        placeholders and asking again; going back to an earlier filter (deleting
        what was typed) costs no count at all.
        """
        self._generation += 1
        generation, flt, order, descending = self._generation, self.filter, self.order, self.descending
        self._requested = flt
        known = self._counts.get(flt)
        self._pending.clear()

        def fetch(store: Store) -> tuple[int, list[ReferralSummary]]:
            total = count_referrals(store, flt) if known is None else known
            first = (list_referrals(store, flt, limit=PAGE_ROWS, order=order, descending=descending)
                     if total else [])
            return total, first

        def arrived(result: tuple[int, list[ReferralSummary]]) -> None:
            if generation != self._generation:
                return
            total, first = result
            self._counts[flt] = total
            while len(self._counts) > CACHED_COUNTS:
                del self._counts[next(iter(self._counts))]
            self.beginResetModel()
            self._pages.clear()
            self._pages[0] = first
            self._count = total
            self.endResetModel()
            self.counted.emit(total)

        self.session.ops.query(fetch, arrived, owner=self)

    def clear(self) -> None:
        """Forget every row (on lock): nothing personal stays in the model."""
        self._generation += 1
        self.beginResetModel()
        self._pages.clear()
        self._pending.clear()
        self._counts.clear()
        self._requested = None
        self._count = 0
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        # The store sorts (a page at a time, off its indexes); the view never does.
        if column not in COLUMN_ORDERS:
            return
        wanted = (COLUMN_ORDERS[column], order == Qt.SortOrder.DescendingOrder)
        if wanted != (self.order, self.descending):
            self.order, self.descending = wanted
            if self._requested is not None:  # else the first filter loads, in this order
                self._load()

    def sort_column(self) -> int:
        return next(column for column, order in COLUMN_ORDERS.items() if order is self.order)

    # -- Qt model API ----------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            # TRANSLATORS: tooltip of the "Services" and "Status" column headers of the referrals list.
            return None if section in COLUMN_ORDERS else _("A referral can have several; the list cannot sort by them.")
        return None

    def summary(self, row: int) -> ReferralSummary | None:
        page, offset = divmod(row, PAGE_ROWS)
        rows = self._pages.get(page)
        if rows is None:
            self._request(page)
            return None
        self._pages.move_to_end(page)
        return rows[offset] if offset < len(rows) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.UserRole, Qt.ItemDataRole.ToolTipRole):
            return None
        item = self.summary(index.row())
        if item is None:
            return "…" if role == Qt.ItemDataRole.DisplayRole and index.column() == 0 else None
        if role == Qt.ItemDataRole.UserRole:
            return item.id
        return self._cell(item, index.column())

    @staticmethod
    def _cell(item: ReferralSummary, column: int) -> str:
        if column == 0:
            return str(item.id)
        if column == 1:
            return format_date(item.referred_on)
        if column == 2:
            return language_label(item.language)
        if column == 3:
            return item.first_name
        if column == 4:
            return ", ".join(service_category(s).label() for s in item.services)
        if column == 5:
            return ", ".join(dict.fromkeys(status.label() for status in item.statuses))
        return format_date(item.follow_up_on) if item.follow_up_on else ""

    # -- paging ------------------------------------------------------------

    def _request(self, page: int) -> None:
        if page in self._pending:
            return
        self._pending.add(page)
        generation, flt, order, descending = self._generation, self.filter, self.order, self.descending

        def fetch(store: Store) -> list[ReferralSummary]:
            return list_referrals(store, flt, limit=PAGE_ROWS, offset=page * PAGE_ROWS, order=order,
                                  descending=descending)

        def arrived(rows: list[ReferralSummary]) -> None:
            if generation != self._generation:
                return
            self._pending.discard(page)
            self._pages[page] = rows
            while len(self._pages) > CACHED_PAGES:
                self._pages.popitem(last=False)
            first = page * PAGE_ROWS
            last = min(first + PAGE_ROWS, self._count) - 1
            if last >= first:
                self.dataChanged.emit(self.index(first, 0), self.index(last, self.columnCount() - 1))

        self.session.ops.query(fetch, arrived, owner=self)

    def loaded_rows(self) -> int:
        return sum(len(rows) for rows in self._pages.values())
