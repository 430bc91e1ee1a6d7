"""Team mode's engine: the PostgreSQL adapter, and what only a server shows (its schema, its
write lock, a copy between engines). Tests marked `postgresql` need SRM_TEST_PG (.ci/run)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from srm import cadence as cad
from srm.store.postgres import display, translate

postgresql = pytest.mark.postgresql


# --- the adapter's translation (no server needed) -----------------------------------------


def test_placeholders_become_psycopg2s_outside_literals_names_and_comments():
    sql, table = translate(
        "SELECT ':x ?', \"a?b\", c::text, 5 % 2 FROM t -- what ? :y\n"
        "WHERE a = ? AND b = :name AND c LIKE '50%'"
    )
    assert sql == (
        "SELECT ':x ?', \"a?b\", c::text, 5 %% 2 FROM t -- what ? :y\n"
        "WHERE a = %s AND b = %(name)s AND c LIKE '50%%'"
    )
    assert table is None


def test_sqlites_null_safe_is_becomes_is_distinct_from():
    sql, _ = translate("SELECT 1 WHERE a IS ? AND b IS NOT :b AND c IS NULL AND d IS NOT NULL")
    assert sql == (
        "SELECT 1 WHERE a IS NOT DISTINCT FROM %s AND b IS DISTINCT FROM %(b)s"
        " AND c IS NULL AND d IS NOT NULL"
    )


def test_an_insert_names_its_table_for_returning_its_id():
    assert translate("INSERT INTO contact (name) VALUES (?)")[1] == "contact"
    assert translate("INSERT INTO x (a) VALUES (?) RETURNING a")[1] is None


def test_urls_are_shown_without_their_password():
    assert display("postgresql://ana:s3cret@db.example.org:5433/crm") == (
        "postgresql://ana:***@db.example.org:5433/crm"
    )
    assert display("postgresql:///crm?host=/run/pg") == "postgresql:///crm?host=/run/pg"


def test_a_url_in_the_config_is_the_store_and_its_password_is_never_shown(
    srm, config_file, monkeypatch
):
    monkeypatch.delenv("SRM_DB")
    config_file('database = "postgresql://ana:s3cret@db.example.org/crm"\n')
    assert srm.ok("db", "path").stdout.strip() == "postgresql://ana:***@db.example.org/crm"


def test_a_server_that_cannot_be_reached_is_one_line_exit_6(srm, monkeypatch, tmp_path):
    monkeypatch.setenv("SRM_DB", f"postgresql://nobody@/srm?host={tmp_path}/no-such-socket")
    r = srm.fails("contacts", code=6, match="can't connect to postgresql://nobody@/srm")
    assert len(r.stderr.strip().splitlines()) == 1


# --- on a server ------------------------------------------------------------------------------


@postgresql
def test_a_new_server_store_matches_the_models_and_doctor_finds_nothing(srm):
    from srm.store.check import canonical, describe_models, describe_pg, diff
    from srm.store.db import Store

    srm.ok("add", "Ann Lee")
    store = Store.open(os.environ["SRM_DB"])
    try:
        assert diff(describe_pg(store.conn), canonical(describe_models())) == []
    finally:
        store.close()
    report = srm.json("doctor")
    assert report["problems"] == []
    assert {f["check"] for f in report["findings"]} >= {"schema", "undo log", "privileges"}


@postgresql
def test_the_tables_whose_ids_the_server_numbers_are_those_pg_attribute_names(srm):
    """An INSERT into these returns its id (lastrowid). They are told apart by their identity
    sequence's name, in the catalog read each open makes anyway: the same set as
    pg_attribute's identity columns, which would cost a session a read of its own."""
    from srm.store.db import Store

    srm.ok("add", "Ann Lee")
    store = Store.open(os.environ["SRM_DB"])
    try:
        truth = {
            r[0]
            for r in store.conn.execute(
                "SELECT c.relname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
                " WHERE a.attname = 'id' AND a.attidentity <> ''"
                " AND c.relnamespace = current_schema()::regnamespace"
            )
        }
        assert {"contact", "interaction", "undo_command"} <= truth
        assert store.conn.identity_tables() == truth
        with store.write() as conn:
            sid = conn.execute(
                "INSERT INTO segment (uuid, name, cadence, weight, description, created_at)"
                " VALUES ('u-press', 'press', NULL, 1, '', '2026-01-05')"
            ).lastrowid
        assert (
            sid == store.conn.execute("SELECT id FROM segment WHERE name = 'press'").fetchone()[0]
        )
    finally:
        store.close()


@postgresql
def test_credentials_and_host_come_from_libpq_variables(srm, monkeypatch):
    """`postgresql:///name`: host, user and password from PG* variables (or ~/.pgpass)."""
    from urllib.parse import parse_qs, urlsplit

    parts = urlsplit(os.environ["SRM_DB"])
    query = parse_qs(parts.query)
    monkeypatch.setenv("PGHOST", query["host"][0] if "host" in query else parts.hostname)
    port = query["port"][0] if "port" in query else parts.port
    if port:  # a test server on another port than 5432
        monkeypatch.setenv("PGPORT", str(port))
    monkeypatch.setenv("PGUSER", parts.username or "postgres")
    monkeypatch.setenv("SRM_DB", f"postgresql://{parts.path}")
    srm.ok("add", "Ann Lee")
    assert [c["name"] for c in srm.json("contacts")] == ["Ann Lee"]


@postgresql
def test_a_writer_waiting_too_long_for_the_lock_is_busy_exit_6(srm, monkeypatch):
    from srm.store import postgres
    from srm.store.db import Store

    srm.ok("add", "Ann Lee")
    holder = Store.open(os.environ["SRM_DB"])
    monkeypatch.setattr(postgres, "LOCK_TIMEOUT_MS", 300)
    with holder.write() as conn:
        # The lock is taken with the transaction's first statement (sent with it).
        conn.execute("UPDATE contact SET note = 'held' WHERE handle = 'ann'")
        srm.fails("add", "Bo Chen", code=6, match="busy")
    holder.close()
    srm.ok("add", "Bo Chen")


@postgresql
def test_a_statement_sent_with_the_next_fails_the_write_and_leaves_nothing(srm):
    """What waits (`dialect.defer`) is sent with the next statement: its error is raised there,
    the write rolls back whole, and the connection is ready for the next write; a ROLLBACK
    drops what waits unsent."""
    import sqlite3

    from srm.store.db import Store

    srm.ok("add", "Ann Lee")
    store = Store.open(os.environ["SRM_DB"])
    dialect = store.dialect
    with pytest.raises(sqlite3.IntegrityError), store.write() as conn:
        conn.execute("UPDATE contact SET note = 'first' WHERE handle = 'ann'")
        dialect.defer(conn, "INSERT INTO contact (id, uuid, handle, name) SELECT id, uuid,"
                      " handle, name FROM contact WHERE handle = 'ann'")  # fmt: skip
        conn.execute("SELECT 1").fetchone()
    with pytest.raises(sqlite3.IntegrityError), store.write() as conn:
        # Failing with the COMMIT it went with: the transaction ends all the same.
        conn.execute("UPDATE contact SET note = 'second' WHERE handle = 'ann'")
        dialect.defer(conn, "UPDATE contact SET handle = NULL WHERE handle = 'ann'")
    with pytest.raises(RuntimeError), store.write() as conn:
        dialect.defer(conn, "UPDATE contact SET note = 'third' WHERE handle = 'ann'")
        raise RuntimeError("the caller changes its mind")
    assert not store.conn.in_transaction and not store.conn.pending
    with store.write() as conn:
        dialect.defer(conn, "UPDATE contact SET note = 'kept' WHERE handle = 'ann'")
    store.close()
    assert [c["note"] for c in srm.json("contacts")] == ["kept"]


@postgresql
def test_srm_due_and_log_on_a_server_make_few_round_trips(srm, monkeypatch):
    """Each round trip to a server costs what SQLite, in the process, doesn't: `srm due` reads
    each ranked source in one statement (bench/README.md, team mode)."""
    from srm.store import postgres

    srm.ok("add", "Ann Lee", "--cadence", "weekly")
    srm.ok("add", "Bo Chen")
    srm.ok("log", "ann", "--on", "2026-01-05", "met", "--follow-up", "send the deck")
    srm.ok("log", "bo", "--on", "2026-01-06", "call", "--sentiment", "negative")
    srm.ok("goal", "add", "bo", "grow the chapter")
    srm.ok("date", "add", "ann", "birthday", "03-20")
    sent = []
    real = postgres.Cursor.execute

    def counted(self, sql, params=None):
        sent.append(sql)
        return real(self, sql, params)

    monkeypatch.setattr(postgres.Cursor, "execute", counted)
    assert {i["type"] for i in srm.json("due")["items"]} >= {"checkin", "followup", "repair"}
    sent.clear()
    assert "Ann Lee" in srm.ok("due").output  # the first 20 (`--json`: all of them)
    assert len(sent) <= 7, sent  # the state's check, 4 rankings, the dates, the ideas
    sent.clear()
    srm.ok("log", "ann", "--on", "2026-03-01", "lunch")
    assert len(sent) <= 16, sent


RACE = """
import sys
from srm.cli.app import app
sys.exit(app(["--db", sys.argv[1], "import", sys.argv[2]], standalone_mode=False, prog_name="srm"))
"""


@postgresql
def test_two_imports_of_the_same_person_at_once_make_one_contact(srm, tmp_path):
    """Under READ COMMITTED alone both would see no duplicate and both insert; the write lock
    makes the second import see the first one's contact."""
    db = os.environ["SRM_DB"]
    srm.ok("contacts")  # the store exists before the race
    card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\nEMAIL:ann@example.org\r\nEND:VCARD\r\n"
    files = []
    for k in range(4):
        f = tmp_path / f"{k}.vcf"
        f.write_text(card)
        files.append(f)
    env = {**os.environ, "SRM_TODAY": "2026-03-15"}
    procs = [
        subprocess.Popen([sys.executable, "-c", RACE, db, str(f)], env=env, stderr=subprocess.PIPE)
        for f in files
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    people = srm.json("contacts")
    assert [(c["name"], c["email"]) for c in people] == [("Ann Lee", "ann@example.org")]


@postgresql
@settings(max_examples=200, deadline=None)
@given(
    day=st.dates(min_value=date(1900, 1, 1), max_value=date(9999, 12, 31)),
    cadence=st.sampled_from(
        [*cad.NAMED, "1d", "45d", "6w", "2m", "13m", "1y", "5y", "9999d", "1200m", "100y"]
    ),
)
def test_the_servers_cadence_arithmetic_is_pythons(server_conn, day, cadence):
    """srm_cadence_after (SQL, for the report's walks) agrees with srm.cadence."""
    got = server_conn.execute("SELECT srm_cadence_after(?, ?)", (day.isoformat(), cadence))
    expected = cad.parse(cadence).after(day)
    assert got.fetchone()[0] == expected.isoformat()


@pytest.fixture(scope="module")
def server_conn(pg_server):
    from conftest import database_url

    from srm.store.db import Store

    name = pg_server.create()
    store = Store.open(database_url(name))
    yield store.conn
    store.close()
    pg_server.drop(name)


# --- moving between engines -------------------------------------------------------------------


def _fill(srm, db: str) -> None:
    """A store using every table: segments, tags, ideas, goals, dates, stages, an erasure."""
    run = lambda *a: srm.ok("--db", db, *a)  # noqa: E731
    run("segment", "add", "club", "--cadence", "monthly", "--weight", "2")
    run("add", "Ann Lee", "--email", "ann@example.org", "--segment", "club", "--tag", "vip",
        "--org", "Kumo", "--note", "likes tea")  # fmt: skip
    run("add", "Bo Chen", "--segment", "partners", "--cadence", "weekly")
    run("add", "Cy Doe", "--email", "cy@example.org")
    run("log", "ann,bo", "Café planning", "--note", "the old mill", "--on", "2026-03-01")
    run(
        "log", "ann", "asked for an intro", "--ask", "--on", "2026-03-05", "--sentiment", "negative"
    )
    run("followup", "add", "ann", "send venue prices")
    run("idea", "add", "bo", "introduce to Ann")
    run("goal", "add", "ann", "grow the chapter")
    run("date", "add", "ann", "birthday", "1990-05-04")
    run("stage", "ann", "trust")
    run("rm", "cy", "--yes")
    run("archive", "bo")


def _export(srm, db: str) -> dict:
    doc = json.loads(srm.ok("--db", db, "export", "--format", "json").stdout)
    doc.pop("exported_at")
    return doc


@postgresql
def test_copy_sqlite_to_server_to_sqlite_gives_the_same_export(srm, tmp_path):
    server = os.environ["SRM_DB"]
    first, back = str(tmp_path / "first.db"), str(tmp_path / "back.db")
    _fill(srm, first)
    out = srm.ok("--db", first, "db", "copy", "--to", server)
    assert "every table's count matches" in out.stderr
    assert _export(srm, server) == _export(srm, first)
    srm.ok("--db", server, "db", "copy", "--to", back)
    assert _export(srm, back) == _export(srm, first)
    # The copy is a working store: ids continue, undo and search work on the server.
    srm.ok("--db", server, "add", "Di Evans")
    assert srm.json("--db", server, "show", "di")["id"] > max(
        c["id"] for c in srm.json("--db", first, "contacts", "--archived")
    )
    assert [h["kind"] for h in srm.json("--db", server, "search", "mill")] == ["interaction"]
    srm.ok("--db", server, "undo", "--yes")
    assert "Di Evans" not in srm.ok("--db", server, "contacts").stdout


@postgresql
def test_copy_refuses_a_target_with_records_unless_forced(srm, tmp_path):
    server = os.environ["SRM_DB"]
    mine = str(tmp_path / "mine.db")
    srm.ok("--db", mine, "add", "Ann Lee")
    srm.ok("--db", server, "add", "Bo Chen")
    srm.fails("--db", mine, "db", "copy", "--to", server, code=2, match="--force")
    assert [c["name"] for c in srm.json("--db", server, "contacts")] == ["Bo Chen"]
    srm.ok("--db", mine, "db", "copy", "--to", server, "--force")
    assert [c["name"] for c in srm.json("--db", server, "contacts")] == ["Ann Lee"]
    srm.fails("--db", server, "db", "copy", "--to", server, code=2, match="being copied")


def test_copy_between_two_files_works_without_a_server(srm, tmp_path):
    a, b = str(tmp_path / "a.db"), str(tmp_path / "b.db")
    _fill(srm, a)
    srm.ok("--db", a, "db", "copy", "--to", b)
    assert _export(srm, b) == _export(srm, a)
    srm.fails("--db", a, "db", "copy", "--to", a, code=2, match="being copied")


def test_sqlite_never_imports_the_postgresql_driver(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SRM_", "PG"))}
    env.update(SRM_DB=str(tmp_path / "s.db"), SRM_CONFIG=str(tmp_path / "c.toml"))
    (tmp_path / "c.toml").write_text("")
    for args in (("add", "Ann Lee"), ("due",), ("contacts",)):
        p = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "srm", *args],
            capture_output=True,
            text=True,
            env=env,
        )
        assert p.returncode == 0, p.stderr[-2000:]
        loaded = {
            line.rsplit("|", 1)[1].strip().split(".")[0]
            for line in p.stderr.splitlines()
            if line.startswith("import time:")
        }
        assert "psycopg2" not in loaded and "srm" in loaded, args


def test_the_driver_loads_without_pythons_ssl_module_and_leaves_it_importable():
    """psycopg2 would import `ssl` (8 ms) only to set up OpenSSL's locking; srm skips that,
    and `ssl` still imports afterwards for whoever needs it."""
    code = (
        "import sys, srm.store.postgres; assert 'ssl' not in sys.modules, 'ssl loaded';"
        " import ssl; assert ssl.OPENSSL_VERSION"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr[-2000:]


def test_every_migration_step_has_its_postgresql_form():
    from srm.store.migrations import MIGRATIONS
    from srm.store.migrations_pg import STEPS

    assert [name for name, _ in MIGRATIONS] == list(STEPS)


@postgresql
def test_doctor_on_a_server_names_each_problem_with_what_to_do(srm):
    from records import connect

    srm.ok("add", "Ann Lee")
    srm.ok("log", "ann", "hello")
    conn = connect()
    conn.execute("GRANT SELECT ON contact TO PUBLIC")
    conn.execute("DROP INDEX ix_followup_status_due")
    conn.execute("SET session_replication_role = replica")  # no foreign key triggers: an orphan
    conn.execute("INSERT INTO interaction_contact VALUES (999, 999, '2026-01-01')")
    conn.close()
    r = srm("doctor")
    assert r.exit_code == 6 and "4 problems found" in r.stderr  # the orphan misses 2 parents
    out = r.stdout
    assert "every role on the server can read contact" in out and "REVOKE ALL" in out
    assert "index ix_followup_status_due is missing" in out
    assert "1 interaction_contact row(s) point at a missing" in out


@postgresql
@pytest.mark.parametrize(
    "damage, message",
    [
        ("DELETE FROM schema_migration WHERE version = 1", "migration record lists"),
        ("DROP TABLE goal_confirmation", "table(s) goal_confirmation are missing"),
    ],
)
def test_a_server_store_whose_record_and_tables_disagree_is_refused(srm, damage, message):
    from records import connect

    srm.ok("add", "Ann Lee")
    conn = connect()
    conn.execute(damage)
    conn.close()
    srm.fails("contacts", code=6, match=message)


@postgresql
def test_a_servers_backup_is_an_sqlite_snapshot_that_restores(srm, isolated):
    from srm.store import backup, files

    srm.ok("add", "Ann Lee")
    srm.ok("backup", str(isolated))
    (made,) = isolated.glob("*.db")
    assert files.is_sqlite(made) and (made.stat().st_mode & 0o777) == 0o600
    assert [c["name"] for c in srm.json("--db", str(made), "contacts")] == ["Ann Lee"]
    srm.ok("add", "Bo Chen")
    r = srm.ok("restore", str(made), "--yes")
    assert "The store as it was is in" in r.stderr
    assert [c["name"] for c in srm.json("contacts")] == ["Ann Lee"]
    (safety,) = backup.listing(os.environ["SRM_DB"])
    assert safety.name.endswith("-before-restore.db")
    assert sorted(c["name"] for c in srm.json("--db", str(safety), "contacts")) == [
        "Ann Lee",
        "Bo Chen",
    ]
