"""`srm due`: who needs attention on a date, ranked by urgency.

Each source yields items of one type (check-ins, follow-ups, …); all are ranked together.
Urgency is a sum of named terms so `--explain` can show how each number came about.

Two ways to the same list. When the stored per-contact state is current (srm.domain.state),
each source is ranked by SQLite over it (`RANKED`): it computes urgency in SQL from narrow
rows and covering indexes, reads its items in order of urgency and stops after the ones that
can still be among the first N, counting the rest, and reads names and texts for those only;
showing twenty items builds about twenty. Otherwise (`--on` a past date, a state not yet
refreshed) every source walks the history as it always did; that walk is the reference the
ranked path is tested against, item for item and byte for byte.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cached_property
from typing import TYPE_CHECKING

from srm import cadence as cad
from srm.config import Config
from srm.domain import followups as fu
from srm.domain import goals, ideas, important_dates, repair, schedule, state
from srm.domain.common import plural
from srm.store.db import Store
from srm.store.dialect import engine_sql

if TYPE_CHECKING:
    from srm.domain.team import Owners

FOLLOWUP_BONUS = 0.5  # per open follow-up: a promised contact is more urgent
FOLLOWUP_SCALE_DAYS = 7  # a follow-up a week late counts like a check-in one cadence late


@dataclass
class Item:
    type: str  # checkin, followup (and the types other sources add)
    contact: dict  # {"id", "uuid", "handle", "name"}
    due: date
    on: date
    terms: list[tuple[str, float]]  # (explanation, value); urgency is their product/sum below
    urgency: float
    fields: dict = field(default_factory=dict)

    @property
    def days_overdue(self) -> int:
        return (self.on - self.due).days

    @property
    def status(self) -> str:
        d = self.days_overdue
        return "overdue" if d > 0 else "today" if d == 0 else "upcoming"

    def as_json(self) -> dict:
        return {
            "type": self.type,
            "contact": self.contact,
            "due": self.due.isoformat(),
            "status": self.status,
            "days_overdue": self.days_overdue,
            "urgency": self.urgency,
            **self.fields,
        }


@dataclass
class Query:
    store: Store
    config: Config
    on: date
    within: int
    segment_id: int | None = None
    tag: str | None = None
    contact_ids: list[int] | None = None  # only these (the ranked path walks a few this way)
    owners: Owners | None = None  # team mode: only the contacts (and follow-ups) of an owner

    @property
    def until(self) -> date:
        return self.on + timedelta(days=self.within)

    @cached_property
    def plans(self) -> dict[int, schedule.Schedule]:
        """Every listed contact's schedule and latest interaction, walked from the history once
        for all sources (the reference path: the ranked one reads the stored state instead)."""
        return schedule.history_schedules(
            self.store, self.config.default_cadence, self.on, contact_ids=self.contact_ids,
            segment_id=self.segment_id, tag=self.tag, owners=self.owners,
        )  # fmt: skip

    @cached_property
    def ahead(self) -> Query | None:
        """The contacts the stored state can't answer for as of `on` (an interaction after it),
        as a query of their own for the walking sources; None when there are none."""
        ids = state.ahead(self.store, self.on, include_archived=False)
        return replace(self, contact_ids=ids) if ids else None

    def contact_filter_sql(self, column: str) -> tuple[str, list]:
        """A WHERE fragment limiting `column` (a contact id) to the segment/tag (and owner)
        asked for."""
        return self._filter_sql(column, by_owner=True)

    def followup_filter_sql(self) -> tuple[str, list]:
        """The same for follow-up `f`; with an owner, a follow-up goes with who made it (else
        with its contact's owner), not with its contact."""
        extra, params = self._filter_sql("f.contact_id", by_owner=False)
        if self.owners is not None:
            cond, more = self.owners.of_followup("f", "f.contact_id")
            extra, params = f"{extra} AND {cond}", params + more
        return extra, params

    def _filter_sql(self, column: str, *, by_owner: bool) -> tuple[str, list]:
        parts, params = [], []
        if self.segment_id is not None:
            parts.append(
                f"{column} IN (SELECT contact_id FROM contact_segment WHERE segment_id = ?)"
            )
            params.append(self.segment_id)
        if self.tag is not None:
            parts.append(f"{column} IN (SELECT contact_id FROM contact_tag WHERE tag = ?)")
            params.append(self.tag)
        if by_owner and self.owners is not None:
            cond, more = self.owners.of_contact(column)
            parts.append(cond)
            params += more
        return (" AND " + " AND ".join(parts) if parts else ""), params


@dataclass
class Result:
    on: date
    items: list[Item]  # most urgent first: the first `limit` asked for, or all
    total: int  # how many items there are in all
    from_state: bool = False  # ranked over the stored state (else walked from the history)


def _round(x: float) -> float:
    return round(x, 3)


# Ranked sources read until the urgency falls this far below the N-th item's: rounding to 3
# decimals can make items that close tie with it (and the tie-breaks then decide), but an item
# further down has at least N items strictly above it.
MARGIN = 0.002


def ranked_rows(
    store: Store, columns: str, source: str, params: list, limit: int | None
) -> tuple[list[tuple], int]:
    """`SELECT columns source` in falling order of urgency (the last column): the rows that can
    be among the first `limit` once rounded (all when None), and how many rows there are.

    `source` should be answerable from narrow rows or a covering index: it runs over every
    candidate (17,000 check-ins at 100k contacts). What a shown item needs besides is read
    for the rows kept only (`by_key`)."""
    cur = store.conn.cursor()
    cur.row_factory = None
    out: list[tuple] = []
    floor = None
    for row in cur.execute(f"SELECT {columns} {source} ORDER BY urgency DESC", params):
        if floor is not None and row[-1] < floor:
            # SQLite has sorted them all: counting the rest is cheaper than a count(*) that
            # would read the candidates again (follow-ups and goals join the state).
            return out, len(out) + 1 + sum(1 for _ in cur)
        out.append(row)
        if limit is not None and len(out) == limit:
            floor = row[-1] - MARGIN
    return out, len(out)


def ranked_details(
    store: Store, columns: str, source: str, params: list, limit: int | None, details: str
) -> tuple[list[tuple], int, dict]:
    """`ranked_rows`, and `by_key(store, details, …)` for the keys of the rows kept (their
    first column): in one statement on a server."""
    select = f"SELECT {columns} {source}"
    sql = store.dialect.top_rows(select, limit, MARGIN, details) if limit else None
    if sql is None:
        ranked, total = ranked_rows(store, columns, source, params, limit)
        return ranked, total, by_key(store, details, [r[0] for r in ranked])
    cur = store.conn.cursor()
    cur.row_factory = None
    rows = cur.execute(sql, params).fetchall()
    n = [d[0] for d in cur.description].index("srm_total")
    total = rows[0][n] if rows else 0
    return [r[:n] for r in rows], total, {r[n + 1]: r[n + 1 :] for r in rows}


def by_key(store: Store, sql: str, keys: list) -> dict:
    """Rows of `sql`, whose `{keys}` stands for the keys' list, by their first column."""
    cur = store.conn.cursor()
    cur.row_factory = None
    cur.execute(
        sql.format(keys=f"SELECT value FROM {store.dialect.json_ids('?')}"), [json.dumps(keys)]
    )
    return {r[0]: r for r in cur}


def julian(d: date) -> str:
    """`d` as an SQLite Julian day number, to put in SQL as a constant: julianday(?) would
    parse the date again for every row."""
    return repr(d.toordinal() + 1721424.5)


def checkin_item(
    on: date,
    contact: dict,
    due: date,
    last: date | None,
    cadence: cad.Cadence,
    weight: float,
    open_followups: int,
) -> Item:
    late = (on - due).days
    days = cadence.days
    terms = [
        ("segment weight", weight),
        (f"1 + {late}d late / {days:.0f}d cadence", 1 + late / days),
    ]
    urgency = weight * (1 + late / days)
    if open_followups:
        bonus = FOLLOWUP_BONUS * open_followups
        terms.append((f"+ {FOLLOWUP_BONUS} × {plural(open_followups, 'open follow-up')}", bonus))
        urgency += bonus
    return Item(
        "checkin",
        contact,
        due,
        on,
        terms,
        _round(urgency),
        {"last_interaction": last.isoformat() if last else None, "cadence": str(cadence)},
    )


def followup_item(
    on: date, contact: dict, followup_id: int, text: str, due: date, weight: float
) -> Item:
    late = (on - due).days
    terms = [
        ("segment weight", weight),
        (f"1 + {late}d late / {FOLLOWUP_SCALE_DAYS}d", 1 + late / FOLLOWUP_SCALE_DAYS),
    ]
    return Item(
        "followup",
        contact,
        due,
        on,
        terms,
        _round(weight * (1 + late / FOLLOWUP_SCALE_DAYS)),
        {"id": followup_id, "text": text},
    )


def checkins(q: Query, refs: dict[int, dict], weights: dict[int, float]) -> list[Item]:
    plans = q.plans
    open_fu = fu.open_counts(q.store)
    until = q.until
    items = []
    for cid, p in plans.items():
        weights[cid] = p.weight
        if p.due is None or p.due > until:
            continue
        if p.snoozed_until is not None and p.snoozed_until >= q.on:
            continue
        item = checkin_item(
            q.on, {"id": cid}, p.due, p.last, p.cadence, p.weight, open_fu.get(cid, 0)
        )
        items.append(item)
    return items


def followups(q: Query, refs: dict[int, dict], weights: dict[int, float]) -> list[Item]:
    items = []
    for f in fu.open_due_by(q.store, q.until, q.followup_filter_sql()):
        cid = f["contact"]["id"]
        refs[cid] = f["contact"]
        items.append(
            followup_item(
                q.on,
                {"id": cid},
                f["id"],
                f["text"],
                date.fromisoformat(f["due"]),
                weights.get(cid, 1.0),
            )
        )
    return items


# Check-ins and follow-ups over the stored state, ranked by SQLite: (items, how many in all).
# `+s.last_on`: the candidates come from the covering due-date index, not a range of last_on.
_CHECKINS = """
FROM contact_state s
WHERE s.archived = 0 AND s.next_due <= ? AND (+s.last_on IS NULL OR +s.last_on <= ?)
  AND (s.snoozed_until IS NULL OR s.snoozed_until < ?){extra}
"""
_CHECKIN_DETAILS = """
SELECT s.contact_id, c.uuid, c.handle, c.name, s.next_due, s.last_on, s.cadence, s.weight,
       s.open_followups, s.last_channel, s.asks_since_give
FROM contact_state s JOIN contact c ON c.id = s.contact_id WHERE s.contact_id IN ({keys})
"""


def ranked_checkins(q: Query, limit: int | None) -> tuple[list[Item], int]:
    extra, params = q.contact_filter_sql("s.contact_id")
    on = q.on.isoformat()
    _, total, rows = ranked_details(
        q.store,
        "s.contact_id,"
        f" s.weight * (1 + ({julian(q.on)} - julianday(s.next_due)) / s.cadence_days)"
        f" + {float(FOLLOWUP_BONUS)} * s.open_followups AS urgency",
        _CHECKINS.format(extra=extra),
        [q.until.isoformat(), on, on, *params],
        limit,
        _CHECKIN_DETAILS,
    )
    cadences: dict[str, cad.Cadence] = {}
    items = []
    for cid, uuid, handle, name, due, last, cadence, weight, n_fu, channel, asks in rows.values():
        c = cadences.get(cadence) or cadences.setdefault(cadence, cad.parse(cadence))
        item = checkin_item(
            q.on,
            {"id": cid, "uuid": uuid, "handle": handle, "name": name},
            date.fromisoformat(due),
            date.fromisoformat(last) if last else None,
            c,
            weight,
            n_fu,
        )
        # What `enrich` would look up, known already.
        item.fields["last_channel"] = channel
        item.fields["asks_since_give"] = asks
        items.append(item)
    if q.ahead is not None:
        walked = checkins(q.ahead, {}, {})
        items += walked
        total += len(walked)
    return items, total


_FOLLOWUPS = {
    "sqlite": """
FROM followup f CROSS JOIN contact_state s INDEXED BY ix_contact_state_weight
  ON s.contact_id = f.contact_id
WHERE f.status = 'open' AND f.due_on <= ? AND s.archived = 0{extra}
""",
    # A contact's weight looked up per open follow-up (OFFSET 0 keeps the lookup a lookup), as
    # SQLite's join order says: PostgreSQL's planner hashes all 10,000 states first (1M: 3.3
    # -> 2.0 ms).
    "postgresql": """
FROM followup f JOIN LATERAL (
  SELECT s.weight FROM contact_state s WHERE s.contact_id = f.contact_id AND s.archived = 0
  OFFSET 0) s ON true
WHERE f.status = 'open' AND f.due_on <= ?{extra}
""",
}
_FOLLOWUP_DETAILS = """
SELECT f.id, f.text, f.due_on, c.id, c.uuid, c.handle, c.name, s.weight
FROM followup f JOIN contact c ON c.id = f.contact_id
JOIN contact_state s ON s.contact_id = f.contact_id WHERE f.id IN ({keys})
"""


def ranked_followups(q: Query, limit: int | None) -> tuple[list[Item], int]:
    extra, params = q.followup_filter_sql()
    _, total, rows = ranked_details(
        q.store,
        "f.id,"
        f" s.weight * (1 + ({julian(q.on)} - julianday(f.due_on)) / {float(FOLLOWUP_SCALE_DAYS)})"
        " AS urgency",
        engine_sql(q.store.conn, _FOLLOWUPS).format(extra=extra),
        [q.until.isoformat(), *params],
        limit,
        _FOLLOWUP_DETAILS,
    )
    items = [
        followup_item(
            q.on,
            {"id": cid, "uuid": uuid, "handle": handle, "name": name},
            fid,
            text,
            date.fromisoformat(due),
            weight,
        )
        for fid, text, due, cid, uuid, handle, name, weight in rows.values()
    ]
    return items, total


# Sources run in order; later ones may use the weights the check-ins recorded.
Source = Callable[[Query, dict, dict], list[Item]]
SOURCES: list[Source] = [
    checkins,
    followups,
    repair.due_items,
    goals.due_items,
    important_dates.due_items,
]
# A source's counterpart ranked by SQLite over the stored state: (items, how many in all).
RankedSource = Callable[[Query, int | None], tuple[list[Item], int]]
RANKED: dict[Source, RankedSource] = {
    checkins: ranked_checkins,
    followups: ranked_followups,
    repair.due_items: repair.ranked_items,
    goals.due_items: goals.ranked_items,
    important_dates.due_items: important_dates.ranked_items,
}
TYPE_ORDER = {"repair": 0, "followup": 1, "checkin": 2, "goal": 3, "date": 4}


def _fill_refs(store: Store, items: list[Item], refs: dict[int, dict]) -> None:
    missing = sorted({i.contact["id"] for i in items if "name" not in i.contact} - set(refs))
    for k in range(0, len(missing), 900):
        chunk = missing[k : k + 900]
        for r in store.conn.execute(
            f"SELECT id, uuid, handle, name FROM contact WHERE id IN ({','.join('?' * len(chunk))})",
            chunk,
        ):
            refs[r[0]] = {"id": r[0], "uuid": r[1], "handle": r[2], "name": r[3]}
    for i in items:
        if "name" not in i.contact:
            i.contact = refs[i.contact["id"]]


def _rank(i: Item) -> tuple:
    return (
        -i.urgency,
        i.due,
        TYPE_ORDER.get(i.type, 9),
        i.contact["name"].casefold(),
        i.contact["id"],
        i.fields.get("id", 0),
    )


def compute(q: Query, limit: int | None = None) -> Result:
    """The items due, most urgent first: the first `limit` (all when None), and how many."""
    usable, any_ahead = state.usable_ahead(q.store, q.config, q.on)
    if usable:
        if not any_ahead:
            q.__dict__["ahead"] = None  # known now: `Query.ahead` needn't ask the store
        return ranked(q, limit)
    return walked(q, limit)


def walked(q: Query, limit: int | None = None) -> Result:
    """The reference: every source builds all its items from the history, then all are sorted."""
    refs: dict[int, dict] = {}
    weights: dict[int, float] = {}
    items: list[Item] = []
    for source in SOURCES:
        items.extend(source(q, refs, weights))
    _fill_refs(q.store, items, refs)
    items.sort(key=_rank)
    return Result(q.on, items if limit is None else items[:limit], len(items))


def ranked(q: Query, limit: int | None = None) -> Result:
    """The same list from the stored state (which must be `state.usable`)."""
    refs: dict[int, dict] = {}
    items: list[Item] = []
    total = 0
    for source in SOURCES:
        if source in RANKED:
            found, n = RANKED[source](q, limit)
        else:  # a source with no ranked counterpart: as the walk runs it
            found = source(q, refs, {cid: p.weight for cid, p in q.plans.items()})
            n = len(found)
        items.extend(found)
        total += n
    _fill_refs(q.store, items, refs)
    items.sort(key=_rank)
    return Result(q.on, items if limit is None else items[:limit], total, from_state=True)


_NEXT_SQL = """
SELECT s.next_due, s.contact_id FROM contact_state s
WHERE s.archived = 0 AND s.next_due > ? AND (+s.last_on IS NULL OR +s.last_on <= ?){extra}
ORDER BY s.next_due, s.contact_id LIMIT 1
"""


def next_checkin(q: Query) -> tuple[date, dict] | None:
    """The first check-in after the window, to say when the next one falls on an empty day."""
    walk = q
    future = []
    if state.usable(q.store, q.config, q.on):
        extra, params = q.contact_filter_sql("s.contact_id")
        row = q.store.conn.execute(
            _NEXT_SQL.format(extra=extra), [q.until.isoformat(), q.on.isoformat(), *params]
        ).fetchone()
        if row is not None:
            future.append((date.fromisoformat(row[0]), row[1]))
        walk = q.ahead
    if walk is not None:
        future += [(p.due, cid) for cid, p in walk.plans.items() if p.due and p.due > q.until]
    if not future:
        return None
    d, cid = min(future)
    item = Item("checkin", {"id": cid}, d, q.on, [], 0.0)
    _fill_refs(q.store, [item], {})
    return d, item.contact


def enrich(q: Query, items: list[Item]) -> None:
    """Add what a person reads beside a check-in: last channel, asks since the last give.

    Runs only on the items shown, so its per-contact queries stay few.
    """
    from srm.domain import extras, interactions

    # Items ranked over the stored state carry these already.
    todo = [i for i in items if i.type == "checkin" and "last_channel" not in i.fields]
    ids = sorted({i.contact["id"] for i in todo})
    last = interactions.last_details(q.store, ids, q.on) if ids else {}
    asks = extras.asks_since_give(q.store, ids, q.on)
    for i in todo:
        cid = i.contact["id"]
        i.fields["last_channel"] = last.get(cid, {}).get("channel")
        i.fields["asks_since_give"] = asks[cid]
    for hook in ENRICHERS:
        hook(q, items)


# Other modules add hints to the shown items here (e.g. a non-ask idea to offer).
ENRICHERS: list[Callable[[Query, list[Item]], None]] = [ideas.offer_on_checkins]
