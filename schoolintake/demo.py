"""Realistic synthetic referrals, for the demo database, tests and benchmarks.

Every value is made up: first names from a fixed list in each script, phone
numbers from the 555-0100…0199 range reserved for fiction. Referrals spread
over the past months with a language mix like a New York City school's, one
to three services each, and outcomes that depend on age: old referrals are
mostly settled, recent ones still open.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from .directory import directory_size, load_starter_directory, providers_for
from .errors import InvalidInput
from .i18n import _
from .referral import NotConnectedReason, Site, Status
from .site import has_site, save_site
from .store import Store

DEMO_SITE = Site("P.S. 58 The Carroll (demo)", "15K058", "Demo Community Partner")

# Roughly the shape of NYC's limited-English-proficient population.
_LANGUAGE_WEIGHTS = {
    "es": 40, "zh_Hans": 9, "zh_Hant": 4, "bn": 7, "ru": 6, "ar": 5, "ht": 5, "ko": 3,
    "ur": 3, "fr": 3, "pl": 2, "en": 8, "other": 5,
}
_SERVICE_WEIGHTS = {
    "esl": 30, "health": 14, "idnyc": 14, "legal": 10, "benefits": 10, "know_your_rights": 7,
    "drivers_license": 5, "housing": 5, "adult_education": 5, "mental_health": 3, "other": 2,
}
_NAMES = {
    "es": ("María", "José", "Lucía", "Carmen", "Ana", "Luis"), "zh_Hans": ("王芳", "李娜", "张伟"),
    "zh_Hant": ("陳美玲", "林怡君"), "bn": ("রুমা", "ফাতেমা", "রহিম"), "ru": ("Ольга", "Наталья", "Сергей"),
    "ar": ("فاطمة", "مريم", "أحمد"), "ht": ("Marie", "Jean", "Rose"), "ko": ("지영", "민수"),
    "ur": ("عائشہ", "زینب"), "fr": ("Aminata", "Fatou", "Moussa"), "pl": ("Anna", "Katarzyna", "Piotr"),
    "en": ("Grace", "Joy"), "other": ("A.K.", "M.T.", "S."),
}
_NOTES = (
    "Prefers evening classes.", "Works weekends; call after 6 pm.", "Needs childcare during class.",
    "Asked for a Spanish-speaking doctor.", "Interested in the spring session.", "Will bring documents next week.",
)


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@dataclass(frozen=True)
class _Plan:
    referred_on: date
    language: str
    first_name: str
    phone: str
    notes: str
    follow_up_on: date | None
    lines: tuple[tuple[str, str | None, list[tuple[Status, NotConnectedReason | None]]], ...]


def _history(rng: random.Random, age_days: int) -> list[tuple[Status, NotConnectedReason | None]]:
    """The outcome path of one service line, longer for older referrals."""
    steps: list[tuple[Status, NotConnectedReason | None]] = []
    if age_days < 3:
        return steps
    roll = rng.random()
    if age_days < 21 and roll < 0.5:
        return steps
    if roll < 0.8:
        steps.append((Status.CONTACTED, None))
    if age_days >= 10:
        if rng.random() < 0.7:
            steps.append((Status.CONNECTED, None))
        else:
            reason = rng.choice(list(NotConnectedReason))
            steps.append((Status.NOT_CONNECTED, reason))
    return steps


def _plans(n: int, today: date, months: int, seed: int, providers: dict[str, list[str]]) -> Iterator[_Plan]:
    rng = random.Random(seed)
    span = max(1, months * 30)
    for _index in range(n):
        age = int(rng.random() ** 1.3 * span)  # a little more recent than old
        referred_on = today - timedelta(days=age)
        language = _weighted(rng, _LANGUAGE_WEIGHTS)
        count = rng.choices((1, 2, 3), weights=(55, 35, 10))[0]
        services: list[str] = []
        while len(services) < count:
            service = _weighted(rng, _SERVICE_WEIGHTS)
            if service not in services:
                services.append(service)
        lines = tuple(
            (service, rng.choice(providers[service]) if providers.get(service) else None, _history(rng, age))
            for service in services
        )
        has_name = rng.random() < 0.6
        has_phone = rng.random() < 0.35
        yield _Plan(
            referred_on=referred_on,
            language=language,
            first_name=rng.choice(_NAMES[language]) if has_name else "",
            phone=f"(718) 555-01{rng.randrange(100):02d}" if has_phone else "",
            notes=rng.choice(_NOTES) if rng.random() < 0.2 else "",
            follow_up_on=referred_on + timedelta(days=rng.choice((7, 14))) if rng.random() < 0.7 else None,
            lines=lines,
        )


def populate(store: Store, referrals: int, *, today: date | None = None, months: int = 24, seed: int = 2026,
             batch: int = 20_000) -> int:
    """Add ``referrals`` synthetic referrals, in large transactions for speed.

    Sets up the demo site and the starter directory when the database has
    none. Returns the number of referrals added.
    """
    if referrals < 0:
        raise InvalidInput(_("The number of referrals cannot be negative."))
    today = today or date.today()
    if not has_site(store):
        save_site(store, DEMO_SITE)
    if directory_size(store) == 0:
        load_starter_directory(store)
    providers = {
        category: [service.id for service in providers_for(store, category)]
        for category in _SERVICE_WEIGHTS
    }
    next_id = int(store.query("SELECT coalesce(max(id), 0) FROM referral")[0][0]) + 1
    next_line = int(store.query("SELECT coalesce(max(id), 0) FROM referral_line")[0][0]) + 1
    plans = _plans(referrals, today, months, seed + next_id, providers)
    added = 0
    while added < referrals:
        referral_rows, line_rows, event_rows = [], [], []
        for plan in _take(plans, min(batch, referrals - added)):
            created = datetime.combine(plan.referred_on, datetime.min.time(), timezone.utc).replace(hour=15)
            stamp = created.isoformat()
            referral_rows.append((
                next_id, plan.referred_on.isoformat(), plan.language, plan.first_name, plan.phone,
                stamp if plan.phone else None, plan.notes,
                plan.follow_up_on.isoformat() if plan.follow_up_on else None, stamp,
            ))
            for service, provider, steps in plan.lines:
                status = steps[-1][0] if steps else Status.REFERRED
                line_rows.append((next_line, next_id, service, provider, status.value, plan.referred_on.isoformat(),
                                  plan.language))
                event_rows.append((next_line, Status.REFERRED.value, None, stamp))
                for offset, (step, reason) in enumerate(steps, start=1):
                    moment = (created + timedelta(days=min(offset * 3, 30))).isoformat()
                    event_rows.append((next_line, step.value, reason.value if reason else None, moment))
                next_line += 1
            next_id += 1
        with store.write() as conn:
            conn.executemany(
                "INSERT INTO referral (id, referred_on, language, first_name, phone, phone_consent_at, notes,"
                " follow_up_on, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                referral_rows,
            )
            conn.executemany(
                "INSERT INTO referral_line (id, referral_id, service, provider_service_id, status, referred_on,"
                " language) VALUES (?, ?, ?, ?, ?, ?, ?)",
                line_rows,
            )
            conn.executemany(
                "INSERT INTO outcome_event (line_id, status, reason, recorded_at, recorded_by)"
                " VALUES (?, ?, ?, ?, 'demo')",
                event_rows,
            )
        added += len(referral_rows)
    store.execute("ANALYZE")
    return added


def _take(iterator: Iterator[_Plan], count: int) -> Iterator[_Plan]:
    for _index in range(count):
        yield next(iterator)


#: The demo database holds synthetic data only, so its passphrase is public.
DEMO_PASSPHRASE = "demo-only-synthetic-data"
DEMO_REFERRALS = 2_000


def open_demo_database(path: Path) -> Store:
    """Open the demo database, creating and filling it on first use."""
    if path.exists():
        return Store.open(path, DEMO_PASSPHRASE)
    store = Store.create(path, DEMO_PASSPHRASE)
    populate(store, DEMO_REFERRALS)
    return store
