"""Settings and admin: language, site, idle lock, retention; passphrase,
backup, restore and the integrity check. Each button is one core call."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from schoolintake.errors import InvalidInput, SchoolIntakeError
from schoolintake.i18n import _, ngettext, ui_language
from schoolintake.languages import LANGUAGES
from schoolintake.referral import Site
from schoolintake.retention import apply_retention
from schoolintake.site import load_site, save_site, set_setting, setting
from schoolintake.store import Store, restore

from . import messages
from .operations import DIRECTORY, REFERRALS, SETTINGS, SITE, DelayedProgress, describe_error
from .passphrase_fields import PassphraseFields
from .qt import (
    QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout, QLineEdit,
    QPushButton, QScrollArea, QSpinBox, QVBoxLayout, QWidget, Signal,
)
from .session import Session
from .widgets import LazyPage, add_field, count_suffix, heading, note


@dataclass(frozen=True)
class SettingsValues:
    site: Site
    idle_lock_minutes: int
    retention_days: int


def load_values(store: Store) -> SettingsValues:
    return SettingsValues(load_site(store), setting(store, "idle_lock_minutes"), setting(store, "retention_days"))


class PassphraseDialog(QDialog):
    """Asks for passphrases: optionally the current one, and a new one twice."""

    def __init__(self, parent: QWidget | None, title: str, *, current_label: str = "", new: bool = True,
                 explanation: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        if explanation:
            layout.addWidget(note(explanation))
        form = QFormLayout()
        self.current = QLineEdit()
        self.current.setEchoMode(QLineEdit.EchoMode.Password)
        if current_label:
            add_field(form, current_label, self.current)
        layout.addLayout(form)
        self.fields = PassphraseFields() if new else None
        if self.fields:
            layout.addWidget(self.fields)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _accept(self) -> None:
        if self.fields and not self.fields.acceptable():
            messages.show_error(self, _("Choose a stronger passphrase and type it the same way twice."))
            return
        self.accept()


def _days(n: int) -> str:
    # TRANSLATORS: a number of days (also shown in a number box); keep {n} in every form.
    return ngettext("{n} day", "{n} days", n)


class SettingsPage(LazyPage):
    language_changed = Signal(str)
    lock_requested = Signal()

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        outer = QVBoxLayout(self)
        outer.addWidget(heading(_("Settings")))
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        body = QWidget()
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        layout = QVBoxLayout(body)

        box = QGroupBox(_("This computer"))
        form = QFormLayout(box)
        self.language = QComboBox()
        for lang in LANGUAGES:
            self.language.addItem(lang.autonym, lang.code)
        self.language.setCurrentIndex(max(0, self.language.findData(ui_language())))
        add_field(form, _("Application &language"), self.language)
        self.language.activated.connect(lambda _i: self.language_changed.emit(self.language.currentData()))
        layout.addWidget(box)

        box = QGroupBox(_("Site"))
        form = QFormLayout(box)
        self.school, self.code, self.partner = QLineEdit(), QLineEdit(), QLineEdit()
        add_field(form, _("&School name"), self.school)
        add_field(form, _("&DOE school code"), self.code)
        add_field(form, _("Partner &organisation"), self.partner)
        save_site_button = QPushButton(_("Save site"))
        save_site_button.clicked.connect(self.save_site)
        form.addRow("", save_site_button)
        layout.addWidget(box)

        box = QGroupBox(_("Privacy and safety"))
        form = QFormLayout(box)
        self.idle = QSpinBox()
        self.idle.setRange(1, 60)
        # TRANSLATORS: shown in a number box; keep {n} in every form.
        count_suffix(self.idle, lambda n: ngettext("{n} minute", "{n} minutes", n))
        self.retention = QSpinBox()
        self.retention.setRange(30, 3650)
        count_suffix(self.retention, _days)
        add_field(form, _("Lock after &idle"), self.idle)
        add_field(form, _("Keep personal details for"), self.retention,
                  description=_("After this, names, phone numbers and notes are removed; counts stay."))
        row = QHBoxLayout()
        save_settings = QPushButton(_("Save settings"))
        save_settings.clicked.connect(self.save_settings)
        purge = QPushButton(_("Remove old personal details now"))
        purge.clicked.connect(self.purge)
        row.addWidget(save_settings)
        row.addWidget(purge)
        form.addRow("", row)
        layout.addWidget(box)

        box = QGroupBox(_("Database"))
        row = QHBoxLayout(box)
        for text, slot in ((_("Change passphrase…"), self.change_passphrase), (_("Backup…"), self.backup),
                           (_("Restore…"), self.restore), (_("Check integrity"), self.check)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            row.addWidget(button)
        layout.addWidget(box)
        self.result = note("")
        self.result.setAccessibleName(_("Result"))
        layout.addWidget(self.result)
        layout.addStretch(1)

    def reload(self) -> None:
        self.session.ops.query(load_values, self._show, parent=self)

    def _show(self, values: SettingsValues) -> None:
        self.school.setText(values.site.school_name)
        self.code.setText(values.site.doe_code)
        self.partner.setText(values.site.partner_organisation)
        self.idle.setValue(values.idle_lock_minutes)
        self.retention.setValue(values.retention_days)

    def _done(self, text: str) -> None:
        self.result.setText(text)

    def _announce(self, text: str, *, problem: bool = False) -> None:
        """The result of an admin action: on the page, and said once in a message box."""
        self.result.setText(text)
        (messages.show_error if problem else messages.show_info)(self, text)

    def save_site(self) -> None:
        site = Site(self.school.text(), self.code.text(), self.partner.text())
        self.session.ops.write(lambda store: save_site(store, site), {SITE},
                               on_result=lambda _s: self._done(_("Site saved.")), parent=self)

    def save_settings(self) -> None:
        idle, retention = self.idle.value(), self.retention.value()

        def write(store: Store) -> None:
            set_setting(store, "idle_lock_minutes", idle)
            set_setting(store, "retention_days", retention)

        def done(_r: object) -> None:
            self.session.idle_lock_minutes = idle
            self._done(_("Settings saved."))

        self.session.ops.write(write, {SETTINGS}, on_result=done, parent=self)

    def purge(self) -> None:
        days = self.retention.value()
        # TRANSLATORS: {period} is a number of days, e.g. "365 days".
        if not messages.confirm(self, _("Remove names, phone numbers and notes from referrals older than {period}? "
                                        "Counts stay.").format(period=_days(days).format(n=days))):
            return
        self.session.ops.write(apply_retention, {REFERRALS},
                               on_result=lambda n: self._done(
                                   ngettext("Personal details removed from {n} referral.",
                                            "Personal details removed from {n} referrals.", n).format(n=n)),
                               parent=self)

    def change_passphrase(self) -> None:
        dialog = PassphraseDialog(self, _("Change passphrase"), current_label=_("&Current passphrase"))
        if not dialog.exec():
            return
        current, new = dialog.current.text(), dialog.fields.value() if dialog.fields else ""

        def work(store: Store) -> None:
            Store.open(store.path, current).close()  # proves the current passphrase
            store.change_passphrase(new)

        self.session.ops.write(work, set(), on_result=lambda _r: self._announce(_("The passphrase was changed.")),
                               on_error=self._failed, parent=self, progress=_("Re-encrypting the database…"))

    def backup(self) -> None:
        name, _filter = QFileDialog.getSaveFileName(self, _("Backup file"), "schoolintake-backup.db",
                                                    _("School Intake backups (*.db)"))
        if not name:
            return
        dialog = PassphraseDialog(self, _("Backup passphrase"), explanation=_(
            "The backup is encrypted with its own passphrase. You need it to restore the backup."))
        if not dialog.exec() or dialog.fields is None:
            return
        secret, target = dialog.fields.value(), Path(name)
        self.session.ops.write(lambda store: store.backup(target, secret), set(),
                               on_result=lambda path: self._announce(_("Encrypted backup written to {path}.")
                                                                     .format(path=path)),
                               on_error=self._failed, parent=self, progress=_("Writing the encrypted backup…"))

    def restore(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(self, _("Backup to restore"), "",
                                                    _("School Intake backups (*.db)"))
        if not name:
            return
        if not messages.confirm(self, _("Replace everything in this database with the backup's content?")):
            return
        dialog = PassphraseDialog(self, _("Restore"), current_label=_("&Backup's passphrase"), new=False)
        current = PassphraseDialog(self, _("Restore"), current_label=_("&This database's passphrase"), new=False)
        if not dialog.exec() or not current.exec():
            return
        backup_secret, secret, source = dialog.current.text(), current.current.text(), Path(name)

        kept: list[BaseException] = []
        closed: list[bool] = []

        def swap(store: Store | None) -> Store:
            if store is None:
                raise InvalidInput(_("The database is locked."))
            path = store.path
            # A wrong passphrase for this database is found before anything is closed.
            Store.open(path, secret).close()
            store.close()
            closed.append(True)
            try:
                return restore(source, backup_secret, path, secret)
            except SchoolIntakeError as error:
                # The file is replaced only once the restored copy verified, so it is intact: reopen it.
                kept.append(error)
                return Store.open(path, secret)

        def done(_store: object) -> None:
            indicator.finish()
            if kept:
                self._announce(str(kept[0]), problem=True)
                return
            self._announce(_("{path} was restored from {backup}.").format(path=self.session.db_path, backup=source))
            self.session.ops.changed.emit(frozenset({REFERRALS, SITE, SETTINGS, DIRECTORY}))
            self.reload()

        def failed(error: BaseException) -> None:
            indicator.finish()
            self._announce(describe_error(error), problem=True)
            if closed:
                self.lock_requested.emit()  # the store could not be reopened; unlock again

        indicator = DelayedProgress(self, _("Restoring the backup…"))
        self.session.worker.replace_store(swap, done, failed)

    def _failed(self, error: BaseException) -> None:
        self._announce(str(error), problem=True)

    def check(self) -> None:
        def done(problems: list[str]) -> None:
            if not problems:
                self._announce(_("The database is intact."))
            else:
                self._announce(_("The database has problems; restore it from a backup.") + "\n" + "\n".join(problems),
                               problem=True)

        self.session.ops.write(lambda store: store.integrity_problems(), set(), on_result=done, parent=self,
                               progress=_("Checking the database…"))
