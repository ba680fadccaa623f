"""Message boxes, in one place so tests can answer them without a screen.

Callers use ``messages.show_error(...)`` (module attribute look-up), so a
test can replace a function here and record what the user would have seen.
"""

from __future__ import annotations

from schoolintake.i18n import _

from .qt import QMessageBox, QWidget


def show_error(parent: QWidget | None, text: str) -> None:
    QMessageBox.warning(parent, _("School Intake"), text)


def show_info(parent: QWidget | None, text: str) -> None:
    QMessageBox.information(parent, _("School Intake"), text)


def confirm(parent: QWidget | None, text: str) -> bool:
    answer = QMessageBox.question(parent, _("School Intake"), text)
    return answer == QMessageBox.StandardButton.Yes
