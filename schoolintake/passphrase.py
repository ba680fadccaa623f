"""Passphrase strength feedback, for set-up and change of passphrase.

A rough guessing-entropy estimate in the spirit of zxcvbn, without its
dictionaries: character classes, length, repeats and sequences, and a short
list of passphrases people really use. The point is feedback a coordinator
understands, and refusing the hopeless ones.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .i18n import N_, _

MIN_LENGTH = 10
_COMMON = {
    "password", "passw0rd", "123456", "12345678", "123456789", "1234567890", "qwerty", "qwertyuiop",
    "letmein", "welcome", "iloveyou", "admin", "school", "schoolintake", "newyork", "nyc", "brooklyn",
    "password1", "password123", "welcome1", "abc123", "11111111", "00000000",
}
_LABELS = (N_("Very weak"), N_("Weak"), N_("Fair"), N_("Good"), N_("Strong"))


@dataclass(frozen=True)
class Strength:
    score: int  # 0..4
    bits: float
    advice: str

    @property
    def label(self) -> str:
        return _(_LABELS[self.score])

    @property
    def acceptable(self) -> bool:
        return self.score >= 2


def _pool(text: str) -> int:
    pool = 0
    if re.search(r"[a-z]", text):
        pool += 26
    if re.search(r"[A-Z]", text):
        pool += 26
    if re.search(r"[0-9]", text):
        pool += 10
    if re.search(r"[^A-Za-z0-9]", text):
        pool += 33
    if any(ord(ch) > 127 for ch in text):
        pool += 100
    return max(pool, 1)


def strength(passphrase: str) -> Strength:
    text = passphrase
    if not text:
        return Strength(0, 0.0, _("Type a passphrase."))
    lowered = text.lower()
    if lowered in _COMMON or lowered.rstrip("0123456789!") in _COMMON:
        return Strength(0, 0.0, _("This is one of the most common passwords; choose something else."))
    # Runs of one character and simple sequences add little.
    effective = re.sub(r"(.)\1+", r"\1", text)
    effective = re.sub(r"(0123456789|123456789|abcdefgh|qwerty)", "x", effective.lower())
    words = len(re.findall(r"[^\W\d_]{3,}", text))
    bits = len(effective) * math.log2(_pool(text))
    if words >= 3:
        bits = max(bits, words * 11.0 + 10)  # a few random words are strong and easy to type
    score = 0 if bits < 28 else 1 if bits < 40 else 2 if bits < 56 else 3 if bits < 72 else 4
    if len(text) < MIN_LENGTH:
        score = min(score, 1)
    if score <= 1:
        # TRANSLATORS: {n} is always 10.
        advice = _("Use at least {n} characters; three or four unrelated words are easy to remember.").format(n=MIN_LENGTH)
    elif score == 2:
        advice = _("Acceptable. Another word or two would make it much stronger.")
    else:
        advice = _("Good. Write it down and keep it somewhere safe: a lost passphrase means lost data.")
    return Strength(score, bits, advice)
