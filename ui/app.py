"""Starting the application: first-run set-up, the demo, or the unlock screen."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING


from . import messages
from .app_settings import AppSettings
from .language import apply_ui_language
from .main_window import MainWindow
from .operations import describe_error
from .qt import QApplication
from .session import Session

if TYPE_CHECKING:
    from schoolintake.setup_flow import FirstRunSetup


def _once(session: Session, slot: Callable[[], None]) -> Callable[[], None]:
    """Connect ``slot`` to the next ``opened`` only; returns the disconnector."""

    def fire() -> None:
        session.opened.disconnect(fire)
        slot()

    session.opened.connect(fire)
    return lambda: session.opened.disconnect(fire)


class Launcher:
    """Decides what the user sees first; nothing here blocks, so tests drive it."""

    def __init__(self, args: argparse.Namespace, settings: AppSettings | None = None,
                 session: Session | None = None) -> None:
        self.args = args
        self.settings = settings or AppSettings()
        apply_ui_language(self.settings.ui_language)
        self.session = session or Session(args.db, demo=args.demo)
        self.window = MainWindow(self.session, self.settings)
        self.wizard: object | None = None

    def start(self) -> None:
        if self.args.demo:
            # Synthetic data with a public passphrase: open it straight away.
            from schoolintake.demo import open_demo_database

            path = self.session.db_path
            self._open(lambda: open_demo_database(path))
        elif not self.session.db_path.exists():
            from schoolintake.setup_flow import FirstRunSetup

            from .wizard import FirstRunWizard

            flow = FirstRunSetup(self.session.db_path, ui_language=self.settings.ui_language)
            self.wizard = FirstRunWizard(flow)
            self.wizard.accepted.connect(lambda: self._set_up(flow))
            self.wizard.rejected.connect(QApplication.quit)
            self.wizard.show()
        else:
            self.window.show_locked()
            self.window.show()

    def _set_up(self, flow: FirstRunSetup) -> None:
        self.settings.ui_language = flow.ui_language
        self.window.change_ui_language(flow.ui_language)
        self._open(flow.create)

    def _open(self, opener: Callable[[], object]) -> None:
        self.window.show_opening()
        self.window.show()
        forget = _once(self.session, self.window.show_unlocked)

        def failed(error: BaseException) -> None:
            forget()
            messages.show_error(self.window, describe_error(error))
            self.window.show_locked()

        self.session.open_with(opener, failed)  # type: ignore[arg-type]


def run(args: argparse.Namespace) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("School Intake")
    launcher = Launcher(args)
    launcher.start()
    code = app.exec()
    launcher.session.worker.shutdown()
    return code
