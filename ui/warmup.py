"""Getting ready to unlock while the passphrase is being typed.

The unlock screen appears before the database code and the pages are loaded
(so it appears fast). Typing a passphrase takes seconds; in that time the
modules the first unlock needs are imported: native libraries (SQLCipher,
Argon2) on the database thread, our modules one at a time on the GUI thread,
between keystrokes (each takes a few milliseconds). Nothing is read from
the database and nothing personal is involved.
"""

from __future__ import annotations

import importlib
import logging

from .qt import QTimer
from .worker import StoreWorker

log = logging.getLogger("schoolintake.ui")

#: Wait this long after the unlock screen is shown, so it is painted first.
DELAY_MS = 50

#: Third-party libraries the store needs (native code, slow to load), on the
#: database thread. They import nothing of ours, so the two threads cannot
#: wait on each other's imports.
LIBRARIES = ("secrets", "sqlcipher3", "argon2.low_level")
#: Ours, on the GUI thread (Qt code stays there), one per turn of the event
#: loop: between keystrokes while the passphrase is typed, or while the key is
#: being derived if it was pasted (Argon2 releases the GIL).
MODULES = ("schoolintake.store", "schoolintake.site", "schoolintake.referrals", "schoolintake.directory",
           "schoolintake.referral_form", "schoolintake.monthly_report", "schoolintake.retention",
           f"{__package__}.home", f"{__package__}.referral_form", f"{__package__}.referral_model",
           f"{__package__}.referral_list", f"{__package__}.directory_page", f"{__package__}.reports_page",
           f"{__package__}.report_tables", f"{__package__}.settings_page", f"{__package__}.sync_page",
           f"{__package__}.workspace")

_started = False


def _import_libraries() -> None:
    for name in LIBRARIES:
        importlib.import_module(name)


def _failed(error: BaseException) -> None:
    # A module that cannot be imported will fail again, visibly, when it is used.
    log.warning("warm-up: %s", type(error).__name__)


def start(worker: StoreWorker) -> None:
    """Once per process: schedule the imports (the caller shows the unlock screen)."""
    global _started
    if _started:
        return
    _started = True
    modules = list(MODULES)

    def next_module() -> None:
        if modules:
            try:
                importlib.import_module(modules.pop(0))
            except Exception as error:  # noqa: BLE001 (see _failed)
                _failed(error)
            QTimer.singleShot(0, next_module)

    QTimer.singleShot(DELAY_MS, lambda: worker.run(_import_libraries, None, _failed))
    QTimer.singleShot(DELAY_MS, next_module)
