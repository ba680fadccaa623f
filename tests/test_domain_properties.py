"""Property tests (hypothesis) for the domain rules."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from schoolintake.errors import InvalidInput
from schoolintake.languages import PARENT_LANGUAGE_CODES
from schoolintake.privacy import SENSITIVE_TERMS, sensitive_terms
from schoolintake.referral import (
    NAME_MAX,
    TRANSITIONS,
    NewReferral,
    NotConnectedReason,
    ReferralFilter,
    ServiceChoice,
    Status,
    check_referral,
)
from schoolintake.referrals import add_referral, count_referrals, get_referral, list_referrals, record_outcome
from schoolintake.retention import purge_personal_data
from schoolintake.services import SERVICE_CODES
from schoolintake.store import Store

from .conftest import TODAY

fixture_ok = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

dates = st.dates(min_value=date(1999, 6, 1), max_value=TODAY + timedelta(days=30))
codes = st.sampled_from(PARENT_LANGUAGE_CODES + ("xx", "EN"))
services = st.lists(st.sampled_from(SERVICE_CODES + ("bogus",)), min_size=0, max_size=4)
texts = st.text(max_size=60)


@given(codes, services, dates, texts, texts, st.booleans(), st.text(max_size=600), st.one_of(st.none(), dates))
def test_a_checked_referral_satisfies_every_rule(language, chosen, day, name, phone, consent, notes, follow_up) -> None:  # type: ignore[no-untyped-def]
    new = NewReferral(language, tuple(ServiceChoice(s) for s in chosen), day, first_name=name, phone=phone,
                      phone_consent=consent, notes=notes, follow_up_on=follow_up, notes_confirmed=True)
    try:
        checked = check_referral(new, TODAY)
    except InvalidInput:
        return
    assert checked.language in PARENT_LANGUAGE_CODES
    assert checked.services and len({c.service for c in checked.services}) == len(checked.services)
    assert all(c.service in SERVICE_CODES for c in checked.services)
    assert checked.referred_on <= TODAY
    assert checked.follow_up_on is None or checked.follow_up_on >= checked.referred_on
    assert len(checked.first_name) <= NAME_MAX and not any(ch.isdigit() for ch in checked.first_name)
    assert checked.first_name == " ".join(checked.first_name.split())
    assert not checked.phone or checked.phone_consent  # a phone only with consent
    assert len(checked.notes) <= 500


@given(st.sampled_from([t for terms in SENSITIVE_TERMS.values() for t in terms]),
       st.text(alphabet=st.characters(whitelist_categories=("Ll", "Lu", "Nd")), max_size=15))
def test_any_listed_term_is_caught_wherever_it_stands(term: str, word: str) -> None:
    assert sensitive_terms(f"{word} {term} {word}") != []


steps = st.lists(
    st.tuples(st.sampled_from(list(Status)), st.sampled_from([None, *SERVICE_CODES[:3]]),
              st.sampled_from([None, *NotConnectedReason])),
    max_size=8,
)


@fixture_ok
@given(steps)
def test_outcome_history_is_always_a_valid_path(store: Store, attempts) -> None:  # type: ignore[no-untyped-def]
    rid = add_referral(store, NewReferral("es", tuple(ServiceChoice(s) for s in SERVICE_CODES[:3]), TODAY), today=TODAY)
    for status, service, reason in attempts:
        try:
            record_outcome(store, rid, status, service=service, reason=reason)
        except InvalidInput:
            pass
        except Exception as error:  # NotFound cannot happen: services are on the referral
            raise AssertionError(error) from error
    for line in get_referral(store, rid).lines:
        path = [event.status for event in line.history]
        assert path[0] is Status.REFERRED
        for before, after in zip(path, path[1:]):
            assert after in TRANSITIONS[before]
        assert path[-1] is line.status
        for event in line.history:
            assert (event.reason is not None) == (event.status is Status.NOT_CONNECTED)
    assert store.integrity_problems() == []


@fixture_ok
@given(st.lists(st.integers(min_value=0, max_value=900), min_size=1, max_size=12), st.integers(0, 900))
def test_purge_blanks_only_old_personal_fields_and_keeps_every_count(store: Store, ages, cutoff) -> None:  # type: ignore[no-untyped-def]
    ids = {
        add_referral(store, NewReferral("ko", (ServiceChoice("idnyc"),), TODAY - timedelta(days=age), first_name="Jiyoung",
                                        phone="718 555 0101", phone_consent=True, notes="note"), today=TODAY): age
        for age in ages
    }
    counts_before = store.query("SELECT month, service, language, status, n FROM monthly_line_count ORDER BY 1, 2, 3, 4")
    purge_personal_data(store, cutoff, today=TODAY)
    for rid, age in ids.items():
        referral = get_referral(store, rid)
        old = TODAY - timedelta(days=age) < TODAY - timedelta(days=cutoff)
        assert (referral.first_name == "" and referral.phone == "" and referral.notes == "") == old
        assert referral.purged == old
    assert store.query("SELECT month, service, language, status, n FROM monthly_line_count ORDER BY 1, 2, 3, 4") == counts_before


@fixture_ok
@given(st.integers(1, 40), st.sampled_from([None, "es", "bn"]), st.sampled_from([None, "esl", "legal"]))
def test_pages_partition_the_filtered_list(store: Store, page: int, language, service) -> None:  # type: ignore[no-untyped-def]
    if count_referrals(store) == 0:
        for day in range(60):
            chosen = ("esl", "legal") if day % 4 == 0 else ("esl",) if day % 2 else ("health",)
            add_referral(store, NewReferral(("es", "bn", "ar")[day % 3], tuple(ServiceChoice(s) for s in chosen),
                                            TODAY - timedelta(days=day // 2)), today=TODAY)
    flt = ReferralFilter(language=language, service=service)
    total = count_referrals(store, flt)
    assume(total > 0)
    seen = []
    offset = 0
    while offset < total:
        seen.extend(r.id for r in list_referrals(store, flt, limit=page, offset=offset))
        offset += page
    everything = [r.id for r in list_referrals(store, flt, limit=1000)]
    assert seen == everything and len(set(seen)) == total
    dates_in_order = [r.referred_on for r in list_referrals(store, flt, limit=1000)]
    assert dates_in_order == sorted(dates_in_order, reverse=True)
