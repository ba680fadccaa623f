"""GUI test fixtures: offscreen Qt, one QApplication for the session
(pytest-qt's ``qapp``), message boxes answered by the test, a launcher on
a test database, and a large demo database built once per session."""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Import the front end from this checkout even when the installed package
# points at another work tree.
_UI = Path(__file__).resolve().parents[2] / "ui"
_installed = importlib.util.find_spec("schoolintake_ui")
if _installed is None or str(_UI) not in list(_installed.submodule_search_locations or []):
    _spec = importlib.util.spec_from_file_location("schoolintake_ui", _UI / "__init__.py",
                                                   submodule_search_locations=[str(_UI)])
    assert _spec is not None and _spec.loader is not None
    _module = importlib.util.module_from_spec(_spec)
    sys.modules["schoolintake_ui"] = _module
    _spec.loader.exec_module(_module)

from schoolintake import keys  # noqa: E402
from schoolintake.demo import populate  # noqa: E402
from schoolintake.i18n import set_ui_language  # noqa: E402
from schoolintake.store import Store  # noqa: E402
from schoolintake_ui import messages  # noqa: E402
from schoolintake_ui.app import Launcher  # noqa: E402
from schoolintake_ui.app_settings import AppSettings  # noqa: E402
from schoolintake_ui.session import Session  # noqa: E402

from ..conftest import PASSPHRASE, TODAY  # noqa: E402

LARGE_REFERRALS = 30_000


class MessageLog:
    """Stands in for the message boxes: records them, answers confirmations."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.infos: list[str] = []
        self.questions: list[str] = []
        self.answer = True

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(messages, "show_error", lambda _parent, text: self.errors.append(text))
        monkeypatch.setattr(messages, "show_info", lambda _parent, text: self.infos.append(text))

        def confirm(_parent: object, text: str) -> bool:
            self.questions.append(text)
            return self.answer

        monkeypatch.setattr(messages, "confirm", confirm)


@pytest.fixture
def message_log(monkeypatch: pytest.MonkeyPatch) -> MessageLog:
    log = MessageLog()
    log.install(monkeypatch)
    return log


@pytest.fixture(autouse=True)
def _english_left_to_right(qapp: object) -> Iterator[None]:
    yield
    from schoolintake_ui.qt import QApplication, Qt

    set_ui_language("en")
    QApplication.setLayoutDirection(Qt.LayoutDirection.LeftToRight)


@pytest.fixture
def make_launcher(qtbot: object, isolated_home: Path, fast_kdf: None,
                  message_log: MessageLog) -> Iterator[Callable[..., Launcher]]:
    made: list[Launcher] = []

    def make(db: Path, *, demo: bool = False) -> Launcher:
        args = argparse.Namespace(db=db, demo=demo)
        settings = AppSettings(isolated_home / ".config" / "SchoolIntake" / "ui.ini")
        launcher = Launcher(args, settings, Session(db, demo=demo, today=lambda: TODAY))
        qtbot.addWidget(launcher.window)  # type: ignore[attr-defined]
        made.append(launcher)
        return launcher

    yield make
    for launcher in made:
        launcher.window.idle.dispose()
        launcher.session.worker.shutdown()


def wait_idle(qtbot: object, session: Session, timeout: int = 10_000) -> None:
    qtbot.waitUntil(lambda: session.worker.pending == 0, timeout=timeout)  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def _large_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("large") / "large.db"
    with Store.create(path, PASSPHRASE, profile=keys.FAST_FOR_TESTS) as store:
        populate(store, LARGE_REFERRALS, today=TODAY, months=24)
    return path


@pytest.fixture
def large_db(_large_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "large" / "site.db"
    path.parent.mkdir()
    shutil.copy(_large_template, path)
    return path
