"""Stages of a relationship (know → like → trust → try → buy → repeat → refer), with their history."""

from __future__ import annotations

from datetime import date

from srm.config import Config
from srm.domain.common import new_uuid
from srm.domain.contacts import Contact
from srm.errors import UsageError
from srm.store.db import Store


def check(config: Config, stage: str) -> str:
    """The stage as stored (lower-case), or an error listing the configured stages."""
    s = " ".join(stage.strip().lower().split())
    if s not in config.stages:
        raise UsageError(f"unknown stage {stage!r}: use one of {', '.join(config.stages)}")
    return s


def _json(r) -> dict:
    return {
        "id": r["id"],
        "uuid": r["uuid"],
        "from_stage": r["from_stage"],
        "stage": r["stage"],
        "changed_on": r["changed_on"],
    }


def history(store: Store, contact_id: int) -> list[dict]:
    """Every stage change of a contact, oldest first; the last one is the current stage."""
    return [
        _json(r)
        for r in store.conn.execute(
            "SELECT * FROM stage_change WHERE contact_id = ? ORDER BY changed_on, id",
            (contact_id,),
        )
    ]


def current(store: Store, contact_id: int) -> dict | None:
    row = store.conn.execute(
        "SELECT * FROM stage_change WHERE contact_id = ? ORDER BY changed_on DESC, id DESC LIMIT 1",
        (contact_id,),
    ).fetchone()
    return _json(row) if row else None


def set_stage(
    store: Store, config: Config, contact: Contact, stage: str, on: date
) -> tuple[dict, bool]:
    """Move a contact to a stage as of `on`; returns (the current change, whether it moved).

    A change can't be dated before the latest one: history stays one chain of from → to.
    """
    s = check(config, stage)
    with store.write() as conn:
        row = conn.execute(
            "SELECT * FROM stage_change WHERE contact_id = ?"
            " ORDER BY changed_on DESC, id DESC LIMIT 1",
            (contact.id,),
        ).fetchone()
        if row is not None and row["stage"] == s:
            return _json(row), False
        if row is not None and on.isoformat() < row["changed_on"]:
            raise UsageError(
                f"{contact.name} moved to {row['stage']!r} on {row['changed_on']};"
                f" a later change can't be dated before that"
            )
        cur = conn.execute(
            "INSERT INTO stage_change (uuid, contact_id, from_stage, stage, changed_on)"
            " VALUES (?, ?, ?, ?, ?)",
            (new_uuid(), contact.id, row["stage"] if row else None, s, on.isoformat()),
        )
        new = conn.execute("SELECT * FROM stage_change WHERE id = ?", (cur.lastrowid,)).fetchone()
    return _json(new), True


def pipeline(store: Store, config: Config) -> list[dict]:
    """How many active contacts are at each stage now, in the configured order.

    Stages no longer in the config but still held by someone follow, so nobody disappears.
    """
    counts = dict(
        store.conn.execute(
            "SELECT cur, count(*) FROM (SELECT (SELECT sc.stage FROM stage_change sc"
            " WHERE sc.contact_id = c.id ORDER BY sc.changed_on DESC, sc.id DESC LIMIT 1) AS cur"
            " FROM contact c WHERE c.archived_at IS NULL) AS now GROUP BY cur"
        ).fetchall()
    )
    unstaged = counts.pop(None, 0)
    order = list(config.stages) + sorted(s for s in counts if s not in config.stages)
    rows = [{"stage": s, "contacts": counts.get(s, 0)} for s in order]
    return rows + [{"stage": None, "contacts": unstaged}]
