"""`srm demo` builds a full sample workspace in its own file and shows it."""

import sqlite3

import pytest


def test_demo_builds_its_own_workspace_and_shows_due(srm, isolated):
    target = isolated / "demo" / "demo.db"
    r = srm.ok("demo", "--path", str(target))
    assert "srm due" in r.stderr and "Overdue" in r.stdout and "Maria García" in r.stdout
    assert "srm report" in r.stderr and "Coverage" in r.stdout and "Stages" in r.stdout
    assert not (isolated / "srm.db").exists(), "the user's database is never touched"
    conn = sqlite3.connect(target)
    count = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
    assert 25 <= count("SELECT count(*) FROM contact") <= 35
    assert count("SELECT count(DISTINCT c.segment_id) FROM contact_segment c") == 6
    assert count("SELECT min(occurred_on) FROM interaction") <= "2025-04-01"  # a year of history
    assert count("SELECT count(*) FROM interaction WHERE sentiment = 'negative'") >= 1
    assert count("SELECT count(*) FROM idea WHERE status = 'open'") >= 3
    assert count("SELECT count(*) FROM goal") >= 3
    assert count("SELECT count(*) FROM stage_change") >= 30
    assert count("SELECT count(*) FROM important_date WHERE label = 'birthday'") >= 3
    assert not list((isolated / "demo").glob(".demo-*")), "no temp files left behind"


def test_demo_runs_twice_and_replaces_the_old_workspace(srm, isolated):
    target = isolated / "demo.db"
    srm.ok("demo", "--path", str(target))
    srm.ok("demo", "--path", str(target))
    conn = sqlite3.connect(target)
    assert conn.execute("SELECT count(*) FROM contact WHERE handle = 'maria'").fetchone()[0] == 1


@pytest.mark.sqlite_only("the demo's file and the store's")
def test_demo_refuses_to_overwrite_the_users_database(srm, isolated):
    srm.ok("add", "Ann Lee")
    srm.fails("demo", "--path", str(isolated / "srm.db"), code=2)
    assert [c["handle"] for c in srm.json("contacts")] == ["ann"]


def test_demo_refuses_to_overwrite_another_srm_database_unless_forced(srm, isolated):
    other = isolated / "team.db"
    srm.ok("--db", str(other), "add", "Ann Lee")
    before = other.read_bytes()
    srm.fails("demo", "--path", str(other), code=2, match="srm demo didn't make")
    assert other.read_bytes() == before
    (isolated / "notes.txt").write_text("mine")
    srm.fails("demo", "--path", str(isolated / "notes.txt"), code=2, match="--force")
    assert (isolated / "notes.txt").read_text() == "mine"
    srm.ok("demo", "--path", str(other), "--force")
    conn = sqlite3.connect(other)
    assert conn.execute("SELECT count(*) FROM contact WHERE handle = 'maria'").fetchone()[0] == 1


@pytest.mark.sqlite_only("the demo's file and the store's")
def test_demo_never_writes_the_users_database_even_through_links_or_with_force(srm, isolated):
    srm.ok("add", "Ann Lee")
    (isolated / "link.db").symlink_to(isolated / "srm.db")
    for target in ("link.db", "srm.db"):
        srm.fails("demo", "--path", str(isolated / target), "--force", code=2)
    assert [c["handle"] for c in srm.json("contacts")] == ["ann"]


def test_demo_into_a_folder_or_an_unwritable_place_is_one_line(srm, isolated):
    (isolated / "folder").mkdir()
    srm.fails("demo", "--path", str(isolated / "folder"), "--force", code=2, match="a folder")
    (isolated / "file").write_text("")
    srm.fails("demo", "--path", str(isolated / "file" / "demo.db"), code=2, match="can't write")
