"""The referrals list: typing is debounced, each search costs one job, a
count already known is not asked again, and only sortable columns sort."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from schoolintake.store import Store
from schoolintake_ui import referral_model
from schoolintake_ui.app import Launcher
from schoolintake_ui.qt import Qt
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


def test_only_the_date_order_shows_an_arrow(qtbot: Any, make_launcher: Callable[..., Launcher],
                                            db_path: Path) -> None:
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
    header.sectionClicked.emit(3)  # what a click on "Name" does
    page.table.sortByColumn(3, Qt.SortOrder.AscendingOrder)
    assert header.sortIndicatorSection() == referral_model.DATE_COLUMN
    assert page.model.newest_first
    page.table.sortByColumn(referral_model.DATE_COLUMN, Qt.SortOrder.AscendingOrder)
    wait_idle(qtbot, launcher.session)
    assert header.sortIndicatorSection() == referral_model.DATE_COLUMN and not page.model.newest_first
    tip = page.model.headerData(3, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert tip == "The list is sorted by date only."
