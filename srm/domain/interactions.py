"""Interactions: what happened with whom, on which channel; logging one resets their cadence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from srm.config import Config
from srm.domain.common import new_uuid, note_text, now_utc, one_line
from srm.domain.contacts import Contact
from srm.errors import NotFound, UsageError
from srm.store.db import Store

KINDS = ("checkin", "ask", "give")
SENTIMENTS = ("positive", "neutral", "negative")
FOLLOW_UP_DAYS = 7


@dataclass
class Logged:
    interaction_id: int
    uuid: str
    occurred_on: date
    channel: str
    kind: str
    sentiment: str
    summary: str
    contacts: list[Contact]
    followup_id: int | None
    followup_due: date | None
    idea_id: int | None


def check_channel(config: Config, channel: str) -> str:
    ch = channel.strip().lower()
    if ch not in config.all_channels:
        raise UsageError(
            f"unknown channel {channel!r}: use one of {', '.join(config.all_channels)}"
        )
    return ch


def log(
    store: Store,
    config: Config,
    contacts: list[Contact],
    summary: str,
    *,
    on: date,
    channel: str = "meeting",
    kind: str = "checkin",
    sentiment: str = "neutral",
    note: str = "",
    follow_up: str | None = None,
    follow_up_on: date | None = None,
    idea_id: int | None = None,
) -> Logged:
    """Record one interaction linked to each contact; optionally a follow-up and a delivered idea.

    Logging clears each contact's snooze: the relationship was touched.
    """
    summary = one_line(summary, "the summary")
    note = note_text(note)
    if follow_up is not None:
        follow_up = one_line(follow_up, "the follow-up")
    if not summary:
        raise UsageError("say what the interaction was about (a short summary)")
    ch = check_channel(config, channel)
    if kind not in KINDS:
        raise UsageError(f"unknown kind {kind!r}: use one of {', '.join(KINDS)}")
    if sentiment not in SENTIMENTS:
        raise UsageError(f"unknown sentiment {sentiment!r}: use one of {', '.join(SENTIMENTS)}")
    if follow_up is not None and not follow_up:
        raise UsageError("a follow-up needs a text saying what you promised")
    if follow_up is None and follow_up_on is not None:
        raise UsageError("--follow-up-on needs --follow-up TEXT")
    due = None
    if follow_up is not None:
        due = follow_up_on or on + timedelta(days=FOLLOW_UP_DAYS)
        if due < on:
            raise UsageError(f"the follow-up date {due} is before the interaction ({on})")
    uid = new_uuid()
    with store.write() as conn:
        if idea_id is not None:
            kind = _idea_give(conn, idea_id, kind, contacts)
        cur = conn.execute(
            "INSERT INTO interaction (uuid, occurred_on, channel, kind, sentiment, summary, note,"
            " idea_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (uid, on.isoformat(), ch, kind, sentiment, summary, note, idea_id, now_utc()),
        )
        iid = cur.lastrowid
        conn.executemany(
            "INSERT INTO interaction_contact (interaction_id, contact_id, occurred_on) VALUES (?, ?, ?)",
            [(iid, c.id, on.isoformat()) for c in contacts],
        )
        conn.executemany(
            "UPDATE contact SET snoozed_until = NULL WHERE id = ? AND snoozed_until IS NOT NULL",
            [(c.id,) for c in contacts],
        )
        fid = None
        if follow_up is not None:
            # One promise, one follow-up: it belongs to the first contact named.
            fid = conn.execute(
                "INSERT INTO followup (uuid, contact_id, interaction_id, text, due_on, status,"
                " created_on) VALUES (?, ?, ?, ?, ?, 'open', ?)",
                (
                    new_uuid(),
                    contacts[0].id,
                    iid,
                    follow_up,
                    due.isoformat(),
                    on.isoformat(),
                ),
            ).lastrowid
        if idea_id is not None:
            conn.execute(
                "UPDATE idea SET status = 'delivered', closed_on = ? WHERE id = ?",
                (on.isoformat(), idea_id),
            )
    return Logged(iid, uid, on, ch, kind, sentiment, summary, contacts, fid, due, idea_id)


def _idea_give(conn, idea_id: int, kind: str, contacts: list[Contact]) -> str:
    """Check that an idea can be delivered in this interaction; delivering one is a give."""
    row = conn.execute(
        "SELECT i.status, i.contact_id, c.name FROM idea i LEFT JOIN contact c"
        " ON c.id = i.contact_id WHERE i.id = ?",
        (idea_id,),
    ).fetchone()
    if row is None:
        raise NotFound(f"no idea with id {idea_id} (srm ideas lists them)")
    if row["status"] != "open":
        raise UsageError(f"idea {idea_id} is already {row['status']}")
    if kind == "ask":
        raise UsageError("--idea logs a give (something for them); leave out --ask")
    if row["contact_id"] is not None and row["contact_id"] not in {c.id for c in contacts}:
        raise UsageError(f"idea {idea_id} is for {row['name']}: log it with them")
    return "give"


def timeline(store: Store, contact_id: int, limit: int | None) -> tuple[list[dict], int]:
    """A contact's interactions, newest first, and how many there are in all."""
    total = store.conn.execute(
        "SELECT count(*) FROM interaction_contact WHERE contact_id = ?", (contact_id,)
    ).fetchone()[0]
    sql = (
        "SELECT i.id, i.uuid, i.occurred_on, i.channel, i.kind, i.sentiment, i.summary, i.note,"
        " (SELECT group_concat(c.handle, ',') FROM interaction_contact x JOIN contact c"
        "   ON c.id = x.contact_id WHERE x.interaction_id = i.id AND x.contact_id != :cid) AS others"
        " FROM interaction_contact ic JOIN interaction i ON i.id = ic.interaction_id"
        " WHERE ic.contact_id = :cid ORDER BY ic.occurred_on DESC, i.id DESC"
    )
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    rows = store.conn.execute(sql, {"cid": contact_id}).fetchall()
    items = [
        {
            "id": r["id"],
            "uuid": r["uuid"],
            "date": r["occurred_on"],
            "channel": r["channel"],
            "kind": r["kind"],
            "sentiment": r["sentiment"],
            "summary": r["summary"],
            "note": r["note"],
            "with": r["others"].split(",") if r["others"] else [],
        }
        for r in rows
    ]
    return items, total


def last_details(store: Store, contact_ids: list[int], on: date) -> dict[int, dict]:
    """The latest interaction (date, channel, sentiment) of each given contact, up to `on`.

    One statement: an index seek per contact on (contact_id, occurred_on), then a row lookup.
    """
    import json

    sql = """
    WITH ids(cid) AS (SELECT value FROM json_each(?)),
    latest(cid, iid) AS (
        SELECT cid, (SELECT ic.interaction_id FROM interaction_contact ic
                      WHERE ic.contact_id = ids.cid AND ic.occurred_on <= ?
                      ORDER BY ic.occurred_on DESC, ic.interaction_id DESC LIMIT 1)
        FROM ids
    )
    SELECT l.cid, i.occurred_on, i.channel, i.sentiment, i.summary
    FROM latest l JOIN interaction i ON i.id = l.iid
    """
    return {
        cid: {"date": d, "channel": ch, "sentiment": se, "summary": su}
        for cid, d, ch, se, su in store.conn.execute(sql, (json.dumps(contact_ids), on.isoformat()))
    }
