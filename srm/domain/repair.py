"""Repair: a contact whose latest interaction went badly needs an answer soon."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from srm.domain.due import Item, Query

REPAIR_FACTOR = 2.0  # a soured relationship outranks a routine check-in as late
REPAIR_SCALE_DAYS = 7  # and grows by one more factor for each week it stays unanswered


def item(
    on: date, contact: dict, interaction_id: int, occurred: str, summary: str, weight: float
) -> Item:
    from srm.domain.due import Item, _round

    days = (on - date.fromisoformat(occurred)).days
    terms = [
        ("segment weight", weight),
        ("repair", REPAIR_FACTOR),
        (f"1 + {days}d unanswered / {REPAIR_SCALE_DAYS}d", 1 + days / REPAIR_SCALE_DAYS),
    ]
    return Item(
        "repair",
        contact,
        date.fromisoformat(occurred),
        on,
        terms,
        _round(weight * REPAIR_FACTOR * (1 + days / REPAIR_SCALE_DAYS)),
        {
            "text": f"last interaction was negative: {summary}",
            "interaction": {"id": interaction_id, "date": occurred, "summary": summary},
        },
    )


def due_items(q: Query, refs: dict[int, dict], weights: dict[int, float]) -> list[Item]:
    """`srm due` source: one "repair" item per contact whose latest interaction is negative."""
    # The schedules already hold each contact's latest interaction (up to --on, same day: the
    # one logged last), so finding repairs costs nothing that grows with the history.
    latest = {cid: p.last_interaction_id for cid, p in q.plans.items() if p.last_negative}
    if not latest:
        return []
    found = {
        r[0]: r[1:]
        for r in q.store.conn.execute(
            "SELECT id, occurred_on, summary FROM interaction WHERE id IN"
            f" ({','.join(str(int(i)) for i in set(latest.values()))})"
        )
    }
    return [
        item(q.on, {"id": cid}, iid, *found[iid], weights.get(cid, 1.0))
        for cid, iid in latest.items()
    ]


# Ranked from the partial index of negative latest interactions (weight and date in it).
_RANKED = """
FROM contact_state s
WHERE s.last_sentiment = 'negative' AND s.archived = 0 AND s.last_on <= ?{extra}
"""
_DETAILS = """
SELECT c.id, c.uuid, c.handle, c.name, i.id, i.occurred_on, i.summary, s.weight
FROM contact_state s JOIN contact c ON c.id = s.contact_id JOIN interaction i ON i.id = s.last_id
WHERE s.contact_id IN ({keys})
"""


def ranked_items(q: Query, limit: int | None) -> tuple[list[Item], int]:
    """The same items from the stored state, most urgent first (srm.domain.due.ranked).

    Ranked by the state's date of the latest interaction, which srm keeps equal to the
    interaction's own (the item shows the interaction's)."""
    from srm.domain.due import julian, ranked_details

    extra, params = q.contact_filter_sql("s.contact_id")
    _, total, rows = ranked_details(
        q.store,
        f"s.contact_id, s.weight * {float(REPAIR_FACTOR)}"
        f" * (1 + ({julian(q.on)} - julianday(s.last_on)) / {float(REPAIR_SCALE_DAYS)})"
        " AS urgency",
        _RANKED.format(extra=extra),
        [q.on.isoformat(), *params],
        limit,
        _DETAILS,
    )
    items = [
        item(q.on, {"id": cid, "uuid": u, "handle": h, "name": n}, iid, occurred, summary, w)
        for cid, u, h, n, iid, occurred, summary, w in rows.values()
    ]
    if q.ahead is not None:  # their latest interaction as of --on is not the stored one
        weights = {cid: p.weight for cid, p in q.ahead.plans.items()}
        walked = due_items(q.ahead, {}, weights)
        items += walked
        total += len(walked)
    return items, total
