"""When each contact is next due: last interaction + effective cadence, computed in SQL + Python.

Never loads interactions: SQLite finds each contact's last date with one index seek on
interaction_contact (contact_id, occurred_on).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from srm import cadence as cad
from srm.config import Config
from srm.store.db import Store

if TYPE_CHECKING:
    from srm.domain.team import Owners


@dataclass
class Schedule:
    contact_id: int
    last: date | None
    cadence: cad.Cadence | None
    due: date | None  # None: not tracked
    weight: float
    snoozed_until: date | None
    # Only with schedules(..., with_last=True): the latest interaction itself.
    last_interaction_id: int | None = None
    last_negative: bool = False

    @property
    def tracked(self) -> bool:
        return self.cadence is not None


_SQL = """
SELECT c.id, c.cadence, c.since, c.snoozed_until,
       (SELECT max(ic.occurred_on) FROM interaction_contact ic
         WHERE ic.contact_id = c.id AND ic.occurred_on <= :on) AS last, NULL, NULL
FROM contact c
WHERE {where}
"""
# The same, plus which interaction was the latest and whether it was negative: the index walk
# ends on the link row (same day: logged last), then one primary-key lookup each. `srm due`
# needs it for repairs; it costs ~15 ms more at 10k contacts, whatever the history's length.
_SQL_WITH_LAST = """
SELECT c.id, c.cadence, c.since, c.snoozed_until, l.occurred_on, l.interaction_id,
       i.sentiment = 'negative'
FROM contact c
LEFT JOIN interaction_contact l ON l.rowid = (
    SELECT ic.rowid FROM interaction_contact ic
     WHERE ic.contact_id = c.id AND ic.occurred_on <= :on
     ORDER BY ic.occurred_on DESC, ic.rowid DESC LIMIT 1)
LEFT JOIN interaction i ON i.id = l.interaction_id
WHERE {where}
"""


def schedules(
    store: Store,
    config: Config,
    on: date,
    *,
    contact_ids: list[int] | None = None,
    include_archived: bool = False,
    segment_id: int | None = None,
    tag: str | None = None,
    owners: Owners | None = None,
    with_last: bool = False,
) -> dict[int, Schedule]:
    """Schedules for all (or the given) contacts, as of `on` (later interactions are ignored)."""
    conn = store.conn
    where = ["1"] if include_archived else ["c.archived_at IS NULL"]
    params: dict[str, object] = {"on": on.isoformat()}
    if contact_ids is not None:
        if not contact_ids:
            return {}
        where.append(f"c.id IN ({','.join(str(int(i)) for i in contact_ids)})")
    if segment_id is not None:
        where.append("c.id IN (SELECT contact_id FROM contact_segment WHERE segment_id = :seg)")
        params["seg"] = segment_id
    if tag is not None:
        where.append("c.id IN (SELECT contact_id FROM contact_tag WHERE tag = :tag)")
        params["tag"] = tag
    if owners is not None:
        cond, values = owners.sql("c.owner_id", named=True)
        where.append(cond)
        params.update(values)
    seg_cadences, weights = _segments(conn, contact_ids)
    parsed: dict[tuple[str | None, tuple], cad.Cadence | None] = {}
    # Many contacts share a cadence and a start date; calendar arithmetic is done once for each.
    due_on: dict[tuple[cad.Cadence, str], date] = {}
    out: dict[int, Schedule] = {}
    sql = (_SQL_WITH_LAST if with_last else _SQL).format(where=" AND ".join(where))
    for cid, own, since, snoozed, last, last_id, negative in _tuples(conn, sql, params):
        key = (own, seg_cadences.get(cid, ()))
        cadence = parsed.get(key, _UNSET)
        if cadence is _UNSET:
            cadence = parsed[key] = cad.effective(own, list(key[1]), config.default_cadence)
        due = None
        if cadence is not None:
            start = last or since
            due = due_on.get((cadence, start))
            if due is None:
                due = due_on[cadence, start] = cadence.after(date.fromisoformat(start))
        out[cid] = Schedule(
            contact_id=cid,
            last=date.fromisoformat(last) if last else None,
            cadence=cadence,
            due=due,
            weight=weights.get(cid, 1.0),
            snoozed_until=date.fromisoformat(snoozed) if snoozed else None,
            last_interaction_id=last_id,
            last_negative=bool(negative),
        )
    return out


_UNSET = object()


def _segments(
    conn: sqlite3.Connection, contact_ids: list[int] | None
) -> tuple[dict[int, tuple[str | None, ...]], dict[int, float]]:
    """Each contact's segment cadences and its highest segment weight."""
    # The few segments go into a dict: cheaper than a join lookup for each membership.
    segments = {r[0]: r[1:] for r in _tuples(conn, "SELECT id, cadence, weight FROM segment")}
    sql = "SELECT contact_id, segment_id FROM contact_segment"
    if contact_ids is not None:
        sql += f" WHERE contact_id IN ({','.join(str(int(i)) for i in contact_ids)})"
    cadences: dict[int, tuple[str | None, ...]] = {}
    weights: dict[int, float] = {}
    for cid, sid in _tuples(conn, sql):
        cadence_text, weight = segments[sid]
        cadences[cid] = (*cadences.get(cid, ()), cadence_text)
        weights[cid] = max(weights.get(cid, 0.0), weight)
    return cadences, weights


def _tuples(conn: sqlite3.Connection, sql: str, params: object = ()) -> sqlite3.Cursor:
    """Rows as plain tuples: building thousands of sqlite3.Row objects costs more than the query."""
    cur = conn.cursor()
    cur.row_factory = None
    return cur.execute(sql, params)


def one(store: Store, config: Config, contact_id: int, on: date) -> Schedule:
    return schedules(store, config, on, contact_ids=[contact_id], include_archived=True)[contact_id]
