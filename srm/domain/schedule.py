"""When each contact is next due: last interaction + effective cadence, computed in SQL + Python.

Never loads interactions: SQLite finds each contact's last date with one index seek on
interaction_contact (contact_id, occurred_on).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from srm import cadence as cad
from srm.config import Config
from srm.store.db import Store


@dataclass
class Schedule:
    contact_id: int
    last: date | None
    cadence: cad.Cadence | None
    due: date | None  # None: not tracked
    weight: float
    snoozed_until: date | None

    @property
    def tracked(self) -> bool:
        return self.cadence is not None


_SQL = """
SELECT c.id, c.cadence, c.since, c.snoozed_until,
       (SELECT max(ic.occurred_on) FROM interaction_contact ic
         WHERE ic.contact_id = c.id AND ic.occurred_on <= :on) AS last
FROM contact c
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
    seg_cadences: dict[int, list[str | None]] = {}
    weights: dict[int, float] = {}
    seg_sql = (
        "SELECT cs.contact_id, s.cadence, s.weight FROM contact_segment cs"
        " JOIN segment s ON s.id = cs.segment_id"
    )
    if contact_ids is not None:
        seg_sql += f" WHERE cs.contact_id IN ({','.join(str(int(i)) for i in contact_ids)})"
    for cid, cadence_text, weight in conn.execute(seg_sql):
        seg_cadences.setdefault(cid, []).append(cadence_text)
        weights[cid] = max(weights.get(cid, 0.0), weight)
    parsed: dict[tuple[str | None, tuple], cad.Cadence | None] = {}
    out: dict[int, Schedule] = {}
    for cid, own, since, snoozed, last in conn.execute(
        _SQL.format(where=" AND ".join(where)), params
    ):
        segs = seg_cadences.get(cid, [])
        key = (own, tuple(segs))
        if key not in parsed:
            parsed[key] = cad.effective(own, segs, config.default_cadence)
        cadence = parsed[key]
        last_d = date.fromisoformat(last) if last else None
        start = last_d or date.fromisoformat(since)
        out[cid] = Schedule(
            contact_id=cid,
            last=last_d,
            cadence=cadence,
            due=cadence.after(start) if cadence else None,
            weight=weights.get(cid, 1.0),
            snoozed_until=date.fromisoformat(snoozed) if snoozed else None,
        )
    return out


def one(store: Store, config: Config, contact_id: int, on: date) -> Schedule:
    return schedules(store, config, on, contact_ids=[contact_id], include_archived=True)[contact_id]
