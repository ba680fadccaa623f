"""The new-referral draft: language search, provider suggestions, conversion."""

from __future__ import annotations

from datetime import timedelta

import pytest

from schoolintake.directory import providers_for
from schoolintake.errors import InvalidInput
from schoolintake.referral_form import DEFAULT_FOLLOW_UP_DAYS, ReferralDraft, language_options, match_languages
from schoolintake.referrals import add_referral, get_referral
from schoolintake.store import Store

from .conftest import TODAY


def test_languages_are_shown_in_their_own_script() -> None:
    labels = {o.code: o.label for o in language_options()}
    assert labels["bn"] == "বাংলা" and labels["ar"] == "العربية"
    assert "other" in labels


@pytest.mark.parametrize("query, first", [("sp", "es"), ("esp", "es"), ("বা", "bn"), ("arab", "ar"),
                                          ("zh", "zh_Hans"), ("kre", "ht"), ("", "en")])
def test_language_search(query: str, first: str) -> None:
    assert match_languages(query)[0].code == first


def test_language_search_without_match_is_empty() -> None:
    assert match_languages("klingon") == []


def test_suggestions_fill_unpicked_providers_but_respect_hand_picks(store: Store) -> None:
    draft = ReferralDraft.fresh(TODAY)
    assert draft.follow_up_on == TODAY + timedelta(days=DEFAULT_FOLLOW_UP_DAYS)
    assert draft.is_blank(TODAY)
    draft.set_language("es")
    draft.set_service("health", True)
    draft.set_service("esl", True)
    assert draft.services == ["esl", "health"]  # catalogue order
    options = {s: [p.id for p in providers_for(store, s, "es")] for s in draft.services}
    draft.apply_suggestions(options)
    assert draft.providers["esl"] == options["esl"][0]
    for service in ("esl", "health", "legal", "idnyc", "benefits"):
        ranked = providers_for(store, service, "es")
        if any("es" in p.languages for p in ranked):
            assert "es" in ranked[0].languages  # speakers of the parent's language first
    if len(options["esl"]) > 1:
        draft.choose_provider("esl", options["esl"][1])
        draft.apply_suggestions(options)
        assert draft.providers["esl"] == options["esl"][1]
    draft.set_service("health", False)
    assert "health" not in draft.providers
    rid = add_referral(store, draft.to_new_referral(TODAY), today=TODAY)
    saved = get_referral(store, rid)
    assert saved.services == ("esl",) and saved.lines[0].provider_service_id == draft.providers["esl"]


def test_draft_needs_a_language_and_copies_deeply() -> None:
    draft = ReferralDraft()
    with pytest.raises(InvalidInput, match="language"):
        draft.to_new_referral(TODAY)
    draft.set_service("esl", True)
    copy = draft.copy()
    copy.set_service("legal", True)
    assert draft.services == ["esl"]
    with pytest.raises(ValueError):
        draft.set_service("nope", True)


def test_a_language_named_alike_in_both_is_shown_once() -> None:
    from schoolintake.referral_form import LanguageOption

    assert LanguageOption("ht", "Kreyòl Ayisyen", "Kreyòl ayisyen").display() == "Kreyòl Ayisyen"
    assert LanguageOption("bn", "বাংলা", "Bengali").display() == "বাংলা — Bengali"
