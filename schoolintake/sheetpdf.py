"""Drawing referral sheets with ReportLab: layout, pagination, QR codes.

Pure functions over :class:`schoolintake.sheet.SheetContent`; no store, no
files. Right-to-left sheets (Arabic, Urdu) mirror the whole page: labels on
the right, QR codes on the left, text aligned right.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import segno
from babel import Locale
from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_decimal
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen.canvas import Canvas

from . import __version__, sheettext as T
from .directory import ProviderService
from .fonts import Face, Family
from .i18n import SOURCE_LANGUAGE, translator
from .languages import LANGUAGE_CODES, language as language_info
from .services import service_category
from .sheet import SheetContent, SheetService
from .textlayout import Style, TextBlock, embed, layout

PAGE_WIDTH, PAGE_HEIGHT = letter
MARGIN = 40.0
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
QR_SIZE = 62.0
QR_COLUMN = 84.0
ROW_GAP = 3.0
BOX_PAD = 6.0
INNER = 12.0
GUTTER = 10.0
LABEL_WIDTH = 124.0

INK = (0.0, 0.0, 0.0)
GREY = (0.33, 0.33, 0.33)
ACCENT = (0.05, 0.33, 0.55)
RULE = (0.75, 0.78, 0.82)

#: Nastaliq reads small at the size that suits Naskh or Latin.
_SIZE_FACTOR = {"ur": 1.12}


class Said(NamedTuple):
    """A text in the sheet language, its English (None when the same or not
    wanted), and the direction of ``local``: the sheet's when it was
    translated, None (from its first letter) when it is English or data."""

    local: str
    english: str | None = None
    rtl: bool | None = None


@dataclass
class _Words:
    """The sheet's vocabulary in its language, with English alongside."""

    language: str
    bilingual: bool

    def __post_init__(self) -> None:
        self._tr = translator(self.language)
        self.rtl = language_info(self.language).right_to_left
        self.scale = _SIZE_FACTOR.get(self.language, 1.0)
        self.locale = Locale.parse(self.language)

    def pair(self, message: str, **values: str) -> Said:
        """The message in the sheet language, and in English when that differs."""
        embedded = {k: embed(v) for k, v in values.items()}
        translated = self._tr.gettext(message)
        local = translated.format(**embedded)
        english = message.format(**embedded)
        rtl = self.rtl if translated != message else None
        if not self.bilingual or local == english:
            return Said(local, None, rtl)
        return Said(local, english, rtl)

    def directory(self, text: str) -> Said:
        """Directory text (English as entered), translated when the catalogue has it."""
        return self.pair(text) if text else Said("")

    def number(self, n: int) -> str:
        return format_decimal(n, locale=self.locale)

    def date(self, content: SheetContent) -> Said:
        local = format_date(content.on, format="long", locale=self.locale)
        english = format_date(content.on, format="long", locale=Locale.parse(SOURCE_LANGUAGE))
        return Said(local, english if self.bilingual and english != local else None, self.rtl)


class _Page:
    """A canvas position that mirrors x for right-to-left sheets."""

    def __init__(self, canvas: Canvas, rtl: bool) -> None:
        self.canvas = canvas
        self.rtl = rtl

    def x(self, offset: float, width: float) -> float:
        """Left edge of a box ``offset`` points from the start margin."""
        return PAGE_WIDTH - MARGIN - offset - width if self.rtl else MARGIN + offset


class _SheetDrawer:
    def __init__(self, canvas: Canvas, content: SheetContent) -> None:
        self.content = content
        self.words = _Words(content.language, content.bilingual)
        self.page = _Page(canvas, self.words.rtl)
        self.canvas = canvas
        self.align = "right" if self.words.rtl else "left"
        s = self.words.scale
        self.styles = {
            "school": Style(12, bold=True),
            "school_en": Style(9, color=GREY),
            "small": Style(8.5, color=GREY),
            "small_en": Style(8.5, color=GREY),
            "title": Style(18 * s, bold=True, color=ACCENT),
            "title_en": Style(11, color=GREY),
            "name": Style(13 * s, bold=True),
            "name_en": Style(9.5, color=GREY),
            "text": Style(10 * s),
            "text_en": Style(8.5, color=GREY),
            "heading": Style(13 * s, bold=True, color=ACCENT),
            "heading_en": Style(9.5, color=GREY),
            "label": Style(9 * s, bold=True),
            "label_en": Style(7.5, color=GREY),
            "value": Style(9.5 * s),
            "value_en": Style(8, color=GREY),
            "footer": Style(10 * s, bold=True),
            "footer_en": Style(8.5, color=GREY),
            "caption": Style(7.5 * s, color=GREY),
            "caption_en": Style(7, color=GREY),
        }
        self.footer = self._blocks(self.words.pair(T.FOOTER), "footer", CONTENT_WIDTH)
        self.bottom = MARGIN + _height(self.footer) + 10

    # -- text helpers ------------------------------------------------------------------

    def _blocks(self, said: Said, style: str, width: float, align: str | None = None,
                personal: bool = False) -> list[TextBlock]:
        """Paragraphs for a text and its English line beneath, in smaller grey type.

        ``personal`` text (the name) is laid out without the layout caches, so
        it does not stay in memory once the sheet is drawn.
        """
        align = align or self.align
        cache = not personal
        blocks = [layout(said.local, self.styles[style], width, language=self.content.language,
                         base_rtl=said.rtl, align=align, cache=cache)] if said.local else []
        if said.english:
            blocks.append(layout(said.english, self.styles[style + "_en"], width, language=SOURCE_LANGUAGE,
                                 align=align, cache=cache))
        return blocks

    def _draw_stack(self, blocks: Sequence[TextBlock], offset: float, top: float, gap: float = 1.0) -> float:
        y = top
        for block in blocks:
            y = block.draw(self.canvas, self.page.x(offset, block.width), y) - gap
        return y

    # -- page furniture -----------------------------------------------------------

    def _draw_footer(self) -> None:
        c = self.canvas
        top = MARGIN + _height(self.footer) + 4
        c.setStrokeColorRGB(*RULE)
        c.setLineWidth(0.8)
        c.line(MARGIN, top + 3, PAGE_WIDTH - MARGIN, top + 3)
        self._draw_stack(self.footer, 0, top)

    def _new_page(self) -> float:
        self._draw_footer()
        self.canvas.showPage()
        return PAGE_HEIGHT - MARGIN

    def _header(self, y: float) -> float:
        content = self.content
        start_width = CONTENT_WIDTH * 0.62
        end_width = CONTENT_WIDTH - start_width - GUTTER
        start: list[TextBlock] = []
        if content.site is not None:
            start += self._blocks(Said(content.site.school_name), "school", start_width)
            detail = " · ".join(p for p in (content.site.doe_code, content.site.partner_organisation) if p)
            start += self._blocks(Said(detail), "small", start_width)
        end = self._blocks(self.words.date(content), "text", end_width, align="left" if self.words.rtl else "right")
        bottom = min(self._draw_stack(start, 0, y), self._draw_stack(end, start_width + GUTTER, y))
        c = self.canvas
        c.setStrokeColorRGB(*RULE)
        c.setLineWidth(0.8)
        c.line(MARGIN, bottom - 2, PAGE_WIDTH - MARGIN, bottom - 2)
        y = bottom - 10
        if content.handout:
            # A handout is about one service: its name is the title, and each
            # block below is one provider of it.
            title = self.words.pair(service_category(content.services[0].category).name)
        else:
            title = self.words.pair(T.REFERRAL_TITLE)
        y = self._draw_stack(self._blocks(title, "title", CONTENT_WIDTH), 0, y) - 3
        if content.prepared_for and not content.handout:
            y = self._draw_stack(self._blocks(self.words.pair(T.PREPARED_FOR, name=content.prepared_for),
                                              "name", CONTENT_WIDTH, personal=True), 0, y) - 2
        y = self._draw_stack(self._blocks(self.words.pair(T.INTRO), "text", CONTENT_WIDTH), 0, y)
        return y - 6

    # -- services ----------------------------------------------------------------------

    def _rows(self, service: SheetService) -> list[tuple[Said, list[Said]]]:
        w = self.words
        provider = service.provider
        call = [w.pair(T.CALL_311)]
        if provider is None:
            return [(w.pair(T.PROVIDER), [w.pair(T.NO_PROVIDER)])]
        rows = [(w.pair(T.PROVIDER), [_provider_name(w, provider)])]
        addresses = [Said(loc.one_line()) for loc in provider.locations if loc.one_line()]
        rows.append((w.pair(T.ADDRESS), addresses or call))
        phones = [_phone(w, p.number, p.description) for p in provider.phones]
        rows.append((w.pair(T.PHONE), phones or call))
        hours = [w.directory(s) for s in provider.schedules]
        rows.append((w.pair(T.HOURS), hours or call))
        if provider.languages:
            names = [language_info(code).autonym for code in provider.languages if code in LANGUAGE_CODES]
            rows.append((w.pair(T.LANGUAGES_SPOKEN), [Said(format_list(names, locale=w.locale), None, w.rtl)]))
        if provider.application_process:
            rows.append((w.pair(T.WHAT_TO_BRING), [w.directory(provider.application_process)]))
        if provider.fees_description:
            rows.append((w.pair(T.COST), [w.directory(provider.fees_description)]))
        return rows

    def _service(self, index: int, service: SheetService, y: float) -> float:
        w = self.words
        provider = service.provider
        url = provider.url if provider else ""
        main_width = CONTENT_WIDTH - (QR_COLUMN if url else 0) - 16
        value_width = main_width - LABEL_WIDTH - GUTTER
        if self.content.handout and provider is not None:
            name = Said(provider.organization_name, None, w.rtl)
        else:
            name = w.pair(service_category(service.category).name)
        heading = self._blocks(name._replace(local=f"{w.number(index)}. {embed(name.local)}"), "heading", main_width)
        rows = [(self._blocks(label, "label", LABEL_WIDTH),
                 [b for value in values for b in self._blocks(value, "value", value_width)])
                for label, values in self._rows(service)]
        qr_blocks: list[TextBlock] = []
        if url:
            qr_blocks = self._blocks(w.pair(T.WEBSITE), "caption", QR_COLUMN, align="center")
            qr_blocks += self._blocks(Said(_short_url(url)), "caption", QR_COLUMN, align="center")
        qr_height = (QR_SIZE + 4 + _height(qr_blocks)) if url else 0.0
        # The block flows across pages between rows when it must: it starts
        # on this page if its heading, QR code and two rows fit, else on the next.
        items: list[tuple[float, Callable[[float], float]]] = [
            (_height(heading) + 4, lambda top: self._draw_stack(heading, INNER, top) - 4)]
        for labels, values in rows:
            items.append((max(_height(labels), _height(values)) + ROW_GAP,
                          lambda top, l=labels, v=values: min(self._draw_stack(l, INNER, top),
                                                              self._draw_stack(v, INNER + LABEL_WIDTH + GUTTER, top))
                          - ROW_GAP))
        total = max(sum(h for h, _ in items), qr_height) + 2 * BOX_PAD
        if y - total < self.bottom:
            start = max(sum(h for h, _ in items[:3]), qr_height) + 2 * BOX_PAD
            if y - start < self.bottom:
                y = self._new_page()
        first = True
        while items:
            room = y - self.bottom - 2 * BOX_PAD
            taken = 0
            height = 0.0
            while taken < len(items) and (height + items[taken][0] <= room or taken == 0):
                height += items[taken][0]
                taken += 1
            if first and url and taken == len(items):
                height = max(height, qr_height)
            box = height + 2 * BOX_PAD
            self._box(y, box)
            cursor = y - BOX_PAD
            if first and url:
                qr_left = CONTENT_WIDTH - QR_COLUMN - 4
                draw_qr(self.canvas, url, self.page.x(qr_left + (QR_COLUMN - QR_SIZE) / 2, QR_SIZE),
                        cursor - QR_SIZE, QR_SIZE)
                self._draw_stack(qr_blocks, qr_left, cursor - QR_SIZE - 3, gap=0)
            for _height_, draw in items[:taken]:
                cursor = draw(cursor)
            items = items[taken:]
            first = False
            y -= box + 8
            if items:
                y = self._new_page()
        return y

    def _box(self, top: float, height: float) -> None:
        c = self.canvas
        c.setStrokeColorRGB(*RULE)
        c.setLineWidth(0.8)
        c.roundRect(MARGIN, top - height, CONTENT_WIDTH, height, 5, stroke=1, fill=0)
        c.setFillColorRGB(*ACCENT)
        c.rect(self.page.x(0, 4), top - height + 5, 4, height - 10, stroke=0, fill=1)

    def draw(self) -> None:
        y = self._header(PAGE_HEIGHT - MARGIN)
        for index, service in enumerate(self.content.services, start=1):
            y = self._service(index, service, y)
        self._draw_footer()
        self.canvas.showPage()


def _height(blocks: Sequence[TextBlock], gap: float = 1.0) -> float:
    return sum(b.height + gap for b in blocks)


def _provider_name(words: _Words, provider: ProviderService) -> Said:
    said = words.directory(provider.name)
    org = provider.organization_name
    if not org or org in provider.name:
        return said
    return Said(f"{embed(org)} — {said.local}", f"{org} — {said.english}" if said.english else None, said.rtl)


def _phone(words: _Words, number: str, description: str) -> Said:
    if not description:
        return Said(number)
    said = words.directory(description)
    return Said(f"{embed(number)} ({said.local})",
                f"{embed(number)} ({said.english})" if said.english else None, said.rtl)


def _short_url(url: str) -> str:
    return url.split("://", 1)[-1].rstrip("/")


@lru_cache(maxsize=512)
def _qr_matrix(data: str) -> tuple[tuple[int, ...], ...]:
    # Directory URLs recur on every sheet; encoding one costs milliseconds.
    return tuple(tuple(row) for row in segno.make(data, error="m", micro=False).matrix)


def draw_qr(canvas: Canvas, data: str, x: float, y: float, size: float) -> None:
    """A QR code (error correction M) as vector rectangles, lower-left corner at (x, y)."""
    matrix = _qr_matrix(data)
    n = len(matrix)
    module = size / n
    canvas.setFillColorRGB(0, 0, 0)
    path = canvas.beginPath()
    for row_index, row in enumerate(matrix):
        top = y + size - (row_index + 1) * module
        start = None
        for col, dark in enumerate(list(row) + [0]):
            if dark and start is None:
                start = col
            elif not dark and start is not None:
                path.rect(x + start * module, top, (col - start) * module, module)
                start = None
    canvas.drawPath(path, stroke=0, fill=1)


def _bcp47(code: str) -> str:
    return code.replace("_", "-")


def render(contents: Sequence[SheetContent], *, title: str | None = None) -> bytes:
    """Draw sheets into one PDF and return its bytes (nothing touches the disk)."""
    buffer = io.BytesIO()
    first = contents[0]
    # A bundled font as the initial font: otherwise ReportLab declares
    # Helvetica on every page, a font that is not embedded.
    initial = Face(Family.LATIN, False)
    initial.font()
    canvas = Canvas(buffer, pagesize=letter, pageCompression=1, lang=_bcp47(first.language),
                    initialFontName=initial.name)
    words = _Words(first.language, first.bilingual)
    canvas.setTitle(title or words.pair(T.HANDOUT_TITLE if first.handout else T.REFERRAL_TITLE)[0])
    canvas.setAuthor("")
    canvas.setCreator(f"School Intake {__version__}")
    for content in contents:
        _SheetDrawer(canvas, content).draw()
    canvas.save()
    return buffer.getvalue()
