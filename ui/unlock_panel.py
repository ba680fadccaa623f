"""The unlock screen: shown at start and whenever the app is locked.

It shows nothing from the database. A wrong passphrase says so plainly and
the field waits before the next try (longer after each miss).
"""

from __future__ import annotations

import math

from schoolintake.errors import WrongPassphrase
from schoolintake.i18n import _, ngettext

from .operations import describe_error
from .qt import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QTimer, QVBoxLayout, QWidget, Signal
from .session import Session
from .widgets import add_field, heading, note


class UnlockPanel(QWidget):
    unlocked = Signal()

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        box = QWidget()
        box.setMaximumWidth(box.fontMetrics().averageCharWidth() * 70)
        layout = QVBoxLayout(box)
        layout.addWidget(heading(_("School Intake is locked"), 1.6))
        layout.addWidget(note(_("Type the passphrase to open the database {name}.").format(
            name=session.db_path.name)))
        form = QFormLayout()
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        add_field(form, _("&Passphrase"), self.passphrase)
        layout.addLayout(form)
        if session.demo:
            self.passphrase.setText(session.demo_passphrase)
            layout.addWidget(note(_("This is the demo database of made-up referrals; its passphrase is "
                                    "filled in for you.")))
        self.button = QPushButton(_("&Unlock"))
        self.button.setDefault(True)
        # Placed with stretches rather than alignment flags: the Qt namespace
        # (~25 ms to create) is not needed before the database is open.
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.button)
        layout.addLayout(row)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setAccessibleName(_("Unlock message"))
        layout.addWidget(self.message)
        centred = QHBoxLayout()
        centred.addStretch(1)
        centred.addWidget(box, 4)
        centred.addStretch(1)
        outer.addLayout(centred)
        outer.addStretch(2)
        self.button.clicked.connect(self.submit)
        self.passphrase.returnPressed.connect(self.submit)
        self._wait = QTimer(self)
        self._wait.setInterval(250)
        self._wait.timeout.connect(self._tick)
        self._remaining = 0.0
        if session.throttle.delay():
            self._start_wait(session.throttle.delay())

    def focus(self) -> None:
        self.passphrase.setFocus()

    def submit(self) -> None:
        if self._remaining > 0 or not self.button.isEnabled():
            return
        secret = self.passphrase.text()
        if not secret:
            self.message.setText(_("Type the passphrase."))
            return
        self._set_enabled(False)
        self.message.setText(_("Unlocking…"))
        self.session.opened.connect(self._opened)
        self.session.unlock(secret, self._failed)

    def _opened(self) -> None:
        self.session.opened.disconnect(self._opened)
        self.passphrase.clear()
        self.unlocked.emit()

    def _failed(self, error: BaseException) -> None:
        self.session.opened.disconnect(self._opened)
        self.passphrase.clear()
        if isinstance(error, WrongPassphrase):
            self.message.setText(_("Wrong passphrase."))
            self._start_wait(self.session.throttle.delay())
        else:
            self.message.setText(describe_error(error))
            self._set_enabled(True)
            self.passphrase.setFocus()

    def _start_wait(self, seconds: float) -> None:
        self._remaining = seconds
        self._set_enabled(False)
        self._tick(first=True)
        self._wait.start()

    def _tick(self, first: bool = False) -> None:
        if not first:
            self._remaining -= self._wait.interval() / 1000
        if self._remaining <= 0:
            self._wait.stop()
            self._remaining = 0
            self._set_enabled(True)
            self.message.setText(_("Wrong passphrase. Try again."))
            self.passphrase.setFocus()
            return
        seconds = math.ceil(self._remaining)
        self.message.setText(ngettext("Wrong passphrase. You can try again in {n} second.",
                                      "Wrong passphrase. You can try again in {n} seconds.", seconds).format(n=seconds))

    def _set_enabled(self, on: bool) -> None:
        self.passphrase.setEnabled(on)
        self.button.setEnabled(on)
