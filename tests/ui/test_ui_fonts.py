"""The screens draw every language on a machine without fonts for its script.

Runs a child process whose fontconfig knows only DejaVu (or nothing), like a
bare Linux install: without the bundled fonts Bengali, Chinese and Korean
come out as boxes; with them (registered at start-up) nothing does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")

_CHILD = r"""
import importlib.util, json, sys
from pathlib import Path
root = Path(sys.argv[1]); sys.path.insert(0, str(root))
spec = importlib.util.spec_from_file_location("schoolintake_ui", root / "ui" / "__init__.py",
                                              submodule_search_locations=[str(root / "ui")])
m = importlib.util.module_from_spec(spec); sys.modules["schoolintake_ui"] = m; spec.loader.exec_module(m)
from schoolintake.i18n import _, ngettext
from schoolintake.languages import LANGUAGES
from schoolintake_ui.qt import QApplication, QTextLayout

app = QApplication([])

def boxes(text):
    # A glyph run with no font family is Qt's box engine; glyph 0 is .notdef (a box).
    layout = QTextLayout(text, app.font())
    layout.beginLayout(); layout.createLine(); layout.endLayout()
    runs = layout.glyphRuns()
    return {"boxes": sum(1 for r in runs for g in r.glyphIndexes() if g == 0 or not r.rawFont().familyName()),
            "families": [r.rawFont().familyName() for r in runs]}

autonyms = {lang.code: lang.autonym for lang in LANGUAGES}
result = {"before": {code: boxes(text) for code, text in autonyms.items()}}
from schoolintake_ui.language import apply_ui_language
apply_ui_language("en")
result["picker"] = {code: boxes(text) for code, text in autonyms.items()}
result["own"] = {}
for code in autonyms:
    apply_ui_language(code)
    sample = autonyms[code] + " " + ngettext("{n} referral today", "{n} referrals today", 3).format(n=3)
    result["own"][code] = {**boxes(sample), "lead": app.font().families()[0]}
print(json.dumps(result))
"""


def test_bundled_fonts_draw_every_language_without_system_fonts(tmp_path: Path) -> None:
    conf = tmp_path / "fonts.conf"
    dirs = f"<dir>{DEJAVU}</dir>" if DEJAVU.is_dir() else ""
    conf.write_text(f'<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>'
                    f'<include ignore_missing="yes">/etc/fonts/conf.d</include>{dirs}'
                    f'<cachedir>{tmp_path / "cache"}</cachedir></fontconfig>\n', encoding="utf-8")
    env = {**os.environ, "FONTCONFIG_FILE": str(conf), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", _CHILD, str(ROOT)], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    # The machine really lacks these scripts, or the test proves nothing.
    assert all(result["before"][code]["boxes"] for code in ("bn", "zh_Hans", "ko")), result["before"]
    assert not {code: r for code, r in result["picker"].items() if r["boxes"]}
    assert not {code: r for code, r in result["own"].items() if r["boxes"]}
    leads = {code: result["own"][code]["lead"] for code in ("bn", "ar", "ur", "zh_Hans", "zh_Hant", "ko")}
    assert leads == {"bn": "Noto Sans Bengali", "ar": "Noto Naskh Arabic", "ur": "Noto Naskh Arabic",
                     "zh_Hans": "Droid Sans Fallback", "zh_Hant": "Droid Sans Fallback", "ko": "NanumGothic"}
    assert "Noto Naskh Arabic" in result["own"]["ar"]["families"]
