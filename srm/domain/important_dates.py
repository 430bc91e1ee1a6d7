"""Dates that matter (birthdays, anniversaries, promotions …): yearly, with or without a year."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import TYPE_CHECKING

from srm.dates import next_occurrence, parse_month_day
from srm.domain.common import LABEL_MAX, new_uuid, one_line
from srm.errors import NotFound, UsageError
from srm.store.db import Store

if TYPE_CHECKING:
    from srm.domain.contacts import Contact
    from srm.domain.due import Item, Query

KNOWN_LABELS = ("birthday", "anniversary", "promotion")

_SELECT = (
    "SELECT d.id, d.uuid, d.label, d.year, d.month, d.day,"
    " c.id AS cid, c.uuid AS cuuid, c.handle, c.name"
    " FROM important_date d JOIN contact c ON c.id = d.contact_id"
)


def normalise_label(label: str) -> str:
    text = one_line(label, "the label", LABEL_MAX)
    if not text:
        raise UsageError(f"say what the date is: {', '.join(KNOWN_LABELS)} or your own label")
    return text.lower() if text.lower() in KNOWN_LABELS else text


def describe(label: str, years: int | None) -> str:
    """The line a person reads: "birthday (turns 40)", "promotion (2 years)", or just the label."""
    if not years:
        return label
    if label == "birthday":
        return f"birthday (turns {years})"
    return f"{label} ({years} year{'s' if years != 1 else ''})"


def _json(r, on: date) -> dict:
    nxt = next_occurrence(r["month"], r["day"], on)
    years = nxt.year - r["year"] if r["year"] is not None and nxt.year > r["year"] else None
    return {
        "id": r["id"],
        "uuid": r["uuid"],
        "contact": {"id": r["cid"], "uuid": r["cuuid"], "handle": r["handle"], "name": r["name"]},
        "label": r["label"],
        "year": r["year"],
        "month": r["month"],
        "day": r["day"],
        "date": nxt.isoformat(),
        "days_until": (nxt - on).days,
        "years": years,
        "text": describe(r["label"], years),
    }


def add(store: Store, contact: Contact, label: str, when: str, on: date) -> dict:
    """Record a date from YYYY-MM-DD, MM-DD or --MM-DD; `on` dates its next occurrence."""
    label = normalise_label(label)
    year, month, day = parse_month_day(when)
    with store.write() as conn:
        did = conn.execute(
            "INSERT INTO important_date (uuid, contact_id, label, year, month, day)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (new_uuid(), contact.id, label, year, month, day),
        ).lastrowid
    return get(store, did, on)


def get(store: Store, date_id: int, on: date) -> dict:
    row = store.conn.execute(_SELECT + " WHERE d.id = ?", (date_id,)).fetchone()
    if row is None:
        raise NotFound(f"no date with id {date_id} (srm dates lists them)")
    return _json(row, on)


def remove(store: Store, date_id: int, on: date) -> dict:
    gone = get(store, date_id, on)
    with store.write() as conn:
        conn.execute("DELETE FROM important_date WHERE id = ?", (date_id,))
    return gone


def _window_sql(on: date, within: int | None) -> tuple[str, list]:
    """A WHERE fragment keeping dates whose month-day can fall in [on, on + within].

    Feb 29 always passes: in other years it falls on Feb 28, which a month-day range misses.
    Every term is the indexed month-day expression (229 is Feb 29), so SQLite reads ranges of
    ix_important_date_month_day.
    """
    if within is None or within >= 365:
        return "", []
    until = on + timedelta(days=within)
    lo, hi = on.month * 100 + on.day, until.month * 100 + until.day
    joiner = "AND" if until.year == on.year else "OR"
    md = "(d.month * 100 + d.day)"
    return f" AND ({md} >= ? {joiner} {md} <= ? OR {md} = 229)", [lo, hi]


def upcoming(
    store: Store,
    on: date,
    *,
    within: int | None = None,
    contact_id: int | None = None,
    extra_sql: str = "",
    extra_params: list | None = None,
) -> list[dict]:
    """Each date's next occurrence on or after `on` (within `within` days if given), soonest first.

    Archived contacts' dates are left out unless one contact is asked for.
    """
    window, params = _window_sql(on, within)
    where = "c.archived_at IS NULL" if contact_id is None else "d.contact_id = ?"
    if contact_id is not None:
        params = [contact_id, *params]
    rows = store.conn.execute(
        f"{_SELECT} WHERE {where}{window}{extra_sql}", [*params, *(extra_params or [])]
    ).fetchall()
    found = [_json(r, on) for r in rows]
    if within is not None:
        found = [d for d in found if d["days_until"] <= within]
    found.sort(key=lambda d: (d["date"], d["contact"]["name"].casefold(), d["id"]))
    return found


def item(on: date, d: dict, weight: float):
    """A date that matters for `srm due`: today's counts like a check-in due today, fading
    with distance (`d` as `upcoming` gives it)."""
    from srm.domain.due import Item, _round

    n = d["days_until"]
    return Item(
        "date",
        d["contact"],
        date.fromisoformat(d["date"]),
        on,
        [("segment weight", weight), (f"1 / (1 + {n}d until)", 1 / (1 + n))],
        _round(weight / (1 + n)),
        {
            "id": d["id"],
            "text": d["text"],
            "label": d["label"],
            "date": d["date"],
            "year": d["year"],
            "years": d["years"],
        },
    )


def due_items(q: Query, refs: dict[int, dict], weights: dict[int, float]) -> list[Item]:
    """`srm due` source: dates whose next occurrence falls within the window."""
    extra, params = q.contact_filter_sql("c.id")
    items = []
    for d in upcoming(q.store, q.on, within=q.within, extra_sql=extra, extra_params=params):
        cid = d["contact"]["id"]
        refs[cid] = d["contact"]
        items.append(item(q.on, d, weights.get(cid, 1.0)))
    return items


def ranked_items(q: Query, limit: int | None) -> tuple[list[Item], int]:
    """The same items with weights from the stored state (srm.domain.due.ranked): each date's
    next occurrence and urgency from a narrow read, the full record of the ones kept only."""
    from srm.domain.due import MARGIN

    window, params = _window_sql(q.on, q.within)
    extra, more = q.contact_filter_sql("d.contact_id")
    # On a server, each candidate's full record comes with it (a hundred or so rows): one
    # round trip instead of two.
    remote = q.store.dialect.remote
    full = ", d.uuid, d.label, d.year, c.id AS cid, c.uuid AS cuuid, c.handle, c.name"
    scored = []
    found = {}
    for r in q.store.conn.execute(
        f"SELECT d.id, d.month, d.day, s.weight{full if remote else ''}"
        " FROM important_date d CROSS JOIN contact_state s"
        " INDEXED BY ix_contact_state_weight ON s.contact_id = d.contact_id"
        f"{' JOIN contact c ON c.id = d.contact_id' if remote else ''}"
        f" WHERE s.archived = 0{window}{extra}",
        [*params, *more],
    ):
        did, month, day, weight = r[0], r[1], r[2], r[3]
        n = (next_occurrence(month, day, q.on) - q.on).days
        if n <= q.within:
            scored.append((weight / (1 + n), did, weight))
            found[did] = r
    total = len(scored)
    if limit is not None and total > limit:
        scored.sort(reverse=True)
        floor = scored[limit - 1][0] - MARGIN
        scored = [s for s in scored if s[0] >= floor]
    weights = {did: w for _, did, w in scored}
    if remote:
        rows = [found[did] for did in weights]
    else:
        rows = q.store.conn.execute(
            f"{_SELECT} WHERE d.id IN (SELECT value FROM {q.store.dialect.json_ids('?')})",
            [json.dumps(list(weights))],
        )
    items = [item(q.on, d, weights[d["id"]]) for d in (_json(r, q.on) for r in rows)]
    return items, total
