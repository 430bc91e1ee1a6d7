"""Follow-ups: promises made in an interaction, each with its own due date."""

from __future__ import annotations

from datetime import date

from srm.domain.common import new_uuid, one_line, update_row
from srm.errors import NotFound, UsageError
from srm.store.db import Store

_SELECT = (
    "SELECT f.id, f.uuid, f.text, f.due_on, f.status, f.created_on, f.closed_on,"
    " f.interaction_id, c.id AS cid, c.uuid AS cuuid, c.handle, c.name,"
    " m.id AS mid, m.name AS mname, m.email AS memail"
    " FROM followup f JOIN contact c ON c.id = f.contact_id"
    " LEFT JOIN member m ON m.id = f.made_by_id"
)


def _json(r) -> dict:
    return {
        "id": r["id"],
        "uuid": r["uuid"],
        "text": r["text"],
        "due": r["due_on"],
        "status": r["status"],
        "created_on": r["created_on"],
        "closed_on": r["closed_on"],
        "interaction_id": r["interaction_id"],
        "contact": {"id": r["cid"], "uuid": r["cuuid"], "handle": r["handle"], "name": r["name"]},
        # Who promised it (team mode), or null.
        "made_by": {"id": r["mid"], "name": r["mname"], "email": r["memail"]} if r["mid"] else None,
    }


def list_followups(
    store: Store, *, include_closed: bool = False, contact_id: int | None = None
) -> list[dict]:
    where, params = [], []
    if not include_closed:
        where.append("f.status = 'open'")
    if contact_id is not None:
        where.append("f.contact_id = ?")
        params.append(contact_id)
    sql = _SELECT + (f" WHERE {' AND '.join(where)}" if where else "")
    sql += " ORDER BY f.status = 'open' DESC, f.due_on, f.id"
    return [_json(r) for r in store.conn.execute(sql, params)]


def open_due_by(
    store: Store, until: date, contact_filter: tuple[str, list] = ("", [])
) -> list[dict]:
    """Open follow-ups of non-archived contacts due on or before `until`.

    `contact_filter` is an extra " AND …" fragment over `c.id` with its parameters.
    """
    extra, params = contact_filter
    sql = (
        _SELECT + " WHERE f.status = 'open' AND f.due_on <= ? AND c.archived_at IS NULL"
        f"{extra} ORDER BY f.due_on, f.id"
    )
    return [_json(r) for r in store.conn.execute(sql, (until.isoformat(), *params))]


def open_counts(store: Store) -> dict[int, int]:
    return dict(
        store.conn.execute(
            "SELECT contact_id, count(*) FROM followup WHERE status = 'open' GROUP BY contact_id"
        ).fetchall()
    )


def get(store: Store, followup_id: int) -> dict:
    row = store.conn.execute(_SELECT + " WHERE f.id = ?", (followup_id,)).fetchone()
    if row is None:
        raise NotFound(f"no follow-up with id {followup_id} (srm followups lists them)")
    return _json(row)


def _text(text: str) -> str:
    text = one_line(text, "the follow-up")
    if not text:
        raise UsageError("a follow-up needs a text saying what you promised")
    return text


def add(store: Store, contact_id: int, text: str, *, due: date, on: date) -> dict:
    """A promise made outside a logged interaction (a hallway chat, a message)."""
    text = _text(text)
    if due < on:
        raise UsageError(f"the follow-up is due {due}, before today ({on}): give a later --due")
    with store.write() as conn:
        fid = conn.execute(
            "INSERT INTO followup (uuid, contact_id, text, due_on, status, created_on, made_by_id)"
            " VALUES (?, ?, ?, ?, 'open', ?, ?)",
            (new_uuid(), contact_id, text, due.isoformat(), on.isoformat(), store.member_id),
        ).lastrowid
    return get(store, fid)


def edit(
    store: Store, followup_id: int, *, due: date | None = None, text: str | None = None
) -> dict:
    """Reschedule a follow-up or reword it."""
    changes: dict[str, str] = {}
    if text is not None:
        changes["text"] = _text(text)
    if due is not None:
        changes["due_on"] = due.isoformat()
    if not changes:
        raise UsageError("nothing to change: give --due DATE or --text TEXT")
    with store.write() as conn:
        current = get(store, followup_id)
        if due is not None and changes["due_on"] < current["created_on"]:
            raise UsageError(
                f"follow-up {followup_id} was made on {current['created_on']}; it can't be due"
                " before that"
            )
        update_row(conn, "followup", followup_id, changes)
    return get(store, followup_id)


def close(store: Store, followup_id: int, status: str, on: date) -> dict:
    """Mark an open follow-up done or dropped, as of a day on or after it was made."""
    with store.write() as conn:
        row = conn.execute(_SELECT + " WHERE f.id = ?", (followup_id,)).fetchone()
        if row is None:
            raise NotFound(f"no follow-up with id {followup_id} (srm followups lists them)")
        if row["status"] != "open":
            raise UsageError(f"follow-up {followup_id} is already {row['status']}")
        if on.isoformat() < row["created_on"]:
            raise UsageError(
                f"follow-up {followup_id} was made on {row['created_on']}; use a later date"
            )
        conn.execute(
            "UPDATE followup SET status = ?, closed_on = ? WHERE id = ?",
            (status, on.isoformat(), followup_id),
        )
        row = conn.execute(_SELECT + " WHERE f.id = ?", (followup_id,)).fetchone()
    return _json(row)
