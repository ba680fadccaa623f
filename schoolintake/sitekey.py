"""The site's Ed25519 signing key.

Made when the database is created (schema migration 6; older databases get
theirs when they are upgraded) and kept only inside the encrypted database.
Reports are signed with it; the collector knows the site by its public key,
which ``schoolintake site-key`` prints for registration.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime, timezone

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .errors import StoreError
from .i18n import _
from .store import Store

_RAW = serialization.Encoding.Raw


def new_key_row() -> tuple[bytes, bytes, str]:
    """(private seed, public key, created_at) for a new key."""
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(_RAW, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    public = key.public_key().public_bytes(_RAW, serialization.PublicFormat.Raw)
    return private, public, datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def ensure_site_key(store: Store) -> bytes:
    """The public key, making the key pair first if the database has none."""
    rows = store.query("SELECT public_key FROM site_key WHERE id = 1")
    if rows:
        return bytes(rows[0][0])
    with store.write() as conn:
        conn.execute("INSERT OR IGNORE INTO site_key (id, private_key, public_key, created_at) VALUES (1, ?, ?, ?)",
                     new_key_row())
    return bytes(store.query("SELECT public_key FROM site_key WHERE id = 1")[0][0])


def public_key(store: Store) -> bytes:
    return ensure_site_key(store)


def _private_key(store: Store) -> Ed25519PrivateKey:
    ensure_site_key(store)
    (seed,) = store.query("SELECT private_key FROM site_key WHERE id = 1")[0]
    try:
        return Ed25519PrivateKey.from_private_bytes(bytes(seed))
    except ValueError:
        raise StoreError(_("The site's signing key is damaged; restore the database from a backup.")) from None


def sign(store: Store, data: bytes) -> bytes:
    return _private_key(store).sign(data)


def encode_key(public: bytes) -> str:
    """The form used in reports and for registration: base64 of the 32 raw bytes."""
    return base64.b64encode(public).decode("ascii")


def fingerprint(public: bytes) -> str:
    """A short, stable name for a key: SHA-256 of the raw key, first 16 bytes."""
    digest = hashlib.sha256(public).hexdigest()[:32]
    return "sha256:" + ":".join(digest[i:i + 4] for i in range(0, len(digest), 4))


def verify(public: bytes, data: bytes, signature: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True
