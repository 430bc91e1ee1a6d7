"""What differs between the two engines a store can live on, in one small object per engine.

srm's SQL is written once, in the SQL both engines speak (SQLite ≥ 3.39 knows `IS DISTINCT
FROM`, `NULLS FIRST`, `FILTER`, `RETURNING`, `GREATEST` does not exist there…). Where they
differ, the code asks the connection's dialect (`conn.dialect`) for the snippet, never the
engine's name: a few facts as data and a few methods, as in peewee's database classes. Queries
that are hot get one SQL text per engine, each measured on its engine (`ENGINE_SQL`).

Nothing here imports a driver: the PostgreSQL driver is loaded by `srm.store.postgres` only
when a `postgresql://` URL is opened.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any


class SQLite:
    name = "sqlite"
    # Python functions can be called from SQL (`create_function`); PostgreSQL runs SQL-only
    # versions of the few srm needs (created by its migrations) or the caller filters in Python.
    python_functions = True
    # Each statement is a round trip to a server: fewer, larger statements win there.
    remote = False
    # --- the store's bookkeeping -----------------------------------------------------------

    def begin_write(self, conn: Any) -> None:
        """Start a write transaction that waits for, then excludes, every other writer."""
        conn.execute("BEGIN IMMEDIATE")

    def defer(self, conn: Any, sql: str, params: Any = ()) -> None:
        """Run `sql`, a statement whose answer nobody reads, inside a write: now, or (on a
        server) with the next statement, in one round trip. An error it meets fails the
        write there: not for a statement whose failure the caller catches."""
        conn.execute(sql, params)

    def defer_many(self, conn: Any, sql: str, rows: Any) -> None:
        """`defer` for each of `rows` (as executemany)."""
        conn.executemany(sql, rows)

    def schema_version(self, conn: Any) -> int:
        """How many migration steps the store has applied (the cheap check on every start)."""
        return conn.execute("PRAGMA user_version").fetchone()[0]

    def set_schema_version(self, conn: Any, number: int) -> None:
        conn.execute(f"PRAGMA user_version = {int(number)}")

    def migration_record(self, conn: Any) -> tuple[int, int | None]:
        """How many steps the migration record lists, and the highest."""
        return conn.execute("SELECT count(*), max(version) FROM schema_migration").fetchone()

    def tables(self, conn: Any) -> dict[str, str]:
        """The store's tables → their SQL (empty for none); SQLite's own tables left out."""
        return {
            r[0]: r[1] or ""
            for r in conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
            )
        }

    def migration_step(self, name: str, step: Any) -> Any:
        """The function that applies migration step `name` (`step`: SQLite's) on this engine."""
        return step

    def defer_foreign_keys(self, conn: Any) -> None:
        """Check foreign keys at commit, not at each statement, until the transaction ends."""
        conn.execute("PRAGMA defer_foreign_keys = ON")

    def triggers(self, conn: Any) -> dict[str, str]:
        """The store's triggers → the SQL that made them."""
        return {
            r[0]: r[1]
            for r in conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        }

    def drop_trigger(self, conn: Any, name: str) -> None:
        conn.execute(f'DROP TRIGGER "{name}"')

    def row_json(self, table: str, columns: tuple[str, ...]) -> str:
        """SQL for the JSON text of a row of `table` (in a query over it), keyed by column."""
        pairs = ", ".join(f'\'{c}\', "{table}"."{c}"' for c in columns)
        return f"json_object({pairs})"

    def boolean_columns(self, conn: Any, table: str) -> set[str]:
        return {r[1] for r in conn.execute(f"PRAGMA table_info('{table}')") if r[2] == "BOOLEAN"}

    def insert_rows(self, conn: Any, table: str, columns: list[str], rows: list[tuple]) -> None:
        """Insert many rows at once (a copy, an import of many records)."""
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" * len(columns))
        conn.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)

    def after_copy(self, conn: Any, tables: list[str]) -> None:
        """After rows came in with their ids: nothing to do (SQLite numbers from the highest)."""

    def analyze(self, conn: Any) -> None:
        """Make a bulk-loaded store ready to be read (outside a transaction): the planner's
        statistics (SQLite gathers none by default)."""

    def begin_snapshot(self, conn: Any) -> None:
        """A read transaction: every query in it sees the store as of its first read."""
        conn.execute("BEGIN")

    def columns(self, conn: Any, table: str) -> list[tuple[str, int]]:
        """A table's columns in order: (name, position in the primary key, 0 if not in it)."""
        return [(r[1], r[5]) for r in conn.execute(f"PRAGMA table_info('{table}')")]

    def top_rows(self, select: str, limit: int, margin: float, details: str) -> str | None:
        """SQL for the rows of `select` (its last column `urgency`) no lower than the `limit`-th
        highest urgency less `margin`, in falling urgency, each followed by the count of all
        rows (`srm_total`) and the row of `details` (a query whose first column is the key and
        whose `{keys}` stands for a list of keys) for its key (the row's first column); None
        where reading them in order, stopping, then reading the details is as cheap (SQLite)."""
        return None

    # --- snippets --------------------------------------------------------------------------

    def group_concat(self, expr: str, sep: str) -> str:
        return f"group_concat({expr}, {sep})"

    def count_if(self, condition: str) -> str:
        """How many rows of the group meet `condition`."""
        return f"sum({condition})"

    def json_key(self, *columns: str) -> str:
        """A row's key as the undo log writes it: the compact JSON array of `columns`."""
        return f"json_array({', '.join(columns)})"

    def json_ids(self, param: str) -> str:
        """A table of one integer column `value` from a parameter holding a JSON array."""
        return f"json_each({param})"

    def json_rows(self, pairs: str) -> str:
        """An aggregate: the JSON array (text) of one object per row, from 'key', value, …"""
        return f"json_group_array(json_object({pairs}))"

    def json_values(self, param: str) -> str:
        """A table of one text column `value` from a parameter holding a JSON array."""
        return f"json_each({param})"

    def json_pairs(self, param: str) -> str:
        """A table (key, value) of a JSON object parameter (values as text)."""
        return f"json_each({param})"

    def days_between(self, later: str, earlier: str) -> str:
        """Whole days from one ISO date to another, as a number."""
        return f"(julianday({later}) - julianday({earlier}))"

    def greatest(self, a: str, b: str) -> str:
        """The larger of two values that are not NULL (SQLite's max(a, b) gives NULL if one is;
        PostgreSQL's GREATEST ignores it)."""
        return f"max({a}, {b})"

    def nocase(self, expr: str) -> str:
        """`expr` compared and ordered without ASCII case (SQLite's NOCASE)."""
        return f"{expr} COLLATE NOCASE"

    def position(self, needle: str, haystack: str) -> str:
        """1-based position of `needle` in `haystack`, 0 if absent."""
        return f"instr({haystack}, {needle})"


class PostgreSQL(SQLite):
    name = "postgresql"
    python_functions = False
    remote = True

    def begin_write(self, conn: Any) -> None:
        conn.begin_write()

    def defer(self, conn: Any, sql: str, params: Any = ()) -> None:
        conn.defer(sql, params)

    def defer_many(self, conn: Any, sql: str, rows: Any) -> None:
        for params in rows:
            conn.defer(sql, params)

    def schema_version(self, conn: Any) -> int:
        return conn.record()[2]

    def migration_record(self, conn: Any) -> tuple[int, int | None]:
        _, count, top = conn.record()
        return count, top or None

    def set_schema_version(self, conn: Any, number: int) -> None:
        pass  # the migration record is the version: its highest step

    def tables(self, conn: Any) -> dict[str, str]:
        return dict(conn.record()[0])

    def migration_step(self, name: str, step: Any) -> Any:
        from srm.store.migrations_pg import STEPS

        return STEPS[name]

    def defer_foreign_keys(self, conn: Any) -> None:
        conn.execute("SET CONSTRAINTS ALL DEFERRED")

    def triggers(self, conn: Any) -> dict[str, str]:
        # Printed back in the form srm writes them (srm.store.undo.pg_trigger_sql):
        # PostgreSQL's own pg_get_triggerdef spells them its way.
        return {
            r[0]: r[1]
            for r in conn.execute(
                "SELECT t.tgname, 'CREATE TRIGGER ' || t.tgname"
                " || ' AFTER INSERT OR UPDATE OR DELETE ON \"' || c.relname || '\"'"
                " || ' FOR EACH ROW EXECUTE FUNCTION ' || p.proname || '('"
                " || coalesce((SELECT string_agg(quote_literal(a), ', ' ORDER BY n)"
                "   FROM unnest(string_to_array(rtrim(encode(t.tgargs, 'escape'), '\\000'),"
                "   '\\000')) WITH ORDINALITY AS x(a, n)), '') || ')'"
                " FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                " JOIN pg_proc p ON p.oid = t.tgfoid"
                " WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace"
            )
        }

    def drop_trigger(self, conn: Any, name: str) -> None:
        table = conn.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " WHERE t.tgname = ? AND c.relnamespace = current_schema()::regnamespace",
            (name,),
        ).fetchone()[0]
        conn.execute(f'DROP TRIGGER "{name}" ON "{table}"')

    def row_json(self, table: str, columns: tuple[str, ...]) -> str:
        return f'to_jsonb("{table}")::text'

    def boolean_columns(self, conn: Any, table: str) -> set[str]:
        return {
            r[0]
            for r in conn.execute(
                "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(quote_ident(?))"
                " AND atttypid = 'boolean'::regtype AND attnum > 0 AND NOT attisdropped",
                (table,),
            )
        }

    def insert_rows(self, conn: Any, table: str, columns: list[str], rows: list[tuple]) -> None:
        conn.insert_rows(table, columns, rows)

    def after_copy(self, conn: Any, tables: list[str]) -> None:
        # Ids came with the rows: each identity sequence continues after the highest.
        for (table,) in conn.execute(
            "SELECT c.relname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
            " WHERE a.attname = 'id' AND a.attidentity <> ''"
            " AND c.relnamespace = current_schema()::regnamespace"
        ).fetchall():
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence(quote_ident(?), 'id'),"
                f' coalesce((SELECT max(id) FROM "{table}"), 0) + 1, false)',
                (table,),
            )

    def analyze(self, conn: Any) -> None:
        # VACUUM as well: it sets the visibility map, without which no index-only scan is
        # index-only (an srm log on the busiest contact of a fresh 1M copy: 19 -> 6 ms for its
        # ask/give counts) until autovacuum gets there. About a second at 1M interactions.
        conn.execute("VACUUM (ANALYZE)")

    def begin_snapshot(self, conn: Any) -> None:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")

    def columns(self, conn: Any, table: str) -> list[tuple[str, int]]:
        return [
            (r[0], r[1])
            for r in conn.execute(
                "SELECT a.attname, coalesce(array_position(i.indkey::int2[], a.attnum)"
                " - array_lower(i.indkey::int2[], 1) + 1, 0)"
                " FROM pg_attribute a LEFT JOIN pg_index i"
                " ON i.indrelid = a.attrelid AND i.indisprimary"
                " WHERE a.attrelid = to_regclass(quote_ident(?)) AND a.attnum > 0"
                " AND NOT a.attisdropped ORDER BY a.attnum",
                (table,),
            )
        ]

    def top_rows(self, select: str, limit: int, margin: float, details: str) -> str | None:
        # Every candidate's row would cross the wire to be counted (1,690 check-ins at 1M),
        # and the kept ones' details take a round trip of their own: the server ranks them
        # once, keeps the first ones, counts the rest and joins their details, in one statement.
        kept = (
            f"WITH r AS MATERIALIZED ({select}),"
            f" kth AS (SELECT urgency FROM r ORDER BY urgency DESC LIMIT 1 OFFSET {int(limit) - 1}),"
            " kept AS (SELECT r.*, (SELECT count(*) FROM r) AS srm_total FROM r"
            " WHERE NOT EXISTS (SELECT 1 FROM kth)"
            f" OR r.urgency >= (SELECT urgency FROM kth) - {float(margin)!r}::float8)"
        )
        # The details of each row kept looked up by its key (OFFSET 0 keeps the look-up a
        # look-up: the planner can't know that ~20 rows are kept, and would hash a table).
        one = details.format(keys="k.srm_key")
        return (
            f"{kept} SELECT k.*, d.* FROM kept AS k(srm_key)"
            f" CROSS JOIN LATERAL ({one} OFFSET 0) AS d ORDER BY k.urgency DESC"
        )

    def group_concat(self, expr: str, sep: str) -> str:
        return f"string_agg(({expr})::text, {sep})"

    def count_if(self, condition: str) -> str:
        return f"count(*) FILTER (WHERE {condition})"

    def json_key(self, *columns: str) -> str:
        # jsonb's text has a space after each comma: joined here as SQLite writes it.
        parts = " || ',' || ".join(f"to_jsonb({c})::text" for c in columns)
        return f"('[' || {parts} || ']')"

    def json_ids(self, param: str) -> str:
        # An array literal, not json_array_elements: the planner then knows how many ids
        # there are (a constant array's length) where it takes a set-returning function's 100,
        # and a short list joins by index instead of hashing a whole table (`srm due`'s
        # details of 20 rows: 1.1 -> 0.1 ms). The JSON holds integers only: '[1, 2]' -> '{1, 2}'.
        return f"unnest(translate(({param})::text, '[]', '{{}}')::bigint[]) AS j(value)"

    def json_rows(self, pairs: str) -> str:
        return f"coalesce(json_agg(json_build_object({pairs})), '[]')"

    def json_values(self, param: str) -> str:
        # COLLATE "C": compared with srm's columns, which are.
        return (
            f'(SELECT e COLLATE "C" AS value FROM json_array_elements_text(({param})::json) e) AS j'
        )

    def json_pairs(self, param: str) -> str:
        return f"json_each_text(({param})::json)"

    def days_between(self, later: str, earlier: str) -> str:
        return f"(({later})::date - ({earlier})::date)"

    def greatest(self, a: str, b: str) -> str:
        return f"GREATEST({a}, {b})"

    def nocase(self, expr: str) -> str:
        # Columns are COLLATE "C", where lower() folds ASCII only: exactly SQLite's NOCASE.
        return f"lower({expr})"

    def position(self, needle: str, haystack: str) -> str:
        return f"strpos({haystack}, {needle})"


SQLITE = SQLite()
POSTGRESQL = PostgreSQL()


def engine_sql(conn: Any, texts: Mapping[str, str]) -> str:
    """The text of a query written once per engine (hot queries, measured on each)."""
    return texts[dialect_of(conn).name]


def dialect_of(conn: Any) -> SQLite:
    """The dialect of a connection: srm's own know theirs; a plain sqlite3 one is SQLite's."""
    return getattr(conn, "dialect", SQLITE)


@contextmanager
def savepoint(conn: Any) -> Iterator[None]:
    """A nested transaction on either engine's connection (its `savepoint` method): an error
    inside undoes only what it wrote (PostgreSQL would otherwise abort the whole transaction)."""
    conn.execute("SAVEPOINT srm_record")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK TO SAVEPOINT srm_record")
        conn.execute("RELEASE SAVEPOINT srm_record")
        raise
    conn.execute("RELEASE SAVEPOINT srm_record")
