"""Referral sheets in every language: glyphs, fonts, text, content, privacy.

Each language's sheet is rendered once per session (a module fixture) and the
assertions are parametrised over it, so the suite stays fast.
"""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import date
from functools import lru_cache
from pathlib import Path

import pytest
from reportlab.pdfgen.canvas import Canvas

from schoolintake import sheettext as T
from schoolintake.directory import Location, Phone, ProviderService
from schoolintake.errors import InvalidInput, NotFound
from schoolintake.i18n import translator
from schoolintake.languages import LANGUAGE_CODES
from schoolintake.referral import NewReferral, ServiceChoice, Site
from schoolintake.referrals import add_referral
from schoolintake.services import SERVICE_CATEGORIES
from schoolintake.sheet import (
    SheetContent, SheetService, render_blank_handout, render_handout_pack, render_referral_sheet, write_pdf,
)
from schoolintake.sheetpdf import render
from tests.pdfcheck import actual_texts, font_reports, page_count, poppler_text, pypdf_text

#: A name in every script the sheets support, printed on every language's sheet.
NAMES = "Ana Łucja Олена রহিমা 王芳 陳美玲 지민 فاطمة عائشہ Jean-Élie"
PHONE = "718-555-0142"
URL = "https://example.org/families"

MIXED_PROVIDER = ProviderService(
    id="test-mixed", organization_id="org-mixed", organization_name="Bangladeshi Parents Group — বাংলাদেশি অভিভাবক",
    category="esl", name="Free English classes (ESOL)", url=URL,
    application_process="Bring a photo ID – any one – and proof of address.",
    fees_description="Free",
    phones=(Phone(PHONE, "Ask for Ms. Ortiz"),), schedules=("Mon–Fri 9:00–17:00 · Sábado 10:00",),
    languages=tuple(LANGUAGE_CODES),
    locations=(Location("Main", "123 Main St", "Brooklyn", "NY", "11201"),),
)
IDNYC = ProviderService(
    id="idnyc-card", organization_id="nyc-idnyc", organization_name="IDNYC", category="idnyc",
    name="IDNYC card application", url="https://nyc.gov/idnyc",
    application_process="Make an appointment online or through 311. Bring documents that prove your identity and "
                        "that you live in New York City; IDNYC uses a point system, and its website lists the "
                        "documents it accepts.",
    fees_description="Free", phones=(Phone("311", "Ask for IDNYC"),),
)
NYC_CARE = ProviderService(
    id="nyc-care-enrollment", organization_id="nyc-care", organization_name="NYC Care (NYC Health + Hospitals)",
    category="health", name="NYC Care enrollment", url="https://www.nyccare.nyc",
    application_process="Call to enroll; ask what to bring when you call.",
    phones=(Phone("1-646-NYC-CARE (1-646-692-2273)"),),
)


def content(language: str, **changes) -> SheetContent:
    base = dict(
        language=language,
        services=(SheetService("idnyc", IDNYC), SheetService("health", NYC_CARE), SheetService("esl", MIXED_PROVIDER)),
        on=date(2026, 11, 23),
        site=Site("P.S. 58 The Carroll", "15K058", "Test Partner"),
        prepared_for=NAMES,
    )
    base.update(changes)
    return SheetContent(**base)


@lru_cache(maxsize=None)
def sheet(language: str) -> bytes:
    return render([content(language)])


ALL = list(LANGUAGE_CODES)


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", _nfkc(text))


# -- glyphs and fonts ---------------------------------------------------------------


@pytest.mark.parametrize("language", ALL)
def test_no_glyph_is_notdef(language: str) -> None:
    reports = font_reports(sheet(language))
    assert reports, "no font drawn"
    missing = {name: sorted(r.notdef_codes) for name, r in reports.items() if r.notdef_codes}
    assert not missing


@pytest.mark.parametrize("language", ALL)
def test_fonts_are_embedded_truetype_subsets(language: str) -> None:
    reports = font_reports(sheet(language))
    for name, report in reports.items():
        assert report.embedded, name
        assert report.subset, name
        assert report.subtype == "/TrueType", name


def test_scripts_use_their_fonts() -> None:
    def families(language: str) -> set[str]:
        return {re.sub(r"^/[A-Z]{6}\+", "", name) for name in font_reports(sheet(language))}

    assert {"NotoNastaliqUrdu-Regular", "NotoSansBengali-Regular", "DroidSansFallback", "NanumGothic",
            "NotoNaskhArabic-Regular", "NotoSans-Regular"} <= families("ur")
    assert "NotoNastaliqUrdu-Regular" not in families("ar")  # Arabic text is Naskh
    assert "NotoNaskhArabic-Regular" in families("es")  # the Arabic name on a Spanish sheet


def test_notdef_check_can_fail() -> None:
    # The check above must be able to see a missing glyph: draw one on purpose.
    from schoolintake.fonts import Face, Family

    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.setFont(Face(Family.BENGALI, False).font().fontName, 12)
    canvas.drawString(10, 10, "中")
    canvas.save()
    assert any(r.notdef_codes for r in font_reports(buffer.getvalue()).values())


@pytest.mark.parametrize("language", ALL)
def test_size_and_pages(language: str) -> None:
    data = sheet(language)
    assert len(data) < 150_000
    assert 1 <= page_count(data) <= 2


# -- text -------------------------------------------------------------------------------


RTL = {"ar", "ur"}


@pytest.mark.parametrize("language", [code for code in ALL if code not in RTL])
def test_text_in_logical_order(language: str) -> None:
    text = _squash(poppler_text(sheet(language)))
    tr = translator(language)
    # Whole sentences, word by word in reading order (spaces aside: CJK has none).
    for message in (T.FOOTER, T.INTRO, T.CALL_311):
        assert _squash(tr.gettext(message)) in text, message
    if language != "en":
        assert _squash(T.FOOTER) in text  # English alongside
    for data in (PHONE, "1-646-NYC-CARE(1-646-692-2273)", "123MainSt,Brooklyn,NY11201", "example.org/families"):
        assert _squash(data) in text
    for name in NAMES.split():
        if not any(unicodedata.bidirectional(c) in ("R", "AL") for c in name):
            assert _squash(name) in text, name


def test_arabic_text_layer() -> None:
    # Readers apply their own bidi to right-to-left glyphs, so words and
    # left-to-right data are checked, not their order across the line. Naskh
    # contextual forms carry presentation-form code points (NFKC gives letters).
    text = _nfkc(pypdf_text(sheet("ar")))
    for word in ("مجانية", "سرية", "الهجرة", "الهاتف", "العنوان"):
        assert word in text, word
    for data in (PHONE, "1-646-NYC-CARE (1-646-692-2273)", "example.org/families", T.FOOTER):
        assert data in text, data


def test_urdu_text_layer() -> None:
    # Nastaliq ligatures have no character of their own: the logical text is
    # in ActualText spans, one per word-sized piece, in logical order within.
    spans = actual_texts(sheet("ur"))
    joined = " ".join(spans)
    for word in ("مفت", "رازدارانہ", "امیگریشن", "پتہ", "فون"):
        assert word in spans or word in joined, word
    text = _nfkc(pypdf_text(sheet("ur")))
    for data in (PHONE, "1-646-NYC-CARE (1-646-692-2273)", T.FOOTER):
        assert data in text, data


def test_bengali_conjuncts_are_searchable() -> None:
    spans = actual_texts(sheet("bn"))
    assert "বিনামূল্যে।" in spans or "বিনামূল্যে" in spans
    assert "বিনামূল্যে" in poppler_text(sheet("bn"))


def test_phone_number_keeps_its_order_inside_arabic() -> None:
    text = _nfkc(pypdf_text(sheet("ar")))
    assert "2273-692-646-1" not in text and "1-646-692-2273" in text


@pytest.mark.parametrize("language", ALL)
def test_sheet_vocabulary_is_translated(language: str) -> None:
    if language == "en":
        return
    tr = translator(language)
    for message in T.SHEET_MESSAGES + tuple(c.name for c in SERVICE_CATEGORIES):
        translated = tr.gettext(message)
        assert translated != message, (language, message)
        assert re.findall(r"{\w+}", translated) == re.findall(r"{\w+}", message)


def test_english_only_and_no_english() -> None:
    english = poppler_text(render([content("en")]))
    assert "Referral sheet" in english and "Prepared for" in english
    spanish_only = poppler_text(render([content("es", english=False)]))
    assert "Hoja de referido" in spanish_only
    assert "Referral sheet" not in spanish_only and "Free. Confidential." not in spanish_only


def test_dates_follow_the_language() -> None:
    assert "23 de noviembre de 2026" in poppler_text(sheet("es"))
    assert "2026年11月23日" in _squash(poppler_text(sheet("zh_Hans")))
    assert "November 23, 2026" in poppler_text(sheet("es"))


def test_unknown_address_phone_and_hours_say_call_311() -> None:
    bare = ProviderService(id="x", organization_id="o", organization_name="Somewhere", category="housing",
                           name="Help desk")
    text = poppler_text(render([content("fr", services=(SheetService("housing", bare),))]))
    squashed = _squash(text)
    assert squashed.count("Appelezle311") >= 4  # address, phone, hours, footer
    assert squashed.count("Call311") >= 4


# -- content and privacy ----------------------------------------------------------------


@pytest.fixture
def referral_id(store) -> int:
    return add_referral(store, NewReferral(
        language="bn", services=(ServiceChoice("idnyc", "idnyc-card"), ServiceChoice("legal", "actionnyc-legal")),
        referred_on=date(2026, 11, 20), first_name="রহিমা", phone="718-555-0199", phone_consent=True,
        notes="Prefers mornings, zebra-note", follow_up_on=date(2026, 12, 1)))


def test_referral_sheet_from_the_store(store, referral_id: int) -> None:
    data = render_referral_sheet(store, referral_id)
    text = poppler_text(data)
    assert "রহিমা" in text
    assert "IDNYC" in text and "ActionNYC" in text
    assert "P.S. 58 The Carroll" in text
    # Nothing personal beyond the first name: no notes, no parent phone.
    assert "zebra-note" not in text and "555-0199" not in text and "Prefers" not in text
    assert b"zebra" not in data
    from pypdf import PdfReader

    metadata = " ".join(str(v) for v in (PdfReader(io.BytesIO(data)).metadata or {}).values())
    assert "রহিমা" not in metadata and "Referral sheet" not in metadata  # title in the sheet's language


def test_other_language_prints_english(store) -> None:
    rid = add_referral(store, NewReferral(language="other", services=(ServiceChoice("esl"),),
                                          referred_on=date(2026, 11, 20)))
    text = poppler_text(render_referral_sheet(store, rid))
    assert "Referral sheet" in text and "Call 311 to find a provider near you." in text
    assert "Prepared for" not in text


def test_language_override_and_errors(store, referral_id: int) -> None:
    assert "ورقة" in _nfkc(pypdf_text(render_referral_sheet(store, referral_id, language="ar")))
    with pytest.raises(InvalidInput):
        render_referral_sheet(store, referral_id, language="xx")
    with pytest.raises(NotFound):
        render_referral_sheet(store, 9999)


def test_blank_handout_and_pack(store) -> None:
    handout = render_blank_handout(store, "esl", "ko")
    text = _squash(poppler_text(handout))
    assert _squash("영어 수업 (ESL)") in text and "QueensPublicLibrary" in text
    assert "Preparedfor" not in text
    pack = render_handout_pack(store, "idnyc")
    assert page_count(pack) >= len(LANGUAGE_CODES)
    pack_text = _squash(poppler_text(pack))
    assert all(_squash(translator(code).gettext(T.FOOTER)) in pack_text for code in LANGUAGE_CODES
               if code not in RTL)
    with pytest.raises(InvalidInput):
        render_blank_handout(store, "nope", "es")


def test_write_pdf_is_atomic(tmp_path: Path) -> None:
    target = tmp_path / "sheet.pdf"
    write_pdf(target, sheet("es"))
    assert target.read_bytes() == sheet("es")
    with pytest.raises(InvalidInput):
        write_pdf(target, b"not a pdf")
    assert target.read_bytes() == sheet("es")  # the old file is untouched
    with pytest.raises(InvalidInput):
        write_pdf(tmp_path / "missing" / "x.pdf", sheet("es"))
    assert [p.name for p in tmp_path.iterdir()] == ["sheet.pdf"]


def test_rendering_writes_no_file(store, referral_id: int, isolated_home: Path) -> None:
    before = {p for p in isolated_home.rglob("*")}
    render_referral_sheet(store, referral_id)
    render_blank_handout(store, "health", "ur")
    assert {p for p in isolated_home.rglob("*")} == before


def test_core_modules_do_not_import_qt() -> None:
    import subprocess
    import sys

    code = ("import sys, schoolintake.sheet, schoolintake.sheetpdf, schoolintake.textlayout, schoolintake.fonts;"
            "print([m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# -- command line -------------------------------------------------------------------------


@pytest.fixture
def cli(db_path: Path, fast_kdf: None, monkeypatch: pytest.MonkeyPatch):
    from schoolintake import cli as cli_module
    from tests.conftest import PASSPHRASE

    monkeypatch.setenv("SCHOOLINTAKE_PASSPHRASE", PASSPHRASE)

    def run(*args: str) -> int:
        return cli_module.main(["--db", str(db_path), *args])

    return run


def test_cli_sheet_for_a_referral(cli, store, referral_id: int, tmp_path: Path, capsys) -> None:
    outdir = tmp_path / "out"
    outdir.mkdir()
    out = outdir / "sheet.pdf"
    assert cli("sheet", str(referral_id), "--out", str(out)) == 0
    text = poppler_text(out.read_bytes())
    assert "রহিমা" in text and "Referral sheet" in text
    out_ar = outdir / "sheet-ar.pdf"
    assert cli("sheet", str(referral_id), "--out", str(out_ar), "--language", "ar", "--no-english") == 0
    assert "Referral sheet" not in _nfkc(pypdf_text(out_ar.read_bytes()))
    assert sorted(p.name for p in outdir.iterdir()) == ["sheet-ar.pdf", "sheet.pdf"]  # no staging files left


def test_cli_blank_handout_and_pack(cli, tmp_path: Path) -> None:
    handout = tmp_path / "esl-pl.pdf"
    assert cli("sheet", "--blank", "--service", "esl", "--language", "pl", "--out", str(handout)) == 0
    assert "Lekcje angielskiego" in poppler_text(handout.read_bytes())
    pack = tmp_path / "pack.pdf"
    assert cli("sheet", "--pack", "--service", "idnyc", "--out", str(pack)) == 0
    assert page_count(pack.read_bytes()) >= len(LANGUAGE_CODES)


@pytest.mark.parametrize("args", [
    ("sheet", "--out", "x.pdf"),                                       # neither a referral nor a handout
    ("sheet", "--blank", "--service", "esl", "--out", "x.pdf"),        # a handout needs a language
    ("sheet", "--blank", "--language", "es", "--out", "x.pdf"),        # ... and a service
    ("sheet", "1", "--service", "esl", "--out", "x.pdf"),              # --service is for handouts
    ("sheet", "9999", "--out", "x.pdf"),                               # no such referral
])
def test_cli_sheet_errors_write_nothing(cli, args: tuple[str, ...], tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli(*args) != 0
    assert "error" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()
