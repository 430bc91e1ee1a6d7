"""Repair: a contact whose latest interaction went badly needs an answer soon."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from srm.domain.due import Item, Query

REPAIR_FACTOR = 2.0  # a soured relationship outranks a routine check-in as late
REPAIR_SCALE_DAYS = 7  # and grows by one more factor for each week it stays unanswered

# Starts from the partial index ix_interaction_negative (negative interactions are rare), then
# keeps those with no later interaction with the same contact: one index seek on
# interaction_contact (contact_id, occurred_on) each. Same-day order follows the log order (id).
_SQL = """
SELECT ic.contact_id, i.id, i.occurred_on, i.summary
FROM interaction i INDEXED BY ix_interaction_negative
JOIN interaction_contact ic ON ic.interaction_id = i.id
JOIN contact c ON c.id = ic.contact_id
WHERE i.sentiment = 'negative' AND i.occurred_on <= ? AND c.archived_at IS NULL
  AND NOT EXISTS (
      SELECT 1 FROM interaction_contact later
      WHERE later.contact_id = ic.contact_id
        AND later.occurred_on >= i.occurred_on AND later.occurred_on <= ?
        AND (later.occurred_on > i.occurred_on OR later.interaction_id > i.id))
"""


def due_items(q: Query, refs: dict[int, dict], weights: dict[int, float]) -> list[Item]:
    """`srm due` source: one "repair" item per contact whose latest interaction is negative."""
    from srm.domain.due import Item, _round

    extra, params = q.contact_filter_sql("c.id")
    on = q.on.isoformat()
    items = []
    for cid, iid, occurred, summary in q.store.conn.execute(_SQL + extra, [on, on, *params]):
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
