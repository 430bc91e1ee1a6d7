"""Duplicate contacts: find the likely pairs, merge one contact into another, or record that
two are different people (`srm distinct`) so they are not paired again."""

from __future__ import annotations

import re
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from srm.domain import contacts as dc
from srm.domain import details as dd
from srm.domain.common import new_uuid, now_utc
from srm.errors import UsageError
from srm.store.db import Store

# What a merge does with each table that points at a contact. Deleting the merged contact
# cascades to whatever still points at it, so every such table must be here: a test compares
# this with the schema's foreign keys.
MOVED_TABLES = {
    "interaction_contact": "moved; an interaction both were in keeps one link",
    "followup": "moved",
    "idea": "moved",
    "goal": "moved, with its confirmations",
    "important_date": "moved; one with the same label and day as the kept contact's is kept once",
    "stage_change": "moved and put in date order; a change to the stage already current goes",
    "contact_segment": "union",
    "contact_tag": "union",
    "handoff": "moved: the hand-offs of both, in one history",
    "contact_detail": "union: emails, phones, web pages and profiles the kept contact lacks join"
    " it; its preferred ones stay preferred",
    "contact_address": "union, as contact_detail",
    "capture_source": "moved; a calendar event or mail thread both had is kept once",
    "contact_state": "recomputed from the merged records when the merge commits",
    "contact_month": "recomputed from the moved links when the merge commits (report summary)",
    "distinct_pair": "moved: whoever OTHER was different from, KEEP is too; their own pair goes",
}
# Fields the kept contact takes from the other when its own is empty. (Emails and phones are
# not among them: the other's join the kept contact's.)
FILLED = ("org", "team", "role", "cadence", "note", "connected_on", "nickname")
# The `srm edit` option that sets a field, for the conflicts shown.
EDIT_OPTIONS = {
    "name": "--name",
    "nickname": "--nickname",
    "org": "--org",
    "team": "--team",
    "role": "--role",
    "cadence": "--cadence",
    "note": "--note",
}


@dataclass
class Conflict:
    """A field both contacts have, differently: the kept contact's value stays."""

    field: str
    keep: str
    other: str

    def as_json(self) -> dict:
        return {"field": self.field, "keep": self.keep, "other": self.other}


@dataclass
class Plan:
    """What merging `other` into `keep` does, counted before it is done."""

    keep: dc.Contact
    other: dc.Contact
    interactions: int = 0  # links moved to keep
    shared: int = 0  # interactions both were in: keep's link stays, other's goes
    followups: int = 0
    ideas: int = 0
    goals: int = 0
    confirmations: int = 0
    dates: int = 0  # moved
    dates_kept_once: int = 0  # same label and day as one of keep's
    date_years: int = 0  # of those, keep's had no year and takes other's
    stages: int = 0  # moved
    stages_dropped: int = 0  # a change to the stage already current at its date
    handoffs: int = 0
    distinct_on: str | None = None  # the day they were said to be different people, if they were
    segments: list[str] = field(default_factory=list)  # new to keep
    tags: list[str] = field(default_factory=list)
    # emails, phones, urls, socials, addresses new to keep: {list name: [values]}
    details: dict[str, list[str]] = field(default_factory=dict)
    changes: dict[str, str | None] = field(default_factory=dict)  # keep's columns that change
    conflicts: list[Conflict] = field(default_factory=list)
    # Internal: the rows the write touches, decided when planning.
    _date_twins: list[tuple[int, int, int | None]] = field(default_factory=list, repr=False)
    _stage_chain: list[tuple[int, str | None]] = field(default_factory=list, repr=False)
    _stage_drops: list[int] = field(default_factory=list, repr=False)
    _lists: dict[str, list[dict]] = field(default_factory=dict, repr=False)

    def as_json(self) -> dict:
        return {
            "keep": self.keep.ref(),
            "other": self.other.ref(),
            "moved": {
                "interactions": self.interactions,
                "shared_interactions": self.shared,
                "followups": self.followups,
                "ideas": self.ideas,
                "goals": self.goals,
                "goal_confirmations": self.confirmations,
                "dates": self.dates,
                "dates_kept_once": self.dates_kept_once,
                "date_years_filled": self.date_years,
                "stage_changes": self.stages,
                "stage_changes_dropped": self.stages_dropped,
                "handoffs": self.handoffs,
                "segments": self.segments,
                "tags": self.tags,
                "details": self.details,
            },
            "filled": self.changes,
            "conflicts": [c.as_json() for c in self.conflicts],
            "marked_distinct_on": self.distinct_on,
        }


def plan(store: Store, keep: dc.Contact, other: dc.Contact) -> Plan:
    """What `merge` would do, changing nothing."""
    if keep.id == other.id:
        raise UsageError(f"{keep.name} (@{keep.handle}) is one contact: name two to merge")
    return _plan(store.conn, keep, other)


def merge(store: Store, keep: dc.Contact, other: dc.Contact) -> Plan:
    """Move everything of `other` to `keep`, fill keep's empty fields, delete `other`.

    One write transaction, so `srm undo` takes it back whole. Planned again inside it: what is
    done is what the store holds at that moment.
    """
    if keep.id == other.id:
        raise UsageError(f"{keep.name} (@{keep.handle}) is one contact: name two to merge")
    with store.write() as conn:
        keep, other = dc.get(store, keep.id), dc.get(store, other.id)
        p = _plan(conn, keep, other)
        k, o = keep.id, other.id
        conn.execute(
            "DELETE FROM interaction_contact WHERE contact_id = ? AND interaction_id IN"
            " (SELECT interaction_id FROM interaction_contact WHERE contact_id = ?)",
            (o, k),
        )
        conn.execute(
            "DELETE FROM capture_source WHERE contact_id = ? AND source IN"
            " (SELECT source FROM capture_source WHERE contact_id = ?)",
            (o, k),
        )
        for table in (
            "interaction_contact",
            "followup",
            "idea",
            "goal",
            "capture_source",
            "handoff",
        ):
            conn.execute(f"UPDATE {table} SET contact_id = ? WHERE contact_id = ?", (k, o))
        for keep_date, other_date, year in p._date_twins:
            conn.execute("DELETE FROM important_date WHERE id = ?", (other_date,))
            if year is not None:
                conn.execute("UPDATE important_date SET year = ? WHERE id = ?", (year, keep_date))
        conn.execute("UPDATE important_date SET contact_id = ? WHERE contact_id = ?", (k, o))
        conn.executemany("DELETE FROM stage_change WHERE id = ?", [(i,) for i in p._stage_drops])
        conn.execute("UPDATE stage_change SET contact_id = ? WHERE contact_id = ?", (k, o))
        conn.executemany(
            "UPDATE stage_change SET from_stage = ? WHERE id = ?",
            [(before, sid) for sid, before in p._stage_chain],
        )
        _move_distinct(conn, k, o)
        dd.write(conn, k, p._lists)
        for table, col in (("contact_segment", "segment_id"), ("contact_tag", "tag")):
            conn.execute(
                f"INSERT INTO {table} (contact_id, {col})"
                f" SELECT ?, {col} FROM {table} WHERE contact_id = ? ON CONFLICT DO NOTHING",
                (k, o),
            )
        changes = {**p.changes, "updated_at": now_utc()}
        sets = ", ".join(f"{c} = ?" for c in changes)
        conn.execute(f"UPDATE contact SET {sets} WHERE id = ?", (*changes.values(), k))
        conn.execute("DELETE FROM contact WHERE id = ?", (o,))
    return p


def _plan(conn: sqlite3.Connection, keep: dc.Contact, other: dc.Contact) -> Plan:
    k, o = keep.id, other.id
    p = Plan(keep, other)
    p.interactions, p.shared = conn.execute(
        "SELECT count(*), count(*) FILTER (WHERE interaction_id IN (SELECT interaction_id"
        " FROM interaction_contact WHERE contact_id = ?))"
        " FROM interaction_contact WHERE contact_id = ?",
        (k, o),
    ).fetchone()
    p.interactions -= p.shared
    p.followups = _count(conn, "SELECT count(*) FROM followup WHERE contact_id = ?", o)
    p.ideas = _count(conn, "SELECT count(*) FROM idea WHERE contact_id = ?", o)
    p.goals = _count(conn, "SELECT count(*) FROM goal WHERE contact_id = ?", o)
    p.handoffs = _count(conn, "SELECT count(*) FROM handoff WHERE contact_id = ?", o)
    row = conn.execute(
        "SELECT decided_on FROM distinct_pair WHERE contact_id = ? AND other_id = ?",
        (min(k, o), max(k, o)),
    ).fetchone()
    p.distinct_on = str(row[0]) if row else None
    p.confirmations = _count(
        conn,
        "SELECT count(*) FROM goal_confirmation WHERE goal_id IN"
        " (SELECT id FROM goal WHERE contact_id = ?)",
        o,
    )
    _plan_dates(conn, p)
    _plan_stages(conn, p)
    p.segments = [s for s in other.segments if s not in keep.segments]
    p.tags = [t for t in other.tags if t not in keep.tags]
    _plan_details(p)
    _plan_fields(p)
    return p


def _plan_details(p: Plan) -> None:
    """Other's emails, phones, web pages, profiles and addresses that keep doesn't have."""
    for kind, name in (*dd.LISTS.items(), ("address", dd.ADDRESSES)):
        mine = p.keep.details[name]
        joined = dd.union(kind, mine, p.other.details[name])
        if len(joined) == len(mine):
            continue
        p._lists[name] = joined
        shown = dd.one_line_address if kind == "address" else (lambda e: e["value"])
        p.details[name] = [shown(e) for e in joined[len(mine) :]]


def _count(conn: sqlite3.Connection, sql: str, contact_id: int) -> int:
    return conn.execute(sql, (contact_id,)).fetchone()[0]


def _plan_dates(conn: sqlite3.Connection, p: Plan) -> None:
    """A date of other's with the same label and day as one of keep's is one date, kept once."""
    mine: dict[tuple[str, int, int], tuple[int, int | None]] = {}
    for did, label, year, month, day in conn.execute(
        "SELECT id, label, year, month, day FROM important_date WHERE contact_id = ? ORDER BY id",
        (p.keep.id,),
    ):
        mine.setdefault((label.casefold(), month, day), (did, year))
    for did, label, year, month, day in conn.execute(
        "SELECT id, label, year, month, day FROM important_date WHERE contact_id = ? ORDER BY id",
        (p.other.id,),
    ):
        twin = mine.get((label.casefold(), month, day))
        if twin is None:
            p.dates += 1
            continue
        keep_id, keep_year = twin
        p.dates_kept_once += 1
        fill = year if keep_year is None and year is not None else None
        if fill is not None:
            p.date_years += 1
            mine[(label.casefold(), month, day)] = (keep_id, year)
        elif year is not None and year != keep_year:
            p.conflicts.append(
                Conflict(
                    f"date {label}",
                    f"{keep_year}-{month:02d}-{day:02d}",
                    f"{year}-{month:02d}-{day:02d}",
                )
            )
        p._date_twins.append((keep_id, did, fill))


def _plan_stages(conn: sqlite3.Connection, p: Plan) -> None:
    """Both histories in one chain by date; a change whose predecessor is now another record
    takes that record's stage as its from-stage."""
    rows = conn.execute(
        "SELECT id, contact_id, from_stage, stage FROM stage_change WHERE contact_id IN (?, ?)"
        " ORDER BY changed_on, id",
        (p.keep.id, p.other.id),
    ).fetchall()
    own_prev: dict[int, int | None] = {}
    last_of: dict[int, int | None] = {p.keep.id: None, p.other.id: None}
    for sid, cid, _, _ in rows:
        own_prev[sid], last_of[cid] = last_of[cid], sid
    current: tuple[int, str] | None = None  # the change in force: (id, stage)
    for sid, cid, before, stage in rows:
        p.stages += cid == p.other.id
        if current is not None and stage == current[1]:  # both recorded one move
            p._stage_drops.append(sid)
            p.stages_dropped += 1
            p.stages -= cid == p.other.id
            continue
        prev_id, prev_stage = current if current else (None, None)
        if prev_id != own_prev[sid] and before != prev_stage:
            p._stage_chain.append((sid, prev_stage))
        current = (sid, stage)


def _plan_fields(p: Plan) -> None:
    keep, other = p.keep, p.other
    for name in FILLED:
        mine, theirs = getattr(keep, name), getattr(other, name)
        mine = mine.isoformat() if hasattr(mine, "isoformat") else mine
        theirs = theirs.isoformat() if hasattr(theirs, "isoformat") else theirs
        if not theirs or _same(name, mine, theirs):
            continue
        if not mine:
            p.changes[name] = theirs
        else:
            p.conflicts.append(Conflict(name, mine, theirs))
    if keep.name != other.name:
        p.conflicts.insert(0, Conflict("name", keep.name, other.name))
    # The owner (team mode): kept, else taken from the other, like the fields above.
    if other.owner and not keep.owner:
        p.changes["owner_id"] = other.owner["id"]
    elif other.owner and keep.owner and other.owner["id"] != keep.owner["id"]:
        p.conflicts.append(Conflict("owner", keep.owner["name"], other.owner["name"]))
    if other.since < keep.since:
        p.changes["since"] = other.since.isoformat()
    if other.snoozed_until and (not keep.snoozed_until or other.snoozed_until > keep.snoozed_until):
        p.changes["snoozed_until"] = other.snoozed_until.isoformat()
    if keep.archived and not other.archived:
        p.changes["archived_at"] = None  # one of them is still someone you keep up with


def _same(name: str, a: str | None, b: str | None) -> bool:
    if name == "email":
        return (a or "").casefold() == (b or "").casefold()
    if name == "phone":
        return phone_key(a) is not None and phone_key(a) == phone_key(b) or a == b
    return a == b


# --- likely duplicates --------------------------------------------------------------------

PHONE_DIGITS = 9  # the last 9 digits: a number with and without its country code or trunk 0
# How sure a shared value makes us, most certain first.
REASONS = {"email": 4, "phone": 2, "name": 1}


def phone_key(phone: str | None) -> str | None:
    """The last 9 digits: +44 20 7946 0958 and 020 7946 0958 agree; shorter numbers don't count."""
    digits = re.sub(r"\D", "", phone or "")
    return digits[-PHONE_DIGITS:] if len(digits) >= PHONE_DIGITS else None


@dataclass
class Pair:
    keep: dict  # the older contact: {id, handle, name, archived}
    other: dict
    reasons: list[str]  # "email", "phone", "name", most telling first

    def as_json(self) -> dict:
        return {
            "keep": self.keep,
            "other": self.other,
            "reasons": self.reasons,
            "command": self.command,
        }

    @property
    def command(self) -> str:
        return f"srm merge @{self.keep['handle']} @{self.other['handle']}"


def duplicates(store: Store) -> list[Pair]:
    """Pairs of contacts sharing an email, a folded name or a phone number (any of their
    emails and phones), most certain first.

    One pass groups the contacts by each key; a group of n yields n - 1 pairs, each with its
    oldest member (merging those joins the group), so a shared switchboard number is not n².
    Pairs marked different people (`srm distinct`) are skipped: a contact is then paired
    with the oldest member it isn't known to differ from.
    """
    people: dict[int, dict] = {}
    keys: dict[int, dict[str, set[str]]] = {}
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for cid, handle, name, archived_at in store.conn.execute(
        "SELECT id, handle, name, archived_at FROM contact ORDER BY id"
    ):
        people[cid] = {
            "id": cid,
            "handle": handle,
            "name": name,
            "archived": archived_at is not None,
        }
        keys[cid] = {"email": set(), "phone": set(), "name": set()}
        if dc.name_key(name):
            keys[cid]["name"].add(dc.name_key(name))
    for cid, kind, value in store.conn.execute(
        "SELECT contact_id, kind, value FROM contact_detail WHERE kind IN ('email', 'phone')"
        " ORDER BY contact_id"
    ):
        key = value.strip().casefold() if kind == "email" else phone_key(value)
        if key:
            keys[cid][kind].add(key)
    for cid, mine in keys.items():
        for reason, values in mine.items():
            for value in values:
                groups[(reason, value)].append(cid)
    apart = {
        (a, b) for a, b in store.conn.execute("SELECT contact_id, other_id FROM distinct_pair")
    }
    found: set[tuple[int, int]] = set()
    for members in groups.values():
        members = sorted(set(members))
        for i, m in enumerate(members[1:], 1):
            # Paired with the oldest member it isn't known to differ from.
            partner = next((p for p in members[:i] if (p, m) not in apart), None)
            if partner is not None:
                found.add((partner, m))
    pairs = []
    for a, b in found:
        shared = [r for r in REASONS if keys[a][r] & keys[b][r]]
        pairs.append(Pair(people[a], people[b], shared))
    pairs.sort(key=lambda p: (-sum(REASONS[r] for r in p.reasons), p.keep["id"], p.other["id"]))
    return pairs


def _move_distinct(conn: sqlite3.Connection, keep: int, other: int) -> None:
    """Whoever `other` was said to differ from, `keep` (the same person) differs from too; the
    pair of the two themselves goes. Runs inside the merge's write."""
    rows = conn.execute(
        "SELECT id, contact_id, other_id FROM distinct_pair WHERE contact_id = ? OR other_id = ?",
        (other, other),
    ).fetchall()
    for pid, a, b in rows:
        x, y = sorted(keep if c == other else c for c in (a, b))
        taken = (
            x == y
            or conn.execute(
                "SELECT 1 FROM distinct_pair WHERE contact_id = ? AND other_id = ?", (x, y)
            ).fetchone()
        )
        if taken:
            conn.execute("DELETE FROM distinct_pair WHERE id = ?", (pid,))
        else:
            conn.execute(
                "UPDATE distinct_pair SET contact_id = ?, other_id = ? WHERE id = ?", (x, y, pid)
            )


@dataclass
class Distinct:
    """Two contacts said to be different people, and since when."""

    first: dict  # {id, handle, name, archived}, the lower id
    second: dict
    decided_on: str

    def as_json(self) -> dict:
        return {"contacts": [self.first, self.second], "decided_on": self.decided_on}


def _two(a: dc.Contact, b: dc.Contact) -> tuple[int, int]:
    if a.id == b.id:
        raise UsageError(f"{a.name} (@{a.handle}) is one contact: name two different ones")
    return (a.id, b.id) if a.id < b.id else (b.id, a.id)


def mark_distinct(store: Store, a: dc.Contact, b: dc.Contact, today: date) -> bool:
    """Record that `a` and `b` are different people; False if that was already recorded."""
    lo, hi = _two(a, b)
    with store.write() as conn:
        cur = conn.execute(
            "INSERT INTO distinct_pair (uuid, contact_id, other_id, decided_on, created_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (new_uuid(), lo, hi, today.isoformat(), now_utc()),
        )
        return cur.rowcount > 0


def forget_distinct(store: Store, a: dc.Contact, b: dc.Contact) -> bool:
    """Take back `mark_distinct`: the two may be paired again. False if they weren't marked."""
    lo, hi = _two(a, b)
    with store.write() as conn:
        cur = conn.execute(
            "DELETE FROM distinct_pair WHERE contact_id = ? AND other_id = ?", (lo, hi)
        )
        return cur.rowcount > 0


def distinct_pairs(store: Store) -> list[Distinct]:
    """Every pair marked different people, most recent decision first."""

    def person(cid: int, handle: str, name: str, archived_at: str | None) -> dict:
        return {"id": cid, "handle": handle, "name": name, "archived": archived_at is not None}

    return [
        Distinct(person(*r[0:4]), person(*r[4:8]), str(r[8]))
        for r in store.conn.execute(
            "SELECT a.id, a.handle, a.name, a.archived_at, b.id, b.handle, b.name, b.archived_at,"
            " p.decided_on FROM distinct_pair p JOIN contact a ON a.id = p.contact_id"
            " JOIN contact b ON b.id = p.other_id ORDER BY p.decided_on DESC, p.id DESC"
        )
    ]
