"""Per-contact figures shown beside contacts in listings: the give/ask ledger and current stage."""

from __future__ import annotations

import json
from datetime import date, timedelta
from json.encoder import encode_basestring  # the C one, without ASCII escapes

from srm.store.db import Store

LEDGER_DAYS = 90
# More contacts than this: one pass over all interactions beats a walk per contact.
MANY = 1000
_ALL_TIME = "9999-12-31"

_COUNTS = """
SELECT ic.contact_id, {asks}, {gives}
"""
# A few contacts: walk each one's history on the (contact, date, interaction) index, telling
# asks and gives by their id in a narrow index rather than by each interaction's row (3,500
# interactions: 1.5 ms instead of 10).
_FEW_SQL = (
    _COUNTS
    + """FROM interaction_contact ic
JOIN interaction i INDEXED BY ix_interaction_ask_give_id ON i.id = ic.interaction_id
WHERE ic.contact_id IN ({ids}) AND ic.occurred_on BETWEEN :since AND :on AND i.kind != 'checkin'
GROUP BY ic.contact_id
"""
)
# Many contacts: the asks and gives of the period from their partial index (covering: the kind
# is in it), each with a seek into the links; the check-ins around them are never read.
_ALL_SQL = (
    _COUNTS
    + """FROM interaction i INDEXED BY ix_interaction_ask_give_date
CROSS JOIN interaction_contact ic ON ic.interaction_id = i.id
WHERE i.kind != 'checkin' AND i.occurred_on BETWEEN :since AND :on
GROUP BY ic.contact_id
"""
)


def ask_give_counts(
    store: Store, ids: list[int] | None, on: date | None, since: date | None = None
) -> dict[int, tuple[int, int]]:
    """Asks and gives per contact (all contacts when `ids` is None) dated from `since` to `on`
    (None: from the first, up to the last)."""
    if ids is not None and not ids:
        return {}
    params = {
        "since": since.isoformat() if since else "",
        "on": on.isoformat() if on else _ALL_TIME,
    }
    counts = {
        "asks": store.dialect.count_if("i.kind = 'ask'"),
        "gives": store.dialect.count_if("i.kind = 'give'"),
    }
    if ids is None or len(ids) > MANY:
        sql = _ALL_SQL.format(**counts)
    else:
        sql = _FEW_SQL.format(ids=",".join(str(int(c)) for c in ids), **counts)
    return {cid: (asks, gives) for cid, asks, gives in store.conn.execute(sql, params)}


def ledger(store: Store, ids: list[int], on: date, days: int = LEDGER_DAYS) -> dict[int, dict]:
    """Asks and gives per contact: all time, in the last `days`, and asks since the last give.

    "Since the last give" counts asks on later dates than the latest give. The all-time figures
    come from the stored state when it is current (srm.domain.state), else from the history.
    """
    return {
        cid: {
            "asks": asks,
            "gives": gives,
            f"asks_{days}d": asks_r,
            f"gives_{days}d": gives_r,
            "asks_since_give": since_give,
        }
        for cid, (asks, gives, asks_r, gives_r, since_give) in ledger_figures(
            store, ids, on, days
        ).items()
    }


def ledger_figures(
    store: Store, ids: list[int], on: date, days: int = LEDGER_DAYS
) -> dict[int, tuple[int, int, int, int, int]]:
    """`ledger`'s figures as tuples (asks, gives, asks in the last `days`, gives in them, asks
    since the last give): for listings of thousands, which write them straight out."""
    from srm.domain import state

    recent = ask_give_counts(store, ids, on, since=on - timedelta(days=days - 1))
    stored: dict[int, tuple[int, int, int]] = {}
    walk = ids
    if len(ids) > MANY and state.fresh(store):
        stored = state.ask_give(store)
        ahead = set(state.ahead(store, on))  # they have asks or gives after `on`
        walk = [cid for cid in ids if cid in ahead or cid not in stored]
    if walk:
        totals = ask_give_counts(store, walk, on)
        since_give = asks_since_give(store, walk, on)
        for cid in walk:
            stored[cid] = (*totals.get(cid, (0, 0)), since_give.get(cid, 0))
    nothing = (0, 0)
    return {
        cid: (
            *stored.get(cid, (0, 0, 0))[:2],
            *recent.get(cid, nothing),
            stored.get(cid, (0, 0, 0))[2],
        )
        for cid in ids
    }


_ASKS_SINCE_GIVE_SQL = """
WITH ids(cid) AS (SELECT value FROM {ids}),
last_give(cid, day) AS (
    SELECT cid, coalesce((SELECT ic.occurred_on FROM interaction_contact ic
                            JOIN interaction i INDEXED BY ix_interaction_ask_give_id
                              ON i.id = ic.interaction_id
                           WHERE ic.contact_id = ids.cid AND ic.occurred_on <= :on
                             AND i.kind != 'checkin' AND i.kind = 'give'
                           ORDER BY ic.occurred_on DESC LIMIT 1), '')
    FROM ids
)
SELECT g.cid, (SELECT count(*) FROM interaction_contact ic
                 JOIN interaction i INDEXED BY ix_interaction_ask_give_id
                   ON i.id = ic.interaction_id
                WHERE ic.contact_id = g.cid AND ic.occurred_on > g.day
                  AND ic.occurred_on <= :on AND i.kind != 'checkin' AND i.kind = 'ask')
FROM last_give g
"""


def asks_since_give(store: Store, ids: list[int], on: date | None) -> dict[int, int]:
    """Asks after the latest give, per contact, as of `on` (same rule as `ledger`; None: all).

    Walks each contact's history backwards on the (contact, date) index and stops at the
    latest give, so it costs the recent history rather than the whole of it; one statement
    for all the ids.
    """
    if not ids:
        return {}
    day = on.isoformat() if on is not None else _ALL_TIME
    sql = _ASKS_SINCE_GIVE_SQL.format(ids=store.dialect.json_ids(":ids"))
    rows = store.conn.execute(sql, {"ids": json.dumps(ids), "on": day})
    return dict(rows.fetchall())


def stages(store: Store, ids: list[int]) -> dict[int, str | None]:
    """Each contact's current stage (their latest stage change; same day: the later one)."""
    out: dict[int, str | None] = dict.fromkeys(ids)
    if len(ids) > MANY:
        # One pass in (contact, date) order; the last row of each contact is its stage.
        for cid, stage in store.conn.execute(
            "SELECT contact_id, stage FROM stage_change ORDER BY contact_id, changed_on, id"
        ):
            if cid in out:
                out[cid] = stage
        return out
    for i in range(0, len(ids), 900):
        chunk = ",".join(str(int(c)) for c in ids[i : i + 900])
        for cid, stage in store.conn.execute(
            f"SELECT c.id, {STAGE_SQL} FROM contact c WHERE c.id IN ({chunk})"
        ):
            out[cid] = stage
    return out


def figures_json(
    cadence: str | None,
    last: str | None,
    due: str | None,
    stage: str | None,
    ledger: tuple[int, int, int, int, int],
    days: int = LEDGER_DAYS,
) -> str:
    """The figures `srm contacts --json` adds to a contact, as the JSON text of its members:
    what json.dumps writes of {"effective_cadence", "last_interaction", "next_due", "stage",
    "ledger": `ledger`'s dict} (dates and cadences as text; None: null). Written from the
    values: building and encoding 10,000 small dicts cost a sixth of the command."""
    asks, gives, asks_r, gives_r, since = ledger
    s = encode_basestring
    return (
        f'"effective_cadence": {"null" if cadence is None else s(cadence)},'
        f' "last_interaction": {"null" if last is None else s(last)},'
        f' "next_due": {"null" if due is None else s(due)},'
        f' "stage": {"null" if stage is None else s(stage)}, "ledger": {{"asks": {asks},'
        f' "gives": {gives}, "asks_{days}d": {asks_r}, "gives_{days}d": {gives_r},'
        f' "asks_since_give": {since}}}'
    )


# A contact's current stage, as a correlated subquery over `c` (contact): its latest stage
# change (same day: the later one), as `stages` reads it.
STAGE_SQL = (
    "(SELECT sc.stage FROM stage_change sc WHERE sc.contact_id = c.id"
    " ORDER BY sc.changed_on DESC, sc.id DESC LIMIT 1)"
)


def for_contacts(store: Store, ids: list[int], on: date) -> dict[int, dict]:
    led = ledger(store, ids, on)
    st = stages(store, ids)
    return {cid: {"stage": st.get(cid), "ledger": led[cid]} for cid in ids}
