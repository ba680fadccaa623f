"""The fonts bundled for referral sheets, and which one draws each character.

Every font is a TrueType-outline file shipped in ``data/fonts`` with its
licence (SIL OFL 1.1 or Apache 2.0), so a sheet prints the same on a laptop
with no fonts installed. ReportLab embeds TrueType outlines only (not CFF),
which is why CJK comes from Droid Sans Fallback and Nanum Gothic rather than
Noto Sans CJK. Fonts are registered with ReportLab lazily, once per process,
and embedded in PDFs as subsets.

Fallback is per character: a character is drawn by the font preferred for its
script (Nastaliq for Arabic script on an Urdu sheet, Naskh elsewhere), else by
the font already drawing the run around it, else by the first font of the
chain that has a glyph for it. A character no bundled font has is replaced by
U+FFFD, so a sheet never shows an empty .notdef box.
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reportlab.pdfbase.ttfonts import TTFont

REPLACEMENT_CHARACTER = "\ufffd"


class Family(Enum):
    """A bundled typeface, named for what it is used for."""

    LATIN = "latin"        # Latin, Cyrillic, Greek, general punctuation
    BENGALI = "bengali"
    ARABIC = "arabic"      # Naskh: Arabic, and Arabic script on non-Urdu sheets
    URDU = "urdu"          # Nastaliq: the style Urdu readers expect
    HAN = "han"            # Chinese, Simplified and Traditional
    HANGUL = "hangul"      # Korean


@dataclass(frozen=True)
class FontFile:
    family: Family
    regular: str
    bold: str | None      # None: bold is synthesised (stroked outlines)
    licence: str


FONT_FILES: tuple[FontFile, ...] = (
    FontFile(Family.LATIN, "NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "OFL-Noto.txt"),
    FontFile(Family.BENGALI, "NotoSansBengali-Regular.ttf", "NotoSansBengali-Bold.ttf", "OFL-Noto.txt"),
    FontFile(Family.ARABIC, "NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf", "OFL-Noto.txt"),
    FontFile(Family.URDU, "NotoNastaliqUrdu-Regular.ttf", "NotoNastaliqUrdu-Bold.ttf", "OFL-Noto.txt"),
    FontFile(Family.HAN, "DroidSansFallbackFull.ttf", None, "Apache-2.0-DroidSansFallback.txt"),
    FontFile(Family.HANGUL, "NanumGothic.ttf", None, "OFL-Nanum.txt"),
)
_FILES = {f.family: f for f in FONT_FILES}

#: The main family for text in each sheet language.
_PRIMARY: dict[str, Family] = {
    "bn": Family.BENGALI,
    "ar": Family.ARABIC,
    "ur": Family.URDU,
    "zh_Hans": Family.HAN,
    "zh_Hant": Family.HAN,
    "ko": Family.HANGUL,
}

#: Order in which families are tried when the preferred ones lack a glyph.
_CHAIN: tuple[Family, ...] = (
    Family.LATIN, Family.ARABIC, Family.BENGALI, Family.HAN, Family.HANGUL, Family.URDU,
)


def fonts_dir() -> Path:
    return Path(str(resources.files("schoolintake").joinpath("data/fonts")))


def bundled_font_paths() -> list[Path]:
    """Every bundled font file and licence (for packaging)."""
    return sorted(fonts_dir().iterdir())


def primary_family(language: str) -> Family:
    return _PRIMARY.get(language, Family.LATIN)


def font_files(family: Family) -> list[Path]:
    """A family's bundled files: regular, then bold if there is one."""
    spec = _FILES[family]
    return [fonts_dir() / name for name in (spec.regular, spec.bold) if name]


def ui_family(language: str) -> Family | None:
    """The bundled family the GUI prefers for text in ``language``, None where
    the system font serves (Latin and Cyrillic). Urdu screens use Naskh: the
    Nastaliq's tall lines do not fit the rows of forms and tables."""
    family = primary_family(language)
    if family is Family.URDU:
        return Family.ARABIC
    return None if family is Family.LATIN else family


def ui_font_files() -> list[Path]:
    """Every bundled file the GUI registers, so each language's name and text
    have glyphs on a machine without fonts for its script."""
    return [path for family in Family if family is not Family.LATIN for path in font_files(family)]


@dataclass(frozen=True)
class Face:
    """A registered ReportLab font: a family in one weight."""

    family: Family
    bold: bool

    @property
    def name(self) -> str:
        return f"SchoolIntake-{self.family.value}-{'bold' if self.bold else 'regular'}"

    @property
    def synthetic_bold(self) -> bool:
        return self.bold and _FILES[self.family].bold is None

    def font(self) -> TTFont:
        font = _FONTS.get((self.family, self.bold))
        if font is None:
            font = _FONTS[(self.family, self.bold)] = _registered(self.family, self.bold)
        return font


_FONTS: dict[tuple[Family, bool], TTFont] = {}


_lock = threading.Lock()


@lru_cache(maxsize=None)
def _ttfont(filename: str, name: str) -> TTFont:
    # ReportLab loads here, not at import: the GUI reads the font list at start-up.
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    path = fonts_dir() / filename
    font = TTFont(name, str(path))
    pdfmetrics.registerFont(font)
    return font


def _registered(family: Family, bold: bool) -> TTFont:
    spec = _FILES[family]
    filename = spec.bold if bold and spec.bold else spec.regular
    # A synthetic bold draws the regular outlines, so both weights share one
    # registered font (and one embedded subset).
    name = Face(family, bold and spec.bold is not None).name
    with _lock:
        return _ttfont(filename, name)


def covers(family: Family, char: str) -> bool:
    cmap = _CMAPS.get(family)
    if cmap is None:
        cmap = _CMAPS[family] = frozenset(_registered(family, False).face.charToGlyph)
    return ord(char) in cmap


_CMAPS: dict[Family, frozenset[int]] = {}


@lru_cache(maxsize=None)
def _all_covered() -> frozenset[int]:
    return frozenset().union(*(frozenset(_registered(f, False).face.charToGlyph) for f in Family))


def script_family(char: str, language: str) -> Family | None:
    """The family preferred for a character's script, None for shared characters
    (digits, punctuation, spaces) that follow the text around them."""
    cp = ord(char)
    if 0x0980 <= cp <= 0x09FF:
        return Family.BENGALI
    if (0x0600 <= cp <= 0x06FF or 0x0750 <= cp <= 0x077F or 0x08A0 <= cp <= 0x08FF
            or 0xFB50 <= cp <= 0xFDFF or 0xFE70 <= cp <= 0xFEFF):
        if 0x0660 <= cp <= 0x0669 or 0x06F0 <= cp <= 0x06F9 or cp in (0x060C, 0x061B, 0x061F, 0x06D4):
            return None  # digits and punctuation shared by Arabic and Urdu
        return Family.URDU if language == "ur" else Family.ARABIC
    if 0xAC00 <= cp <= 0xD7AF or 0x1100 <= cp <= 0x11FF or 0x3130 <= cp <= 0x318F or 0xA960 <= cp <= 0xA97F:
        return Family.HANGUL
    if (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0xF900 <= cp <= 0xFAFF
            or 0x3040 <= cp <= 0x30FF or 0x3100 <= cp <= 0x312F or 0x20000 <= cp <= 0x2FFFF):
        return Family.HANGUL if language == "ko" else Family.HAN
    if char.isalpha():
        return Family.LATIN
    return None


def _attaches_to_previous(char: str) -> bool:
    # Marks, joiners and variation selectors belong to the cluster before them.
    return unicodedata.category(char) in ("Mn", "Mc", "Me") or char in "\u200c\u200d" or 0xFE00 <= ord(char) <= 0xFE0F


def assign_families(text: str, language: str) -> list[Family]:
    """The family that draws each character of ``text`` (see the module doc).

    Shared characters (digits, punctuation, spaces) are taken as runs: a run
    such as "212-639-9675" is drawn by one font that has all of it (the font
    of the text before it if it can), so a phone number never mixes designs.
    """
    primary = primary_family(language)
    result: list[Family] = []
    current: Family | None = None
    i = 0
    n = len(text)
    while i < n:
        char = text[i]
        if current is not None and _attaches_to_previous(char) and (covers(current, char) or char in "\u200c\u200d"):
            result.append(current)
            i += 1
            continue
        if char in _INVISIBLE:
            result.append(current or primary)
            i += 1
            continue
        preferred = script_family(char, language)
        if preferred is None:
            end = i
            while end < n and script_family(text[end], language) is None and not _attaches_to_previous(text[end]):
                end += 1
            run = [c for c in text[i:end] if c not in _INVISIBLE]
            candidates = ([current] if current is not None else []) + [primary] + list(_CHAIN)
            whole = next((f for f in candidates if all(covers(f, c) for c in run)), None)
            if whole is not None:
                result.extend([whole] * (end - i))
                current = whole
                i = end
                continue
        candidates = [preferred] if preferred is not None else ([current] if current is not None else []) + [primary]
        candidates.extend(_CHAIN)
        chosen = next((family for family in candidates if covers(family, char)), None)
        if chosen is None:
            chosen = Family.LATIN  # drawn as U+FFFD, see sanitise
        result.append(chosen)
        current = chosen
        i += 1
    return result


#: Bidi controls: no glyph is drawn for them, they only steer the bidi algorithm.
_INVISIBLE = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def drawable(char: str) -> bool:
    """True if some bundled font has a glyph for ``char``."""
    return ord(char) in _all_covered() or char in _INVISIBLE or _attaches_to_previous(char)


def sanitise(text: str) -> str:
    """Replace characters no bundled font can draw (emoji, rare scripts) by U+FFFD;
    control characters become spaces."""
    if text.isascii() and text.isprintable():
        return text
    out = []
    for char in text:
        if char in "\t\n\r":
            out.append(" ")
        elif unicodedata.category(char) == "Cc":
            continue
        elif unicodedata.category(char) == "Co":
            # Private-use code points mean nothing portable (ReportLab also
            # borrows some for shaped glyphs): never draw them as typed.
            out.append(REPLACEMENT_CHARACTER)
        elif drawable(char):
            out.append(char)
        else:
            out.append(REPLACEMENT_CHARACTER)
    return "".join(out)
