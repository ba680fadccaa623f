"""The dependency arrow: the core never imports Qt or the front end."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import schoolintake


def test_core_modules_import_without_qt() -> None:
    modules = sorted(f"schoolintake.{m.name}" for m in pkgutil.iter_modules(schoolintake.__path__) if m.name != "__main__")
    assert "schoolintake.store" in modules and "schoolintake.cli" in modules
    probe = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'PyQt5', 'PyQt6', 'schoolintake_ui'))\n"
        "print(','.join(bad))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_front_end_installs_under_a_project_specific_name() -> None:
    import schoolintake_ui

    assert schoolintake_ui.__name__ == "schoolintake_ui"
    assert schoolintake_ui.__file__ is not None and "/ui/" in schoolintake_ui.__file__.replace("\\", "/")


def test_headless_commands_do_not_load_qt() -> None:
    probe = (
        "import sys\nfrom schoolintake_ui.launcher import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
        "print(any(m.startswith('PySide6') for m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip().endswith("False"), done.stderr
