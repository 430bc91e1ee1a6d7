"""The SQLite store: one connection with safe pragmas, explicit write transactions, migrations."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from srm.errors import StoreError
from srm.store.migrations import MIGRATIONS, UNDO_SINCE, now_utc
from srm.store.undo import Journal, sync_triggers

BUSY_TIMEOUT_MS = 10_000


class Store:
    """An open srm database. Reads run in autocommit; every write goes through `write()`."""

    def __init__(self, path: Path, conn: sqlite3.Connection):
        self.path = path
        self.conn = conn
        # Set by the CLI to the command line: this process's writes then form one undo command.
        self.journal: Journal | None = None
        # Run inside every write transaction just before it commits, after the caller's changes
        # (the CLI keeps each contact's derived state current this way: srm.domain.state).
        self.before_commit: list[Callable[[Store], None]] = []

    def record_undo(self, label: str) -> None:
        """Record this process's writes as one command `srm undo` can revert."""
        self.journal = Journal(label)

    @classmethod
    def open(cls, path: Path) -> Store:
        path = Path(path)
        _create_private(path)
        try:
            # isolation_level=None: the driver never opens transactions behind our back; we
            # issue BEGIN IMMEDIATE ourselves so concurrent writers queue instead of losing data.
            conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = FULL")
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
            if mode != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
        except sqlite3.DatabaseError as e:
            raise StoreError(
                f"{path}: can't open the database ({e}); is it an srm database?"
            ) from None
        store = cls(path, conn)
        store.migrate()
        return store

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def write(self, *, undoable: bool = True) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it lands, or none of it.

        With a journal (see `record_undo`) its changes join the process's undo command, unless
        `undoable=False` (erasure, undo itself).
        """
        journal = self.journal if undoable else None
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            if journal is not None:
                journal.begin(self.conn, now_utc())
            yield self.conn
            for hook in self.before_commit:
                hook(self)
            if journal is not None:
                journal.end(self.conn)
        except BaseException:
            self.conn.execute("ROLLBACK")
            if journal is not None:
                journal.rolled_back()
            raise
        self.conn.execute("COMMIT")

    @contextmanager
    def memory_mapped(self, size: int = 1 << 30) -> Iterator[None]:
        """Read the file through a memory map (up to `size` bytes) for a while, then as before.

        For long read-only passes such as reports; the mapped pages are the OS cache's, shared.
        """
        before = self.conn.execute("PRAGMA mmap_size").fetchone()[0]
        self.conn.execute(f"PRAGMA mmap_size = {int(size)}")
        try:
            yield
        finally:
            self.conn.execute(f"PRAGMA mmap_size = {int(before)}")

    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def migrate(self) -> None:
        """Apply pending migrations; refuse a database written by a newer srm."""
        known = len(MIGRATIONS)
        try:
            version = self.schema_version()
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{self.path}: not an srm database ({e})") from None
        if version == known:
            return
        if version > known:
            raise StoreError(
                f"{self.path} was written by a newer srm (schema {version}, this srm knows "
                f"{known}); upgrade srm (pip install --upgrade srm) to use it"
            )
        for number, (name, step) in enumerate(MIGRATIONS, start=1):
            if number <= version:
                continue
            with self.write() as conn:
                # Another process may have migrated while we waited for the lock.
                if conn.execute("PRAGMA user_version").fetchone()[0] >= number:
                    continue
                step(conn)
                conn.execute(
                    "INSERT INTO schema_migration (version, name, applied_at) VALUES (?, ?, ?)",
                    (number, name, now_utc()),
                )
                if number >= UNDO_SINCE:
                    # Tables a step added or changed get their undo triggers in the same step.
                    sync_triggers(conn)
                conn.execute(f"PRAGMA user_version = {number}")


def _create_private(path: Path) -> None:
    """Create the database file readable by its owner only (it holds personal data)."""
    if path.exists():
        if path.is_dir():
            raise StoreError(f"{path} is a directory, not a database file")
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
    except FileExistsError:
        pass
    except OSError as e:
        raise StoreError(f"can't create the database at {path}: {e.strerror}") from None
