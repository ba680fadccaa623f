"""Multilingual paragraph layout for ReportLab canvases.

A paragraph in logical order goes through the steps a text engine takes:

1. bidi levels for the paragraph (python-bidi, rules P2-I2 of UAX #9);
2. a font for every character (:mod:`schoolintake.fonts`: per-run fallback);
3. pieces: maximal runs of one font, one bidi level and no break opportunity,
   each shaped by HarfBuzz through ReportLab's TrueType support (uharfbuzz),
   with the run's direction, script and language, so Bengali conjuncts,
   Arabic joining and Nastaliq positioning come out right;
4. greedy line breaking at spaces (and between ideographs for Chinese);
5. per line, rule L1 (trailing spaces take the paragraph level) and rule L2
   (reverse runs from the highest level down), then drawing left to right.

Glyphs that stand for one character carry that character in the PDF's text
layer (Arabic contextual forms carry their presentation-form code points).
Pieces with glyphs that have no character of their own (Bengali conjuncts,
Nastaliq ligatures) are wrapped in a marked-content span whose ActualText is
their logical text, so copying and searching still work; right-to-left pieces
are tagged only when they need it, because readers apply their own bidi to
the glyphs' characters.

Data put inside translated sentences (a name, a phone number, a URL) should be
wrapped with :func:`embed` so its own direction is kept: a phone number inside
Arabic text must not have its digit groups reversed.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

import uharfbuzz
from bidi import algorithm as _uba
from reportlab.pdfbase.ttfonts import ShapeData, ShapedStr
from reportlab.pdfgen.canvas import Canvas

from .fonts import Face, Family, assign_families, sanitise

Align = Literal["left", "right", "center"]

LRE, RLE, PDF = "\u202a", "\u202b", "\u202c"
_BIDI_CONTROLS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_STRONG_RTL_START = 0x0590
_X9_REMOVED = frozenset(_uba.X9_REMOVED)
_INK_SPACED = frozenset({Family.URDU, Family.ARABIC})
_FEATURES = {"kern": True, "liga": True}

#: HarfBuzz language tags for the sheet languages (script-specific forms: Urdu digits, etc.).
_HB_LANGUAGE = {"zh_Hans": "zh-Hans", "zh_Hant": "zh-Hant"}


@dataclass(frozen=True)
class Style:
    size: float = 10.0
    bold: bool = False
    color: tuple[float, float, float] = (0.0, 0.0, 0.0)
    #: Extra space between lines, as a fraction of the font size.
    line_gap: float = 0.15


def is_rtl_text(text: str) -> bool:
    """True when the first strongly directional character is right-to-left (UAX #9 P2)."""
    return _uba.get_base_level(text) == 1


def embed(text: str) -> str:
    """Keep ``text``'s own direction inside a sentence of the other direction.

    Text without any letter (a phone number, a date in digits) is kept
    left-to-right, as digits are read.
    """
    if not text:
        return text
    has_strong = any(unicodedata.bidirectional(c) in ("L", "R", "AL") for c in text)
    rtl = has_strong and is_rtl_text(text)
    return (RLE if rtl else LRE) + text + PDF


#: Runs that read left to right even inside right-to-left text: web addresses,
#: phone numbers and codes such as "212-NEW-YORK (212-639-9675)" or "MV-44".
_LTR_DATA = re.compile(
    r"https?://\S+[^\s.,;:!?)]"
    r"|(?:[A-Za-z0-9-]+\.)+(?:gov|org|com|nyc|net|edu|us)(?:/[^\s]*[^\s.,;:!?)])?"
    r"|\+?\(?[0-9A-Z]*[0-9][0-9A-Z]*\)?(?:[-.][0-9A-Z]+)+(?:\s\(\d[\d-]*\d\))?"
    r"|[A-Z]+-\d+"
)


def protect_ltr_data(text: str) -> str:
    """Wrap addresses, phone numbers and codes in left-to-right embeddings, so
    that inside Arabic or Urdu their parts are not reordered (a phone number's
    digit groups would otherwise come out reversed)."""
    return _LTR_DATA.sub(lambda m: LRE + m.group(0) + PDF, text)


_OPENING = {"(": ")", "[": "]", "{": "}"}
_CLOSING = {v: k for k, v in _OPENING.items()}
LRM, RLM = "\u200e", "\u200f"


def _strong(char: str) -> str | None:
    kind = unicodedata.bidirectional(char)
    if kind == "L":
        return "L"
    if kind in ("R", "AL", "EN", "AN"):
        return "R"
    return None


def mark_bracket_pairs(text: str, base_rtl: bool) -> str:
    """Give each pair of brackets one direction, as rule N0 of UAX #9 does.

    python-bidi resolves brackets like other neutrals (UAX #9 before 6.3), so
    in "311 (IDNYC کا پوچھیں)" the opening bracket would join the Latin text.
    Pairs outside explicit embeddings get invisible marks (LRM or RLM) on both
    sides of each bracket, which the rest of the algorithm then follows.
    """
    if not any(c in _OPENING for c in text):
        return text
    pairs: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    depth = 0
    for i, char in enumerate(text):
        if char in (LRE, RLE):
            depth += 1
        elif char == PDF:
            depth = max(0, depth - 1)
        elif depth == 0 and char in _OPENING:
            stack.append((char, i))
        elif depth == 0 and char in _CLOSING:
            for k in range(len(stack) - 1, -1, -1):
                if stack[k][0] == _CLOSING[char]:
                    pairs.append((stack[k][1], i))
                    del stack[k:]
                    break
    embedding = "R" if base_rtl else "L"
    marks: dict[int, str] = {}
    for open_at, close_at in pairs:
        inside = {_strong(c) for c in text[open_at + 1:close_at]} - {None}
        if embedding in inside:
            direction = embedding
        elif inside:
            before = next((d for d in map(_strong, reversed(text[:open_at])) if d), embedding)
            direction = before  # the context outside decides (N0 c.1 and c.2)
        else:
            continue
        marks[open_at] = marks[close_at] = LRM if direction == "L" else RLM
    if not marks:
        return text
    return "".join(f"{marks[i]}{c}{marks[i]}" if i in marks else c for i, c in enumerate(text))


# -- bidi levels ---------------------------------------------------------------


def bidi_levels(text: str, base_rtl: bool, *, cache: bool = True) -> list[int]:
    """The resolved embedding level of every character (rules X1-I2)."""
    if not base_rtl and not any(ord(c) >= _STRONG_RTL_START and unicodedata.bidirectional(c) in ("R", "AL", "AN")
                                or c in _BIDI_CONTROLS for c in text):
        return [0] * len(text)
    return list((_levels_cached if cache else _levels)(text, base_rtl))


def _levels(text: str, base_rtl: bool) -> tuple[int, ...]:
    storage = _uba.get_empty_storage()
    storage["base_level"] = 1 if base_rtl else 0
    storage["base_dir"] = "R" if base_rtl else "L"
    _uba.get_embedding_levels(text, storage)
    _uba.explicit_embed_and_overrides(storage)
    _uba.resolve_weak_types(storage)
    _uba.resolve_neutral_types(storage, False)
    _uba.resolve_implicit_levels(storage, False)
    # python-bidi drops explicit controls and boundary neutrals such as ZWJ
    # (rule X9) from its character list; they take the level of the character
    # before them (or after, at the start) so offsets line up with ``text``.
    resolved = iter(ch["level"] for ch in storage["chars"])
    levels: list[int | None] = [
        None if unicodedata.bidirectional(char) in _X9_REMOVED else next(resolved) for char in text
    ]
    previous: int | None = None
    for i, level in enumerate(levels):
        if level is None:
            levels[i] = previous
        else:
            previous = level
    following = storage["base_level"]
    for i in range(len(levels) - 1, -1, -1):
        if levels[i] is None:
            levels[i] = following
        else:
            following = levels[i]
    return tuple(levels)


_levels_cached = lru_cache(maxsize=4096)(_levels)


# -- shaping --------------------------------------------------------------------

_shaping_lock = threading.RLock()


@dataclass(frozen=True)
class Shaped:
    glyphs: ShapedStr
    advance: float    # all three in 1/1000 of the font size
    ink_top: float    # highest point drawn, above the baseline
    ink_bottom: float  # lowest point drawn (negative: below the baseline)
    private: bool = False  # some glyph has no character of its own


def shape(text: str, face: Face, rtl: bool, language: str, *, cache: bool = True) -> Shaped:
    """Shape ``text`` with HarfBuzz; glyphs come out in visual order.

    ``cache=False`` for personal text (a name), which must not linger in a
    process-wide cache.
    """
    with _shaping_lock:
        return (_shape_cached if cache else _shape)(text, face, rtl, language)


def _shape(text: str, face: Face, rtl: bool, language: str) -> Shaped:
    ttf = face.font()
    hb_font = _hb_font(face)
    buf = uharfbuzz.Buffer()
    buf.cluster_level = uharfbuzz.BufferClusterLevel.MONOTONE_CHARACTERS
    buf.add_str(text)
    buf.direction = "rtl" if rtl else "ltr"
    buf.language = _HB_LANGUAGE.get(language, language)
    buf.guess_segment_properties()
    buf.flags = uharfbuzz.BufferFlags.REMOVE_DEFAULT_IGNORABLES
    uharfbuzz.shape(hb_font, buf, _FEATURES)
    scale = 1000.0 / hb_font.scale[0]  # font units to 1/1000 em, as ReportLab measures
    ink = face.family in _INK_SPACED
    chars: list[str] = []
    data: list[ShapeData] = []
    total = 0.0
    top = bottom = 0.0
    private = False
    glyph_to_char = ttf.face.glyphToChar
    char_to_glyph = ttf.face.charToGlyph
    widths = ttf.face.charWidths
    for info, pos in zip(buf.glyph_infos, buf.glyph_positions):
        gid = info.codepoint
        source = ord(text[info.cluster])
        mapped = glyph_to_char.get(gid)
        if char_to_glyph.get(source) == gid:
            code = source  # keeps the text layer exact where one glyph is one character
        elif mapped:
            code = mapped[0]
        else:
            # A glyph with no character of its own (a conjunct, a contextual
            # form): ReportLab gives it a private code point for the subset.
            code = ttf.hbAddPrivate(hb_font.glyph_to_string(gid), gid, hb_font.get_glyph_h_advance(gid) * scale)
            private = True
        x_advance = pos.x_advance * scale
        total += x_advance
        if ink:
            extents = hb_font.get_glyph_extents(gid)
            if extents is not None:
                glyph_top = pos.y_offset + extents.y_bearing
                top = max(top, glyph_top * scale)
                bottom = min(bottom, (glyph_top + extents.height) * scale)
        chars.append(chr(code))
        data.append(ShapeData(info.cluster, x_advance, pos.y_advance * scale, pos.x_offset * scale,
                              pos.y_offset * scale, widths[code]))
    return Shaped(ShapedStr("".join(chars), shapeData=data), total, top, bottom, private)


_HB_FONTS: dict[Face, uharfbuzz.Font] = {}


def _hb_font(face: Face) -> uharfbuzz.Font:
    # One HarfBuzz font per face, reused (callers hold _shaping_lock).
    font = _HB_FONTS.get(face)
    if font is None:
        font = _HB_FONTS[face] = face.font().hbFont(1000)
    return font


_shape_cached = lru_cache(maxsize=20000)(_shape)


# -- pieces and lines -------------------------------------------------------------


@dataclass
class Piece:
    text: str
    face: Face
    size: float
    level: int
    shaped: Shaped
    is_space: bool
    break_after: bool

    @property
    def width(self) -> float:
        return self.shaped.advance * self.size / 1000

    @property
    def rtl(self) -> bool:
        return self.level % 2 == 1

    @property
    def needs_actual_text(self) -> bool:
        """Glyphs with no character of their own (conjuncts, Nastaliq ligatures)
        need the span's text for copy and search; right-to-left glyphs that
        all map to characters are better left to the reader's own bidi."""
        return not self.rtl or self.shaped.private


    # Arabic-script fonts declare room for the tallest stacks of marks (Noto
    # Nastaliq Urdu: 2.5 em per line); lines are spaced by the ink actually
    # drawn instead, with a floor, so Nastaliq fits without wasting a page.
    @property
    def ascent(self) -> float:
        if self.face.family in _INK_SPACED:
            return max(self.shaped.ink_top + 60, 850.0) * self.size / 1000
        return self.face.font().face.ascent * self.size / 1000

    @property
    def descent(self) -> float:
        if self.face.family in _INK_SPACED:
            return max(60 - self.shaped.ink_bottom, 300.0) * self.size / 1000
        return -self.face.font().face.descent * self.size / 1000


@dataclass
class Line:
    pieces: list[Piece]  # visual order, left to right
    width: float
    ascent: float
    descent: float
    height: float


@dataclass
class TextBlock:
    """A laid-out paragraph, ready to draw at any position."""

    lines: list[Line]
    width: float
    align: Align
    style: Style
    height: float = field(init=False)

    def __post_init__(self) -> None:
        self.height = sum(line.height for line in self.lines)

    def draw(self, canvas: Canvas, x: float, top: float) -> float:
        """Draw with the top-left corner at (x, top); returns the y below the block."""
        y = top
        for line in self.lines:
            baseline = y - line.ascent - (line.height - line.ascent - line.descent) / 2
            if self.align == "right":
                start = x + self.width - line.width
            elif self.align == "center":
                start = x + (self.width - line.width) / 2
            else:
                start = x
            _draw_line(canvas, line, start, baseline, self.style)
            y -= line.height
        return y


def _is_break_char(char: str) -> bool:
    return char == " " or char == "\u3000"


_NO_BREAK_BEFORE = frozenset("，。、：；！？）」』】〉》,.:;!?)]}%")
_NO_BREAK_AFTER = frozenset("（「『【〈《([{")


def _ideographic(char: str) -> bool:
    cp = ord(char)
    return 0x3040 <= cp <= 0x30FF or 0x3400 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF or 0xFF00 <= cp <= 0xFFEF \
        or 0x3000 <= cp <= 0x303F or 0x20000 <= cp <= 0x2FFFF


def _break_allowed_after(text: str, i: int, anywhere: bool) -> bool:
    """May a line end after ``text[i]``?"""
    if i + 1 >= len(text):
        return True
    char, nxt = text[i], text[i + 1]
    if _is_break_char(char) and not _is_break_char(nxt):
        return True
    if _is_break_char(nxt) or nxt in _NO_BREAK_BEFORE or char in _NO_BREAK_AFTER:
        return False
    if unicodedata.category(nxt) in ("Mn", "Mc", "Me") or nxt in "\u200c\u200d":
        return False
    if _ideographic(char) or _ideographic(nxt):
        return True
    return anywhere


def _pieces(text: str, levels: Sequence[int], families: Sequence[Family], style: Style,
            language: str, anywhere: bool = False, cache: bool = True) -> list[Piece]:
    pieces: list[Piece] = []
    face_cache: dict[Family, Face] = {}
    start = 0
    n = len(text)
    for i in range(n):
        brk = _break_allowed_after(text, i, anywhere)
        last = i + 1 == n
        split = last or brk or families[i + 1] != families[i] or levels[i + 1] != levels[i] \
            or _is_break_char(text[i + 1]) != _is_break_char(text[i])
        if not split:
            continue
        chunk = "".join(c for c in text[start:i + 1] if c not in _BIDI_CONTROLS)
        if chunk:
            family = families[start]
            face = face_cache.get(family)
            if face is None:
                face = face_cache[family] = Face(family, style.bold)
            level = levels[start]
            pieces.append(Piece(chunk, face, style.size, level, shape(chunk, face, level % 2 == 1, language, cache=cache),
                                _is_break_char(chunk[0]), brk))
        elif pieces and brk:
            pieces[-1].break_after = True
        start = i + 1
    return pieces


def layout(text: str, style: Style, width: float, *, language: str = "en", base_rtl: bool | None = None,
           align: Align | None = None, cache: bool = True) -> TextBlock:
    """Lay out one paragraph of logical text in a column ``width`` points wide.

    ``base_rtl`` None takes the paragraph direction from its first strong
    character; ``align`` None aligns to the start side of that direction.
    Layouts are cached (labels and directory texts recur on every sheet);
    pass ``cache=False`` for personal text such as a name.
    """
    if cache:
        return _layout_cached(text, style, width, language, base_rtl, align)
    return _layout(text, style, width, language, base_rtl, align, False)


def _layout(text: str, style: Style, width: float, language: str, base_rtl: bool | None, align: Align | None,
            cache: bool = True) -> TextBlock:
    text = sanitise(unicodedata.normalize("NFC", text)).strip()
    if base_rtl is None:
        base_rtl = is_rtl_text(text)
    if base_rtl:
        text = protect_ltr_data(text)
    if base_rtl or any(_strong(c) == "R" and not c.isdigit() for c in text):
        text = mark_bracket_pairs(text, base_rtl)
    if align is None:
        align = "right" if base_rtl else "left"
    base_level = 1 if base_rtl else 0
    if not text:
        return TextBlock([], width, align, style)
    levels = bidi_levels(text, base_rtl, cache=cache)
    families = assign_families(text, language)
    pieces = _pieces(text, levels, families, style, language, cache=cache)
    lines = [_finish_line(line, base_level, style) for line in _break_lines(
        pieces, width,
        lambda sub: _pieces(*_slice(text, levels, families, sub), style, language, anywhere=True, cache=cache))]
    return TextBlock(lines, width, align, style)


_layout_cached = lru_cache(maxsize=8192)(_layout)


def clear_caches() -> None:
    """Forget every cached layout, shaping and bidi result (call on lock)."""
    _layout_cached.cache_clear()
    _shape_cached.cache_clear()
    _levels_cached.cache_clear()


def _slice(text: str, levels: Sequence[int], families: Sequence[Family], sub: list[Piece]
           ) -> tuple[str, list[int], list[Family]]:
    # Re-derive per-character data for a too-long word so it can break anywhere.
    chars = "".join(p.text for p in sub)
    lv: list[int] = []
    fam: list[Family] = []
    for piece in sub:
        lv.extend([piece.level] * len(piece.text))
        fam.extend([piece.face.family] * len(piece.text))
    return chars, lv, fam


def _units(pieces: Iterable[Piece]) -> list[list[Piece]]:
    units: list[list[Piece]] = []
    current: list[Piece] = []
    for piece in pieces:
        current.append(piece)
        if piece.break_after:
            units.append(current)
            current = []
    if current:
        units.append(current)
    return units


def _content_width(unit: Sequence[Piece]) -> float:
    end = len(unit)
    while end and unit[end - 1].is_space:
        end -= 1
    return sum(p.width for p in unit[:end])


def _break_lines(pieces: list[Piece], width: float, split_word) -> list[list[Piece]]:
    lines: list[list[Piece]] = []
    line: list[Piece] = []
    used = 0.0
    pending = list(_units(pieces))
    while pending:
        unit = pending.pop(0)
        need = _content_width(unit)
        if line and used + need > width + 0.01:
            lines.append(line)
            line, used = [], 0.0
        if not line and need > width + 0.01 and not unit[0].is_space:
            parts = _units(split_word(unit))
            if len(parts) > 1:
                pending[:0] = parts
                continue
        if not line and all(p.is_space for p in unit):
            continue  # no line starts with spaces
        line.extend(unit)
        used += sum(p.width for p in unit)
    if line:
        lines.append(line)
    return lines


def _finish_line(pieces: list[Piece], base_level: int, style: Style) -> Line:
    # L1: trailing whitespace takes the paragraph level; it is then dropped.
    while pieces and pieces[-1].is_space:
        pieces = pieces[:-1]
    visual = _reorder(pieces)
    ascent = max((p.ascent for p in visual), default=style.size)
    descent = max((p.descent for p in visual), default=style.size * 0.25)
    height = max(ascent + descent, style.size * 1.2) + style.size * style.line_gap
    return Line(visual, sum(p.width for p in visual), ascent, descent, height)


def _reorder(pieces: list[Piece]) -> list[Piece]:
    """Rule L2: from the highest level to the lowest odd level, reverse every
    maximal sequence of pieces at that level or higher."""
    if not pieces:
        return pieces
    levels = [p.level for p in pieces]
    highest = max(levels)
    lowest_odd = min((lv for lv in levels if lv % 2), default=highest + 1)
    order = list(range(len(pieces)))
    for level in range(highest, lowest_odd - 1, -1):
        i = 0
        while i < len(order):
            if levels[order[i]] >= level:
                j = i
                while j < len(order) and levels[order[j]] >= level:
                    j += 1
                order[i:j] = reversed(order[i:j])
                i = j
            else:
                i += 1
    return [pieces[k] for k in order]


# -- drawing ----------------------------------------------------------------------


def _actual_text(text: str) -> str:
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


def _runs(pieces: Sequence[Piece]) -> list[list[Piece]]:
    """Consecutive pieces drawn with one text operation: same font and size,
    and left to right unless their glyphs carry their own text."""
    runs: list[list[Piece]] = []
    for piece in pieces:
        if runs:
            last = runs[-1][-1]
            mergeable = (piece.face == last.face and piece.size == last.size
                         and not ((piece.rtl and piece.shaped.private) or (last.rtl and last.shaped.private)))
            if mergeable:
                runs[-1].append(piece)
                continue
        runs.append([piece])
    # Spaces at either end of a run are not drawn: the next run is placed anyway.
    return [run for run in runs if not all(p.is_space for p in run)]


def _draw_line(canvas: Canvas, line: Line, x: float, baseline: float, style: Style) -> None:
    if not line.pieces:
        return
    canvas.setFillColorRGB(*style.color)
    text = canvas.beginText()
    synthetic = False
    offsets: dict[int, float] = {}
    position = x
    for piece in line.pieces:
        offsets[id(piece)] = position
        position += piece.width
    for run in _runs(line.pieces):
        first = run[0]
        if first.face.synthetic_bold != synthetic:
            synthetic = first.face.synthetic_bold
            if synthetic:
                canvas.setStrokeColorRGB(*style.color)
                canvas.setLineWidth(first.size * 0.035)
            text.setTextRenderMode(2 if synthetic else 0)
        text.setFont(first.face.font().fontName, first.size)
        text.setTextOrigin(offsets[id(first)], baseline)
        glyphs = first.shaped.glyphs
        for piece in run[1:]:
            glyphs = glyphs + piece.shaped.glyphs
        tagged = any(p.needs_actual_text and not p.is_space for p in run)
        if tagged:
            text._code.append(f"/Span<</ActualText{_actual_text(''.join(p.text for p in run))}>>BDC")
        text._textOut(glyphs)
        if tagged:
            text._code.append("EMC")
    if synthetic:
        text.setTextRenderMode(0)
    canvas.drawText(text)


def measure(text: str, style: Style, *, language: str = "en") -> float:
    """Width of ``text`` on one line (no wrapping)."""
    block = layout(text, style, 1e9, language=language)
    return max((line.width for line in block.lines), default=0.0)
