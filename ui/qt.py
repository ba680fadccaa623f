"""The one place the front end imports Qt from.

Keeping every Qt import here makes a change of binding or version one edit,
and keeps the rule visible: ``schoolintake`` (the core) never imports Qt.

Names are looked up on first use (PEP 562) rather than star-imported:
PySide6 creates its Python types lazily, and ``import *`` would make it
build all ~1,500 of QtCore, QtGui and QtWidgets before the unlock screen
(about 170 ms here, most of the app's start-up). Printing and test support
modules load only when one of their names is asked for.
"""

import sys
from typing import Any

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import Signal, Slot  # noqa: F401  (explicit, for readers and linters)
from shiboken6 import isValid  # noqa: F401  (is the C++ object behind a wrapper still alive?)



def _read_sources_without_keeping_them() -> None:
    """PySide6 asks of every module imported after it whether its source
    mentions "PySide6" (for its ``__feature__`` switches), with
    ``inspect.getsource``, which keeps every line of every module in
    ``linecache`` for the life of the process: ~50,000 lines and several MB
    here, before the unlock screen. Same question, same answer, without
    keeping the text. (A frozen build has no sources: the check finds none.)"""
    feature = sys.modules.get("shibokensupport.feature")
    original = getattr(feature, "_mod_uses_pyside", None)
    if original is None:  # another PySide6 version: leave it alone
        return

    def uses_pyside(module: object) -> bool:
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or not path.endswith(".py"):
            return bool(original(module))
        try:
            with open(path, "rb") as source:
                return b"PySide6" in source.read()
        except OSError:
            return False

    feature._mod_uses_pyside = uses_pyside  # type: ignore[union-attr]


_read_sources_without_keeping_them()

#: Searched in this order (a name in two modules is taken from the first, as
#: the former star imports did with the last).
_MODULES = (QtWidgets, QtGui, QtCore)

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
    else:
        for module in _MODULES:
            value = getattr(module, name, None)
            if value is not None:
                break
        else:
            raise AttributeError(name)
    globals()[name] = value  # the next look-up is a plain global
    return value
