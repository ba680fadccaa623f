"""The provider directory (HSDS-shaped), the site, settings and retention."""

from __future__ import annotations

import json
from datetime import timedelta
from importlib import resources

import pytest

from schoolintake.directory import (
    Location,
    Phone,
    ProviderService,
    export_directory,
    import_directory,
    provider_service,
    providers_for,
    save_service,
    search_services,
)
from schoolintake.errors import InvalidInput, NotFound
from schoolintake.passphrase import strength
from schoolintake.referral import NewReferral, ServiceChoice, Site, check_site
from schoolintake.referrals import add_referral, get_referral
from schoolintake.retention import apply_retention
from schoolintake.services import SERVICE_CODES
from schoolintake.site import load_site, save_site, set_setting, setting
from schoolintake.store import Store

from .conftest import TODAY


def test_starter_directory_covers_every_service_and_invents_nothing(store: Store) -> None:
    for code in SERVICE_CODES:
        assert providers_for(store, code), f"no starter provider for {code}"
    document = json.loads(resources.files("schoolintake").joinpath("data/starter_directory.json").read_text("utf-8"))
    for org in document["organizations"]:
        for service in org["services"]:
            assert service["url"].startswith("https://")
            # No street address, and no schedule unless it is a 24/7 phone line.
            assert not service.get("locations")
            assert all("24 hours" in s["description"] for s in service["schedules"])


def test_providers_speaking_the_language_come_first(store: Store) -> None:
    save_service(store, ProviderService("bn-esl", "bn-org", "Bangla Community Center", "esl", "ESL for Bangla speakers",
                                        languages=("bn", "en"), url="https://example.org"))
    save_service(store, ProviderService("es-esl", "zz-org", "Zeta Centro", "esl", "Inglés", languages=("es",)))
    assert providers_for(store, "esl", "bn")[0].id == "bn-esl"
    assert providers_for(store, "esl", "es")[0].id == "es-esl"
    assert providers_for(store, "esl")[0].id == "bn-esl"  # no language: alphabetical


def test_save_edit_and_read_a_provider(store: Store) -> None:
    service = ProviderService(
        "cc-legal", "cc", "Community Center", "legal", "Legal clinic", description="Walk-in clinic",
        url="https://example.org/legal", application_process="Bring any letters you received.",
        phones=(Phone("212-555-0100", "front desk"),), schedules=("Tuesdays 5–8 pm",), languages=("es", "ar"),
        locations=(Location("Main", "1 Example St", "Brooklyn", "NY", "11201"),),
    )
    save_service(store, service)
    assert provider_service(store, "cc-legal") == service
    save_service(store, ProviderService("cc-legal", "cc", "Community Center", "legal", "Legal clinic (new hours)",
                                        schedules=("Thursdays",)))
    edited = provider_service(store, "cc-legal")
    assert edited.name.endswith("(new hours)") and edited.schedules == ("Thursdays",) and edited.phones == ()
    assert [s.id for s in search_services(store, "new hours")] == ["cc-legal"]
    assert edited.locations == ()
    with pytest.raises(NotFound):
        provider_service(store, "nope")


@pytest.mark.parametrize(
    "bad",
    [
        ProviderService("x y", "o", "Org", "esl", "Name"),
        ProviderService("ok", "o", "Org", "astrology", "Name"),
        ProviderService("ok", "o", "", "esl", "Name"),
        ProviderService("ok", "o", "Org", "esl", "Name", url="javascript:alert(1)"),
        ProviderService("ok", "o", "Org", "esl", "Name", languages=("klingon",)),
    ],
)
def test_bad_providers_are_refused(store: Store, bad: ProviderService) -> None:
    with pytest.raises(InvalidInput):
        save_service(store, bad)


def test_export_import_round_trip(store: Store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    document = export_directory(store)
    assert document["format"] == "schoolintake-hsds"
    text = json.dumps(document)
    store.execute("DELETE FROM organization")
    assert search_services(store) == []
    count = import_directory(store, json.loads(text))
    assert count == sum(len(org["services"]) for org in document["organizations"])
    assert export_directory(store) == document
    with pytest.raises(InvalidInput):
        import_directory(store, {"format": "something else"})
    with pytest.raises(InvalidInput):
        import_directory(store, {"format": "schoolintake-hsds", "format_version": 1,
                                 "organizations": [{"id": "o", "name": "O", "services": [{"id": "s"}]}]})


def test_site_rules(store: Store) -> None:
    assert load_site(store).doe_code == "15K058"
    save_site(store, Site("  P.S. 139  ", "22k139", ""))
    assert load_site(store) == Site("P.S. 139", "22K139", "")
    for bad in (Site("", "15K058"), Site("X", "15Z058"), Site("X", "1K058"), Site("X" * 121, "15K058")):
        with pytest.raises(InvalidInput):
            check_site(bad)


def test_settings_and_automatic_retention(store: Store) -> None:
    assert setting(store, "idle_lock_minutes") == 5
    assert setting(store, "retention_days") == 365
    with pytest.raises(InvalidInput):
        set_setting(store, "retention_days", 3)
    with pytest.raises(InvalidInput):
        setting(store, "colour")
    old = add_referral(store, NewReferral("pl", (ServiceChoice("esl"),), TODAY - timedelta(days=100), first_name="Ola"), today=TODAY)
    set_setting(store, "retention_days", 90)
    assert apply_retention(store, today=TODAY) == 1
    assert get_referral(store, old).first_name == ""


@pytest.mark.parametrize("weak", ["", "password1", "abc", "aaaaaaaaaaaa", "1234567890", "Brooklyn1"])
def test_weak_passphrases_are_not_acceptable(weak: str) -> None:
    assert not strength(weak).acceptable


@pytest.mark.parametrize("good", ["correct horse battery staple", "Tq7#kP2!vR9z", "mango-river-lantern-57"])
def test_good_passphrases_are_acceptable(good: str) -> None:
    verdict = strength(good)
    assert verdict.acceptable and verdict.label and verdict.advice
