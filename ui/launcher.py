"""The ``schoolintake`` command: the application window, or a headless command.

Qt is imported only when the window is wanted, so headless commands start
fast and run on machines without a display.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from schoolintake.cli import main as cli_main


def open_gui(args: argparse.Namespace) -> int:
    from .app import run

    return run(args)


def main(argv: Sequence[str] | None = None) -> int:
    return cli_main(argv, open_gui=open_gui)


if __name__ == "__main__":
    sys.exit(main())
