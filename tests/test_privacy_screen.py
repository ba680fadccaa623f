"""The notes screen, compiled once for speed, finds exactly what a plain
term-by-term search finds (the speed-up must not lose a single term)."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from schoolintake.privacy import SENSITIVE_TERMS, sensitive_terms

_ALL_TERMS = sorted({term for terms in SENSITIVE_TERMS.values() for term in terms})


def _plain_search(text: str, ui_language: str) -> list[str]:
    """The screen written the obvious way: every term, one regex at a time."""
    if not text:
        return []
    haystack = unicodedata.normalize("NFC", text).casefold()
    found: list[str] = []
    for code in [ui_language] + [code for code in SENSITIVE_TERMS if code != ui_language]:
        for term in SENSITIVE_TERMS.get(code, ()):
            needle = unicodedata.normalize("NFC", term).casefold()
            if code in ("zh_Hans", "zh_Hant"):
                hit = needle in haystack
            else:
                hit = re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", haystack) is not None
            if hit and term not in found:
                found.append(term)
    for pattern in (re.compile(r"\b\d{3}-\d{2}-\d{4}\b"), re.compile(r"\bA-?\d{3}-?\d{3}-?\d{3}\b", re.I)):
        found.extend(match.group(0) for match in pattern.finditer(text))
    return found


_pieces = st.one_of(
    st.sampled_from(_ALL_TERMS),
    st.sampled_from(_ALL_TERMS).map(str.upper),
    st.sampled_from(["Prefers evening classes.", "call after 6", "ícе", "visas", "Alien", "123-45-6789",
                     "A-123-456-789", "xice", "ice-cream", "née", "绿卡申请", "国籍"]),
    st.text(max_size=8),
)
_notes = st.lists(_pieces, max_size=6).flatmap(
    lambda parts: st.sampled_from([" ", "", "-", ", ", "\n"]).map(lambda sep: sep.join(parts))
)


@settings(max_examples=300, deadline=None)
@given(_notes, st.sampled_from([*SENSITIVE_TERMS, "xx"]))
def test_compiled_screen_agrees_with_a_plain_search(text: str, ui_language: str) -> None:
    assert sensitive_terms(text, ui_language) == _plain_search(text, ui_language)


def test_screen_finds_terms_next_to_punctuation_and_in_any_case() -> None:
    assert sensitive_terms("Has a Green Card; no SSN.") == ["green card", "ssn"]
    assert sensitive_terms("icecream social") == []
    assert sensitive_terms("她有绿卡", "en") == ["绿卡"]
    assert sensitive_terms("Prefers evening classes.") == []


def test_every_term_alone_and_in_a_sentence_is_found() -> None:
    for code, terms in SENSITIVE_TERMS.items():
        for term in terms:
            for text in (term, f"Note: {term.upper()}, then more."):
                assert term in sensitive_terms(text, code), (code, term, text)
                assert sensitive_terms(text, "en") == _plain_search(text, "en")
