"""The report's figures kept by the writes, proven against the history.

`srm report` is about past periods, which the per-contact state (srm.domain.state, *now*) can't
answer. Two summaries can, for any period made of whole days and months:

- `interaction_day`: interactions per day, kind, sentiment and channel. Triggers on
  `interaction` add and take away one, so it is exact whoever writes (migration step "report
  summary"): a period's totals, channels and weekly activity are a few hundred rows.
- `shared_segment`: for each interaction and each segment holding more than one of its
  contacts, how many, with the interaction's date and kind, in date order (triggers on the
  links, the memberships and the interactions): a segment's figures are its members' summed,
  less what two members shared.
- `contact_month`: each contact's interactions in each calendar month it had any — count,
  asks, gives, first and last day. Triggers mark the (contact, month) pairs a change can move
  in `contact_month_dirty`; `refresh`, run by each srm write just before it commits (with the
  contact state's), recomputes them from the links' index. Undo, merge, import, edits and
  erasure need no code of their own. A read uses it only when nothing is marked (`fresh`).

`problems` compares both with a from-scratch computation (`srm db check`); `rebuild`
recomputes them (`srm db rebuild-state`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from srm.domain.common import plural
from srm.store.db import Store

if TYPE_CHECKING:
    from srm.store.check import Finding

# Each contact's months, from the links (the date each link repeats) and their interaction's kind,
# told by the narrow index of asks and gives rather than each interaction's row (twice as fast
# over a whole history). In (contact, month) order.
_MONTHS = """
SELECT substr(ic.occurred_on, 1, 7) AS month, ic.contact_id, count(*),
       count(*) FILTER (WHERE i.kind = 'ask'), count(*) FILTER (WHERE i.kind = 'give'),
       min(ic.occurred_on), max(ic.occurred_on)
FROM {source} LEFT JOIN interaction i INDEXED BY ix_interaction_ask_give_id
  ON i.id = ic.interaction_id AND i.kind != 'checkin'
GROUP BY ic.contact_id, substr(ic.occurred_on, 1, 7)
ORDER BY ic.contact_id, month
"""
# CROSS JOIN: the marked pairs first, each one index range of its contact's links (the planner,
# knowing nothing of the few marked rows, would read every link; PostgreSQL's adapter drops it).
_MARKED = (
    "contact_month_dirty d CROSS JOIN interaction_contact ic ON ic.contact_id = d.contact_id"
    " AND ic.occurred_on BETWEEN d.month || '-01' AND d.month || '-31'"
)
_DAYS = (
    "SELECT occurred_on, kind, sentiment, channel, count(*) FROM interaction"
    " GROUP BY occurred_on, kind, sentiment, channel ORDER BY occurred_on, kind, sentiment, channel"
)
_MONTH_COLUMNS = "month, contact_id, interactions, asks, gives, first_on, last_on"
_SHARED_COLUMNS = "occurred_on, interaction_id, segment_id, kind, members"
_SHARED = (
    "SELECT i.occurred_on, i.id, cs.segment_id, i.kind, count(*) FROM interaction i"
    " JOIN interaction_contact ic ON ic.interaction_id = i.id"
    " JOIN contact_segment cs ON cs.contact_id = ic.contact_id"
    " GROUP BY i.id, cs.segment_id HAVING count(*) > 1 ORDER BY i.id, cs.segment_id"
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
    defer = store.dialect.defer  # nothing is read from these: on a server, sent with the next
    defer(
        conn,
        "DELETE FROM contact_month WHERE (month, contact_id) IN"
        " (SELECT month, contact_id FROM contact_month_dirty)",
    )
    # A contact deleted since it was marked has no links left, so no row comes back for it.
    defer(conn, f"INSERT INTO contact_month ({_MONTH_COLUMNS}) " + _MONTHS.format(source=_MARKED))
    defer(conn, "DELETE FROM contact_month_dirty")
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
    conn.execute("DELETE FROM shared_segment")
    conn.execute(f"INSERT INTO shared_segment ({_SHARED_COLUMNS}) " + _SHARED)


def problems(store: Store) -> list[str]:
    """Where the kept summaries differ from the history (for `srm db check`). Months still
    marked for recomputing are not a problem: reads don't use the summary until a write
    refreshes it. Both sides are read in key order and compared as they come: one pass over
    the history, never all of it in memory."""
    conn = store.conn
    out = []
    marked = {tuple(r) for r in conn.execute("SELECT month, contact_id FROM contact_month_dirty")}
    for key, have, want in _compare(
        conn,
        f"SELECT {_MONTH_COLUMNS} FROM contact_month ORDER BY contact_id, month",
        _MONTHS.format(source="interaction_contact ic"),
        lambda r: (r[1], r[0]),
    ):
        if (key[1], key[0]) not in marked:
            out.append(
                f"contact {key[0]} in {key[1]}: stored (interactions, asks, gives, first,"
                f" last) {have and have[2:]!r}, history says {want and want[2:]!r}"
            )
    for key, have, want in _compare(
        conn,
        "SELECT day, kind, sentiment, channel, interactions FROM interaction_day"
        " ORDER BY day, kind, sentiment, channel",
        _DAYS,
        lambda r: tuple(r[:4]),
    ):
        day, kind, sentiment, channel = key
        out.append(
            f"{day} {kind} {sentiment} by {channel}: stored {have[4] if have else 0}"
            f" interactions, history says {want[4] if want else 0}"
        )
    for key, have, want in _compare(
        conn,
        f"SELECT {_SHARED_COLUMNS} FROM shared_segment ORDER BY interaction_id, segment_id",
        _SHARED,
        lambda r: (r[1], r[2]),
    ):
        out.append(
            f"interaction {key[0]} in segment {key[1]}: stored (date, kind, contacts)"
            f" {have and (have[0], have[3], have[4])!r},"
            f" history says {want and (want[0], want[3], want[4])!r}"
        )
    return out


def _compare(
    conn, kept: str, history: str, key
) -> Iterator[tuple[tuple, tuple | None, tuple | None]]:
    """(key, kept row or None, history's row or None) for each key where they differ; both
    queries give their rows in key order."""
    a, b = conn.cursor(), conn.cursor()
    a.row_factory = b.row_factory = None
    have, want = iter(a.execute(kept)), iter(b.execute(history))
    h, w = next(have, None), next(want, None)
    while h is not None or w is not None:
        kh = key(h) if h is not None else None
        kw = key(w) if w is not None else None
        if kw is None or (kh is not None and kh < kw):
            yield kh, tuple(h), None  # type: ignore[misc,arg-type]
            h = next(have, None)
        elif kh is None or kw < kh:
            yield kw, None, tuple(w)
            w = next(want, None)
        else:
            if tuple(h) != tuple(w):
                yield kh, tuple(h), tuple(w)
            h, w = next(have, None), next(want, None)


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
