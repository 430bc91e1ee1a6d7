"""`srm backup`, `srm restore` and `srm doctor`: there is always a way back, and a way to know."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from srm.store import backup
from srm.store import check as doctor_checks
from srm.store.db import Store
from srm.store.migrations import MIGRATIONS


def names(srm) -> list[str]:
    return sorted(c["name"] for c in srm.json("contacts"))


@pytest.fixture
def store(srm, isolated: Path) -> Path:
    srm.ok("add", "Ann Lee", "--email", "ann@example.org")
    srm.ok("add", "Bob Stone")
    srm.ok("log", "ann,bob", "kick-off", "--follow-up", "send notes")
    return isolated / "srm.db"


def mode(p: Path) -> int:
    return stat.S_IMODE(os.stat(p).st_mode)


@pytest.mark.sqlite_only(
    "backups by VACUUM INTO beside the store's file (a server's: tests/test_postgres.py)"
)
def test_backup_writes_a_private_consistent_copy_beside_the_store(srm, store, isolated):
    r = srm.ok("backup")
    (made,) = (isolated / "backups").iterdir()
    assert str(made) in r.stderr
    assert made.name.startswith("srm-") and made.suffix == ".db"
    assert mode(made) == 0o600 and mode(made.parent) == 0o700
    copy = sqlite3.connect(made)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert copy.execute("SELECT count(*) FROM contact").fetchone()[0] == 2
    assert not Path(str(made) + "-wal").exists(), "one self-contained file"


@pytest.mark.sqlite_only("backups beside the store's file (a server's: tests/test_postgres.py)")
def test_backup_to_a_file_or_folder_never_overwrites(srm, store, isolated):
    srm.ok("backup", str(isolated / "copy.db"))
    assert sqlite3.connect(isolated / "copy.db").execute("SELECT count(*) FROM contact").fetchone()
    srm.fails("backup", str(isolated / "copy.db"), code=2, match="already exists")
    srm.fails("backup", str(store), code=2, match="already exists")
    (isolated / "usb").mkdir()
    srm.ok("backup", str(isolated / "usb"))
    assert len(list((isolated / "usb").glob("srm-*.db"))) == 1
    srm.fails("backup", str(isolated / "x.db"), "--keep", "2", code=2, match="give a folder")


@pytest.mark.sqlite_only("backups beside the store's file")
def test_backup_keep_rotates_only_plain_timestamped_backups(srm, store, isolated):
    folder = isolated / "backups"
    folder.mkdir()
    (folder / "srm-2020-01-01T000000Z-before-schema-2.db").write_bytes(b"")
    (folder / "notes.txt").write_text("mine")
    for _ in range(4):
        srm.ok("backup", "--keep", "2")
    plain = [p for p in backup.listing(store) if "before" not in p.name]
    assert len(plain) == 2
    assert (folder / "srm-2020-01-01T000000Z-before-schema-2.db").exists()
    assert (folder / "notes.txt").read_text() == "mine"


def test_a_backup_taken_while_others_write_is_consistent(srm, store, isolated, tmp_path):
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys\nfrom datetime import date\nfrom srm.config import Config\n"
            "from srm.domain import contacts, interactions\nfrom srm.store.db import Store\n"
            "s = Store.open(sys.argv[1]); ann = contacts.resolve(s, 'ann')\n"
            "for k in range(300):\n"
            "    interactions.log(s, Config(), [ann], f'w{k}', on=date(2026, 3, 1))\n",
            str(store),
        ]
    )
    made = []
    while writer.poll() is None and len(made) < 10:
        srm.ok("backup")
        made = backup.listing(store)
    writer.wait()
    for p in made:
        c = sqlite3.connect(p)
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        n = c.execute("SELECT count(*) FROM interaction").fetchone()[0]
        links = c.execute("SELECT count(*) FROM interaction_contact").fetchone()[0]
        assert links == n + 1  # every interaction whole: the first one has two people


@pytest.mark.sqlite_only("restore through SQLite's backup API (a server's: tests/test_postgres.py)")
def test_restore_replaces_the_store_and_keeps_it_as_a_backup(srm, store, isolated):
    srm.ok("backup", str(isolated / "monday.db"))
    srm.ok("add", "Carl Jung")
    srm.ok("edit", "bob", "--note", "changed after the backup")
    other = Store.open(store)  # another srm with the store open during the restore
    r = srm.ok("restore", str(isolated / "monday.db"), "--yes")
    assert names(srm) == ["Ann Lee", "Bob Stone"]
    assert [r[0] for r in other.conn.execute("SELECT name FROM contact ORDER BY name")] == [
        "Ann Lee",
        "Bob Stone",
    ]
    other.close()
    (safety,) = backup.listing(store)
    assert "before-restore" in safety.name and str(safety) in r.stderr
    kept = sqlite3.connect(safety).execute("SELECT name FROM contact ORDER BY name").fetchall()
    assert [k[0] for k in kept] == ["Ann Lee", "Bob Stone", "Carl Jung"]
    assert srm.json("show", "bob")["note"] == ""
    assert mode(store) == 0o600
    assert srm.json("doctor")["problems"] == []


def test_restore_asks_first(srm, store, isolated):
    srm.ok("backup", str(isolated / "b.db"))
    srm.ok("add", "Carl Jung")
    assert srm("restore", str(isolated / "b.db"), input="n\n").exit_code == 1
    assert "Carl Jung" in names(srm)


def corrupt(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for i in range(4096 * 2, len(data), 97):  # scribble over pages past the header
        data[i] = (data[i] + 1) % 256
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "spoil, says",
    [
        (lambda p: p.write_text("not a database"), "not an SQLite database"),
        (corrupt, "damaged"),
        (
            lambda p: sqlite3.connect(p).execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}"),
            "newer srm",
        ),
        (
            lambda p: sqlite3.connect(p, isolation_level=None).execute(
                "INSERT INTO interaction_contact VALUES (999, 999, '2026-01-01')"
            ),
            "points at a missing",
        ),
    ],
    ids=["not-sqlite", "corrupt", "newer", "foreign-keys"],
)
def test_restore_checks_the_file_and_changes_nothing_when_it_is_bad(
    srm, store, isolated, spoil, says
):
    srm.ok("backup", str(isolated / "b.db"))
    spoil(isolated / "b.db")
    before = names(srm)
    r = srm("restore", str(isolated / "b.db"), "--yes")
    assert r.exit_code in (2, 6) and says in r.stderr, r.stderr
    assert names(srm) == before
    assert backup.listing(store) == [], "nothing is backed up for a restore that didn't happen"


@pytest.mark.sqlite_only("the store's own file")
def test_restore_refuses_the_store_itself(srm, store):
    srm.fails("restore", str(store), "--yes", code=2, match="the store itself")


def test_an_older_backup_is_migrated_when_restored(srm, store, isolated):
    from schemas import fill, store_at

    conn = store_at(isolated / "old.db", 1)
    fill(conn)
    conn.close()
    srm.ok("restore", str(isolated / "old.db"), "--yes")
    assert srm.json("show", "ann")["email"] == "ann@example.org"
    assert srm.json("show", "bob")["archived"] is True
    assert srm.json("doctor")["schema_version"] == len(MIGRATIONS)


# --- doctor --------------------------------------------------------------------------------


@pytest.mark.sqlite_only(
    "the file's checks: permissions, write-ahead log, backups beside it (a server's: tests/test_postgres.py)"
)
def test_doctor_on_a_healthy_store(srm, store):
    srm.ok("backup")
    r = srm.ok("doctor")
    lines = r.stdout.strip().splitlines()
    assert lines[0].endswith(f"schema {len(MIGRATIONS)}, 2 contacts, 1 interactions")
    assert all(line.startswith("ok ") for line in lines[1:]), r.stdout
    checks = {f["check"] for f in srm.json("doctor")["findings"]}
    assert checks >= {
        "schema version",
        "integrity",
        "foreign keys",
        "schema",
        "permissions",
        "write-ahead log",
        "backups",
    }


@pytest.mark.sqlite_only("the store's file as its path")
def test_db_check_is_doctor_and_keeps_its_json(srm, store):
    result = srm.json("db", "check")
    assert result["problems"] == [] and result["contacts"] == 2 and result["interactions"] == 1
    assert result["path"] == str(store)


@pytest.mark.sqlite_only(
    "damage done to the file with sqlite3 (a server's: tests/test_postgres.py)"
)
def test_doctor_names_each_problem_with_what_to_do(srm, store, isolated):
    srm.ok("backup")
    os.chmod(store, 0o644)
    conn = sqlite3.connect(store, isolation_level=None)
    conn.execute("INSERT INTO interaction_contact VALUES (999, 999, '2026-01-01')")
    conn.execute("DROP INDEX ix_followup_status_due")
    conn.close()
    r = srm("doctor")
    assert r.exit_code == 6
    assert "4 problems found" in r.stderr
    out = r.stdout
    (latest,) = backup.listing(store)
    assert f"chmod 600 {store}" in out
    assert "1 interaction_contact row(s) point at a missing contact" in out
    assert f"srm restore {latest}" in out
    assert "followup: index ix_followup_status_due is missing" in out


@pytest.mark.sqlite_only("the file's bytes and modification time")
def test_doctor_reads_and_never_writes(srm, store, isolated):
    os.chmod(store, 0o644)  # a problem doctor reports, and leaves alone
    before = store.read_bytes()
    srm("doctor")
    assert store.read_bytes() == before and mode(store) == 0o644
    srm.ok("--db", str(isolated / "none.db"), "doctor")
    assert not (isolated / "none.db").exists()


@pytest.mark.sqlite_only("SQLite's write-ahead log")
def test_doctor_reports_a_write_ahead_log_that_keeps_growing(srm, store, monkeypatch):
    monkeypatch.setattr(doctor_checks, "WAL_LIMIT", 1)
    keep = Store.open(store)
    keep.conn.execute("PRAGMA wal_autocheckpoint = 0")
    with keep.write() as conn:
        conn.execute("UPDATE contact SET note = 'x'")
    r = srm("doctor")
    keep.close()
    assert r.exit_code == 6 and "write-ahead log" in r.stdout and "close other srm" in r.stdout


@pytest.mark.sqlite_only("a file that is not SQLite")
def test_doctor_on_a_file_that_is_not_a_database(srm, isolated):
    (isolated / "srm.db").write_text("hello")
    r = srm("doctor")
    assert r.exit_code == 6 and "not an SQLite database" in r.stdout


def test_a_store_in_a_folder_whose_name_is_not_utf8(srm, isolated, monkeypatch):
    # SQLite takes UTF-8 file names only; srm's own files there work, a backup says why not.
    folder = isolated / os.fsdecode(b"dir-\xff")
    monkeypatch.setenv("SRM_DB", str(folder / "srm.db"))
    srm.ok("add", "Ann Lee")
    srm.fails("backup", code=2, match="isn't valid UTF-8")
    assert not list((folder / "backups").iterdir())
    srm.fails("backup", os.fsdecode(b"x-\xff.db"), code=2, match="not valid UTF-8")
