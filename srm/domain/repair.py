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


_RANKED_SQL = """
SELECT c.id, c.uuid, c.handle, c.name, i.id, i.occurred_on, i.summary, s.weight,
       s.weight * {factor} * (1 + (julianday(?) - julianday(i.occurred_on)) / {scale}) AS urgency,
       count(*) OVER ()
FROM contact_state s JOIN contact c ON c.id = s.contact_id JOIN interaction i ON i.id = s.last_id
WHERE s.last_sentiment = 'negative' AND s.last_on <= ? AND c.archived_at IS NULL{extra}
ORDER BY urgency DESC
"""


def ranked_items(q: Query, limit: int | None) -> tuple[list[Item], int]:
    """The same items from the stored state, most urgent first (srm.domain.due.ranked)."""
    from srm.domain.due import top

    extra, params = q.contact_filter_sql("c.id")
    sql = _RANKED_SQL.format(
        factor=float(REPAIR_FACTOR), scale=float(REPAIR_SCALE_DAYS), extra=extra
    )
    cur = q.store.conn.cursor()
    cur.row_factory = None
    on = q.on.isoformat()
    rows, total = top(cur.execute(sql, [on, on, *params]), limit, 8, 9)
    items = [
        item(q.on, {"id": cid, "uuid": u, "handle": h, "name": n}, iid, occurred, summary, w)
        for cid, u, h, n, iid, occurred, summary, w, _, _ in rows
    ]
    if q.ahead is not None:  # their latest interaction as of --on is not the stored one
        weights = {cid: p.weight for cid, p in q.ahead.plans.items()}
        walked = due_items(q.ahead, {}, weights)
        items += walked
        total += len(walked)
    return items, total
