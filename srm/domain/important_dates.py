"""Dates that matter (birthdays, anniversaries, promotions …): yearly, with or without a year."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from srm.dates import next_occurrence, parse_month_day
from srm.domain.common import LABEL_MAX, new_uuid, one_line
from srm.domain.contacts import Contact
from srm.errors import NotFound, UsageError
from srm.store.db import Store

if TYPE_CHECKING:
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
    """
    if within is None or within >= 365:
        return "", []
    until = on + timedelta(days=within)
    lo, hi = on.month * 100 + on.day, until.month * 100 + until.day
    joiner = "AND" if until.year == on.year else "OR"
    md = "(d.month * 100 + d.day)"
    return f" AND ({md} >= ? {joiner} {md} <= ? OR (d.month = 2 AND d.day = 29))", [lo, hi]


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


def due_items(q: Query, refs: dict[int, dict], weights: dict[int, float]) -> list[Item]:
    """`srm due` source: dates whose next occurrence falls within the window."""
    from srm.domain.due import Item, _round

    extra, params = q.contact_filter_sql("c.id")
    items = []
    for d in upcoming(q.store, q.on, within=q.within, extra_sql=extra, extra_params=params):
        cid = d["contact"]["id"]
        refs[cid] = d["contact"]
        w = weights.get(cid, 1.0)
        n = d["days_until"]
        # A date is fixed: today's counts like a check-in due today, fading with distance.
        terms = [("segment weight", w), (f"1 / (1 + {n}d until)", 1 / (1 + n))]
        items.append(
            Item(
                "date",
                {"id": cid},
                date.fromisoformat(d["date"]),
                q.on,
                terms,
                _round(w / (1 + n)),
                {
                    "id": d["id"],
                    "text": d["text"],
                    "label": d["label"],
                    "date": d["date"],
                    "year": d["year"],
                    "years": d["years"],
                },
            )
        )
    return items
