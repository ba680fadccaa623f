"""The one place the front end imports Qt from.

Keeping every Qt import here makes a change of binding or version one edit,
and keeps the rule visible: ``schoolintake`` (the core) never imports Qt.
"""

from PySide6.QtCore import *  # noqa: F401,F403
from PySide6.QtGui import *  # noqa: F401,F403
from PySide6.QtWidgets import *  # noqa: F401,F403
from PySide6.QtCore import Signal, Slot  # noqa: F401  (explicit, for readers and linters)
from PySide6.QtTest import QTest  # noqa: F401  (scripted input for screenshots and tests)
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog  # noqa: F401
from shiboken6 import isValid  # noqa: F401  (is the C++ object behind a wrapper still alive?)
