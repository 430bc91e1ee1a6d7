"""The store: one connection with safe settings, explicit write transactions, migrations.

An SQLite file (the default) or a PostgreSQL database (`postgresql://…`, team mode); the
differences live in the connection's dialect (`srm.store.dialect`) and, for PostgreSQL, in the
adapter `srm.store.postgres`, imported only when such a URL is opened.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from srm.errors import StoreError
from srm.paths import is_url
from srm.store import members, migrations
from srm.store.dialect import SQLITE, dialect_of, savepoint
from srm.store.migrations import CORE_TABLES, MIGRATIONS, now_utc
from srm.store.undo import Journal

BUSY_TIMEOUT_MS = 10_000
CHECKPOINT_WAIT_S = 10.0  # how long an erasure waits for other readers before it gives up


class SqliteConnection(sqlite3.Connection):
    """sqlite3's connection, knowing its dialect (as the PostgreSQL adapter's does)."""

    dialect = SQLITE

    savepoint = savepoint  # a nested transaction (srm.store.dialect)

    def stream(self, sql: str) -> sqlite3.Cursor:
        """A cursor over `sql` giving plain tuples, read as they are fetched."""
        cur = self.cursor()
        cur.row_factory = None
        return cur.execute(sql)


class Store:
    """An open srm database. Reads run in autocommit; every write goes through `write()`.

    `path` is the SQLite file, or None for a PostgreSQL store (`url`). `read_only` says why
    the store can't be written (its folder or file is read-only), or is None: such a store is
    opened read-only, reads work and `write()` fails with that reason.
    """

    def __init__(
        self,
        path: Path | None,
        conn: sqlite3.Connection,
        read_only: str | None = None,
        url: str | None = None,
    ):
        self.path = path
        self.url = url
        self.conn = conn
        self.read_only = read_only
        # Set by the CLI to the command line: this process's writes then form one undo command.
        self.journal: Journal | None = None
        # Who writes (team mode): (name, address) from the config's `me`, and their member id,
        # known once a write has made them a member.
        self.author: tuple[str, str] | None = None
        self.member_id: int | None = None
        self.joined = False  # whether the current write made them a member
        # Run inside every write transaction just before it commits, after the caller's changes
        # (the CLI keeps each contact's derived state current this way: srm.domain.state).
        self.before_commit: list[Callable[[Store], None]] = []
        self.created = False  # migrate() made it from nothing

    @property
    def location(self) -> str:
        """The store as named to the user: its file, or its URL without a password."""
        if self.url is None:
            return str(self.path)
        from srm.store.postgres import display

        return display(self.url)

    @property
    def dialect(self):
        return dialect_of(self.conn)

    def record_undo(self, label: str) -> None:
        """Record this process's writes as one command `srm undo` can revert."""
        self.journal = Journal(label)

    def write_as(self, name: str, email: str) -> None:
        """Record this process's writes as made by the team member with this address; they
        become a member with their first write. What they log and add is theirs."""
        self.author = (name, email)

    @classmethod
    def open(cls, path: Path | str, *, migrate: bool = True, read_only: bool = False) -> Store:
        """Open (creating it 0600 if need be) and migrate the store at `path` (or URL).

        `read_only` opens it for reading whatever its permissions (`srm doctor`); `migrate`
        False leaves the schema as it is, for tools that inspect a store without changing it.
        """
        if is_url(path):
            url = str(path)
            try:
                from srm.store import postgres
            except ModuleNotFoundError as e:
                raise StoreError(
                    f"a store on PostgreSQL needs its driver ({e.name} is not installed):"
                    " pip install 'srm[postgresql]'"
                ) from None
            conn = postgres.connect(url, read_only=read_only)
            store = cls(None, conn, "opened for reading" if read_only else None, url=url)  # type: ignore[arg-type]
            if migrate:
                try:
                    store.migrate()
                except BaseException:
                    store.close()
                    raise
            return store
        path = Path(path)
        real = Path(os.path.realpath(path))  # SQLite keeps -wal and -shm beside the real file
        why = "opened for reading" if read_only else why_read_only(real)
        if why is None:
            _create_private(real)
            try:
                conn = _connect(real, path)
            except _ReadOnly as e:
                why = str(e)
        elif not real.exists():
            raise StoreError(f"can't create the database at {path}: {why}")
        if why is not None:
            conn = _connect_read_only(path, real, why)
        store = cls(path, conn, why)
        if migrate:
            store.migrate()
        return store

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def write(self, *, undoable: bool = True, hooks: bool = True) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it lands, or none of it.

        With a journal (see `record_undo`) its changes join the process's undo command, unless
        `undoable=False` (erasure, undo itself, migrations). `hooks=False` skips the
        before-commit hooks (migrations: the hooks assume the schema they bring).
        """
        self.check_writable()
        journal = self.journal if undoable else None
        dialect_of(self.conn).begin_write(self.conn)
        try:
            if self.author is not None:
                # Before the journal starts: joining the team is not a command to undo.
                self.member_id, self.joined = members.ensure(self.conn, *self.author, now_utc())
            if journal is not None:
                journal.begin(self.conn, now_utc(), self.member_id)
            yield self.conn
            for hook in self.before_commit if hooks else ():
                hook(self)
            if journal is not None:
                journal.end(self.conn)
        except BaseException:
            self.conn.execute("ROLLBACK")
            if self.author is not None:
                self.member_id = None  # it may have been added by this transaction
            if journal is not None:
                journal.rolled_back()
            raise
        self.conn.execute("COMMIT")

    def check_writable(self) -> None:
        """Fail with the reason when the store can only be read."""
        if self.read_only:
            if self.url is not None:
                raise StoreError(f"{self.location} was opened for reading: srm can't change it")
            raise StoreError(
                f"{self.path} is read-only ({self.read_only}): srm can show it but not change"
                " it; copy it to a writable folder to make changes"
            )

    def schema_version(self) -> int:
        return dialect_of(self.conn).schema_version(self.conn)

    def checkpoint(self, wait: float | None = None) -> bool:
        """Copy the write-ahead log into the database file and truncate it to zero bytes.

        Old page images (an erased person's, say) stay in the `-wal` file until then. Another
        connection in the middle of a read keeps its snapshot, so this retries until `wait`
        seconds (default CHECKPOINT_WAIT_S) have passed; False if a reader was still there (SQLite checkpoints when the
        last connection closes). A PostgreSQL server manages its own log: True.
        """
        if self.url is not None:
            return True
        if self.read_only:
            return False
        deadline = time.monotonic() + (CHECKPOINT_WAIT_S if wait is None else wait)
        self.conn.execute("PRAGMA busy_timeout = 1000")
        try:
            while True:
                busy = self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
                if not busy:
                    return True
                if time.monotonic() >= deadline:
                    return False
                time.sleep(0.05)
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    def reclaim(self, tables: list[str]) -> bool:
        """Make deleted rows of `tables` unreadable in the store's files; False if it couldn't.

        SQLite: the deleted records were zeroed (secure_delete); the -wal is checkpointed and
        truncated. PostgreSQL: VACUUM the tables (dead rows and their index entries are
        removed and the space is marked for reuse); False if the server refused it.
        """
        if self.url is None:
            return self.checkpoint()
        present = [t for t in tables if t in dialect_of(self.conn).tables(self.conn)]
        try:
            self.conn.execute("VACUUM " + ", ".join(f'"{t}"' for t in present))
        except sqlite3.Error:
            return False
        return True

    def migrate(self, *, backup: bool = True) -> None:
        """Apply pending migrations, after a backup; refuse a newer or inconsistent database.

        `backup` False skips the backup, for a store whose contents were just copied from one.
        """
        known = len(MIGRATIONS)
        try:
            version = self.schema_version()
            problems = version_problems(self.conn, version)
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{self.location}: not an srm database ({e})") from None
        if version > known:
            raise StoreError(
                f"{self.location} was written by a newer srm (schema {version}, this srm knows "
                f"{known}); upgrade srm (pip install --upgrade srm) to use it"
            )
        if problems:
            raise StoreError(
                f"{self.location}: {problems[0]}; run `srm doctor` to see what is wrong and what"
                " to do"
            )
        if version == known:
            return
        if self.read_only:
            raise StoreError(
                f"{self.location} has schema {version} and this srm needs {known}, but it can't be"
                f" upgraded: it is read-only ({self.read_only}); copy it to a writable folder"
            )
        # A PostgreSQL server is backed up by its administrator (pg_dump; README, Team mode).
        self.created = version == 0
        if version > 0 and backup and self.url is None:
            self._backup_before(f"schema-{version + 1}")
        for number in range(version + 1, known + 1):
            with self.write(undoable=False, hooks=False) as conn:
                # Another process may have migrated while we waited for the lock.
                if dialect_of(conn).schema_version(conn) >= number:
                    continue
                migrations.apply(conn, number)

    def _backup_before(self, what: str) -> Path:
        """A backup taken before `what` changes the store; no backup, no change."""
        from srm.store import backup

        try:
            return backup.make(self, label=f"before-{what}")
        except StoreError as e:
            raise StoreError(f"{e}; nothing was changed") from None


def version_problems(conn: sqlite3.Connection, version: int) -> list[str]:
    """Where the schema version, the migration record and the tables disagree."""
    tables = set(dialect_of(conn).tables(conn))
    if version == 0:
        if tables:
            return ["it has tables but no srm schema version: it isn't an srm database"]
        return []
    if "schema_migration" not in tables:
        return [f"its schema version is {version} but its migration record is missing"]
    count, top = dialect_of(conn).migration_record(conn)
    problems = []
    if count != version or (top or 0) != version:
        problems.append(
            f"its schema version is {version} but its migration record lists {count} step(s)"
            + (f" up to {top}" if top else "")
        )
    missing = sorted(CORE_TABLES - tables)
    if missing:
        problems.append(f"table(s) {', '.join(missing)} are missing")
    return problems


class _ReadOnly(Exception):
    """SQLite refused to write a store the file system seemed to allow: open it read-only."""


def _connect(real: Path, path: Path) -> sqlite3.Connection:
    try:
        # isolation_level=None: the driver never opens transactions behind our back; we
        # issue BEGIN IMMEDIATE ourselves so concurrent writers queue instead of losing data.
        conn = sqlite3.connect(
            real,
            isolation_level=None,
            timeout=BUSY_TIMEOUT_MS / 1000,
            factory=SqliteConnection,
        )
        _pragmas(conn)
        conn.execute("PRAGMA synchronous = FULL")
        # Deleted records are overwritten with zeros, not just unlinked (erasure, `srm rm`).
        conn.execute("PRAGMA secure_delete = ON")
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        if mode != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
    except sqlite3.OperationalError as e:
        if "readonly" in str(e):
            with suppress(UnboundLocalError):
                conn.close()
            raise _ReadOnly(f"SQLite can't write it: {e}") from None
        raise StoreError(f"{path}: can't open the database ({e}); is it an srm database?") from None
    except sqlite3.DatabaseError as e:
        raise StoreError(f"{path}: can't open the database ({e}); is it an srm database?") from None
    return conn


def _connect_read_only(path: Path, real: Path, why: str) -> sqlite3.Connection:
    """A read-only connection, even where SQLite can't create the `-shm` it wants for WAL.

    `mode=ro` reads committed changes still in the `-wal`; it needs to create `-shm` when that
    doesn't exist, which a read-only folder forbids. Then, if no `-wal` holds changes, the file
    alone is the whole store and `immutable=1` reads it without any locking or side file (safe:
    no srm can write in a folder where it can't create a `-wal`).
    """
    uri = real.as_uri()
    try:
        conn = sqlite3.connect(
            f"{uri}?mode=ro", uri=True, isolation_level=None, factory=SqliteConnection
        )
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as first:
        wal = Path(str(real) + "-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise StoreError(
                f"{path} is read-only ({why}) and its {wal.name} holds changes SQLite can't"
                f" read without writing ({first}); copy the store with its -wal file to a"
                " writable folder"
            ) from None
        try:
            conn = sqlite3.connect(
                f"{uri}?immutable=1", uri=True, isolation_level=None, factory=SqliteConnection
            )
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as e:
            raise StoreError(
                f"{path}: can't open the database ({e}); is it an srm database?"
            ) from None
    _pragmas(conn)
    conn.execute("PRAGMA query_only = ON")
    return conn


def _pragmas(conn: sqlite3.Connection) -> None:
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")


def why_read_only(real: Path) -> str | None:
    """Why srm can't write the store at `real` (resolved), or None if it can."""
    folder = real.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent  # a store in a folder to be created: ask its nearest ancestor
    with suppress(OSError, AttributeError):
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return "it is on a read-only file system"
    effective = os.access in os.supports_effective_ids
    if real.exists() and not os.access(real, os.W_OK, effective_ids=effective):
        return "the file is read-only"
    # WAL mode needs to create the -wal and -shm files beside the store.
    if not os.access(folder, os.W_OK | os.X_OK, effective_ids=effective):
        return f"its folder {folder} is not writable"
    return None


def _create_private(real: Path) -> None:
    """Create the database file readable by its owner only (it holds personal data).

    `real` is the resolved path, so a store reached through a dangling symlink is created at
    the link's target with mode 0600 too; a folder srm creates for it is 0700. Modes are set
    explicitly: a umask of 000 leaves them the same.
    """
    if real.exists():
        if real.is_dir():
            raise StoreError(f"{real} is a directory, not a database file")
        return
    try:
        make_private_dirs(real.parent)
        fd = os.open(real, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.fchmod(fd, 0o600)
        finally:
            os.close(fd)
    except FileExistsError:
        pass
    except OSError as e:
        raise StoreError(f"can't create the database at {real}: {e.strerror}") from None


def make_private_dirs(folder: Path) -> None:
    """Create `folder` and any missing parents, each 0700 whatever the umask."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for d in reversed(missing):
        with suppress(FileExistsError):
            os.mkdir(d, 0o700)
            os.chmod(d, 0o700)
