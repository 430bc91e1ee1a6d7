"""Undo as data: triggers record each changed row's before and after image; undo replays them.

Every write command of the CLI is one *undo command*: the first write transaction of the process
inserts an `undo_command` row and points `undo_state.command_id` at it; while it is set, the
triggers generated here copy every inserted, updated or deleted row of the tracked tables into
`undo_change` as JSON (its primary key, the row before, the row after). Writers outside srm
(the sqlite3 shell, a script) leave `undo_state` empty and are not recorded.

Undoing a command restores, for each row it touched, the image from before its first change —
but only if every such row is still as the command left it (its last after-image); otherwise a
later command changed the same records and undo refuses. While undoing, the triggers record into
a scratch command, so a cascade that would reach a row the command never touched (a later
interaction with a contact being un-added) is caught and the whole undo is rolled back.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

from srm.errors import SrmError
from srm.store.dialect import dialect_of

# Tables whose rows are the user's records. Everything else (the undo log itself, the migration
# record, the search index, derived state) is bookkeeping that follows from these.
UNTRACKED = frozenset(
    {
        "schema_migration",
        "undo_command",
        "undo_change",
        "undo_state",
        "search_index",
        # A member joins with their first write, outside any command; one named in a hand-off
        # stays on the team when the hand-off is undone.
        "member",
        # Each contact's derived state is recomputed from the records by the write that
        # changes them (an undo included), never restored from images.
        "contact_state",
        "contact_state_dirty",
        "contact_state_meta",
        # The report's kept figures (srm.domain.summary), likewise.
        "interaction_day",
        "contact_month",
        "contact_month_dirty",
        "shared_segment",
    }
)
# Commands kept; older ones are pruned (an erasure also removes the ones that held the person).
KEEP_COMMANDS = 100


class UndoConflict(SrmError):
    """A later command changed the records an undo would restore."""

    exit_code = 1


def tracked_tables(conn: sqlite3.Connection) -> list[str]:
    """Ordinary tables holding records: every table but bookkeeping and virtual/shadow tables."""
    rows = sorted(dialect_of(conn).tables(conn).items())
    virtual = [name for name, sql in rows if sql.upper().startswith("CREATE VIRTUAL")]
    return [
        name
        for name, _ in rows
        if name not in UNTRACKED
        and name not in virtual
        and not any(name.startswith(v + "_") for v in virtual)
        and not name.startswith("derived_")
    ]


@dataclass(frozen=True)
class TableShape:
    name: str
    columns: tuple[str, ...]
    key: tuple[str, ...]  # primary key columns, in key order

    def image(self, alias: str) -> str:
        """SQL building the JSON image of row `alias` (NEW or OLD, or the table's name)."""
        pairs = ", ".join(f"'{c}', {alias}.\"{c}\"" for c in self.columns)
        return f"json_object({pairs})"

    def key_of(self, alias: str) -> str:
        cols = ", ".join(f'{alias}."{c}"' for c in self.key)
        return f"json_array({cols})"


def shape(conn: sqlite3.Connection, table: str) -> TableShape:
    info = dialect_of(conn).columns(conn, table)
    columns = tuple(name for name, _ in info)
    key = tuple(name for name, at in sorted((c for c in info if c[1]), key=lambda c: c[1]))
    return TableShape(table, columns, key or ("rowid",))


def trigger_sql(s: TableShape) -> dict[str, str]:
    """The four triggers that record a table's changes, by name."""
    cmd = "(SELECT command_id FROM undo_state WHERE id = 1)"
    on = f"WHEN {cmd} IS NOT NULL"
    same_key = " AND ".join(f'OLD."{c}" IS NEW."{c}"' for c in s.key)
    # An UPDATE that sets every column to what it was is not a change to undo.
    differs = " OR ".join(f'OLD."{c}" IS NOT NEW."{c}"' for c in s.columns)

    def record(key: str, before: str, after: str) -> str:
        return (
            f"INSERT INTO undo_change (command_id, tbl, pk, row_before, row_after)"
            f" VALUES ({cmd}, '{s.name}', {key}, {before}, {after});"
        )

    t = s.name
    return {
        f"undo_{t}_insert": f'CREATE TRIGGER undo_{t}_insert AFTER INSERT ON "{t}" {on}'
        f" BEGIN {record(s.key_of('NEW'), 'NULL', s.image('NEW'))} END",
        f"undo_{t}_delete": f'CREATE TRIGGER undo_{t}_delete AFTER DELETE ON "{t}" {on}'
        f" BEGIN {record(s.key_of('OLD'), s.image('OLD'), 'NULL')} END",
        f"undo_{t}_update": f'CREATE TRIGGER undo_{t}_update AFTER UPDATE ON "{t}"'
        f" {on} AND {same_key} AND ({differs})"
        f" BEGIN {record(s.key_of('NEW'), s.image('OLD'), s.image('NEW'))} END",
        # A changed primary key is one row gone and another come.
        f"undo_{t}_rekey": f'CREATE TRIGGER undo_{t}_rekey AFTER UPDATE ON "{t}"'
        f" {on} AND NOT ({same_key})"
        f" BEGIN {record(s.key_of('OLD'), s.image('OLD'), 'NULL')}"
        f" {record(s.key_of('NEW'), 'NULL', s.image('NEW'))} END",
    }


def pg_trigger_sql(s: TableShape) -> dict[str, str]:
    """PostgreSQL's one trigger a table: the generic function of migration step "undo log"
    (srm_undo), told the table's key columns."""
    key = ", ".join(f"'{c}'" for c in s.key)
    return {
        f"undo_{s.name}": f'CREATE TRIGGER undo_{s.name} AFTER INSERT OR UPDATE OR DELETE ON "{s.name}"'
        f" FOR EACH ROW EXECUTE FUNCTION srm_undo({key})"
    }


TRIGGERS = {"sqlite": trigger_sql, "postgresql": pg_trigger_sql}


def wanted_triggers(conn: sqlite3.Connection) -> dict[str, str]:
    make = TRIGGERS[dialect_of(conn).name]
    out: dict[str, str] = {}
    for table in tracked_tables(conn):
        out.update(make(shape(conn, table)))
    return out


def sync_triggers(conn: sqlite3.Connection) -> bool:
    """Make the undo triggers match the tables as they are now (after any migration).

    Returns whether anything changed. Runs inside the caller's transaction.
    """
    wanted = wanted_triggers(conn)
    have = {k: v for k, v in dialect_of(conn).triggers(conn).items() if k.startswith("undo_")}
    changed = False
    for name, sql in have.items():
        if wanted.get(name) != sql:
            dialect_of(conn).drop_trigger(conn, name)
            changed = True
    for name, sql in wanted.items():
        if have.get(name) != sql:
            conn.execute(sql)
            changed = True
    return changed


def trigger_problems(conn: sqlite3.Connection) -> list[str]:
    """What `srm doctor` reports: undo triggers missing or not matching their table."""
    wanted = wanted_triggers(conn)
    have = dialect_of(conn).triggers(conn)
    return [
        f"undo trigger {name} is {'missing' if name not in have else 'out of date'}"
        for name, sql in wanted.items()
        if have.get(name) != sql
    ]


class Journal:
    """Groups the write transactions of one srm process into one undo command."""

    def __init__(self, label: str):
        self.label = label
        self.command_id: int | None = None
        self.member_id: int | None = None
        self._created_now = False

    def begin(self, conn: sqlite3.Connection, now: str, member_id: int | None = None) -> None:
        self._created_now = self.command_id is None
        self.member_id = member_id
        if self.command_id is None:
            self.command_id = conn.execute(
                "INSERT INTO undo_command (command, created_at, member_id) VALUES (?, ?, ?)",
                (self.label, now, member_id),
            ).lastrowid
        dialect_of(conn).defer(
            conn, "UPDATE undo_state SET command_id = ? WHERE id = 1", (self.command_id,)
        )

    def end(self, conn: sqlite3.Connection) -> None:
        dialect_of(conn).defer(conn, "UPDATE undo_state SET command_id = NULL WHERE id = 1")
        if self._created_now:
            recorded = conn.execute(
                "SELECT 1 FROM undo_change WHERE command_id = ? LIMIT 1", (self.command_id,)
            ).fetchone()
            if recorded is None:  # a write that changed nothing is not a command to undo
                conn.execute("DELETE FROM undo_command WHERE id = ?", (self.command_id,))
                self.command_id = None
                return
            # Each member keeps their own last KEEP_COMMANDS (NULL: those run without `me`).
            dialect_of(conn).defer(
                conn,
                "DELETE FROM undo_command WHERE member_id IS NOT DISTINCT FROM ?"
                " AND id <= (SELECT id FROM undo_command WHERE member_id IS NOT DISTINCT FROM ?"
                " ORDER BY id DESC LIMIT 1 OFFSET ?)",
                (self.member_id, self.member_id, KEEP_COMMANDS),
            )

    def rolled_back(self) -> None:
        if self._created_now:
            self.command_id = None


@dataclass
class RowChange:
    """One record a command touched: how it was before the command and how the command left it."""

    table: str
    key: list
    before: dict | None
    after: dict | None

    @property
    def action(self) -> str:
        if self.before is None:
            return "added"
        return "removed" if self.after is None else "changed"


@dataclass
class Command:
    id: int
    command: str
    created_at: str
    undone_at: str | None
    changes: list[RowChange] = field(default_factory=list)


def commands(
    conn: sqlite3.Connection, limit: int, member_id: int | None, *, include_undone: bool = False
) -> list[dict]:
    """The most recent commands of one member (None: those run without `me`), newest first,
    with how many rows each touched."""
    where = "" if include_undone else " AND c.undone_at IS NULL"
    rows = conn.execute(
        f"SELECT c.id, c.command, c.created_at, c.undone_at,"
        f" (SELECT count(*) FROM undo_change x WHERE x.command_id = c.id)"
        f" FROM undo_command c WHERE c.member_id IS NOT DISTINCT FROM ?{where}"
        " ORDER BY c.id DESC LIMIT ?",
        (member_id, limit),
    ).fetchall()
    return [
        {"id": r[0], "command": r[1], "created_at": r[2], "undone_at": r[3], "rows": r[4]}
        for r in rows
    ]


def load(conn: sqlite3.Connection, command_id: int) -> Command | None:
    row = conn.execute(
        "SELECT id, command, created_at, undone_at FROM undo_command WHERE id = ?", (command_id,)
    ).fetchone()
    if row is None:
        return None
    cmd = Command(*row)
    # Each row once: its image before the command's first change, after its last.
    merged: dict[tuple[str, str], RowChange] = {}
    for tbl, pk, before, after in conn.execute(
        "SELECT tbl, pk, row_before, row_after FROM undo_change WHERE command_id = ? ORDER BY id",
        (command_id,),
    ):
        k = (tbl, pk)
        if k in merged:
            merged[k].after = _loads(after)
        else:
            merged[k] = RowChange(tbl, json.loads(pk), _loads(before), _loads(after))
    cmd.changes = [c for c in merged.values() if c.before != c.after]
    return cmd


def latest(conn: sqlite3.Connection, member_id: int | None) -> Command | None:
    """The member's (None: run without `me`) most recent command not undone yet."""
    row = conn.execute(
        "SELECT max(id) FROM undo_command"
        " WHERE undone_at IS NULL AND member_id IS NOT DISTINCT FROM ?",
        (member_id,),
    ).fetchone()
    return load(conn, row[0]) if row and row[0] is not None else None


def _loads(text: str | None) -> dict | None:
    return None if text is None else json.loads(text)


def _where(s: TableShape, key: list) -> tuple[str, list]:
    return " AND ".join(f'"{c}" = ?' for c in s.key), list(key)


def _current(conn: sqlite3.Connection, s: TableShape, key: list) -> dict | None:
    where, params = _where(s, key)
    image = dialect_of(conn).row_json(s.name, s.columns)
    row = conn.execute(f'SELECT {image} FROM "{s.name}" WHERE {where}', params).fetchone()
    return None if row is None else json.loads(row[0])


def revert(conn: sqlite3.Connection, cmd: Command, now: str) -> None:
    """Restore every row `cmd` touched, inside the caller's write transaction.

    Raises UndoConflict (and the caller rolls back) when a later change stands in the way.
    """
    shapes: dict[str, TableShape] = {}

    def shape_of(table: str) -> TableShape:
        if table not in shapes:
            shapes[table] = shape(conn, table)
        return shapes[table]

    for ch in cmd.changes:
        s = shape_of(ch.table)
        if _current(conn, s, ch.key) != ch.after:
            raise UndoConflict(
                f"can't undo #{cmd.id} ({cmd.command}): {describe_row(ch)} has changed since"
                f" ({_changed_by(conn, cmd.id, ch)}); undo that first, or correct it by hand"
            )
    # Parents may come back after their children: foreign keys are checked at commit.
    dialect_of(conn).defer_foreign_keys(conn)
    scratch = conn.execute(
        "INSERT INTO undo_command (command, created_at) VALUES ('(undo in progress)', ?)", (now,)
    ).lastrowid
    conn.execute("UPDATE undo_state SET command_id = ? WHERE id = 1", (scratch,))
    for ch in reversed(cmd.changes):
        s = shape_of(ch.table)
        where, params = _where(s, ch.key)
        if ch.before is None:
            conn.execute(f'DELETE FROM "{s.name}" WHERE {where}', params)
        elif ch.after is None:
            cols = list(ch.before)
            names = ", ".join(f'"{c}"' for c in cols)
            conn.execute(
                f'INSERT INTO "{s.name}" ({names}) VALUES ({", ".join("?" * len(cols))})',
                [ch.before[c] for c in cols],
            )
        else:
            sets = ", ".join(f'"{c}" = ?' for c in ch.before)
            conn.execute(
                f'UPDATE "{s.name}" SET {sets} WHERE {where}', [*ch.before.values(), *params]
            )
    conn.execute("UPDATE undo_state SET command_id = NULL WHERE id = 1")
    expected = {(ch.table, json.dumps(ch.key, separators=(",", ":"))) for ch in cmd.changes}
    for tbl, pk, before in conn.execute(
        "SELECT tbl, pk, row_before FROM undo_change WHERE command_id = ?", (scratch,)
    ):
        key = json.dumps(json.loads(pk), separators=(",", ":"))
        if (tbl, key) not in expected:
            gone = RowChange(tbl, json.loads(pk), _loads(before), None)
            raise UndoConflict(
                f"can't undo #{cmd.id} ({cmd.command}): it would also remove"
                f" {describe_row(gone)}, which a later command added; undo that first"
            )
    conn.execute("DELETE FROM undo_command WHERE id = ?", (scratch,))
    conn.execute("UPDATE undo_command SET undone_at = ? WHERE id = ?", (now, cmd.id))


def _changed_by(conn: sqlite3.Connection, after: int, ch: RowChange) -> str:
    """Which later command changed the row, and whose it was (on a shared store)."""
    key = json.dumps(ch.key, separators=(",", ":"), ensure_ascii=False)
    row = conn.execute(
        "SELECT c.id, c.command, m.name FROM undo_change x JOIN undo_command c"
        " ON c.id = x.command_id LEFT JOIN member m ON m.id = c.member_id"
        " WHERE x.tbl = ? AND x.pk = ? AND x.command_id > ? ORDER BY x.id DESC LIMIT 1",
        (ch.table, key, after),
    ).fetchone()
    if row is None:
        return "another srm or a program changed it"
    who = f", by {row[2]}" if row[2] else ""
    return f"#{row[0]} ({row[1]}{who}) changed it later"


# How a row is named to a person: the table's noun and its most telling column.
NOUNS = {
    "contact": ("contact", "name"),
    "interaction": ("interaction", "summary"),
    "followup": ("follow-up", "text"),
    "idea": ("idea", "text"),
    "goal": ("goal", "text"),
    "segment": ("segment", "name"),
    "important_date": ("date", "label"),
    "stage_change": ("stage change", "stage"),
    "goal_confirmation": ("goal confirmation", "confirmed_on"),
    "contact_segment": ("segment membership", None),
    "contact_tag": ("tag", "tag"),
    "interaction_contact": ("interaction link", None),
    "capture_source": ("captured source", "source"),
}


def describe_row(ch: RowChange) -> str:
    noun, column = NOUNS.get(ch.table, (ch.table.replace("_", " "), None))
    image = ch.after or ch.before or {}
    ident = f" #{image['id']}" if "id" in image else ""
    text = image.get(column) if column else None
    if text is None:
        return f"{noun}{ident}"
    text = str(text)
    if len(text) > 40:
        text = text[:39] + "…"
    return f'{noun}{ident} "{text}"'


def purge(conn: sqlite3.Connection, rows: set[tuple[str, str]]) -> int:
    """Forget every command that touched one of `rows` ((table, JSON key)); returns how many.

    Used by erasure: a command that touched an erased person's records holds their data in its
    images (and names them in its command line), and could never be undone anyway.
    """
    if not rows:
        return 0
    # A temporary table (unqualified: both engines look in the session's own schema first).
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS erased_rows (tbl TEXT, pk TEXT)")
    conn.execute("DELETE FROM erased_rows")
    conn.executemany("INSERT INTO erased_rows VALUES (?, ?)", sorted(rows))
    ids = [
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT u.command_id FROM undo_change u JOIN erased_rows e"
            " ON e.tbl = u.tbl AND e.pk = u.pk"
        )
    ]
    conn.executemany("DELETE FROM undo_command WHERE id = ?", [(i,) for i in ids])
    conn.execute("DROP TABLE erased_rows")
    return len(ids)
