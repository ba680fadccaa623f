"""The site's signing key: made with the database, kept inside it, made
lazily for a database that has none."""

from __future__ import annotations

from pathlib import Path

from schoolintake import keys, store as store_module
from schoolintake.schema import SCHEMA_VERSION, migrate
from schoolintake.sitekey import ensure_site_key, fingerprint, public_key, sign, verify
from schoolintake.store import Store

from .conftest import PASSPHRASE


def test_a_new_database_has_a_key_that_signs(store: Store) -> None:
    key = public_key(store)
    assert len(key) == 32
    signature = sign(store, b"counts")
    assert verify(key, b"counts", signature) and not verify(key, b"counts!", signature)
    assert fingerprint(key).startswith("sha256:") and fingerprint(key) == fingerprint(key)


def test_the_key_is_stable_and_stays_encrypted(db_path: Path, fast_kdf: None) -> None:
    with Store.open(db_path, PASSPHRASE) as opened:
        key = public_key(opened)
        (private,) = opened.query("SELECT private_key FROM site_key")[0]
    with Store.open(db_path, PASSPHRASE) as opened:
        assert public_key(opened) == key
    raw = db_path.read_bytes()
    assert bytes(private) not in raw and key not in raw


def test_a_database_without_a_key_gets_one(store: Store) -> None:
    store.execute("DELETE FROM site_key")
    made = ensure_site_key(store)
    assert len(made) == 32 and public_key(store) == made


def test_upgrading_an_older_database_makes_its_key(tmp_path: Path, fast_kdf: None) -> None:
    path = tmp_path / "v5.db"
    profile = keys.FAST_FOR_TESTS
    salt = profile.new_salt()
    conn = store_module._connect_keyed(path, "rwc", keys.derive(profile, PASSPHRASE, salt), salt)
    store_module._configure(conn)
    migrate(conn, target=5)  # the version before the site key
    conn.close()
    with Store.open(path, PASSPHRASE) as upgraded:
        assert upgraded.schema_version == SCHEMA_VERSION >= 6
        assert upgraded.query("SELECT count(*) FROM site_key")[0][0] == 1


def test_every_site_has_its_own_key(tmp_path: Path) -> None:
    made = []
    for name in ("a.db", "b.db"):
        with Store.create(tmp_path / name, PASSPHRASE, profile=keys.FAST_FOR_TESTS) as created:
            made.append(public_key(created))
    assert made[0] != made[1]
