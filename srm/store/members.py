"""Who is writing: the team member the config's `me` names, made a member on their first write."""

from __future__ import annotations

import sqlite3
import uuid


def ensure(conn: sqlite3.Connection, name: str, email: str, now: str) -> tuple[int, bool]:
    """The id of the member with this address, added (or renamed, when `me` now names them
    otherwise) inside the caller's write transaction, and whether they were added now."""
    row = conn.execute("SELECT id, name FROM member WHERE email = ?", (email,)).fetchone()
    if row is None:
        added = conn.execute(
            "INSERT INTO member (uuid, name, email, created_at) VALUES (?, ?, ?, ?)",
            (str(uuid.uuid4()), name, email, now),
        ).lastrowid
        return added, True
    if row[1] != name:
        conn.execute("UPDATE member SET name = ? WHERE id = ?", (name, row[0]))
    return row[0], False


def find(conn: sqlite3.Connection, email: str) -> int | None:
    """The member with this address, if they have written to the store (reads never add one)."""
    row = conn.execute("SELECT id FROM member WHERE email = ?", (email,)).fetchone()
    return row[0] if row else None
