"""`srm undo`: revert the most recent command that changed the store, one command at a time."""

from __future__ import annotations

from dataclasses import dataclass

from srm.domain.common import now_utc, plural
from srm.errors import NotFound, SrmError
from srm.store import undo as log
from srm.store.db import Store

SHOWN_ROWS = 12  # lines of "what it reverts" before "… and N more"
# Link rows are counted, not listed: the records they join are named already.
QUIET_TABLES = {"interaction_contact", "contact_segment", "contact_tag"}


@dataclass
class Preview:
    command: log.Command
    lines: list[str]  # what undoing it does, one line per record
    more: int  # records not listed

    def as_json(self) -> dict:
        return {
            "id": self.command.id,
            "command": self.command.command,
            "created_at": self.command.created_at,
            "reverts": [
                {
                    "table": c.table,
                    "key": c.key,
                    "action": {"added": "remove", "removed": "restore", "changed": "change back"}[
                        c.action
                    ],
                    "what": log.describe_row(c),
                }
                for c in self.command.changes
            ],
        }


class _NoCommands(Exception):
    """The config's `me` has never written to this store: none of its commands are theirs."""


def _whose(store: Store) -> int | None:
    """Whose commands `srm undo` reverts: the member the config's `me` names, or None (the
    commands run without `me`), so that on a shared store you only take back your own."""
    if store.author is None:
        return None
    from srm.store import members

    found = members.find(store.conn, store.author[1])
    if found is None:
        raise _NoCommands
    return found


def history(store: Store, limit: int = 20) -> list[dict]:
    """Commands `srm undo` can still revert, newest first."""
    try:
        return log.commands(store.conn, limit, _whose(store))
    except _NoCommands:
        return []


def preview(store: Store) -> Preview:
    try:
        cmd = log.latest(store.conn, _whose(store))
    except _NoCommands:
        cmd = None
    if cmd is None:
        mine = f" of yours ({store.author[1]})" if store.author else ""
        raise NotFound(
            f"nothing to undo: no command{mine} has changed the store since the undo log began"
        )
    return Preview(cmd, *_lines(cmd))


def _lines(cmd: log.Command) -> tuple[list[str], int]:
    lines, links = [], 0
    for c in cmd.changes:
        if c.table in QUIET_TABLES:
            links += 1
            continue
        if c.action == "changed":
            changed = [
                k for k in c.before or {} if k != "updated_at" and c.before[k] != c.after.get(k)
            ]
            lines.append(f"change back {log.describe_row(c)}: {', '.join(changed)}")
        else:
            verb = "remove" if c.action == "added" else "restore"
            lines.append(f"{verb} {log.describe_row(c)}")
    if links:
        lines.append(f"and {plural(links, 'link')} (segments, tags, participants)")
    more = max(0, len(lines) - SHOWN_ROWS)
    return lines[:SHOWN_ROWS], more


def undo(store: Store, command_id: int) -> log.Command:
    """Revert command `command_id`, which must still be the latest one (as previewed)."""
    with store.write(undoable=False) as conn:
        cmd = log.latest(conn, _whose(store))
        if cmd is None or cmd.id != command_id:
            raise SrmError(
                "another command changed the store since the preview; run srm undo again"
            )
        log.revert(conn, cmd, now_utc())
    return cmd
