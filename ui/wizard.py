"""First-run set-up: a QWizard that renders :class:`FirstRunSetup`.

The steps and checks are the core's; each page's ``validatePage`` hands the
user's input to the state machine and shows its error in plain words.
"""

from __future__ import annotations

from schoolintake.errors import InvalidInput
from schoolintake.i18n import _
from schoolintake.languages import LANGUAGES
from schoolintake.setup_flow import LOST_PASSPHRASE_WARNING, FirstRunSetup

from .passphrase_fields import PassphraseFields
from .qt import QCheckBox, QComboBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget, QWizard, QWizardPage
from .widgets import add_field, note


class _Page(QWizardPage):
    def __init__(self, flow: FirstRunSetup, title: str) -> None:
        super().__init__()
        self.flow = flow
        self.setTitle(title)
        self.error = QLabel("")
        self.error.setWordWrap(True)
        self.error.setAccessibleName(_("Problem"))

    def fail(self, error: InvalidInput) -> bool:
        self.error.setText(str(error))
        return False


class PassphrasePage(_Page):
    def __init__(self, flow: FirstRunSetup) -> None:
        super().__init__(flow, _("Choose a passphrase"))
        layout = QVBoxLayout(self)
        warning = note(_(LOST_PASSPHRASE_WARNING))
        warning.setObjectName("warning")
        layout.addWidget(warning)
        self.fields = PassphraseFields()
        layout.addWidget(self.fields)
        layout.addWidget(self.error)

    def validatePage(self) -> bool:
        try:
            self.flow.set_passphrase(self.fields.first.text(), self.fields.second.text())
        except InvalidInput as error:
            return self.fail(error)
        self.fields.clear()  # the flow holds it until the database is made
        return True


class SitePage(_Page):
    def __init__(self, flow: FirstRunSetup) -> None:
        super().__init__(flow, _("Your site"))
        layout = QVBoxLayout(self)
        layout.addWidget(note(_("The school where referrals are made, and your organisation.")))
        form = QFormLayout()
        self.school = QLineEdit()
        self.code = QLineEdit()
        self.code.setPlaceholderText("15K058")
        self.partner = QLineEdit()
        add_field(form, _("&School name"), self.school)
        add_field(form, _("&DOE school code"), self.code, description=_("District, borough letter, number: 15K058"))
        add_field(form, _("&Partner organisation"), self.partner)
        layout.addLayout(form)
        layout.addWidget(self.error)

    def validatePage(self) -> bool:
        try:
            self.flow.set_site(self.school.text(), self.code.text(), self.partner.text())
        except InvalidInput as error:
            return self.fail(error)
        return True


class LanguagePage(_Page):
    def __init__(self, flow: FirstRunSetup) -> None:
        super().__init__(flow, _("Language of the application"))
        layout = QVBoxLayout(self)
        layout.addWidget(note(_("The language you work in. Each parent's sheet is printed in their own language, "
                                "whatever you choose here.")))
        form = QFormLayout()
        self.language = QComboBox()
        for lang in LANGUAGES:
            self.language.addItem(lang.autonym, lang.code)
        self.language.setCurrentIndex(max(0, self.language.findData(flow.ui_language)))
        add_field(form, _("&Language"), self.language)
        layout.addLayout(form)

    def validatePage(self) -> bool:
        self.flow.set_ui_language(self.language.currentData())
        return True


class DirectoryPage(_Page):
    def __init__(self, flow: FirstRunSetup) -> None:
        super().__init__(flow, _("Service directory"))
        layout = QVBoxLayout(self)
        layout.addWidget(note(_("School Intake comes with a starter directory of New York City services "
                                "(English classes, IDNYC, health care, legal help…). You can edit it later.")))
        self.load = QCheckBox(_("&Load the starter directory"))
        self.load.setChecked(True)
        layout.addWidget(self.load)
        layout.addWidget(note(_("When you press Finish, the encrypted database is created. Make a backup from "
                                "Settings once you have entered some referrals.")))

    def validatePage(self) -> bool:
        self.flow.load_directory = self.load.isChecked()
        return True


class FirstRunWizard(QWizard):
    def __init__(self, flow: FirstRunSetup, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.flow = flow
        self.setWindowTitle(_("Set up School Intake"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.passphrase_page = PassphrasePage(flow)
        self.site_page = SitePage(flow)
        self.language_page = LanguagePage(flow)
        self.directory_page = DirectoryPage(flow)
        for page in (self.passphrase_page, self.site_page, self.language_page, self.directory_page):
            self.addPage(page)
        self.resize(640, 480)
