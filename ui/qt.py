"""The one place the front end imports Qt from.

Keeping every Qt import here makes a change of binding or version one edit,
and keeps the rule visible: ``schoolintake`` (the core) never imports Qt.
Printing and test support load on first use (PEP 562), so the unlock screen
does not wait for them.
"""

from typing import Any

from PySide6.QtCore import *  # noqa: F401,F403
from PySide6.QtGui import *  # noqa: F401,F403
from PySide6.QtWidgets import *  # noqa: F401,F403
from PySide6.QtCore import Signal, Slot  # noqa: F401  (explicit, for readers and linters)
from shiboken6 import isValid  # noqa: F401  (is the C++ object behind a wrapper still alive?)

_LAZY = {
    "QPrintDialog": "PySide6.QtPrintSupport",
    "QPrinter": "PySide6.QtPrintSupport",
    "QPrintPreviewDialog": "PySide6.QtPrintSupport",
    "QTest": "PySide6.QtTest",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(name)
