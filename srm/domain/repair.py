"""Repair: a contact whose latest interaction went badly needs an answer soon."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from srm.domain.due import Item, Query

REPAIR_FACTOR = 2.0  # a soured relationship outranks a routine check-in as late
REPAIR_SCALE_DAYS = 7  # and grows by one more factor for each week it stays unanswered


def due_items(q: Query, refs: dict[int, dict], weights: dict[int, float]) -> list[Item]:
    """`srm due` source: one "repair" item per contact whose latest interaction is negative."""
    from srm.domain.due import Item, _round

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
    items = []
    for cid, iid in latest.items():
        occurred, summary = found[iid]
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
