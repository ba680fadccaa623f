"""One referral: its details, each service's outcome history, the next step.

Changing an outcome goes through ``record_outcome``, which records who (the
initials typed here) and when.
"""

from __future__ import annotations

from dataclasses import dataclass

from schoolintake.directory import provider_service
from schoolintake.errors import NotFound
from schoolintake.i18n import _, format_date, format_datetime, pgettext
from schoolintake.languages import language_label
from schoolintake.referral import TRANSITIONS, NotConnectedReason, Referral, ReferralLine, Status
from schoolintake.referrals import get_referral, record_outcome
from schoolintake.services import service_category
from schoolintake.store import Store

from .operations import REFERRALS
from .qt import (
    QComboBox, QDialog, QDialogButtonBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton,
    QScrollArea, QVBoxLayout, QWidget, Signal,
)
from .session import Session
from .widgets import add_field, heading, labelled


@dataclass(frozen=True)
class ReferralView:
    referral: Referral
    providers: dict[str, str]  # provider service id -> "Organisation — service"


def load_view(store: Store, referral_id: int) -> ReferralView:
    referral = get_referral(store, referral_id)
    names: dict[str, str] = {}
    for line in referral.lines:
        if line.provider_service_id:
            try:
                found = provider_service(store, line.provider_service_id)
                names[found.id] = f"{found.organization_name} — {found.name}"
            except NotFound:
                names[line.provider_service_id] = line.provider_service_id
    return ReferralView(referral, names)


class ReferralDialog(QDialog):
    print_requested = Signal(int)
    preview_requested = Signal(int)
    save_pdf_requested = Signal(int)

    def __init__(self, session: Session, referral_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.referral_id = referral_id
        self.setWindowTitle(_("Referral {id}").format(id=referral_id))
        self.resize(640, 600)
        layout = QVBoxLayout(self)
        self.title = heading(_("Referral {id}").format(id=referral_id))
        layout.addWidget(self.title)
        self.details = QLabel()
        self.details.setWordWrap(True)
        layout.addWidget(self.details)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        self.lines_box = QWidget()
        self.lines_layout = QVBoxLayout(self.lines_box)
        scroll.setWidget(self.lines_box)
        layout.addWidget(scroll, 1)
        initials = QFormLayout()
        self.initials = QLineEdit(session.recorded_by)
        self.initials.setMaxLength(10)
        self.initials.textEdited.connect(lambda text: setattr(session, "recorded_by", text.strip()))
        add_field(initials, _("Your &initials (recorded with each change)"), self.initials)
        layout.addLayout(initials)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.print_button = QPushButton(_("&Print sheet…"))
        self.preview_button = QPushButton(_("Pre&view sheet…"))
        self.pdf_button = QPushButton(_("Save sheet as P&DF…"))
        for button in (self.print_button, self.preview_button, self.pdf_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        self.print_button.clicked.connect(lambda: self.print_requested.emit(self.referral_id))
        self.preview_button.clicked.connect(lambda: self.preview_requested.emit(self.referral_id))
        self.pdf_button.clicked.connect(lambda: self.save_pdf_requested.emit(self.referral_id))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.view: ReferralView | None = None
        self.reload()

    def reload(self) -> None:
        self.session.ops.query(lambda store: load_view(store, self.referral_id), self._show, parent=self)

    def _show(self, view: ReferralView) -> None:
        self.view = view
        r = view.referral
        parts = [_("Date: {date}").format(date=format_date(r.referred_on, "long")),
                 _("Language: {language}").format(language=language_label(r.language))]
        if r.first_name:
            parts.append(_("Name: {name}").format(name=r.first_name))
        if r.phone:
            parts.append(_("Phone: {phone}").format(phone=r.phone))
        if r.follow_up_on:
            parts.append(_("Follow up on: {date}").format(date=format_date(r.follow_up_on, "long")))
        if r.notes:
            parts.append(_("Notes: {notes}").format(notes=r.notes))
        if r.purged:
            parts.append(_("Personal details were removed by the retention purge."))
        self.details.setText("\n".join(parts))
        while self.lines_layout.count():
            item = self.lines_layout.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        for line in r.lines:
            self.lines_layout.addWidget(self._line_box(line, view.providers))
        self.lines_layout.addStretch(1)

    def _line_box(self, line: ReferralLine, providers: dict[str, str]) -> QGroupBox:
        box = QGroupBox(f"{service_category(line.service).label()} — {line.status.label()}")
        layout = QVBoxLayout(box)
        if line.provider_service_id:
            layout.addWidget(QLabel(_("Provider: {name}").format(name=providers.get(line.provider_service_id, ""))))
        history = []
        for event in line.history:
            text = f"{format_datetime(event.recorded_at)}  {event.status.label()}"
            if event.reason:
                text += f" ({event.reason.label()})"
            if event.recorded_by:
                text += "  " + _("by {who}").format(who=event.recorded_by)
            history.append(text)
        history_label = QLabel("\n".join(history))
        history_label.setAccessibleName(_("History"))
        layout.addWidget(history_label)
        allowed = sorted(TRANSITIONS[line.status], key=list(Status).index)
        if allowed:
            row = QHBoxLayout()
            status = QComboBox()
            for option in allowed:
                status.addItem(option.label(), option.value)
            reason = QComboBox()
            for why in NotConnectedReason:
                reason.addItem(why.label(), why.value)
            labelled(status, _("New status for {service}").format(service=service_category(line.service).label()))
            labelled(reason, _("Reason"))
            # TRANSLATORS: a button (verb): record the new status chosen beside it.
            record = QPushButton(pgettext("button", "Record"))

            def sync() -> None:
                reason.setEnabled(status.currentData() == Status.NOT_CONNECTED.value)

            status.currentIndexChanged.connect(lambda _i: sync())
            sync()
            record.clicked.connect(lambda: self.record(line.service, Status(status.currentData()),
                                                       NotConnectedReason(reason.currentData())
                                                       if reason.isEnabled() else None))
            row.addWidget(status)
            row.addWidget(reason)
            row.addWidget(record)
            layout.addLayout(row)
        return box

    def record(self, service: str, status: Status, reason: NotConnectedReason | None) -> None:
        by, rid = self.session.recorded_by, self.referral_id
        self.session.ops.write(
            lambda store: record_outcome(store, rid, status, service=service, reason=reason, recorded_by=by),
            {REFERRALS}, on_result=lambda _ids: self.reload(), parent=self)
