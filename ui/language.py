"""Switching the UI language: gettext, Qt's own strings, layout direction.

Qt's standard buttons and dialogs (Cancel, Close, the wizard's Next, the
file dialog) are translated by Qt's catalogues shipped with PySide6
(``qtbase_<lang>.qm``), loaded with a QTranslator. Qt ships them for
Arabic, Chinese, Korean, Polish, Russian, Spanish and French; there are none
for Bengali, Haitian Creole or Urdu, where Qt's own strings stay in English.
"""

from __future__ import annotations

from schoolintake.i18n import set_ui_language
from schoolintake.languages import language

from .fonts import apply_ui_font
from .qt import QCoreApplication, QGuiApplication, QLibraryInfo, QTranslator

#: Our language codes whose Qt catalogue has another name.
_QT_NAMES = {"zh_Hans": "zh_CN", "zh_Hant": "zh_TW"}

_installed: list[QTranslator] = []


def qt_catalog_name(code: str) -> str:
    return f"qtbase_{_QT_NAMES.get(code, code)}"


def install_qt_translations(code: str) -> bool:
    """Translate Qt's own strings into ``code``; False if Qt has no catalogue for it."""
    app = QCoreApplication.instance()
    if app is None:
        return False
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    if code == "en":
        return True
    translator = QTranslator(app)
    if not translator.load(qt_catalog_name(code), QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        return False
    app.installTranslator(translator)
    _installed.append(translator)
    return True


def apply_ui_language(code: str) -> None:
    """Switch gettext, Qt's translations, the font and the layout direction
    (Arabic and Urdu mirror everything). Widgets already built keep their
    text: the main window rebuilds its workspace after calling this."""
    set_ui_language(code)
    install_qt_translations(code)
    apply_ui_font(code)
    app = QCoreApplication.instance()
    rtl = language(code).right_to_left
    # Only when it changes: the Qt namespace costs ~25 ms to build, and English
    # (left to right, Qt's default) needs none of it before the unlock screen.
    if isinstance(app, QGuiApplication) and rtl != QGuiApplication.isRightToLeft():
        from .qt import Qt

        app.setLayoutDirection(Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight)
