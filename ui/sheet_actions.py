"""Print, preview and save a referral's sheet: render on the worker, then paper."""

from __future__ import annotations

import re
from collections.abc import Callable

from schoolintake.errors import SchoolIntakeError
from schoolintake.i18n import _, ngettext

from . import messages
from .printing import SheetPrinter, SheetUnavailable, render_sheet, save_pdf
from .qt import QWidget
from .session import Session


class SheetActions:
    def __init__(self, session: Session, printer: SheetPrinter | None = None) -> None:
        self.session = session
        self.printer = printer or SheetPrinter()
        #: The outcome of the last action, for the status bar and for tests.
        self.last_result = ""

    def _with_pdf(self, referral_id: int, parent: QWidget | None, then: Callable[[bytes], None]) -> None:
        def failed(error: BaseException) -> None:
            self.last_result = str(error)
            if isinstance(error, SheetUnavailable):
                messages.show_info(parent, str(error))
            else:
                messages.show_error(parent, str(error))

        self.session.ops.query(lambda store: render_sheet(store, referral_id), then, parent=parent,
                               on_error=failed)

    def print(self, referral_id: int, parent: QWidget | None) -> None:
        def go(pdf: bytes) -> None:
            try:
                pages = self.printer.print(pdf, parent)
            except SchoolIntakeError as error:
                self.last_result = str(error)
                messages.show_error(parent, str(error))
                return
            self.last_result = (ngettext("Sheet sent to the printer ({n} page).",
                                         "Sheet sent to the printer ({n} pages).", pages).format(n=pages) if pages
                                else _("Printing cancelled."))

        self._with_pdf(referral_id, parent, go)

    def preview(self, referral_id: int, parent: QWidget | None) -> None:
        self._with_pdf(referral_id, parent, lambda pdf: self.printer.preview(pdf, parent))

    def save_as(self, referral_id: int, parent: QWidget | None) -> None:
        def go(pdf: bytes) -> None:
            path = self.printer.ask_save_path(parent, f"referral-{referral_id}.pdf")
            if path is None:
                return
            if path.suffix.lower() != ".pdf":
                path = path.with_name(re.sub(r"\.*$", "", path.name) + ".pdf")
            try:
                save_pdf(pdf, path)
            except SchoolIntakeError as error:
                messages.show_error(parent, str(error))
                return
            self.last_result = _("Sheet saved as {path}.").format(path=path)

        self._with_pdf(referral_id, parent, go)
