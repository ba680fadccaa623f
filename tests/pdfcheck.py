"""Reading a PDF back the way a viewer does: fonts, glyph ids, text.

Shared by the sheet tests and the benchmark. Glyph ids come from the embedded
subset fonts' own cmaps (fontTools), for every code the content streams show.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import dataclass, field

from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import ContentStream, IndirectObject

SUBSET_NAME = re.compile(r"^/?[A-Z]{6}\+")


@dataclass
class FontReport:
    base_font: str
    subtype: str
    embedded: bool
    codes_used: set[int] = field(default_factory=set)
    notdef_codes: set[int] = field(default_factory=set)

    @property
    def subset(self) -> bool:
        return bool(SUBSET_NAME.match(self.base_font))


def _resolve(obj):
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def _code_to_gid(font_file: bytes) -> dict[int, int]:
    tt = TTFont(io.BytesIO(font_file))
    order = tt.getGlyphOrder()
    index = {name: i for i, name in enumerate(order)}
    mapping: dict[int, int] = {}
    for table in tt["cmap"].tables:
        for code, name in table.cmap.items():
            # ReportLab's subsets are simple fonts: codes 0-255 (symbol cmaps at 0xF000).
            mapping.setdefault(code & 0xFF if code >= 0xF000 else code, index.get(name, 0))
    return mapping


_BFCHAR = re.compile(r"<([0-9A-Fa-f]{2})>\s*<([0-9A-Fa-f]{4,})>")


def _to_unicode(font) -> dict[int, str]:
    if "/ToUnicode" not in font:
        return {}
    cmap = _resolve(font["/ToUnicode"]).get_data().decode("latin-1")
    return {int(code, 16): bytes.fromhex(text).decode("utf-16-be") for code, text in _BFCHAR.findall(cmap)}


def font_reports(data: bytes) -> dict[str, FontReport]:
    """Every font used on every page, with the codes drawn and those that draw
    no real glyph: glyph 0 (.notdef) in the embedded font, or the code
    ReportLab uses for a character its font lacks (mapped to U+0000)."""
    reader = PdfReader(io.BytesIO(data))
    reports: dict[str, FontReport] = {}
    gid_maps: dict[str, dict[int, int]] = {}
    unicode_maps: dict[str, dict[int, str]] = {}
    for page in reader.pages:
        declared = _resolve(_resolve(page["/Resources"]).get("/Font", {}))
        fonts: dict[str, str] = {}
        for key, ref in declared.items():
            font = _resolve(ref)
            base = str(font["/BaseFont"])
            descriptor = _resolve(font.get("/FontDescriptor")) if "/FontDescriptor" in font else None
            file2 = _resolve(descriptor.get("/FontFile2")) if descriptor and "/FontFile2" in descriptor else None
            report = reports.setdefault(base, FontReport(base, str(font["/Subtype"]), file2 is not None))
            if file2 is not None and base not in gid_maps:
                gid_maps[base] = _code_to_gid(file2.get_data())
                unicode_maps[base] = _to_unicode(font)
            fonts[str(key)] = base
        content = ContentStream(page.get_contents(), reader)
        current: str | None = None
        for operands, operator in content.operations:
            if operator == b"Tf":
                current = fonts[str(operands[0])]
                continue
            if operator in (b"Tj", b"'", b'"'):
                strings = [operands[-1]]
            elif operator == b"TJ":
                strings = [item for item in operands[0] if not isinstance(item, (int, float))]
            else:
                continue
            assert current is not None, "text shown before any font was set"
            report = reports[current]
            gids = gid_maps.get(current, {})
            chars = unicode_maps.get(current, {})
            for s in strings:
                raw = s.original_bytes if hasattr(s, "original_bytes") else bytes(s)
                for code in raw:
                    report.codes_used.add(code)
                    if gids.get(code, 0) == 0 or chars.get(code) == "\x00":
                        report.notdef_codes.add(code)
    return reports


def page_count(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def pypdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def poppler_text(data: bytes) -> str:
    """Text as poppler's pdftotext reads it (it honours ActualText spans)."""
    exe = shutil.which("pdftotext")
    assert exe, "pdftotext (poppler-utils) is needed; scripts/bootstrap installs it"
    return subprocess.run([exe, "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


_ACTUAL_TEXT = re.compile(rb"/ActualText<FEFF([0-9A-F]*)>")


def actual_texts(data: bytes) -> list[str]:
    """The ActualText of every marked-content span, in drawing order."""
    reader = PdfReader(io.BytesIO(data))
    found: list[str] = []
    for page in reader.pages:
        stream = page.get_contents().get_data()
        found += [bytes.fromhex(h.decode()).decode("utf-16-be") for h in _ACTUAL_TEXT.findall(stream)]
    return found
