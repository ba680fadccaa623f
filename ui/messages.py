"""Message boxes, in one place so tests can answer them without a screen.

Callers use ``messages.show_error(...)`` (module attribute look-up), so a
test can replace a function here and record what the user would have seen.
"""

from __future__ import annotations

from schoolintake.i18n import _

from .qt import QWidget

# QMessageBox is looked up when a box is shown: this module loads before the unlock screen.


def show_error(parent: QWidget | None, text: str) -> None:
    from .qt import QMessageBox

    QMessageBox.warning(parent, _("School Intake"), text)


def show_info(parent: QWidget | None, text: str) -> None:
    from .qt import QMessageBox

    QMessageBox.information(parent, _("School Intake"), text)


def confirm(parent: QWidget | None, text: str) -> bool:
    from .qt import QMessageBox

    answer = QMessageBox.question(parent, _("School Intake"), text)
    return answer == QMessageBox.StandardButton.Yes
