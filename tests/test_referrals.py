"""Referral operations: save, read, list and filter, follow up."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from schoolintake.errors import InvalidInput, NotFound, SensitiveNotes
from schoolintake.referral import NewReferral, NotConnectedReason, ReferralFilter, ServiceChoice, Status
from schoolintake.referrals import (
    add_referral,
    count_referrals,
    follow_ups_due,
    get_referral,
    list_referrals,
    record_outcome,
)
from schoolintake.store import Store

from .conftest import TODAY


def new(language: str = "bn", *services: str, **kw: object) -> NewReferral:
    choices = tuple(ServiceChoice(s) for s in (services or ("esl",)))
    fields: dict[str, object] = {"referred_on": TODAY}
    fields.update(kw)
    return NewReferral(language, choices, **fields)  # type: ignore[arg-type]


def test_save_and_read_back_everything(store: Store) -> None:
    rid = add_referral(
        store,
        NewReferral("bn", (ServiceChoice("esl", "nypl-esol"), ServiceChoice("idnyc")), TODAY - timedelta(days=2),
                    first_name="  রুমা  ", phone="(718) 555-0142", phone_consent=True, notes="Evening classes",
                    follow_up_on=TODAY + timedelta(days=5)),
        today=TODAY, recorded_by="PC",
    )
    referral = get_referral(store, rid)
    assert referral.first_name == "রুমা"
    assert referral.phone == "(718) 555-0142" and referral.phone_consent_at is not None
    assert referral.services == ("esl", "idnyc")
    assert referral.lines[0].provider_service_id == "nypl-esol"
    assert [e.status for e in referral.lines[1].history] == [Status.REFERRED]
    assert referral.lines[1].history[0].recorded_by == "PC"
    assert referral.is_open


def test_provider_must_exist_and_offer_the_service(store: Store) -> None:
    with pytest.raises(InvalidInput, match="no provider"):
        add_referral(store, NewReferral("es", (ServiceChoice("esl", "nope"),), TODAY), today=TODAY)
    with pytest.raises(InvalidInput, match="does not offer"):
        add_referral(store, NewReferral("es", (ServiceChoice("legal", "nypl-esol"),), TODAY), today=TODAY)
    assert count_referrals(store) == 0


def test_rules_refuse_bad_input_and_save_nothing(store: Store) -> None:
    bad = [
        new("xx"),
        NewReferral("es", (), TODAY),
        new("es", "esl", "esl"),
        new("es", "astrology"),
        new(referred_on=TODAY + timedelta(days=1)),
        new(follow_up_on=TODAY - timedelta(days=1)),
        new(phone="718 555 0100"),  # no consent
        new(phone="call me", phone_consent=True),
        new(first_name="x" * 41),
        new(first_name="Ana 718"),
        new(notes="n" * 501),
    ]
    for referral in bad:
        with pytest.raises(InvalidInput):
            add_referral(store, referral, today=TODAY)
    assert count_referrals(store) == 0


def test_sensitive_notes_are_refused_unless_confirmed(store: Store) -> None:
    with pytest.raises(SensitiveNotes) as raised:
        add_referral(store, new(notes="Mother is undocumented"), today=TODAY)
    assert "undocumented" in raised.value.terms
    rid = add_referral(store, new(notes="Asked about a visa card for groceries", notes_confirmed=True), today=TODAY)
    assert get_referral(store, rid).notes.startswith("Asked")


def test_outcomes_follow_the_transitions_and_record_history(store: Store) -> None:
    rid = add_referral(store, new("es", "esl", "legal"), today=TODAY)
    assert record_outcome(store, rid, Status.CONTACTED, recorded_by="AB") != []
    record_outcome(store, rid, Status.CONNECTED, service="esl")
    with pytest.raises(InvalidInput, match="why"):
        record_outcome(store, rid, Status.NOT_CONNECTED, service="legal")
    record_outcome(store, rid, Status.NOT_CONNECTED, service="legal", reason=NotConnectedReason.NO_CAPACITY)
    with pytest.raises(InvalidInput):
        record_outcome(store, rid, Status.CONTACTED, service="esl")  # connected is final
    with pytest.raises(NotFound):
        record_outcome(store, rid, Status.CONTACTED, service="housing")
    referral = get_referral(store, rid)
    esl, legal = referral.lines
    assert [e.status for e in esl.history] == [Status.REFERRED, Status.CONTACTED, Status.CONNECTED]
    assert legal.history[-1].reason is NotConnectedReason.NO_CAPACITY
    assert esl.history[1].recorded_by == "AB"
    assert not referral.is_open


def test_list_filters_and_pages(store: Store) -> None:
    ids = []
    for day in range(30):
        language = ("es", "bn", "ar")[day % 3]
        services = ("esl",) if day % 2 else ("esl", "health")
        ids.append(add_referral(store, new(language, *services, referred_on=TODAY - timedelta(days=day)), today=TODAY))
    record_outcome(store, ids[0], Status.CONTACTED, service="health")
    everything = list_referrals(store)
    assert [r.id for r in everything] == ids  # newest first
    assert count_referrals(store) == 30
    assert {r.language for r in list_referrals(store, ReferralFilter(language="bn"))} == {"bn"}
    assert count_referrals(store, ReferralFilter(service="health")) == 15
    assert [r.id for r in list_referrals(store, ReferralFilter(status=Status.CONTACTED))] == [ids[0]]
    # A referral with two lines in the same status appears once.
    assert count_referrals(store, ReferralFilter(status=Status.REFERRED)) == 30
    since = list_referrals(store, ReferralFilter(since=TODAY - timedelta(days=4)))
    assert len(since) == 5
    window = ReferralFilter(since=TODAY - timedelta(days=10), until=TODAY - timedelta(days=5), language="es")
    assert all(TODAY - timedelta(days=10) <= r.referred_on <= TODAY - timedelta(days=5) for r in list_referrals(store, window))
    page2 = list_referrals(store, limit=10, offset=10)
    assert [r.id for r in page2] == ids[10:20]
    with pytest.raises(InvalidInput):
        list_referrals(store, limit=-1)


def test_text_search_matches_name_prefixes_and_escapes_wildcards(store: Store) -> None:
    a = add_referral(store, new(first_name="Maria José"), today=TODAY)
    add_referral(store, new(first_name="Ana"), today=TODAY)
    add_referral(store, new(first_name="Percy"), today=TODAY)
    assert [r.id for r in list_referrals(store, ReferralFilter(text="jos"))] == [a]
    assert [r.id for r in list_referrals(store, ReferralFilter(text="MAR"))] == [a]
    assert list_referrals(store, ReferralFilter(text="%")) == []
    assert list_referrals(store, ReferralFilter(text="_")) == []


def test_follow_ups_due(store: Store) -> None:
    due = add_referral(store, new(referred_on=TODAY - timedelta(days=10), follow_up_on=TODAY - timedelta(days=1)), today=TODAY)
    add_referral(store, new(follow_up_on=TODAY + timedelta(days=3)), today=TODAY)
    done = add_referral(store, new(referred_on=TODAY - timedelta(days=10), follow_up_on=TODAY), today=TODAY)
    record_outcome(store, done, Status.CONNECTED)
    assert [r.id for r in follow_ups_due(store, TODAY)] == [due]


def test_counts_follow_every_change(store: Store) -> None:
    rid = add_referral(store, new("ar", "esl", "legal", referred_on=date(2026, 10, 5)), today=TODAY)
    record_outcome(store, rid, Status.CONNECTED, service="esl")
    rows = store.query("SELECT service, language, status, n FROM monthly_line_count WHERE month = '2026-10' AND n > 0 ORDER BY 1")
    assert rows == [("esl", "ar", "connected", 1), ("legal", "ar", "referred", 1)]
    assert store.query("SELECT n FROM monthly_referral_count WHERE month = '2026-10' AND language = 'ar'") == [(1,)]
    # Changing a referral's date or language moves its counts with it.
    store.execute("UPDATE referral SET referred_on = '2026-09-30', language = 'ur' WHERE id = ?", (rid,))
    assert store.query("SELECT sum(n) FROM monthly_line_count WHERE month = '2026-10'") == [(0,)]
    assert store.query("SELECT sum(n) FROM monthly_line_count WHERE month = '2026-09' AND language = 'ur'") == [(2,)]
    assert store.integrity_problems() == []
