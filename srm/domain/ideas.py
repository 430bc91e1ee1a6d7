"""Non-ask ideas: ways to help a contact (or a whole segment) that bring you nothing in return."""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING

from srm.domain.common import new_uuid, one_line, update_row
from srm.errors import NotFound, UsageError
from srm.store.db import Store

if TYPE_CHECKING:
    from srm.domain.contacts import Contact
    from srm.domain.due import Item, Query

_SELECT = (
    "SELECT i.id, i.uuid, i.text, i.status, i.created_on, i.closed_on,"
    " c.id AS cid, c.uuid AS cuuid, c.handle, c.name, s.name AS segment,"
    " (SELECT max(x.id) FROM interaction x WHERE x.idea_id = i.id) AS interaction_id"
    " FROM idea i LEFT JOIN contact c ON c.id = i.contact_id"
    " LEFT JOIN segment s ON s.id = i.segment_id"
)
# Open ideas first, then oldest first: the one to offer next leads.
_ORDER = " ORDER BY i.status = 'open' DESC, i.created_on, i.id"


def _json(r) -> dict:
    contact = (
        {"id": r["cid"], "uuid": r["cuuid"], "handle": r["handle"], "name": r["name"]}
        if r["cid"] is not None
        else None
    )
    return {
        "id": r["id"],
        "uuid": r["uuid"],
        "text": r["text"],
        "status": r["status"],
        "contact": contact,
        "segment": r["segment"],
        "created_on": r["created_on"],
        "closed_on": r["closed_on"],
        "interaction_id": r["interaction_id"],
    }


def add(
    store: Store,
    text: str,
    *,
    on: date,
    contact: Contact | None = None,
    segment: str | None = None,
) -> dict:
    """Record an idea for one contact or for everyone in a segment (exactly one of the two)."""
    from srm.domain import segments as seg

    if (contact is None) == (segment is None):
        raise UsageError("an idea is for a CONTACT or a --segment S: give exactly one")
    text = one_line(text, "the idea")
    if not text:
        raise UsageError("say what the idea is (a short text)")
    segment_id = seg.get(store, segment).id if segment is not None else None
    with store.write() as conn:
        iid = conn.execute(
            "INSERT INTO idea (uuid, contact_id, segment_id, text, status, created_on)"
            " VALUES (?, ?, ?, ?, 'open', ?)",
            (new_uuid(), contact.id if contact else None, segment_id, text, on.isoformat()),
        ).lastrowid
    return get(store, iid)


def get(store: Store, idea_id: int) -> dict:
    row = store.conn.execute(_SELECT + " WHERE i.id = ?", (idea_id,)).fetchone()
    if row is None:
        raise NotFound(f"no idea with id {idea_id} (srm ideas lists them)")
    return _json(row)


def list_ideas(
    store: Store,
    *,
    open_only: bool = False,
    contact: Contact | None = None,
    segment: str | None = None,
) -> list[dict]:
    """Ideas, open ones first. For a contact: theirs and those for any of their segments."""
    from srm.domain import segments as seg

    if contact is not None and segment is not None:
        raise UsageError("list ideas by --contact or by --segment, not both")
    where, params = [], []
    if open_only:
        where.append("i.status = 'open'")
    if contact is not None:
        where.append(
            "(i.contact_id = ? OR i.segment_id IN"
            " (SELECT segment_id FROM contact_segment WHERE contact_id = ?))"
        )
        params += [contact.id, contact.id]
    if segment is not None:
        where.append("i.segment_id = ?")
        params.append(seg.get(store, segment).id)
    sql = _SELECT + (f" WHERE {' AND '.join(where)}" if where else "") + _ORDER
    return [_json(r) for r in store.conn.execute(sql, params)]


def edit(
    store: Store,
    idea_id: int,
    *,
    text: str | None = None,
    contact: Contact | None = None,
    segment: str | None = None,
    on: date | None = None,
) -> dict:
    """Reword an idea, move it to another contact or segment, or correct when you had it."""
    from srm.domain import segments as seg

    if contact is not None and segment is not None:
        raise UsageError("an idea is for a contact or a segment, not both")
    changes: dict[str, object] = {}
    if text is not None:
        text = one_line(text, "the idea")
        if not text:
            raise UsageError("say what the idea is (a short text)")
        changes["text"] = text
    if contact is not None:
        changes.update(contact_id=contact.id, segment_id=None)
    if segment is not None:
        changes.update(contact_id=None, segment_id=seg.get(store, segment).id)
    if on is not None:
        changes["created_on"] = on.isoformat()
    if not changes:
        raise UsageError("nothing to change: give --text, --contact, --segment or --on")
    with store.write() as conn:
        current = get(store, idea_id)
        if on is not None and current["closed_on"] and on.isoformat() > current["closed_on"]:
            raise UsageError(
                f"idea {idea_id} was {current['status']} on {current['closed_on']}; it can't"
                " have been noted after that"
            )
        if current["interaction_id"] is not None and ("contact_id" in changes):
            raise UsageError(
                f"idea {idea_id} was delivered in interaction #{current['interaction_id']}:"
                " it stays with whom it was given to"
            )
        update_row(conn, "idea", idea_id, changes)
    return get(store, idea_id)


def close(store: Store, idea_id: int, status: str, on: date) -> dict:
    """Mark an open idea delivered or dropped, as of `on`."""
    with store.write() as conn:
        row = conn.execute(
            "SELECT status, created_on FROM idea WHERE id = ?", (idea_id,)
        ).fetchone()
        if row is None:
            raise NotFound(f"no idea with id {idea_id} (srm ideas lists them)")
        if row["status"] != "open":
            raise UsageError(f"idea {idea_id} is already {row['status']}")
        if on.isoformat() < row["created_on"]:
            raise UsageError(
                f"idea {idea_id} was only noted on {row['created_on']}; use a later date"
            )
        conn.execute(
            "UPDATE idea SET status = ?, closed_on = ? WHERE id = ?",
            (status, on.isoformat(), idea_id),
        )
    return get(store, idea_id)


def oldest_open(store: Store, contact_ids: list[int]) -> dict[int, dict]:
    """For each contact, the oldest open idea for them, else for one of their segments.

    One statement (one round trip to a server): their own open ideas (an index seek per
    contact), then each of their segments' oldest open idea, oldest first; the first for each
    contact wins. Only a segment's oldest can be offered, so only that one is joined with the
    segment's members: joining all of a segment's ideas gave each contact hundreds of rows
    (`srm due --all` read ~30,000 to keep 1,700).
    """
    if not contact_ids:
        return {}
    ids = f"SELECT value FROM {store.dialect.json_ids('?')}"
    out: dict[int, dict] = {}
    for cid, iid, text in store.conn.execute(
        "SELECT cid, id, text FROM ("
        " SELECT i.contact_id AS cid, i.id, i.text, 0 AS theirs, i.created_on FROM idea i"
        f"  WHERE i.status = 'open' AND i.contact_id IN ({ids})"
        " UNION ALL"
        " SELECT cs.contact_id, f.id, f.text, 1, f.created_on FROM contact_segment cs JOIN ("
        "  SELECT i.segment_id, i.id, i.text, i.created_on, row_number() OVER"
        "   (PARTITION BY i.segment_id ORDER BY i.created_on, i.id) AS n FROM idea i"
        "  WHERE i.status = 'open' AND i.contact_id IS NULL) AS f"
        "  ON f.segment_id = cs.segment_id AND f.n = 1"
        f"  WHERE cs.contact_id IN ({ids})"
        ") AS o ORDER BY theirs, created_on, id",
        (json.dumps(contact_ids),) * 2,
    ):
        out.setdefault(cid, {"id": iid, "text": text})
    return out


def offer_on_checkins(q: Query, items: list[Item]) -> None:
    """Give each due check-in (overdue or today) something to offer: `fields["idea"]`."""
    ids = sorted({i.contact["id"] for i in items if i.type == "checkin" and i.days_overdue >= 0})
    if not ids:
        return
    found = oldest_open(q.store, ids)
    for i in items:
        if i.type == "checkin" and i.days_overdue >= 0 and i.contact["id"] in found:
            i.fields["idea"] = found[i.contact["id"]]
