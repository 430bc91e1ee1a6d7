"""The quarterly review: a period's figures beside the previous period's, aggregated in SQL.

Definitions (the README repeats them for readers of the report):
- A period runs from `from` to `to`, both inclusive. It is compared with the calendar period
  before it (a quarter, month or year), or with as many days just before it (--from/--to,
  --last); a calendar period that hasn't ended is cut at today and compared with as many
  days at the start of the one before.
- Coverage counts *tracked* contacts: not archived at the period's end, added (`since`) by then,
  with a cadence. Cadence and segments are today's (srm keeps no history of them); snoozes
  are ignored.
- *Overdue at the end*: the due date as of `to` (last interaction up to `to`, else `since`,
  plus the cadence) is before `to`. *Neglected*: overdue by more than a full cadence.
- *Kept on cadence*: never overdue during the period (from `since` for a contact added during
  it): every interaction came on or before the due date the one before it set, and the contact
  is not overdue at the end. Due dates follow `srm due`: the last interaction, else `since`.
- *Days since last touch*: from the last interaction up to `to` (else `since`) to `to`.
- Activity counts every interaction in the period; with a segment, those involving a contact
  now in it. An interaction with contacts in two segments counts once in each.
"""

from __future__ import annotations

import bisect
import heapq
import json
import re
import sqlite3
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from srm import cadence as cad
from srm.config import Config
from srm.dates import check_range
from srm.domain.segments import Segment
from srm.errors import UsageError
from srm.store.db import Store
from srm.store.dialect import engine_sql

if TYPE_CHECKING:  # team's module (and contacts') only for the team-mode figures
    from srm.domain.team import Owners

FORMS = (
    "--period 2026Q3 (a quarter), 2026-03 (a month) or 2026 (a year); "
    "--from DATE [--to DATE]; or --last 90d (or 12w)"
)
LIST_LIMIT = 10  # rows in each list of contacts or interactions; counts cover them all
ENGAGED_LIMIT = 5
TREND_PERIODS, MAX_TREND = 4, 36  # periods in the trend lines, this one included
_MONTHS = {"quarter": 3, "month": 1, "year": 12}


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    kind: str  # quarter, month, year (calendar periods) or days (any span)
    label: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def as_json(self) -> dict:
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "label": self.label,
            "days": self.days,
            "kind": self.kind,
        }

    def previous(self) -> Period:
        """The period before: the same kind of calendar period, else as many days just before.

        A calendar period cut at today is compared with as many days of the one before.
        """
        if self.kind == "days":
            p = span(self.start - timedelta(days=self.days), self.start - timedelta(days=1))
            return Period(p.start, p.end, p.kind, f"previous {self.days} days")
        start = cad.add_months(self.start, -_MONTHS[self.kind])
        if self.end == _natural_end(self.kind, self.start):
            return _calendar(self.kind, start, _natural_end(self.kind, start))
        return _calendar(self.kind, start, start + timedelta(days=self.days - 1))


def _natural_end(kind: str, start: date) -> date:
    return cad.add_months(start, _MONTHS[kind]) - timedelta(days=1)


def _calendar(kind: str, start: date, cut: date) -> Period:
    """The calendar period starting at `start`, ending at its natural end or `cut`."""
    natural_end = _natural_end(kind, start)
    end = min(natural_end, cut)
    name = {
        "quarter": f"{start.year}Q{(start.month + 2) // 3}",
        "month": f"{start.year}-{start.month:02d}",
        "year": str(start.year),
    }[kind]
    days = (end - start).days + 1
    return Period(start, end, kind, name if end == natural_end else f"{name} (first {days} days)")


def span(start: date, end: date) -> Period:
    if start > end:
        raise UsageError(f"--from {start} is after --to {end}: use {FORMS}")
    return Period(start, end, "days", f"{start.isoformat()} – {end.isoformat()}")


def named(text: str, today: date) -> Period:
    """A quarter (2026Q3), month (2026-03) or year (2026), cut at today if it hasn't ended."""
    s = text.strip().upper()
    try:
        if m := re.fullmatch(r"(\d{4})-?Q(\d)", s):
            if not 1 <= int(m[2]) <= 4:
                raise ValueError
            kind, start = "quarter", date(int(m[1]), 3 * int(m[2]) - 2, 1)
        elif m := re.fullmatch(r"(\d{4})-(\d{1,2})", s):
            kind, start = "month", date(int(m[1]), int(m[2]), 1)
        elif re.fullmatch(r"\d{4}", s):
            kind, start = "year", date(int(s), 1, 1)
        else:
            raise ValueError
    except ValueError:
        raise UsageError(f"can't read period {text!r}: use {FORMS}") from None
    check_range(
        start, f"period {text.strip()}"
    )  # the period before 0001 would be outside the calendar
    if start > today:
        raise UsageError(
            f"{text.strip()} hasn't started yet (today is {today}): pick a past period"
        )
    return _calendar(kind, start, today)


def last_days(text: str, today: date) -> Period:
    m = re.fullmatch(r"(\d{1,4})\s*([dw])", text.strip().lower())
    if not m or int(m[1]) < 1:
        raise UsageError(f"can't read --last {text!r}: use {FORMS}")
    n = int(m[1]) * (7 if m[2] == "w" else 1)
    p = span(today - timedelta(days=n - 1), today)
    return Period(p.start, p.end, p.kind, f"last {n} days")


def choose(
    today: date,
    *,
    period: str | None = None,
    start: date | None = None,
    end: date | None = None,
    last: str | None = None,
) -> Period:
    """The period the options ask for; by default the current quarter to date."""
    given = [
        flag
        for flag, used in (
            ("--period", period is not None),
            ("--from/--to", start is not None or end is not None),
            ("--last", last is not None),
        )
        if used
    ]
    if len(given) > 1:
        raise UsageError(f"use one of {' or '.join(given)}, not both: {FORMS}")
    if period is not None:
        return named(period, today)
    if last is not None:
        return last_days(last, today)
    if end is not None and start is None:
        raise UsageError(f"--to needs --from: {FORMS}")
    if start is not None:
        return span(start, end or today)
    quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    return _calendar("quarter", quarter_start, today)


def history(period: Period, n: int) -> list[Period]:
    """`period` and the n - 1 periods before it, oldest first, each the previous() of the next.

    A period cut at today stays cut: 2026Q1 (first 74 days) follows 2025Q4 (first 74 days).
    Spans of days are labelled by their dates (every one of them is "previous N days" else).
    """
    out = [period]
    while len(out) < n:
        before = out[-1].previous()
        if before.kind == "days":
            before = span(before.start, before.end)
        out.append(before)
    return out[::-1]


def build(
    store: Store,
    config: Config,
    period: Period,
    segment: Segment | None = None,
    *,
    owners: Owners | None = None,
    trend: int = TREND_PERIODS,
    generated_on: date | None = None,
) -> dict:
    """The report: this period's figures, the previous period's, and the change in each number.

    With a segment, only its contacts (and the interactions, ideas, goals … involving them);
    with `owners` (team mode, `--owner`), only the contacts one member owns today, likewise.
    `trend` periods (this one and those before it) carry the key figures for line charts.
    """
    if not 2 <= trend <= MAX_TREND:
        raise UsageError(f"--trend takes 2 to {MAX_TREND} periods (this one and those before)")
    seg_id = segment.id if segment else None
    periods = history(period, trend)
    # Each contact's segments, read once, and effective cadence, worked out once for every
    # period.
    segment_cadences, members = _memberships(store)
    cadence_of = _cadences(store, config.default_cadence, segment_cadences)
    del segment_cadences
    scope = lambda p: _Scope(store, config, p, seg_id, owners, cadence_of, members)  # noqa: E731
    # Oldest first: from the kept figures, each period hands the next one (if it starts the
    # day after it ends) every contact's last touch up to its end, which is the next one's
    # last touch before its start: one seek per contact for the whole report, not per period.
    before = None
    if seg_id is None and owners is None and (first := scope(periods[0])).kept:
        older = []
        for p in periods[:-2]:
            s = first if p is periods[0] else scope(p)
            s.hand_over = True
            older.append(_trend_kept(_chained(before, s)))
            before = s
    else:
        older = trend_figures(store, config, periods[:-2], seg_id, owners, cadence_of=cadence_of)
    previous_scope = _chained(before, scope(period.previous()))
    previous_scope.hand_over = True
    previous = _figures(previous_scope)
    current = _figures(_chained(previous_scope, scope(period)))
    return {
        "segment": segment.name if segment else None,
        **current,
        "previous": previous,
        "change": change(current, previous),
        "owned_by": owners.name if owners else None,  # the --owner cut (team mode)
        "owner": config.owner.strip() or None,
        "generated_on": (generated_on or date.today()).isoformat(),
        "trend": [*older, _trend_point(previous, periods[-2]), _trend_point(current, period)],
    }


def change(current: dict, previous: dict) -> dict:
    """Each number minus the previous one, under the same keys (lists and dates are left out).

    A key missing on one side counts as 0 (a channel unused in one period); a figure that is
    undefined on either side (a percentage of no contacts) has no change: null.
    """
    out: dict = {}
    for key in dict.fromkeys([*current, *previous]):
        if key in ("period", "oldest_open"):
            continue
        now, before = current.get(key, 0), previous.get(key, 0)
        if isinstance(now, dict) or isinstance(before, dict):
            nested = change(now or {}, before or {})
            if nested:
                out[key] = nested
        elif _figure(now) and _figure(before):
            out[key] = None if now is None or before is None else _round(now - before)
    return out


def _figure(x: object) -> bool:
    """A number, or None where a number is undefined (a percentage of nobody)."""
    return x is None or (isinstance(x, int | float) and not isinstance(x, bool))


def _round(x: float) -> float:
    return x if isinstance(x, int) else round(x, 2)


def _pct(n: int, of: int) -> float | None:
    return round(100 * n / of, 1) if of else None


def _ratio(gives: int, asks: int) -> float | None:
    return round(gives / asks, 2) if asks else None


@dataclass
class _Scope:
    """One period (and optional segment, and owner) as SQL parameters and filters."""

    store: Store
    config: Config
    period: Period
    segment_id: int | None
    owners: Owners | None = None
    cadence_of: CadenceOf | None = None  # each contact's effective cadence (_cadences)
    # Every membership: (contact ids, segment ids), when the caller read them (build).
    members: tuple[array, array] | None = None
    # With the kept figures: each contact's last touch before the period, for those who were
    # active at `known_to` (the end of the period before, which ended the day before this
    # one); and, once figured, each active contact's last touch up to the end, for the next.
    before: dict[int, str | None] | None = None
    known_to: str | None = None
    after: dict[int, str | None] | None = None
    hand_over: bool = False  # whether to keep `after` (a period follows)

    @property
    def params(self) -> dict:
        return {
            "from": self.period.start.isoformat(),
            "to": self.period.end.isoformat(),
            "seg": self.segment_id,
            **(_owner_params(self.owners)),
        }

    def in_segment(self, column: str, *, by_period: bool = False) -> str:
        """`AND column IN (the segment's contacts)` (and the owner's), or nothing without.

        `by_period`: the query should be driven by the period's interactions, not by the
        owner's contacts (whose whole histories an IN list would have SQLite walk)."""
        sql = _owned(self.owners, column, correlated=by_period)
        if self.segment_id is None:
            return sql
        return (
            f" AND {column} IN (SELECT contact_id FROM contact_segment WHERE segment_id = :seg)"
            + sql
        )

    @property
    def interactions(self) -> str:
        """WHERE clause for interaction `i` in the period (and touching the segment, and the
        owner's contacts)."""
        sql = "i.occurred_on BETWEEN :from AND :to"
        if self.segment_id is not None:
            sql += (
                " AND i.id IN (SELECT ic.interaction_id FROM contact_segment cs"
                " JOIN interaction_contact ic ON ic.contact_id = cs.contact_id"
                " AND ic.occurred_on BETWEEN :from AND :to WHERE cs.segment_id = :seg)"
            )
        if self.owners is not None:
            cond, _ = self.owners.sql("o.owner_id", named=True)
            sql += (
                " AND i.id IN (SELECT ic.interaction_id FROM contact o"
                " JOIN interaction_contact ic ON ic.contact_id = o.id"
                f" AND ic.occurred_on BETWEEN :from AND :to WHERE {cond})"
            )
        return sql

    @property
    def kept(self) -> bool:
        """Whether the report's kept figures (srm.domain.summary) answer for this store: none
        marked for recomputing. Without a segment or owner they count every interaction."""
        from srm.domain import summary

        return summary.fresh(self.store)

    @property
    def everyone(self) -> bool:
        return self.segment_id is None and self.owners is None

    def cursor(self, sql: str, **extra: object) -> sqlite3.Cursor:
        """The rows as plain tuples, read as they are iterated."""
        cur = self.store.conn.cursor()
        cur.row_factory = None
        return cur.execute(sql, {**self.params, **extra})

    def rows(self, sql: str, **extra: object) -> list[tuple]:
        # Plain tuples: thousands of sqlite3.Row objects cost more than the query.
        cur = self.store.conn.cursor()
        cur.row_factory = None
        return cur.execute(sql, {**self.params, **extra}).fetchall()


def _owned(owners: Owners | None, column: str, *, correlated: bool = False) -> str:
    """`AND column IN (the owner's contacts)`, or nothing without an owner (:owner bound).

    Inside a correlated subquery SQLite builds an IN list again for every outer row (a
    quarter's interactions × a member's contacts); there, `correlated` looks up the contact's
    owner by primary key instead.
    """
    if owners is None:
        return ""
    if correlated:
        cond, _ = owners.sql(
            f"(SELECT o.owner_id FROM contact o WHERE o.id = {column})", named=True
        )
        return f" AND {cond}"
    cond, _ = owners.sql("o.owner_id", named=True)
    return f" AND {column} IN (SELECT o.id FROM contact o WHERE {cond})"


def _owner_params(owners: Owners | None) -> dict:
    return owners.sql(named=True)[1] if owners is not None else {}


def figures(
    store: Store,
    config: Config,
    period: Period,
    segment_id: int | None = None,
    owners: Owners | None = None,
    *,
    cadence_of: CadenceOf | None = None,
) -> dict:
    """Every figure of one period, as plain JSON-ready data."""
    return _figures(_Scope(store, config, period, segment_id, owners, cadence_of))


def _chained(before: _Scope | None, s: _Scope) -> _Scope:
    """`s`, given the last touches up to the end of `before` (`_Scope.after`) when it starts
    the day after that ends."""
    if before is not None and before.after is not None:
        if s.period.start == before.period.end + timedelta(days=1):
            s.before, s.known_to = before.after, before.period.end.isoformat()
        before.after = None  # one period's at a time: at 100k contacts, a dict is 10 MiB
    return s


def _figures(s: _Scope) -> dict:
    period = s.period
    totals = _totals(s)
    chunks = _chunks(s)
    activity = _contact_activity(s, chunks)
    people = _people(s, activity, chunks)
    return {
        "period": period.as_json(),
        "interactions": totals["interactions"],
        "checkins": totals["checkins"],
        "asks": totals["asks"],
        "gives": totals["gives"],
        "gives_per_ask": _ratio(totals["gives"], totals["asks"]),
        "by_channel": totals["by_channel"],
        "coverage": people.coverage(people.tracked),
        "by_segment": _by_segment(s, people, activity),
        "by_owner": _by_owner(s, people),
        "activity": _activity(s),
        "most_engaged": people.most_engaged(),
        "least_engaged": people.least_engaged(),
        "asked_never_given": _asked_never_given(s, people, activity),
        "ideas": _ideas(s),
        "goals": _goals(s),
        "stages": _stages(s),
        "sentiment": {**totals["sentiment"], **_negatives(s)},
        "followups": _followups(s),
        "neglected": people.neglected(),
    }


# The figures each trend point carries: the same key paths as the report's own.
_TREND_KEYS = ("interactions", "asks", "gives", "gives_per_ask")
_TREND_COVERAGE = ("tracked", "touched", "touched_pct", "kept_on_cadence", "kept_on_cadence_pct")
_TREND_COVERAGE += ("overdue", "overdue_pct")


def _trend_point(figs: dict, period: Period) -> dict:
    """A period's key figures, as trend_figures() gives them, taken from its full figures."""
    return {
        "period": period.as_json(),
        **{key: figs[key] for key in _TREND_KEYS},
        "coverage": {key: figs["coverage"][key] for key in _TREND_COVERAGE},
        "sentiment": {"negative": figs["sentiment"]["negative"]},
    }


def trend_figures(
    store: Store,
    config: Config,
    periods: list[Period],
    segment_id: int | None = None,
    owners: Owners | None = None,
    *,
    cadence_of: CadenceOf | None = None,
) -> list[dict]:
    """The key figures of several periods, in one query: interactions, asks, gives, negative
    ones, and coverage (tracked, touched, kept on cadence, overdue at the end) as figures()
    counts them. Per contact it costs a few index seeks per period, never its whole history.
    """
    if not periods:
        return []
    from srm.domain import summary

    cadence_of = cadence_of or _cadences(store, config.default_cadence)
    if segment_id is None and owners is None and summary.fresh(store):
        return [_trend_kept(_Scope(store, config, p, None, None, cadence_of)) for p in periods]
    first, last = min(p.start for p in periods), max(p.end for p in periods)
    in_segment = (
        " AND c.id IN (SELECT contact_id FROM contact_segment WHERE segment_id = :seg)"
        if segment_id is not None
        else ""
    ) + _owned(owners, "c.id")
    cur = store.conn.cursor()
    cur.row_factory = None
    names: dict[cad.Cadence, str] = {}  # str() of a cadence walks the named ones: once each
    pop = {}
    for cid, own in cur.execute(
        "SELECT c.id, c.cadence FROM contact c WHERE c.since <= :last"
        " AND (c.archived_at IS NULL OR substr(c.archived_at, 1, 10) > :first)" + in_segment,
        {
            "first": first.isoformat(),
            "last": last.isoformat(),
            "seg": segment_id,
            **_owner_params(owners),
        },
    ):
        c = cadence_of(cid, own)
        if c is not None:
            pop[cid] = names.get(c) or names.setdefault(c, str(c))
    segment = ""
    if segment_id is not None:
        segment = (
            " AND EXISTS (SELECT 1 FROM interaction_contact y JOIN contact_segment ys"
            " ON ys.contact_id = y.contact_id AND ys.segment_id = :seg"
            " WHERE y.interaction_id = i.id)"
        )
    if owners is not None:
        segment += (
            " AND EXISTS (SELECT 1 FROM interaction_contact y WHERE y.interaction_id = i.id"
            + _owned(owners, "y.contact_id", correlated=True)
            + ")"
        )
    _register(store)
    rows = cur.execute(
        engine_sql(store.conn, _TREND).format(segment=segment),
        {
            "periods": json.dumps([[p.start.isoformat(), p.end.isoformat()] for p in periods]),
            "pop": json.dumps(pop),
            "seg": segment_id,
            **_owner_params(owners),
        },
    ).fetchall()
    out = []
    for period, (counts, negative, tracked, touched, overdue, fell) in zip(
        periods, rows, strict=True
    ):
        n, asks, gives = json.loads(counts)
        out.append(
            _trend_figures(period, n, asks, gives, negative, tracked, touched, overdue, fell)
        )
    return out


def _trend_figures(
    period: Period,
    n: int,
    asks: int,
    gives: int,
    negative: int,
    tracked: int,
    touched: int,
    overdue: int,
    fell: int,
) -> dict:
    """A trend point from its counts. `fell`: tracked contacts who fell overdue at some time
    in the period but aren't overdue at its end (so not kept on cadence either)."""
    kept = tracked - overdue - fell
    return {
        "period": period.as_json(),
        "interactions": n,
        "asks": asks,
        "gives": gives,
        "gives_per_ask": _ratio(gives, asks),
        "coverage": {
            "tracked": tracked,
            "touched": touched,
            "touched_pct": _pct(touched, tracked),
            "kept_on_cadence": kept,
            "kept_on_cadence_pct": _pct(kept, tracked),
            "overdue": overdue,
            "overdue_pct": _pct(overdue, tracked),
        },
        "sentiment": {"negative": negative},
    }


def _trend_kept(s: _Scope) -> dict:
    """One period's trend figures as trend_figures() counts them, from the kept daily counts
    and monthly figures (srm.domain.summary): each contact's last touch before the period (as
    `_people` finds it), the month walk for those touched and on time at the end."""
    period = s.period
    cadence_of = s.cadence_of or _cadences(s.store, s.config.default_cadence)
    counts = {"ask": 0, "give": 0, "checkin": 0}
    negative = 0
    for kind, sentiment, n in s.rows(
        "SELECT kind, sentiment, sum(interactions) FROM interaction_day"
        " WHERE day BETWEEN :from AND :to GROUP BY kind, sentiment"
    ):
        counts[kind] = counts.get(kind, 0) + n
        negative += n if sentiment == "negative" else 0
    per_cadence: dict[int, tuple[str, str, str, bool, bool]] = {}  # by identity, as in _people
    tracked = touched = overdue = fell = 0
    walk: list[_Walk] = []
    start = s.params["from"]
    chunks = _chunks(s)
    assert chunks is not None  # the caller checked
    # A contact touched in the period was last touched on its last chunk's last day.
    column, join, params = _last_sql(s, True)
    handed, known_to = s.before, s.known_to or ""
    after = s.after = {} if s.hand_over else None
    one = {}.setdefault
    for cid, own, since, before in s.cursor(
        f"SELECT c.id, c.cadence, c.since, {column} FROM contact c{join}"
        " WHERE c.since <= :to AND (c.archived_at IS NULL OR substr(c.archived_at, 1, 10) > :to)",
        **params,
    ):
        if handed is not None and since <= known_to:
            before = handed[cid]
        elif before is not None:
            before = one(before, before)  # each day's text once, for the next period
        in_period = chunks.get(cid)
        last = in_period[-1] if in_period else before
        if after is not None:
            after[cid] = last
        c = cadence_of(cid, own)
        if c is None:
            continue
        tracked += 1
        known = per_cadence.get(id(c))
        if known is None:
            known = per_cadence[id(c)] = _per_cadence(c, period)
        if (last or since) < known[1]:
            overdue += 1
        elif in_period:
            if since <= start and known[3]:
                fell += _lapsed(known[0], before or since, in_period, known[4])
            else:
                walk.append((cid, known[0], since, c, None))
        touched += bool(in_period)
    s.before = handed = None  # handed over: no longer needed
    fell += len(_fell(s, walk, chunks))
    n, asks, gives = sum(counts.values()), counts["ask"], counts["give"]
    return _trend_figures(period, n, asks, gives, negative, tracked, touched, overdue, fell)


def _register(store: Store) -> None:
    """The SQL functions the walks call."""
    store.conn.create_function("srm_cadence_after", 2, _cadence_after, deterministic=True)


def _totals(s: _Scope) -> dict:
    """Interactions by kind, sentiment and channel, in one pass over the period.

    Each known channel gets its own FILTER count (cheaper than sorting the period for GROUP BY);
    channels since removed from the config are counted by a second query, only if there are any.
    """
    if s.everyone and s.kept:
        return _totals_kept(s)
    known = {f"ch{k}": ch for k, ch in enumerate(s.config.all_channels)}
    per_channel = ", ".join(f"count(*) FILTER (WHERE i.channel = :{k})" for k in known)
    n, asks, gives, positive, negative, *counts = s.rows(
        "SELECT count(*), count(*) FILTER (WHERE i.kind = 'ask'),"
        " count(*) FILTER (WHERE i.kind = 'give'),"
        " count(*) FILTER (WHERE i.sentiment = 'positive'),"
        f" count(*) FILTER (WHERE i.sentiment = 'negative'), {per_channel}"
        f" FROM interaction i WHERE {s.interactions}",
        **known,
    )[0]
    by_channel = {ch: c for ch, c in zip(known.values(), counts, strict=True) if c}
    if sum(counts) < n:
        others = s.rows(
            f"SELECT i.channel, count(*) FROM interaction i WHERE {s.interactions}"
            f" AND i.channel NOT IN ({', '.join(f':{k}' for k in known)}) GROUP BY i.channel",
            **known,
        )
        by_channel.update(others)
    return _totals_figures(n, asks, gives, positive, negative, by_channel)


def _totals_figures(
    n: int, asks: int, gives: int, positive: int, negative: int, by_channel: dict[str, int]
) -> dict:
    """_totals' figures from its counts, whichever way they were read."""
    return {
        "interactions": n,
        "checkins": n - asks - gives,
        "asks": asks,
        "gives": gives,
        "by_channel": dict(sorted(by_channel.items(), key=lambda kv: (-kv[1], kv[0]))),
        "sentiment": {
            "positive": positive,
            "neutral": n - positive - negative,
            "negative": negative,
        },
    }


def _totals_kept(s: _Scope) -> dict:
    """_totals from the kept daily counts (srm.domain.summary): every interaction of the
    period, with no segment or owner to pick some."""
    n = asks = gives = positive = negative = 0
    by_channel: dict[str, int] = {}
    for kind, sentiment, channel, count in s.rows(
        "SELECT kind, sentiment, channel, sum(interactions) FROM interaction_day"
        " WHERE day BETWEEN :from AND :to GROUP BY kind, sentiment, channel"
    ):
        n += count
        asks += count if kind == "ask" else 0
        gives += count if kind == "give" else 0
        positive += count if sentiment == "positive" else 0
        negative += count if sentiment == "negative" else 0
        by_channel[channel] = by_channel.get(channel, 0) + count
    return _totals_figures(n, asks, gives, positive, negative, by_channel)


@lru_cache(maxsize=4096)
def _cadence_after(day: str, cadence: str) -> str:
    """srm.cadence's due-date arithmetic, callable from SQL (as srm_cadence_after)."""
    parsed = _parsed(cadence)
    assert parsed is not None  # only tracked contacts' cadences are passed in
    return parsed.after(date.fromisoformat(day)).isoformat()


@lru_cache(maxsize=256)
def _parsed(cadence: str) -> cad.Cadence | None:
    """A cadence's name parsed once (each day's due date is worked out from it: thousands)."""
    return cad.parse(cadence)


# Who fell overdue during a period, walking each contact's due dates instead of reading every
# interaction. `start` holds (k: which period, cid, cadence, until: the period's end, start: the
# last touch before the period, or before `since` for a contact added during it, else `since`).
# The next due date is one cadence after the last touch on or before the current one. Due dates
# never go down: one that stays put while still before the period's end means nobody was
# touched in time. One index seek and one date step per cadence interval, however busy the
# contact.
_WALK = """
walk(k, cid, cadence, until, start, due, before) AS (
    SELECT k, cid, cadence, until, start, srm_cadence_after(start, cadence), NULL FROM start
    UNION ALL
    SELECT k, cid, cadence, until, start,
           srm_cadence_after(max(start, coalesce(
               (SELECT max(x.occurred_on) FROM interaction_contact x
                 WHERE x.contact_id = walk.cid AND x.occurred_on <= walk.due), start)), cadence),
           due
    FROM walk
    WHERE due < until AND (before IS NULL OR due > before)
)
"""
# The last touch before the period (or before `since`, for a contact added during it).
_LAST_BEFORE = """coalesce((SELECT max(x.occurred_on) FROM interaction_contact x
                  WHERE x.contact_id = {cid} AND x.occurred_on < max({start}, {since})), {since})"""
_OVERDUE_SQL = f"""
WITH RECURSIVE start(k, cid, cadence, until, start) AS (
    SELECT 0, json_extract(value, '$[0]'), json_extract(value, '$[1]'), :to,
           {
    _LAST_BEFORE.format(
        cid="json_extract(value, '$[0]')", start=":from", since="json_extract(value, '$[2]')"
    )
}
    FROM json_each(:pop)
), {_WALK}
SELECT cid FROM walk WHERE due = before
"""

# PostgreSQL's text of the same walk: GREATEST for SQLite's scalar max, JSON read with its
# operators, srm_cadence_after a SQL function (migration "initial schema").
_WALK_PG = """
walk(k, cid, cadence, until, start, due, before) AS (
    SELECT k, cid, cadence, until, start, srm_cadence_after(start, cadence),
           NULL::text COLLATE "C"
    FROM start
    UNION ALL
    SELECT k, cid, cadence, until, start,
           srm_cadence_after(GREATEST(start, coalesce(
               (SELECT max(x.occurred_on) FROM interaction_contact x
                 WHERE x.contact_id = walk.cid AND x.occurred_on <= walk.due), start)), cadence),
           due
    FROM walk
    WHERE due < until AND (before IS NULL OR due > before)
)
"""
_LAST_BEFORE_PG = """coalesce((SELECT max(x.occurred_on) FROM interaction_contact x
                  WHERE x.contact_id = {cid} AND x.occurred_on < GREATEST({start}, {since})),
                  {since})"""
_OVERDUE_SQL_PG = f"""
WITH RECURSIVE start(k, cid, cadence, until, start) AS (
    SELECT 0, (value ->> 0)::bigint, value ->> 1, CAST(:to AS text) COLLATE "C",
           {
    _LAST_BEFORE_PG.format(
        cid="(value ->> 0)::bigint",
        start='CAST(:from AS text) COLLATE "C"',
        since='(value ->> 2) COLLATE "C"',
    )
}
    FROM json_array_elements(CAST(:pop AS json))
), {_WALK_PG}
SELECT cid FROM walk WHERE due = before
"""

# The trend's figures for several periods at once. `p` holds the periods (k, from, to); `pop`
# every contact tracked at some period's end ({contact id: effective cadence}). For each
# period and each contact then tracked, one index seek: the last touch up to its end, which
# says whether it was touched in the period and when it was due at the end; then the walk
# (above) for those touched and on time at the end; and interactions counted per period.
_TREND_SQL = f"""
WITH RECURSIVE p(k, f, t) AS MATERIALIZED (
    SELECT key, json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(:periods)
), pop(cid, cadence, since, gone) AS MATERIALIZED (
    SELECT c.id, j.value, c.since, substr(c.archived_at, 1, 10)
    FROM json_each(:pop) j JOIN contact c ON c.id = CAST(j.key AS INTEGER)
), last(k, f, t, cid, cadence, since, last) AS (
    SELECT p.k, p.f, p.t, pop.cid, pop.cadence, pop.since,
           (SELECT max(x.occurred_on) FROM interaction_contact x
             WHERE x.contact_id = pop.cid AND x.occurred_on <= p.t)
    FROM p CROSS JOIN pop
    WHERE pop.since <= p.t AND (pop.gone IS NULL OR pop.gone > p.t)
), state(k, f, t, cid, cadence, since, touched, due) AS MATERIALIZED (
    SELECT k, f, t, cid, cadence, since, coalesce(last >= f, 0),
           srm_cadence_after(coalesce(last, since), cadence)
    FROM last
), start(k, cid, cadence, until, start) AS (
    SELECT k, cid, cadence, t, {_LAST_BEFORE.format(cid="cid", start="f", since="since")}
    FROM state WHERE touched AND due >= t
), {_WALK}, activity(k, counts, negative) AS (
    -- One subquery per period: a GROUP BY over the join would sort every interaction.
    SELECT p.k,
           (SELECT json_array(count(*), count(*) FILTER (WHERE i.kind = 'ask'),
                              count(*) FILTER (WHERE i.kind = 'give'))
              FROM interaction i WHERE i.occurred_on BETWEEN p.f AND p.t {{segment}}),
           (SELECT count(*) FROM interaction i  -- the partial index on negative ones
             WHERE i.sentiment = 'negative' AND i.occurred_on BETWEEN p.f AND p.t {{segment}})
    FROM p
), coverage(k, tracked, touched, overdue) AS (
    SELECT k, count(*), sum(touched), sum(due < t) FROM state GROUP BY k
), fell(k, n) AS (
    SELECT k, count(*) FROM walk WHERE due = before GROUP BY k
)
SELECT a.counts, a.negative, coalesce(c.tracked, 0), coalesce(c.touched, 0),
       coalesce(c.overdue, 0), coalesce(fell.n, 0)
FROM activity a LEFT JOIN coverage c ON c.k = a.k
LEFT JOIN fell ON fell.k = a.k
ORDER BY a.k
"""
_TREND_SQL_PG = f"""
WITH RECURSIVE p(k, f, t) AS MATERIALIZED (
    SELECT n - 1, (e ->> 0) COLLATE "C", (e ->> 1) COLLATE "C"
    FROM json_array_elements(CAST(:periods AS json)) WITH ORDINALITY AS x(e, n)
), pop(cid, cadence, since, gone) AS MATERIALIZED (
    SELECT c.id, j.value, c.since, substr(c.archived_at, 1, 10)
    FROM json_each_text(CAST(:pop AS json)) j JOIN contact c ON c.id = j.key::bigint
), last(k, f, t, cid, cadence, since, last) AS (
    SELECT p.k, p.f, p.t, pop.cid, pop.cadence, pop.since,
           (SELECT max(x.occurred_on) FROM interaction_contact x
             WHERE x.contact_id = pop.cid AND x.occurred_on <= p.t)
    FROM p CROSS JOIN pop
    WHERE pop.since <= p.t AND (pop.gone IS NULL OR pop.gone > p.t)
), state(k, f, t, cid, cadence, since, touched, due) AS MATERIALIZED (
    SELECT k, f, t, cid, cadence, since, coalesce(last >= f, false),
           srm_cadence_after(coalesce(last, since), cadence)
    FROM last
), start(k, cid, cadence, until, start) AS (
    SELECT k, cid, cadence, t, {_LAST_BEFORE_PG.format(cid="cid", start="f", since="since")}
    FROM state WHERE touched AND due >= t
), {_WALK_PG}, activity(k, counts, negative) AS (
    SELECT p.k,
           (SELECT json_build_array(count(*), count(*) FILTER (WHERE i.kind = 'ask'),
                                    count(*) FILTER (WHERE i.kind = 'give'))
              FROM interaction i WHERE i.occurred_on BETWEEN p.f AND p.t {{segment}}),
           (SELECT count(*) FROM interaction i
             WHERE i.sentiment = 'negative' AND i.occurred_on BETWEEN p.f AND p.t {{segment}})
    FROM p
), coverage(k, tracked, touched, overdue) AS (
    SELECT k, count(*), count(*) FILTER (WHERE touched), count(*) FILTER (WHERE due < t)
    FROM state GROUP BY k
), fell(k, n) AS (
    SELECT k, count(*) FROM walk WHERE due = before GROUP BY k
)
SELECT a.counts, a.negative, coalesce(c.tracked, 0), coalesce(c.touched, 0),
       coalesce(c.overdue, 0), coalesce(fell.n, 0)
FROM activity a LEFT JOIN coverage c ON c.k = a.k
LEFT JOIN fell ON fell.k = a.k
ORDER BY a.k
"""
_TREND = {"sqlite": _TREND_SQL, "postgresql": _TREND_SQL_PG}
_OVERDUE = {"sqlite": _OVERDUE_SQL, "postgresql": _OVERDUE_SQL_PG}


class _Person:
    """A contact active at the period's end, as of that end."""

    # Slots, and the id and name only (the lists read the rest of a contact's reference for
    # the few they show): at 100k contacts, a dict per contact cost 25 MiB a period.
    __slots__ = ("id", "name", "last", "cadence", "due", "days_since", "overdue", "neglected")
    __slots__ += ("touches", "fell_overdue", "owner")

    def __init__(
        self, cid: int, name: str, last: date | None, cadence: cad.Cadence | None,
        overdue: bool, due: date | None, days_since: int, owner: int | None = None,
    ) -> None:  # fmt: skip
        self.id = cid
        self.name = name
        self.last = last  # the last interaction up to the end
        self.cadence = cadence  # None: not tracked
        self.overdue = overdue  # due before the end
        self.neglected = due is not None  # overdue by more than a full cadence …
        self.due = due  # … then its due date (the list of the most neglected ranks them)
        self.days_since = days_since  # since the last interaction up to the end, else `since`
        self.touches = 0  # interactions in the period
        self.fell_overdue = overdue  # at any time in the period
        self.owner = owner  # the member who owns them today (team mode)

    @property
    def tracked(self) -> bool:
        return self.cadence is not None


@dataclass
class _People:
    """The contacts active at the period's end, with their schedule and period activity."""

    end: date
    all: dict[int, _Person]
    store: Store

    def refs(self, people: Iterable[_Person]) -> dict[int, dict]:
        """The references (id, uuid, handle, name) of the few contacts a list shows."""
        return _refs(self.store, [p.id for p in people])

    @property
    def tracked(self) -> list[_Person]:
        return [p for p in self.all.values() if p.tracked]

    @staticmethod
    def coverage(people: list[_Person]) -> dict:
        n = len(people)
        touched = sum(1 for p in people if p.touches)
        overdue = sum(1 for p in people if p.overdue)
        kept = sum(1 for p in people if not p.fell_overdue)
        days = [p.days_since for p in people]
        return {
            "tracked": n,
            "touched": touched,
            "touched_pct": _pct(touched, n),
            "kept_on_cadence": kept,
            "kept_on_cadence_pct": _pct(kept, n),
            "overdue": overdue,
            "overdue_pct": _pct(overdue, n),
            "median_days_since_touch": _median(days),
        }

    def most_engaged(self) -> list[dict]:
        # Ranked in full (names folded) only among those at least as busy as the fifth.
        counts = heapq.nlargest(ENGAGED_LIMIT, [p.touches for p in self.all.values()])
        least = max(counts[-1], 1) if counts else 1
        busy = heapq.nsmallest(
            ENGAGED_LIMIT,
            (p for p in self.all.values() if p.touches >= least),
            key=lambda p: (-p.touches, p.name.casefold(), p.id),
        )
        refs = self.refs(busy)
        return [{"contact": refs[p.id], "interactions": p.touches} for p in busy]

    def least_engaged(self) -> list[dict]:
        tracked = self.tracked
        # (touches, -days since) as one number: ranked in full only up to the fifth's.
        scale = 1 + max((abs(p.days_since) for p in tracked), default=0)
        firsts = heapq.nsmallest(
            ENGAGED_LIMIT, [p.touches * 2 * scale - p.days_since for p in tracked]
        )
        quiet = heapq.nsmallest(
            ENGAGED_LIMIT,
            [p for p in tracked if p.touches * 2 * scale - p.days_since <= firsts[-1]]
            if firsts
            else [],
            key=lambda p: (p.touches, -p.days_since, p.name.casefold(), p.id),
        )
        refs = self.refs(quiet)
        return [
            {
                "contact": refs[p.id],
                "interactions": p.touches,
                "last_interaction": _iso(p.last),
                "days_since_touch": p.days_since,
            }
            for p in quiet
        ]

    def neglected(self) -> dict:
        """Most neglected first: the longest overdue relative to their cadence."""
        late = [p for p in self.all.values() if p.neglected]
        worst = heapq.nsmallest(
            LIST_LIMIT,
            late,
            key=lambda p: (
                -(self.end - p.due).days / p.cadence.days,
                p.name.casefold(),
                p.id,
            ),
        )
        refs = self.refs(worst)
        return {
            "count": len(late),
            "contacts": [
                {
                    "contact": refs[p.id],
                    "cadence": str(p.cadence),
                    "last_interaction": _iso(p.last),
                    "due": p.due.isoformat(),
                    "days_overdue": (self.end - p.due).days,
                    "days_since_touch": p.days_since,
                }
                for p in worst
            ],
        }


def _median(days: list[int]) -> float | None:
    """statistics.median's (the middle one, or the mean of the middle two), as a float: its
    module is 3 ms of every report's start."""
    if not days:
        return None
    ordered, mid = sorted(days), len(days) // 2
    return float(ordered[mid] if len(days) % 2 else (ordered[mid - 1] + ordered[mid]) / 2)


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _people(
    s: _Scope, activity: dict[int, tuple[int, int, int]], chunks: _Chunks | None = None
) -> _People:
    """Each contact active at the period's end: its last interaction up to the end (one index
    seek, or the stored state's when that is no later than the end), cadence and due date.

    With the period's chunks, the seek is for the last interaction before the period instead:
    a contact touched in it was last touched on its last chunk's last day, and the walk starts
    from the one before (kept_on_cadence)."""
    end = s.period.end
    last, join, params = _last_sql(s, chunks is not None)
    cadence_of = s.cadence_of or _cadences(s.store, s.config.default_cadence)
    rows = s.cursor(  # read as they come: at 100k contacts, a list of the rows is 30 MiB
        f"SELECT c.id, c.name, c.owner_id, c.since, c.cadence, {last} FROM contact c{join}"
        " WHERE c.since <= :to AND (c.archived_at IS NULL OR substr(c.archived_at, 1, 10) > :to)"
        + s.in_segment("c.id"),
        **params,
    )
    days: dict[str, date] = {}  # each date text parsed once
    # Calendar arithmetic once per cadence and start. Cadences are keyed by identity: a
    # dataclass's hash is Python code, 80,000 calls a report (each is one object: _cadences).
    due_on: dict[tuple[int, str], date] = {}
    per_cadence: dict[int, tuple[str, str, str, bool, bool]] = {}  # _per_cadence, by identity
    people = {}
    walk = []
    first_day = s.params["from"]
    handed, known_to = s.before, s.known_to or ""
    after = s.after = {} if chunks is not None and s.hand_over else None
    one = {}.setdefault
    for cid, name, owner, since, own, last in rows:
        if handed is not None and since <= known_to:
            last = handed[cid]
        elif last is not None:
            last = one(last, last)  # each day's text once, for the next period's hand-over
        before = last
        if chunks is not None and (touched := chunks.get(cid)):
            last = touched[-1]
        if after is not None:
            after[cid] = last
        cadence = cadence_of(cid, own)
        start = last or since
        start_day = days.get(start) or days.setdefault(start, date.fromisoformat(start))
        overdue, due = False, None
        if cadence is not None:
            known = per_cadence.get(id(cadence))
            if known is None:
                known = per_cadence[id(cadence)] = _per_cadence(cadence, s.period)
            overdue = start < known[1]
            if start < known[2]:  # neglected: its due date, for the list
                due = due_on.get((id(cadence), start))
                if due is None:
                    due = due_on[id(cadence), start] = cadence.after(start_day)
        p = people[cid] = _Person(
            cid,
            name,
            start_day if last else None,
            cadence,
            overdue,
            due,
            (end - start_day).days,
            owner,
        )
        p.touches = activity.get(cid, _QUIET)[0]
        # Overdue at the end means it fell overdue; untouched all period means its due date
        # never moved, so on time at the end is on time throughout. Only the others need the
        # walk.
        if p.touches and cadence is not None and not overdue:
            name, long = known[0], known[3]
            if chunks is not None and since <= first_day and long:
                # From the chunks now (a list of 65,000 to walk later is 5 MiB at 100k).
                p.fell_overdue = _lapsed(name, before or since, touched, known[4])
            else:
                walk.append((cid, name, since, cadence, None))
    s.before = handed = None  # handed over: no longer needed
    for cid in _fell(s, walk, chunks):
        people[cid].fell_overdue = True
    return _People(end, people, s.store)


def _last_sql(s: _Scope, before: bool) -> tuple[str, str, dict]:
    """The column of each contact's last touch up to the period's end (or, `before`, before its
    start), the join it needs and its parameters: handed by the period before for contacts it
    knew (then NULL here: see `_Scope.before`), else the stored state's when that is no later
    (`state.fresh`), else one index seek."""
    from srm.domain import state

    cmp, bound = ("<", ":from") if before else ("<=", ":to")
    seek = (
        "(SELECT max(x.occurred_on) FROM interaction_contact x"
        f" WHERE x.contact_id = c.id AND x.occurred_on {cmp} {bound})"
    )
    if before and s.before is not None:
        return f"CASE WHEN c.since > :known THEN {seek} END", "", {"known": s.known_to}
    if state.fresh(s.store):  # then the state's latest interaction is the history's
        return (
            f"CASE WHEN t.last_on {cmp} {bound} THEN t.last_on ELSE {seek} END",
            " LEFT JOIN contact_state t ON t.contact_id = c.id",
            {},
        )
    return seek, "", {}


@lru_cache(maxsize=256)
def _long(cadence: cad.Cadence) -> bool:
    """Whether every due date it sets falls after the month of the day it counts from: then a
    contact touched twice in one month was on time in between, and only the gaps between
    months (the chunks' last and first days) can make it overdue."""
    return cadence.unit in ("m", "y") or cadence.days >= 31


def _per_cadence(cadence: cad.Cadence, period: Period) -> tuple[str, str, str, bool, bool]:
    """What the walks over a period's contacts need of each cadence, worked out once: its name
    (str() walks the named ones), the first days on time and not neglected at the period's end
    (_on_time), whether it is long (_long), and whether it is longer than the period (then a
    touch in the period sets a due date after its end: only the gap from the last touch before
    it can lapse — `_lapsed`'s `first_only`)."""
    longer = cadence.after(period.start) > period.end
    return (str(cadence), *_on_time(cadence, period.end), _long(cadence), longer)


def _on_time(cadence: cad.Cadence, end: date) -> tuple[str, str]:
    """The first days a contact's last touch (else `since`) may be on for it not to be overdue
    at `end`, and not to be neglected (overdue by more than a full cadence) — ISO texts, so
    that each contact is one comparison of its day's text, not calendar arithmetic.

    Due dates never go down as the day they count from goes up (months are clamped to their
    last day, never carried over), so each is where `cadence.after` first reaches a day."""
    on_time = _first_reaching(cadence, end)
    return on_time.isoformat(), _first_reaching(cadence, on_time).isoformat()


def _first_reaching(cadence: cad.Cadence, day: date) -> date:
    """The first day whose due date (cadence.after) is `day` or later."""
    lo = max(day.toordinal() - int(cadence.days * 1.1) - 40, 1)  # its due date is before day
    hi = day.toordinal()  # its due date is after it
    while lo < hi:
        mid = (lo + hi) // 2
        if cadence.after(date.fromordinal(mid)) >= day:
            hi = mid
        else:
            lo = mid + 1
    return date.fromordinal(lo)


# A contact to walk: (id, its cadence's name, since, its cadence, where its walk starts if
# the caller knows: its last touch before the period, else since; None for the others).
_Walk = tuple[int, str, str, cad.Cadence, "str | None"]


def _fell(s: _Scope, walk: list[_Walk], chunks: _Chunks | None) -> list[int]:
    """Of the contacts to walk (touched in the period and on time at its end), those who were
    overdue at some point of it. (The callers check from the chunks the contacts on a long
    cadence whose last touch before the period they know, as they read them: the rest come
    here.)

    From the chunks, for long cadences: from the last touch before the period (before `since`,
    for a contact added during it; else `since`), each first touch of a later month must come
    by the due date the touch before it set. Otherwise the due-date walk in SQL (_OVERDUE).
    """
    fell: list[int] = []
    short: list = [w[:3] for w in walk]
    if chunks is not None and walk:
        short = [w[:3] for w in walk if not _long(w[3])]
        kept = [w for w in walk if _long(w[3])]
        since = s.store.dialect.greatest(":from", "c.since")
        sought = [w[0] for w in kept if w[4] is None]
        found = dict(
            s.rows(
                "SELECT c.id, coalesce((SELECT max(x.occurred_on) FROM interaction_contact x"
                f" WHERE x.contact_id = c.id AND x.occurred_on < {since}), c.since)"
                f" FROM {s.store.dialect.json_ids(':ids')} JOIN contact c ON c.id = value",
                ids=json.dumps(sought),
            )
            if sought
            else []
        )
        for cid, cadence, _, _, start in kept:
            if _lapsed(cadence, start or found[cid], chunks[cid]):
                fell.append(cid)
    if short:
        _register(s.store)
        rows = s.rows(engine_sql(s.store.conn, _OVERDUE), pop=json.dumps(short))
        fell += [cid for (cid,) in rows]
    return fell


def _lapsed(cadence: str, start: str, chunks: list, first_only: bool = False) -> bool:
    """Whether a contact on a long cadence, last touched on `start` before the period, missed a
    due date between two of the period's months (its chunks: first and last days from the
    fourth item on, in order). `first_only`: the cadence is longer than the period, so a due
    date set from a day in it falls after its end, and only the first gap needs looking at."""
    anchor = start
    month_end = anchor[:8] + "32"  # after every day of the anchor's month, before the next's
    days = iter(chunks[3:])
    for first, last in zip(days, days, strict=True):
        if last <= anchor:
            if first_only:  # the anchor is in the period already
                return False
            continue
        if first > month_end and _cadence_after(anchor, cadence) < first:
            return True
        if first_only:  # a cadence longer than the period: from a day in it, due after it
            return False
        anchor, month_end = last, last[:8] + "32"
    return False


CadenceOf = Callable[[int, "str | None"], "cad.Cadence | None"]


def _memberships(store: Store) -> tuple[dict[int, tuple[str | None, ...]], tuple[array, array]]:
    """Every membership, read once for a report: each contact's segments' cadences (for
    _cadences), and (contact ids, segment ids) for each period's figures by segment — two
    arrays, read as they come (at 100k contacts, a list of the rows is 17 MiB; these 2)."""
    segment_cadences: dict[int, tuple[str | None, ...]] = {}
    contacts, segments = array("q"), array("q")
    cur = store.conn.cursor()
    cur.row_factory = None
    for cid, sid, cadence in cur.execute(
        "SELECT cs.contact_id, cs.segment_id, g.cadence FROM contact_segment cs"
        " JOIN segment g ON g.id = cs.segment_id"
    ):
        segment_cadences[cid] = (*segment_cadences.get(cid, ()), cadence)
        contacts.append(cid)
        segments.append(sid)
    return segment_cadences, (contacts, segments)


def _cadences(
    store: Store,
    default: str,
    segment_cadences: dict[int, tuple[str | None, ...]] | None = None,
) -> CadenceOf:
    """cadence_of(contact id, its own cadence text): its effective cadence (its own, else the
    shortest of its segments', else `default`), worked out once per combination of its own and
    its segments' (one pass over the memberships: cheaper than a subquery per contact)."""
    if segment_cadences is None:
        segment_cadences = _memberships(store)[0]
    known: dict[tuple, cad.Cadence | None] = {}
    same: dict[cad.Cadence | None, cad.Cadence | None] = {}
    by_id: dict[int, cad.Cadence | None] = {}  # each contact's, for the next period asked

    def cadence_of(cid: int, own: str | None) -> cad.Cadence | None:
        found = by_id.get(cid, _UNKNOWN)
        if found is _UNKNOWN:
            key = (own, segment_cadences.get(cid, ()))
            found = known.get(key, _UNKNOWN)
            if found is _UNKNOWN:
                found = cad.effective(own, list(key[1]), default)
                # One object per cadence: the callers key their per-cadence work by identity.
                found = known[key] = same.setdefault(found, found)
            by_id[cid] = found  # type: ignore[assignment]
        return found  # type: ignore[return-value]

    return cadence_of


_UNKNOWN = object()
_QUIET = (0, 0, 0)


def _contact_activity(s: _Scope, chunks: _Chunks | None) -> dict[int, tuple[int, int, int]]:
    """(interactions, asks, gives) in the period for each contact in scope who had any."""
    if chunks is not None:
        return chunks  # type: ignore[return-value]  # their first three: the sums
    params = s.params
    return {
        cid: counts
        for cid, *counts in _range_activity(s, params["from"], params["to"], first_last=False)
    }  # type: ignore[return-value]


# Per contact in a period with any interaction: the interactions, asks and gives in it, and the
# first and last day of each calendar month (or part of one at the period's ends) it had any,
# in order. From the kept monthly figures (srm.domain.summary) for whole months, from the
# links' index for parts:
#   [interactions, asks, gives, first day, last day, first day, last day, …]: the sums, then
#   each chunk's first and last day (a flat list: 20,000 tuples a period cost more than these).
_Chunks = dict[int, list]


def _month_spans(start: date, end: date) -> tuple[tuple | None, tuple | None, tuple | None]:
    """[start, end] as (head days, (first month, last month), tail days), each None if empty:
    the whole months it holds, and the days before and after them."""
    first_full = start if start.day == 1 else cad.add_months(start.replace(day=1), 1)
    after = end + timedelta(days=1)
    last_full = end if after.day == 1 else end.replace(day=1) - timedelta(days=1)
    if first_full > last_full:  # no whole month: one part, or the ends of two months
        if (start.year, start.month) == (end.year, end.month):
            return (start, end), None, None
        return (start, first_full - timedelta(days=1)), None, (end.replace(day=1), end)
    head = (start, first_full - timedelta(days=1)) if start < first_full else None
    tail = (last_full + timedelta(days=1), end) if last_full < end else None
    return head, (f"{first_full:%Y-%m}", f"{last_full:%Y-%m}"), tail


def _chunks(s: _Scope) -> _Chunks | None:
    """The period's chunks per contact in scope, or None when the kept figures are marked for
    recomputing (a write from outside srm): then the period's links are read instead."""
    if not s.kept:
        return None
    head, months, tail = _month_spans(s.period.start, s.period.end)
    out: _Chunks = {}

    # Each day's text once (at 100k contacts, a copy per row would be 25 MiB a period).
    one = {}.setdefault

    def add(rows: Iterable[tuple]) -> None:
        get = out.get
        for cid, n, asks, gives, first, last in rows:
            c = get(cid)
            if c is None:
                out[cid] = [n, asks, gives, one(first, first), one(last, last)]
            else:
                c[0] += n
                c[1] += asks
                c[2] += gives
                c += (one(first, first), one(last, last))

    if head:
        add(_range_activity(s, head[0].isoformat(), head[1].isoformat()))
    if months:
        add(
            s.cursor(  # read as they come
                "SELECT contact_id, interactions, asks, gives, first_on, last_on"
                " FROM contact_month WHERE month BETWEEN :m1 AND :m2"
                + s.in_segment("contact_id")
                + " ORDER BY month",  # each contact's in order (the key's: no sort on SQLite)
                m1=months[0],
                m2=months[1],
            )
        )
    if tail:
        add(_range_activity(s, tail[0].isoformat(), tail[1].isoformat()))
    return out


def _range_activity(s: _Scope, a: str, b: str, *, first_last: bool = True) -> list[tuple]:
    """Per contact in scope with links dated a to b: (id, interactions, asks, gives[, first day,
    last day]), from the links' index, the kinds from the narrow index of asks and gives."""
    # CROSS JOIN keeps contacts outermost: one index range each, already in GROUP BY order.
    counts = s.rows(
        "SELECT c.id, count(*), min(ic.occurred_on), max(ic.occurred_on) FROM contact c"
        " CROSS JOIN interaction_contact ic"
        " ON ic.contact_id = c.id AND ic.occurred_on BETWEEN :a AND :b"
        " WHERE TRUE" + s.in_segment("c.id") + " GROUP BY c.id",
        a=a,
        b=b,
    )
    kinds = {
        cid: (asks, gives)
        for cid, asks, gives in s.rows(
            "SELECT ic.contact_id, count(*) FILTER (WHERE i.kind = 'ask'),"
            " count(*) FILTER (WHERE i.kind = 'give') FROM interaction i"
            " JOIN interaction_contact ic ON ic.interaction_id = i.id"
            " WHERE i.occurred_on BETWEEN :a AND :b AND i.kind != 'checkin'"
            # The link's own copy of the date too: with a segment, the planner starts from the
            # segment's contacts, and then reads only the period of each one's history.
            " AND ic.occurred_on BETWEEN :a AND :b"
            + s.in_segment("ic.contact_id", by_period=True)
            + " GROUP BY ic.contact_id",
            a=a,
            b=b,
        )
    }
    return [
        (cid, n, *kinds.get(cid, (0, 0)), *((first, last) if first_last else ()))
        for cid, n, first, last in counts
    ]


# Summed over a segment's contacts, an interaction with several of them counts once per
# contact; these are the extra counts, per segment: contacts in an interaction after the first
# of the same segment. Only interactions with more than one contact are looked at.
_REPEATS_SQL = """
SELECT sa.segment_id, count(*), count(*) FILTER (WHERE i.kind = 'ask'),
       count(*) FILTER (WHERE i.kind = 'give')
FROM interaction i
JOIN interaction_contact a ON a.interaction_id = i.id
JOIN contact_segment sa ON sa.contact_id = a.contact_id
WHERE i.occurred_on BETWEEN :from AND :to {segment}{owned_a}
  AND EXISTS (SELECT 1 FROM interaction_contact y WHERE y.interaction_id = i.id LIMIT 1 OFFSET 1)
  AND EXISTS (SELECT 1 FROM interaction_contact b
              JOIN contact_segment sb ON sb.contact_id = b.contact_id
               AND sb.segment_id = sa.segment_id
              WHERE b.interaction_id = i.id AND b.contact_id < a.contact_id{owned_b})
GROUP BY sa.segment_id
"""


# The same from the kept counts of shared interactions' contacts per segment
# (srm.domain.summary): one short range of dates, all but the first member of each. (A sum of
# integers is numeric on PostgreSQL.) Without an owner's cut, which needs each contact's.
_REPEATS_KEPT_SQL = """
SELECT segment_id, CAST(sum(members - 1) AS BIGINT),
       CAST(sum(CASE WHEN kind = 'ask' THEN members - 1 ELSE 0 END) AS BIGINT),
       CAST(sum(CASE WHEN kind = 'give' THEN members - 1 ELSE 0 END) AS BIGINT)
FROM shared_segment
WHERE occurred_on BETWEEN :from AND :to {segment}
GROUP BY segment_id
"""


def _by_segment(s: _Scope, people: _People, activity: dict[int, tuple[int, int, int]]) -> dict:
    """Coverage of each segment's tracked contacts, and the interactions involving them."""
    only = " AND sa.segment_id = :seg" if s.segment_id is not None else ""
    # With a segment, the link's own copy of the date too: the planner starts from the
    # segment's contacts, and then reads only the period of each one's history.
    repeats = only + (" AND a.occurred_on BETWEEN :from AND :to" if only else "")
    segments = s.rows(
        "SELECT id, name FROM segment"
        + (" WHERE id = :seg" if s.segment_id is not None else "")
        + " ORDER BY name"
    )
    tracked: dict[int, list[_Person]] = {sid: [] for sid, _ in segments}
    sums = {sid: [0, 0, 0] for sid, _ in segments}
    pairs: Iterable[tuple[int, int]]
    if s.members is not None:
        pairs = zip(*s.members, strict=True)
    else:
        pairs = s.rows("SELECT contact_id, segment_id FROM contact_segment sa WHERE TRUE" + only)
    for cid, sid in pairs:
        if sid not in sums:  # not the segment asked for
            continue
        if cid in activity:
            total, counts = sums[sid], activity[cid]
            n, asks, gives = counts[0], counts[1], counts[2]
            total[0], total[1], total[2] = total[0] + n, total[1] + asks, total[2] + gives
        p = people.all.get(cid)
        if p is not None and p.tracked:
            tracked[sid].append(p)
    if s.kept and s.owners is None:
        repeats_sql = _REPEATS_KEPT_SQL.format(segment=only.replace("sa.", ""))
    else:
        repeats_sql = _REPEATS_SQL.format(
            segment=repeats,
            owned_a=_owned(s.owners, "a.contact_id", correlated=True),
            owned_b=_owned(s.owners, "b.contact_id", correlated=True),
        )
    for sid, *extra in s.rows(repeats_sql):
        sums[sid] = [n - r for n, r in zip(sums[sid], extra, strict=True)]
    out = {}
    for sid, name in segments:
        n, asks, gives = sums[sid]
        out[name] = {
            **people.coverage(tracked[sid]),
            "neglected": sum(1 for p in tracked[sid] if p.neglected),
            "interactions": n,
            "asks": asks,
            "gives": gives,
            "gives_per_ask": _ratio(gives, asks),
        }
    return out


UNOWNED = "(unowned)"  # by_owner's key for the contacts nobody owns


def _by_owner(s: _Scope, people: _People) -> dict:
    """Team mode: coverage of each member's tracked contacts (owners as of today), and the
    interactions each logged in the period (in scope). Keyed by name, every member and
    UNOWNED in every period, so that changes compare like with like; empty on a store
    without members, where every contact is unowned."""
    members = s.rows("SELECT id, name, email FROM member")
    if not members:
        return {}
    counted: dict[str, int] = {}
    for _, n, _ in members:
        counted[n] = counted.get(n, 0) + 1
    keys = {
        mid: name if counted[name] == 1 else f"{name} <{email}>" for mid, name, email in members
    }
    tracked: dict[int | None, list[_Person]] = {}
    for p in people.all.values():
        if p.tracked:
            tracked.setdefault(p.owner, []).append(p)
    logged = dict(
        s.rows(
            f"SELECT i.logged_by_id, count(*) FROM interaction i WHERE {s.interactions}"
            " AND i.logged_by_id IS NOT NULL GROUP BY i.logged_by_id"
        )
    )
    owners = sorted(keys, key=lambda m: (keys[m].casefold(), m))
    return {
        keys[m] if m is not None else UNOWNED: {
            **people.coverage(tracked.get(m, [])),
            "neglected": sum(1 for p in tracked.get(m, []) if p.neglected),
            "logged": logged.get(m, 0),
        }
        for m in [*owners, None]
    }


def _activity(s: _Scope) -> dict:
    """Interactions per week (periods up to 92 days), month (up to 3 years) or year."""
    start, end = s.period.start, s.period.end
    unit = "week" if s.period.days <= 92 else "month" if s.period.days <= 1096 else "year"
    # Counted per day in SQL (the date index gives them in order, no sort), bucketed here.
    if s.everyone and s.kept:  # the kept daily counts
        per_day = s.rows(
            "SELECT day, sum(interactions) FROM interaction_day"
            " WHERE day BETWEEN :from AND :to GROUP BY day"
        )
    else:
        per_day = s.rows(
            f"SELECT i.occurred_on, count(*) FROM interaction i WHERE {s.interactions}"
            " GROUP BY i.occurred_on"
        )
    buckets: list[dict] = []
    first = start
    while first <= end:
        if unit == "week":
            after = first + timedelta(days=7 - first.weekday())
        elif unit == "month":
            after = cad.add_months(first.replace(day=1), 1)
        else:
            after = date(first.year + 1, 1, 1)
        last = min(after - timedelta(days=1), end)
        buckets.append({"from": first.isoformat(), "to": last.isoformat(), "interactions": 0})
        first = after
    ends = [b["to"] for b in buckets]
    for day, n in per_day:
        buckets[bisect.bisect_left(ends, day)]["interactions"] += n
    return {"unit": unit, "buckets": buckets}


def _asked_never_given(
    s: _Scope, people: _People, activity: dict[int, tuple[int, int, int]]
) -> dict:
    """Active contacts asked of in the period who were never given anything up to its end.

    Only those with an ask and no give in the period have their history searched for a give.
    """
    from srm.domain import state

    asked = [cid for cid in people.all if activity.get(cid, _QUIET)[1] and not activity[cid][2]]
    # Gives told by their id in the narrow partial index of asks and gives, not by each
    # interaction's row; a contact the current state says never gave (all time) needs no search.
    never_gave, join = "FALSE", ""
    if state.fresh(s.store):
        never_gave, join = "t.gives = 0", " LEFT JOIN contact_state t ON t.contact_id = value"
    start = s.period.start
    gave = (  # a give among the links dated `since` to the period's start
        " AND NOT EXISTS (SELECT 1 FROM interaction_contact x"
        " JOIN interaction j INDEXED BY ix_interaction_ask_give_id ON j.id = x.interaction_id"
        " WHERE x.contact_id = value AND x.occurred_on >= :since AND x.occurred_on < :from"
        " AND j.kind != 'checkin' AND j.kind = 'give')"
    )
    if s.kept:  # whole months before the period's from the kept monthly figures: a row or two
        gave = (
            " NOT EXISTS (SELECT 1 FROM contact_month m WHERE m.contact_id = value"
            " AND m.month < :month AND m.gives > 0)" + (gave if start.day > 1 else "")
        )
    else:
        gave = gave.removeprefix(" AND")
    never = s.rows(
        f"SELECT value FROM {s.store.dialect.json_ids(':ids')}{join} WHERE {never_gave} OR" + gave,
        ids=json.dumps(asked),
        month=f"{start:%Y-%m}",
        since=f"{start:%Y-%m}-01" if s.kept else "",
    )
    found = heapq.nsmallest(
        LIST_LIMIT,
        ((people.all[cid], activity[cid][1]) for (cid,) in never),
        key=lambda pa: (-pa[1], pa[0].name.casefold(), pa[0].id),
    )
    refs = people.refs(p for p, _ in found)
    return {
        "count": len(never),
        "contacts": [{"contact": refs[p.id], "asks": asks} for p, asks in found],
    }


def _ideas(s: _Scope) -> dict:
    """Ideas for the segment's contacts or for the segment itself count in a segment's report."""
    target = ""
    if s.segment_id is not None:
        target = (
            " AND (d.segment_id = :seg OR d.contact_id IN"
            " (SELECT contact_id FROM contact_segment WHERE segment_id = :seg))"
        )
    # An owner's ideas are those for their contacts (a segment's are nobody's in particular).
    target += _owned(s.owners, "d.contact_id")
    open_at_end = "d.created_on <= :to AND (d.closed_on IS NULL OR d.closed_on > :to)"
    added, delivered, dropped, still_open = s.rows(
        "SELECT count(*) FILTER (WHERE d.created_on BETWEEN :from AND :to),"
        " count(*) FILTER (WHERE d.status = 'delivered' AND d.closed_on BETWEEN :from AND :to),"
        " count(*) FILTER (WHERE d.status = 'dropped' AND d.closed_on BETWEEN :from AND :to),"
        f" count(*) FILTER (WHERE {open_at_end}) FROM idea d WHERE TRUE{target}"
    )[0]
    oldest = s.rows(
        "SELECT d.id, d.text, d.created_on, c.id, c.uuid, c.handle, c.name, g.name"
        " FROM idea d LEFT JOIN contact c ON c.id = d.contact_id"
        f" LEFT JOIN segment g ON g.id = d.segment_id WHERE {open_at_end}{target}"
        " ORDER BY d.created_on, d.id LIMIT 1"
    )
    deliveries = s.rows(
        "SELECT d.id, d.text, d.closed_on, c.id, c.uuid, c.handle, c.name, g.name"
        " FROM idea d LEFT JOIN contact c ON c.id = d.contact_id"
        " LEFT JOIN segment g ON g.id = d.segment_id"
        f" WHERE d.status = 'delivered' AND d.closed_on BETWEEN :from AND :to{target}"
        " ORDER BY d.closed_on DESC, d.id DESC LIMIT :limit",
        limit=LIST_LIMIT,
    )
    return {
        "added": added,
        "delivered": delivered,
        "dropped": dropped,
        "open": still_open,
        "oldest_open": _idea_json(oldest[0], s.period.end) if oldest else None,
        "deliveries": [
            {
                "id": r[0],
                "text": r[1],
                "delivered_on": r[2],
                "contact": {"id": r[3], "uuid": r[4], "handle": r[5], "name": r[6]}
                if r[3]
                else None,
                "segment": r[7],
            }
            for r in deliveries
        ],
    }


def _idea_json(r, end: date) -> dict:
    return {
        "id": r[0],
        "text": r[1],
        "created_on": r[2],
        "age_days": (end - date.fromisoformat(r[2])).days,
        "contact": {"id": r[3], "uuid": r[4], "handle": r[5], "name": r[6]} if r[3] else None,
        "segment": r[7],
    }


def _goals(s: _Scope) -> dict:
    """Recorded and confirmed in the period; active and stale (unconfirmed too long) at its end.

    Active and stale count only goals of contacts not archived by the end: nobody to ask.
    """
    active = (
        "g.recorded_on <= :to AND (g.closed_on IS NULL OR g.closed_on > :to)"
        " AND (g.status = 'active' OR g.closed_on IS NOT NULL) AND NOT EXISTS"
        " (SELECT 1 FROM contact a WHERE a.id = g.contact_id"
        " AND substr(a.archived_at, 1, 10) <= :to)"  # a seek per goal, not a list of them all
    )
    last_confirmed = s.store.dialect.greatest(
        "g.recorded_on",
        "coalesce((SELECT max(gc.confirmed_on) FROM goal_confirmation gc"
        " WHERE gc.goal_id = g.id AND gc.confirmed_on <= :to), g.recorded_on)",
    )
    recorded, active_n, stale = s.rows(
        "SELECT count(*) FILTER (WHERE g.recorded_on BETWEEN :from AND :to),"
        f" count(*) FILTER (WHERE {active}),"
        f" count(*) FILTER (WHERE {active}"
        f" AND {s.store.dialect.days_between(':to', last_confirmed)} > :max_age)"
        " FROM goal g WHERE TRUE" + s.in_segment("g.contact_id"),
        max_age=s.config.goal_max_age_days,
    )[0]
    confirmed = s.rows(
        "SELECT count(DISTINCT gc.goal_id) FROM goal_confirmation gc"
        " JOIN goal g ON g.id = gc.goal_id WHERE gc.confirmed_on BETWEEN :from AND :to"
        + s.in_segment("g.contact_id")
    )[0][0]
    confirmations = s.rows(
        "SELECT g.id, g.text, max(gc.confirmed_on), c.id, c.uuid, c.handle, c.name"
        " FROM goal_confirmation gc JOIN goal g ON g.id = gc.goal_id"
        " JOIN contact c ON c.id = g.contact_id WHERE gc.confirmed_on BETWEEN :from AND :to"
        + s.in_segment("g.contact_id")
        + " GROUP BY g.id, c.id ORDER BY max(gc.confirmed_on) DESC, g.id DESC LIMIT :limit",
        limit=LIST_LIMIT,
    )
    return {
        "recorded": recorded,
        "confirmed": confirmed,
        "active": active_n,
        "stale": stale,
        "confirmations": [
            {
                "id": r[0],
                "text": r[1],
                "confirmed_on": r[2],
                "contact": {"id": r[3], "uuid": r[4], "handle": r[5], "name": r[6]},
            }
            for r in confirmations
        ],
    }


def _stages(s: _Scope) -> dict:
    """Moves between stages in the period, counted in contacts, with their direction."""
    order = {name: i for i, name in enumerate(s.config.stages)}
    where = "changed_on BETWEEN :from AND :to" + s.in_segment("contact_id")
    # The period's moves read once (a few thousand at most), counted here both ways.
    who: dict[tuple[str | None, str], set[int]] = {}
    for cid, before, after in s.rows(
        f"SELECT contact_id, from_stage, stage FROM stage_change WHERE {where}"
    ):
        who.setdefault((before, after), set()).add(cid)
    moved = len(set().union(*who.values()))
    moves = []
    # In the order of the SQL's GROUP BY (no stage before first, then by text), which the
    # stable sort below keeps among equals.
    pairs = sorted(who, key=lambda m: (m[0] is not None, m[0] or "", m[1]))
    for before, after in pairs:
        n = len(who[before, after])
        if before is None:
            direction = "new"
        elif before in order and after in order:
            direction = "forward" if order[after] > order[before] else "back"
        else:
            direction = None  # a stage no longer in the config's list
        moves.append({"from": before, "to": after, "count": n, "direction": direction})
    moves.sort(
        key=lambda m: (-m["count"], order.get(m["from"], -1), order.get(m["to"], len(order)))
    )
    return {"contacts_moved": moved, "movements": moves}


# Each negative interaction in the period, repaired when every contact in it had a later
# interaction by the period's end (a later date, or the same day logged afterwards).
# The negatives are found first (the partial index on negative interactions) so the planner
# never starts from the contacts' histories; each contact's seek for a later interaction is
# made once (`neg` materialised: SQLite would repeat the subquery for each aggregate reading
# it), and the summaries are read for the rows shown only.
_NEGATIVES_SQL = """
WITH n AS MATERIALIZED (
    SELECT i.id, i.occurred_on FROM interaction i
    WHERE i.sentiment = 'negative' AND {where}
), neg AS MATERIALIZED (
    SELECT n.id, n.occurred_on, ic.contact_id,
           (SELECT min(x.occurred_on) FROM interaction_contact x
             WHERE x.contact_id = ic.contact_id AND x.occurred_on BETWEEN n.occurred_on AND :to
               AND (x.occurred_on > n.occurred_on OR x.interaction_id > n.id)) AS again
    FROM n CROSS JOIN interaction_contact ic ON ic.interaction_id = n.id
), per AS (
    SELECT id, occurred_on, min(again IS NOT NULL) AS repaired,
           CASE WHEN min(again IS NOT NULL) THEN max(again) END AS repaired_on,
           group_concat(contact_id) AS contacts
    FROM neg GROUP BY id
), shown AS (
    SELECT id, occurred_on, repaired, repaired_on, contacts,
           count(*) OVER () AS total, sum(repaired) OVER () AS fixed
    FROM per ORDER BY repaired, occurred_on DESC, id DESC LIMIT {limit}
)
SELECT s.id, s.occurred_on, i.summary, s.repaired, s.repaired_on, s.contacts, s.total, s.fixed
FROM shown s JOIN interaction i ON i.id = s.id
ORDER BY s.repaired, s.occurred_on DESC, s.id DESC
"""
_NEGATIVES_SQL_PG = """
WITH n AS MATERIALIZED (
    SELECT i.id, i.occurred_on FROM interaction i
    WHERE i.sentiment = 'negative' AND {where}
), neg AS MATERIALIZED (
    SELECT n.id, n.occurred_on, ic.contact_id,
           (SELECT min(x.occurred_on) FROM interaction_contact x
             WHERE x.contact_id = ic.contact_id AND x.occurred_on BETWEEN n.occurred_on AND :to
               AND (x.occurred_on > n.occurred_on OR x.interaction_id > n.id)) AS again
    FROM n JOIN interaction_contact ic ON ic.interaction_id = n.id
), per AS (
    SELECT id, occurred_on, bool_and(again IS NOT NULL) AS repaired,
           CASE WHEN bool_and(again IS NOT NULL) THEN max(again) END AS repaired_on,
           string_agg(contact_id::text, ',' ORDER BY contact_id) AS contacts
    FROM neg GROUP BY id, occurred_on
), shown AS (
    SELECT id, occurred_on, repaired, repaired_on, contacts,
           count(*) OVER () AS total, count(*) FILTER (WHERE repaired) OVER () AS fixed
    FROM per ORDER BY repaired, occurred_on DESC, id DESC LIMIT {limit}
)
SELECT s.id, s.occurred_on, i.summary, s.repaired, s.repaired_on, s.contacts, s.total, s.fixed
FROM shown s JOIN interaction i ON i.id = s.id
ORDER BY s.repaired, s.occurred_on DESC, s.id DESC
"""
_NEGATIVES = {"sqlite": _NEGATIVES_SQL, "postgresql": _NEGATIVES_SQL_PG}


def _negatives(s: _Scope) -> dict:
    sql = engine_sql(s.store.conn, _NEGATIVES)
    rows = s.rows(sql.format(where=s.interactions, limit=LIST_LIMIT))
    ids = sorted({int(c) for r in rows for c in r[5].split(",")})
    refs = _refs(s.store, ids)
    repaired = rows[0][7] if rows else 0
    return {
        "repaired": repaired,
        "unrepaired": (rows[0][6] if rows else 0) - repaired,
        "negatives": [
            {
                "id": r[0],
                "date": r[1],
                "summary": r[2],
                "contacts": [refs[int(c)] for c in r[5].split(",")],
                "repaired": bool(r[3]),
                "repaired_on": r[4],
            }
            for r in rows
        ],
    }


def _refs(store: Store, ids: list[int]) -> dict[int, dict]:
    if not ids:
        return {}
    return {
        r[0]: {"id": r[0], "uuid": r[1], "handle": r[2], "name": r[3]}
        for r in store.conn.execute(
            f"SELECT id, uuid, handle, name FROM contact WHERE id IN ({','.join(map(str, ids))})"
        )
    }


def _followups(s: _Scope) -> dict:
    """Follow-ups made in the period, and the fate by the period's end of those due in it.

    Of those due: kept (done by the due date), late (done after it), dropped, open (not closed
    by the period's end); `kept_pct` is kept out of those not dropped.
    """
    due = "f.due_on BETWEEN :from AND :to"
    created, n_due, kept, late, dropped, still_open = s.rows(
        "SELECT count(*) FILTER (WHERE f.created_on BETWEEN :from AND :to),"
        f" count(*) FILTER (WHERE {due}),"
        f" count(*) FILTER (WHERE {due} AND f.status = 'done' AND f.closed_on <= f.due_on),"
        f" count(*) FILTER (WHERE {due} AND f.status = 'done'"
        "   AND f.closed_on > f.due_on AND f.closed_on <= :to),"
        f" count(*) FILTER (WHERE {due} AND f.status = 'dropped' AND f.closed_on <= :to),"
        f" count(*) FILTER (WHERE {due} AND (f.closed_on IS NULL OR f.closed_on > :to))"
        " FROM followup f WHERE (f.created_on BETWEEN :from AND :to OR f.due_on BETWEEN :from AND :to)"
        + s.in_segment("f.contact_id")
    )[0]
    return {
        "created": created,
        "due": n_due,
        "kept": kept,
        "late": late,
        "dropped": dropped,
        "open": still_open,
        "kept_pct": _pct(kept, kept + late + still_open),
    }
