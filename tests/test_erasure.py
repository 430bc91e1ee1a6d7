"""`srm rm`: the person leaves no trace in the store's files, and what the law asks besides."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from records import stored_bytes

from srm.domain import erasure
from srm.store import db as store_db
from srm.store.db import Store

# Everything stored about Ann that only she is about: none of it may stay in the files.
OWN = [
    "Ann Lee",
    "ann.lee@example.org",
    "+44 20 7946 0321",
    "Northwind Sailing",
    "Chief Navigator",
    "loves the Cornish coast in winter",
    "private: her divorce settlement",
    "long note about the Falmouth regatta",
    "send her the Zanzibar tide tables",
    "intro her to the Kestrel fund",
    "win the Fastnet race by 2027",
    "wedding of her daughter",
]
# Words of those as the search index stores them (lower case, one by one).
WORDS = ["zanzibar", "falmouth", "kestrel", "fastnet", "divorce"]
# Another person's records that name her: kept (they are Bob's), redacted on request.
MENTIONS = [
    "met Bob through Ann Lee",
    "ask ann.lee@example.org for the Bob deck",
]


@pytest.fixture
def people(srm, isolated: Path) -> str:
    srm.ok(
        "add",
        "Ann Lee",
        "--email",
        "ann.lee@example.org",
        "--phone",
        "+44 20 7946 0321",
        "--org",
        "Northwind Sailing",
        "--role",
        "Chief Navigator",
        "--note",
        "loves the Cornish coast in winter",
    )
    srm.ok("add", "Bob Stone", "--note", "met Bob through Ann Lee")
    srm.ok("add", "Annabel Leeds", "--note", "no relation to anyone")
    srm.ok(
        "log",
        "ann",
        "private: her divorce settlement",
        "--on",
        "2026-03-01",
        "--note",
        "long note about the Falmouth regatta",
        "--follow-up",
        "send her the Zanzibar tide tables",
    )
    srm.ok("log", "ann,bob", "lunch with Ann Lee and Bob", "--on", "2026-03-02")
    srm.ok("log", "bob", "ask ann.lee@example.org for the Bob deck", "--on", "2026-03-03")
    srm.ok("idea", "add", "ann", "intro her to the Kestrel fund")
    srm.ok("goal", "add", "ann", "win the Fastnet race by 2027")
    srm.ok("date", "add", "ann", "wedding of her daughter", "2026-07-04")
    srm.ok("stage", "ann", "trust")
    return os.environ["SRM_DB"]


def left(db: str, strings: list[str]) -> list[str]:
    data = stored_bytes(db)
    return [s for s in strings if s.encode() in data]


def test_nothing_about_the_person_stays_in_the_files_while_another_connection_is_open(
    srm, people: str
):
    assert left(people, OWN) == OWN  # they are there to begin with
    other = Store.open(people)  # another srm, say a `log --edit` waiting for its editor
    try:
        srm.ok("rm", "ann", "--yes", "--redact")
        assert left(people, OWN + MENTIONS) == []
        assert left(people, WORDS) == [], "the search index kept her words"
        assert left(people, ["Bob Stone", "Annabel Leeds", "[erased]"]) == [
            "Bob Stone",
            "Annabel Leeds",
            "[erased]",
        ]
    finally:
        other.close()


@pytest.mark.sqlite_only("a reader holding SQLite's write-ahead log")
def test_an_erasure_waits_for_another_process_reading_then_purges(srm, people: str):
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time\n"
            "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "c.execute('BEGIN'); c.execute('SELECT count(*) FROM contact').fetchone()\n"
            "print('reading', flush=True); time.sleep(1.5); c.execute('COMMIT')\n"
            "print('done', flush=True); time.sleep(30)\n",
            str(people),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout.readline().strip() == "reading"
        r = srm.ok("rm", "ann", "--yes", "--redact")
        assert "still reading" not in r.stderr
        assert left(people, OWN + MENTIONS) == []
    finally:
        reader.kill()
        reader.wait()


@pytest.mark.sqlite_only("a reader holding SQLite's write-ahead log")
def test_a_reader_that_stays_is_named_as_keeping_the_old_pages(srm, people, monkeypatch):
    monkeypatch.setattr(store_db, "CHECKPOINT_WAIT_S", 0.3)
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time\n"
            "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "c.execute('BEGIN'); c.execute('SELECT count(*) FROM contact').fetchone()\n"
            "print('reading', flush=True); time.sleep(30)\n",
            str(people),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout.readline().strip() == "reading"
        r = srm.ok("rm", "ann", "--yes")
        assert "Another srm is still reading the store" in r.stderr
    finally:
        reader.kill()
        reader.wait()
    # When the last connection closes, SQLite folds the log in and removes it.
    Store.open(people).close()
    assert left(people, OWN[2:]) == []  # her name and email are still in Bob's records


def test_erasure_is_not_undoable_and_the_undo_log_forgets_her(srm, people):
    assert len(srm.json("undo", "--list")) == 10
    srm.ok("rm", "ann", "--yes", "--redact")
    # Every command that touched her rows, or a record redacted (Bob's note, his interaction
    # naming her), held her data: they go. Annabel's is another person's.
    left_commands = [c["command"] for c in srm.json("undo", "--list")]
    assert left_commands == ["add 'Annabel Leeds' --note 'no relation to anyone'"]
    assert srm.json("search", "zanzibar") == []
    assert srm.json("search", "Stone")  # Bob is still found


def test_rm_lists_the_other_records_that_still_name_the_person(srm, people):
    r = srm.json("rm", "ann", "--yes")
    assert r["redacted"] is False and r["interactions"] == 1
    assert sorted(m["what"] for m in r["mentions"]) == [
        "note of bob",
        "summary of interaction 2 on 2026-03-02",
        "summary of interaction 3 on 2026-03-03",
    ]
    bob = srm.json("show", "bob")
    assert bob["note"] == "met Bob through Ann Lee"  # kept as written without --redact
    annabel = srm.json("show", "annabel")
    assert annabel["name"] == "Annabel Leeds"  # a different person, not a mention


def test_redact_replaces_the_mentions_in_other_records(srm, people):
    r = srm.json("rm", "ann", "--yes", "--redact")
    assert r["redacted"] is True and len(r["mentions"]) == 3
    bob = srm.json("show", "bob")
    assert bob["note"] == "met Bob through [erased]"
    summaries = sorted(i["summary"] for i in bob["interactions"])
    assert summaries == ["ask [erased] for the Bob deck", "lunch with [erased] and Bob"]
    assert srm.json("show", "annabel")["note"] == "no relation to anyone"


def test_the_erasure_is_recorded_with_its_date_and_never_the_name(srm, people):
    srm.ok("rm", "ann", "--yes", "--redact")
    assert srm.json("db", "erasures") == [
        {"erased_on": "2026-03-15", "interactions": 1, "mentions": 3, "redacted": True}
    ]
    store = Store.open(people)
    row = dict(store.conn.execute("SELECT * FROM erasure").fetchone())
    assert not [v for v in row.values() if isinstance(v, str) and "ann" in v.lower()]


def test_rm_names_the_backups_that_still_hold_the_person(srm, people, isolated):
    from srm.store import backup

    srm.ok("backup")
    srm.ok("add", "Carl Jung")
    srm.ok("backup")
    first, second = backup.listing(people)
    r = srm.json("rm", "ann", "--yes")
    assert r["backups"] == [str(first), str(second)]
    r = srm("rm", "carl", "--yes")  # added after the first backup: only the second has him
    assert "1 backup(s) still hold their data" in r.stderr
    assert str(second) in r.stderr and str(first) not in r.stderr
    srm.ok("add", "Dora Maar")
    assert "still hold their data" not in srm("rm", "dora", "--yes").stderr


def test_rm_asks_first_and_offers_to_redact_the_mentions(srm, people):
    r = srm("rm", "ann", input="y\ny\n")
    assert r.exit_code == 0, r.output
    assert "note of bob" in r.stderr and "summary of interaction 2" in r.stderr
    assert "1 interaction only with them" in r.stderr and "1 follow-up," in r.stderr
    assert srm.json("show", "bob")["note"] == "met Bob through [erased]"


def test_answering_no_erases_nothing(srm, people):
    r = srm("rm", "ann", input="n\n")
    assert r.exit_code == 1
    assert srm.json("show", "ann")["name"] == "Ann Lee"


def test_a_restored_backup_erases_again_who_was_erased_since(srm, people, isolated):
    from srm.store import backup as bk

    srm.ok("backup")
    (backup,) = bk.listing(people)
    srm.ok("rm", "ann", "--yes", "--redact")
    r = srm.ok("restore", str(backup), "--yes")
    assert "Erased 1 person(s) again" in r.stderr
    assert sorted(c["name"] for c in srm.json("contacts")) == ["Annabel Leeds", "Bob Stone"]
    assert srm.json("show", "bob")["note"] == "met Bob through [erased]"
    assert len(srm.json("db", "erasures")) == 1
    assert left(people, OWN) == []


def test_purges_run_inside_the_erasure_transaction(srm, people, monkeypatch):
    seen = []

    def purge(conn, doomed):
        seen.append(doomed)
        assert conn.in_transaction
        raise RuntimeError("the undo log can't be purged")

    monkeypatch.setattr(erasure, "PURGES", [purge])
    assert srm("rm", "ann", "--yes").exit_code == 1
    (doomed,) = seen
    assert doomed.terms[0] == "ann.lee@example.org" and "Ann Lee" in doomed.terms
    assert len(doomed.interaction_ids) == 1
    assert srm.json("show", "ann")["name"] == "Ann Lee", "a failed purge erases nothing"


def _heap_text(db: str) -> str:
    """Every tuple the server's table files hold, live or dead (not yet vacuumed), as text:
    read page by page with pageinspect (a superuser's extension; the test server's role is)."""
    from records import connect

    conn = connect(db)
    try:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT c.relname FROM pg_class c WHERE c.relkind = 'r'"
                " AND c.relnamespace = current_schema()::regnamespace"
            )
        ]
        out = []
        for table in tables:
            (text,) = conn.execute(
                "SELECT coalesce(string_agg(encode(p.t_data, 'escape'), ' '), '')"
                " FROM generate_series(0, pg_relation_size(quote_ident(?)::regclass)"
                "   / current_setting('block_size')::int - 1) AS b,"
                " heap_page_items(get_raw_page(quote_ident(?), b::int)) AS p",
                (table, table),
            ).fetchone()
            out.append(text)
        return "\n".join(out)
    finally:
        conn.close()


@pytest.mark.postgresql
def test_on_a_server_rm_vacuums_the_tables_it_touched(srm, people: str):
    """Deleted rows stay in a table's pages as dead tuples until VACUUM: `srm rm` runs it on
    every table it touched, so none of her rows, old versions included, is left there."""
    assert [s for s in OWN if s in _heap_text(people)] == OWN
    r = srm.ok("rm", "ann", "--yes", "--redact")
    assert "VACUUM was refused" not in r.output
    assert "Beyond srm's reach:" in r.output and "WAL archive" in r.output
    heap = _heap_text(people)
    assert [s for s in OWN + MENTIONS if s in heap] == []
    assert "Bob Stone" in heap


@pytest.mark.postgresql
def test_without_the_vacuum_her_dead_rows_would_stay_in_the_pages(srm, people, monkeypatch):
    """The probe above sees dead tuples: with the VACUUM left out they are still there."""
    monkeypatch.setattr(Store, "reclaim", lambda self, tables: True)
    srm.ok("rm", "ann", "--yes", "--redact")
    heap = _heap_text(people)
    assert "Chief Navigator" in heap and "private: her divorce settlement" in heap
