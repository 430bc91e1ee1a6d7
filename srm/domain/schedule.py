"""When each contact is next due: last interaction + effective cadence.

Read from the stored per-contact state when it is current (srm.domain.state), else walked from
the history: SQLite finds each contact's last interaction with one index seek on
interaction_contact (contact_id, occurred_on), never loading interactions. The walk is also what
keeps the state: the write path recomputes changed contacts with it, so the cadence arithmetic
has one implementation.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from srm import cadence as cad
from srm.config import Config
from srm.store.db import Store
from srm.store.dialect import engine_sql

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
    # Only with schedules(..., with_last=True) (always from the state): the latest interaction.
    last_interaction_id: int | None = None
    last_sentiment: str | None = None
    last_channel: str | None = None
    from_default: bool = False  # the cadence is the config's default_cadence
    archived: bool = False

    @property
    def tracked(self) -> bool:
        return self.cadence is not None

    @property
    def last_negative(self) -> bool:
        return self.last_sentiment == "negative"


_SQL = """
SELECT c.id, c.cadence, c.since, c.snoozed_until, c.archived_at IS NOT NULL,
       (SELECT max(ic.occurred_on) FROM interaction_contact ic
         WHERE ic.contact_id = c.id AND ic.occurred_on <= :on) AS last, NULL, NULL, NULL
FROM contact c
WHERE {where}
"""
# The same, plus which interaction was the latest: same day, the one with the highest id (logged
# last; a link row's own rowid changes when undo puts it back, an interaction's id never does).
# `srm due` needs it for repairs and the last channel; ~15 ms more at 10k contacts, whatever the
# history's length.
_SQL_WITH_LAST = {
    "sqlite": """
SELECT c.id, c.cadence, c.since, c.snoozed_until, c.archived_at IS NOT NULL, l.occurred_on,
       l.interaction_id, i.sentiment, i.channel
FROM contact c
LEFT JOIN interaction_contact l ON l.rowid = (
    SELECT ic.rowid FROM interaction_contact ic
     WHERE ic.contact_id = c.id AND ic.occurred_on <= :on
     ORDER BY ic.occurred_on DESC, ic.interaction_id DESC LIMIT 1)
LEFT JOIN interaction i ON i.id = l.interaction_id
WHERE {where}
""",
    # No rowid: the same walk down the (contact, date, interaction) index as a lateral join.
    "postgresql": """
SELECT c.id, c.cadence, c.since, c.snoozed_until, c.archived_at IS NOT NULL, l.occurred_on,
       l.interaction_id, i.sentiment, i.channel
FROM contact c
LEFT JOIN LATERAL (
    SELECT ic.occurred_on, ic.interaction_id FROM interaction_contact ic
     WHERE ic.contact_id = c.id AND ic.occurred_on <= :on
     ORDER BY ic.occurred_on DESC, ic.interaction_id DESC LIMIT 1) l ON true
LEFT JOIN interaction i ON i.id = l.interaction_id
WHERE {where}
""",
}
_FROM_STATE = """
SELECT c.id, s.cadence, s.next_due, s.weight, s.snoozed_until, s.last_on, s.last_id,
       s.last_sentiment, s.last_channel, s.cadence_default, s.archived
FROM contact c JOIN contact_state s ON s.contact_id = c.id
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
    from srm.domain import state

    if contact_ids is not None and not contact_ids:
        return {}
    where, params = _where(contact_ids, include_archived, segment_id, tag, owners)
    usable, any_ahead = state.usable_ahead(store, config, on)
    if usable:
        out = _from_state(store.conn, where, params)
        walk = [cid for cid in state.ahead(store, on) if cid in out] if any_ahead else []
        if walk:
            out.update(
                from_history(
                    store.conn,
                    config.default_cadence,
                    on,
                    [*where, f"c.id IN ({','.join(map(str, walk))})"],
                    params,
                    walk,
                    with_last=True,
                )
            )
        return out
    return from_history(
        store.conn, config.default_cadence, on, where, params, contact_ids, with_last=with_last
    )


def history_schedules(
    store: Store,
    default_cadence: str,
    on: date | None,
    *,
    contact_ids: list[int] | None = None,
    include_archived: bool = False,
    segment_id: int | None = None,
    tag: str | None = None,
    owners: Owners | None = None,
) -> dict[int, Schedule]:
    """The reference: schedules walked from the history (all of it when `on` is None)."""
    if contact_ids is not None and not contact_ids:
        return {}
    where, params = _where(contact_ids, include_archived, segment_id, tag, owners)
    return from_history(store.conn, default_cadence, on, where, params, contact_ids, with_last=True)


def _where(
    contact_ids: list[int] | None,
    include_archived: bool,
    segment_id: int | None,
    tag: str | None,
    owners: Owners | None = None,
) -> tuple[list[str], dict[str, object]]:
    where = ["TRUE"] if include_archived else ["c.archived_at IS NULL"]
    params: dict[str, object] = {}
    if contact_ids is not None:
        where.append(f"c.id IN ({','.join(str(int(i)) for i in contact_ids)})")
    if segment_id is not None:
        where.append("c.id IN (SELECT contact_id FROM contact_segment WHERE segment_id = :seg)")
        params["seg"] = segment_id
    if tag is not None:
        where.append("c.id IN (SELECT contact_id FROM contact_tag WHERE tag = :tag)")
        params["tag"] = tag
    if owners is not None:  # team mode: one member's contacts (and/or nobody's)
        cond, values = owners.sql("c.owner_id", named=True)
        where.append(cond)
        params.update(values)
    return where, params


def from_history(
    conn: sqlite3.Connection,
    default_cadence: str,
    on: date | None,
    where: list[str],
    params: dict[str, object],
    contact_ids: list[int] | None,
    *,
    with_last: bool,
) -> dict[int, Schedule]:
    seg_cadences, weights = _segments(conn, contact_ids)
    parsed: dict[tuple[str | None, tuple], tuple[cad.Cadence | None, bool]] = {}
    # Many contacts share a cadence and a start date; calendar arithmetic is done once for each.
    due_on: dict[tuple[cad.Cadence, str], date] = {}
    out: dict[int, Schedule] = {}
    sql = (engine_sql(conn, _SQL_WITH_LAST) if with_last else _SQL).format(
        where=" AND ".join(where)
    )
    params = {**params, "on": on.isoformat() if on is not None else "9999-12-31"}
    for cid, own, since, snoozed, archived, last, last_id, sentiment, channel in _tuples(
        conn, sql, params
    ):
        key = (own, seg_cadences.get(cid, ()))
        found = parsed.get(key)
        if found is None:
            found = parsed[key] = _effective(own, key[1], default_cadence)
        cadence, from_default = found
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
            last_sentiment=sentiment,
            last_channel=channel,
            from_default=from_default,
            archived=bool(archived),
        )
    return out


def _effective(
    own: str | None, segment_cadences: tuple[str | None, ...], default: str
) -> tuple[cad.Cadence | None, bool]:
    """The effective cadence, and whether it is the default (nothing of the contact's own)."""
    from_default = own is None and all(cad.parse(s) is None for s in segment_cadences)
    return cad.effective(own, list(segment_cadences), default), from_default


def _from_state(
    conn: sqlite3.Connection, where: list[str], params: dict[str, object]
) -> dict[int, Schedule]:
    out: dict[int, Schedule] = {}
    cadences: dict[str | None, cad.Cadence | None] = {None: None}
    days: dict[str | None, date | None] = {None: None}

    def day(text: str | None) -> date | None:
        d = days.get(text, _UNSET)
        if d is _UNSET:
            d = days[text] = date.fromisoformat(text)  # type: ignore[arg-type]
        return d  # type: ignore[return-value]

    sql = _FROM_STATE.format(where=" AND ".join(where))
    for (
        cid,
        cadence,
        due,
        weight,
        snoozed,
        last,
        last_id,
        sentiment,
        channel,
        default,
        archived,
    ) in _tuples(conn, sql, params):
        c = cadences.get(cadence, _UNSET)
        if c is _UNSET:
            c = cadences[cadence] = cad.parse(cadence)
        out[cid] = Schedule(
            contact_id=cid,
            last=day(last),
            cadence=c,  # type: ignore[arg-type]
            due=day(due),
            weight=weight,
            snoozed_until=day(snoozed),
            last_interaction_id=last_id,
            last_sentiment=sentiment,
            last_channel=channel,
            from_default=bool(default),
            archived=bool(archived),
        )
    return out


_UNSET = object()


def _segments(
    conn: sqlite3.Connection, contact_ids: list[int] | None
) -> tuple[dict[int, tuple[str | None, ...]], dict[int, float]]:
    """Each contact's segment cadences and its highest segment weight."""
    if contact_ids is not None:  # a few contacts (a write's): one statement, a join
        rows = _tuples(
            conn,
            "SELECT cs.contact_id, s.cadence, s.weight FROM contact_segment cs"
            " JOIN segment s ON s.id = cs.segment_id"
            f" WHERE cs.contact_id IN ({','.join(str(int(i)) for i in contact_ids)})",
        )
    else:  # the few segments go into a dict: cheaper than a join lookup for each membership
        segments = {r[0]: r[1:] for r in _tuples(conn, "SELECT id, cadence, weight FROM segment")}
        memberships = _tuples(conn, "SELECT contact_id, segment_id FROM contact_segment")
        rows = ((cid, *segments[sid]) for cid, sid in memberships)
    cadences: dict[int, tuple[str | None, ...]] = {}
    weights: dict[int, float] = {}
    for cid, cadence_text, weight in rows:
        cadences[cid] = (*cadences.get(cid, ()), cadence_text)
        weights[cid] = max(weights.get(cid, 0.0), weight)
    return cadences, weights


def _tuples(conn: sqlite3.Connection, sql: str, params: object = ()) -> sqlite3.Cursor:
    """Rows as plain tuples: building thousands of sqlite3.Row objects costs more than the query."""
    cur = conn.cursor()
    cur.row_factory = None
    return cur.execute(sql, params)


def texts(
    store: Store, config: Config, on: date, contact_ids: list[int]
) -> dict[int, tuple[str | None, str | None, str | None]]:
    """Effective cadence, last interaction and next due of each contact as text (None: not
    tracked, never), the way listings print them; from the stored state without building a
    Schedule per contact when it is current."""
    from srm.domain import state

    if not contact_ids:
        return {}
    out: dict[int, tuple[str | None, str | None, str | None]] = {}
    walk = contact_ids
    usable, any_ahead = state.usable_ahead(store, config, on)
    if usable:
        sql = "SELECT contact_id, cadence, last_on, next_due FROM contact_state"
        if len(contact_ids) <= 1000:
            sql += f" WHERE contact_id IN ({','.join(str(int(i)) for i in contact_ids)})"
        out = {r[0]: r[1:] for r in _tuples(store.conn, sql)}
        ahead = set(state.ahead(store, on)) if any_ahead else set()
        walk = [cid for cid in contact_ids if cid in ahead or cid not in out]
    if walk:
        for cid, p in schedules(store, config, on, contact_ids=walk, include_archived=True).items():
            out[cid] = (
                str(p.cadence) if p.cadence else None,
                p.last.isoformat() if p.last else None,
                p.due.isoformat() if p.due else None,
            )
    return out


def one(store: Store, config: Config, contact_id: int, on: date) -> Schedule:
    return schedules(store, config, on, contact_ids=[contact_id], include_archived=True)[contact_id]
