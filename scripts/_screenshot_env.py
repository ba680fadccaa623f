"""Set-up shared by the screenshot scripts: a throw-away home, and this
checkout's front end (``ui/``) imported as ``schoolintake_ui`` even when the
installed package points at another checkout."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def use_throwaway_home(home: Path) -> None:
    """Point HOME and the XDG directories into ``home`` (settings, data, cache)."""
    for var, sub in (("HOME", ""), ("XDG_DATA_HOME", ".local/share"), ("XDG_CONFIG_HOME", ".config"),
                     ("XDG_CACHE_HOME", ".cache")):
        (home / sub).mkdir(parents=True, exist_ok=True)
        os.environ[var] = str(home / sub)


def load_checkout_ui() -> None:
    spec = importlib.util.spec_from_file_location("schoolintake_ui", ROOT / "ui" / "__init__.py",
                                                  submodule_search_locations=[str(ROOT / "ui")])
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules["schoolintake_ui"] = module
    spec.loader.exec_module(module)  # type: ignore[union-attr]
