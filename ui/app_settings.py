"""Front-end preferences kept outside the database (in an INI file).

Only what is needed before the database is unlocked, and nothing personal:
the UI language, the database path and the window geometry. The canary
test scans this file.
"""

from __future__ import annotations

from pathlib import Path

from schoolintake.languages import LANGUAGE_CODES

from .qt import QByteArray, QSettings


class AppSettings:
    def __init__(self, path: Path | None = None) -> None:
        if path is None:
            from schoolintake import paths  # platformdirs: only when no path was given

            path = paths.config_dir() / "ui.ini"
        self.path = Path(path)
        self._settings = QSettings(str(self.path), QSettings.Format.IniFormat)

    @property
    def ui_language(self) -> str:
        value = str(self._settings.value("ui_language", "en"))
        return value if value in LANGUAGE_CODES else "en"

    @ui_language.setter
    def ui_language(self, code: str) -> None:
        self._settings.setValue("ui_language", code)
        self._settings.sync()

    @property
    def geometry(self) -> QByteArray | None:
        value = self._settings.value("geometry")
        return value if isinstance(value, QByteArray) else None

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self._settings.setValue("geometry", value)
        self._settings.sync()
