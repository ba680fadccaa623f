"""First-run set-up, driven headless through every step."""

from __future__ import annotations

from pathlib import Path

import pytest

from schoolintake import keys
from schoolintake.directory import directory_size
from schoolintake.errors import InvalidInput
from schoolintake.setup_flow import FirstRunSetup, SetupStep
from schoolintake.site import load_site
from schoolintake.store import Store
from schoolintake.unlock import MAX_DELAY_S, UnlockThrottle

from .conftest import PASSPHRASE


def test_steps_in_order_then_create(tmp_path: Path) -> None:
    flow = FirstRunSetup(tmp_path / "new.db")
    assert flow.step is SetupStep.PASSPHRASE and not flow.can_advance()
    with pytest.raises(InvalidInput):
        flow.next()
    flow.set_passphrase(PASSPHRASE, PASSPHRASE)
    assert flow.next() is SetupStep.SITE
    flow.set_site("P.S. 1", "02m001", "Partner")
    assert flow.site is not None and flow.site.doe_code == "02M001"
    assert flow.next() is SetupStep.LANGUAGE
    flow.set_ui_language("bn")
    assert flow.next() is SetupStep.DIRECTORY
    assert flow.next() is SetupStep.CONFIRM
    assert not flow.can_advance()
    with flow.create(profile=keys.FAST_FOR_TESTS) as store:
        assert load_site(store).school_name == "P.S. 1"
        assert directory_size(store) > 0
    assert flow.passphrase == ""  # not kept once used
    with Store.open(tmp_path / "new.db", PASSPHRASE) as store:
        assert load_site(store).doe_code == "02M001"


def test_weak_or_mismatched_passphrase_is_refused(tmp_path: Path) -> None:
    flow = FirstRunSetup(tmp_path / "x.db")
    with pytest.raises(InvalidInput, match="too weak"):
        flow.set_passphrase("password1", "password1")
    with pytest.raises(InvalidInput, match="differ"):
        flow.set_passphrase(PASSPHRASE, PASSPHRASE + "!")
    assert flow.feedback("").score == 0 and flow.feedback(PASSPHRASE).acceptable
    assert flow.step is SetupStep.PASSPHRASE


def test_bad_site_and_language_are_refused_and_back_works(tmp_path: Path) -> None:
    flow = FirstRunSetup(tmp_path / "x.db")
    flow.set_passphrase(PASSPHRASE, PASSPHRASE)
    flow.next()
    with pytest.raises(InvalidInput, match="DOE school code"):
        flow.set_site("School", "12345")
    assert not flow.can_advance()
    with pytest.raises(InvalidInput):
        flow.set_ui_language("xx")
    assert flow.back() is SetupStep.PASSPHRASE
    assert flow.back() is SetupStep.PASSPHRASE
    with pytest.raises(InvalidInput, match="not complete"):
        FirstRunSetup(tmp_path / "y.db").create(profile=keys.FAST_FOR_TESTS)
    assert not (tmp_path / "y.db").exists()


def test_without_starter_directory(tmp_path: Path) -> None:
    flow = FirstRunSetup(tmp_path / "x.db", load_directory=False)
    flow.set_passphrase(PASSPHRASE, PASSPHRASE)
    flow.set_site("School", "15K058")
    with flow.create(profile=keys.FAST_FOR_TESTS) as store:
        assert directory_size(store) == 0


def test_unlock_throttle_grows_and_caps() -> None:
    throttle = UnlockThrottle()
    assert throttle.delay() == 0
    delays = [throttle.failed() for _ in range(8)]
    assert delays[0] > 0 and delays == sorted(delays) and delays[-1] == MAX_DELAY_S
    throttle.succeeded()
    assert throttle.delay() == 0
