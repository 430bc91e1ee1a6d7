"""Interactions: what happened with whom, on which channel; logging one resets their cadence."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from srm.config import Config
from srm.domain.common import new_uuid, note_text, now_utc, one_line, update_row
from srm.errors import NotFound, UsageError
from srm.store.db import Store

if TYPE_CHECKING:
    from srm.domain.contacts import Contact

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


def check_sentiment(sentiment: str) -> str:
    s = sentiment.strip().lower()
    if s not in SENTIMENTS:
        raise UsageError(f"unknown sentiment {sentiment!r}: use one of {', '.join(SENTIMENTS)}")
    return s


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
    check_sentiment(sentiment)
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
            kind = _idea_give(conn, idea_id, kind, contacts, on)
        cur = conn.execute(
            "INSERT INTO interaction (uuid, occurred_on, channel, kind, sentiment, summary, note,"
            " idea_id, created_at, logged_by_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                uid,
                on.isoformat(),
                ch,
                kind,
                sentiment,
                summary,
                note,
                idea_id,
                now_utc(),
                store.member_id,
            ),
        )
        iid = cur.lastrowid
        # Nothing is read from these two (a failure fails the write all the same): on a
        # server they go with the next statement.
        defer = store.dialect.defer_many
        defer(
            conn,
            "INSERT INTO interaction_contact (interaction_id, contact_id, occurred_on) VALUES (?, ?, ?)",
            [(iid, c.id, on.isoformat()) for c in contacts],
        )
        defer(
            conn,
            "UPDATE contact SET snoozed_until = NULL WHERE id = ? AND snoozed_until IS NOT NULL",
            [(c.id,) for c in contacts],
        )
        fid = None
        if follow_up is not None:
            # One promise, one follow-up: it belongs to the first contact named.
            fid = conn.execute(
                "INSERT INTO followup (uuid, contact_id, interaction_id, text, due_on, status,"
                " created_on, made_by_id) VALUES (?, ?, ?, ?, ?, 'open', ?, ?)",
                (
                    new_uuid(),
                    contacts[0].id,
                    iid,
                    follow_up,
                    due.isoformat(),
                    on.isoformat(),
                    store.member_id,
                ),
            ).lastrowid
        if idea_id is not None:
            conn.execute(
                "UPDATE idea SET status = 'delivered', closed_on = ? WHERE id = ?",
                (on.isoformat(), idea_id),
            )
    return Logged(iid, uid, on, ch, kind, sentiment, summary, contacts, fid, due, idea_id)


def _idea_give(conn, idea_id: int, kind: str, contacts: list[Contact], on: date) -> str:
    """Check that an idea can be delivered in this interaction; delivering one is a give."""
    row = conn.execute(
        "SELECT i.status, i.contact_id, i.segment_id, i.created_on, c.name, s.name AS segment"
        " FROM idea i LEFT JOIN contact c ON c.id = i.contact_id"
        " LEFT JOIN segment s ON s.id = i.segment_id WHERE i.id = ?",
        (idea_id,),
    ).fetchone()
    if row is None:
        raise NotFound(f"no idea with id {idea_id} (srm ideas lists them)")
    if row["status"] != "open":
        raise UsageError(f"idea {idea_id} is already {row['status']}")
    if kind == "ask":
        raise UsageError("--idea logs a give (something for them); leave out --ask")
    ids = [c.id for c in contacts]
    if row["contact_id"] is not None and row["contact_id"] not in ids:
        raise UsageError(f"idea {idea_id} is for {row['name']}: log it with them")
    if row["segment_id"] is not None:
        marks = ",".join("?" * len(ids))
        member = conn.execute(
            f"SELECT 1 FROM contact_segment WHERE segment_id = ? AND contact_id IN ({marks})",
            (row["segment_id"], *ids),
        ).fetchone()
        if member is None:
            raise UsageError(
                f"idea {idea_id} is for the {row['segment']} segment, and nobody in this"
                f" interaction is in it (srm edit CONTACT --segment {row['segment']} adds them)"
            )
    if on.isoformat() < row["created_on"]:
        raise UsageError(f"idea {idea_id} was only noted on {row['created_on']}; use a later date")
    return "give"


_ITEM = """
SELECT i.id, i.uuid, i.occurred_on, i.channel, i.kind, i.sentiment, i.summary, i.note, i.idea_id,
       i.logged_by_id,
       i.captured,
       (SELECT {people}
          FROM interaction_contact x JOIN contact c ON c.id = x.contact_id
         WHERE x.interaction_id = i.id) AS people
"""


def _item_sql(store: Store) -> str:
    return _ITEM.format(
        people=store.dialect.json_rows(
            "'id', c.id, 'uuid', c.uuid, 'handle', c.handle, 'name', c.name"
        )
    )


def _item(r, team: dict[int, dict], exclude: int | None = None) -> dict:
    """An interaction as JSON; `team` maps member ids to their short form (srm.domain.team)."""
    people = sorted(json.loads(r["people"]), key=lambda p: (p["name"].casefold(), p["id"]))
    item = {
        "id": r["id"],
        "uuid": r["uuid"],
        "date": r["occurred_on"],
        "channel": r["channel"],
        "kind": r["kind"],
        "sentiment": r["sentiment"],
        "summary": r["summary"],
        "note": r["note"],
        "idea_id": r["idea_id"],
        "captured": r["captured"],  # 'calendar' or 'mail' when srm capture logged it
        "contacts": people,
        "logged_by": team.get(r["logged_by_id"]),
    }
    if exclude is not None:  # a contact's own timeline names only the others
        item["with"] = [p["handle"] for p in people if p["id"] != exclude]
    return item


def timeline(store: Store, contact_id: int, limit: int | None) -> tuple[list[dict], int]:
    """A contact's interactions, newest first, and how many there are in all."""
    total = store.conn.execute(
        "SELECT count(*) FROM interaction_contact WHERE contact_id = ?", (contact_id,)
    ).fetchone()[0]
    return list(history(store, contact_id=contact_id, limit=limit)), total


@dataclass
class Filter:
    """Which interactions `srm timeline` lists: a date range, a contact, a segment, a channel."""

    since: date | None = None
    until: date | None = None
    contact_id: int | None = None
    segment_id: int | None = None
    channel: str | None = None

    def sql(self) -> tuple[str, list]:
        where, params = [], []
        if self.contact_id is not None:
            # Driven by the (contact_id, occurred_on) index: a contact's rows only.
            where.append("ic.contact_id = ?")
            params.append(self.contact_id)
        if self.since is not None:
            where.append(f"{self.date_column} >= ?")
            params.append(self.since.isoformat())
        if self.until is not None:
            where.append(f"{self.date_column} <= ?")
            params.append(self.until.isoformat())
        if self.channel is not None:
            where.append("i.channel = ?")
            params.append(self.channel)
        if self.segment_id is not None:
            where.append(
                "i.id IN (SELECT s.interaction_id FROM interaction_contact s JOIN contact_segment cs"
                " ON cs.contact_id = s.contact_id WHERE cs.segment_id = ?)"
            )
            params.append(self.segment_id)
        return (" WHERE " + " AND ".join(where) if where else ""), params

    @property
    def date_column(self) -> str:
        return "ic.occurred_on" if self.contact_id is not None else "i.occurred_on"

    def source(self) -> str:
        if self.contact_id is not None:
            return " FROM interaction_contact ic JOIN interaction i ON i.id = ic.interaction_id"
        return " FROM interaction i"


def history(
    store: Store, *, limit: int | None = None, contact_id: int | None = None, **filters
) -> Iterator[dict]:
    """Interactions newest first (same day: the one logged last first), as they are read."""
    f = Filter(contact_id=contact_id, **filters)
    where, params = f.sql()
    sql = _item_sql(store) + f.source() + where + f" ORDER BY {f.date_column} DESC, i.id DESC"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    members = _members(store)
    for r in store.conn.execute(sql, params):
        yield _item(r, members, exclude=contact_id)


def count(store: Store, **filters) -> int:
    f = Filter(**filters)
    where, params = f.sql()
    return store.conn.execute("SELECT count(*)" + f.source() + where, params).fetchone()[0]


def get(store: Store, interaction_id: int) -> dict:
    row = store.conn.execute(
        _item_sql(store) + " FROM interaction i WHERE i.id = ?", (interaction_id,)
    )
    row = row.fetchone()
    if row is None:
        raise NotFound(f"no interaction with id {interaction_id} (srm timeline lists them)")
    return _item(row, _members(store))


def _members(store: Store) -> dict[int, dict]:
    from srm.domain import team

    return team.refs(store)


def edit(
    store: Store,
    config: Config,
    interaction_id: int,
    *,
    on: date | None = None,
    channel: str | None = None,
    kind: str | None = None,
    sentiment: str | None = None,
    summary: str | None = None,
    note: str | None = None,
    add: list[Contact] = (),  # type: ignore[assignment]
    remove: list[Contact] = (),  # type: ignore[assignment]
) -> dict:
    """Correct an interaction; every figure derived from it (next check-in, repairs, the
    ledger, the report) follows at once, since they are computed from the history."""
    changes: dict[str, object] = {}
    if on is not None:
        changes["occurred_on"] = on.isoformat()
    if channel is not None:
        changes["channel"] = check_channel(config, channel)
    if kind is not None:
        if kind not in KINDS:
            raise UsageError(f"unknown kind {kind!r}: use one of {', '.join(KINDS)}")
        changes["kind"] = kind
    if sentiment is not None:
        changes["sentiment"] = check_sentiment(sentiment)
    if summary is not None:
        summary = one_line(summary, "the summary")
        if not summary:
            raise UsageError("an interaction needs a summary")
        changes["summary"] = summary
    if note is not None:
        changes["note"] = note_text(note)
    if not changes and not add and not remove:
        raise UsageError(
            "nothing to change: give --on, --channel, --summary, --note … (see --help)"
        )
    overlap = {c.id for c in add} & {c.id for c in remove}
    if overlap:
        raise UsageError("a contact can't be both added to and removed from an interaction")
    with store.write() as conn:
        current = get(store, interaction_id)
        if current["idea_id"] is not None and changes.get("kind", "give") != "give":
            raise UsageError(
                f"interaction {interaction_id} delivered idea #{current['idea_id']}: it stays a"
                " give (remove it with srm interaction rm to take the delivery back)"
            )
        if "occurred_on" in changes and current["idea_id"] is not None:
            _check_idea_date(conn, current["idea_id"], on)
        if changes:
            update_row(conn, "interaction", interaction_id, changes)
        if "occurred_on" in changes:
            conn.execute(
                "UPDATE interaction_contact SET occurred_on = ? WHERE interaction_id = ?",
                (changes["occurred_on"], interaction_id),
            )
        day = changes.get("occurred_on", current["date"])
        conn.executemany(
            "INSERT INTO interaction_contact (interaction_id, contact_id, occurred_on)"
            " VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            [(interaction_id, c.id, day) for c in add],
        )
        conn.executemany(
            "DELETE FROM interaction_contact WHERE interaction_id = ? AND contact_id = ?",
            [(interaction_id, c.id) for c in remove],
        )
        left = conn.execute(
            "SELECT count(*) FROM interaction_contact WHERE interaction_id = ?", (interaction_id,)
        ).fetchone()[0]
        if left == 0:
            raise UsageError(
                "an interaction needs at least one contact (srm interaction rm removes it)"
            )
    return get(store, interaction_id)


def _check_idea_date(conn, idea_id: int, on: date) -> None:
    created = conn.execute("SELECT created_on FROM idea WHERE id = ?", (idea_id,)).fetchone()
    if created and on.isoformat() < created[0]:
        raise UsageError(
            f"it delivered idea #{idea_id}, noted on {created[0]}: the date can't be earlier"
        )


def remove(store: Store, interaction_id: int) -> dict:
    """Delete an interaction. An idea it delivered is open again; its follow-ups stay."""
    with store.write() as conn:
        item = get(store, interaction_id)
        item["followups"] = [
            {"id": r[0], "text": r[1], "status": r[2]}
            for r in conn.execute(
                "SELECT id, text, status FROM followup WHERE interaction_id = ? ORDER BY id",
                (interaction_id,),
            )
        ]
        conn.execute("DELETE FROM interaction WHERE id = ?", (interaction_id,))
        if item["idea_id"] is not None:
            still = conn.execute(
                "SELECT 1 FROM interaction WHERE idea_id = ? LIMIT 1", (item["idea_id"],)
            ).fetchone()
            if still is None:
                conn.execute(
                    "UPDATE idea SET status = 'open', closed_on = NULL"
                    " WHERE id = ? AND status = 'delivered'",
                    (item["idea_id"],),
                )
    return item


def last_details(store: Store, contact_ids: list[int], on: date) -> dict[int, dict]:
    """The latest interaction (date, channel, sentiment) of each given contact, up to `on`.

    One statement: an index seek per contact on (contact_id, occurred_on), then a row lookup.
    """
    sql = """
    WITH ids(cid) AS (SELECT value FROM {ids}),
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
        for cid, d, ch, se, su in store.conn.execute(
            sql.format(ids=store.dialect.json_ids("?")), (json.dumps(contact_ids), on.isoformat())
        )
    }
