"""Read a test's store directly, on either engine: every record, or how many each table holds."""

from __future__ import annotations

import os
import sqlite3

from srm.paths import is_url
from srm.store.undo import tracked_tables


def connect(path: str | None = None):
    """A connection to the test's store from outside srm, as another program would open it
    (sqlite3, or the PostgreSQL adapter in autocommit: `commit()` is then a no-op)."""
    target = str(path or os.environ["SRM_DB"])
    if is_url(target):
        from srm.store.postgres import connect as pg

        return pg(target)
    return sqlite3.connect(target)


def _connect(path: str | None):
    target = str(path or os.environ["SRM_DB"])
    if is_url(target):
        return connect(target)
    return sqlite3.connect(f"file:{target}?mode=ro", uri=True)


def dump(path: str | None = None) -> dict[str, list[tuple]]:
    """Every record of every tracked table, in key order: the state undo must give back."""
    conn = _connect(path)
    try:
        return {
            t: conn.execute(f'SELECT * FROM "{t}" ORDER BY 1, 2').fetchall()
            for t in tracked_tables(conn)
        }
    finally:
        conn.close()


def counts(path: str | None = None) -> dict[str, int]:
    """Rows per tracked table."""
    return {t: len(rows) for t, rows in dump(path).items()}


def search_ok(path: str | None = None) -> None:
    """Raises unless the full-text index agrees with its tables (FTS5 integrity-check; on
    PostgreSQL, its rows against what the sources hold)."""
    conn = connect(path)
    try:
        if not is_url(str(path or os.environ["SRM_DB"])):
            conn.execute("INSERT INTO search_index (search_index) VALUES ('integrity-check')")
            return
        from srm.store.migrations import SEARCH_SOURCES

        expected = set()
        for kind, table, title, body in SEARCH_SOURCES:
            text = body or "''"
            sql = f"SELECT id * 8 + {kind}, {title}, {text} FROM {table}"
            expected |= {tuple(r) for r in conn.execute(sql)}
        have = {tuple(r) for r in conn.execute("SELECT id, title, body FROM search_index")}
        assert have == expected, (have - expected, expected - have)
    finally:
        conn.close()


def pointing_at(conn, parent: str) -> set[str]:
    """The tables with a foreign key to `parent`."""
    from srm.store.dialect import dialect_of

    if dialect_of(conn).name == "postgresql":
        return {
            r[0]
            for r in conn.execute(
                "SELECT conrelid::regclass::text FROM pg_constraint WHERE contype = 'f'"
                " AND confrelid = to_regclass(?)",
                (parent,),
            )
        }
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {
        t
        for t in tables
        for fk in conn.execute(f'PRAGMA foreign_key_list("{t}")')
        if fk[2] == parent
    }


def everything(path: str | None = None) -> list:
    """Every row of every table, the bookkeeping too: what a read must leave as it was."""
    conn = connect(path)
    try:
        if hasattr(conn, "iterdump"):
            return list(conn.iterdump())
        from srm.store.dialect import dialect_of

        return [
            (t, [tuple(r) for r in conn.execute(f'SELECT * FROM "{t}" ORDER BY 1')])
            for t in sorted(dialect_of(conn).tables(conn))
        ]
    finally:
        conn.close()


def stored_bytes(path: str | None = None) -> bytes:
    """Everything the store holds, to search for text that must not be there: the file and its
    -wal/-shm as bytes; on a server, every row of every table (the server's own files and log
    are its administrator's: README, Team mode)."""
    from pathlib import Path

    target = str(path or os.environ["SRM_DB"])
    if is_url(target):
        return repr(everything(target)).encode()
    return b"".join(
        Path(target + s).read_bytes() for s in ("", "-wal", "-shm") if Path(target + s).exists()
    )
