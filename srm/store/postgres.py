"""PostgreSQL behind the connection interface srm's code already speaks (that of sqlite3).

A thin DB-API adapter over psycopg2, imported only when a `postgresql://` URL is opened:

- `?` and `:name` placeholders become psycopg2's `%s` / `%(name)s` (outside string literals,
  quoted names, comments and `::` casts; every `%` is doubled); SQLite's null-safe
  `x IS ?` / `x IS NOT ?` become `IS [NOT] DISTINCT FROM`; hints for SQLite's planner
  (`INDEXED BY`, `CROSS JOIN` order, unary `+`) are dropped; translations are cached.
- rows answer by index and by name, like `sqlite3.Row` (`cursor.row_factory = None`: tuples).
- `lastrowid`: an INSERT into a table with an identity `id` gets `RETURNING id`.
- `executemany` sends its rows in pages of statements, one round trip a page.
- errors come out as the stdlib DB-API classes the code catches (`sqlite3.IntegrityError`,
  `sqlite3.OperationalError`, …); a lock wait that times out says "database is locked".
- `begin_write()` is `BEGIN` + a transaction-scoped advisory lock: writers queue one at a
  time as with SQLite's `BEGIN IMMEDIATE`, and one that waits `LOCK_TIMEOUT_MS` gives up
  ("busy", exit 6). A check-then-write (an import's duplicate check) can't interleave.
- statements whose answer nobody reads (the BEGIN and lock, `defer()`) wait and go with the
  next one, in one round trip: a write pays for the statements it reads, and its COMMIT.

Why psycopg2 (psycopg2-binary): measured on these machines, importing it costs ~30 ms of CPU
against ~130 ms for psycopg 3 and pg8000; it is libpq, so the URL, `~/.pgpass`, `PG*`
variables and `sslmode` work as every PostgreSQL tool's do; it is maintained (2.9.x).
"""

from __future__ import annotations

import re
import sqlite3
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from srm.store.dialect import POSTGRESQL, savepoint

# psycopg2 imports Python's ssl module (8 ms of its 20) only so that OpenSSL's thread locking
# is set up before libpq's (psycopgmodule.c, libcrypto_threads_init); when `ssl` can't be
# imported it leaves that to libpq, as for a Python built without ssl, and OpenSSL 1.1 and later
# lock by themselves. So `ssl` is made unimportable for that one import, unless already loaded.
_ssl_hidden = "ssl" not in sys.modules
if _ssl_hidden:
    sys.modules["ssl"] = None  # type: ignore[assignment]
try:
    import psycopg2
    import psycopg2.errors
    import psycopg2.extensions as ext
finally:
    if _ssl_hidden and "ssl" in sys.modules and sys.modules["ssl"] is None:
        del sys.modules["ssl"]

LOCK_TIMEOUT_MS = 10_000  # as SQLite's busy timeout
# The advisory lock every srm write takes: one key per database (the schema is in the name
# of nothing else srm does), "srm\0" as a number.
WRITE_LOCK = 0x73726D00
PAGE = 200  # executemany: statements per round trip

# Numbers come back as SQLite gives them: sums of integers as int, averages as float.
_NUMERIC = ext.new_type(
    (1700,),
    "SRM_NUMERIC",
    lambda s, cur: None if s is None else (float(s) if "." in s or "e" in s.lower() else int(s)),
)
# JSON values as their text, as SQLite's json functions return them.
_JSON_TEXT = ext.new_type((114, 3802), "SRM_JSON", lambda s, cur: s)


def display(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    user = f"{parts.username}:***@" if parts.username else ":***@"
    return urlunsplit(parts._replace(netloc=user + host))


def connect(url: str, *, read_only: bool = False, timeout: int | None = None) -> Connection:
    """Connect with libpq (URL, ~/.pgpass, PG* variables); StoreError if that fails.
    `timeout`: seconds to wait for the server (libpq's connect_timeout), else the URL's."""
    from srm.errors import StoreError

    extra = {} if timeout is None else {"connect_timeout": timeout}
    if read_only:  # set as the session starts: no round trip of its own
        extra["options"] = "-c default_transaction_read_only=on"
    try:
        raw = psycopg2.connect(url, application_name="srm", client_encoding="UTF8", **extra)
    except psycopg2.Error as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise StoreError(f"can't connect to {display(url)}: {first}") from None
    raw.autocommit = True  # transactions are ours: write() begins and ends them
    ext.register_type(_NUMERIC, raw)
    ext.register_type(_JSON_TEXT, raw)
    return Connection(raw)


# --- placeholders ---------------------------------------------------------------------------

_LEXEME = re.compile(
    r"""'(?:[^']|'')*'        # a string literal
      | "(?:[^"]|"")*"        # a quoted name
      | --[^\n]*              # a comment
      | /\*.*?\*/
      | (\$\w*\$).*?\1        # a dollar-quoted body (DDL)
      | ::                    # a cast, not a :name
      | \bIS(\s+NOT)?\s+(?=\?|:\w)  # SQLite's null-safe = with a parameter
      | :(\w+)                # a named parameter
      | \?                    # a positional one
      | %""",
    re.VERBOSE | re.DOTALL,
)
# Hints for SQLite's planner, which PostgreSQL's (cost-based, with statistics) does without:
# `INDEXED BY ix` names the index to use, `CROSS JOIN t ON …` fixes the join order (and
# SQLite allows an ON with it), a unary `+` before a column keeps its index out of the plan.
_HINTS = (
    (re.compile(r"\s+INDEXED\s+BY\s+\w+", re.IGNORECASE), ""),
    (
        re.compile(r"\bCROSS\s+JOIN(\s+\w+(?:\s+(?!ON\b)\w+)?\s+ON\b)", re.IGNORECASE),
        r"JOIN\1",
    ),
    (re.compile(r"(\(|\b(?:AND|OR|WHERE|NOT)\s+)\+(?=[A-Za-z_])", re.IGNORECASE), r"\1"),
)
_INSERT = re.compile(r'^\s*INSERT\s+INTO\s+"?(\w+)"?', re.IGNORECASE)
_RETURNING = re.compile(r"\bRETURNING\b", re.IGNORECASE)
_DDL = re.compile(r"^\s*(CREATE|ALTER|DROP)\b", re.IGNORECASE)
_ROLLBACK = re.compile(r"^\s*ROLLBACK\s*$", re.IGNORECASE)
_COMMIT = re.compile(r"^\s*COMMIT\s*$", re.IGNORECASE)
_BEGIN = object()  # a write transaction's start, waiting in Connection.pending


def _begin() -> bytes:
    return (
        f"BEGIN; SET LOCAL lock_timeout = {LOCK_TIMEOUT_MS};"
        f" SELECT pg_advisory_xact_lock({WRITE_LOCK})"
    ).encode()


_cache: dict[str, tuple[str, str | None]] = {}


def translate(sql: str) -> tuple[str, str | None]:
    """psycopg2's form of `sql`, and the table it inserts into (for RETURNING id), if any."""
    hit = _cache.get(sql)
    if hit is not None:
        return hit

    def sub(m: re.Match) -> str:
        text = m.group(0)
        if text == "?":
            return "%s"
        if text == "%":
            return "%%"
        if m.group(3):
            return f"%({m.group(3)})s"
        if text[:2].upper() == "IS":
            return "IS DISTINCT FROM " if m.group(2) else "IS NOT DISTINCT FROM "
        return text.replace("%", "%%")  # psycopg2 formats literals and comments too

    out = _LEXEME.sub(sub, sql)
    if "+" in out or "INDEXED" in out.upper() or "CROSS" in out.upper():
        for pattern, replacement in _HINTS:
            out = pattern.sub(replacement, out)
    insert = _INSERT.match(sql)
    table = insert.group(1) if insert and not _RETURNING.search(sql) else None
    if len(_cache) > 4096:
        _cache.clear()
    _cache[sql] = (out, table)
    return out, table


# --- rows -----------------------------------------------------------------------------------


class Row(tuple):
    """A result row addressable by index and by (case-insensitive) name, as sqlite3.Row."""

    __slots__ = ()
    _index: dict[str, int] = {}
    _names: tuple[str, ...] = ()

    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        if isinstance(key, str):
            try:
                i = self._index[key]
            except KeyError:
                i = self._index[key.lower()]
            return tuple.__getitem__(self, i)
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)


def _row_class(description: Sequence) -> type[Row]:
    names = tuple(d[0] for d in description)
    index: dict[str, int] = {}
    for i, n in reversed(list(enumerate(names))):  # the first of two equal names wins
        index[n] = i
        index[n.lower()] = i
    return type("Row", (Row,), {"__slots__": (), "_index": index, "_names": names})


# --- errors ---------------------------------------------------------------------------------


def _as_dbapi(e: psycopg2.Error) -> Exception:
    """The sqlite3 (stdlib DB-API) error srm's code catches for this PostgreSQL error."""
    text = (e.pgerror or str(e)).strip()
    if text.startswith("ERROR:"):
        text = text[6:].strip()
    text = text.splitlines()[0] if text else type(e).__name__
    code = e.pgcode or ""
    if code == "55P03":  # lock_not_available: the write lock's wait ran out
        return sqlite3.OperationalError(f"database is locked (waited {LOCK_TIMEOUT_MS // 1000} s)")
    if code == "25006":  # read_only_sql_transaction
        return sqlite3.OperationalError(f"attempt to write a readonly database ({text})")
    if isinstance(e, psycopg2.IntegrityError):
        return sqlite3.IntegrityError(text)
    if isinstance(e, psycopg2.DataError):
        return sqlite3.DataError(text)
    if isinstance(
        e, psycopg2.ProgrammingError | psycopg2.InternalError | psycopg2.NotSupportedError
    ):
        return sqlite3.OperationalError(text)
    if isinstance(e, psycopg2.OperationalError):
        return sqlite3.OperationalError(text)
    return sqlite3.DatabaseError(text)


# --- cursor and connection ------------------------------------------------------------------


class Cursor:
    """A cursor with sqlite3's manners: execute returns itself; rows are Row unless told."""

    def __init__(self, conn: Connection):
        self._conn = conn
        self._cur = conn.raw.cursor()
        self.row_factory: Any = Row
        self._returning = False
        self._lastrowid: int | None = None
        self._row_cls: type[Row] | None = None

    def execute(self, sql: str, params: Sequence | Mapping | None = None) -> Cursor:
        text, table = translate(sql)
        self._returning = table is not None and table in self._conn.identity_tables()
        if self._returning:
            text += " RETURNING id"
        self._lastrowid = None
        self._row_cls = None
        try:
            if not self._conn.pending:
                self._cur.execute(text, _params(params))
            elif _ROLLBACK.match(sql):  # what waited is dropped unsent
                began = self._conn.pending[0] is _BEGIN
                self._conn.pending.clear()
                if not began:
                    self._cur.execute(text)
            else:  # parameters filled in: nothing more to format
                head = self._conn.take_pending()
                self._cur.execute(head + self._cur.mogrify(text, _params(params)))
        except psycopg2.Error as e:
            raw = self._conn.raw
            if (
                _COMMIT.match(sql)
                and raw.get_transaction_status() == ext.TRANSACTION_STATUS_INERROR
            ):
                raw.cursor().execute("ROLLBACK")  # a statement sent with it failed: so did it
            error = _as_dbapi(e)
            error.add_note(f"SQL: {text}")  # shown with --debug
            raise error from e
        if table == "schema_migration" or _DDL.match(sql):
            self._conn.forget_tables()
        return self

    def executemany(self, sql: str, rows: Iterable[Sequence | Mapping]) -> Cursor:
        text, _ = translate(sql)
        batch: list[bytes] = []
        head = self._conn.take_pending()  # what waits goes with the first page
        try:
            for params in rows:
                batch.append(self._cur.mogrify(text, _params(params)))
                if len(batch) == PAGE:
                    self._cur.execute(head + b";".join(batch))
                    head, batch = b"", []
            if batch or head:
                self._cur.execute(head + b";".join(batch))
        except psycopg2.Error as e:
            raise _as_dbapi(e) from e
        self._returning = False
        return self

    @property
    def lastrowid(self) -> int | None:
        if self._returning:
            self._returning = False
            rows = self._cur.fetchall()
            self._lastrowid = rows[-1][0] if rows else None
        return self._lastrowid

    @property
    def rowcount(self) -> int:
        return self._cur.rowcount

    @property
    def description(self):
        return self._cur.description

    def _wrap(self, rows: list[tuple]) -> list:
        if self.row_factory is None or not rows:
            return rows
        cls = self._row()
        return [cls(r) for r in rows]

    def fetchone(self) -> Any:
        if self._cur.description is None:
            return None
        row = self._cur.fetchone()
        if row is None or self.row_factory is None:
            return row
        return self._row()(row)

    def _row(self) -> type[Row]:
        """The row class of the current result (made once per statement)."""
        if self._row_cls is None:
            self._row_cls = _row_class(self._cur.description)
        return self._row_cls

    def fetchall(self) -> list:
        if self._cur.description is None:
            return []
        return self._wrap(self._cur.fetchall())

    def fetchmany(self, size: int = 1) -> list:
        return self._wrap(self._cur.fetchmany(size))

    def __iter__(self) -> Iterator:
        return self

    def __next__(self) -> Any:
        """The next row, as sqlite3's cursor gives it (it is its own iterator)."""
        row = self.fetchone()
        if row is None:
            raise StopIteration
        return row

    def close(self) -> None:
        self._cur.close()


def _params(params: Sequence | Mapping | None) -> Sequence | Mapping:
    if params is None:
        return ()
    if isinstance(params, Mapping):
        return params
    return tuple(params)


class Connection:
    """The sqlite3.Connection methods srm uses, on a psycopg2 connection in autocommit."""

    dialect = POSTGRESQL

    def __init__(self, raw: Any):
        self.raw = raw
        self._identity: set[str] | None = None
        self._record: tuple[dict[str, str], int, int] | None = None
        self._streams = 0
        # Statements to send with the next one (parameters filled in), `_BEGIN` first if the
        # transaction itself waits: see `defer`.
        self.pending: list[bytes | object] = []

    def cursor(self) -> Cursor:
        return Cursor(self)

    def execute(self, sql: str, params: Sequence | Mapping | None = None) -> Cursor:
        return Cursor(self).execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence | Mapping]) -> Cursor:
        return Cursor(self).executemany(sql, rows)

    def create_function(self, *args: Any, **kwargs: Any) -> None:
        """Python can't run inside the server: the SQL-only versions srm needs are created by
        the migrations (srm_cadence_after, srm_fold), and callers of the others filter in
        Python when `dialect.python_functions` is False."""

    def defer(self, sql: str, params: Sequence | Mapping | None = None) -> None:
        """Run `sql` (a statement whose answer nobody reads) with the next statement, in the
        same round trip; an error it meets is raised there. ROLLBACK drops what waits."""
        text, _ = translate(sql)
        with self.raw.cursor() as cur:
            self.pending.append(cur.mogrify(text, _params(params)))

    def take_pending(self) -> bytes:
        """What waits, as the start of the next statement sent."""
        out = b"".join((_begin() if p is _BEGIN else p) + b"; " for p in self.pending)
        self.pending.clear()
        return out

    def flush(self) -> None:
        """Send what waits now (before a statement that can't carry it)."""
        if self.pending:
            try:
                self.raw.cursor().execute(self.take_pending())
            except psycopg2.Error as e:
                raise _as_dbapi(e) from e

    def identity_tables(self) -> set[str]:
        """Tables whose `id` the server numbers (an INSERT into them returns it): those with
        an identity sequence, `<table>_id_seq` (what PostgreSQL names the sequence of a table's
        identity column `id`), read with the store's tables (`record`): pg_attribute, which says
        it outright, costs a new session ~1 ms to read. A catalog read, not part of what waits
        to be sent: it goes first."""
        if self._identity is None:
            self.record()
        assert self._identity is not None
        return self._identity

    def forget_tables(self) -> None:
        self._identity = None
        self._record = None

    def record(self) -> tuple[dict[str, str], int, int]:
        """The store's tables, and its migration record's steps and highest one (they answer
        the version check and its consistency check): one round trip when a store opens, two
        where there may be no record to read yet."""
        if self._record is None:
            tables = (  # and sequences ('S'): see identity_tables
                "SELECT c.relname, NULL::bigint, NULL::bigint, c.relkind::text FROM pg_class c"
                " WHERE c.relkind IN ('r', 'p', 'S')"
                " AND c.relnamespace = current_schema()::regnamespace"
            )
            record = "SELECT NULL, count(*), coalesce(max(version), 0), NULL FROM schema_migration"
            self.flush()
            cur = self.raw.cursor()
            rows = None
            if not self.in_transaction:  # where an error would abort nothing
                try:
                    cur.execute(f"{tables} UNION ALL {record}")
                    rows = cur.fetchall()
                except psycopg2.errors.UndefinedTable:  # a new store, or none of srm's
                    pass
            if rows is None:
                cur.execute(tables)
                rows = cur.fetchall()
                if any(r[0] == "schema_migration" for r in rows):
                    cur.execute(record)
                    rows += cur.fetchall()
            count = top = 0
            for name, steps, highest, _ in rows:
                if name is None:
                    count, top = steps, highest
            names = {r[0]: "" for r in rows if r[3] in ("r", "p")}
            self._record = (names, count, top)
            self._identity = {
                r[0][: -len("_id_seq")]
                for r in rows
                if r[3] == "S" and r[0].endswith("_id_seq") and r[0][: -len("_id_seq")] in names
            }
        return self._record

    @property
    def in_transaction(self) -> bool:
        if self.pending and self.pending[0] is _BEGIN:
            return True
        return self.raw.get_transaction_status() != ext.TRANSACTION_STATUS_IDLE

    def begin_write(self) -> None:
        """BEGIN, then wait (up to LOCK_TIMEOUT_MS) for the store's write lock: sent with the
        transaction's first statement, which runs once the lock is held (a wait that runs out
        fails that statement, as "database is locked").

        The timeout stays for the transaction: a row another program keeps locked makes the
        write give up as busy too, instead of hanging."""
        self.flush()
        self.pending.append(_BEGIN)

    def insert_rows(self, table: str, columns: list[str], rows: list[tuple]) -> None:
        """Many rows in few statements: one multi-row VALUES per PAGE * 5 rows."""
        self.flush()
        cur = self.raw.cursor()
        one = "(" + ", ".join(["%s"] * len(columns)) + ")"
        names = ", ".join(f'"{c}"' for c in columns)
        head = f'INSERT INTO "{table}" ({names}) VALUES '
        step = PAGE * 5
        try:
            for i in range(0, len(rows), step):
                values = b", ".join(cur.mogrify(one, r) for r in rows[i : i + step])
                cur.execute(head.encode() + values)
        except psycopg2.Error as e:
            raise _as_dbapi(e) from e

    def stream(self, sql: str) -> Any:
        """A server-side cursor over `sql` (plain tuples, fetched a batch at a time): a whole
        table is never held in memory at once."""
        self._streams += 1
        self.flush()
        cur = self.raw.cursor(name=f"srm_stream_{self._streams}", withhold=True)
        cur.itersize = 2000
        cur.execute(translate(sql)[0])
        return cur

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, kind: object, *rest: object) -> None:
        """As sqlite3's: end the transaction open, if any (commit, or roll back on an error)."""
        if self.in_transaction:
            self.execute("ROLLBACK" if kind else "COMMIT")

    def commit(self) -> None:
        """End a transaction begun with BEGIN (DB-API); in autocommit there is none."""
        if self.in_transaction:
            self.execute("COMMIT")

    savepoint = savepoint  # a nested transaction (srm.store.dialect)

    def close(self) -> None:
        self.raw.close()
