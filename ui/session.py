"""What the running application knows: the database, its worker, who records.

The open store lives on the worker thread; the session only knows whether
it is open. Nothing here is written to disk.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from schoolintake.errors import WrongPassphrase
from schoolintake.i18n import ui_language
from schoolintake.unlock import UnlockThrottle

from .operations import REFERRALS, Operations
from .qt import QObject, Signal
from .worker import StoreWorker

if TYPE_CHECKING:
    from schoolintake.store import Store

#: The idle-lock minutes until the database says otherwise (schoolintake.site's default).
_DEFAULT_IDLE_MINUTES = 5


class Session(QObject):
    opened = Signal()
    closed = Signal()

    def __init__(self, db_path: Path, *, demo: bool = False, today: Callable[[], date] = date.today) -> None:
        super().__init__()
        self.db_path = Path(db_path)
        self.demo = demo
        self.today = today
        self.worker = StoreWorker()
        self.ops = Operations(self.worker)
        self.throttle = UnlockThrottle()
        #: Initials of whoever records outcomes; kept in memory for this run only.
        self.recorded_by = ""
        self.idle_lock_minutes = _DEFAULT_IDLE_MINUTES
        self.is_open = False

    @property
    def demo_passphrase(self) -> str:
        from schoolintake.demo import DEMO_PASSPHRASE

        return DEMO_PASSPHRASE if self.demo else ""

    @staticmethod
    def ui_language() -> str:
        return ui_language()

    def open_with(self, opener: Callable[[], Store], on_error: Callable[[BaseException], None]) -> None:
        """Open (or create) the store on the worker, then read its settings."""

        def opened(_store: object) -> None:
            from schoolintake.site import setting

            self.worker.call(lambda store: setting(store, "idle_lock_minutes"), self._ready, on_error)

        self.worker.open(opener, opened, on_error)

    def unlock(self, passphrase: str, on_error: Callable[[BaseException], None]) -> None:
        path = self.db_path

        def failed(error: BaseException) -> None:
            if isinstance(error, WrongPassphrase):
                self.throttle.failed()
            on_error(error)

        if self.demo and not path.exists():
            from schoolintake.demo import open_demo_database

            self.open_with(lambda: open_demo_database(path), failed)
        else:
            # Imported on the first unlock, not before the unlock screen is shown.
            from schoolintake.store import Store

            self.open_with(lambda: Store.open(path, passphrase), failed)

    def _ready(self, minutes: int) -> None:
        self.idle_lock_minutes = int(minutes)
        self.throttle.succeeded()
        self.is_open = True
        self.opened.emit()
        self._apply_retention()

    def _apply_retention(self) -> None:
        """The automatic purge (PRODUCT.md rule 5), at every unlock.

        Queued after the pages' first queries, so the window is usable first;
        views refresh only if something was purged.
        """
        from schoolintake.retention import apply_retention

        today = self.today()

        def purged(count: int) -> None:
            if count:
                self.ops.changed.emit(frozenset({REFERRALS}))

        self.ops.query(lambda store: apply_retention(store, today=today), purged)

    def lock(self) -> None:
        if not self.is_open and not self.worker.has_store:
            return
        self.is_open = False
        self.worker.close_store()
        self.closed.emit()
