"""`srm due`: who needs attention on a date, ranked by urgency.

Each source yields items of one type (check-ins, follow-ups, …); all are ranked together.
Urgency is a sum of named terms so `--explain` can show how each number came about.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

from srm.config import Config
from srm.domain import followups as fu
from srm.domain import goals, ideas, important_dates, repair, schedule
from srm.domain.common import plural
from srm.domain.team import Owners
from srm.store.db import Store

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
    owners: Owners | None = None  # team mode: only the contacts (and follow-ups) of an owner

    @property
    def until(self) -> date:
        return self.on + timedelta(days=self.within)

    @cached_property
    def plans(self) -> dict[int, schedule.Schedule]:
        """Every listed contact's schedule and latest interaction, read once for all sources."""
        return schedule.schedules(
            self.store, self.config, self.on, segment_id=self.segment_id, tag=self.tag,
            owners=self.owners, with_last=True,
        )  # fmt: skip

    def contact_filter_sql(self, column: str) -> tuple[str, list]:
        """A WHERE fragment limiting `column` (a contact id) to the segment/tag (and owner)
        asked for."""
        return self._filter_sql(column, by_owner=True)

    def followup_filter_sql(self) -> tuple[str, list]:
        """The same for follow-up `f` of contact `c`; with an owner, a follow-up goes with who
        made it (else with its contact's owner), not with its contact."""
        extra, params = self._filter_sql("c.id", by_owner=False)
        if self.owners is not None:
            cond, more = self.owners.of_followup("f", "c")
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
    items: list[Item]
    next_checkin: tuple[date, dict] | None  # the first check-in beyond the window


def _round(x: float) -> float:
    return round(x, 3)


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
        late = (q.on - p.due).days
        n_fu = open_fu.get(cid, 0)
        days = p.cadence.days
        terms = [
            ("segment weight", p.weight),
            (f"1 + {late}d late / {days:.0f}d cadence", 1 + late / days),
        ]
        urgency = p.weight * (1 + late / days)
        if n_fu:
            terms.append(
                (f"+ {FOLLOWUP_BONUS} × {plural(n_fu, 'open follow-up')}", FOLLOWUP_BONUS * n_fu)
            )
            urgency += FOLLOWUP_BONUS * n_fu
        items.append(
            Item(
                "checkin",
                {"id": cid},
                p.due,
                q.on,
                terms,
                _round(urgency),
                {
                    "last_interaction": p.last.isoformat() if p.last else None,
                    "cadence": str(p.cadence),
                },
            )
        )
    return items


def followups(q: Query, refs: dict[int, dict], weights: dict[int, float]) -> list[Item]:
    items = []
    for f in fu.open_due_by(q.store, q.until, q.followup_filter_sql()):
        cid = f["contact"]["id"]
        refs[cid] = f["contact"]
        due = date.fromisoformat(f["due"])
        late = (q.on - due).days
        w = weights.get(cid, 1.0)
        terms = [
            ("segment weight", w),
            (f"1 + {late}d late / {FOLLOWUP_SCALE_DAYS}d", 1 + late / FOLLOWUP_SCALE_DAYS),
        ]
        items.append(
            Item(
                "followup",
                {"id": cid},
                due,
                q.on,
                terms,
                _round(w * (1 + late / FOLLOWUP_SCALE_DAYS)),
                {"id": f["id"], "text": f["text"]},
            )
        )
    return items


# Sources run in order; later ones may use the weights the check-ins recorded.
Source = Callable[[Query, dict, dict], list[Item]]
SOURCES: list[Source] = [
    checkins,
    followups,
    repair.due_items,
    goals.due_items,
    important_dates.due_items,
]
TYPE_ORDER = {"repair": 0, "followup": 1, "checkin": 2, "goal": 3, "date": 4}


def _fill_refs(store: Store, items: list[Item], refs: dict[int, dict]) -> None:
    missing = sorted({i.contact["id"] for i in items} - set(refs))
    for k in range(0, len(missing), 900):
        chunk = missing[k : k + 900]
        for r in store.conn.execute(
            f"SELECT id, uuid, handle, name FROM contact WHERE id IN ({','.join('?' * len(chunk))})",
            chunk,
        ):
            refs[r[0]] = {"id": r[0], "uuid": r[1], "handle": r[2], "name": r[3]}
    for i in items:
        i.contact = refs[i.contact["id"]]


def compute(q: Query) -> Result:
    refs: dict[int, dict] = {}
    weights: dict[int, float] = {}
    items: list[Item] = []
    for source in SOURCES:
        items.extend(source(q, refs, weights))
    _fill_refs(q.store, items, refs)
    items.sort(
        key=lambda i: (
            -i.urgency,
            i.due,
            TYPE_ORDER.get(i.type, 9),
            i.contact["name"].casefold(),
            i.contact["id"],
            i.fields.get("id", 0),
        )
    )
    return Result(q.on, items, None)


def next_checkin(q: Query) -> tuple[date, dict] | None:
    """The first check-in after the window, to say when the next one falls on an empty day."""
    plans = q.plans
    future = [(p.due, cid) for cid, p in plans.items() if p.due and p.due > q.until]
    if not future:
        return None
    d, cid = min(future)
    refs: dict[int, dict] = {}
    item = Item("checkin", {"id": cid}, d, q.on, [], 0.0)
    _fill_refs(q.store, [item], refs)
    return d, item.contact


def enrich(q: Query, items: list[Item]) -> None:
    """Add what a person reads beside a check-in: last channel, asks since the last give.

    Runs only on the items shown, so its per-contact queries stay few.
    """
    from srm.domain import extras, interactions

    ids = sorted({i.contact["id"] for i in items if i.type == "checkin"})
    last = interactions.last_details(q.store, ids, q.on)
    asks = extras.asks_since_give(q.store, ids, q.on)
    for i in items:
        if i.type != "checkin":
            continue
        cid = i.contact["id"]
        i.fields["last_channel"] = last.get(cid, {}).get("channel")
        i.fields["asks_since_give"] = asks[cid]
    for hook in ENRICHERS:
        hook(q, items)


# Other modules add hints to the shown items here (e.g. a non-ask idea to offer).
ENRICHERS: list[Callable[[Query, list[Item]], None]] = [ideas.offer_on_checkins]
