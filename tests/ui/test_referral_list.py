"""The referrals list: typing is debounced, each search costs one job, a
count already known is not asked again, and header clicks sort by their column."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from schoolintake.store import Store
from schoolintake_ui import referral_model
from schoolintake_ui.app import Launcher
from schoolintake_ui.qt import QPoint, Qt
from schoolintake_ui.referral_list import SEARCH_DELAY_MS

from ..conftest import PASSPHRASE
from ..test_reports import add
from .conftest import wait_idle


def test_typing_costs_one_search_and_known_counts_are_reused(
        qtbot: Any, make_launcher: Callable[..., Launcher], db_path: Path, fast_kdf: None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    with Store.open(db_path, PASSPHRASE) as store:
        for name in ("Maria", "Marisol", "Ana", "Mariam"):
            add(store, date(2026, 11, 2), "es", ("esl",), name=name)
    calls: list[str] = []
    for name in ("count_referrals", "list_referrals"):
        real = getattr(referral_model, name)
        monkeypatch.setattr(referral_model, name,
                            lambda *a, _real=real, _name=name, **k: calls.append(_name) or _real(*a, **k))
    launcher = make_launcher(db_path)
    launcher.start()
    panel = launcher.window.unlock_panel
    assert panel is not None
    panel.passphrase.setText(PASSPHRASE)
    panel.submit()
    qtbot.waitUntil(lambda: launcher.window.workspace is not None, timeout=20_000)
    launcher.window.show_page("referrals")
    wait_idle(qtbot, launcher.session)
    page = launcher.window.workspace.referrals  # type: ignore[union-attr]
    assert page.model.rowCount() == 4 and calls == ["count_referrals", "list_referrals"]

    calls.clear()
    qtbot.keyClicks(page.search, "Mari")  # four quick keystrokes: one search when typing pauses
    qtbot.wait(SEARCH_DELAY_MS * 3)
    wait_idle(qtbot, launcher.session)
    assert calls == ["count_referrals", "list_referrals"]
    assert page.model.rowCount() == 3 and page.count_label.text() == "3 matching referrals"
    assert {page.model.summary(row).first_name for row in range(3)} == {"Maria", "Marisol", "Mariam"}

    calls.clear()
    for _ in "Mari":
        qtbot.keyClick(page.search, Qt.Key.Key_Backspace)
    qtbot.wait(SEARCH_DELAY_MS * 3)
    wait_idle(qtbot, launcher.session)
    assert calls == ["list_referrals"]  # the count of everything is still known
    assert page.model.rowCount() == 4


def _click_header(qtbot: Any, page: Any, column: int) -> None:
    header = page.table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


def test_header_clicks_sort_by_that_column_and_the_filter_still_applies(
        qtbot: Any, make_launcher: Callable[..., Launcher], db_path: Path) -> None:
    with Store.open(db_path, PASSPHRASE) as store:
        add(store, date(2026, 11, 2), "es", ("esl",), name="maria")
        add(store, date(2026, 11, 5), "es", ("esl",), name="Ana")
        add(store, date(2026, 11, 3), "bn", ("esl",), name="Zainab")
        add(store, date(2026, 11, 4), "es", ("health",), name="")
        add(store, date(2026, 11, 1), "es", ("esl",), name="Bea")
    launcher = make_launcher(db_path)
    launcher.start()
    panel = launcher.window.unlock_panel
    assert panel is not None
    panel.passphrase.setText(PASSPHRASE)
    panel.submit()
    qtbot.waitUntil(lambda: launcher.window.workspace is not None, timeout=20_000)
    launcher.window.show_page("referrals")
    wait_idle(qtbot, launcher.session)
    page = launcher.window.workspace.referrals  # type: ignore[union-attr]
    header = page.table.horizontalHeader()

    def names() -> list[str]:
        wait_idle(qtbot, launcher.session)
        return [page.model.data(page.model.index(row, 3)) for row in range(page.model.rowCount())]

    assert names() == ["Ana", "", "Zainab", "maria", "Bea"]  # newest first
    _click_header(qtbot, page, 3)  # Name
    assert names() == ["Ana", "Bea", "maria", "Zainab", ""]  # case ignored, no name last
    assert header.sortIndicatorSection() == 3 and header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
    _click_header(qtbot, page, 3)
    assert names() == ["Zainab", "maria", "Bea", "Ana", ""]
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    _click_header(qtbot, page, 0)  # No.
    assert names() == ["maria", "Ana", "Zainab", "", "Bea"]
    _click_header(qtbot, page, 2)  # Language: Bangla before Spanish, then by date
    assert names()[0] == "Zainab"

    page.service.setCurrentIndex(page.service.findData("esl"))  # a filter keeps the order
    _click_header(qtbot, page, 3)
    assert names() == ["Ana", "Bea", "maria", "Zainab"]

    _click_header(qtbot, page, 4)  # Services: no order, the arrow stays on Name
    wait_idle(qtbot, launcher.session)
    assert header.sortIndicatorSection() == 3 and page.model.order.value == "name"
    assert names() == ["Ana", "Bea", "maria", "Zainab"]
    tip = page.model.headerData(4, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert tip == "A referral can have several; the list cannot sort by them."
    assert page.model.headerData(3, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) is None
