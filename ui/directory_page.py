"""The provider directory: browse, search, add and edit services."""

from __future__ import annotations

from dataclasses import replace

from schoolintake.directory import Location, Phone, ProviderService, new_id, save_service, search_services
from schoolintake.i18n import _
from schoolintake.languages import LANGUAGES, language_label
from schoolintake.services import SERVICE_CATEGORIES, service_category

from .operations import DIRECTORY
from .qt import (
    QAbstractItemView, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QGridLayout, QHBoxLayout,
    QLineEdit, QPlainTextEdit, QPushButton, Qt, QTableWidget, QTableWidgetItem, QTimer, QVBoxLayout, QWidget,
)
from .session import Session
from .widgets import LazyPage, add_field, heading, labelled


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def phone_line(phone: Phone) -> str:
    """One line of the phones box: the number, then its description after a colon."""
    return f"{phone.number}: {phone.description}" if phone.description else phone.number


def parse_phone(line: str) -> Phone:
    # Phone numbers have no colon, so the first one starts the description.
    number, _colon, description = line.partition(":")
    return Phone(number.strip(), description.strip())


class ProviderDialog(QDialog):
    """Edit one directory service (and its organisation's name)."""

    def __init__(self, service: ProviderService | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.original = service
        self.setWindowTitle(_("Edit provider") if service else _("Add provider"))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.organization = QLineEdit(service.organization_name if service else "")
        self.name = QLineEdit(service.name if service else "")
        self.category = QComboBox()
        for category in SERVICE_CATEGORIES:
            self.category.addItem(category.label(), category.code)
        if service:
            self.category.setCurrentIndex(self.category.findData(service.category))
        self.phones = QPlainTextEdit("\n".join(phone_line(p) for p in service.phones) if service else "")
        self.hours = QPlainTextEdit("\n".join(service.schedules) if service else "")
        self.address = QLineEdit(service.locations[0].address_1 if service and service.locations else "")
        self.city = QLineEdit(service.locations[0].city if service and service.locations else "")
        self.url = QLineEdit(service.url if service else "")
        self.bring = QPlainTextEdit(service.application_process if service else "")
        for edit in (self.phones, self.hours, self.bring):
            edit.setTabChangesFocus(True)
            edit.setMaximumHeight(edit.fontMetrics().height() * 4)
        add_field(form, _("&Organization"), self.organization)
        add_field(form, _("&Service name"), self.name)
        add_field(form, _("&Category"), self.category)
        add_field(form, _("&Phones (one per line)"), self.phones,
                  description=_("A note may follow the number after a colon, e.g. 718-555-0100: Spanish line"))
        add_field(form, _("&Hours (one per line)"), self.hours)
        add_field(form, _("&Address"), self.address)
        add_field(form, _("C&ity"), self.city)
        add_field(form, _("&Web address"), self.url)
        add_field(form, _("What to &bring"), self.bring)
        languages = QWidget()
        grid = QGridLayout(languages)
        grid.setContentsMargins(0, 0, 0, 0)
        self.language_boxes: dict[str, QCheckBox] = {}
        for index, lang in enumerate(LANGUAGES):
            box = QCheckBox(lang.autonym)
            box.setChecked(bool(service and lang.code in service.languages))
            labelled(box, lang.autonym)
            grid.addWidget(box, index // 4, index % 4)
            self.language_boxes[lang.code] = box
        form.addRow(_("Languages spoken"), languages)
        self.active = QCheckBox(_("Active (offered in the new-referral form)"))
        self.active.setChecked(service.active if service else True)
        form.addRow("", self.active)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def result_service(self) -> ProviderService:
        base = self.original or ProviderService(id=new_id(), organization_id=new_id(), organization_name="",
                                                category="other", name="")
        location = (replace(base.locations[0] if base.locations else Location(), address_1=self.address.text().strip(),
                            city=self.city.text().strip()),) if self.address.text().strip() else ()
        return replace(
            base,
            organization_name=self.organization.text(),
            name=self.name.text(),
            category=self.category.currentData(),
            phones=tuple(parse_phone(line) for line in _lines(self.phones.toPlainText())),
            schedules=tuple(_lines(self.hours.toPlainText())),
            languages=tuple(code for code, box in self.language_boxes.items() if box.isChecked()),
            locations=location + tuple(base.locations[1:]),
            url=self.url.text().strip(),
            application_process=self.bring.toPlainText().strip(),
            active=self.active.isChecked(),
        )


class DirectoryPage(LazyPage):
    reload_on = frozenset({DIRECTORY})

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.services: list[ProviderService] = []
        layout = QVBoxLayout(self)
        layout.addWidget(heading(_("Directory")))
        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search providers and services"))
        labelled(self.search, _("Search the directory"))
        self.add_button = QPushButton(_("&Add provider…"))
        self.edit_button = QPushButton(_("&Edit…"))
        bar.addWidget(self.search, 1)
        bar.addWidget(self.add_button)
        bar.addWidget(self.edit_button)
        layout.addLayout(bar)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels([_("Organization"), _("Service"), _("Category"), _("Languages"),
                                              _("Phones")])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        labelled(self.table, _("Directory services"))
        layout.addWidget(self.table, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.add_button.clicked.connect(lambda: self.edit(None))
        self.edit_button.clicked.connect(self._edit_selected)
        self.table.cellActivated.connect(lambda row, _c: self.edit(self.services[row]))
        self.table.cellDoubleClicked.connect(lambda row, _c: self.edit(self.services[row]))

    def reload(self) -> None:
        text = self.search.text()
        self.session.ops.query(lambda store: search_services(store, text), self._show, parent=self)

    def _show(self, services: list[ProviderService]) -> None:
        self.services = services
        self.table.setRowCount(len(services))
        for row, service in enumerate(services):
            cells = (service.organization_name, service.name + ("" if service.active else " " + _("(inactive)")),
                     service_category(service.category).label(),
                     ", ".join(language_label(code) for code in service.languages),
                     "; ".join(p.number for p in service.phones))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, service.id)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()

    def _edit_selected(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.services):
            self.edit(self.services[row])

    def edit(self, service: ProviderService | None) -> None:
        dialog = ProviderDialog(service, self)
        if dialog.exec():
            edited = dialog.result_service()
            self.session.ops.write(lambda store: save_service(store, edited), {DIRECTORY}, parent=self)
