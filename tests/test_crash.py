"""A save that has returned survives the process being killed at any moment.

A child process saves referrals (and records outcomes) in a loop, printing
each id only after its save returned; it is killed with SIGKILL at a random
point, many times over. Each time the database must open, pass the integrity
check, and hold every referral whose id was printed.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from schoolintake import keys
from schoolintake.referrals import count_referrals, get_referral
from schoolintake.store import Store

from .conftest import PASSPHRASE

CHILD = r"""
import sys
from datetime import date
from schoolintake.store import Store
from schoolintake.referral import NewReferral, ServiceChoice, Status
from schoolintake.referrals import add_referral, record_outcome

store = Store.open(sys.argv[1], sys.argv[2])
print("ready", flush=True)
n = 0
while True:
    n += 1
    rid = add_referral(store, NewReferral("es", (ServiceChoice("esl"), ServiceChoice("health")),
                                          date(2026, 11, 2), first_name="Ana", notes="x" * (n % 300)),
                       today=date(2026, 11, 23))
    if n % 3 == 0:
        record_outcome(store, rid, Status.CONTACTED)
    print(rid, flush=True)
"""

ROUNDS = 20


def test_sigkill_at_random_points_loses_no_acknowledged_save(tmp_path: Path) -> None:
    path = tmp_path / "crash.db"
    Store.create(path, PASSPHRASE, profile=keys.FAST_FOR_TESTS).close()
    rng = random.Random(20261123)
    acknowledged: set[int] = set()
    for _round in range(ROUNDS):
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(path), PASSPHRASE],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 env={**os.environ, "PYTHONUNBUFFERED": "1"})
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready", child.stderr.read() if child.stderr else ""
        time.sleep(rng.uniform(0.01, 0.4))
        child.send_signal(signal.SIGKILL)
        out, _err = child.communicate(timeout=30)
        assert child.returncode == -signal.SIGKILL
        acknowledged.update(int(line) for line in out.split() if line.isdigit())

        with Store.open(path, PASSPHRASE) as store:
            assert store.integrity_problems() == []
            stored = {row[0] for row in store.query("SELECT id FROM referral")}
            missing = acknowledged - stored
            assert not missing, f"acknowledged saves lost: {sorted(missing)[:10]}"
            # Every stored referral is whole: both service lines, never half a save.
            assert store.query("SELECT count(*) FROM referral r WHERE (SELECT count(*) FROM referral_line l"
                               " WHERE l.referral_id = r.id) != 2") == [(0,)]
    assert len(acknowledged) > ROUNDS  # the loop really saved things
    with Store.open(path, PASSPHRASE) as store:
        assert count_referrals(store) >= len(acknowledged)
        assert get_referral(store, max(acknowledged)).first_name == "Ana"
