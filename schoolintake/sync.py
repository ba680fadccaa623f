"""Getting reports out: to the collector over HTTPS, or to a signed file.

Offline first: closed months are prepared and queued in the encrypted
database; :func:`send_reports` delivers the queue when the collector can be
reached, retrying transient failures a few times with exponential backoff and
then waiting longer between runs (``next_attempt_at``). Every attempt is
recorded in the history. A report is sent with ``PUT`` to a URL named by site
and month, carrying its revision number, so a re-send replaces and never adds
(docs/sync-protocol.md).

TLS certificates are always verified. A collector with a self-signed or
private certificate needs its certificate (or CA) configured explicitly
(``ca_file``); there is no switch to turn verification off.
"""

from __future__ import annotations

import json
import ssl
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx

from . import __version__
from .errors import InvalidInput, SchoolIntakeError
from .files import write_atomically
from .i18n import _
from .reports import PreparedReport, mark_released, prepare_closed, record_failure, reports_to_send
from .store import Store

BUNDLE_FORMAT = "schoolintake.report-bundle"
BUNDLE_VERSION = 1
API_PREFIX = "/api/v1"
_URL_KEY = "sync.collector_url"
_CA_KEY = "sync.ca_file"

#: Backoff between runs after a failure: 1 min, 2, 4 … at most 6 hours.
BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=6)
#: After the collector refused a report (bad signature, unknown site …),
#: trying again soon cannot help; someone must act first.
REFUSED_RETRY = timedelta(hours=24)


class SyncError(SchoolIntakeError):
    exit_code = 7


# -- settings ----------------------------------------------------------------


def check_url(url: str) -> str:
    parsed = urllib.parse.urlsplit(url.strip())
    if parsed.scheme != "https" or not parsed.hostname:
        raise InvalidInput(_("The collector address must start with https:// (reports are only sent encrypted)."))
    return url.strip().rstrip("/")


def collector(store: Store) -> tuple[str | None, str | None]:
    """The configured collector URL and CA/certificate file, if any."""
    found = dict(store.query("SELECT key, value FROM setting WHERE key IN (?, ?)", (_URL_KEY, _CA_KEY)))
    return found.get(_URL_KEY), found.get(_CA_KEY)


def set_collector(store: Store, url: str, ca_file: str | None = None) -> None:
    url = check_url(url)
    if ca_file is not None:
        _ssl_context(ca_file)  # refuse a file that is not a certificate now, not at the first send
    with store.write() as conn:
        for key, value in ((_URL_KEY, url), (_CA_KEY, ca_file)):
            if value is None:
                conn.execute("DELETE FROM setting WHERE key = ?", (key,))
            else:
                conn.execute("INSERT INTO setting (key, value) VALUES (?, ?)"
                             " ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, str(value)))


def _ssl_context(ca_file: str | None) -> ssl.SSLContext:
    if ca_file is None:
        import certifi

        return ssl.create_default_context(cafile=certifi.where())
    try:
        return ssl.create_default_context(cafile=str(ca_file))
    except (OSError, ssl.SSLError) as error:
        raise InvalidInput(_("Cannot use {path} as the collector's certificate: {reason}").format(
            path=ca_file, reason=getattr(error, "strerror", None) or error)) from None


def report_url(base: str, report: PreparedReport) -> str:
    doe_code = report.document["site"]["doe_code"]
    return f"{base}{API_PREFIX}/sites/{urllib.parse.quote(doe_code)}/reports/{report.period}"


# -- sending -------------------------------------------------------------------


@dataclass(frozen=True)
class SendResult:
    period: str
    revision: int
    outcome: str  # delivered, failed, refused, waiting
    detail: str = ""


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def _transient(status: int) -> bool:
    return status in (408, 425, 429) or status >= 500


def _put(client: httpx.Client, url: str, report: PreparedReport) -> tuple[str, str]:
    """One attempt: ('delivered' | 'refused' | 'failed', detail)."""
    try:
        response = client.put(url, content=report.envelope, headers={
            "Content-Type": "application/json",
            "User-Agent": f"SchoolIntake/{__version__}",
            "X-Report-Revision": str(report.revision),
        })
    except httpx.TransportError as error:
        text = str(error)
        if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text:
            return "refused", _("The collector's certificate could not be verified; configure its certificate "
                                "(--ca-file) if it is a private collector.")
        return "failed", _("The collector could not be reached ({reason}).").format(reason=type(error).__name__)
    if response.status_code in (200, 201):
        return "delivered", ""
    detail = _("The collector answered {status}: {message}").format(
        status=response.status_code, message=_message(response))
    return ("failed" if _transient(response.status_code) else "refused"), detail


def _message(response: httpx.Response) -> str:
    try:
        body: Any = response.json()
        return str(body.get("error") or body.get("message") or "")[:200]
    except (ValueError, AttributeError):
        return response.reason_phrase


def send_reports(store: Store, url: str | None = None, *, ca_file: str | None = None, today: date | None = None,
                 client: httpx.Client | None = None, retries: int = 2, pause: float = 0.5,
                 sleep: Callable[[float], None] = time.sleep, force: bool = False,
                 timeout: float = 20.0) -> tuple[list[SendResult], list[str]]:
    """Prepare every closed month, then deliver what the collector lacks.

    Returns one result per queued report and the preparation problems.
    ``force`` ignores the waiting time after earlier failures.
    """
    stored_url, stored_ca = collector(store)
    if not (url or stored_url):
        raise InvalidInput(_("No collector is configured: give its address (--to https://…) or save it once "
                             "(--set-collector), or save the reports to a file (--out)."))
    base = check_url(url or stored_url or "")
    ca = ca_file if ca_file is not None else (stored_ca if not url or url.rstrip("/") == stored_url else None)
    queued, problems = prepare_closed(store, today=today)
    now = datetime.now(timezone.utc)
    results: list[SendResult] = []
    own_client = client is None
    if client is None:
        client = httpx.Client(verify=_ssl_context(ca), timeout=timeout, follow_redirects=False)
    try:
        for report in queued:
            if not force and report.next_attempt_at and report.next_attempt_at > _iso(now):
                results.append(SendResult(report.period, report.revision, "waiting",
                                          _("next try after {when}").format(when=report.next_attempt_at)))
                continue
            target = report_url(base, report)
            for attempt in range(retries + 1):
                outcome, detail = _put(client, target, report)
                if outcome != "failed" or attempt == retries:
                    break
                sleep(pause * 2 ** attempt)
            if outcome == "delivered":
                mark_released(store, report, base, "delivered")
            else:
                wait = REFUSED_RETRY if outcome == "refused" else min(BACKOFF_FIRST * 2 ** report.attempts, BACKOFF_MAX)
                record_failure(store, report, base, outcome, detail, now + wait)
            results.append(SendResult(report.period, report.revision, outcome, detail))
    finally:
        if own_client:
            client.close()
    return results, problems


# -- files ---------------------------------------------------------------------


def save_report(store: Store, report: PreparedReport, path: Path) -> Path:
    """Write one signed report (its exact envelope bytes) to a file."""
    write_atomically(path, report.envelope)
    mark_released(store, report, f"file:{Path(path).name}", "saved")
    return Path(path)


def save_bundle(store: Store, path: Path, *, today: date | None = None) -> tuple[list[PreparedReport], list[str]]:
    """Write every report the collector lacks to one file, for USB or e-mail."""
    queued, problems = prepare_closed(store, today=today)
    bundle = {
        "format": BUNDLE_FORMAT,
        "format_version": BUNDLE_VERSION,
        "reports": [json.loads(report.envelope) for report in queued],
    }
    write_atomically(path, json.dumps(bundle, sort_keys=True, indent=1, ensure_ascii=True).encode("ascii") + b"\n")
    for report in queued:
        mark_released(store, report, f"file:{Path(path).name}", "saved")
    return queued, problems


def pending(store: Store) -> list[PreparedReport]:
    """The queue, without preparing anything new (for a status display)."""
    return reports_to_send(store)
