"""The benchmark stores are the stores srm would have made: bulk loading changes nothing."""

from __future__ import annotations

import sqlite3
import sys
import uuid
from datetime import date
from pathlib import Path

import pytest

from srm.store.check import doctor

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import generate  # noqa: E402

pytestmark = pytest.mark.engine_independent("the benchmark's SQLite stores")

TODAY = date(2026, 11, 24)


def rows(conn: sqlite3.Connection, table: str) -> list[tuple]:
    columns = "version, name" if table == "schema_migration" else "*"  # not when it ran
    # A table WITHOUT ROWID (the report's kept figures) is in the order of its key.
    keyed = ("interaction_day", "contact_month", "shared_segment")
    order = "rowid" if table not in keyed else "1, 2, 3"
    return conn.execute(f'SELECT {columns} FROM "{table}" ORDER BY {order}').fetchall()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[sqlite3.Connection, sqlite3.Connection]:
    """The same seed built twice: in bulk, and row by row with every trigger and check live."""
    d = tmp_path_factory.mktemp("bench")
    generate.build(d / "bulk.db", 300, 6000, 7, TODAY)
    generate.build(d / "rows.db", 300, 6000, 7, TODAY, bulk=False)
    return sqlite3.connect(d / "bulk.db"), sqlite3.connect(d / "rows.db")


def test_bulk_store_equals_row_by_row(built):
    bulk, slow = built
    schema = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
    assert bulk.execute(schema).fetchall() == slow.execute(schema).fetchall()
    tables = [
        r[0]
        for r in slow.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND name NOT LIKE 'search_index%'"
        )
    ]
    assert "interaction" in tables and "undo_state" in tables
    for table in tables:
        assert rows(bulk, table) == rows(slow, table), table
    assert rows(bulk, "interaction")[:1], "the store has interactions"
    # The search index holds the same entries and answers the same queries.
    index = "SELECT rowid, title, body FROM search_index ORDER BY rowid"
    assert bulk.execute(index).fetchall() == slow.execute(index).fetchall()
    for words in ("renewal", "next steps", "Müller", "deck"):
        query = "SELECT rowid FROM search_index WHERE search_index MATCH ? ORDER BY rowid"
        found = bulk.execute(query, (f'"{words}"',)).fetchall()
        assert found == slow.execute(query, (f'"{words}"',)).fetchall(), words
        assert found, f"the generated store mentions {words!r}"


def test_bulk_store_is_sound(built):
    bulk, _ = built
    assert bulk.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert bulk.execute("PRAGMA foreign_key_check").fetchall() == []
    bulk.execute("INSERT INTO search_index (search_index) VALUES ('integrity-check')")
    path = Path(bulk.execute("PRAGMA database_list").fetchone()[2])
    assert doctor(path).problems == []  # what `srm doctor` checks


def test_interaction_uuids_are_random_v4_and_rise_with_ids(built):
    bulk, _ = built
    ids = [r[0] for r in bulk.execute("SELECT uuid FROM interaction ORDER BY id")]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    for text in ids:
        u = uuid.UUID(text)
        assert (u.version, u.variant, str(u)) == (4, uuid.RFC_4122, text)
    # Drawn, not counted: the low bits differ from one to the next.
    assert len({t[-6:] for t in ids}) > len(ids) * 0.99
