"""Monthly reports through the store: format, signature, closed months,
revisions and differencing, and nothing personal in any payload."""

from __future__ import annotations

import base64
import json
import random
from datetime import date
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from schoolintake import aggregate
from schoolintake.aggregate import MonthCounts, arrange, language_groups, payload, read_counts, suppress
from schoolintake.errors import InvalidInput, NotFound
from schoolintake.referral import NewReferral, NotConnectedReason, ServiceChoice, Status
from schoolintake.referrals import add_referral, record_outcome
from schoolintake.reports import (
    CorrectionWithheld,
    _plan,
    _Revision,
    history,
    mark_released,
    prepare_closed,
    prepare_report,
    reports_to_send,
)
from schoolintake.site import set_setting
from schoolintake.sitekey import public_key, verify
from schoolintake.store import Store

from .attacker import combine, leaks, report_model
from .conftest import TODAY

SCHEMA = json.loads(resources.files("schoolintake").joinpath("data/report.schema.json").read_text("utf-8"))
ENVELOPE_SCHEMA = json.loads(
    resources.files("schoolintake").joinpath("data/signed-report.schema.json").read_text("utf-8"))

CANARY_NAME = "Zenobiaquokka"
CANARY_PHONE = "(718) 555-0173"
CANARY_NOTES = "Quokkacanary prefers mornings"


def add(store: Store, day: date, language: str = "es", services: tuple[str, ...] = ("esl",), **personal: str) -> int:
    phone = personal.get("phone", "")
    return add_referral(store, NewReferral(
        language, tuple(ServiceChoice(s) for s in services), day, first_name=personal.get("name", ""),
        phone=phone, phone_consent=bool(phone), notes=personal.get("notes", "")), today=TODAY)


def fill_month(store: Store, year: int, month: int, n: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    services = ("esl", "health", "idnyc", "legal", "benefits")
    for i in range(n):
        language = rng.choices(("es", "zh_Hans", "bn", "ar", "pl"), weights=(50, 20, 15, 10, 5))[0]
        chosen = tuple(rng.sample(services, rng.choice((1, 1, 2))))
        rid = add(store, date(year, month, 1 + i % 28), language, chosen,
                  name=CANARY_NAME, phone=CANARY_PHONE, notes=CANARY_NOTES)
        if rng.random() < 0.6:
            record_outcome(store, rid, Status.CONNECTED, recorded_by="t")
        elif rng.random() < 0.5:
            record_outcome(store, rid, Status.NOT_CONNECTED, reason=NotConnectedReason.DECLINED)


def envelope_parts(envelope: bytes) -> tuple[dict, bytes, bytes]:  # type: ignore[type-arg]
    outer = json.loads(envelope)
    return outer, outer["payload"].encode("ascii"), base64.b64decode(outer["signature"])


# -- format and signature -----------------------------------------------------


def test_payload_matches_its_schema_and_is_signed(store: Store) -> None:
    fill_month(store, 2026, 9, 80)
    report = prepare_report(store, "2026-09", today=TODAY)
    outer, payload_bytes, signature = envelope_parts(report.envelope)
    jsonschema.validate(outer, ENVELOPE_SCHEMA)
    document = json.loads(payload_bytes)
    jsonschema.validate(document, SCHEMA)
    assert document["site"]["doe_code"] == "15K058" and document["period"] == "2026-09"
    assert document["revision"] == 1 and document["disclosure"]["k"] == 5
    assert document["sessions"]["total"] == 80
    assert verify(public_key(store), payload_bytes, signature)
    assert base64.b64decode(outer["public_key"]) == public_key(store)
    tampered = payload_bytes.replace(b'"total":80', b'"total":81')
    assert tampered != payload_bytes and not verify(public_key(store), tampered, signature)
    assert len(report.envelope) < 20_000


@pytest.mark.parametrize("seed, sessions", [(1, 0), (2, 3), (3, 12), (4, 60), (5, 400)])
def test_every_kind_of_month_matches_the_schema(seed: int, sessions: int) -> None:
    rng = random.Random(seed)
    lines: dict[tuple[str, str, str], int] = {}
    per_language: dict[str, int] = {}
    for _ in range(sessions):
        language = rng.choice(("es", "bn", "ko", "other"))
        per_language[language] = per_language.get(language, 0) + 1
        key = (rng.choice(("esl", "legal", "other")), language, rng.choice(aggregate.OUTCOMES))
        lines[key] = lines.get(key, 0) + 1
    counts = MonthCounts("2026-03", lines, per_language)
    for k in (3, 5, 11):
        tables = arrange(counts, language_groups(counts.sessions, k))
        document = payload(tables, suppress(tables, k), doe_code="02M475", revision=3)
        jsonschema.validate(document, SCHEMA)
        assert aggregate.published_cells(document).keys() == tables.cells.keys()


def test_schema_rejects_what_is_not_a_report() -> None:
    counts = MonthCounts("2026-03", {("esl", "es", "connected"): 9}, {"es": 9})
    tables = arrange(counts, language_groups(counts.sessions, 5))
    good = payload(tables, suppress(tables, 5), doe_code="15K058", revision=1)
    jsonschema.validate(good, SCHEMA)
    for change in (lambda d: d.update(first_name="Ana"), lambda d: d["site"].update(doe_code="x"),
                   lambda d: d["lines"].update(total=-1), lambda d: d["disclosure"].update(k=2),
                   lambda d: d.update(period="2026")):
        bad = json.loads(json.dumps(good))
        change(bad)
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, SCHEMA)


# -- built from counts only; nothing personal ---------------------------------------


def test_report_reads_the_kept_counts(store: Store) -> None:
    fill_month(store, 2026, 9, 30)
    counts = read_counts(store, "2026-09")
    assert sum(counts.sessions.values()) == 30
    # The counts tables are the report's only source: change them, and the report follows.
    store.execute("UPDATE monthly_referral_count SET n = n + 100 WHERE month = '2026-09' AND language = 'es'")
    assert sum(read_counts(store, "2026-09").sessions.values()) == 130
    plan = store.query("EXPLAIN QUERY PLAN SELECT service, language, status, n FROM monthly_line_count"
                       " WHERE month = ? AND n > 0", ("2026-09",))
    assert all("referral" not in str(row).replace("monthly_", "") for row in plan)


def test_canaries_never_reach_a_payload(store: Store, tmp_path: Path) -> None:
    from schoolintake.sync import save_bundle, save_report

    fill_month(store, 2026, 8, 40)
    fill_month(store, 2026, 9, 7, seed=3)
    report = prepare_report(store, "2026-09", today=TODAY)
    save_report(store, report, tmp_path / "one.json")
    save_bundle(store, tmp_path / "bundle.json", today=TODAY)
    produced = [report.envelope, report.payload, report.render().encode("utf-8"),
                (tmp_path / "one.json").read_bytes(), (tmp_path / "bundle.json").read_bytes()]
    produced += [json.dumps(e.__dict__).encode() for e in history(store)]
    produced += [r.envelope for r in reports_to_send(store)]
    for blob in produced:
        for canary in (CANARY_NAME, CANARY_PHONE, "555-0173", "5550173", CANARY_NOTES, "Quokka"):
            assert canary.encode("utf-8") not in blob
            assert canary.lower().encode("utf-8") not in blob.lower()


# -- closed months -----------------------------------------------------------------


def test_only_closed_months_are_reported(store: Store) -> None:
    add(store, date(2026, 11, 2))
    add(store, date(2026, 10, 20))
    with pytest.raises(InvalidInput, match="2026-12-08"):
        prepare_report(store, "2026-11", today=TODAY)
    with pytest.raises(InvalidInput):
        prepare_report(store, "2026-10", today=date(2026, 11, 7))  # 7 days of settling by default
    assert prepare_report(store, "2026-10", today=date(2026, 11, 8)).revision == 1
    set_setting(store, "report_delay_days", 30)
    with pytest.raises(InvalidInput):
        prepare_report(store, "2026-10", today=TODAY)
    for not_a_month in ("2026", "2026-Q3", "2026-13", "26-01", ""):
        with pytest.raises(InvalidInput):
            prepare_report(store, not_a_month, today=TODAY)


def test_a_month_without_referrals_has_no_report(store: Store) -> None:
    with pytest.raises(NotFound):
        prepare_report(store, "2026-05", today=TODAY)


def test_prepare_closed_queues_every_closed_month(store: Store) -> None:
    for month in (7, 8, 9, 10, 11):
        add(store, date(2026, month, 3))
    queued, problems = prepare_closed(store, today=TODAY)
    assert [r.period for r in queued] == ["2026-07", "2026-08", "2026-09", "2026-10"]
    assert problems == []


# -- revisions -----------------------------------------------------------------------


def test_same_counts_give_the_same_bytes(store: Store) -> None:
    fill_month(store, 2026, 9, 30)
    first = prepare_report(store, "2026-09", today=TODAY)
    assert prepare_report(store, "2026-09", today=TODAY).envelope == first.envelope


def test_an_unreleased_revision_is_replaced_a_released_one_is_not(store: Store) -> None:
    fill_month(store, 2026, 9, 30)
    first = prepare_report(store, "2026-09", today=TODAY)
    add(store, date(2026, 9, 30), "es", ("health",))
    replaced = prepare_report(store, "2026-09", today=TODAY)
    assert replaced.revision == 1 and replaced.envelope != first.envelope
    mark_released(store, replaced, "https://collector.test", "delivered")
    add(store, date(2026, 9, 29), "es", ("health",))
    correction = prepare_report(store, "2026-09", today=TODAY)
    assert correction.revision == 2
    assert correction.document["dimensions"]["languages"] == replaced.document["dimensions"]["languages"]
    assert [r.period for r in reports_to_send(store)] == ["2026-09"]
    assert reports_to_send(store)[0].revision == 2


def test_a_correction_keeps_earlier_withheld_cells_withheld(store: Store) -> None:
    fill_month(store, 2026, 9, 60)
    first = prepare_report(store, "2026-09", today=TODAY)
    mark_released(store, first, "file:x.json", "saved")
    add(store, date(2026, 9, 12), "zh_Hans", ("legal",))
    second = prepare_report(store, "2026-09", today=TODAY)
    before = aggregate.published_cells(first.document)
    after = aggregate.published_cells(second.document)
    assert {key for key, v in before.items() if v is None} <= {key for key, v in after.items() if v is None}


def _truth(tables, prefix: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    values = {prefix + key: n for key, n in tables.cells.items()}
    values.update({f"{prefix}sessions:{g}": n for g, n in tables.sessions.items()})
    values[prefix + "sessions"] = tables.total_sessions
    return values


def joint_leaks(revisions) -> list[str]:  # type: ignore[no-untyped-def]
    """The attacker holds every revision and knows which cells did not change."""
    models, truths, protected = [], {}, []
    for number, (tables, pattern) in enumerate(revisions, start=1):
        prefix = f"r{number}."
        models.append(report_model(payload(tables, pattern, doe_code="15K058", revision=number), prefix))
        truths.update(_truth(tables, prefix))
        protected += [prefix + key for key in pattern.protected]
    links = []
    for later in range(2, len(revisions) + 1):
        for name in models[later - 1].names:
            bare = name.split(".", 1)[1]
            for earlier in range(1, later):
                if truths[f"r{earlier}.{bare}"] == truths[name]:
                    links.append((f"r{earlier}.{bare}", name))
                    break
    return leaks(combine(models, links), truths, protected, revisions[0][1].k)


def _late_entry_scenarios(count: int) -> list[tuple[MonthCounts, MonthCounts]]:
    rng = random.Random(7)
    out = []
    for _ in range(count):
        n = rng.choice((30, 60, 90))
        lines: dict[tuple[str, str, str], int] = {}
        sessions: dict[str, int] = {}
        for _i in range(n):
            language = rng.choices(("es", "zh_Hans", "bn", "other"), weights=(50, 20, 15, 15))[0]
            sessions[language] = sessions.get(language, 0) + 1
            for service in rng.sample(("esl", "health", "idnyc", "legal", "benefits"), rng.choice((1, 1, 2))):
                key = (service, language, rng.choice(("connected", "not_connected")))
                lines[key] = lines.get(key, 0) + 1
        later_lines, later_sessions = dict(lines), dict(sessions)
        language = rng.choice(("es", "zh_Hans", "bn"))
        later_sessions[language] = later_sessions.get(language, 0) + 1
        key = (rng.choice(("legal", "benefits", "health")), language, "connected")
        later_lines[key] = later_lines.get(key, 0) + 1
        out.append((MonthCounts("2026-03", lines, sessions), MonthCounts("2026-03", later_lines, later_sessions)))
    return out


def test_differencing_two_revisions_reveals_no_small_cell() -> None:
    naive_leaked = 0
    for before, after in _late_entry_scenarios(8):
        groups = language_groups(before.sessions, 5)
        first = arrange(before, groups)
        first_pattern = suppress(first, 5)
        # Naively, the correction is protected on its own …
        later = arrange(after, groups)
        naive_leaked += bool(joint_leaks([(first, first_pattern), (later, suppress(later, 5))]))
        # … ours takes the released revision into account.
        tables, pattern = _plan(after, 5, [_Revision(1, 5, first, first_pattern, True)])
        assert joint_leaks([(first, first_pattern), (tables, pattern)]) == []
    # The attack is real: without history, some corrections give a small cell away.
    assert naive_leaked >= 2


def test_a_correction_that_would_show_a_small_language_group_is_withheld() -> None:
    before = MonthCounts("2026-03", {("esl", "es", "connected"): 20, ("esl", "bn", "connected"): 5},
                         {"es": 20, "bn": 5})
    groups = language_groups(before.sessions, 5)
    assert groups == ("es", "bn", "other")
    first = arrange(before, groups)
    released = [_Revision(1, 5, first, suppress(first, 5), True)]
    after = MonthCounts("2026-03", {("esl", "es", "connected"): 20, ("esl", "bn", "connected"): 4},
                        {"es": 20, "bn": 4})
    with pytest.raises(CorrectionWithheld):
        _plan(after, 5, released)


def test_outcome_updates_after_release_make_a_safe_correction(store: Store) -> None:
    fill_month(store, 2026, 9, 45)
    first = prepare_report(store, "2026-09", today=TODAY)
    mark_released(store, first, "https://collector.test", "delivered")
    open_ids = [row[0] for row in store.query(
        "SELECT DISTINCT referral_id FROM referral_line WHERE status = 'referred' LIMIT 3")]
    for rid in open_ids:
        record_outcome(store, rid, Status.CONNECTED)
    second = prepare_report(store, "2026-09", today=TODAY)
    assert second.revision == 2
    jsonschema.validate(second.document, SCHEMA)
