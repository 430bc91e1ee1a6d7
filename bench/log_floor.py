"""The least any `srm log` on typer could do: the floor under the `srm log` goal row.

Python, typer imported (srm's CLI framework, which the issue keeps), sqlite3, the store opened
as srm opens it (WAL, synchronous=FULL, foreign keys), one interaction and its link inserted
under the store's own triggers (search index, undo, kept figures) and committed. No parsing,
no validation, no contact lookup by name, no check-in state, no undo record, no output.

    python bench/log_floor.py STORE CONTACT_HANDLE
"""

import sqlite3
import sys
import uuid

import typer  # noqa: F401  (imported for its cost: srm's CLI framework)


def main(path: str, handle: str) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in ("busy_timeout = 5000", "foreign_keys = ON", "synchronous = FULL"):
        conn.execute(f"PRAGMA {pragma}")
    conn.execute("BEGIN IMMEDIATE")
    (cid,) = conn.execute("SELECT id FROM contact WHERE handle = ?", (handle,)).fetchone()
    iid = conn.execute(
        "INSERT INTO interaction (uuid, occurred_on, channel, kind, sentiment, summary, note,"
        " created_at) VALUES (?, '2026-11-24', 'meeting', 'checkin', 'neutral', 'bench', '',"
        " '2026-11-24T00:00:00+00:00')",
        (str(uuid.uuid4()),),
    ).lastrowid
    conn.execute(
        "INSERT INTO interaction_contact (interaction_id, contact_id, occurred_on)"
        " VALUES (?, ?, '2026-11-24')",
        (iid, cid),
    )
    conn.execute("COMMIT")


if __name__ == "__main__":
    main(*sys.argv[1:3])
