"""Files srm writes: never over the store or another database, always 0600 whatever the umask."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from srm.store.db import Store

OUTPUTS = [
    ("report", "--format", "html", "--output"),
    ("report", "--format", "json", "--output"),
    ("export", "--format", "json", "--output"),
    ("export", "--format", "csv", "--output"),
    ("export", "--format", "vcard", "--output"),
    ("export", "--format", "ics", "--output"),
]


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def umask():
    """Run a test under a given umask, then put the old one back."""
    old = os.umask(0o022)
    os.umask(old)

    def set_to(value: int) -> None:
        os.umask(value)

    yield set_to
    os.umask(old)


@pytest.fixture
def store(srm, isolated: Path) -> Path:
    srm.ok("add", "Ann Lee", "--email", "ann@example.org")
    srm.ok("log", "ann", "coffee")
    return isolated / "srm.db"


def contacts_in(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT count(*) FROM contact").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.sqlite_only("the store's file and its -wal/-shm")
@pytest.mark.parametrize("command", OUTPUTS, ids=lambda c: f"{c[0]}-{c[2]}")
def test_output_never_replaces_the_open_database(srm, store: Path, command):
    before = store.read_bytes()
    srm.fails(*command, str(store), code=2, match="srm's database")
    srm.fails(*command, str(store) + "-wal", code=2, match="srm's database")
    srm.fails(*command, str(store) + "-shm", code=2, match="srm's database")
    assert store.read_bytes() == before
    assert contacts_in(store) == 1


@pytest.mark.sqlite_only("links to the store's file")
def test_output_through_a_symlink_or_hard_link_to_the_database_is_refused(
    srm, store: Path, isolated: Path
):
    (isolated / "link.html").symlink_to(store)
    os.link(store, isolated / "hard.html")
    (isolated / "wal-link").symlink_to(Path(str(store) + "-wal"))
    for name in ("link.html", "hard.html", "wal-link"):
        srm.fails("report", "-f", "html", "-o", str(isolated / name), code=2, match="database")
        srm.fails("export", "-o", str(isolated / name), code=2, match="database")
    assert (isolated / "link.html").is_symlink()
    assert contacts_in(store) == 1


def test_output_to_the_wal_of_a_store_whose_wal_does_not_exist_yet(srm, isolated: Path):
    db = isolated / "fresh.db"
    Store.open(db).close()  # the last close removes -wal and -shm
    assert not Path(str(db) + "-wal").exists()
    srm.fails("--db", str(db), "export", "-o", str(db) + "-wal", code=2, match="database")
    srm.fails("--db", str(db), "export", "-o", str(db) + "-shm", code=2, match="database")
    (isolated / "dangling").symlink_to(Path(str(db) + "-wal"))
    srm.fails("--db", str(db), "export", "-o", str(isolated / "dangling"), code=2)


def test_output_never_overwrites_any_sqlite_database(srm, store: Path, isolated: Path):
    other = isolated / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE precious (x)")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    srm.fails("report", "-f", "markdown", "-o", str(other), code=2, match="SQLite database")
    srm.fails("export", "-f", "json", "-o", str(other), code=2, match="SQLite database")
    assert other.read_bytes() == before


def test_output_through_a_symlink_replaces_the_file_it_points_at(srm, store: Path, isolated):
    real = isolated / "shared" / "report.md"
    real.parent.mkdir()
    real.write_text("old")
    (isolated / "report.md").symlink_to(real)
    srm.ok("report", "-f", "markdown", "-o", str(isolated / "report.md"))
    assert (isolated / "report.md").is_symlink()
    assert real.read_text().startswith("#")


@pytest.mark.parametrize("mask", [0o022, 0o000])
def test_every_file_srm_writes_is_private_whatever_the_umask(srm, isolated: Path, umask, mask):
    umask(mask)
    db = isolated / "store" / "srm.db"
    srm.ok("--db", str(db), "add", "Ann Lee")
    # A second connection keeps the -wal and -shm on disk while we look at them.
    keep = Store.open(db)
    srm.ok("--db", str(db), "log", "ann", "coffee")
    for suffix in ("", "-wal", "-shm"):
        assert mode(Path(str(db) + suffix)) == 0o600, suffix
    keep.close()
    outputs = {
        "export.json": ("export", "-o"),
        "export.vcf": ("export", "-o"),
        "report.html": ("report", "-f", "html", "-o"),
        "report.txt": ("report", "-o"),
    }
    for name, args in outputs.items():
        srm.ok("--db", str(db), *args, str(isolated / name))
        assert mode(isolated / name) == 0o600, name
    srm.ok("--db", str(db), "backup")
    backups = list((db.parent / "backups").iterdir())
    assert len(backups) == 1 and mode(backups[0]) == 0o600
    assert mode(db.parent / "backups") == 0o700
    srm.ok("demo", "--path", str(isolated / "demo.db"))
    assert mode(isolated / "demo.db") == 0o600
    leftovers = [p.name for p in isolated.rglob(".*.tmp")]
    assert leftovers == []


@pytest.mark.parametrize("mask", [0o022, 0o000])
def test_a_store_created_through_a_dangling_symlink_is_private(srm, isolated, umask, mask):
    umask(mask)
    (isolated / "d").mkdir()
    link = isolated / "d" / "link.db"
    link.symlink_to("target.db")  # relative, and dangling: target.db doesn't exist yet
    srm.ok("--db", str(link), "add", "X")
    target = isolated / "d" / "target.db"
    assert link.is_symlink() and target.is_file()
    assert mode(target) == 0o600
    keep = Store.open(link)
    srm.ok("--db", str(link), "add", "Y")
    for suffix in ("-wal", "-shm"):
        assert mode(Path(str(target) + suffix)) == 0o600, suffix
    keep.close()


def test_a_store_in_a_new_folder_gets_a_private_folder(srm, isolated, umask):
    umask(0o000)
    db = isolated / "new" / "deeper" / "srm.db"
    srm.ok("--db", str(db), "add", "X")
    assert mode(db) == 0o600
    assert mode(db.parent) == 0o700
    assert mode(db.parent.parent) == 0o700, "the folders on the way are private too"
