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


def doctor(path: Path) -> Report:
    """Every check on the store at `path`, opened read-only; the findings in order."""
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


def _restore_advice(path: Path) -> str:
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
    rows = [r[0] for r in store.conn.execute("PRAGMA integrity_check")]
    if rows == ["ok"]:
        report.findings.append(Finding("ok", "integrity", "SQLite finds no damage"))
        return
    advice = _restore_advice(store.path)
    for r in rows:
        report.findings.append(Finding("problem", "integrity", r, advice))


def _foreign_keys(store: Store, report: Report) -> None:
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


def _schema(store: Store, report: Report) -> None:
    if report.schema_version != len(MIGRATIONS) or any(
        f.check == "migration record" for f in report.findings
    ):
        return  # an older schema differs from the models until it is upgraded
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
