"""Sync: HTTPS to a collector (a real TLS server on 127.0.0.1), offline queue,
backoff, idempotent re-sends, files, history, and the command line."""

from __future__ import annotations

import base64
import json
import ssl
from datetime import date
from pathlib import Path

import pytest

from schoolintake.cli import main
from schoolintake.errors import InvalidInput
from schoolintake.reports import history, prepare_report, reports_to_send
from schoolintake.sitekey import encode_key, public_key
from schoolintake.store import Store
from schoolintake.sync import collector, save_bundle, send_reports, set_collector

from .collector import Collector, running_collector
from .conftest import PASSPHRASE, TODAY
from .test_reports import add, fill_month


@pytest.fixture
def hub(tmp_path: Path, store: Store) -> Collector:
    with running_collector(tmp_path) as running:
        running.keys["15K058"] = public_key(store)
        yield running


def _send(store: Store, hub: Collector, **options: object) -> list[tuple[str, int, str]]:
    sleeps: list[float] = []
    options.setdefault("ca_file", str(hub.cert))
    results, problems = send_reports(store, hub.url, today=TODAY, sleep=sleeps.append, timeout=5, **options)
    assert problems == []
    return [(r.period, r.revision, r.outcome) for r in results]


def test_reports_reach_the_collector_once(store: Store, hub: Collector) -> None:
    fill_month(store, 2026, 8, 20)
    fill_month(store, 2026, 9, 30, seed=2)
    assert _send(store, hub) == [("2026-08", 1, "delivered"), ("2026-09", 1, "delivered")]
    assert set(hub.stored) == {("15K058", "2026-08"), ("15K058", "2026-09")}
    assert hub.stored["15K058", "2026-09"][1]["sessions"]["total"] == 30
    # Nothing new: nothing is sent again.
    requests = len(hub.requests)
    assert _send(store, hub) == []
    assert len(hub.requests) == requests
    assert [e.outcome for e in history(store)] == ["delivered", "delivered"]


def test_a_correction_replaces_the_month_at_the_collector(store: Store, hub: Collector) -> None:
    fill_month(store, 2026, 9, 30)
    _send(store, hub)
    add(store, date(2026, 9, 30), "es", ("legal",))
    assert _send(store, hub) == [("2026-09", 2, "delivered")]
    revision, document = hub.stored["15K058", "2026-09"]
    assert revision == 2 and document["sessions"]["total"] == 31
    assert len(hub.stored) == 1  # replaced, not added


def test_resending_the_same_revision_is_idempotent(store: Store, hub: Collector) -> None:
    fill_month(store, 2026, 9, 30)
    report = prepare_report(store, "2026-09", today=TODAY)
    import httpx

    with httpx.Client(verify=ssl.create_default_context(cafile=str(hub.cert))) as client:
        url = f"{hub.url}/api/v1/sites/15K058/reports/2026-09"
        first = client.put(url, content=report.envelope)
        again = client.put(url, content=report.envelope)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["status"] == "unchanged"
    assert len(hub.stored) == 1


def test_tls_verification_stays_on(store: Store, hub: Collector) -> None:
    fill_month(store, 2026, 9, 10)
    results, _problems = send_reports(store, hub.url, today=TODAY, timeout=5, sleep=lambda s: None)
    assert [r.outcome for r in results] == ["refused"]
    assert "certificate" in results[0].detail
    assert hub.stored == {}
    assert reports_to_send(store)[0].last_error  # still queued, with the reason


def test_only_https_collectors(store: Store) -> None:
    for url in ("http://collector.example", "ftp://x", "collector.example", "", None):
        with pytest.raises(InvalidInput):
            send_reports(store, url, today=TODAY)
    with pytest.raises(InvalidInput):
        set_collector(store, "http://collector.example")


def test_transient_failures_are_retried_with_backoff(store: Store, hub: Collector) -> None:
    fill_month(store, 2026, 9, 10)
    hub.fail_next = [503, 503]
    sleeps: list[float] = []
    results, _ = send_reports(store, hub.url, ca_file=str(hub.cert), today=TODAY, sleep=sleeps.append,
                              pause=0.5, retries=2, timeout=5)
    assert [r.outcome for r in results] == ["delivered"]
    assert sleeps == [0.5, 1.0]


def test_a_collector_that_stays_down_is_tried_later(store: Store, hub: Collector) -> None:
    fill_month(store, 2026, 9, 10)
    hub.fail_next = [503] * 3
    assert _send(store, hub, retries=2) == [("2026-09", 1, "failed")]
    queued = reports_to_send(store)[0]
    assert queued.attempts == 1 and queued.next_attempt_at is not None
    # The next run waits instead of hammering the collector …
    assert _send(store, hub) == [("2026-09", 1, "waiting")]
    # … unless asked to try now.
    assert _send(store, hub, force=True) == [("2026-09", 1, "delivered")]
    outcomes = [e.outcome for e in reversed(history(store))]
    assert outcomes == ["failed", "delivered"]


def test_unknown_site_is_refused_and_reported(store: Store, hub: Collector) -> None:
    hub.keys.clear()
    fill_month(store, 2026, 9, 10)
    results, _ = send_reports(store, hub.url, ca_file=str(hub.cert), today=TODAY, timeout=5)
    assert results[0].outcome == "refused" and "403" in results[0].detail
    assert len(hub.requests) == 1  # a refusal is not retried in a loop


def test_collector_settings_are_remembered(store: Store, hub: Collector) -> None:
    set_collector(store, hub.url + "/", str(hub.cert))
    assert collector(store) == (hub.url, str(hub.cert))
    fill_month(store, 2026, 9, 10)
    results, _ = send_reports(store, today=TODAY, timeout=5)
    assert [r.outcome for r in results] == ["delivered"]
    with pytest.raises(InvalidInput):
        set_collector(store, hub.url, str(hub.cert.with_name("missing.pem")))


def test_offline_bundle_for_usb(store: Store, tmp_path: Path) -> None:
    fill_month(store, 2026, 8, 12)
    fill_month(store, 2026, 9, 12, seed=4)
    saved, problems = save_bundle(store, tmp_path / "reports.json", today=TODAY)
    bundle = json.loads((tmp_path / "reports.json").read_text())
    assert bundle["format"] == "schoolintake.report-bundle"
    assert [json.loads(r["payload"])["period"] for r in bundle["reports"]] == ["2026-08", "2026-09"]
    assert all(r["public_key"] == encode_key(public_key(store)) for r in bundle["reports"])
    assert [e.outcome for e in history(store)] == ["saved", "saved"]
    # Saved is not delivered: the reports stay queued for the network.
    assert len(reports_to_send(store)) == 2


# -- command line ---------------------------------------------------------------


def test_cli_report_site_key_sync_and_history(db_path: Path, fast_kdf: None, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCHOOLINTAKE_PASSPHRASE", PASSPHRASE)
    with Store.open(db_path, PASSPHRASE) as store:
        fill_month(store, 2026, 9, 25)
        key = encode_key(public_key(store))
    db = ["--db", str(db_path)]
    assert main(db + ["site-key"]) == 0
    assert key in capsys.readouterr().out
    out_file = tmp_path / "2026-09.json"
    assert main(db + ["report", "--period", "2026-09", "--out", str(out_file)]) == 0
    shown = capsys.readouterr().out
    assert "Services by language" in shown and "2026-09" in shown
    assert out_file.read_bytes().decode("ascii") in shown  # the exact bytes were shown
    with pytest.raises(SystemExit) as usage:
        main(db + ["report", "--period", "2026-13"])
    assert usage.value.code == 2 and "YYYY-MM" in capsys.readouterr().err
    assert main(db + ["report", "--period", date.today().strftime("%Y-%m")]) == 2
    assert "closed" in capsys.readouterr().err
    assert main(db + ["sync", "--to", "http://insecure.example"]) == 2
    capsys.readouterr()
    with running_collector(tmp_path) as hub:
        hub.keys["15K058"] = base64.b64decode(key)
        assert main(db + ["sync", "--to", hub.url, "--ca-file", str(hub.cert)]) == 0
        assert "2026-09 r1  delivered" in capsys.readouterr().out
    assert main(db + ["sync", "--history"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "delivered" in lines[0] and "saved" in lines[1]
