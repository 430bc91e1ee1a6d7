"""Migrations: a store from every earlier schema reaches the head keeping every record, after an
automatic backup; a store whose version record and tables disagree is refused, naming doctor."""

from __future__ import annotations

import sqlite3

import pytest
from schemas import fill, snapshot, store_at

from srm.domain import contacts
from srm.errors import StoreError
from srm.store import backup
from srm.store.check import describe_db, describe_models, diff
from srm.store.db import Store
from srm.store.migrations import MIGRATIONS

HEAD = len(MIGRATIONS)


@pytest.mark.parametrize("version", range(1, HEAD))
def test_a_store_from_every_earlier_schema_migrates_keeping_every_record(tmp_path, version):
    path = tmp_path / "old.db"
    conn = store_at(path, version)
    fill(conn)
    before = snapshot(conn)
    conn.close()

    store = Store.open(path)
    assert store.schema_version() == HEAD
    assert diff(describe_db(store.conn), describe_models()) == []
    after = snapshot(store.conn)
    for table, rows in before.items():
        if table == "schema_migration":
            continue
        if table == "interaction_shared":  # derived: step "shared segments" replaces it
            kept = {(r["interaction_id"], r["occurred_on"]) for r in after["shared_segment"]}
            assert kept <= {(r["interaction_id"], r["occurred_on"]) for r in rows}
            continue
        assert table in after, f"table {table} was lost"
        columns = sorted(rows[0]) if rows else []
        kept = sorted((tuple(r[c] for c in columns) for r in after[table]), key=repr)
        assert kept == sorted((tuple(r[c] for c in columns) for r in rows), key=repr), table
    steps = store.conn.execute("SELECT version, name FROM schema_migration ORDER BY version")
    assert [tuple(r) for r in steps] == [(i, n) for i, (n, _) in enumerate(MIGRATIONS, start=1)]
    ann = contacts.resolve(store, "ann")
    assert (ann.name, ann.email, sorted(ann.segments)) == (
        "Ann Lee",
        "ann@example.org",
        ["club", "partners"],
    )


@pytest.mark.parametrize("version", range(1, HEAD))
def test_every_migration_is_preceded_by_a_backup_of_the_store_as_it_was(tmp_path, version):
    path = tmp_path / "srm.db"
    conn = store_at(path, version)
    fill(conn)
    before = snapshot(conn)
    conn.close()
    Store.open(path).close()
    (made,) = backup.listing(path)
    assert made.name.endswith(f"-before-schema-{version + 1}.db")
    copy = sqlite3.connect(made)
    assert copy.execute("PRAGMA user_version").fetchone()[0] == version
    assert snapshot(copy) == before
    Store.open(path).close()
    assert len(backup.listing(path)) == 1, "a store already at the head is not backed up again"


def test_a_new_store_is_not_backed_up(tmp_path):
    Store.open(tmp_path / "srm.db").close()
    assert not (tmp_path / "backups").exists()


def test_no_migration_runs_when_the_backup_cannot_be_made(tmp_path):
    path = tmp_path / "srm.db"
    store_at(path, 1).close()
    (tmp_path / "backups").write_text("a file where the backup folder should be")
    with pytest.raises(StoreError, match="nothing was changed"):
        Store.open(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1


def _damage(path, sql: str) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.executescript(sql)
    conn.close()


@pytest.mark.parametrize(
    "damage, says",
    [
        ("DELETE FROM schema_migration", "migration record lists 0 step(s)"),
        ("DROP TABLE schema_migration", "migration record is missing"),
        ("DELETE FROM schema_migration WHERE version = 1", f"lists {HEAD - 1} step(s)"),
        ("DROP TABLE goal_confirmation", "table(s) goal_confirmation are missing"),
        ("PRAGMA user_version = 1", f"schema version is 1 but its migration record lists {HEAD}"),
    ],
)
@pytest.mark.sqlite_only(
    "PRAGMA user_version beside the migration record (a server's record is its version: tests/test_postgres.py)"
)
def test_a_store_whose_version_record_and_tables_disagree_is_refused(srm, isolated, damage, says):
    srm.ok("add", "Ann Lee")
    _damage(isolated / "srm.db", damage)
    r = srm.fails("contacts", code=6, match=says)
    assert "srm doctor" in r.stderr
    r = srm("doctor")
    assert r.exit_code == 6
    assert says in r.stdout


@pytest.mark.sqlite_only("another program's SQLite file")
def test_another_programs_sqlite_database_is_not_taken_over(srm, isolated):
    conn = sqlite3.connect(isolated / "srm.db")
    conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, path TEXT)")
    conn.commit()
    conn.close()
    srm.fails("add", "Ann", code=6, match="isn't an srm database")
    tables = sqlite3.connect(isolated / "srm.db").execute("SELECT name FROM sqlite_master")
    assert [r[0] for r in tables] == ["photos"]
