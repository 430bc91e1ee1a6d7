"""Read a test's store directly: every record, or how many each table holds."""

from __future__ import annotations

import os
import sqlite3

from srm.store.undo import tracked_tables


def _connect(path: str | None) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path or os.environ['SRM_DB']}?mode=ro", uri=True)


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
    """Raises unless the full-text index agrees with its tables (FTS5 integrity-check)."""
    conn = sqlite3.connect(path or os.environ["SRM_DB"])
    try:
        conn.execute("INSERT INTO search_index (search_index) VALUES ('integrity-check')")
    finally:
        conn.close()
