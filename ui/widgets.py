"""Small building blocks shared by the screens: labelled fields, headings.

Every field gets a visible label that is its buddy (so Alt+letter focuses it
and a screen reader announces it) and an accessible name. Fonts are scaled
relative to the application font, so text follows the system font size.
"""

from __future__ import annotations

from .qt import QFont, QFormLayout, QLabel, QWidget

FOCUS_STYLE = """
QLineEdit:focus, QPlainTextEdit:focus, QComboBox:focus, QDateEdit:focus, QListWidget:focus,
QTableView:focus, QSpinBox:focus { border: 2px solid palette(highlight); }
QCheckBox:focus, QPushButton:focus { outline: 2px solid palette(highlight); }
"""


def add_field(form: QFormLayout, text: str, widget: QWidget, *, description: str = "") -> QLabel:
    label = QLabel(text)
    label.setBuddy(widget)
    widget.setAccessibleName(text.replace("&", ""))
    if description:
        widget.setAccessibleDescription(description)
        widget.setToolTip(description)
    form.addRow(label, widget)
    return label


def labelled(widget: QWidget, text: str) -> QWidget:
    """Give a widget that has no visible label of its own an accessible name."""
    widget.setAccessibleName(text.replace("&", ""))
    return widget


def heading(text: str, scale: float = 1.4) -> QLabel:
    label = QLabel(text)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(True)
    label.setFont(font)
    label.setAccessibleName(text)
    return label


def note(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setAccessibleName(text)
    return label
