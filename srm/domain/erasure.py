"""Erasing a person (`srm rm`, GDPR art. 17), so that nothing about them is left behind.

One transaction deletes the contact and everything only about them (interactions with nobody
else, their follow-ups, ideas, goals, dates, stages and hand-offs go by cascade), optionally replaces
mentions of them in other records' free text, records *that* an erasure happened (the date and
the contact's UUID, never a name), and runs every function in `PURGES`. Then the write-ahead
log is checkpointed and truncated: with `secure_delete` on, the freed space is zeroed, so none
of the person's text remains in the database file or its `-wal`. Backups made before still hold
them: `backups_holding` names those, and `reapply` erases them again after a restore.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from srm.domain.common import new_uuid, now_utc
from srm.domain.contacts import Contact
from srm.store.db import Store
from srm.store.dialect import dialect_of

REDACTION = "[erased]"
MIN_TERM = 3  # shorter names or numbers would match ordinary words


@dataclass
class Doomed:
    """What an erasure removes, for the functions in PURGES."""

    contact_id: int
    contact_uuid: str
    interaction_ids: list[int]  # interactions only about them, deleted with them
    terms: list[str]  # their name, email and phone, as matched in other records' text
    # Every row deleted or redacted, as (table, JSON array of its primary key): the form the
    # undo log keys its row images by.
    rows: set[tuple[str, str]] = field(default_factory=set)


def _forget_undo_commands(conn: sqlite3.Connection, doomed: Doomed) -> None:
    """The undo log holds before/after images of every row a command touched: the commands
    that touched the person's rows (or the mentions redacted) go, and can't be undone."""
    from srm.store import undo

    undo.purge(conn, doomed.rows)


def _rewrite_search_index(conn: sqlite3.Connection, doomed: Doomed) -> None:
    """FTS5 marks deleted entries but keeps their words in its segments until they are merged:
    'optimize' rewrites the index as one segment without them. (PostgreSQL's index is an
    ordinary table: its rows went with the records, and the VACUUM after the erasure clears
    them from the GIN index.)"""
    tables = dialect_of(conn).tables(conn)
    if tables.get("search_index", "").upper().startswith("CREATE VIRTUAL"):
        conn.execute("INSERT INTO search_index (search_index) VALUES ('optimize')")


# Each runs inside the erasure's transaction, after the rows are deleted (and mentions
# redacted), and removes whatever else still holds the person's data: the undo log's commands
# about them, the search index's words. Append the purge of any other copy of records here.
PURGES: list[Callable[[sqlite3.Connection, Doomed], None]] = [
    _forget_undo_commands,
    _rewrite_search_index,
]

# A person's rows, keyed as the undo log keys them: (table, key columns, which rows).
_ROWS = (
    ("contact", ("id",), "id = :cid"),
    ("contact_segment", ("contact_id", "segment_id"), "contact_id = :cid"),
    ("contact_tag", ("contact_id", "tag"), "contact_id = :cid"),
    ("contact_detail", ("id",), "contact_id = :cid"),
    ("contact_address", ("id",), "contact_id = :cid"),
    ("interaction_contact", ("interaction_id", "contact_id"), "contact_id = :cid"),
    ("followup", ("id",), "contact_id = :cid"),
    ("idea", ("id",), "contact_id = :cid"),
    ("goal", ("id",), "contact_id = :cid"),
    ("goal_confirmation", ("id",), "goal_id IN (SELECT id FROM goal WHERE contact_id = :cid)"),
    ("stage_change", ("id",), "contact_id = :cid"),
    ("important_date", ("id",), "contact_id = :cid"),
    ("handoff", ("id",), "contact_id = :cid"),
    ("capture_source", ("id",), "contact_id = :cid"),
    ("distinct_pair", ("id",), "contact_id = :cid OR other_id = :cid"),
)


def _rows_of(conn: sqlite3.Connection, contact_id: int, only: list[int]) -> set[tuple[str, str]]:
    rows = {("interaction", f"[{int(i)}]") for i in only}
    for table, columns, where in _ROWS:
        key = dialect_of(conn).json_key(*columns)
        for r in conn.execute(f"SELECT {key} FROM {table} WHERE {where}", {"cid": contact_id}):
            rows.add((table, r[0]))
    return rows


@dataclass
class Mention:
    """A record about someone else whose free text names the person being erased."""

    table: str
    id: int
    column: str
    what: str  # e.g. "summary of interaction 12 on 2026-03-01"
    text: str

    def as_json(self) -> dict:
        return {"record": self.table, "id": self.id, "field": self.column, "what": self.what}


@dataclass
class Preview:
    """What `erase` would do: the counts and the mentions left in other records."""

    contact: Contact
    interactions: int  # only about them: erased
    shared: int  # with others too: kept for them, without this person
    followups: int
    ideas: int
    goals: int
    dates: int
    mentions: list[Mention] = field(default_factory=list)


@dataclass
class Erasure:
    erased_on: date
    interactions: int
    mentions: list[Mention]
    redacted: bool
    purged: bool  # False: another process's read kept old pages in the -wal for now
    backups: list[Path] = field(default_factory=list)  # backups that still hold the person
    # Where copies may remain that srm can't reach (a PostgreSQL server's log and backups).
    elsewhere: str | None = None


def terms(contact: Contact) -> list[str]:
    """The strings that identify the person in free text: name, emails, phones."""
    found = [contact.name, contact.email, contact.phone]
    found += [e["value"] for kind in ("emails", "phones") for e in contact.details[kind]]
    out = [t.strip() for t in found if t and len(t.strip()) >= MIN_TERM]
    return sorted(dict.fromkeys(out), key=len, reverse=True)


def _matcher(words: list[str]) -> re.Pattern | None:
    if not words:
        return None
    # Whole words only: "Ann Lee" is not in "Annabel Leeds"; any case, any spacing.
    alternatives = "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


# (table, column, what to call the record, condition excluding the erased person's own rows)
_FREE_TEXT = (
    ("contact", "note", "note of {handle}", "t.id != :cid"),
    ("interaction", "summary", "summary of interaction {id} on {day}", "t.id NOT IN ({only})"),
    ("interaction", "note", "note of interaction {id} on {day}", "t.id NOT IN ({only})"),
    ("followup", "text", "follow-up {id} of {handle}", "t.contact_id != :cid"),
    ("idea", "text", "idea {id}", "t.contact_id IS NOT :cid"),
    ("goal", "text", "goal {id} of {handle}", "t.contact_id != :cid"),
    ("important_date", "label", "date {id} of {handle}", "t.contact_id != :cid"),
    ("handoff", "note", "hand-off note {id} of {handle}", "t.contact_id != :cid"),
)
_DAY = {"interaction": "t.occurred_on"}
_HANDLE = {
    "contact": "t.handle",
    "followup": "(SELECT handle FROM contact WHERE id = t.contact_id)",
    "goal": "(SELECT handle FROM contact WHERE id = t.contact_id)",
    "important_date": "(SELECT handle FROM contact WHERE id = t.contact_id)",
    "handoff": "(SELECT handle FROM contact WHERE id = t.contact_id)",
}


def _only_about(conn: sqlite3.Connection, contact_id: int) -> list[int]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT ic.interaction_id FROM interaction_contact ic WHERE ic.contact_id = ?"
            " AND NOT EXISTS (SELECT 1 FROM interaction_contact o"
            " WHERE o.interaction_id = ic.interaction_id AND o.contact_id != ?)",
            (contact_id, contact_id),
        )
    ]


def _mentions(
    conn: sqlite3.Connection, contact: Contact, only: list[int], words: list[str]
) -> list[Mention]:
    pattern = _matcher(words)
    if pattern is None:
        return []
    params: dict[str, object] = {"cid": contact.id}
    if dialect_of(conn).python_functions:
        conn.create_function(
            "srm_mentions",
            1,
            lambda s: bool(s) and pattern.search(s) is not None,
            deterministic=True,
        )
        test = "srm_mentions(t.{column})"
    else:
        # The server can't run the pattern: a LIKE that every match also matches narrows the
        # rows down (case-insensitive, the words in order), the pattern decides here.
        params["likes"] = ["%" + "%".join(_like_escape(w) for w in t.split()) + "%" for t in words]
        test = "t.{column} ILIKE ANY(:likes)"
    found = []
    ids = ",".join(str(int(i)) for i in only) or "NULL"
    for table, column, what, condition in _FREE_TEXT:
        day = _DAY.get(table, "NULL")
        handle = _HANDLE.get(table, "NULL")
        rows = conn.execute(
            f"SELECT t.id, t.{column}, {day}, {handle} FROM {table} t"
            f" WHERE {condition.format(only=ids)} AND {test.format(column=column)} ORDER BY t.id",
            params,
        ).fetchall()
        for r in rows:
            if not pattern.search(r[1] or ""):
                continue
            label = what.format(id=r[0], day=r[2], handle=r[3])
            found.append(Mention(table, r[0], column, label, r[1]))
    return found


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def preview(store: Store, contact: Contact) -> Preview:
    """What erasing `contact` removes and which other records still name them."""
    conn = store.conn
    only = _only_about(conn, contact.id)

    def count(sql: str) -> int:
        return conn.execute(sql, (contact.id,)).fetchone()[0]

    return Preview(
        contact,
        interactions=len(only),
        shared=count("SELECT count(*) FROM interaction_contact WHERE contact_id = ?") - len(only),
        followups=count("SELECT count(*) FROM followup WHERE contact_id = ?"),
        ideas=count("SELECT count(*) FROM idea WHERE contact_id = ?"),
        goals=count("SELECT count(*) FROM goal WHERE contact_id = ?"),
        dates=count("SELECT count(*) FROM important_date WHERE contact_id = ?"),
        mentions=_mentions(conn, contact, only, terms(contact)),
    )


def erase(
    store: Store, contact: Contact, today: date, *, redact: bool = False, record: dict | None = None
) -> Erasure:
    """Erase `contact` and everything only about them; see the module docstring.

    `redact` replaces mentions in other records' text with REDACTION. `record` is an erasure
    recorded earlier (re-applied after a restore): it is kept as it was instead of a new one.
    """
    words = terms(contact)
    # Not undoable: undoing would bring the person back, so the undo log must not keep them.
    with store.write(undoable=False) as conn:
        only = _only_about(conn, contact.id)
        mentions = _mentions(conn, contact, only, words)
        rows = _rows_of(conn, contact.id, only)
        if redact:
            rows |= {(m.table, f"[{int(m.id)}]") for m in mentions}
        conn.executemany("DELETE FROM interaction WHERE id = ?", [(i,) for i in only])
        conn.execute("DELETE FROM contact WHERE id = ?", (contact.id,))
        if redact:
            _redact(conn, mentions, words)
        _record(
            conn,
            record
            or {
                "uuid": new_uuid(),
                "contact_uuid": contact.uuid,
                "erased_on": today.isoformat(),
                "interactions": len(only),
                "mentions": len(mentions),
                "redacted": redact,
                "created_at": now_utc(),
            },
        )
        doomed = Doomed(contact.id, contact.uuid, only, words, rows)
        for purge in PURGES:
            purge(conn, doomed)
    touched = {"interaction", "undo_change", "undo_command", "search_index", "erasure"}
    touched |= {"contact_state", "contact_state_dirty"}  # their rows went with the contact
    touched |= {"contact_month", "contact_month_dirty", "interaction_day", "shared_segment"}
    touched |= {table for table, _ in rows}
    return Erasure(
        erased_on=date.fromisoformat(record["erased_on"]) if record else today,
        interactions=len(only),
        mentions=mentions,
        redacted=redact,
        purged=store.reclaim(sorted(touched)),
        backups=backups_holding(store, contact.uuid),
        elsewhere=SERVER_COPIES if store.url is not None else None,
    )


SERVER_COPIES = (
    "the PostgreSQL server's write-ahead log, its WAL archive and its backups (pg_dump, base"
    " backups, replicas' lag) keep the erased rows until they are recycled or expire; see"
    " README, Team mode"
)


def _redact(conn: sqlite3.Connection, mentions: list[Mention], words: list[str]) -> None:
    pattern = _matcher(words)
    now = now_utc()
    for m in mentions:
        replaced = pattern.sub(REDACTION, m.text)
        if m.table == "contact":
            conn.execute(
                f"UPDATE contact SET {m.column} = ?, updated_at = ? WHERE id = ?",
                (replaced, now, m.id),
            )
        else:
            conn.execute(f"UPDATE {m.table} SET {m.column} = ? WHERE id = ?", (replaced, m.id))


_RECORD = (
    "uuid",
    "contact_uuid",
    "erased_on",
    "interactions",
    "mentions",
    "redacted",
    "created_at",
)


def _record(conn: sqlite3.Connection, row: dict) -> None:
    conn.execute(
        f"INSERT INTO erasure ({', '.join(_RECORD)}) VALUES ({', '.join('?' * len(_RECORD))})"
        " ON CONFLICT (contact_uuid) DO NOTHING",
        tuple(row[c] for c in _RECORD),
    )


def backups_holding(store: Store, contact_uuid: str) -> list[Path]:
    """The store's backups (in its backup folder) that still hold this person."""
    from srm.store import backup

    holding = []
    for path in backup.listing(store.path or store.url):
        try:
            conn = backup.open_copy(path)
        except Exception:
            holding.append(path)  # can't look inside: assume the worst
            continue
        try:
            if conn.execute("SELECT 1 FROM contact WHERE uuid = ?", (contact_uuid,)).fetchone():
                holding.append(path)
        except sqlite3.Error:
            holding.append(path)
        finally:
            conn.close()
    return holding


def history(store: Store) -> list[dict]:
    """Every erasure recorded in the store, oldest first: when, and how much went."""
    rows = store.conn.execute(
        "SELECT erased_on, interactions, mentions, redacted FROM erasure ORDER BY erased_on, id"
    ).fetchall()
    return [
        {
            "erased_on": r["erased_on"],
            "interactions": r["interactions"],
            "mentions": r["mentions"],
            "redacted": bool(r["redacted"]),
        }
        for r in rows
    ]


def reapply(store: Store, records: list[dict], today: date) -> int:
    """Erase again the people `records` (erasures recorded elsewhere) name; how many were here.

    After restoring a backup made before an erasure, the person is back in the store; each
    erasure the replaced store recorded is applied again (with its redaction, if it had one)
    and recorded with its original date.
    """
    from srm.domain import contacts as dc

    erased = 0
    for rec in records:
        row = store.conn.execute(
            "SELECT id FROM contact WHERE uuid = ?", (rec["contact_uuid"],)
        ).fetchone()
        if row is None:  # not in the backup either: keep the record of it
            with store.write() as conn:
                _record(conn, rec)
            continue
        erase(store, dc.get(store, row[0]), today, redact=bool(rec["redacted"]), record=rec)
        erased += 1
    return erased
