"""Files written for the user (PDFs, reports, CSV, directory exports).

Always atomically: the content goes to a temporary file beside the target,
is fsynced, then renamed over it, so the user finds the whole file or the
file as it was, never half of one.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import InvalidInput
from .i18n import _


def fsync_dir(path: Path) -> None:
    """Make a rename in ``path`` durable (POSIX; Windows has no directory handles to sync)."""
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(path: Path, data: bytes) -> Path:
    path = Path(path)
    if path.is_dir():
        raise InvalidInput(_("{path} is a folder; give a file name.").format(path=path))
    if not path.parent.is_dir():
        raise InvalidInput(_("The folder {path} does not exist.").format(path=path.parent))
    staged = path.with_name(f".{path.name}.tmp")
    try:
        with staged.open("wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(staged, path)
        fsync_dir(path.parent)
    except OSError as error:
        staged.unlink(missing_ok=True)
        raise InvalidInput(_("Cannot write {path}: {reason}.").format(path=path, reason=error.strerror)) from None
    return path
