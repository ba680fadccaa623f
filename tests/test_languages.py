"""The languages' names and directions kept as data agree with CLDR (Babel)."""

from __future__ import annotations

from babel import Locale

from schoolintake.languages import LANGUAGES, _AUTONYMS, _RIGHT_TO_LEFT


def test_kept_autonyms_and_directions_are_cldr_s() -> None:
    assert set(_AUTONYMS) == {language.code for language in LANGUAGES}
    for language in LANGUAGES:
        locale = Locale.parse(language.code)
        assert language.autonym == locale.get_display_name(locale), language.code
        assert language.right_to_left == (locale.character_order == "right-to-left"), language.code
    assert _RIGHT_TO_LEFT == {"ar", "ur"}
