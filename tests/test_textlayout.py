"""Text layout: font fallback per run, bidi order, shaping, line breaking."""

from __future__ import annotations

from pathlib import Path


from schoolintake.catalogs import compile_catalogs
from schoolintake.fonts import (
    FONT_FILES, REPLACEMENT_CHARACTER, Family, assign_families, bundled_font_paths, covers, fonts_dir, sanitise,
)
from schoolintake.textlayout import (
    Style, bidi_levels, embed, layout, mark_bracket_pairs, protect_ltr_data, shape,
)
from schoolintake.fonts import Face


def visual(text: str, *, rtl: bool | None = None, language: str = "en", width: float = 10_000) -> list[str]:
    """The pieces of a one-line paragraph, left to right as drawn."""
    block = layout(text, Style(10), width, language=language, base_rtl=rtl)
    assert len(block.lines) == 1
    return [piece.text for piece in block.lines[0].pieces if not piece.is_space]


# -- fonts ------------------------------------------------------------------------------


def test_bundled_fonts_are_truetype_with_licences() -> None:
    names = {p.name for p in bundled_font_paths()}
    for spec in FONT_FILES:
        for filename in (spec.regular, spec.bold):
            if filename:
                path = fonts_dir() / filename
                assert path.stat().st_size < 5_000_000, filename
                assert path.read_bytes()[:4] == b"\x00\x01\x00\x00", f"{filename} is not TrueType outlines"
        assert spec.licence in names
        assert "Open Font License" in (fonts_dir() / spec.licence).read_text() or \
            "Apache License" in (fonts_dir() / spec.licence).read_text()


def test_fallback_per_character() -> None:
    # A Bengali name on a Spanish sheet, an en dash and digits on a Bengali sheet.
    text = "Ana রহিমা 王芳"
    families = assign_families(text, "es")
    assert families[0] is Family.LATIN
    assert families[text.index("র")] is Family.BENGALI
    assert families[text.index("王")] is Family.HAN
    bengali = "৯টা – 5টা é"
    chosen = assign_families(bengali, "bn")
    assert chosen[0] is Family.BENGALI
    assert covers(chosen[bengali.index("–")], "–")
    assert chosen[bengali.index("é")] is Family.LATIN  # Noto Sans Bengali has no é
    # Hanja on a Korean sheet come from the Korean font, Arabic script on Urdu sheets from Nastaliq.
    assert assign_families("韓", "ko") == [Family.HANGUL]
    assert assign_families("فون", "ur") == [Family.URDU] * 3
    assert assign_families("فون", "ar") == [Family.ARABIC] * 3


def test_every_character_drawn_has_a_font_with_its_glyph() -> None:
    text = "Jean-Élie Łucja Олена — রহিমা, 王芳 陳美玲 지민 فاطمة عائشہ “quoted” 1–2 · № ½"
    for language in ("en", "bn", "ar", "ur", "ko", "zh_Hant"):
        for char, family in zip(text, assign_families(text, language)):
            if char != " ":
                assert covers(family, char), (language, char, family)


def test_characters_no_font_has_become_replacement() -> None:
    assert sanitise("Ana 🙂\x07") == f"Ana {REPLACEMENT_CHARACTER}"
    assert sanitise("x\ue000") == f"x{REPLACEMENT_CHARACTER}"
    assert sanitise("a\nb\tc") == "a b c"


# -- shaping ---------------------------------------------------------------------------------


def test_bengali_conjunct_is_one_glyph() -> None:
    shaped = shape("ক্ষ", Face(Family.BENGALI, False), False, "bn")
    assert len(shaped.glyphs) < 3 and shaped.private


def test_arabic_letters_join() -> None:
    # Isolated forms would be 4 glyphs with the cmap's own code points; joined
    # forms are presentation forms or private glyphs.
    shaped = shape("بيت", Face(Family.ARABIC, False), True, "ar")
    assert len(shaped.glyphs) == 3
    assert {ord(c) for c in shaped.glyphs}.isdisjoint({ord(c) for c in "بيت"})
    # HarfBuzz returns right-to-left glyphs in visual order: the final teh comes first.
    assert shaped.glyphs[0] == "\ufe96"


# -- bidi -----------------------------------------------------------------------------------------


def test_phone_number_inside_arabic_keeps_its_digit_order() -> None:
    pieces = visual("اتصل بالرقم 212-639-9675 الآن", rtl=True, language="ar")
    assert "212-639-9675" in pieces
    assert pieces.index("الآن") < pieces.index("212-639-9675") < pieces.index("اتصل")


def test_english_name_and_url_inside_urdu() -> None:
    pieces = visual(f"برائے {embed('Ana Smith')} اور https://nyc.gov/idnyc دیکھیں", rtl=True, language="ur")
    assert pieces.index("Ana") < pieces.index("Smith")  # left to right inside
    assert pieces.index("دیکھیں") < pieces.index("https://nyc.gov/idnyc") < pieces.index("اور")
    assert pieces[-1] == "برائے"  # the first word is on the right


def test_brackets_follow_their_content() -> None:
    text = mark_bracket_pairs(embed("311") + " (IDNYC کا پوچھیں)", True)
    levels = bidi_levels(text, True)
    opening, closing = text.index("("), text.index(")")
    assert levels[opening] % 2 == 1 and levels[closing] % 2 == 1
    pieces = visual(embed("311") + " (IDNYC کا پوچھیں)", rtl=True, language="ur")
    assert pieces[-1] == "311"


def test_ltr_data_is_protected() -> None:
    assert protect_ltr_data("خارج: 212-NEW-YORK (212-639-9675).") == \
        "خارج: \u202a212-NEW-YORK (212-639-9675)\u202c."
    assert protect_ltr_data("راجع dmv.ny.gov و MV-44") == "راجع \u202admv.ny.gov\u202c و \u202aMV-44\u202c"


def test_left_to_right_text_is_untouched() -> None:
    assert visual("Call 311 now") == ["Call", "311", "now"]
    assert bidi_levels("plain text", False) == [0] * 10


# -- line breaking ---------------------------------------------------------------------------------


def test_lines_fit_their_width() -> None:
    text = "Free. Confidential. City services are for everyone, regardless of immigration status. Call 311."
    block = layout(text, Style(10), 120)
    assert len(block.lines) > 3
    assert all(line.width <= 120.01 for line in block.lines)
    words = [p.text for line in block.lines for p in line.pieces if not p.is_space]
    assert " ".join(words) == text


def test_chinese_breaks_between_ideographs_not_before_punctuation() -> None:
    text = "免费。保密。无论移民身份如何，市政服务面向所有人。请拨打 311。"
    block = layout(text, Style(10), 60, language="zh_Hans")
    assert len(block.lines) > 2
    for line in block.lines[1:]:
        assert line.pieces[0].text[0] not in "，。"


def test_long_url_breaks_anywhere_rather_than_overflowing() -> None:
    block = layout("https://example.org/a/very/long/path/that/cannot/fit/on/one/line", Style(10), 80)
    assert len(block.lines) > 1 and all(line.width <= 80.01 for line in block.lines)


def test_nastaliq_lines_are_taller_than_latin() -> None:
    urdu = layout("شہر کی خدمات سب کے لیے", Style(10), 500, language="ur")
    latin = layout("City services for everyone", Style(10), 500)
    assert urdu.height > latin.height


# -- catalogues ------------------------------------------------------------------------------------


def test_compile_catalogs(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[1]
    written = compile_catalogs(root / "translations", tmp_path)
    locales = {p.parts[-3] for p in written}
    assert {"es", "zh_Hans", "zh_Hant", "ru", "bn", "ht", "ko", "ar", "ur", "fr", "pl"} <= locales
    import gettext

    with (tmp_path / "es" / "LC_MESSAGES" / "messages.mo").open("rb") as fh:
        assert gettext.GNUTranslations(fh).gettext("Call 311") == "Llame al 311"


def test_pot_holds_the_sheet_and_directory_messages() -> None:
    root = Path(__file__).resolve().parents[1]
    pot = (root / "translations" / "messages.pot").read_text(encoding="utf-8")
    for msgid in ("Call 311", "Prepared for {name}", "English classes (ESL)", "IDNYC card application",
                  "24 hours a day, 7 days a week"):
        assert f'msgid "{msgid}"' in pot, msgid
