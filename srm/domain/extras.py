"""Per-contact figures shown beside contacts in listings: the give/ask ledger and current stage."""

from __future__ import annotations

from datetime import date, timedelta

from srm.store.db import Store

LEDGER_DAYS = 90

_COUNTS = """
SELECT ic.contact_id,
       sum(i.kind = 'ask'), sum(i.kind = 'give'),
       sum(i.kind = 'ask' AND i.occurred_on >= :recent),
       sum(i.kind = 'give' AND i.occurred_on >= :recent)
"""
# A few contacts: walk each one's history on the (contact, date) index.
_LEDGER_FEW_SQL = (
    _COUNTS
    + """FROM interaction_contact ic JOIN interaction i ON i.id = ic.interaction_id
WHERE ic.contact_id IN ({ids}) AND ic.occurred_on <= :on AND i.kind != 'checkin'
GROUP BY ic.contact_id
"""
)
# Many contacts: one pass over the interactions in date order with a covering seek into the
# links is ~10x cheaper than two random lookups per link row (0.35 s vs 4 s at 1M).
_LEDGER_ALL_SQL = (
    _COUNTS
    + """FROM interaction i CROSS JOIN interaction_contact ic ON ic.interaction_id = i.id
WHERE i.occurred_on <= :on AND i.kind != 'checkin'
GROUP BY ic.contact_id
"""
)
MANY = 1000


def ledger(store: Store, ids: list[int], on: date, days: int = LEDGER_DAYS) -> dict[int, dict]:
    """Asks and gives per contact: all time, in the last `days`, and asks since the last give.

    "Since the last give" counts asks on later dates than the latest give.
    """
    out = {
        cid: {
            "asks": 0,
            "gives": 0,
            f"asks_{days}d": 0,
            f"gives_{days}d": 0,
            "asks_since_give": 0,
        }
        for cid in ids
    }
    params = {"recent": (on - timedelta(days=days - 1)).isoformat(), "on": on.isoformat()}
    if len(ids) > MANY:
        sql = _LEDGER_ALL_SQL
    else:
        sql = _LEDGER_FEW_SQL.format(ids=",".join(str(int(c)) for c in ids))
    for cid, asks, gives, asks_r, gives_r in store.conn.execute(sql, params):
        if cid in out:
            out[cid].update(
                {
                    "asks": asks or 0,
                    "gives": gives or 0,
                    f"asks_{days}d": asks_r or 0,
                    f"gives_{days}d": gives_r or 0,
                }
            )
    # Not a column of the GROUP BY: there it was a subquery per interaction row (9.5 s for
    # 10k contacts at 1M interactions); per contact it is a short index walk.
    for cid, n in asks_since_give(store, ids, on).items():
        out[cid]["asks_since_give"] = n
    return out


_ASKS_SINCE_GIVE_SQL = """
WITH ids(cid) AS (SELECT value FROM json_each(:ids)),
last_give(cid, day) AS (
    SELECT cid, coalesce((SELECT ic.occurred_on FROM interaction_contact ic
                            JOIN interaction i ON i.id = ic.interaction_id
                           WHERE ic.contact_id = ids.cid AND ic.occurred_on <= :on
                             AND i.kind = 'give'
                           ORDER BY ic.occurred_on DESC LIMIT 1), '')
    FROM ids
)
SELECT g.cid, (SELECT count(*) FROM interaction_contact ic
                 JOIN interaction i ON i.id = ic.interaction_id
                WHERE ic.contact_id = g.cid AND ic.occurred_on > g.day
                  AND ic.occurred_on <= :on AND i.kind = 'ask')
FROM last_give g
"""


def asks_since_give(store: Store, ids: list[int], on: date | None) -> dict[int, int]:
    """Asks after the latest give, per contact, as of `on` (same rule as `ledger`; None: all).

    Walks each contact's history backwards on the (contact, date) index and stops at the
    latest give, so it costs the recent history rather than the whole of it; one statement
    for all the ids.
    """
    import json

    day = on.isoformat() if on is not None else "9999-12-31"
    rows = store.conn.execute(_ASKS_SINCE_GIVE_SQL, {"ids": json.dumps(ids), "on": day})
    return dict(rows.fetchall())


def stages(store: Store, ids: list[int]) -> dict[int, str | None]:
    out: dict[int, str | None] = dict.fromkeys(ids)
    for i in range(0, len(ids), 900):
        chunk = ",".join(str(int(c)) for c in ids[i : i + 900])
        for cid, stage in store.conn.execute(
            f"SELECT c.id, (SELECT sc.stage FROM stage_change sc WHERE sc.contact_id = c.id"
            f" ORDER BY sc.changed_on DESC, sc.id DESC LIMIT 1) FROM contact c WHERE c.id IN ({chunk})"
        ):
            out[cid] = stage
    return out


def for_contacts(store: Store, ids: list[int], on: date) -> dict[int, dict]:
    led = ledger(store, ids, on)
    st = stages(store, ids)
    return {cid: {"stage": st.get(cid), "ledger": led[cid]} for cid in ids}
