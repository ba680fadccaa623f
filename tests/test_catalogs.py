"""The gettext catalogues: up to date with the source, complete, well-formed,
with plural rules that agree with CLDR, and safe at run time.

The completeness test is parametrized per locale, so a failing run names
exactly the locales that still have untranslated or fuzzy entries.
"""

from __future__ import annotations

import gettext
import io
import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.catalog import Catalog as BabelCatalog
from babel.messages.catalog import Message
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from schoolintake import i18n
from schoolintake.catalogs import compile_po
from schoolintake.i18n import RIGHT_TO_LEFT_MARK, Catalog, Translated, placeholders, translator
from schoolintake.languages import LANGUAGE_CODES

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "translations"
POT = TRANSLATIONS / "messages.pot"
LOCALES = [code for code in LANGUAGE_CODES if code != i18n.SOURCE_LANGUAGE]
#: CLDR's plural categories in the order gettext catalogues number them.
CATEGORY_ORDER = ("zero", "one", "two", "few", "many", "other")
MNEMONIC = re.compile(r"(?<!&)&(?!&)")

Key = tuple[str | None, str, str | None]


def _po(locale: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def _read(path: Path, locale: str | None = None) -> BabelCatalog:
    with path.open("rb") as fh:
        return read_po(fh, locale=locale)


def _key(message: Message) -> Key:
    if isinstance(message.id, (tuple, list)):
        return message.context, message.id[0], message.id[1]
    return message.context, message.id, None


def _messages(catalog: BabelCatalog) -> Iterator[Message]:
    return (message for message in catalog if message.id)


def _keys(catalog: BabelCatalog) -> set[Key]:
    return {_key(message) for message in _messages(catalog)}


def _forms(message: Message) -> list[str]:
    return list(message.string) if isinstance(message.string, (tuple, list)) else [message.string]


def test_every_locale_has_a_catalog() -> None:
    assert sorted(p.parent.parent.name for p in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")) == sorted(LOCALES)


# -- (a) up to date with the source ------------------------------------------------


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> BabelCatalog:
    """What ``scripts/update-catalogs`` would extract from the source right now."""
    out = tmp_path_factory.mktemp("pot") / "messages.pot"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        CommandLineInterface().run(["pybabel", "-q", "extract", "-F", "babel.cfg", "--sort-by-file", "--no-wrap",
                                    "--add-location=file", "-c", "TRANSLATORS:", "-o", str(out), "."])
    return _read(out)


def test_committed_pot_is_up_to_date_with_the_source(extracted: BabelCatalog) -> None:
    committed = _keys(_read(POT))
    fresh = _keys(extracted)
    assert not fresh - committed, f"run scripts/update-catalogs: not in the .pot: {sorted(fresh - committed, key=str)}"
    assert not committed - fresh, f"run scripts/update-catalogs: gone from the source: {sorted(committed - fresh, key=str)}"


def test_translator_comments_are_up_to_date(extracted: BabelCatalog) -> None:
    committed = {_key(m): m.auto_comments for m in _messages(_read(POT))}
    stale = [key for key, m in ((_key(m), m) for m in _messages(extracted)) if committed.get(key) != m.auto_comments]
    assert not stale, f"run scripts/update-catalogs: translator comments changed for {stale}"


@pytest.mark.parametrize("locale", LOCALES)
def test_locale_catalog_has_exactly_the_pot_messages(locale: str) -> None:
    template, catalog = _keys(_read(POT)), _keys(_read(_po(locale), locale))
    assert template == catalog, (f"run scripts/update-catalogs: missing {sorted(template - catalog, key=str)}, "
                                 f"obsolete {sorted(catalog - template, key=str)}")


def test_singular_and_plural_sources_have_the_same_placeholders() -> None:
    for message in _messages(_read(POT)):
        if isinstance(message.id, (tuple, list)):
            assert placeholders(message.id[0]) == placeholders(message.id[1]), message.id


# -- (b) complete ---------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_no_untranslated_or_fuzzy_entry(locale: str) -> None:
    catalog = _read(_po(locale), locale)
    fuzzy = [m.id for m in _messages(catalog) if m.fuzzy]
    untranslated = [m.id for m in _messages(catalog) if not all(_forms(m))]
    assert not fuzzy and not untranslated, (
        f"{locale}: {len(untranslated)} untranslated, {len(fuzzy)} fuzzy; first: {(untranslated + fuzzy)[:5]}")


# -- (c) well-formed ------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_msgfmt_check_passes(locale: str) -> None:
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "GNU gettext's msgfmt is missing: run scripts/bootstrap"
    done = subprocess.run([msgfmt, "--check", "-o", "/dev/null", str(_po(locale))], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def _single_value_forms(catalog: BabelCatalog) -> set[int]:
    """Plural form indexes used for exactly one n (e.g. Arabic's zero, one, two):
    only those may leave the count out ("one day" rather than "1 day")."""
    plural = gettext.c2py(catalog.plural_expr)
    used = Counter(plural(n) for n in range(1001))
    return {index for index, times in used.items() if times == 1}


@pytest.mark.parametrize("locale", LOCALES)
def test_placeholders_and_mnemonics_match_the_source(locale: str) -> None:
    catalog = _read(_po(locale), locale)
    may_omit = _single_value_forms(catalog)
    problems = []
    for message in _messages(catalog):
        if message.fuzzy:
            continue  # never compiled; the completeness test reports it
        sources = list(message.id) if isinstance(message.id, (tuple, list)) else [message.id]
        wanted = placeholders(sources[-1])
        mnemonics = len(MNEMONIC.findall(sources[-1]))
        for index, text in enumerate(_forms(message)):
            if not text:
                continue  # untranslated: the completeness test reports it
            got = placeholders(text)
            if wanted is not None:
                plural_form = len(sources) > 1
                if got is None or not got <= wanted or (got != wanted and not (plural_form and index in may_omit)):
                    problems.append(f"placeholders {sorted(got or [])} != {sorted(wanted)}: {text!r}")
            if len(MNEMONIC.findall(text)) != mnemonics:
                problems.append(f"{mnemonics} '&' mnemonic(s) in the source, not in {text!r}")
    assert not problems, "\n".join(problems)


# -- plural rules -----------------------------------------------------------------------


def _categories_in_order(locale: str) -> list[str]:
    rule = Locale.parse(locale).plural_form
    used = {rule(n) for n in range(1001)}
    return [category for category in CATEGORY_ORDER if category in used]


@pytest.mark.parametrize("locale", LOCALES)
def test_plural_forms_header_agrees_with_cldr(locale: str) -> None:
    """nplurals is the number of CLDR categories whole numbers use, and the
    expression picks each category's form (in CLDR order) for every n."""
    catalog = translator(locale)
    rule = Locale.parse(locale).plural_form
    order = _categories_in_order(locale)
    assert _read(_po(locale), locale).num_plurals == len(order)
    for n in [*range(0, 230), 1000, 1001, 1002, 1011, 1021, 10_000, 100_000, 1_000_001]:
        assert catalog.plural(n) == order.index(rule(n)), (locale, n, rule(n))


@pytest.mark.parametrize("locale", ["ar", "ru", "pl"])
@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, 11, 21, 100])
def test_ngettext_picks_the_cldr_form(locale: str, n: int) -> None:
    catalog = translator(locale)
    expected_index = _categories_in_order(locale).index(Locale.parse(locale).plural_form(n))
    message = _read(_po(locale), locale).get(("{n} day", "{n} days"))
    assert message is not None
    shown = catalog.ngettext("{n} day", "{n} days", n).format(n=n).removeprefix(RIGHT_TO_LEFT_MARK)
    assert shown == _forms(message)[expected_index].format(n=n)


@pytest.mark.parametrize(("locale", "n", "expected"), [
    ("ru", 1, "1 день"), ("ru", 3, "3 дня"), ("ru", 5, "5 дней"), ("ru", 11, "11 дней"), ("ru", 21, "21 день"),
    ("ru", 22, "22 дня"), ("ru", 100, "100 дней"),
    ("pl", 1, "1 dzień"), ("pl", 2, "2 dni"), ("pl", 5, "5 dni"),
    ("ar", 0, "0 يوم"), ("ar", 2, "2 يومان"), ("ar", 3, "3 أيام"), ("ar", 11, "11 يومًا"), ("ar", 100, "100 يوم"),
])
def test_day_counts_read_correctly(locale: str, n: int, expected: str) -> None:
    mark = RIGHT_TO_LEFT_MARK if locale == "ar" else ""
    assert translator(locale).ngettext("{n} day", "{n} days", n).format(n=n) == mark + expected


@pytest.mark.parametrize(("n", "expected"), [(1, "1 minuta"), (2, "2 minuty"), (5, "5 minut"), (12, "12 minut"),
                                             (22, "22 minuty"), (25, "25 minut")])
def test_polish_minutes(n: int, expected: str) -> None:
    assert translator("pl").ngettext("{n} minute", "{n} minutes", n).format(n=n) == expected


# -- (e) a broken translation never breaks the program --------------------------------------


def _catalog(entries: dict[object, object], locale: str = "ru") -> Catalog:
    catalog = BabelCatalog(locale=locale)
    for msgid, string in entries.items():
        catalog.add(msgid, string)  # type: ignore[arg-type]
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Catalog(buffer)


def test_translations_with_foreign_placeholders_are_dropped_at_load() -> None:
    catalog = _catalog({
        "Referral {id} saved.": "Направление {номер} сохранено.",        # a translated placeholder name
        "Date: {date}": "Дата: {date",                                   # unbalanced brace
        "Name: {name}": "Имя: {name}",                                   # fine
        ("{n} day", "{n} days"): ("{n} день", "{n} дня", "{count} дней"),  # one form broken
    })
    dropped = catalog.drop_broken()
    assert sorted(dropped) == ["Date: {date}", "Referral {id} saved.", "{n} day"]
    assert catalog.gettext("Referral {id} saved.").format(id=7) == "Referral 7 saved."
    assert catalog.gettext("Date: {date}").format(date="x") == "Date: x"
    assert catalog.gettext("Name: {name}").format(name="Ana") == "Имя: Ana"
    assert catalog.ngettext("{n} day", "{n} days", 5).format(n=5) == "5 days"


def test_a_translation_that_fails_to_format_falls_back_to_the_source() -> None:
    catalog = _catalog({"Sheet saved as {path}.": "Лист сохранён как {path:d}."})  # a bad format spec
    assert not catalog.drop_broken()
    text = catalog.gettext("Sheet saved as {path}.")
    assert isinstance(text, Translated) and text.source == "Sheet saved as {path}."
    assert text.format(path="/tmp/a.pdf") == "Sheet saved as /tmp/a.pdf."
    plural = Translated("{n} дня {oops[1]}", "{n} days")
    assert plural.format(n=3) == "3 days"


def test_plural_forms_may_leave_the_count_out_but_never_add_a_placeholder() -> None:
    catalog = _catalog({("{n} day", "{n} days"): ("يوم", "{n} يوم", "{n} يومان", "{n} أيام", "{n} يومًا", "{n} يوم"),
                        ("{n} page", "{n} pages"): ("{n} {x}", "{n}", "{n}", "{n}", "{n}", "{n}")}, locale="ar")
    assert catalog.drop_broken() == ["{n} page"]
    assert catalog.ngettext("{n} day", "{n} days", 0).format(n=0) == "يوم"


def test_incomplete_plurals_and_fuzzy_entries_are_not_compiled(tmp_path: Path) -> None:
    po = tmp_path / "messages.po"
    po.write_text('msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : '
                  'n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\\n"\n"Content-Type: text/plain; '
                  'charset=UTF-8\\n"\n\n'
                  'msgid "{n} day"\nmsgid_plural "{n} days"\nmsgstr[0] "{n} день"\nmsgstr[1] ""\nmsgstr[2] ""\n\n'
                  '#, fuzzy\nmsgid "Home"\nmsgstr "Дом"\n\nmsgid "Reports"\nmsgstr "Отчёты"\n', encoding="utf-8")
    catalog = Catalog(io.BytesIO(compile_po(po, "ru")))
    assert catalog.lookup(None, "{n} day", "{n} days", 1) is None
    assert catalog.lookup(None, "Home") is None
    assert catalog.gettext("Reports") == "Отчёты"


def test_right_to_left_translations_start_with_a_right_to_left_mark() -> None:
    """Qt lays a label out left to right when its first letter is Latin, as in
    "IDNYC (بطاقة …)" or "School Intake لا يسأل …"; the mark makes it RTL."""
    catalog = _catalog({"Record": "تسجيل", "Free legal help": "IDNYC (بطاقة)", "ESL": "ESL",
                        "Lock": "\u200fقفل"}, locale="ar")
    catalog.start_right_to_left()
    assert catalog.gettext("Record") == RIGHT_TO_LEFT_MARK + "تسجيل"
    assert catalog.gettext("Free legal help") == RIGHT_TO_LEFT_MARK + "IDNYC (بطاقة)"
    assert catalog.gettext("ESL") == "ESL"  # no right-to-left letter: left as it is
    assert catalog.gettext("Lock") == "\u200fقفل"  # already marked
    assert translator("ar").pgettext("button", "Record").startswith(RIGHT_TO_LEFT_MARK)
    assert translator("ur").pgettext("button", "Record").startswith(RIGHT_TO_LEFT_MARK)
    assert not translator("ru").pgettext("button", "Record").startswith(RIGHT_TO_LEFT_MARK)


# -- lookups that miss --------------------------------------------------------------------


def test_missing_translations_are_recorded_in_the_ui_language(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = _catalog({"Home": "Главная", ("{n} day", "{n} days"): ("{n} день", "{n} дня", "{n} дней")})
    fake.language = "ru"
    monkeypatch.setattr(i18n, "translator", lambda language: fake if language == "ru" else Catalog.empty())
    try:
        i18n.set_ui_language("ru")
        with i18n.recording_missing() as missing:
            assert i18n._("Home") == "Главная"
            assert i18n.ngettext("{n} day", "{n} days", 3).format(n=3) == "3 дня"
            assert i18n._("Reports") == "Reports"
            assert i18n.pgettext("column header", "Status") == "Status"
            assert i18n.npgettext("x", "{n} page", "{n} pages", 2) == "{n} pages"
        assert missing == {(None, "Reports"), ("column header", "Status"), ("x", "{n} page")}
        i18n.set_ui_language("en")
        with i18n.recording_missing() as missing:
            i18n._("Reports")
        assert not missing  # English is the source
    finally:
        i18n.set_ui_language("en")


# -- where catalogues come from ---------------------------------------------------------------


def test_catalogs_load_from_a_frozen_bundle_or_an_installed_package(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from schoolintake.catalogs import compile_catalogs

    frozen = tmp_path / "bundle"
    written = compile_catalogs(TRANSLATIONS, frozen / "schoolintake" / "locale")
    assert sorted(p.parent.parent.name for p in written) == sorted(LOCALES)
    monkeypatch.setattr(i18n, "_source_po", lambda language: None)  # no checkout beside the code
    monkeypatch.setattr(i18n.sys, "_MEIPASS", str(frozen), raising=False)
    i18n.translator.cache_clear()
    try:
        bengali = translator("bn")
        assert bengali.gettext("Referral sheet") == "রেফারেল পত্র"
        assert bengali.ngettext("{n} day", "{n} days", 5).format(n=5) == "5 দিন"
        assert isinstance(translator("xx"), Catalog) and translator("xx").gettext("Home") == "Home"
        monkeypatch.setattr(i18n, "_PACKAGE_DIR", frozen / "schoolintake")  # an installed wheel's layout
        monkeypatch.delattr(i18n.sys, "_MEIPASS")
        i18n.translator.cache_clear()
        assert translator("ru").gettext("Referral sheet") == _read(_po("ru"), "ru").get("Referral sheet").string
    finally:
        i18n.translator.cache_clear()
