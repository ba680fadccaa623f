"""Passphrase → database key.

SQLCipher's built-in PBKDF2-SHA512 (256,000 iterations) takes about 0.11 s
here, under the 0.25 s an attacker should pay per guess, and PBKDF2 is cheap
on GPUs. So the key is derived with Argon2id, which is memory-hard, and handed
to SQLCipher as a raw key.

The 16-byte salt is SQLCipher's own file salt (the first 16 bytes of the
database file, stored in the clear by design). Its first byte names the
*profile* — the KDF parameters and SQLCipher's page-HMAC algorithm — so the
settings a file was made with are known before the key is derived, and a
later version can change them without a sidecar file; the other 15 bytes are
random.

Page authentication uses HMAC-SHA256 rather than SQLCipher 4's default
HMAC-SHA512: equally sound for a 32-byte page MAC, and it takes a save from
about 1.7× to 1.3× the cost of plain SQLite when fsync is cheap
(tests/bench/bench_store.py).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from argon2.low_level import Type, hash_secret_raw

SALT_BYTES = 16
KEY_BYTES = 32


@dataclass(frozen=True)
class KdfProfile:
    id: int
    memory_kib: int
    time_cost: int
    parallelism: int = 1
    #: SQLCipher's ``cipher_hmac_algorithm`` for files of this profile.
    hmac_algorithm: str = "HMAC_SHA256"

    def derive(self, passphrase: str, salt: bytes) -> bytes:
        return hash_secret_raw(
            passphrase.encode("utf-8"),
            salt,
            time_cost=self.time_cost,
            memory_cost=self.memory_kib,
            parallelism=self.parallelism,
            hash_len=KEY_BYTES,
            type=Type.ID,
        )

    def new_salt(self) -> bytes:
        return bytes([self.id]) + os.urandom(SALT_BYTES - 1)


#: Argon2id, 48 MiB, 9 passes: about 0.35–0.4 s on this project's 2-core
#: test machine (tests/bench/bench_store.py), and a memory × passes product
#: above the earlier 64 MiB × 6. 48 MiB rather than more keeps the unlock of
#: a shared laptop within the GUI's 150 MB peak (tests/bench/bench_gui.py):
#: the derivation's memory comes on top of everything already resident.
STANDARD = KdfProfile(id=3, memory_kib=48 * 1024, time_cost=9)

#: For tests only: the same code path at a fraction of the cost. Never chosen
#: by the application; a file made with it says so in its first byte.
FAST_FOR_TESTS = KdfProfile(id=0xF8, memory_kib=64, time_cost=1)

#: Files made with earlier profiles still open (a rekey or a restore
#: rewrites them with the current one): 1 had SHA-512 page HMACs, 2 a
#: 64 MiB derivation.
_EARLIER = (
    KdfProfile(id=1, memory_kib=64 * 1024, time_cost=6, hmac_algorithm="HMAC_SHA512"),
    KdfProfile(id=2, memory_kib=64 * 1024, time_cost=6),
    KdfProfile(id=0xF7, memory_kib=64, time_cost=1, hmac_algorithm="HMAC_SHA512"),
)

PROFILES = {profile.id: profile for profile in (STANDARD, FAST_FOR_TESTS, *_EARLIER)}


@dataclass(frozen=True)
class DerivedKey:
    """A database key and the profile whose cipher settings go with it."""

    key: bytes
    profile: KdfProfile


def derive(profile: KdfProfile, passphrase: str, salt: bytes) -> DerivedKey:
    return DerivedKey(profile.derive(passphrase, salt), profile)


def profile_for_salt(salt: bytes) -> KdfProfile | None:
    if len(salt) != SALT_BYTES:
        return None
    return PROFILES.get(salt[0])


def raw_key_pragma_value(key: bytes, salt: bytes | None = None) -> str:
    """The value of ``PRAGMA key`` / ``ATTACH … KEY`` for a raw key.

    With a salt appended, SQLCipher uses that salt for a new database file
    instead of a random one.
    """
    return "\"x'" + key.hex() + (salt.hex() if salt else "") + "'\""
