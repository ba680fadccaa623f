"""The new-referral form: a view of a :class:`ReferralDraft`.

Keyboard path for a typical referral: type a few letters of the language,
Enter (focus moves to the services), Space / Tab / Space for two services,
Ctrl+P (save and print; the suggested providers are used), Enter in the
print dialog.
"""

from __future__ import annotations

from datetime import date

from schoolintake.directory import ProviderService, providers_for
from schoolintake.errors import SensitiveNotes
from schoolintake.i18n import _
from schoolintake.languages import language_label
from schoolintake.referral_form import LanguageOption, ReferralDraft, language_options, match_languages
from schoolintake.referrals import add_referral
from schoolintake.services import SERVICE_CATEGORIES, service_category
from schoolintake.store import Store

from . import messages
from .operations import REFERRALS
from .qt import (
    QAbstractItemView, QCheckBox, QComboBox, QDate, QDateEdit, QEvent, QFormLayout, QFrame, QGridLayout, QHBoxLayout,
    QLabel, QLineEdit, QListWidget, QListWidgetItem, QObject, QPlainTextEdit, QPushButton, QScrollArea, Qt,
    QVBoxLayout, QWidget, Signal,
)
from .session import Session
from .widgets import add_field, compact_combo, heading, labelled, note


def _qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def _pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class LanguagePicker(QWidget):
    """A search field over the languages, each shown in its own script."""

    chosen = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self._options = language_options()
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Type to search, e.g. “esp”, “বাংলা”, “arab”"))
        self.list = QListWidget()
        labelled(self.list, _("Matching languages"))
        self.current = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.list)
        self.search.textChanged.connect(self._filter)
        self.search.returnPressed.connect(self._choose_current)
        self.list.itemActivated.connect(lambda item: self.choose(item.data(Qt.ItemDataRole.UserRole)))
        self.list.itemClicked.connect(lambda item: self.choose(item.data(Qt.ItemDataRole.UserRole)))
        self.search.installEventFilter(self)
        self._filter("")
        # Between four and seven whole rows, measured on the rows themselves:
        # an autonym in a taller script (Arabic, Bengali, CJK) makes a row
        # taller than the UI font's line.
        row = max(self.list.sizeHintForRow(r) for r in range(self.list.count()))
        frame = 2 * self.list.frameWidth()
        self.list.setMinimumHeight(row * 4 + frame)
        self.list.setMaximumHeight(row * 7 + frame)

    def setFocus(self) -> None:  # type: ignore[override]
        self.search.setFocus()

    def _filter(self, text: str) -> None:
        self.list.clear()
        for option in match_languages(text, self._options):
            self._add_item(option)
        if self.list.count():
            self.list.setCurrentRow(0)

    def _add_item(self, option: LanguageOption) -> None:
        item = QListWidgetItem(option.display())
        item.setData(Qt.ItemDataRole.UserRole, option.code)
        if option.code == self.current:
            font = item.font()
            font.setBold(True)
            item.setFont(font)
            item.setText("✓ " + option.display())
        self.list.addItem(item)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Up/Down in the search field move through the matches.
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.list.count():
                step = 1 if key == Qt.Key.Key_Down else -1
                self.list.setCurrentRow(max(0, min(self.list.count() - 1, self.list.currentRow() + step)))
                return True
        return super().eventFilter(watched, event)

    def _choose_current(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.choose(item.data(Qt.ItemDataRole.UserRole))

    def choose(self, code: str, *, announce: bool = True) -> None:
        self.current = code
        self.search.blockSignals(True)
        self.search.setText(language_label(code) if code else "")
        self.search.blockSignals(False)
        self.list.clear()
        for option in self._options:
            self._add_item(option)
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == code:
                self.list.setCurrentRow(row)
                self.list.scrollToItem(self.list.item(row), QAbstractItemView.ScrollHint.PositionAtCenter)
        if announce:
            self.chosen.emit(code)


class ReferralForm(QWidget):
    """The form. ``saved`` carries the new referral's id."""

    saved = Signal(int)
    print_requested = Signal(int)

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.draft = ReferralDraft.fresh(session.today())
        self._options: dict[str, list[ProviderService]] = {}
        self._generation = 0
        self._loading = False
        self.busy = False

        outer = QVBoxLayout(self)
        outer.addWidget(heading(_("New referral")))
        privacy = note(_("School Intake never asks about immigration status, citizenship or country of birth. "
                         "Do not write them down."))
        privacy.setObjectName("privacyLine")
        outer.addWidget(privacy)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        form = QFormLayout(body)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)

        self.language = LanguagePicker()
        add_field(form, _("Parent's &language"), self.language.search)
        form.addRow("", self.language.list)
        self.language.chosen.connect(self._language_chosen)

        self.name = QLineEdit()
        self.name.setMaxLength(40)
        add_field(form, _("&Name or initials (optional)"), self.name,
                  description=_("A first name or initials, printed as “Prepared for …”."))
        self.name.textChanged.connect(lambda text: setattr(self.draft, "first_name", text))

        services = QWidget()
        grid = QGridLayout(services)
        grid.setContentsMargins(0, 0, 0, 0)
        self.service_boxes: dict[str, QCheckBox] = {}
        for category in SERVICE_CATEGORIES:
            box = QCheckBox(category.label())
            box.setAccessibleName(category.label())
            box.toggled.connect(lambda on, code=category.code: self._service_toggled(code, on))
            self.service_boxes[category.code] = box
        # Two columns, or one where the service names are long (Russian, Polish…)
        # so that the form fits a laptop screen without scrolling sideways.
        widest = max(box.sizeHint().width() for box in self.service_boxes.values())
        columns = 2 if widest <= self.fontMetrics().averageCharWidth() * 44 else 1
        for index, box in enumerate(self.service_boxes.values()):
            grid.addWidget(box, index // columns, index % columns)
        services_label = QLabel(_("&Services"))
        services_label.setBuddy(self.service_boxes[SERVICE_CATEGORIES[0].code])
        form.addRow(services_label, services)

        self.providers_box = QWidget()
        self.providers_form = QFormLayout(self.providers_box)
        self.providers_form.setContentsMargins(0, 0, 0, 0)
        self.providers_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.provider_combos: dict[str, QComboBox] = {}
        form.addRow(QLabel(_("Provider for each service")), self.providers_box)

        self.phone = QLineEdit()
        self.phone.setMaxLength(30)
        self.phone.setInputMethodHints(Qt.InputMethodHint.ImhDialableCharactersOnly)
        add_field(form, _("&Phone (optional)"), self.phone)
        self.phone.textChanged.connect(lambda text: setattr(self.draft, "phone", text))
        self.consent = QCheckBox(_("The parent agrees that we keep this number to follow up"))
        self.consent.toggled.connect(lambda on: setattr(self.draft, "phone_consent", on))
        form.addRow("", labelled(self.consent, self.consent.text()))

        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setMaximumHeight(self.notes.fontMetrics().height() * 5)
        add_field(form, _("N&otes (optional)"), self.notes,
                  description=_("Short and practical, e.g. “prefers evening classes”."))
        self.notes.textChanged.connect(lambda: setattr(self.draft, "notes", self.notes.toPlainText()))

        follow = QWidget()
        row = QHBoxLayout(follow)
        row.setContentsMargins(0, 0, 0, 0)
        self.follow_check = QCheckBox(_("Follow up on"))
        self.follow_date = QDateEdit()
        self.follow_date.setCalendarPopup(True)
        self.follow_date.setDisplayFormat("yyyy-MM-dd")
        labelled(self.follow_date, _("Follow-up date"))
        row.addWidget(self.follow_check)
        row.addWidget(self.follow_date)
        row.addStretch(1)
        form.addRow(QLabel(_("Follow-up")), follow)
        self.follow_check.toggled.connect(self._follow_changed)
        self.follow_date.dateChanged.connect(self._follow_changed)

        buttons = QHBoxLayout()
        self.save_button = QPushButton(_("Save") + "  (Ctrl+S)")
        self.print_button = QPushButton(_("Save and print") + "  (Ctrl+P)")
        self.clear_button = QPushButton(_("Clear form"))
        self.save_button.clicked.connect(lambda: self.save(print_after=False))
        self.print_button.clicked.connect(lambda: self.save(print_after=True))
        self.clear_button.clicked.connect(self._confirm_clear)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.print_button)
        buttons.addStretch(1)
        buttons.addWidget(self.clear_button)
        outer.addLayout(buttons)
        self.status = QLabel("")
        self.status.setAccessibleName(_("Form status"))
        outer.addWidget(self.status)

        self.set_draft(self.draft)

    # -- draft <-> widgets --------------------------------------------------

    def set_draft(self, draft: ReferralDraft) -> None:
        self._loading = True
        self.draft = draft.copy()
        self.language.choose(self.draft.language, announce=False)
        if not self.draft.language:
            self.language.search.clear()
        self.name.setText(self.draft.first_name)
        for code, box in self.service_boxes.items():
            box.setChecked(code in self.draft.services)
        self.phone.setText(self.draft.phone)
        self.consent.setChecked(self.draft.phone_consent)
        self.notes.setPlainText(self.draft.notes)
        self.follow_check.setChecked(self.draft.follow_up_on is not None)
        self.follow_date.setDate(_qdate(self.draft.follow_up_on or self.session.today()))
        self.follow_date.setEnabled(self.draft.follow_up_on is not None)
        self._loading = False
        self._rebuild_provider_rows()
        self._load_providers()

    def snapshot(self) -> ReferralDraft:
        return self.draft.copy()

    def is_blank(self) -> bool:
        return self.draft.is_blank(self.session.today())

    def reset(self) -> None:
        self.set_draft(ReferralDraft.fresh(self.session.today()))
        self.language.setFocus()

    def _confirm_clear(self) -> None:
        if self.is_blank() or messages.confirm(self, _("Clear the form? What you typed will be lost.")):
            self.reset()

    def _follow_changed(self, *_args: object) -> None:
        if self._loading:
            return
        on = self.follow_check.isChecked()
        self.follow_date.setEnabled(on)
        self.draft.follow_up_on = _pydate(self.follow_date.date()) if on else None

    def _language_chosen(self, code: str) -> None:
        self.draft.set_language(code)
        self._load_providers()
        first = self.service_boxes[SERVICE_CATEGORIES[0].code]
        first.setFocus(Qt.FocusReason.TabFocusReason)

    def _service_toggled(self, code: str, on: bool) -> None:
        if self._loading:
            return
        self.draft.set_service(code, on)
        self._rebuild_provider_rows()
        self._load_providers()

    # -- providers ------------------------------------------------------------

    def _load_providers(self) -> None:
        services, language = list(self.draft.services), self.draft.language or None
        if not services:
            return
        self._generation += 1
        generation = self._generation

        def fetch(store: Store) -> dict[str, list[ProviderService]]:
            return {service: providers_for(store, service, language) for service in services}

        def arrived(options: dict[str, list[ProviderService]]) -> None:
            if generation != self._generation:
                return
            self._options.update(options)
            self.draft.apply_suggestions({s: [p.id for p in ps] for s, ps in self._options.items()})
            self._rebuild_provider_rows()

        self.session.ops.query(fetch, arrived, parent=self)

    def _rebuild_provider_rows(self) -> None:
        while self.providers_form.rowCount():
            self.providers_form.removeRow(0)
        self.provider_combos.clear()
        if not self.draft.services:
            self.providers_form.addRow(QLabel(_("Choose services above; providers are suggested here.")))
            return
        for service in self.draft.services:
            combo = QComboBox()
            combo.addItem(_("No provider chosen"), None)
            for provider in self._options.get(service, []):
                speaks = self.draft.language in provider.languages
                text = f"{provider.organization_name} — {provider.name}"
                if speaks:
                    text += "  ✓ " + language_label(self.draft.language)
                combo.addItem(text, provider.id)
            compact_combo(combo, 24)
            chosen = self.draft.providers.get(service)
            index = combo.findData(chosen) if chosen else 0
            combo.setCurrentIndex(max(index, 0))
            combo.currentIndexChanged.connect(
                lambda _i, s=service, c=combo: self.draft.choose_provider(s, c.currentData()))
            add_field(self.providers_form, service_category(service).label(), combo)
            self.provider_combos[service] = combo

    # -- saving ---------------------------------------------------------------

    def save(self, *, print_after: bool) -> None:
        if self.busy:
            return
        draft = self.snapshot()
        today = self.session.today()
        try:
            draft.to_new_referral(today)  # reports a missing language at once
        except Exception as error:  # InvalidInput: say it, keep the form
            messages.show_error(self, str(error))
            self.language.setFocus()
            return
        language, by = self.session.ui_language(), self.session.recorded_by

        def write(store: Store) -> int:
            # Suggestions are applied here too, so a quick Ctrl+S before the
            # provider list arrived still records the suggested providers.
            options = {s: [p.id for p in providers_for(store, s, draft.language)] for s in draft.services}
            draft.apply_suggestions(options)
            final = draft.to_new_referral(today)
            return add_referral(store, final, today=today, ui_language=language, recorded_by=by)

        def done(referral_id: int) -> None:
            self.busy = False
            self.status.setText(_("Referral {id} saved.").format(id=referral_id))
            self.reset()
            self.saved.emit(referral_id)
            if print_after:
                self.print_requested.emit(referral_id)

        def failed(error: BaseException) -> None:
            self.busy = False
            messages.show_error(self, str(error))
            if isinstance(error, SensitiveNotes):
                self.notes.setFocus()
                self.notes.selectAll()

        self.busy = True
        self.session.ops.write(write, {REFERRALS}, on_result=done, on_error=failed, parent=self)
