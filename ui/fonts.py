"""Fonts for the screens: the same bundled files as the sheets.

A Linux machine without Noto, CJK or Nanum fonts would draw Bengali, Chinese
and Korean as empty boxes (and Arabic script in DejaVu's plain forms). At
start-up every bundled non-Latin file is registered with Qt (about 20 ms for
all of them, measured by ``tests/bench/bench_gui.py``), so the language
pickers' autonyms always have glyphs and Qt's fallback finds them; the UI
language's own family then leads the application font's family list, with
the system font after it for Latin and Cyrillic.
"""

from __future__ import annotations

import time

from schoolintake.fonts import font_files, ui_family, ui_font_files

from .qt import QApplication, QFont, QFontDatabase

_families: dict[str, str] = {}  # file name -> Qt family name
_base_font: QFont | None = None
registration_ms = 0.0


def register_bundled_fonts() -> float:
    """Register the bundled fonts once per process; returns the milliseconds it took."""
    global registration_ms
    if _families:
        return 0.0
    start = time.perf_counter()
    for path in ui_font_files():
        font_id = QFontDatabase.addApplicationFont(str(path))
        families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        if families:
            _families[path.name] = families[0]
    registration_ms = (time.perf_counter() - start) * 1000
    return registration_ms


def ui_font_family(code: str) -> str | None:
    """The Qt family that leads for ``code`` (None: the system font)."""
    family = ui_family(code)
    return None if family is None else _families.get(font_files(family)[0].name)


def apply_ui_font(code: str) -> None:
    """Make the UI language's bundled family the first choice of the application font."""
    global _base_font
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    register_bundled_fonts()
    if _base_font is None:
        _base_font = QFont(app.font())
    font = QFont(_base_font)
    lead = ui_font_family(code)
    if lead is not None:
        font.setFamilies([lead, *_base_font.families()])
    app.setFont(font)
