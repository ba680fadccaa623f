"""The encrypted store: one SQLCipher database file per site.

Durability: WAL journal with ``synchronous = FULL``, so a save that has
returned is on disk (the WAL is fsynced at every commit) and survives a crash
or power loss; WAL pages are encrypted like the database's. Temporary tables
and indices stay in memory (``temp_store = MEMORY``), so SQLite writes no
temporary files. ``secure_delete`` zeroes freed content.

Whole-file operations (change passphrase, backup, restore) never write over
the only good copy: they export to a temporary file beside the target,
fsync it, open it again to verify it, and then atomically rename it into
place. An interruption leaves either the old file or the new one.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlcipher3

from . import keys
from .errors import (
    DamagedDatabase,
    DatabaseExists,
    DatabaseMissing,
    NewerSchema,
    NotADatabase,
    StoreError,
    WrongPassphrase,
)
from .files import fsync_dir
from .i18n import _
from .schema import SCHEMA_VERSION, migrate

PAGE_SIZE = 4096  # SQLCipher 4 default
CACHE_KIB = 32 * 1024
_PLAIN_SQLITE_HEADER = b"SQLite format 3\x00"
_TEMP_MARKER = ".tmp-"

Connection = Any  # sqlcipher3's connection type is not exported


def _uri(path: Path, mode: str) -> str:
    return "file:" + urllib.parse.quote(str(path)) + f"?mode={mode}"


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _temp_beside(target: Path, purpose: str) -> Path:
    return target.with_name(f".{target.name}.{purpose}{_TEMP_MARKER}{secrets.token_hex(4)}")


def _create_private(path: Path) -> None:
    """Create an empty file readable by its owner only.

    SQLite gives the -wal and -shm files the main file's permissions, so on a
    laptop shared between OS accounts nobody else can even read the
    ciphertext. (Windows ignores the mode; its user profile is private.)
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)


def _remove_with_sidecars(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            Path(str(path) + suffix).unlink()


def _translate(error: sqlcipher3.DatabaseError, path: Path) -> StoreError:
    text = str(error).lower()
    if "malformed" in text or "corrupt" in text or "not a database" in text:
        return DamagedDatabase(
            _("The database {path} is damaged. Restore it from a backup.").format(path=path)
        )
    if "locked" in text or "busy" in text:
        return StoreError(_("The database {path} is in use by another program; close it and try again.").format(path=path))
    if "readonly" in text or "read-only" in text:
        return StoreError(_("The database {path} cannot be written (read-only).").format(path=path))
    if "disk" in text or "full" in text:
        return StoreError(_("The database {path} could not be written: {reason}.").format(path=path, reason=error))
    return StoreError(_("Database error in {path}: {reason}.").format(path=path, reason=error))


def _salt_of(path: Path) -> bytes:
    """Check that ``path`` looks like one of our databases; return its salt."""
    if not path.exists():
        raise DatabaseMissing(_("There is no database at {path}.").format(path=path))
    if not path.is_file():
        raise NotADatabase(_("{path} is not a file.").format(path=path))
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(keys.SALT_BYTES)
    if size == 0:
        raise NotADatabase(_("{path} is empty: it is not a School Intake database.").format(path=path))
    if head == _PLAIN_SQLITE_HEADER:
        raise NotADatabase(
            _("{path} is an unencrypted SQLite file, not a School Intake database.").format(path=path)
        )
    if size < PAGE_SIZE or size % PAGE_SIZE:
        raise DamagedDatabase(
            _("{path} is truncated or damaged (its size is not a whole number of pages). "
              "Restore it from a backup.").format(path=path)
        )
    if keys.profile_for_salt(head) is None:
        raise NotADatabase(
            _("{path} is not a School Intake database, or was made by a newer version.").format(path=path)
        )
    return head


def _connect_keyed(path: Path, mode: str, key: keys.DerivedKey, salt: bytes | None = None) -> Connection:
    try:
        conn = sqlcipher3.connect(_uri(path, mode), uri=True, isolation_level=None)
    except sqlcipher3.DatabaseError as error:
        raise _translate(error, path) from None
    # SQLCipher logs decryption failures to stderr by default; a wrong
    # passphrase is reported to the user by us, once, in plain words.
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(f"PRAGMA key = {keys.raw_key_pragma_value(key.key, salt)}")
    conn.execute(f"PRAGMA cipher_hmac_algorithm = {key.profile.hmac_algorithm}")
    return conn


def _verify_key(conn: Connection, path: Path) -> None:
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher3.DatabaseError as error:
        conn.close()
        if "not a database" in str(error).lower():
            raise WrongPassphrase(_("Wrong passphrase for {path}.").format(path=path)) from None
        raise _translate(error, path) from None


def _configure(conn: Connection) -> None:
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA secure_delete = ON")
    conn.execute("PRAGMA busy_timeout = 5000")
    # Every page read from the file is decrypted and authenticated (~15 µs);
    # a 32 MiB cache of decrypted pages (SQLite's default is 2 MiB) keeps the
    # pages a list screen revisits, at a million referrals too, for a memory
    # cost that only grows as pages are used (tests/bench/bench_store.py).
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB:d}")


def _check_not_truncated(conn: Connection, path: Path) -> None:
    # A file cut at a page boundary still decrypts page 1; compare the size the
    # header records with the file (unless a WAL may hold the missing pages).
    if Path(str(path) + "-wal").exists():
        return
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    if pages * PAGE_SIZE > path.stat().st_size:
        conn.close()
        raise DamagedDatabase(
            _("{path} is truncated: it should hold {pages} pages. Restore it from a backup.").format(
                path=path, pages=pages)
        )


def remove_stale_temporaries(path: Path) -> list[Path]:
    """Delete temporaries left by an interrupted rekey, backup or restore."""
    removed = []
    for stale in path.parent.glob(f".{path.name}.*{_TEMP_MARKER}*"):
        _remove_with_sidecars(stale)
        removed.append(stale)
    return removed


class Store:
    """An open, unlocked database."""

    def __init__(self, path: Path, conn: Connection, profile: keys.KdfProfile) -> None:
        self.path = path
        self._conn = conn
        self._profile = profile

    # -- opening ---------------------------------------------------------

    @classmethod
    def create(cls, path: Path, passphrase: str, *, profile: keys.KdfProfile | None = None) -> Store:
        """Create a new encrypted database at the latest schema."""
        path = Path(path)
        profile = profile or keys.STANDARD
        if not passphrase:
            raise StoreError(_("The passphrase cannot be empty."))
        if path.exists() and path.stat().st_size > 0:
            raise DatabaseExists(_("A database already exists at {path}.").format(path=path))
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        salt = profile.new_salt()
        if not path.exists():
            _create_private(path)
        conn = _connect_keyed(path, "rwc", keys.derive(profile, passphrase, salt), salt)
        try:
            _configure(conn)
            migrate(conn)
        except BaseException:
            conn.close()
            _remove_with_sidecars(path)
            raise
        return cls(path, conn, profile)

    @classmethod
    def open(cls, path: Path, passphrase: str) -> Store:
        """Open an existing database, migrating it forward if it is older."""
        path = Path(path)
        salt = _salt_of(path)
        profile = keys.PROFILES[salt[0]]
        conn = _connect_keyed(path, "rw", keys.derive(profile, passphrase, salt))
        _verify_key(conn, path)
        try:
            _check_not_truncated(conn, path)
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                conn.close()
                raise NewerSchema(
                    _("{path} was made by a newer version of School Intake (schema {found}; this "
                      "version understands up to {known}). Update School Intake.").format(
                        path=path, found=version, known=SCHEMA_VERSION)
                )
            _configure(conn)
            migrate(conn)
        except sqlcipher3.DatabaseError as error:
            conn.close()
            raise _translate(error, path) from None
        remove_stale_temporaries(path)
        return cls(path, conn, profile)

    def close(self) -> None:
        if self._conn is None:
            return
        with contextlib.suppress(sqlcipher3.DatabaseError):
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._conn.close()
        self._conn = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- queries ---------------------------------------------------------

    @property
    def conn(self) -> Connection:
        if self._conn is None:
            raise StoreError(_("The database is locked."))
        return self._conn

    def execute(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> Any:
        try:
            return self.conn.execute(sql, params)
        except sqlcipher3.DatabaseError as error:
            raise _translate(error, self.path) from None

    def query(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> list[tuple[Any, ...]]:
        try:
            return self.conn.execute(sql, params).fetchall()
        except sqlcipher3.DatabaseError as error:
            raise _translate(error, self.path) from None

    @contextlib.contextmanager
    def write(self) -> Iterator[Connection]:
        """One transaction; committed (and durable) when the block ends."""
        conn = self.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlcipher3.DatabaseError as error:
            raise _translate(error, self.path) from None
        try:
            yield conn
        except BaseException:
            with contextlib.suppress(sqlcipher3.DatabaseError):
                conn.execute("ROLLBACK")
            raise
        try:
            conn.execute("COMMIT")
        except sqlcipher3.DatabaseError as error:
            with contextlib.suppress(sqlcipher3.DatabaseError):
                conn.execute("ROLLBACK")
            raise _translate(error, self.path) from None

    @property
    def schema_version(self) -> int:
        return int(self.query("PRAGMA user_version")[0][0])

    # -- whole-file operations -----------------------------------------

    def _export_to(self, target: Path, key: keys.DerivedKey, salt: bytes) -> None:
        """Write a re-encrypted, verified copy of the database to ``target``."""
        _create_private(target)
        try:
            self.conn.execute("ATTACH DATABASE ? AS export KEY ?", (str(target), f"x'{key.key.hex()}{salt.hex()}'"))
            try:
                # Before the first page is written: the copy takes its own profile's settings.
                self.conn.execute(f"PRAGMA export.cipher_hmac_algorithm = {key.profile.hmac_algorithm}")
                self.conn.execute("SELECT sqlcipher_export('export')")
                self.conn.execute(f"PRAGMA export.user_version = {self.schema_version:d}")
            finally:
                self.conn.execute("DETACH DATABASE export")
        except sqlcipher3.DatabaseError as error:
            _remove_with_sidecars(target)
            raise _translate(error, target) from None
        _fsync_file(target)
        expected = self.query("SELECT count(*) FROM referral")[0][0]
        check = _connect_keyed(target, "ro", key)
        try:
            _verify_key(check, target)
            found = check.execute("SELECT count(*) FROM referral").fetchone()[0]
            ok = check.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            check.close()
        if found != expected or ok != "ok":
            _remove_with_sidecars(target)
            raise StoreError(_("The copy written to {path} did not verify; nothing was changed.").format(path=target))

    def _release_file(self) -> None:
        """Close so that the WAL is checkpointed into the file and removed."""
        self.close()
        if Path(str(self.path) + "-wal").exists():
            raise StoreError(
                _("The database {path} is still open in another program; close it and try again.").format(path=self.path)
            )

    def change_passphrase(self, new_passphrase: str) -> None:
        """Re-encrypt the whole database under a new passphrase (and a new salt)."""
        if not new_passphrase:
            raise StoreError(_("The passphrase cannot be empty."))
        salt = keys.STANDARD.new_salt()
        key = keys.derive(keys.STANDARD, new_passphrase, salt)
        staged = _temp_beside(self.path, "rekey")
        self._export_to(staged, key, salt)
        self._release_file()
        os.replace(staged, self.path)
        fsync_dir(self.path.parent)
        self._conn = _connect_keyed(self.path, "rw", key)
        _verify_key(self._conn, self.path)
        _configure(self._conn)
        self._profile = keys.STANDARD

    def backup(self, destination: Path, passphrase: str, *, profile: keys.KdfProfile | None = None) -> Path:
        """Write an encrypted copy, under its own passphrase, to ``destination``."""
        destination = Path(destination).resolve()
        profile = profile or keys.STANDARD
        if not passphrase:
            raise StoreError(_("The backup passphrase cannot be empty."))
        if destination == self.path.resolve():
            raise StoreError(_("A backup cannot overwrite the database itself."))
        if destination.is_dir():
            raise StoreError(_("{path} is a folder; give a file name for the backup.").format(path=destination))
        if not destination.parent.is_dir():
            raise StoreError(_("The folder {path} does not exist.").format(path=destination.parent))
        salt = profile.new_salt()
        staged = _temp_beside(destination, "backup")
        self._export_to(staged, keys.derive(profile, passphrase, salt), salt)
        os.replace(staged, destination)
        fsync_dir(destination.parent)
        return destination

    @staticmethod
    def _open_backup(path: Path, passphrase: str) -> Store:
        salt = _salt_of(path)
        profile = keys.PROFILES[salt[0]]
        conn = _connect_keyed(path, "ro", keys.derive(profile, passphrase, salt))
        _verify_key(conn, path)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            conn.close()
            raise NewerSchema(
                _("The backup {path} was made by a newer version of School Intake; update School Intake "
                  "to restore it.").format(path=path)
            )
        return Store(path, conn, profile)

    # -- checks ------------------------------------------------------------

    def integrity_problems(self) -> list[str]:
        """SQLCipher's page check, SQLite's integrity and foreign-key checks,
        and our own: the kept counts equal a recount. Empty means healthy."""
        problems: list[str] = []
        for (row,) in self.query("PRAGMA cipher_integrity_check"):
            problems.append(f"cipher: {row}")
        try:
            for (row,) in self.query("PRAGMA integrity_check"):
                if row != "ok":
                    problems.append(f"sqlite: {row}")
            for row in self.query("PRAGMA foreign_key_check"):
                problems.append(f"foreign key: {row}")
            if self.query("SELECT 1 FROM sqlite_master WHERE name = 'referral_name'"):
                try:
                    self.conn.execute("INSERT INTO referral_name (referral_name, rank) VALUES ('integrity-check', 1)")
                except sqlcipher3.DatabaseError as error:
                    problems.append(f"name index: {error}")
        except StoreError as error:
            # A page that fails decryption stops SQLite's own walk of the file.
            problems.append(f"sqlite: {error}")
            return problems
        drift = self.query(
            """
            SELECT month, service, language, status FROM (
                SELECT month, service, language, status, n FROM monthly_line_count WHERE n > 0
                EXCEPT
                SELECT substr(referred_on, 1, 7), service, language, status, count(*)
                FROM referral_line GROUP BY 1, 2, 3, 4
            ) LIMIT 5
            """
        )
        for row in drift:
            problems.append("counts: monthly count differs from a recount for " + "/".join(row))
        return problems


def restore(backup: Path, backup_passphrase: str, target: Path, target_passphrase: str) -> Store:
    """Make ``target`` a copy of ``backup``, encrypted under ``target_passphrase``.

    If ``target`` exists it must open with ``target_passphrase`` (so a restore
    cannot be used to swap in data without knowing the current passphrase);
    it is replaced atomically only after the restored copy verified.
    """
    target = Path(target)
    if target.exists():
        Store.open(target, target_passphrase)._release_file()
    source = Store._open_backup(Path(backup), backup_passphrase)
    salt = keys.STANDARD.new_salt()
    key = keys.derive(keys.STANDARD, target_passphrase, salt)
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    staged = _temp_beside(target, "restore")
    try:
        source._export_to(staged, key, salt)
    finally:
        source.close()
    os.replace(staged, target)
    fsync_dir(target.parent)
    return Store.open(target, target_passphrase)
