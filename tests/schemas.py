"""Stores as earlier srm versions left them, for the migration tests.

`store_at` replays the frozen migration steps 1..k, so every step appended later is covered
without new fixtures. `fill` writes records with the columns of schema 1 (a step that adds a
NOT NULL column without a default must extend it); `snapshot` reads every row of every table.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from srm.store import migrations

NOW = "2025-06-01T09:00:00+00:00"


def store_at(path: Path, version: int) -> sqlite3.Connection:
    """A store at schema `version`, made by the steps srm shipped, each recorded as srm does."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA foreign_keys = ON")
    for number in range(1, version + 1):
        conn.execute("BEGIN IMMEDIATE")
        migrations.apply(conn, number)
        conn.execute("COMMIT")
    return conn


def fill(conn: sqlite3.Connection) -> None:
    """Records in every table of schema 1, linked to each other as srm links them."""
    rows = {
        "segment": [
            ("seg-club", "club", "monthly", 2.0, "A custom segment", NOW),
        ],
        "contact": [
            (
                "c-ann", "ann", "Ann Lee", "ann@example.org", "+44 1", "Kumo", "Ops", "CTO",
                "monthly", "2025-01-01", "2024-12-01", "likes tea", None, None, NOW, NOW,
            ),
            (
                "c-bob", "bob", "Bob Stone", None, None, None, None, None,
                None, "2025-02-01", None, "", "2025-07-01", "2025-05-01T00:00:00+00:00", NOW, NOW,
            ),
        ],
    }  # fmt: skip
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        "INSERT INTO segment (uuid, name, cadence, weight, description, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        rows["segment"],
    )
    conn.executemany(
        "INSERT INTO contact (uuid, handle, name, email, phone, org, team, role, cadence, since,"
        " connected_on, note, snoozed_until, archived_at, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows["contact"],
    )
    ann, bob = (
        conn.execute("SELECT id FROM contact WHERE handle = ?", (h,)).fetchone()[0]
        for h in ("ann", "bob")
    )
    club = conn.execute("SELECT id FROM segment WHERE name = 'club'").fetchone()[0]
    partners = conn.execute("SELECT id FROM segment WHERE name = 'partners'").fetchone()[0]
    conn.executemany(
        "INSERT INTO contact_segment (contact_id, segment_id) VALUES (?, ?)",
        [(ann, club), (ann, partners), (bob, club)],
    )
    conn.executemany(
        "INSERT INTO contact_tag (contact_id, tag) VALUES (?, ?)", [(ann, "vip"), (bob, "board")]
    )
    idea = conn.execute(
        "INSERT INTO idea (uuid, contact_id, segment_id, text, status, created_on, closed_on)"
        " VALUES ('i-1', ?, NULL, 'intro to a speaker', 'delivered', '2025-03-01', '2025-03-05')",
        (ann,),
    ).lastrowid
    conn.execute(
        "INSERT INTO idea (uuid, contact_id, segment_id, text, status, created_on)"
        " VALUES ('i-2', NULL, ?, 'share the survey', 'open', '2025-03-02')",
        (club,),
    )
    shared = conn.execute(
        "INSERT INTO interaction (uuid, occurred_on, channel, kind, sentiment, summary, note,"
        " idea_id, created_at) VALUES ('x-1', '2025-03-05', 'meeting', 'give', 'positive',"
        " 'introduced the speaker', 'went well', ?, ?)",
        (idea, NOW),
    ).lastrowid
    alone = conn.execute(
        "INSERT INTO interaction (uuid, occurred_on, channel, kind, sentiment, summary, note,"
        " idea_id, created_at) VALUES ('x-2', '2025-04-01', 'phone', 'ask', 'negative',"
        " 'asked for a quote', '', NULL, ?)",
        (NOW,),
    ).lastrowid
    conn.executemany(
        "INSERT INTO interaction_contact (interaction_id, contact_id, occurred_on)"
        " VALUES (?, ?, ?)",
        [(shared, ann, "2025-03-05"), (shared, bob, "2025-03-05"), (alone, bob, "2025-04-01")],
    )
    conn.execute(
        "INSERT INTO followup (uuid, contact_id, interaction_id, text, due_on, status,"
        " created_on, closed_on) VALUES ('f-1', ?, ?, 'send slides', '2025-03-12', 'done',"
        " '2025-03-05', '2025-03-10')",
        (ann, shared),
    )
    goal = conn.execute(
        "INSERT INTO goal (uuid, contact_id, text, status, recorded_on, closed_on)"
        " VALUES ('g-1', ?, 'grow retention', 'active', '2025-02-01', NULL)",
        (ann,),
    ).lastrowid
    conn.execute(
        "INSERT INTO goal_confirmation (uuid, goal_id, confirmed_on) VALUES ('gc-1', ?, ?)",
        (goal, "2025-04-01"),
    )
    conn.execute(
        "INSERT INTO stage_change (uuid, contact_id, from_stage, stage, changed_on)"
        " VALUES ('s-1', ?, 'know', 'like', '2025-03-05')",
        (ann,),
    )
    conn.execute(
        "INSERT INTO important_date (uuid, contact_id, label, year, month, day)"
        " VALUES ('d-1', ?, 'birthday', NULL, 2, 29)",
        (ann,),
    )
    conn.execute("COMMIT")


def snapshot(conn: sqlite3.Connection) -> dict[str, list[dict]]:
    """Every row of every ordinary table (no virtual or shadow tables), in a stable order."""
    tables = [
        r[1]
        for r in conn.execute("PRAGMA table_list")
        if r[0] == "main" and r[2] == "table" and not r[1].startswith("sqlite_")
    ]
    out = {}
    for t in sorted(tables):
        cur = conn.execute(f'SELECT * FROM "{t}"')
        names = [d[0] for d in cur.description]
        out[t] = sorted((dict(zip(names, r, strict=True)) for r in cur), key=repr)
    return out
