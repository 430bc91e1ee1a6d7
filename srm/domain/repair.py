"""Repair: a contact whose latest interaction went badly needs an answer soon."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from srm.domain.due import Item, Query

REPAIR_FACTOR = 2.0  # a soured relationship outranks a routine check-in as late
REPAIR_SCALE_DAYS = 7  # and grows by one more factor for each week it stays unanswered

# Negative interactions are rare, so the walk starts from the partial index on them and keeps
# each contact's latest negative date. It stands only if no interaction with that contact came
# on a later date (one covering index seek each) and, on that same day, it was logged last.
# CROSS JOIN pins this join order: with a --segment filter the planner would otherwise start
# from the contacts and walk each one's whole history (seconds at 1M interactions, not ms).
_SQL = """
WITH latest_negative AS (
    SELECT ic.contact_id AS cid, max(i.occurred_on) AS day
    FROM interaction i INDEXED BY ix_interaction_negative
    CROSS JOIN interaction_contact ic ON ic.interaction_id = i.id
    WHERE i.sentiment = 'negative' AND i.occurred_on <= ?
    GROUP BY ic.contact_id
), unanswered AS (
    SELECT n.cid, (SELECT l.interaction_id FROM interaction_contact l
                    WHERE l.contact_id = n.cid AND l.occurred_on = n.day
                    ORDER BY l.interaction_id DESC LIMIT 1) AS last_id
    FROM latest_negative n CROSS JOIN contact c ON c.id = n.cid
    WHERE n.day = (SELECT max(l.occurred_on) FROM interaction_contact l
                    WHERE l.contact_id = n.cid AND l.occurred_on <= ?)
      AND c.archived_at IS NULL{extra}
)
SELECT u.cid, i.id, i.occurred_on, i.summary
FROM unanswered u JOIN interaction i ON i.id = u.last_id
WHERE i.sentiment = 'negative'
"""


def due_items(q: Query, refs: dict[int, dict], weights: dict[int, float]) -> list[Item]:
    """`srm due` source: one "repair" item per contact whose latest interaction is negative."""
    from srm.domain.due import Item, _round

    extra, params = q.contact_filter_sql("c.id")
    on = q.on.isoformat()
    items = []
    for cid, iid, occurred, summary in q.store.conn.execute(
        _SQL.format(extra=extra), [on, on, *params]
    ):
        when = date.fromisoformat(occurred)
        days = (q.on - when).days
        w = weights.get(cid, 1.0)
        terms = [
            ("segment weight", w),
            ("repair", REPAIR_FACTOR),
            (f"1 + {days}d unanswered / {REPAIR_SCALE_DAYS}d", 1 + days / REPAIR_SCALE_DAYS),
        ]
        items.append(
            Item(
                "repair",
                {"id": cid},
                when,
                q.on,
                terms,
                _round(w * REPAIR_FACTOR * (1 + days / REPAIR_SCALE_DAYS)),
                {
                    "text": f"last interaction was negative: {summary}",
                    "interaction": {"id": iid, "date": occurred, "summary": summary},
                },
            )
        )
    return items
