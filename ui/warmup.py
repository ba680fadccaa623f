"""Getting ready to unlock while the passphrase is being typed.

The unlock screen appears before the database code and the pages are loaded
(so it appears fast). Typing a passphrase takes seconds; in that time the
modules the first unlock needs are imported: the core's (SQLCipher, Argon2,
...) on the database thread, and the pages one at a time on the GUI thread,
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

CORE_MODULES = ("schoolintake.store", "schoolintake.site", "schoolintake.referrals", "schoolintake.directory",
                "schoolintake.referral_form", "schoolintake.monthly_report", "schoolintake.retention")
#: Qt code is imported on the GUI thread only.
PAGE_MODULES = ("home", "referral_form", "referral_model", "referral_list", "directory_page", "reports_page",
                "report_tables", "settings_page", "sync_page", "workspace")

_started = False


def _import_core() -> None:
    for name in CORE_MODULES:
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
    pages = list(PAGE_MODULES)

    def next_page(_result: object = None) -> None:
        if pages:
            try:
                importlib.import_module(f"{__package__}.{pages.pop(0)}")
            except Exception as error:  # noqa: BLE001 (see _failed)
                _failed(error)
            QTimer.singleShot(0, next_page)

    QTimer.singleShot(DELAY_MS, lambda: worker.run(_import_core, next_page, _failed))
