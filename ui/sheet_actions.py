"""Print, preview and save sheets: render on the worker, then paper.

A *job* is what to render (on the database thread) and the file name to
suggest; a referral's sheet and a blank handout are both jobs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from schoolintake.errors import SchoolIntakeError
from schoolintake.i18n import _, ngettext

from . import messages
from .printing import SheetPrinter, SheetUnavailable, render_handout, render_sheet, save_pdf
from .qt import QWidget
from .session import Session

if TYPE_CHECKING:
    from schoolintake.store import Store


@dataclass(frozen=True)
class SheetJob:
    render: Callable[[Store], bytes]
    file_name: str


def referral_sheet(referral_id: int) -> SheetJob:
    return SheetJob(lambda store: render_sheet(store, referral_id), f"referral-{referral_id}.pdf")


def blank_handout(service: str, language: str | None) -> SheetJob:
    """A service's handout in one language, or (``None``) every language in one PDF."""
    return SheetJob(lambda store: render_handout(store, service, language),
                    f"handout-{service}-{language or 'all-languages'}.pdf")


class SheetActions:
    def __init__(self, session: Session, printer: SheetPrinter | None = None) -> None:
        self.session = session
        self.printer = printer or SheetPrinter()
        #: The outcome of the last action, for the status bar and for tests.
        self.last_result = ""

    def _with_pdf(self, job: SheetJob | int, parent: QWidget | None, then: Callable[[bytes], None]) -> None:
        if isinstance(job, int):
            job = referral_sheet(job)
        render = job.render

        def failed(error: BaseException) -> None:
            self.last_result = str(error)
            if isinstance(error, SheetUnavailable):
                messages.show_info(parent, str(error))
            else:
                messages.show_error(parent, str(error))

        self.session.ops.query(render, then, parent=parent, on_error=failed)

    def print(self, job: SheetJob | int, parent: QWidget | None) -> None:
        """Print a job, or the sheet of the referral with this id."""
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

        self._with_pdf(job, parent, go)

    def preview(self, job: SheetJob | int, parent: QWidget | None) -> None:
        self._with_pdf(job, parent, lambda pdf: self.printer.preview(pdf, parent))

    def save_as(self, job: SheetJob | int, parent: QWidget | None) -> None:
        suggested = job.file_name if isinstance(job, SheetJob) else referral_sheet(job).file_name

        def go(pdf: bytes) -> None:
            path = self.printer.ask_save_path(parent, suggested)
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

        self._with_pdf(job, parent, go)
