"""The store: migrations match the models, safe pragmas, private file, concurrent writers."""

import os
import stat
import subprocess
import sys
from pathlib import Path

from records import connect

from srm.paths import is_url
from srm.store.check import describe_db, describe_models, diff
from srm.store.db import Store
from srm.store.migrations import MIGRATIONS


def test_migrating_an_empty_database_gives_exactly_the_models(tmp_path):
    store = Store.open(tmp_path / "new.db")
    assert diff(describe_db(store.conn), describe_models()) == []
    assert store.schema_version() == len(MIGRATIONS)
    rows = store.conn.execute("SELECT version, name FROM schema_migration").fetchall()
    assert [tuple(r) for r in rows] == [(i + 1, n) for i, (n, _) in enumerate(MIGRATIONS)]


def test_db_check_reports_a_healthy_store(srm):
    srm.ok("add", "Ann Lee")
    result = srm.json("db", "check")
    assert result["problems"] == []
    assert result["contacts"] == 1


def test_database_file_is_private_and_connections_are_safe(tmp_path):
    path = tmp_path / "sub" / "srm.db"
    store = Store.open(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    pragma = lambda p: store.conn.execute(f"PRAGMA {p}").fetchone()[0]  # noqa: E731
    assert pragma("journal_mode") == "wal"
    assert pragma("foreign_keys") == 1
    assert pragma("busy_timeout") >= 5000
    assert pragma("synchronous") == 2  # FULL


def test_default_segments_have_fixed_uuids_across_stores(tmp_path):
    a = Store.open(tmp_path / "a.db").conn.execute("SELECT name, uuid FROM segment").fetchall()
    b = Store.open(tmp_path / "b.db").conn.execute("SELECT name, uuid FROM segment").fetchall()
    assert sorted(map(tuple, a)) == sorted(map(tuple, b))
    names = {r[0] for r in a}
    assert names == {"customers", "members", "employees", "partners", "suppliers", "influencers"}


def test_database_from_a_newer_srm_is_refused(srm, isolated):
    srm.ok("add", "Ann Lee")
    conn = connect()
    if is_url(os.environ["SRM_DB"]):  # a server's version is its migration record's
        conn.execute(
            "INSERT INTO schema_migration VALUES (?, 'a newer step', '')", (len(MIGRATIONS) + 1,)
        )
    else:
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    conn.close()
    srm.fails("contacts", code=6, match="written by a newer srm")


def test_a_database_that_is_not_srms_is_a_clear_error(srm, isolated):
    if is_url(os.environ["SRM_DB"]):
        conn = connect()
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
        conn.close()
        srm.fails("contacts", code=6, match="isn't an srm database")
    else:
        (isolated / "srm.db").write_bytes(b"this is not sqlite" * 100)
        srm.fails("contacts", code=6, match="database")


def test_failed_write_leaves_nothing_behind(srm):
    srm.ok("add", "Ann Lee")
    srm.fails("log", "ann", "hello", "--follow-up-on", "2026-03-20", code=2)
    srm.fails("log", "ann,nobody", "hello", code=3)
    assert srm.json("show", "ann")["interactions_total"] == 0


def test_python_dash_m_srm_runs(tmp_path):
    env = {**os.environ, "SRM_DB": str(tmp_path / "x.db")}
    out = subprocess.run(
        [sys.executable, "-m", "srm", "--version"], capture_output=True, text=True, env=env
    )
    assert out.returncode == 0 and out.stdout.startswith("srm ")


def test_models_are_the_only_schema_source():
    # The runtime never imports the ORM: migrations carry frozen DDL checked by the test above.
    src = Path(__file__).resolve().parents[1] / "srm"
    for py in src.rglob("*.py"):
        if py.name in ("models.py", "check.py"):
            continue
        text = py.read_text()
        assert "import sqlmodel" not in text and "from sqlmodel" not in text, py
