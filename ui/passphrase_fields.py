"""A new passphrase typed twice, with strength feedback from the core."""

from __future__ import annotations

from schoolintake.i18n import _
from schoolintake.passphrase import strength

from .qt import QFormLayout, QLabel, QLineEdit, QProgressBar, QWidget, Signal
from .widgets import add_field


class PassphraseFields(QWidget):
    changed = Signal()

    def __init__(self, first_label: str = "", second_label: str = "") -> None:
        super().__init__()
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.first = QLineEdit()
        self.second = QLineEdit()
        for edit in (self.first, self.second):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.textChanged.connect(self._update)
        add_field(form, first_label or _("New &passphrase"), self.first)
        add_field(form, second_label or _("Type it &again"), self.second)
        self.meter = QProgressBar()
        self.meter.setRange(0, 4)
        self.meter.setTextVisible(False)
        self.meter.setAccessibleName(_("Passphrase strength"))
        self.verdict = QLabel("")
        self.verdict.setWordWrap(True)
        self.verdict.setAccessibleName(_("Passphrase advice"))
        form.addRow(_("Strength"), self.meter)
        form.addRow("", self.verdict)
        self._update()

    def _update(self) -> None:
        verdict = strength(self.first.text())
        self.meter.setValue(verdict.score)
        text = f"{verdict.label}. {verdict.advice}" if self.first.text() else verdict.advice
        if self.second.text() and self.second.text() != self.first.text():
            text += " " + _("The two passphrases differ.")
        self.verdict.setText(text)
        self.changed.emit()

    def acceptable(self) -> bool:
        return strength(self.first.text()).acceptable and self.first.text() == self.second.text()

    def value(self) -> str:
        return self.first.text()

    def clear(self) -> None:
        self.first.clear()
        self.second.clear()
