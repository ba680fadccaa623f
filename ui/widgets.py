"""Small building blocks shared by the screens: labelled fields, headings.

Every field gets a visible label that is its buddy (so Alt+letter focuses it
and a screen reader announces it) and an accessible name. Fonts are scaled
relative to the application font, so text follows the system font size.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .qt import QComboBox, QFont, QFormLayout, QLabel, QSpinBox, QWidget

if TYPE_CHECKING:
    from .session import Session

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


def compact_combo(combo: QComboBox, chars: int = 14) -> QComboBox:
    """A combo box that may be narrower than its longest item (its popup still
    shows every item whole), so a row of filters in a verbose language does not
    make the window wider than a laptop screen."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(chars)
    from .qt import Qt  # here: this module loads before the unlock screen, which needs no Qt namespace

    view = combo.view()
    view.setTextElideMode(Qt.TextElideMode.ElideNone)
    view.setMinimumWidth(view.sizeHintForColumn(0) + 2 * view.frameWidth() + view.verticalScrollBar().sizeHint().width())
    return combo


def count_suffix(spin: QSpinBox, template: Callable[[int], str]) -> None:
    """Show a number box's unit in the plural form its value needs ("1 day",
    "3 дня", "5 дней"): ``template(n)`` is an ``ngettext`` text with ``{n}``."""

    def update(n: int) -> None:
        before, _n, after = template(n).partition("{n}")
        spin.setPrefix(before)
        spin.setSuffix(after)

    spin.valueChanged.connect(update)
    update(spin.value())


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


class LazyPage(QWidget):
    """A page that reads the store only when first shown, so unlocking pays
    for the home page alone, and again whenever an operation changes one of
    ``reload_on`` (while loaded)."""

    reload_on: frozenset[str] = frozenset()

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.loaded = False
        if self.reload_on:
            session.ops.changed.connect(self._store_changed)

    def activate(self) -> None:
        if not self.loaded:
            self.loaded = True
            self.reload()

    def reload(self) -> None:
        """Read the page's data from the store (through ``session.ops``)."""
        raise NotImplementedError

    def refresh(self) -> None:
        """What a change of the data does; by default, read it again."""
        self.reload()

    def _store_changed(self, changes: frozenset[str]) -> None:
        if self.loaded and changes & self.reload_on:
            self.refresh()
