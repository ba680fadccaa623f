"""Privacy rules that code can enforce.

Rule 1 of PRODUCT.md: School Intake never asks, stores, prints or exports
immigration status, citizenship, country of birth, visa type, A-number or
SSN. There is no field for any of them; what remains is free text, so notes
are screened before saving and the user is asked to remove such mentions.
The screen is a heuristic that errs towards asking.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

# Terms are matched case-insensitively on word boundaries (for scripts that
# use spaces) or as substrings (for CJK, which does not). Each language lists
# the everyday words a volunteer would type. English is always checked,
# because notes are often written in English whatever the UI language.
SENSITIVE_TERMS: dict[str, tuple[str, ...]] = {
    "en": (
        "undocumented", "illegal", "illegal alien", "alien", "immigration status",
        "immigration", "green card", "greencard", "visa", "asylum", "asylee", "refugee",
        "deport", "deported", "deportation", "ice", "daca", "tps", "parole",
        "overstay", "overstayed", "citizen", "citizenship", "naturalized",
        "naturalization", "a-number", "a number", "alien number", "uscis",
        "ssn", "social security", "itin", "born in", "country of birth",
        "work permit", "permanent resident", "lpr", "no papers", "without papers",
    ),
    "es": (
        "indocumentado", "indocumentada", "sin papeles", "ilegal", "estatus",
        "estado migratorio", "tarjeta verde", "residencia", "residente permanente",
        "visa", "asilo", "refugiado", "refugiada", "deportación", "deportado",
        "deportada", "ciudadano", "ciudadana", "ciudadanía", "seguro social",
        "nació en", "permiso de trabajo",
    ),
    "fr": (
        "sans papiers", "sans-papiers", "illégal", "statut migratoire", "immigration", "carte verte", "visa",
        "asile", "réfugié", "réfugiée", "expulsion", "expulsé", "déporté",
        "citoyen", "citoyenne", "citoyenneté", "sécurité sociale", "né en", "née en",
    ),
    "ht": (
        "san papye", "ilegal", "estati", "kat vèt", "viza", "azil", "refijye",
        "depòte", "depòtasyon", "sitwayen", "sitwayènte", "sekirite sosyal",
    ),
    "pl": (
        "nieudokumentowany", "nielegalny", "nielegalnie", "status imigracyjny", "zielona karta",
        "wiza", "azyl", "uchodźca", "deportacja", "deportowany", "obywatel",
        "obywatelstwo", "urodzony w",
    ),
    "ru": (
        "нелегал", "нелегально", "без документов", "иммиграционный статус", "грин-карта",
        "грин карта", "виза", "убежище", "беженец", "депортация", "депортирован",
        "гражданин", "гражданство", "родился в",
    ),
    "zh_Hans": ("无证", "非法", "身份", "绿卡", "签证", "庇护", "难民", "驱逐", "遣返", "公民", "国籍", "社安号", "出生地"),
    "zh_Hant": ("無證", "非法", "身份", "綠卡", "簽證", "庇護", "難民", "驅逐", "遣返", "公民", "國籍", "社安號", "出生地"),
    "ko": ("불법", "서류미비", "체류", "신분", "영주권", "그린카드", "비자", "망명", "난민", "추방", "시민권", "국적", "사회보장번호"),
    "bn": ("অবৈধ", "কাগজপত্র নেই", "অভিবাসন", "গ্রিন কার্ড", "ভিসা", "আশ্রয়", "শরণার্থী", "নির্বাসন", "নাগরিক", "নাগরিকত্ব", "জন্মস্থান"),
    "ar": ("غير موثق", "بدون أوراق", "غير شرعي", "وضع الهجرة", "الهجرة", "البطاقة الخضراء", "الجرين كارد", "تأشيرة", "فيزا", "لجوء", "لاجئ", "ترحيل", "مواطن", "الجنسية", "مكان الولادة"),
    "ur": ("غیر قانونی", "بغیر کاغذات", "امیگریشن", "گرین کارڈ", "ویزا", "پناہ", "پناہ گزین", "ملک بدری", "شہری", "شہریت", "جائے پیدائش"),
}

# Formats of identifiers that must never be stored: an SSN (123-45-6789) and
# an alien registration number (A123456789 / A-123-456-789).
_IDENTIFIER_PATTERNS = (
    re.compile(r"\b\d{3}-\d{2}-\d{4}\b"),
    re.compile(r"\bA-?\d{3}-?\d{3}-?\d{3}\b", re.IGNORECASE),
)

_NO_SPACE_SCRIPTS = ("zh_Hans", "zh_Hant")


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def _bounded(needle: str) -> str:
    return rf"(?<!\w){re.escape(needle)}(?!\w)"


@dataclass(frozen=True)
class _Screen:
    """The term lists compiled once: the screen runs on every save."""

    #: Per language: (term, a pattern on word boundaries or None, the needle).
    terms: dict[str, tuple[tuple[str, re.Pattern[str] | None, str], ...]]
    #: Every bounded term in one pattern, and every CJK needle: when neither
    #: matches (nearly always) there is nothing to report.
    any_bounded: re.Pattern[str]
    substrings: tuple[str, ...]


@functools.cache
def _screen() -> _Screen:
    terms: dict[str, tuple[tuple[str, re.Pattern[str] | None, str], ...]] = {}
    bounded: list[str] = []
    substrings: list[str] = []
    for code, words in SENSITIVE_TERMS.items():
        compiled = []
        for term in words:
            needle = _normalise(term)
            if code in _NO_SPACE_SCRIPTS:
                compiled.append((term, None, needle))
                substrings.append(needle)
            else:
                compiled.append((term, re.compile(_bounded(needle)), needle))
                bounded.append(re.escape(needle))
        terms[code] = tuple(compiled)
    any_bounded = re.compile(r"(?<!\w)(?:" + "|".join(bounded) + r")(?!\w)")
    return _Screen(terms, any_bounded, tuple(substrings))


def sensitive_terms(text: str, ui_language: str = "en") -> list[str]:
    """Terms in ``text`` that suggest immigration status or a forbidden identifier.

    Every language's list is checked (a Spanish-speaking volunteer may type in
    English and the other way round); ``ui_language`` only orders the result so
    the user's own words come first.
    """
    if not text:
        return []
    haystack = _normalise(text)
    found: list[str] = []
    screen = _screen()
    if screen.any_bounded.search(haystack) or any(needle in haystack for needle in screen.substrings):
        languages = [ui_language] + [code for code in SENSITIVE_TERMS if code != ui_language]
        for code in languages:
            for term, pattern, needle in screen.terms.get(code, ()):
                hit = needle in haystack if pattern is None else pattern.search(haystack) is not None
                if hit and term not in found:
                    found.append(term)
    for identifier in _IDENTIFIER_PATTERNS:
        for match in identifier.finditer(text):
            found.append(match.group(0))
    return found


#: Words that must not appear as a field, column, option or export key.
#: The schema test and the CLI help test scan for them.
FORBIDDEN_FIELD_WORDS: tuple[str, ...] = (
    "immigration", "citizenship", "citizen", "country_of_birth", "birth_country",
    "birthplace", "visa", "a_number", "anumber", "alien", "ssn", "social_security",
    "undocumented", "green_card", "asylum", "nationality",
)
