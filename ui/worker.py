"""The database thread.

sqlcipher3 connections belong to the thread that made them, so the store is
opened, used and closed on one long-lived worker thread; the GUI thread
never touches it. Jobs run in order; results come back to the GUI thread
through a queued Qt signal, and workers never touch widgets.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from schoolintake.errors import StoreError
from schoolintake.i18n import _

from .qt import QObject, Signal

if TYPE_CHECKING:  # the store (SQLCipher, Argon2) loads at unlock, not before the unlock screen
    from schoolintake.store import Store

Callback = Callable[[Any], None]


class Locked(StoreError):
    """A job reached the worker after the store was closed (the app locked)."""

ErrorCallback = Callable[[BaseException], None]


class StoreWorker(QObject):
    """Runs ``fn(store)`` jobs on a single thread that owns the store."""

    #: (on_result, on_error, result, error) — delivered on the GUI thread.
    _finished = Signal(object, object, object, object)
    #: Number of jobs queued or running changed (for busy indicators and tests).
    busy_changed = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        # One thread for the life of the worker: ThreadPoolExecutor never
        # retires its threads, so with max_workers=1 every job runs on the same one.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="schoolintake-db")
        self._store: Store | None = None
        self._pending = 0
        self._stopped = False
        self._finished.connect(self._deliver)

    # -- GUI-thread API ---------------------------------------------------

    @property
    def pending(self) -> int:
        return self._pending

    @property
    def has_store(self) -> bool:
        return self._store is not None

    def call(self, fn: Callable[[Store], Any], on_result: Callback | None = None,
             on_error: ErrorCallback | None = None) -> None:
        """Run ``fn(store)`` on the database thread."""

        def job() -> Any:
            if self._store is None:
                raise Locked(_("The database is locked."))
            return fn(self._store)

        self._submit(job, on_result, on_error)

    def run(self, fn: Callable[[], Any], on_result: Callback | None = None,
            on_error: ErrorCallback | None = None) -> None:
        """Run ``fn()``, which needs no store, on the database thread (in turn with the jobs)."""
        if not self._stopped:
            self._submit(fn, on_result, on_error)

    def replace_store(self, fn: Callable[[Store | None], Store | None], on_result: Callback | None = None,
                      on_error: ErrorCallback | None = None) -> None:
        """Run ``fn(current_store)`` on the database thread; what it returns
        becomes the store (used to open, close and restore)."""

        def job() -> Any:
            new = fn(self._store)
            self._store = new
            return new

        self._submit(job, on_result, on_error)

    def open(self, opener: Callable[[], Store], on_result: Callback | None = None,
             on_error: ErrorCallback | None = None) -> None:
        def fn(current: Store | None) -> Store:
            if current is not None:
                current.close()
            return opener()

        self.replace_store(fn, on_result, on_error)

    def close_store(self, on_result: Callback | None = None) -> None:
        def fn(current: Store | None) -> None:
            if current is not None:
                current.close()
            return None

        self.replace_store(fn, on_result)

    def shutdown(self) -> None:
        """Close the store and stop the thread (waits for queued jobs). Idempotent."""
        if self._stopped:
            return
        self._stopped = True

        def close() -> None:
            if self._store is not None:
                self._store.close()
                self._store = None

        self._executor.submit(close)
        self._executor.shutdown(wait=True)

    # -- plumbing ---------------------------------------------------------

    def _submit(self, job: Callable[[], Any], on_result: Callback | None, on_error: ErrorCallback | None) -> None:
        self._pending += 1
        self.busy_changed.emit(self._pending)

        def run() -> None:
            try:
                result, error = job(), None
            except BaseException as exc:  # delivered to the GUI thread, shown there
                result, error = None, exc
            self._finished.emit(on_result, on_error, result, error)

        self._executor.submit(run)

    def _deliver(self, on_result: Callback | None, on_error: ErrorCallback | None, result: Any,
                 error: BaseException | None) -> None:
        self._pending -= 1
        try:
            if error is None:
                if on_result is not None:
                    on_result(result)
            elif on_error is not None:
                on_error(error)
            else:
                raise error
        finally:
            self.busy_changed.emit(self._pending)
