"""Packaging hook: compile the gettext catalogues into the wheel.

Everything else lives in pyproject.toml. ``.mo`` files are built, never
committed: a source checkout compiles ``translations/*.po`` on the fly
(schoolintake/i18n.py), a wheel or a frozen app ships ``schoolintake/locale``.
"""

import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class build_py_with_catalogs(build_py):
    def run(self) -> None:
        super().run()
        sys.path.insert(0, str(ROOT))
        try:
            from schoolintake.catalogs import compile_catalogs
        finally:
            sys.path.pop(0)
        compile_catalogs(ROOT / "translations", Path(self.build_lib) / "schoolintake" / "locale")


setup(cmdclass={"build_py": build_py_with_catalogs})
