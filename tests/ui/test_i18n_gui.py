"""The interface in every language: complete catalogues at run time, Qt's own
strings, right-to-left, a language switch that keeps the unsaved form, and a
sheet language independent of the UI language.

``test_every_locale_renders_without_a_missing_translation`` uses the real
catalogues and names each locale that still lacks a message the screens
show. ``test_every_text_on_screen_goes_through_gettext`` uses a generated
pseudo-translation of the whole ``.pot`` instead, so it checks the code (every
message shown is extracted, every label is marked) whatever the translators'
progress.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from schoolintake import i18n, sheettext
from schoolintake.demo import populate
from schoolintake.i18n import Catalog, translator
from schoolintake.languages import LANGUAGE_CODES
from schoolintake.referral import NewReferral, ServiceChoice
from schoolintake.referrals import add_referral
from schoolintake.store import Store
from schoolintake_ui.app import Launcher
from schoolintake_ui.language import apply_ui_language, qt_catalog_name
from schoolintake_ui.qt import (
    QAbstractButton, QApplication, QDialogButtonBox, QGroupBox, QLabel, QLineEdit, QListWidget, QMainWindow,
    QTableView, Qt, QWidget,
)
from schoolintake_ui.workspace import PAGE_KEYS, Workspace

from ..conftest import PASSPHRASE, TODAY
from .conftest import wait_idle
from .test_app_flow import _fill_form, _unlock, _unlocked

ROOT = Path(__file__).resolve().parents[2]
LOCALES = [code for code in LANGUAGE_CODES if code != i18n.SOURCE_LANGUAGE]
PSEUDO = "es"  # the pseudo-translation stands in for this locale (two plural forms)
OPEN, CLOSE = "⟦", "⟧"


@pytest.fixture
def some_referrals(db_path: Path, fast_kdf: None) -> Path:
    with Store.open(db_path, PASSPHRASE) as store:
        populate(store, 40, today=TODAY, months=3)
        add_referral(store, NewReferral("bn", (ServiceChoice("esl"), ServiceChoice("health")), TODAY,
                                        first_name="Rahima", follow_up_on=TODAY), today=TODAY)
    return db_path


def _pseudo_catalog() -> Catalog:
    """Every message of the .pot "translated" as ⟦source⟧ (placeholders kept)."""
    with (ROOT / "translations" / "messages.pot").open("rb") as fh:
        catalog = read_po(fh, locale=PSEUDO)
    for message in list(catalog)[1:]:
        if isinstance(message.id, (tuple, list)):
            message.string = tuple(f"{OPEN}{message.id[min(i, 1)]}{CLOSE}" for i in range(catalog.num_plurals))
        else:
            message.string = f"{OPEN}{message.id}{CLOSE}"
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    made = Catalog(buffer)
    made.language = PSEUDO
    return made


@pytest.fixture
def pseudo_locale(monkeypatch: pytest.MonkeyPatch) -> Iterator[Catalog]:
    pseudo = _pseudo_catalog()
    real = i18n.translator
    monkeypatch.setattr(i18n, "translator", lambda code: pseudo if code == PSEUDO else real(code))
    yield pseudo


def _visit_everything(qtbot: object, launcher: Launcher) -> Workspace:
    """Every page, loaded, and one referral's dialog."""
    workspace = launcher.window.workspace
    assert workspace is not None
    for key in PAGE_KEYS:
        launcher.window.show_page(key)
        wait_idle(qtbot, launcher.session)
    workspace.form.service_boxes["esl"].setChecked(True)  # a provider row
    wait_idle(qtbot, launcher.session)
    launcher.window.open_referral(1)
    wait_idle(qtbot, launcher.session)
    return workspace


def _open_in(qtbot: object, launcher: Launcher, code: str) -> Workspace:
    launcher.start()
    launcher.window.change_ui_language(code)  # the unlock screen, in that language
    return _unlock(qtbot, launcher)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_locale_renders_without_a_missing_translation(
        qtbot: object, make_launcher: Callable[..., Launcher], some_referrals: Path, locale: str) -> None:
    launcher = make_launcher(some_referrals)
    with i18n.recording_missing() as missing:
        _open_in(qtbot, launcher, locale)
        _visit_everything(qtbot, launcher)
    assert not missing, f"{locale}: {len(missing)} messages shown untranslated, e.g. {sorted(missing, key=str)[:5]}"


def _texts_to_translate(top: QWidget) -> list[str]:
    """Labels, buttons, titles, headers, menus: what the program itself says."""
    found = [top.windowTitle()]
    for widget in [top, *top.findChildren(QWidget)]:
        if isinstance(widget, QAbstractButton):
            box = widget.parent()
            if isinstance(box, QDialogButtonBox) and box.standardButton(widget) != QDialogButtonBox.StandardButton.NoButton:
                continue  # Qt's own string, from Qt's catalogue
            found.append(widget.text())
        elif isinstance(widget, QLabel) and not widget.text().startswith("<"):
            found.append(widget.text())
        elif isinstance(widget, QGroupBox):
            found.append(widget.title())
        elif isinstance(widget, QLineEdit):
            found.append(widget.placeholderText())
        elif isinstance(widget, QListWidget) and widget.objectName() != "languages":
            found.extend(widget.item(row).text() for row in range(widget.count()))
        elif isinstance(widget, QTableView):
            model = widget.model()
            found.extend(str(model.headerData(c, Qt.Orientation.Horizontal)) for c in range(model.columnCount()))
    if isinstance(top, QMainWindow):
        for menu_action in top.menuBar().actions():
            found.append(menu_action.text())
            menu = menu_action.menu()
            found.extend(action.text() for action in (menu.actions() if menu else []))
    return [text for text in found if text]


def test_every_text_on_screen_goes_through_gettext(
        qtbot: object, make_launcher: Callable[..., Launcher], some_referrals: Path, pseudo_locale: Catalog) -> None:
    launcher = make_launcher(some_referrals)
    with i18n.recording_missing() as missing:
        _open_in(qtbot, launcher, PSEUDO)
        assert launcher.window.unlock_panel is None
        _visit_everything(qtbot, launcher)
    assert not missing, f"messages shown that are not in the .pot: {sorted(missing, key=str)}"
    # Data shown on these screens (site, directory, names, language autonyms,
    # dates and numbers, the site key's fingerprint, a URL scheme as the
    # collector field's placeholder) is not the program's own text.
    data = re.compile(r"^(P\.S\. 58|Rahima|[\d\s,.:/()–—-]+$|sha256:[0-9a-f:]+$|https://$)")
    untranslated = set()
    for top in [launcher.window, *launcher.window.dialogs]:
        workspace = launcher.window.workspace
        assert workspace is not None
        for text in _texts_to_translate(top):
            if OPEN in text or not re.search(r"[A-Za-z]", text) or data.match(text):
                continue
            untranslated.add(text)
    allowed = _data_texts(launcher)
    assert not untranslated - allowed, sorted(untranslated - allowed)


def _data_texts(launcher: Launcher) -> set[str]:
    """Texts that come from the database or CLDR, not from the program."""
    from schoolintake.languages import LANGUAGES

    workspace = launcher.window.workspace
    assert workspace is not None
    texts = {lang.autonym for lang in LANGUAGES}
    texts.add(workspace.home.site_label.text())
    table = workspace.directory.table
    texts.update(table.item(r, c).text() for r in range(table.rowCount()) for c in range(table.columnCount())
                 if table.item(r, c) is not None)
    for dialog in launcher.window.dialogs:
        texts.update(label.text() for label in dialog.findChildren(QLabel))
    texts.update(combo_text for combo_text in (workspace.reports.first.currentText(),
                                               workspace.reports.last.currentText()))
    return texts


def test_changing_the_language_keeps_the_unsaved_form_and_relabels_it(
        qtbot: object, make_launcher: Callable[..., Launcher], db_path: Path, pseudo_locale: Catalog) -> None:
    launcher = make_launcher(db_path)
    launcher.start()
    workspace = _unlock(qtbot, launcher)
    launcher.window.show_page("new")
    _fill_form(workspace, language="bn", services=("esl", "idnyc"), name="Rahima", phone="718-555-0100",
               notes="prefers evenings")
    form = workspace.form
    assert {w.text() for w in form.findChildren(QLabel) if w.buddy() is form.name} == {"&Name or initials (optional)"}

    launcher.settings.ui_language = "en"
    workspace.settings.language_changed.emit(PSEUDO)  # what choosing it in Settings does
    workspace = _unlocked(qtbot, launcher)
    form = workspace.form
    assert workspace.current_key() == "new"
    assert form.name.text() == "Rahima" and form.phone.text() == "718-555-0100" and form.consent.isChecked()
    assert form.notes.toPlainText() == "prefers evenings" and form.language.current == "bn"
    assert form.service_boxes["esl"].isChecked() and form.service_boxes["idnyc"].isChecked()
    assert {w.text() for w in form.findChildren(QLabel) if w.buddy() is form.name} == {
        f"{OPEN}&Name or initials (optional){CLOSE}"}
    assert form.save_button.text().startswith(OPEN)
    assert launcher.settings.ui_language == PSEUDO


@pytest.mark.parametrize(("code", "cancel"), [("es", "Cancelar"), ("ru", "Отмена"), ("fr", "Annuler"),
                                              ("zh_Hans", "取消"), ("bn", "Cancel"), ("en", "Cancel")])
def test_qt_standard_buttons_follow_the_ui_language(qtbot: object, code: str, cancel: str) -> None:
    apply_ui_language(code)
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)  # type: ignore[attr-defined]
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text().replace("&", "") == cancel
    assert qt_catalog_name("zh_Hant") == "qtbase_zh_TW"


@pytest.mark.parametrize(("code", "direction"), [("ar", Qt.LayoutDirection.RightToLeft),
                                                 ("ur", Qt.LayoutDirection.RightToLeft),
                                                 ("es", Qt.LayoutDirection.LeftToRight),
                                                 ("bn", Qt.LayoutDirection.LeftToRight)])
def test_layout_direction_follows_the_language(
        qtbot: object, make_launcher: Callable[..., Launcher], db_path: Path, code: str,
        direction: Qt.LayoutDirection) -> None:
    launcher = make_launcher(db_path)
    launcher.start()
    _unlock(qtbot, launcher)
    launcher.window.change_ui_language(code)
    workspace = _unlocked(qtbot, launcher)
    assert QApplication.layoutDirection() == direction
    assert workspace.layoutDirection() == direction
    assert workspace.form.name.layoutDirection() == direction


def test_the_sheet_language_is_independent_of_the_ui_language(store: Store) -> None:
    from schoolintake_ui.printing import render_sheet
    from tests.pdfcheck import poppler_text

    rid = add_referral(store, NewReferral("bn", (ServiceChoice("esl"),), TODAY, first_name="Rahima"), today=TODAY)
    apply_ui_language("es")
    try:
        text = re.sub(r"\s+", "", poppler_text(render_sheet(store, rid)))
    finally:
        apply_ui_language("en")
    bengali = translator("bn").gettext(sheettext.REFERRAL_TITLE)
    spanish = translator("es").gettext(sheettext.REFERRAL_TITLE)
    assert bengali != sheettext.REFERRAL_TITLE and spanish != sheettext.REFERRAL_TITLE
    assert re.sub(r"\s+", "", bengali) in text and "Referralsheet" in text  # the parent's language, and English
    assert re.sub(r"\s+", "", spanish) not in text


def test_locking_forgets_the_sheet_text_caches(
        qtbot: object, make_launcher: Callable[..., Launcher], db_path: Path) -> None:
    from schoolintake import textlayout

    launcher = make_launcher(db_path)
    launcher.start()
    _unlock(qtbot, launcher)
    textlayout.layout("أعدت لـ فاطمة", textlayout.Style(), 200, language="ar")
    caches = (textlayout._layout_cached, textlayout._shape_cached, textlayout._levels_cached)
    assert all(cache.cache_info().currsize > 0 for cache in caches)
    launcher.window.lock()
    assert all(cache.cache_info().currsize == 0 for cache in caches)


#: A school laptop's 1366×768 (or 1280×800) screen, less a task bar and the
#: window frame, with room to spare for longer translations to come.
SCREEN = (1000, 650)


@pytest.mark.parametrize("locale", LANGUAGE_CODES)
def test_the_window_fits_a_small_laptop_screen_in_every_language(
        qtbot: object, make_launcher: Callable[..., Launcher], some_referrals: Path, locale: str) -> None:
    launcher = make_launcher(some_referrals)
    _open_in(qtbot, launcher, locale)
    for key in PAGE_KEYS:
        launcher.window.show_page(key)
        wait_idle(qtbot, launcher.session)
        needed = launcher.window.minimumSizeHint()
        assert needed.width() <= SCREEN[0] and needed.height() <= SCREEN[1], (locale, key, needed)
