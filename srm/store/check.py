"""`srm doctor`: what is wrong with a store, and what to do about it.

It reads and never writes: integrity, foreign keys, the schema against the SQLModel models of
record (the one place the runtime imports SQLModel), the migration record against the schema
version, file and folder permissions, the size of the write-ahead log, and the backups.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from srm.errors import SrmError
from srm.paths import is_url
from srm.store import backup, files
from srm.store.db import Store, version_problems, why_read_only
from srm.store.migrations import MIGRATIONS

WAL_LIMIT = 64 << 20  # a -wal this big means something keeps SQLite from checkpointing it


def describe_db(conn: sqlite3.Connection) -> dict[str, dict]:
    """Tables → columns (name, declared type, not null, pk), foreign keys and indexes."""
    out: dict[str, dict] = {}
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    # Virtual tables (the FTS5 search index) and their shadow tables are not in the models.
    virtual = [n for n, sql in rows if (sql or "").upper().startswith("CREATE VIRTUAL")]
    tables = [n for n, _ in rows if not any(n == v or n.startswith(v + "_") for v in virtual)]
    for t in tables:
        cols = {
            r[1]: (r[2].upper(), bool(r[3]) or bool(r[5]), r[5])
            for r in conn.execute(f"PRAGMA table_info('{t}')")
        }
        fks = sorted(
            (r[3], r[2], r[4], r[6].upper())
            for r in conn.execute(f"PRAGMA foreign_key_list('{t}')")
        )
        idx = {}
        for r in conn.execute(f"PRAGMA index_list('{t}')"):
            if r[3] == "pk":
                continue
            cols_i = [c[2] for c in conn.execute(f"PRAGMA index_info('{r[1]}')")]
            idx[r[1]] = (tuple(cols_i), bool(r[2]), bool(r[4]))
        out[t] = {"columns": cols, "foreign_keys": fks, "indexes": idx}
    return out


# PostgreSQL's types as the models name them (srm.store.migrations_pg maps them the other way).
_PG_TYPES = {
    "bigint": "INTEGER",
    "integer": "INTEGER",
    "text": "VARCHAR",
    "character varying": "VARCHAR",
    "iso_date": "DATE",
    "double precision": "FLOAT",
    "boolean": "BOOLEAN",
}
_PG_ON_DELETE = {
    "a": "NO ACTION",
    "r": "RESTRICT",
    "c": "CASCADE",
    "n": "SET NULL",
    "d": "SET DEFAULT",
}


def describe_pg(conn) -> dict[str, dict]:
    """describe_db's description of a PostgreSQL store, in the models' words (see canonical)."""
    out: dict[str, dict] = {}
    for (t,) in conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        " AND tablename <> 'search_index'"  # the search index: not in the models, as FTS5's
    ):
        cols = {}
        for name, typ, notnull, pk in conn.execute(
            "SELECT a.attname, coalesce(d.typname, format_type(a.atttypid, NULL)), a.attnotnull,"
            " coalesce(array_position(i.indkey::int2[], a.attnum)"
            " - array_lower(i.indkey::int2[], 1) + 1, 0)"
            " FROM pg_attribute a LEFT JOIN pg_type d ON d.oid = a.atttypid AND d.typtype = 'd'"
            " LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary"
            " WHERE a.attrelid = to_regclass(quote_ident(?)) AND a.attnum > 0"
            " AND NOT a.attisdropped ORDER BY a.attnum",
            (t,),
        ):
            cols[name] = (_PG_TYPES.get(typ, typ.upper()), bool(notnull) or bool(pk), pk)
        fks = sorted(
            (r[0], r[1], r[2], _PG_ON_DELETE[r[3]])
            for r in conn.execute(
                "SELECT a.attname, p.relname, pa.attname, c.confdeltype FROM pg_constraint c"
                " JOIN pg_class p ON p.oid = c.confrelid"
                " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]"
                " JOIN pg_attribute pa ON pa.attrelid = c.confrelid AND pa.attnum = c.confkey[1]"
                " WHERE c.contype = 'f' AND c.conrelid = to_regclass(quote_ident(?))",
                (t,),
            )
        )
        idx = {}
        for name, columns, unique, partial, constraint in conn.execute(
            # Key columns only (not INCLUDE); an expression's is None, as SQLite names it.
            "SELECT ci.relname, array(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY"
            "  AS k(n, o) LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n"
            "  AND k.n <> 0 WHERE k.o <= i.indnkeyatts ORDER BY k.o), i.indisunique,"
            " i.indpred IS NOT NULL,"
            " EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"
            " FROM pg_index i JOIN pg_class ci ON ci.oid = i.indexrelid"
            " WHERE i.indrelid = to_regclass(quote_ident(?)) AND NOT i.indisprimary",
            (t,),
        ):
            key = f"unique({', '.join(columns)})" if constraint else name
            idx[key] = (tuple(columns), bool(unique), bool(partial))
        out[t] = {"columns": cols, "foreign_keys": fks, "indexes": idx}
    return out


def canonical(description: dict[str, dict]) -> dict[str, dict]:
    """A description with SQLite's automatic names for UNIQUE constraints' indexes replaced by
    what they index (`unique(uuid)`), as describe_pg names PostgreSQL's."""
    out = {}
    for t, d in description.items():
        idx = {
            (f"unique({', '.join(v[0])})" if k.startswith("sqlite_autoindex_") else k): v
            for k, v in d["indexes"].items()
        }
        out[t] = {**d, "indexes": idx}
    return out


def describe_models() -> dict[str, dict]:
    """The same description built by SQLAlchemy from the models on an in-memory database."""
    from sqlmodel import SQLModel, create_engine

    import srm.store.models  # noqa: F401  (registers the tables)

    engine = create_engine("sqlite://")
    SQLModel.metadata.create_all(engine)
    raw = engine.raw_connection()
    try:
        return describe_db(raw.driver_connection)  # type: ignore[arg-type]
    finally:
        raw.close()


def diff(db: dict[str, dict], models: dict[str, dict]) -> list[str]:
    """Each way the database differs from the models, as one phrase."""
    problems = []
    for t in sorted(set(db) | set(models)):
        if t not in db:
            problems.append(f"table {t} is missing")
            continue
        if t not in models:
            problems.append(f"table {t} is not in the models")
            continue
        for part, noun in (("columns", "column"), ("indexes", "index")):
            have, want = db[t][part], models[t][part]
            for name in sorted(set(have) | set(want)):
                if name not in have:
                    problems.append(f"{t}: {noun} {name} is missing")
                elif name not in want:
                    problems.append(f"{t}: {noun} {name} is not in the models")
                elif have[name] != want[name]:
                    problems.append(f"{t}: {noun} {name} is {have[name]}, not {want[name]}")
        if db[t]["foreign_keys"] != models[t]["foreign_keys"]:
            problems.append(
                f"{t}: foreign keys are {db[t]['foreign_keys']}, not {models[t]['foreign_keys']}"
            )
    return problems


@dataclass
class Finding:
    status: str  # "ok", "note" (worth knowing) or "problem" (something is wrong)
    check: str
    message: str
    advice: str = ""


@dataclass
class Report:
    path: Path
    findings: list[Finding]
    schema_version: int | None = None
    contacts: int | None = None
    interactions: int | None = None

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if f.status == "problem"]

    def as_json(self) -> dict:
        return {
            "path": str(self.path),
            "schema_version": self.schema_version,
            "contacts": self.contacts,
            "interactions": self.interactions,
            "problems": [f.message for f in self.problems],
            "findings": [asdict(f) for f in self.findings],
        }


def doctor(path: Path | str) -> Report:
    """Every check on the store at `path` (or URL), opened read-only; the findings in order."""
    if is_url(path):
        return _doctor_server(str(path))
    report = Report(Path(path), [])
    add = report.findings.append
    if not Path(path).exists():
        add(Finding("note", "file", f"there is no database at {path} yet", "srm creates it"))
        return report
    if not files.is_sqlite(Path(path)):
        add(
            Finding(
                "problem",
                "file",
                f"{path} is not an SQLite database",
                _restore_advice(path) or "point --db at your srm database",
            )
        )
        return report
    try:
        store = Store.open(Path(path), migrate=False, read_only=True)
    except SrmError as e:
        add(Finding("problem", "file", str(e), _restore_advice(path)))
        return report
    try:
        for check in (_version, _integrity, _foreign_keys, _schema, _undo_triggers, _counts):
            check(store, report)
    finally:
        store.close()
    _permissions(Path(path), report)
    _wal(Path(path), report)
    _backups(Path(path), report)
    return report


def _doctor_server(url: str) -> Report:
    """The same checks on a PostgreSQL store, less those about SQLite's files, plus who else
    on the server may read it."""
    from srm.store.postgres import display

    report = Report(display(url), [])  # type: ignore[arg-type]
    try:
        store = Store.open(url, migrate=False, read_only=True)
    except SrmError as e:
        report.findings.append(Finding("problem", "connection", str(e), _SERVER_ADVICE))
        return report
    try:
        for check in (
            _version,
            _integrity,
            _foreign_keys,
            _schema,
            _undo_triggers,
            _counts,
            _privileges,
        ):
            check(store, report)
    finally:
        store.close()
    report.findings.append(
        Finding(
            "note",
            "backups",
            "a server's backups are its administrator's (pg_dump, base backups)",
            "srm backup also writes an SQLite copy you can open anywhere",
        )
    )
    return report


_SERVER_ADVICE = (
    "check the URL, the server and your credentials (~/.pgpass, PGPASSWORD); psql with the"
    " same URL says more"
)


def _restore_advice(path: Path | None) -> str:
    if path is None:
        return "restore the server's backup (pg_restore), or an srm backup: srm restore FILE"
    latest = backup.listing(path)
    if latest:
        return f"restore the latest backup: srm restore {latest[-1]}"
    return "restore a backup with srm restore FILE, or export what still reads (srm export)"


def _version(store: Store, report: Report) -> None:
    version = store.schema_version()
    report.schema_version = version
    known = len(MIGRATIONS)
    if version > known:
        report.findings.append(
            Finding(
                "problem",
                "schema version",
                f"schema {version} was written by a newer srm (this one knows {known})",
                "upgrade srm: pip install --upgrade srm",
            )
        )
        return
    problems = version_problems(store.conn, version)
    for p in problems:
        report.findings.append(
            Finding("problem", "migration record", p, _restore_advice(store.path))
        )
    if problems:
        return
    if version < known:
        report.findings.append(
            Finding(
                "note",
                "schema version",
                f"schema {version}; this srm upgrades it to {known} the next time it opens it",
                "a backup is made first, in " + str(backup.folder(store.path)),
            )
        )
    else:
        report.findings.append(
            Finding("ok", "schema version", f"schema {version}, migration record complete")
        )


def _integrity(store: Store, report: Report) -> None:
    if store.url is not None:
        checksums = store.conn.execute("SHOW data_checksums").fetchone()[0]
        report.findings.append(
            Finding("ok", "integrity", f"the server keeps its pages (data checksums {checksums})")
        )
        return
    rows = [r[0] for r in store.conn.execute("PRAGMA integrity_check")]
    if rows == ["ok"]:
        report.findings.append(Finding("ok", "integrity", "SQLite finds no damage"))
        return
    advice = _restore_advice(store.path)
    for r in rows:
        report.findings.append(Finding("problem", "integrity", r, advice))


def _foreign_keys(store: Store, report: Report) -> None:
    if store.url is not None:
        rows = _orphans(store.conn)
    else:
        rows = store.conn.execute(
            'SELECT "table", parent, count(*) FROM pragma_foreign_key_check'
            ' GROUP BY "table", parent ORDER BY "table", parent'
        ).fetchall()
    if not rows:
        report.findings.append(Finding("ok", "foreign keys", "every link points at a record"))
        return
    advice = _restore_advice(store.path)
    for table, parent, n in rows:
        report.findings.append(
            Finding(
                "problem",
                "foreign keys",
                f"{n} {table} row(s) point at a missing {parent}",
                advice,
            )
        )


def _orphans(conn) -> list[tuple[str, str, int]]:
    """(table, parent, rows) for links that point at nothing: the server enforces its
    foreign keys, but a superuser's session_replication_role or a disabled trigger doesn't."""
    found = []
    for table, column, parent, key in conn.execute(
        "SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, pa.attname"
        " FROM pg_constraint c"
        " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]"
        " JOIN pg_attribute pa ON pa.attrelid = c.confrelid AND pa.attnum = c.confkey[1]"
        " WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace"
        " ORDER BY 1, 3"
    ).fetchall():
        n = conn.execute(
            f'SELECT count(*) FROM "{table}" t WHERE t."{column}" IS NOT NULL AND NOT EXISTS'
            f' (SELECT 1 FROM "{parent}" p WHERE p."{key}" = t."{column}")'
        ).fetchone()[0]
        if n:
            found.append((table, parent, n))
    return found


def _privileges(store: Store, report: Report) -> None:
    """Tables any role on the server may read: the store holds personal data."""
    public = [
        r[0]
        for r in store.conn.execute(
            "SELECT c.relname FROM pg_class c"
            " WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'"
            " AND has_table_privilege('public', c.oid, 'SELECT') ORDER BY c.relname"
        )
    ]
    if public:
        report.findings.append(
            Finding(
                "problem",
                "privileges",
                f"every role on the server can read {', '.join(public)}; the store holds"
                " personal data",
                "REVOKE ALL ON ALL TABLES IN SCHEMA "
                + store.conn.execute("SELECT current_schema()").fetchone()[0]
                + " FROM PUBLIC (README, Team mode: roles)",
            )
        )
    else:
        report.findings.append(
            Finding("ok", "privileges", "only roles granted access can read the store")
        )


def _schema(store: Store, report: Report) -> None:
    if report.schema_version != len(MIGRATIONS) or any(
        f.check == "migration record" for f in report.findings
    ):
        return  # an older schema differs from the models until it is upgraded
    if store.url is not None:
        differences = diff(describe_pg(store.conn), canonical(describe_models()))
    else:
        differences = diff(describe_db(store.conn), describe_models())
    if not differences:
        report.findings.append(Finding("ok", "schema", "tables and indexes match srm's models"))
    for d in differences:
        report.findings.append(
            Finding(
                "problem",
                "schema",
                d,
                "the store was changed outside srm: " + _restore_advice(store.path),
            )
        )


def _undo_triggers(store: Store, report: Report) -> None:
    from srm.store.migrations import UNDO_SINCE
    from srm.store.undo import trigger_problems

    if (report.schema_version or 0) < UNDO_SINCE or any(
        f.check == "migration record" for f in report.findings
    ):
        return
    problems = trigger_problems(store.conn)
    if not problems:
        report.findings.append(Finding("ok", "undo log", "every table's changes are recorded"))
    for p in problems:
        report.findings.append(
            Finding(
                "problem",
                "undo log",
                p,
                "the store was changed outside srm: " + _restore_advice(store.path),
            )
        )


def _counts(store: Store, report: Report) -> None:
    try:
        report.contacts = store.conn.execute("SELECT count(*) FROM contact").fetchone()[0]
        report.interactions = store.conn.execute("SELECT count(*) FROM interaction").fetchone()[0]
    except sqlite3.OperationalError:
        pass


def _mode(path: Path) -> int | None:
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return None


def _permissions(path: Path, report: Report) -> None:
    real = Path(os.path.realpath(path))
    loose = [
        (p, mode)
        for p in [real, *(Path(str(real) + s) for s in ("-wal", "-shm"))]
        if (mode := _mode(p)) is not None and mode & 0o077
    ]
    if loose:
        report.findings.append(
            Finding(
                "problem",
                "permissions",
                ", ".join(f"{p.name} ({m:04o})" for p, m in loose)
                + " can be read by other users; the store holds personal data",
                "chmod 600 " + " ".join(str(p) for p, _ in loose),
            )
        )
    else:
        report.findings.append(Finding("ok", "permissions", "the store is readable by you only"))
    why = why_read_only(real)
    if why:
        report.findings.append(
            Finding(
                "note",
                "writable",
                f"the store is read-only ({why}): srm can show it but not change it",
                "copy it to a writable folder to make changes",
            )
        )


def _wal(path: Path, report: Report) -> None:
    wal = Path(os.path.realpath(path) + "-wal")
    size = wal.stat().st_size if wal.exists() else 0
    if size > WAL_LIMIT:
        report.findings.append(
            Finding(
                "problem",
                "write-ahead log",
                f"{wal} is {size >> 20} MiB: a long-running reader keeps it from being folded in",
                "close other srm processes and programs that have the store open; it shrinks"
                " when the last one exits",
            )
        )
    else:
        report.findings.append(
            Finding("ok", "write-ahead log", f"{size >> 10} KiB (folded into the store as it goes)")
        )


def _backups(path: Path, report: Report) -> None:
    found = backup.listing(path)
    directory = backup.folder(path)
    mode = _mode(directory)
    if mode is not None and mode & 0o077:
        report.findings.append(
            Finding(
                "problem",
                "backups",
                f"{directory} can be listed by other users (mode {mode:04o})",
                f"chmod 700 {directory}",
            )
        )
    for p in found:
        m = _mode(p)
        if m is not None and m & 0o077:
            report.findings.append(
                Finding(
                    "problem",
                    "backups",
                    f"{p} can be read by other users (mode {m:04o})",
                    f"chmod 600 {p}",
                )
            )
    if not found:
        report.findings.append(
            Finding("note", "backups", f"no backup in {directory}", "make one: srm backup")
        )
        return
    latest = found[-1]
    age = datetime.now(UTC) - datetime.fromtimestamp(latest.stat().st_mtime, UTC)
    report.findings.append(
        Finding(
            "ok", "backups", f"{len(found)} in {directory}; latest {latest.name}, {_age(age)} old"
        )
    )


def _age(delta) -> str:
    hours = delta.total_seconds() / 3600
    if hours < 1:
        return "under an hour"
    if hours < 48:
        return f"{int(hours)} hours"
    return f"{int(hours // 24)} days"
