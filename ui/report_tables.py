"""A monthly report's tables as the central office will read them.

Filled from the document inside the signed envelope (never from the
database), so what is shown is what is sent. Real table widgets rather than
the plain-text rendering: right-to-left language names and CJK widths stay
in their columns, and a screen reader can walk the cells.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from schoolintake.aggregate import WITHHELD
from schoolintake.i18n import _
from schoolintake.languages import OTHER_LANGUAGE, language_label
from schoolintake.referral import Status
from schoolintake.services import service_category

from .qt import QAbstractItemView, QLabel, QScrollArea, QSizePolicy, Qt, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget
from .widgets import heading, labelled


def _group(code: str) -> str:
    return _("Other languages") if code == OTHER_LANGUAGE else language_label(code)


def cell_text(value: int | None) -> str:
    return WITHHELD if value is None else str(value)


class _Grid(QTableWidget):
    """A read-only table as tall as its rows, so the page scrolls, not each table."""

    def __init__(self, title: str) -> None:
        super().__init__()
        labelled(self, title)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def fill(self, rows: Sequence[str], columns: Sequence[str], values: Sequence[Sequence[int | None]]) -> None:
        self.clear()
        self.setRowCount(len(rows))
        self.setColumnCount(len(columns))
        self.setVerticalHeaderLabels(list(rows))
        self.setHorizontalHeaderLabels(list(columns))
        for r, row in enumerate(values):
            for c, value in enumerate(row):
                item = QTableWidgetItem(cell_text(value))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if value is None:
                    item.setToolTip(_("withheld"))
                self.setItem(r, c, item)
        self.resizeColumnsToContents()
        height = self.horizontalHeader().height() + 2 * self.frameWidth()
        height += sum(self.rowHeight(r) for r in range(self.rowCount()))
        self.setFixedHeight(height + (self.horizontalScrollBar().sizeHint().height()
                                      if self.horizontalScrollBar().isVisible() else 0))

    def texts(self) -> list[list[str]]:
        return [[self.item(r, c).text() for c in range(self.columnCount())] for r in range(self.rowCount())]


class ReportTables(QWidget):
    def __init__(self) -> None:
        super().__init__()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        inner = self._inner = QWidget()
        scroll.setWidget(inner)
        outer.addWidget(scroll, 1)
        layout = QVBoxLayout(inner)
        # Not word-wrapped: a wrapping label makes the scroll area size its content
        # by height-for-width, which loses the tables' fixed heights.
        self.caption = QLabel("")
        self.caption.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.caption)
        self.titles: list[QLabel] = []
        self.sessions = _Grid(_("Intake sessions"))
        self.by_language = _Grid(_("Services by language"))
        self.by_outcome = _Grid(_("Services by outcome"))
        for grid, title in ((self.sessions, _("Intake sessions")), (self.by_language, _("Services by language")),
                            (self.by_outcome, _("Services by outcome"))):
            label = heading(title, 1.1)
            label.setBuddy(grid)
            self.titles.append(label)
            layout.addWidget(label)
            layout.addWidget(grid)
        layout.addStretch(1)

    def show_document(self, document: Mapping[str, Any], caption: str) -> None:
        self.caption.setText(caption)
        dims, lines, sessions = document["dimensions"], document["lines"], document["sessions"]
        groups = [_group(code) for code in dims["languages"]]
        services = [service_category(code).label() for code in dims["services"]] + [_("Total")]
        outcomes = [Status(code).label() for code in dims["outcomes"]]
        total = _("Total")
        self.sessions.fill([_("Intake sessions")], groups + [total], [sessions["by_language"] + [sessions["total"]]])
        self.by_language.fill(services, groups + [total], [
            *[row + [end] for row, end in zip(lines["by_service_language"], lines["service_totals"])],
            lines["language_totals"] + [lines["total"]]])
        self.by_outcome.fill(services, outcomes + [total], [
            *[row + [end] for row, end in zip(lines["by_service_outcome"], lines["service_totals"])],
            lines["outcome_totals"] + [lines["total"]]])
        for widget in (self.sessions, self.by_language, self.by_outcome, *self.titles):
            widget.setVisible(True)
        # The scroll area does not always hear that its content grew (a hidden
        # page, a first fill); resizing the content tells it.
        self._inner.adjustSize()

    def show_message(self, text: str) -> None:
        self.caption.setText(text)
        for widget in (self.sessions, self.by_language, self.by_outcome, *self.titles):
            widget.setVisible(False)
