"""GUI actions as thin calls into the core, run on the database thread.

Each action hands one core call to :class:`Operations`: it runs on the
worker, a busy indicator appears if it takes a while, a user-facing error is
shown in a message box, and a successful write broadcasts what changed
(:data:`REFERRALS`, :data:`DIRECTORY`, ...) so each view decides whether to
refresh, instead of every screen reloading everything.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from schoolintake.errors import SchoolIntakeError
from schoolintake.i18n import _

from . import messages
from .qt import QObject, QProgressDialog, QTimer, QWidget, Signal, isValid
from .worker import Locked, StoreWorker

if TYPE_CHECKING:  # the store (SQLCipher, Argon2) loads at unlock, not before the unlock screen
    from schoolintake.store import Store

log = logging.getLogger("schoolintake.ui")

REFERRALS = "referrals"
DIRECTORY = "directory"
SETTINGS = "settings"
SITE = "site"
SYNC = "sync"

PROGRESS_DELAY_MS = 400


def describe_error(error: BaseException) -> str:
    if isinstance(error, SchoolIntakeError):
        return str(error)
    # Unexpected: the message could quote data, so only the type is logged.
    log.error("unexpected %s in a database operation", type(error).__name__)
    return _("Something went wrong ({kind}); nothing was changed.").format(kind=type(error).__name__)


class Operations(QObject):
    changed = Signal(object)  # frozenset[str] of what a write changed

    def __init__(self, worker: StoreWorker) -> None:
        super().__init__()
        self.worker = worker

    def query(self, fn: Callable[[Store], Any], on_result: Callable[[Any], None], *,
              parent: QWidget | None = None, on_error: Callable[[BaseException], None] | None = None,
              owner: QObject | None = None) -> None:
        """Read; ``on_result`` is skipped if ``owner`` (default: ``parent``) was destroyed meanwhile."""
        self._run(fn, frozenset(), on_result, parent, on_error, None, owner)

    def write(self, fn: Callable[[Store], Any], changes: frozenset[str] | set[str], *,
              on_result: Callable[[Any], None] | None = None, parent: QWidget | None = None,
              on_error: Callable[[BaseException], None] | None = None, progress: str | None = None) -> None:
        self._run(fn, frozenset(changes), on_result, parent, on_error, progress, None)

    def _run(self, fn: Callable[[Store], Any], changes: frozenset[str], on_result: Callable[[Any], None] | None,
             parent: QWidget | None, on_error: Callable[[BaseException], None] | None,
             progress: str | None, owner: QObject | None) -> None:
        indicator = DelayedProgress(parent, progress) if progress else None
        owner = owner or parent

        def alive() -> bool:
            # A page thrown away by the lock must not receive late results.
            return owner is None or isValid(owner)

        def done(result: Any) -> None:
            if indicator:
                indicator.finish()
            if on_result is not None and alive():
                on_result(result)
            if changes:
                self.changed.emit(changes)

        def failed(error: BaseException) -> None:
            if indicator:
                indicator.finish()
            if isinstance(error, Locked) or not alive():
                return  # the app locked while this was queued; nothing to show
            if on_error is not None and isinstance(error, SchoolIntakeError):
                on_error(error)
            else:
                messages.show_error(parent, describe_error(error))

        self.worker.call(fn, done, failed)


class DelayedProgress:
    """A busy dialog that appears only if the work takes longer than a moment."""

    def __init__(self, parent: QWidget | None, text: str) -> None:
        self._dialog: QProgressDialog | None = None
        self._parent, self._text = parent, text
        self._timer = QTimer()
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._show)
        self._timer.start(PROGRESS_DELAY_MS)

    def _show(self) -> None:
        from .qt import Qt  # not at import: this module loads before the unlock screen

        self._dialog = QProgressDialog(self._text, "", 0, 0, self._parent)
        self._dialog.setCancelButton(None)
        self._dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self._dialog.setMinimumDuration(0)
        self._dialog.show()

    def finish(self) -> None:
        self._timer.stop()
        if self._dialog is not None:
            self._dialog.close()
            self._dialog.deleteLater()
            self._dialog = None
