"""The report's figures kept by the writes, proven against the history.

`srm report` is about past periods, which the per-contact state (srm.domain.state, *now*) can't
answer. Two summaries can, for any period made of whole days and months:

- `interaction_day`: interactions per day, kind, sentiment and channel. Triggers on
  `interaction` add and take away one, so it is exact whoever writes (migration step "report
  summary"): a period's totals, channels and weekly activity are a few hundred rows.
- `interaction_shared`: the interactions with more than one contact, by date (triggers on the
  links): a segment's figures are its members' summed, less what two members shared.
- `contact_month`: each contact's interactions in each calendar month it had any — count,
  asks, gives, first and last day. Triggers mark the (contact, month) pairs a change can move
  in `contact_month_dirty`; `refresh`, run by each srm write just before it commits (with the
  contact state's), recomputes them from the links' index. Undo, merge, import, edits and
  erasure need no code of their own. A read uses it only when nothing is marked (`fresh`).

`problems` compares both with a from-scratch computation (`srm db check`); `rebuild`
recomputes them (`srm db rebuild-state`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from srm.domain.common import plural
from srm.store.db import Store

if TYPE_CHECKING:
    from srm.store.check import Finding

# Each contact's months, from the links (the date each link repeats) and their interaction's kind.
_MONTHS = """
SELECT substr(ic.occurred_on, 1, 7) AS month, ic.contact_id, count(*),
       count(*) FILTER (WHERE i.kind = 'ask'), count(*) FILTER (WHERE i.kind = 'give'),
       min(ic.occurred_on), max(ic.occurred_on)
FROM {source} JOIN interaction i ON i.id = ic.interaction_id
GROUP BY ic.contact_id, substr(ic.occurred_on, 1, 7)
"""
# CROSS JOIN: the marked pairs first, each one index range of its contact's links (the planner,
# knowing nothing of the few marked rows, would read every link; PostgreSQL's adapter drops it).
_MARKED = (
    "contact_month_dirty d CROSS JOIN interaction_contact ic ON ic.contact_id = d.contact_id"
    " AND ic.occurred_on BETWEEN d.month || '-01' AND d.month || '-31'"
)
_DAYS = (
    "SELECT occurred_on, kind, sentiment, channel, count(*) FROM interaction"
    " GROUP BY occurred_on, kind, sentiment, channel"
)
_MONTH_COLUMNS = "month, contact_id, interactions, asks, gives, first_on, last_on"
_SHARED = (
    "SELECT i.id, i.occurred_on FROM interaction i WHERE i.id IN"
    " (SELECT interaction_id FROM interaction_contact GROUP BY interaction_id HAVING count(*) > 1)"
)


def fresh(store: Store) -> bool:
    """Whether no (contact, month) is marked for recomputing: then `contact_month` is the
    history's (`interaction_day` always is)."""
    return store.conn.execute("SELECT 1 FROM contact_month_dirty LIMIT 1").fetchone() is None


def refresh(store: Store) -> int:
    """Recompute the marked (contact, month) pairs, inside the caller's write; how many."""
    conn = store.conn
    n = conn.execute("SELECT count(*) FROM contact_month_dirty").fetchone()[0]
    if not n:
        return 0
    conn.execute(
        "DELETE FROM contact_month WHERE (month, contact_id) IN"
        " (SELECT month, contact_id FROM contact_month_dirty)"
    )
    # A contact deleted since it was marked has no links left, so no row comes back for it.
    conn.execute(f"INSERT INTO contact_month ({_MONTH_COLUMNS}) " + _MONTHS.format(source=_MARKED))
    conn.execute("DELETE FROM contact_month_dirty")
    return n


def rebuild(store: Store) -> None:
    """Recompute both summaries from the history (inside the caller's write)."""
    conn = store.conn
    conn.execute("DELETE FROM contact_month_dirty")
    conn.execute("DELETE FROM contact_month")
    conn.execute(
        f"INSERT INTO contact_month ({_MONTH_COLUMNS}) "
        + _MONTHS.format(source="interaction_contact ic")
    )
    conn.execute("DELETE FROM interaction_day")
    conn.execute(
        "INSERT INTO interaction_day (day, kind, sentiment, channel, interactions) " + _DAYS
    )
    conn.execute("DELETE FROM interaction_shared")
    conn.execute("INSERT INTO interaction_shared (interaction_id, occurred_on) " + _SHARED)


def problems(store: Store) -> list[str]:
    """Where the kept summaries differ from the history (for `srm db check`). Months still
    marked for recomputing are not a problem: reads don't use the summary until a write
    refreshes it."""
    conn = store.conn
    out = []
    marked = {tuple(r) for r in conn.execute("SELECT month, contact_id FROM contact_month_dirty")}
    want = {
        (r[0], r[1]): tuple(r[2:])
        for r in conn.execute(_MONTHS.format(source="interaction_contact ic"))
        if (r[0], r[1]) not in marked
    }
    have = {
        (r[0], r[1]): tuple(r[2:])
        for r in conn.execute(f"SELECT {_MONTH_COLUMNS} FROM contact_month")
        if (r[0], r[1]) not in marked
    }
    for key in sorted(set(want) | set(have)):
        if have.get(key) != want.get(key):
            out.append(
                f"contact {key[1]} in {key[0]}: stored (interactions, asks, gives, first,"
                f" last) {have.get(key)!r}, history says {want.get(key)!r}"
            )
    want = {tuple(r[:4]): r[4] for r in conn.execute(_DAYS)}
    have = {
        tuple(r[:4]): r[4]
        for r in conn.execute(
            "SELECT day, kind, sentiment, channel, interactions FROM interaction_day"
        )
    }
    for key in sorted(set(want) | set(have)):
        if have.get(key) != want.get(key):
            day, kind, sentiment, channel = key
            out.append(
                f"{day} {kind} {sentiment} by {channel}: stored {have.get(key, 0)}"
                f" interactions, history says {want.get(key, 0)}"
            )
    want = dict(conn.execute(_SHARED).fetchall())
    have = dict(
        conn.execute("SELECT interaction_id, occurred_on FROM interaction_shared").fetchall()
    )
    for iid in sorted(set(want) | set(have)):
        if have.get(iid) != want.get(iid):
            out.append(
                f"interaction {iid}: stored as shared on {have.get(iid)!r}, history says"
                f" {want.get(iid)!r}"
            )
    return out


def findings(store: Store, shown: int) -> list[Finding]:
    """What `srm doctor` says about the report's kept figures (it only reads)."""
    from srm.store.check import Finding

    rebuild_it = "srm db rebuild-state recomputes it from the history now"
    wrong = problems(store)
    out = [Finding("problem", "report summary", p, rebuild_it) for p in wrong[:shown]]
    if len(wrong) > shown:
        out.append(
            Finding("problem", "report summary", f"… and {len(wrong) - shown} more", rebuild_it)
        )
    if not wrong:
        months = store.conn.execute("SELECT count(*) FROM contact_month").fetchone()[0]
        out.append(
            Finding(
                "ok",
                "report summary",
                f"{plural(months, 'contact-month')} and the daily counts, as the history says",
            )
        )
    return out
