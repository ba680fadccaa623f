"""Referral sheets: render in the core, print or preview from PDF bytes.

The sheet is drawn by the core (``schoolintake.sheet.render_referral_sheet``,
ReportLab); this module only puts the PDF on paper. Pages are rasterised in
memory with PDFium (pypdfium2, a few MB) and painted on a QPrinter, so
printing and the print preview never write a PDF to disk; only "Save as PDF"
writes, atomically, where the user chose. (Qt's own QtPdf lives in
PySide6-Addons, a far larger download, so it is not used.)
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from pathlib import Path

from schoolintake.errors import SchoolIntakeError
from schoolintake.i18n import N_, _
from schoolintake.languages import OTHER_LANGUAGE
from schoolintake.referrals import get_referral
from schoolintake.store import Store

from .qt import QImage, QPainter, QRect, Qt, QWidget

SHEET_UNAVAILABLE = N_("Sheet printing is not available yet.")
MAX_RASTER_DPI = 300


class SheetUnavailable(SchoolIntakeError):
    pass


def _renderer() -> Callable[..., bytes] | None:
    try:
        module = importlib.import_module("schoolintake.sheet")
    except ModuleNotFoundError as error:
        if error.name == "schoolintake.sheet":
            return None
        raise
    return getattr(module, "render_referral_sheet", None)


def sheet_available() -> bool:
    return _renderer() is not None


def render_sheet(store: Store, referral_id: int) -> bytes:
    """The referral's sheet as PDF bytes, in the parent's language plus English.

    Runs on the database thread (it reads the store).
    """
    render = _renderer()
    if render is None:
        raise SheetUnavailable(_(SHEET_UNAVAILABLE))
    language = get_referral(store, referral_id).language
    return render(store, referral_id, language=None if language == OTHER_LANGUAGE else language, english=True)


def render_handout(store: Store, service: str, language: str | None) -> bytes:
    """A blank handout (no personal data) for events: one language with
    English alongside, or every language in one PDF when ``language`` is None.

    Runs on the database thread (it reads the directory).
    """
    if _renderer() is None:
        raise SheetUnavailable(_(SHEET_UNAVAILABLE))
    from schoolintake.sheet import render_blank_handout, render_handout_pack

    if language is None:
        return render_handout_pack(store, service)
    return render_blank_handout(store, service, language)


def page_images(pdf: bytes, dpi: int) -> Iterator[QImage]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        for index in range(len(document)):
            page = document[index]
            bitmap = page.render(scale=dpi / 72, force_bitmap_format=pdfium.raw.FPDFBitmap_BGRA)
            # PDFium's BGRA byte order is QImage's ARGB32 on little-endian machines (every target).
            image = QImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride,
                           QImage.Format.Format_ARGB32).copy()
            bitmap.close()
            page.close()
            yield image
    finally:
        document.close()


def paint_pdf(pdf: bytes, printer: object) -> int:
    """Paint every page of ``pdf`` on ``printer`` (a QPrinter); returns the page count."""
    dpi = min(int(printer.resolution()), MAX_RASTER_DPI)  # type: ignore[attr-defined]
    painter = QPainter()
    if not painter.begin(printer):  # type: ignore[arg-type]
        raise SchoolIntakeError(_("The printer could not be started."))
    pages = 0
    try:
        for image in page_images(pdf, dpi):
            if pages:
                printer.newPage()  # type: ignore[attr-defined]
            area = painter.viewport()
            size = image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(QRect(area.x(), area.y(), size.width(), size.height()), image)
            pages += 1
    finally:
        painter.end()
    return pages


def save_pdf(pdf: bytes, path: Path) -> Path:
    """Write the sheet where the user asked, atomically (the core's write_pdf)."""
    from schoolintake.sheet import write_pdf

    return write_pdf(path, pdf)


class SheetPrinter:
    """The print dialog, preview and save-as steps, replaceable in tests."""

    def choose_printer(self, parent: QWidget | None) -> object | None:
        from .qt import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, parent)
        return printer if dialog.exec() else None

    def print(self, pdf: bytes, parent: QWidget | None) -> int:
        printer = self.choose_printer(parent)
        return paint_pdf(pdf, printer) if printer is not None else 0

    def preview(self, pdf: bytes, parent: QWidget | None) -> None:
        from .qt import QPrinter, QPrintPreviewDialog

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintPreviewDialog(printer, parent)
        dialog.paintRequested.connect(lambda target: paint_pdf(pdf, target))
        dialog.exec()

    def ask_save_path(self, parent: QWidget | None, suggested: str) -> Path | None:
        from .qt import QFileDialog

        # Qt's own dialog, not the system's: Windows' and macOS's dialogs add
        # the chosen file name (which a user may make a parent's name) to the
        # system's recent-files lists, outside the encrypted database.
        name, _filter = QFileDialog.getSaveFileName(parent, _("Save sheet as PDF"), suggested, _("PDF files (*.pdf)"),
                                                    options=QFileDialog.Option.DontUseNativeDialog)
        return Path(name) if name else None
