"""Partners' goals: what they are trying to achieve, confirmed now and then as priorities change."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from typing import TYPE_CHECKING

from srm.domain.common import new_uuid, one_line, update_row
from srm.errors import NotFound, UsageError
from srm.store.db import Store
from srm.store.dialect import engine_sql

if TYPE_CHECKING:
    from srm.domain.contacts import Contact
    from srm.domain.due import Item, Query

# A goal re-check rides along a conversation: it weighs half a check-in as late.
GOAL_FACTOR = 0.5

_SELECT = (
    "SELECT g.id, g.uuid, g.text, g.status, g.recorded_on, g.closed_on,"
    " c.id AS cid, c.uuid AS cuuid, c.handle, c.name"
    " FROM goal g JOIN contact c ON c.id = g.contact_id"
)


def _confirmations(store: Store, goal_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for k in range(0, len(goal_ids), 900):
        chunk = goal_ids[k : k + 900]
        for gid, d in store.conn.execute(
            f"SELECT goal_id, confirmed_on FROM goal_confirmation"
            f" WHERE goal_id IN ({','.join('?' * len(chunk))}) ORDER BY confirmed_on, id",
            chunk,
        ):
            out.setdefault(gid, []).append(d)
    return out


def _hydrate(store: Store, rows: list, on: date, max_age: int) -> list[dict]:
    confirmed = _confirmations(store, [r["id"] for r in rows])
    out = []
    for r in rows:
        dates = confirmed.get(r["id"], [])
        last = max([r["recorded_on"], *dates])
        age = (on - date.fromisoformat(last)).days
        out.append(
            {
                "id": r["id"],
                "uuid": r["uuid"],
                "text": r["text"],
                "status": r["status"],
                "contact": {
                    "id": r["cid"],
                    "uuid": r["cuuid"],
                    "handle": r["handle"],
                    "name": r["name"],
                },
                "recorded_on": r["recorded_on"],
                "closed_on": r["closed_on"],
                "confirmations": dates,
                "last_confirmed": last,
                "days_since_confirmed": age,
                "stale": r["status"] == "active" and age > max_age,
            }
        )
    return out


def add(store: Store, contact: Contact, text: str, *, on: date, today: date, max_age: int) -> dict:
    """Record a goal they told you about on `on`; freshness is reckoned as of `today`."""
    text = one_line(text, "the goal")
    if not text:
        raise UsageError("say what the goal is (e.g. 'grow member retention')")
    with store.write() as conn:
        gid = conn.execute(
            "INSERT INTO goal (uuid, contact_id, text, status, recorded_on)"
            " VALUES (?, ?, ?, 'active', ?)",
            (new_uuid(), contact.id, text, on.isoformat()),
        ).lastrowid
    return get(store, gid, today, max_age)


def get(store: Store, goal_id: int, on: date, max_age: int) -> dict:
    row = store.conn.execute(_SELECT + " WHERE g.id = ?", (goal_id,)).fetchone()
    if row is None:
        raise NotFound(f"no goal with id {goal_id} (srm goals --all lists them)")
    return _hydrate(store, [row], on, max_age)[0]


def list_goals(
    store: Store,
    on: date,
    max_age: int,
    *,
    contact_id: int | None = None,
    include_closed: bool = False,
) -> list[dict]:
    """Goals as of `on`: active ones first, then by contact and in the order recorded."""
    where, params = ["c.archived_at IS NULL" if contact_id is None else "TRUE"], []
    if not include_closed:
        where.append("g.status = 'active'")
    if contact_id is not None:
        where.append("g.contact_id = ?")
        params.append(contact_id)
    rows = store.conn.execute(
        _SELECT + f" WHERE {' AND '.join(where)}"
        f" ORDER BY g.status = 'active' DESC, {store.dialect.nocase('c.name')}, c.id, g.id",
        params,
    ).fetchall()
    return _hydrate(store, rows, on, max_age)


def edit(
    store: Store,
    goal_id: int,
    *,
    text: str | None = None,
    on: date | None = None,
    today: date,
    max_age: int,
) -> dict:
    """Reword a goal (their words changed, not their goal) or correct when they told you."""
    changes: dict[str, str] = {}
    if text is not None:
        text = one_line(text, "the goal")
        if not text:
            raise UsageError("say what the goal is (e.g. 'grow member retention')")
        changes["text"] = text
    if on is not None:
        changes["recorded_on"] = on.isoformat()
    if not changes:
        raise UsageError("nothing to change: give --text or --on")
    with store.write() as conn:
        current = get(store, goal_id, today, max_age)
        later = [d for d in (current["closed_on"], *current["confirmations"]) if d]
        if on is not None and later and on.isoformat() > min(later):
            raise UsageError(
                f"goal {goal_id} was already confirmed or closed on {min(later)}; it can't have"
                " been recorded after that"
            )
        update_row(conn, "goal", goal_id, changes)
    return get(store, goal_id, today, max_age)


def _active_goal(conn: sqlite3.Connection, goal_id: int, on: date) -> None:
    """Refuse an unknown or closed goal, or a date before it was recorded."""
    row = conn.execute("SELECT status, recorded_on FROM goal WHERE id = ?", (goal_id,)).fetchone()
    if row is None:
        raise NotFound(f"no goal with id {goal_id} (srm goals --all lists them)")
    if row["status"] != "active":
        raise UsageError(f"goal {goal_id} is already {row['status']}")
    if on.isoformat() < row["recorded_on"]:
        raise UsageError(f"goal {goal_id} was recorded on {row['recorded_on']}; use a later date")


def close(store: Store, goal_id: int, status: str, on: date, today: date, max_age: int) -> dict:
    """Mark an active goal done (achieved) or dropped (no longer theirs); it stays in history."""
    with store.write() as conn:
        _active_goal(conn, goal_id, on)
        conn.execute(
            "UPDATE goal SET status = ?, closed_on = ? WHERE id = ?",
            (status, on.isoformat(), goal_id),
        )
    return get(store, goal_id, today, max_age)


def confirm(store: Store, goal_id: int, on: date, today: date, max_age: int) -> dict:
    """Record that the goal is still their priority as of `on` (each confirmation is kept)."""
    with store.write() as conn:
        _active_goal(conn, goal_id, on)
        conn.execute(
            "INSERT INTO goal_confirmation (uuid, goal_id, confirmed_on) VALUES (?, ?, ?)",
            (new_uuid(), goal_id, on.isoformat()),
        )
    return get(store, goal_id, today, max_age)


def _last_confirmed(store: Store) -> str:
    """A goal's last confirmation up to the parameter's date, or when it was recorded."""
    confirmed = (
        "coalesce((SELECT max(gc.confirmed_on) FROM goal_confirmation gc"
        " WHERE gc.goal_id = g.id AND gc.confirmed_on <= ?), '')"
    )
    return store.dialect.greatest("g.recorded_on", confirmed)


_STALE_SQL = """
SELECT g.id, g.contact_id, g.text,
       {last}
FROM goal g JOIN contact c ON c.id = g.contact_id
WHERE g.status = 'active' AND g.recorded_on <= ? AND c.archived_at IS NULL{extra}
"""


def item(on: date, contact: dict, goal_id: int, text: str, last: str, weight: float, max_age: int):
    """A goal re-check for `srm due`: due `max_age` days after it was last confirmed."""
    from srm.domain.due import Item, _round

    due = date.fromisoformat(last) + timedelta(days=max_age)
    late = (on - due).days
    terms = [
        ("segment weight", weight),
        ("goal re-check", GOAL_FACTOR),
        (f"1 + {late}d late / {max_age}d", 1 + late / max_age),
    ]
    return Item(
        "goal",
        contact,
        due,
        on,
        terms,
        _round(weight * GOAL_FACTOR * (1 + late / max_age)),
        {
            "id": goal_id,
            "text": f'ask whether "{text}" is still their priority',
            "goal": text,
            "last_confirmed": last,
        },
    )


def due_items(q: Query, refs: dict[int, dict], weights: dict[int, float]) -> list[Item]:
    """`srm due` source: goals whose last confirmation is older than `goal_max_age_days`.

    Due on the day the goal turns stale; goals turning stale within the window show as upcoming.
    """
    max_age = q.config.goal_max_age_days
    extra, params = q.contact_filter_sql("c.id")
    items = []
    on = q.on.isoformat()
    for gid, cid, text, last in q.store.conn.execute(
        _STALE_SQL.format(extra=extra, last=_last_confirmed(q.store)), [on, on, *params]
    ):
        if date.fromisoformat(last) + timedelta(days=max_age) > q.until:
            continue
        items.append(item(q.on, {"id": cid}, gid, text, last, weights.get(cid, 1.0), max_age))
    return items


_RANKED = """
FROM (SELECT g.id, g.contact_id,
             {last} AS last
        FROM goal g WHERE g.status = 'active' AND g.recorded_on <= ?{fence}) g
CROSS JOIN contact_state s INDEXED BY ix_contact_state_weight ON s.contact_id = g.contact_id
WHERE s.archived = 0 AND g.last <= ?{extra}
"""
# PostgreSQL would pull the subquery up and compute `last` (a look-up per goal) three times,
# for the filter, the urgency and the order; `OFFSET 0` keeps it a subquery (1M: 3.0 -> 1.8
# ms). SQLite computes it once.
_FENCE = {"sqlite": "", "postgresql": " OFFSET 0"}
_DETAILS = """
SELECT g.id, g.text, c.id, c.uuid, c.handle, c.name, s.weight
FROM goal g JOIN contact c ON c.id = g.contact_id JOIN contact_state s ON s.contact_id = c.id
WHERE g.id IN ({keys})
"""


def _stale_before(until: date, max_age: int) -> str:
    """The latest confirmation date that is `max_age` days old by `until`, as ISO text: a
    plain comparison of the ISO dates (no date arithmetic per goal on either engine)."""
    try:
        return (until - timedelta(days=max_age)).isoformat()
    except OverflowError:  # before the first day there is: no confirmation is that old
        return ""


def ranked_items(q: Query, limit: int | None) -> tuple[list[Item], int]:
    """The same items with weights from the stored state, most urgent first (due.ranked)."""
    from srm.domain.due import julian, ranked_details

    max_age = q.config.goal_max_age_days
    extra, params = q.contact_filter_sql("g.contact_id")
    on = q.on.isoformat()
    late = f"{julian(q.on)} - julianday(g.last) - {int(max_age)}"
    ranked, total, rows = ranked_details(
        q.store,
        f"g.id, g.last, s.weight * {float(GOAL_FACTOR)} * (1 + ({late}) / {float(max_age)})"
        " AS urgency",
        _RANKED.format(
            extra=extra, last=_last_confirmed(q.store), fence=engine_sql(q.store.conn, _FENCE)
        ),
        [on, on, _stale_before(q.until, max_age), *params],
        limit,
        _DETAILS,
    )
    items = []
    for gid, last, _ in ranked:
        _, text, cid, u, h, n, w = rows[gid]
        contact = {"id": cid, "uuid": u, "handle": h, "name": n}
        items.append(item(q.on, contact, gid, text, last, w, max_age))
    return items, total
