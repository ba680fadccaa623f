"""Local counts: service lines per month by service, language or outcome,
as painted bars and a CSV export. Counts only, never a person."""

from __future__ import annotations

from pathlib import Path

from schoolintake.i18n import _, format_month, format_number, ngettext
from schoolintake.languages import language_label
from schoolintake.monthly_report import CountRow, monthly_counts, months_available, totals_by, write_counts_csv
from schoolintake.referral import Status
from schoolintake.services import service_category
from schoolintake.store import Store

from .operations import REFERRALS
from .qt import (
    QComboBox, QFileDialog, QFormLayout, QHBoxLayout, QPainter, QPushButton, QRect, QSizePolicy, Qt, QWidget,
    QVBoxLayout,
)
from .session import Session
from .widgets import LazyPage, add_field, heading, note


def _label(dimension: str, value: str) -> str:
    if dimension == "service":
        return service_category(value).label()
    if dimension == "language":
        return language_label(value)
    return Status(value).label()


class BarChart(QWidget):
    """Horizontal bars, painted; mirrors with the layout direction."""

    def __init__(self) -> None:
        super().__init__()
        self.bars: list[tuple[str, int]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(_("Chart"))

    def set_bars(self, bars: list[tuple[str, int]]) -> None:
        self.bars = bars
        self.setAccessibleDescription("; ".join(f"{label}: {format_number(n)}" for label, n in bars))
        # Rows shrink to fit before the window must grow (taller scripts, small screens).
        self.setMinimumHeight(int(self.fontMetrics().height() * 1.3 * max(1, len(bars))))
        self.update()

    def paintEvent(self, _event: object) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        metrics = self.fontMetrics()
        row = int(min(metrics.height() * 2, max(metrics.height() * 1.3, self.height() / max(1, len(self.bars)))))
        label_width = max((metrics.horizontalAdvance(label) for label, _n in self.bars), default=0) + 12
        number_width = metrics.horizontalAdvance("0000000") + 8
        room = max(10, self.width() - label_width - number_width)
        top = max((n for _l, n in self.bars), default=0) or 1
        rtl = self.layoutDirection() == Qt.LayoutDirection.RightToLeft
        palette = self.palette()
        for index, (label, n) in enumerate(self.bars):
            y = index * row
            length = int(room * n / top)
            text_rect = QRect(0, y, label_width - 8, row)
            bar = QRect(label_width, y + row // 4, length, row // 2)
            number = QRect(label_width + length + 4, y, number_width, row)
            if rtl:  # mirror by hand: painting does not follow the layout direction
                text_rect.moveRight(self.width() - 1)
                bar.moveRight(self.width() - label_width)
                number.moveRight(bar.left() - 4)
            painter.setPen(palette.text().color())
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignTrailing, label)
            painter.fillRect(bar, palette.highlight())
            painter.drawText(number, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeading, format_number(n))
        painter.end()


class ReportsPage(LazyPage):
    reload_on = frozenset({REFERRALS})

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.rows: list[CountRow] = []
        layout = QVBoxLayout(self)
        layout.addWidget(heading(_("Reports")))
        layout.addWidget(note(_("Service referrals per month, from the counts kept in the database. "
                                "No names or other personal details are included.")))
        form = QFormLayout()
        bar = QHBoxLayout()
        self.first, self.last, self.dimension = QComboBox(), QComboBox(), QComboBox()
        for key, text in (("service", _("Service")), ("language", _("Language")), ("status", _("Outcome"))):
            self.dimension.addItem(text, key)
        add_field(form, _("&From month"), self.first)
        add_field(form, _("&To month"), self.last)
        add_field(form, _("&Count by"), self.dimension)
        bar.addLayout(form)
        self.export_button = QPushButton(_("&Export CSV…"))
        bar.addWidget(self.export_button, 0, Qt.AlignmentFlag.AlignBottom)
        layout.addLayout(bar)
        self.total = note("")
        layout.addWidget(self.total)
        self.chart = BarChart()
        layout.addWidget(self.chart, 1)
        self.first.activated.connect(lambda _i: self.load_counts())
        self.last.activated.connect(lambda _i: self.load_counts())
        self.dimension.currentIndexChanged.connect(lambda _i: self.redraw())
        self.export_button.clicked.connect(self.export)

    def reload(self) -> None:
        self.session.ops.query(months_available, self._months, parent=self)

    def _months(self, months: list[str]) -> None:
        first, last = self.first.currentData(), self.last.currentData()
        for combo in (self.first, self.last):
            combo.clear()
            for month in months:
                combo.addItem(format_month(month), month)
        if months:
            self.first.setCurrentIndex(max(0, self.first.findData(first)) if first else max(0, len(months) - 12))
            self.last.setCurrentIndex(self.last.findData(last) if last in months else len(months) - 1)
        self.load_counts()

    def load_counts(self) -> None:
        first, last = self.first.currentData(), self.last.currentData()

        def fetch(store: Store) -> list[CountRow]:
            return monthly_counts(store, first, last)

        self.session.ops.query(fetch, self._counts, parent=self)

    def _counts(self, rows: list[CountRow]) -> None:
        self.rows = rows
        self.redraw()

    def redraw(self) -> None:
        dimension = self.dimension.currentData()
        totals = totals_by(self.rows, dimension)
        self.chart.set_bars([(_label(dimension, value), n) for value, n in totals])
        total = sum(n for _v, n in totals)
        # TRANSLATORS: {first} and {last} are months, e.g. "Nov 2025" and "Oct 2026".
        self.total.setText(ngettext("{n} service referral from {first} to {last}.",
                                    "{n} service referrals from {first} to {last}.", total).format(
            n=format_number(total), first=self.first.currentText() or "—", last=self.last.currentText() or "—"))

    def export(self) -> None:
        name, _filter = QFileDialog.getSaveFileName(self, _("Export counts"), "schoolintake-counts.csv",
                                                    _("CSV files (*.csv)"))
        if name:
            rows = list(self.rows)
            self.session.ops.query(lambda _store: write_counts_csv(Path(name), rows),
                                   lambda path: self.total.setText(_("Counts saved to {path}.").format(path=path)),
                                   parent=self)
