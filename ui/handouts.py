"""Blank service handouts for events: a service, a language (or all of
them in one PDF), then print, preview or save. No personal data is involved."""

from __future__ import annotations

from schoolintake.i18n import _
from schoolintake.languages import LANGUAGES
from schoolintake.services import SERVICE_CATEGORIES

from .qt import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QPushButton, QVBoxLayout, QWidget, Signal
from .sheet_actions import SheetJob, blank_handout
from .widgets import add_field, heading


class HandoutDialog(QDialog):
    print_requested = Signal(object)  # SheetJob
    preview_requested = Signal(object)
    save_pdf_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Blank handouts"))
        layout = QVBoxLayout(self)
        layout.addWidget(heading(_("Blank handouts")))
        explanation = QLabel(_("A sheet about one service, with no personal details, to hand out at events."))
        explanation.setWordWrap(True)
        layout.addWidget(explanation)
        form = QFormLayout()
        self.service = QComboBox()
        for category in SERVICE_CATEGORIES:
            self.service.addItem(category.label(), category.code)
        add_field(form, _("&Service"), self.service)
        self.language = QComboBox()
        self.language.addItem(_("All languages, in one PDF"), None)
        for language in LANGUAGES:
            self.language.addItem(language.autonym, language.code)
        add_field(form, _("&Language"), self.language)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        for text, signal in ((_("&Print sheet…"), self.print_requested), (_("Pre&view sheet…"), self.preview_requested),
                             (_("Save sheet as P&DF…"), self.save_pdf_requested)):
            button = QPushButton(text)
            button.clicked.connect(lambda _c=False, s=signal: s.emit(self.job()))
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def choose(self, service: str, language: str | None) -> None:
        self.service.setCurrentIndex(self.service.findData(service))
        self.language.setCurrentIndex(self.language.findData(language) if language else 0)

    def job(self) -> SheetJob:
        return blank_handout(self.service.currentData(), self.language.currentData())
