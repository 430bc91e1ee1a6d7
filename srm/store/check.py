"""Compare a live database with the SQLModel schema of record (used by `srm db check` and tests)."""

from __future__ import annotations

import sqlite3

from srm.store.db import Store


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
    problems = []
    for t in sorted(set(db) | set(models)):
        if t not in db:
            problems.append(f"table {t} is missing")
            continue
        if t not in models:
            problems.append(f"table {t} is not in the models")
            continue
        for part in ("columns", "foreign_keys", "indexes"):
            if db[t][part] != models[t][part]:
                problems.append(
                    f"{t}: {part} differ: database {db[t][part]} vs models {models[t][part]}"
                )
    return problems


def check(store: Store) -> dict:
    conn = store.conn
    problems = [r[0] for r in conn.execute("PRAGMA integrity_check") if r[0] != "ok"]
    problems += [
        f"foreign key: {r[0]} row {r[1]} points at a missing {r[2]}"
        for r in conn.execute("PRAGMA foreign_key_check")
    ]
    problems += diff(describe_db(conn), describe_models())
    return {
        "path": str(store.path),
        "schema_version": store.schema_version(),
        "contacts": conn.execute("SELECT count(*) FROM contact").fetchone()[0],
        "interactions": conn.execute("SELECT count(*) FROM interaction").fetchone()[0],
        "problems": problems,
    }
