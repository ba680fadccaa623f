"""Send reports: what leaves this computer, shown exactly, before it leaves.

For a closed month the page shows the report as tables and the exact signed
bytes that would be sent (the bytes the collector receives or a saved file
holds, not a re-rendering), the queue, where reports go, the site's key
fingerprint and the history of what was sent and when. Everything here comes
from counts: no name, phone or note is read.

The core modules behind this page (signing, HTTPS) are imported inside the
jobs, on the database thread, the first time the page is used: unlocking does
not pay for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from schoolintake.i18n import N_, _, ngettext
from schoolintake.store import Store

from .operations import REFERRALS, SITE, SYNC
from .report_tables import ReportTables
from .qt import (
    QAbstractItemView, QComboBox, QFileDialog, QFontDatabase, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
    QPlainTextEdit, QPushButton, Qt, QTableWidget, QTableWidgetItem, QTabWidget, QTextOption,
    QVBoxLayout, QWidget,
)
from .session import Session
from .widgets import add_field, heading, labelled, note

if TYPE_CHECKING:
    from schoolintake.reports import PreparedReport, SyncEvent
    from schoolintake.sync import SendResult

#: What happened to a report, as the history and the send result say it.
OUTCOMES = {
    "delivered": N_("delivered"),
    "saved": N_("saved to a file"),
    "failed": N_("not reached; will try again"),
    "refused": N_("refused by the collector"),
    "waiting": N_("waiting before the next try"),
}

#: How many waiting months the queue line names.
QUEUE_SHOWN = 6


def outcome_label(outcome: str) -> str:
    return _(OUTCOMES[outcome]) if outcome in OUTCOMES else outcome


@dataclass(frozen=True)
class Overview:
    """Everything the page shows apart from one month's report."""

    periods: list[str]
    url: str
    ca_file: str
    fingerprint: str
    public_key: str
    queue: list[PreparedReport]
    problems: list[str]
    history: list[SyncEvent]


def load_overview(store: Store, today: date) -> Overview:
    """Prepares every closed month that needs it (as Send would), so the
    queue shown is what Send would deliver."""
    from schoolintake.reports import closed_periods, history, prepare_closed
    from schoolintake.sitekey import encode_key, fingerprint, public_key
    from schoolintake.sync import collector

    queue, problems = prepare_closed(store, today=today)
    url, ca_file = collector(store)
    key = public_key(store)
    return Overview(closed_periods(store, today), url or "", ca_file or "", fingerprint(key),
                    "ed25519 " + encode_key(key), queue, problems, history(store))


class SyncPage(QWidget):
    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.report: PreparedReport | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(heading(_("Send reports")))
        layout.addWidget(note(_("Only counts leave this computer, for closed months, with small numbers withheld. "
                                "Below is exactly what is sent, before it is sent.")))

        bar = QHBoxLayout()
        form = QFormLayout()
        self.period = QComboBox()
        add_field(form, _("&Month"), self.period)
        bar.addLayout(form)
        self.send_button = QPushButton(_("&Send now"))
        self.save_month_button = QPushButton(_("Save this mon&th…"))
        self.save_all_button = QPushButton(_("Save &all to a file…"))
        for button in (self.send_button, self.save_month_button, self.save_all_button):
            bar.addWidget(button)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.queue_label = note("")
        layout.addWidget(self.queue_label)

        self.state_label = note("")
        layout.addWidget(self.state_label)

        self.tabs = QTabWidget()
        self.tables = ReportTables()
        self.tabs.addTab(self.tables, _("Report"))
        exact = QWidget()
        exact_layout = QVBoxLayout(exact)
        self.bytes_label = note("")
        self.payload_view = QPlainTextEdit()
        self.payload_view.setReadOnly(True)
        self.payload_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.payload_view.setWordWrapMode(QTextOption.WrapMode.WrapAnywhere)
        self.payload_view.setTabChangesFocus(True)
        labelled(self.payload_view, _("Exact data sent"))
        self.bytes_label.setBuddy(self.payload_view)
        exact_layout.addWidget(self.bytes_label)
        exact_layout.addWidget(self.payload_view, 1)
        self.tabs.addTab(exact, _("Exact data sent"))

        self.history_table = QTableWidget(0, 6)
        self.history_table.setHorizontalHeaderLabels(
            [_("When (UTC)"), _("Month"), _("Revision"), _("Sent to"), _("Result"), _("Detail")])
        self.history_table.verticalHeader().setVisible(False)
        self.history_table.horizontalHeader().setStretchLastSection(True)
        self.history_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        labelled(self.history_table, _("History"))
        self.tabs.addTab(self.history_table, _("History"))

        settings = QWidget()
        settings_layout = QVBoxLayout(settings)
        form = QFormLayout()
        self.url = QLineEdit()
        self.url.setPlaceholderText("https://")
        add_field(form, _("Collector add&ress"), self.url)
        self.ca_file = QLineEdit()
        browse = QPushButton(_("&Browse…"))
        browse.clicked.connect(self._browse_certificate)
        row = QHBoxLayout()
        row.addWidget(self.ca_file, 1)
        row.addWidget(browse)
        certificate = QLabel(_("Collector's &certificate"))
        certificate.setBuddy(self.ca_file)
        labelled(self.ca_file, certificate.text())
        self.ca_file.setToolTip(_("Only for a collector with a private certificate; leave empty otherwise."))
        self.ca_file.setAccessibleDescription(self.ca_file.toolTip())
        form.addRow(certificate, row)
        self.save_collector_button = QPushButton(_("Save collector"))
        self.save_collector_button.clicked.connect(self.save_collector)
        form.addRow("", self.save_collector_button)
        self.fingerprint = QLabel("")
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        add_field(form, _("Site key fingerprint"), self.fingerprint)
        self.public_key = QLineEdit()
        self.public_key.setReadOnly(True)
        add_field(form, _("Public key, for registration"), self.public_key)
        settings_layout.addLayout(form)
        settings_layout.addStretch(1)
        self.tabs.addTab(settings, _("Collector and key"))
        layout.addWidget(self.tabs, 1)

        self.result = note("")
        self.result.setAccessibleName(_("Result"))
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.result)

        self.period.activated.connect(lambda _i: self.preview())
        self.send_button.clicked.connect(self.send)
        self.save_month_button.clicked.connect(self.save_month)
        self.save_all_button.clicked.connect(self.save_all)
        session.ops.changed.connect(self._changed)
        self.loaded = False
        self._set_report(None)

    # -- loading -------------------------------------------------------------

    def activate(self) -> None:
        """Load on first show, so unlocking only pays for the home page."""
        if not self.loaded:
            self.loaded = True
            self.reload()

    def _changed(self, changes: frozenset[str]) -> None:
        if self.loaded and changes & {SYNC, REFERRALS, SITE}:
            self.reload()

    def reload(self) -> None:
        today = self.session.today()
        # A write (it may sign new revisions), but only this page shows them.
        self.session.ops.write(lambda store: load_overview(store, today), set(), on_result=self._show_overview,
                               on_error=self._failed, parent=self)

    def _show_overview(self, overview: Overview) -> None:
        chosen = self.period.currentData()
        self.period.clear()
        for period in reversed(overview.periods):  # newest first
            self.period.addItem(period, period)
        if chosen in overview.periods:
            self.period.setCurrentIndex(self.period.findData(chosen))
        self.url.setText(overview.url)
        self.ca_file.setText(overview.ca_file)
        self.fingerprint.setText(overview.fingerprint)
        self.public_key.setText(overview.public_key)
        if overview.queue:
            # A correction (revision 2 or later) says so; a first report is just its month.
            months = [r.period if r.revision == 1 else _("{period} (revision {revision})").format(
                period=r.period, revision=r.revision) for r in overview.queue]
            shown = ", ".join(months[:QUEUE_SHOWN] + (["…"] if len(months) > QUEUE_SHOWN else []))
            queue = ngettext("{n} report waiting to be sent: {months}", "{n} reports waiting to be sent: {months}",
                             len(months)).format(n=len(months), months=shown)
        else:
            queue = _("Nothing is waiting to be sent.")
        self.queue_label.setText("\n".join([queue, *overview.problems]))
        self._fill_history(overview.history)
        has_periods = bool(overview.periods)
        for button in (self.send_button, self.save_month_button, self.save_all_button):
            button.setEnabled(has_periods)
        if has_periods:
            self.preview()  # the stored revision: its state may have changed
        else:
            self._set_report(None)
            self.tables.show_message(_("No month has closed yet with referrals to report."))

    def _fill_history(self, events: list[SyncEvent]) -> None:
        table = self.history_table
        table.setRowCount(len(events))
        for row, event in enumerate(events):
            for column, text in enumerate((event.at, event.period, str(event.revision), event.destination,
                                           outcome_label(event.outcome), event.detail)):
                table.setItem(row, column, QTableWidgetItem(text))
        table.resizeColumnsToContents()

    # -- one month -------------------------------------------------------------

    def preview(self) -> None:
        """Prepare (or fetch the stored revision of) the chosen month and show it."""
        period, today = self.period.currentData(), self.session.today()
        if not period:
            return

        def prepare(store: Store) -> PreparedReport:
            from schoolintake.reports import prepare_report

            return prepare_report(store, period, today=today)

        def failed(error: BaseException) -> None:
            self._set_report(None)
            self.tables.show_message(str(error))

        self.session.ops.write(prepare, set(), on_result=self._set_report, on_error=failed, parent=self)

    def _set_report(self, report: PreparedReport | None) -> None:
        self.report = report
        self.save_month_button.setEnabled(report is not None)
        if report is None:
            self.tables.show_message("")
            self.payload_view.clear()
            self.bytes_label.setText("")
            self.state_label.setText("")
            return
        # The caption is the core's own heading of the report (its first two lines).
        self.tables.show_document(report.document, "\n".join(report.render().splitlines()[:2]))
        # Envelopes are ASCII by construction (canonical JSON), so this is byte for byte.
        self.payload_view.setPlainText(report.envelope.decode("ascii"))
        self.bytes_label.setText(
            _("Exactly these bytes leave the device (signed; revision {revision}, {size} bytes):").format(
                revision=report.revision, size=len(report.envelope)))
        self.state_label.setText(_("{period} (revision {revision})").format(
            period=report.period, revision=report.revision) + ": " + self._state(report))

    @staticmethod
    def _state(report: PreparedReport) -> str:
        if report.delivered_at:
            return _("Delivered {when}.").format(when=report.delivered_at)
        if report.released_at:
            return _("Saved to a file {when}; the collector has not confirmed it.").format(when=report.released_at)
        return _("Not sent yet.")

    def shown_payload(self) -> bytes:
        return self.payload_view.toPlainText().encode("ascii")

    # -- actions ---------------------------------------------------------------

    def send(self) -> None:
        today = self.session.today()

        def work(store: Store) -> tuple[list[SendResult], list[str]]:
            from schoolintake.sync import send_reports

            # The user asked for it now: earlier failures' waiting times do not apply.
            return send_reports(store, today=today, force=True)

        self.result.setText(_("Sending reports…"))
        self.session.ops.write(work, {SYNC}, on_result=self._sent, on_error=self._failed, parent=self,
                               progress=_("Sending reports…"))

    def _sent(self, outcome: tuple[list[SendResult], list[str]]) -> None:
        results, problems = outcome
        if not results:
            lines = [_("Nothing to send: the collector has every closed month.")]
        else:
            delivered = sum(r.outcome == "delivered" for r in results)
            lines = [ngettext("{delivered} of {n} report delivered.", "{delivered} of {n} reports delivered.",
                              len(results)).format(delivered=delivered, n=len(results))]
            lines += [_("{period} (revision {revision})").format(period=r.period, revision=r.revision)
                      + f": {outcome_label(r.outcome)}" + (f" — {r.detail}" if r.detail else "")
                      for r in results if r.outcome != "delivered"]
        self.result.setText("\n".join(lines + problems))

    def _failed(self, error: BaseException) -> None:
        self.result.setText(str(error))

    def _choose_file(self, title: str, name: str) -> Path | None:
        chosen, _filter = QFileDialog.getSaveFileName(self, title, name, _("Signed reports (*.json)"))
        return Path(chosen) if chosen else None

    def save_month(self) -> None:
        report = self.report
        if report is None:
            return
        site = report.document["site"]["doe_code"]
        path = self._choose_file(_("Save this month"), f"schoolintake-report-{site}-{report.period}.json")
        if path is None:
            return

        def work(store: Store) -> Path:
            from schoolintake.sync import save_report

            return save_report(store, report, path)

        self.session.ops.write(work, {SYNC}, parent=self, on_error=self._failed,
                               on_result=lambda saved: self.result.setText(
                                   _("Saved to {path}.").format(path=saved)))

    def save_all(self) -> None:
        path = self._choose_file(_("Save all to a file"), "schoolintake-reports.json")
        if path is None:
            return
        today = self.session.today()

        def work(store: Store) -> tuple[list[PreparedReport], list[str]]:
            from schoolintake.sync import save_bundle

            return save_bundle(store, path, today=today)

        def done(outcome: tuple[list[PreparedReport], list[str]]) -> None:
            saved, problems = outcome
            text = ngettext("{n} report saved to {path}.", "{n} reports saved to {path}.", len(saved)).format(
                n=len(saved), path=path)
            self.result.setText("\n".join([text, *problems]))

        self.session.ops.write(work, {SYNC}, on_result=done, on_error=self._failed, parent=self)

    def _browse_certificate(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(self, _("Collector's certificate"), "",
                                                      _("Certificates (*.pem *.crt *.cer)"))
        if chosen:
            self.ca_file.setText(chosen)

    def save_collector(self) -> None:
        url, ca_file = self.url.text().strip(), self.ca_file.text().strip() or None

        def work(store: Store) -> None:
            from schoolintake.sync import set_collector

            set_collector(store, url, ca_file)

        self.session.ops.write(work, {SYNC}, on_error=self._failed, parent=self,
                               on_result=lambda _r: self.result.setText(
                                   _("Reports will be sent to {url}.").format(url=url)))
