"""Each contact's derived state, kept current by the write path and proven against the history.

`contact_state` holds, per contact, what `srm due` and the listings would otherwise walk the
history for: the latest interaction (date, id, sentiment, channel), the effective cadence and
whether it is the config's default, the segment weight, the next due date, the open follow-ups
and the asks since the last give. Triggers (migration step "contact state") mark every contact
a change can move in `contact_state_dirty`; `refresh`, run by each srm write just before it
commits, recomputes the marked contacts with the same code that walks the history
(`schedule.history_schedules`), so both always agree and there is one implementation of the
cadence arithmetic. Undo, merge, import and edits need no code of their own: they change rows,
the triggers mark, the commit refreshes.

The default cadence comes from the config, which can differ between invocations; the state
records the one it was computed with, and a writer with another default recomputes the contacts
on the default. A read never writes: it uses the state only when `usable` says it is current
for its config, and otherwise walks the history as before. The state is as of the latest
interaction; the few contacts with one after the date asked for (`ahead`) are walked from
the history and take the place of their stored rows.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from srm import cadence as cad
from srm.config import Config
from srm.domain.common import plural
from srm.store.db import Store

if TYPE_CHECKING:  # srm.store.check imports backups, temp files …: only `srm doctor` needs it
    from srm.store.check import Finding

# Recomputing this many contacts at once reads every contact's history in one statement.
_ALL = 2000
_COLUMNS = (
    "contact_id",
    "last_on",
    "last_id",
    "last_sentiment",
    "last_channel",
    "cadence",
    "cadence_days",
    "cadence_default",
    "weight",
    "next_due",
    "open_followups",
    "asks",
    "gives",
    "asks_since_give",
    "archived",
    "snoozed_until",
)


def default_of(config: Config) -> str:
    """The config's default cadence as the state records it."""
    return cad.normalise(config.default_cadence)


# More contacts than this with an interaction after --on (`srm due --on` a past date): walking
# the whole history is simpler than patching that many contacts into the state's answer.
AHEAD_LIMIT = 200


def fresh(store: Store) -> bool:
    """Whether no contact is marked for recomputing: then every figure that doesn't depend on
    the config (latest interaction, follow-ups, asks and gives) is current."""
    return store.conn.execute("SELECT 1 FROM contact_state_dirty LIMIT 1").fetchone() is None


def usable(store: Store, config: Config, on: date) -> bool:
    """Whether the stored state answers for `on` under `config`: nothing is marked for
    recomputing, it was computed with this default cadence, and at most AHEAD_LIMIT contacts
    have an interaction after `on` (those are walked from the history: see `ahead`)."""
    return usable_ahead(store, config, on)[0]


def usable_ahead(store: Store, config: Config, on: date) -> tuple[bool, bool]:
    """`usable`, and whether any contact has an interaction after `on` (else `ahead` is
    empty, and needn't be asked)."""
    # One statement (one round trip to a server) for the three checks.
    dirty, default, n = store.conn.execute(
        "SELECT EXISTS (SELECT 1 FROM contact_state_dirty),"
        " (SELECT default_cadence FROM contact_state_meta WHERE id = 1),"
        " (SELECT count(*) FROM (SELECT 1 FROM contact_state WHERE last_on > ? LIMIT ?) AS ahead)",
        (on.isoformat(), AHEAD_LIMIT + 1),
    ).fetchone()
    fresh = not dirty and default is not None and default == default_of(config)
    return fresh and n <= AHEAD_LIMIT, n > 0


def ahead(store: Store, on: date, *, include_archived: bool = True) -> list[int]:
    """Contacts whose latest interaction is after `on`: as of `on`, the state can't answer
    for them (an interaction dated in the future, `--on` a past date); the history can."""
    archived = "" if include_archived else " AND NOT archived"
    return sorted(
        r[0]
        for r in store.conn.execute(
            f"SELECT contact_id FROM contact_state WHERE last_on > ?{archived}",
            (on.isoformat(),),
        )
    )


def ask_give(store: Store) -> dict[int, tuple[int, int, int]]:
    """Each contact's asks, gives and asks since the last give, all time (when `fresh`)."""
    return {
        r[0]: r[1:]
        for r in store.conn.execute(
            "SELECT contact_id, asks, gives, asks_since_give FROM contact_state"
        )
    }


def keep(store: Store, config: Config) -> None:
    """Have every write on `store` recompute the contacts it changed before it commits (srm's
    CLI does this for each store it opens; so must any other program that writes one)."""
    from srm.domain import summary

    def before_commit(s: Store) -> None:
        # The report's kept months first: the contacts' asks and gives are then their sums.
        summary.refresh(s)
        refresh(s, config, months=True)

    store.before_commit.append(before_commit)


def refresh(store: Store, config: Config, *, months: bool = False) -> int:
    """Recompute the marked contacts (inside the caller's write); how many were recomputed.

    Under a default cadence other than the state's, the contacts on the default are marked too.
    `months`: the report's kept months (srm.domain.summary) are current, so each contact's
    asks and gives are summed from them (a few dozen rows) instead of counted over its history.
    """
    conn = store.conn
    default = default_of(config)
    # The marked contacts and the state's default cadence (the row with no contact): one read.
    marks = "SELECT contact_id, NULL FROM contact_state_dirty"
    rows = conn.execute(
        f"{marks} UNION ALL SELECT NULL, default_cadence FROM contact_state_meta WHERE id = 1"
    ).fetchall()
    ids = [r[0] for r in rows if r[0] is not None]
    if [r[1] for r in rows if r[0] is None] != [default]:
        conn.execute(
            "INSERT INTO contact_state_dirty (contact_id)"
            " SELECT contact_id FROM contact_state WHERE cadence_default ON CONFLICT DO NOTHING"
        )
        conn.execute(
            "INSERT INTO contact_state_meta (id, default_cadence) VALUES (1, ?)"
            " ON CONFLICT (id) DO UPDATE SET default_cadence = excluded.default_cadence",
            (default,),
        )
        ids = [r[0] for r in conn.execute(marks)]
    if not ids:
        return 0
    rows = compute(store, default, None if len(ids) >= _ALL else ids, months=months)
    defer = store.dialect.defer  # nothing is read from these: on a server, sent with the next
    defer(
        conn,
        "DELETE FROM contact_state WHERE contact_id IN (SELECT contact_id FROM contact_state_dirty)",
    )
    marked = set(ids)
    conn.executemany(
        f"INSERT INTO contact_state ({', '.join(_COLUMNS)})"
        f" VALUES ({', '.join('?' * len(_COLUMNS))}) ON CONFLICT (contact_id) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS[1:]),
        (r for r in rows if r[0] in marked),
    )
    defer(conn, "DELETE FROM contact_state_dirty")
    return len(ids)


def compute(
    store: Store, default_cadence: str, ids: list[int] | None, *, months: bool = False
) -> list[tuple]:
    """The state rows of the given contacts (every contact when None), from the history;
    with `months`, their asks and gives from the report's kept months (current: see `refresh`),
    which the property tests prove equal."""
    from srm.domain import extras, schedule

    plans = schedule.history_schedules(
        store, default_cadence, None, contact_ids=ids, include_archived=True
    )
    if not plans:
        return []
    conn = store.conn
    in_ids = "" if ids is None else f" AND contact_id IN ({','.join(str(int(i)) for i in ids)})"
    open_fu: dict[int, int] = {}
    counts: dict[int, tuple[int, int]] = {}
    if months:  # one statement (one round trip to a server) for both: 0 tags the follow-ups
        for tag, cid, a, b in conn.execute(
            "SELECT 0, contact_id, count(*), 0 FROM followup WHERE status = 'open'"
            f"{in_ids} GROUP BY contact_id UNION ALL"
            " SELECT 1, contact_id, sum(asks), sum(gives) FROM contact_month WHERE TRUE"
            f"{in_ids} GROUP BY contact_id"
        ):
            if tag:
                counts[cid] = (a, b)
            else:
                open_fu[cid] = a
    else:
        open_fu = dict(
            conn.execute(
                "SELECT contact_id, count(*) FROM followup WHERE status = 'open'"
                f"{in_ids} GROUP BY contact_id"
            ).fetchall()
        )
        counts = extras.ask_give_counts(store, ids, None)
    asks = extras.asks_since_give(store, list(plans), None)
    return [
        (
            cid,
            p.last.isoformat() if p.last else None,
            p.last_interaction_id,
            p.last_sentiment,
            p.last_channel,
            str(p.cadence) if p.cadence else None,
            p.cadence.days if p.cadence else None,
            p.from_default,
            p.weight,
            p.due.isoformat() if p.due else None,
            open_fu.get(cid, 0),
            *counts.get(cid, (0, 0)),
            asks.get(cid, 0),
            p.archived,
            p.snoozed_until.isoformat() if p.snoozed_until else None,
        )
        for cid, p in plans.items()
    ]


def rebuild(store: Store, config: Config) -> int:
    """Recompute every contact's state (and the report's kept figures, srm.domain.summary)
    from the history; how many contacts it holds."""
    from srm.domain import summary

    with store.write() as conn:
        summary.rebuild(store)
        conn.execute("DELETE FROM contact_state")
        conn.execute(
            "INSERT INTO contact_state_dirty (contact_id) SELECT id FROM contact WHERE TRUE"
            " ON CONFLICT DO NOTHING"
        )
        refresh(store, config, months=True)
        return conn.execute("SELECT count(*) FROM contact_state").fetchone()[0]


def problems(store: Store) -> list[str]:
    """Where the stored state differs from what the history implies (for `srm db check`).

    Compares with the default cadence the state records, whatever this config says. A state
    still marked for recomputing is not a problem: reads walk the history until a write
    refreshes it.
    """
    conn = store.conn
    meta = conn.execute("SELECT default_cadence FROM contact_state_meta WHERE id = 1").fetchone()
    if meta is None:
        return []
    dirty = {r[0] for r in conn.execute("SELECT contact_id FROM contact_state_dirty")}
    want = {r[0]: r for r in compute(store, meta[0], None) if r[0] not in dirty}
    have = {
        r[0]: tuple(r)
        for r in conn.execute(f"SELECT {', '.join(_COLUMNS)} FROM contact_state")
        if r[0] not in dirty
    }
    out = []
    for cid in sorted(set(want) | set(have)):
        if cid not in have:
            out.append(f"contact {cid} has no stored state")
        elif cid not in want:
            out.append(f"stored state for contact {cid}, who does not exist")
        else:
            diffs = [
                f"{name} {h!r}, history says {w!r}"
                for name, h, w in zip(_COLUMNS, have[cid], want[cid], strict=True)
                if h != w
            ]
            if diffs:
                out.append(f"contact {cid}: stored {'; '.join(diffs)}")
    return out


SHOWN = 10  # contacts whose wrong state `srm doctor` names before "… and N more"


def findings(store: Store) -> list[Finding]:
    """What `srm doctor` says about the stored state (it only reads)."""
    from srm.store.check import Finding

    conn = store.conn
    rebuild = "srm db rebuild-state recomputes it from the history now"
    from srm.domain import summary

    if conn.execute("SELECT 1 FROM contact_state_meta").fetchone() is None:
        return summary.findings(store, SHOWN) + [
            Finding(
                "note",
                "contact state",
                "not computed yet: the next change computes it (until then `srm due` walks"
                " the history)",
                rebuild,
            )
        ]
    out = []
    marked = conn.execute("SELECT count(*) FROM contact_state_dirty").fetchone()[0]
    if marked:
        out.append(
            Finding(
                "note",
                "contact state",
                f"{plural(marked, 'contact')} to recompute at the next change (a write from"
                " outside srm marked them; reads walk the history meanwhile)",
                rebuild,
            )
        )
    wrong = problems(store)
    for p in wrong[:SHOWN]:
        out.append(Finding("problem", "contact state", p, rebuild))
    if len(wrong) > SHOWN:
        out.append(Finding("problem", "contact state", f"… and {len(wrong) - SHOWN} more", rebuild))
    if not wrong:
        n = conn.execute("SELECT count(*) FROM contact_state").fetchone()[0]
        out.append(
            Finding(
                "ok", "contact state", f"stored for {plural(n, 'contact')}, as their history says"
            )
        )
    return out + summary.findings(store, SHOWN)
