"""A store in a read-only folder, or a read-only file, can be read; a write says why it can't.

The real condition runs srm in a subprocess. As root, file permissions don't stop writes, so
there the subprocess drops CAP_DAC_OVERRIDE (root's licence to write anywhere) first; where
that isn't possible the test is skipped with the reason, and the same logic is covered by the
tests that force a store read-only in-process.
"""

from __future__ import annotations

import ctypes
import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from srm.domain import contacts
from srm.errors import StoreError
from srm.store import db as store_db
from srm.store.db import Store
from srm.store.migrations import MIGRATIONS

PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2


def _drop_root_override() -> None:  # runs in the child, before exec
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def unprivileged(args: list[str], env: dict) -> subprocess.CompletedProcess:
    """Run a command under normal file permissions, even when the tests run as root."""
    preexec = _drop_root_override if os.geteuid() == 0 else None
    return subprocess.run(args, env=env, capture_output=True, text=True, preexec_fn=preexec)


@pytest.fixture
def run_srm(tmp_path):
    env = {**os.environ, "SRM_TODAY": "2026-03-15", "SRM_CONFIG": str(tmp_path / "c.toml")}
    (tmp_path / "c.toml").write_text("")

    def run(db: Path, *args: str) -> subprocess.CompletedProcess:
        return unprivileged([sys.executable, "-m", "srm", "--db", str(db), *args], env)

    return run


@pytest.fixture
def read_only_folder(tmp_path):
    """A folder made read-only after the test fills it; permissions restored after."""
    folder = tmp_path / "ro"
    folder.mkdir()
    probe = unprivileged(
        [sys.executable, "-c", f"open({str(folder / 'probe')!r}, 'w')"], dict(os.environ)
    )
    os.chmod(folder, 0o555)
    check = unprivileged(
        [sys.executable, "-c", f"open({str(folder / 'probe2')!r}, 'w')"], dict(os.environ)
    )
    os.chmod(folder, 0o755)
    if probe.returncode != 0 or check.returncode == 0:
        pytest.skip(
            "can't make a folder read-only for a subprocess here (root without CAP_SETPCAP);"
            " the in-process tests below cover the same logic"
        )
    (folder / "probe").unlink()

    yield folder
    os.chmod(folder, 0o755)


def lock(folder: Path) -> None:
    os.chmod(folder, 0o555)


def fill(db: Path) -> None:
    store = Store.open(db)
    contacts.add(store, "Ann Lee", since=date(2026, 1, 1), email="ann@example.org")
    store.close()


def test_a_store_in_a_read_only_folder_reads_and_refuses_writes(run_srm, read_only_folder):
    db = read_only_folder / "srm.db"
    fill(db)
    assert not Path(str(db) + "-wal").exists()  # closed cleanly: no -wal, no -shm
    lock(read_only_folder)
    before = sorted(p.name for p in db.parent.iterdir())
    r = run_srm(db, "show", "ann", "--json")
    assert r.returncode == 0, r.stderr
    assert '"Ann Lee"' in r.stdout
    assert run_srm(db, "contacts").returncode == 0
    assert run_srm(db, "doctor").returncode == 0
    w = run_srm(db, "add", "Bob")
    assert w.returncode == 6
    assert w.stderr.count("\n") == 1 and "Traceback" not in w.stderr
    assert "read-only" in w.stderr and str(db.parent) in w.stderr
    assert sorted(p.name for p in db.parent.iterdir()) == before, "a read wrote nothing"


def test_committed_changes_still_in_the_wal_are_read_in_a_read_only_folder(
    run_srm, read_only_folder
):
    db = read_only_folder / "srm.db"
    fill(db)
    # A writer that dies after committing leaves its changes in -wal (and the -shm).
    code = (
        "import os, sys\nfrom datetime import date\nfrom srm.store.db import Store\n"
        "from srm.domain import contacts\n"
        "s = Store.open(sys.argv[1])\n"
        "contacts.add(s, 'Bob Stone', since=date(2026, 1, 1))\nos._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", code, str(db)], check=True)
    assert Path(str(db) + "-wal").stat().st_size > 0
    lock(read_only_folder)
    r = run_srm(db, "contacts", "--json")
    assert r.returncode == 0, r.stderr
    assert "Bob Stone" in r.stdout, "the change in the -wal is part of the store"
    assert run_srm(db, "log", "bob", "hi").returncode == 6


def test_a_read_only_file_in_a_writable_folder(run_srm, tmp_path):
    db = tmp_path / "srm.db"
    fill(db)
    os.chmod(db, 0o400)
    try:
        r = run_srm(db, "show", "ann", "--json")
        assert r.returncode == 0, r.stderr
        w = run_srm(db, "add", "Bob")
        if os.geteuid() == 0 and w.returncode == 0:
            pytest.skip("root writes a 0400 file (CAP_FOWNER); covered in-process below")
        assert w.returncode == 6 and "read-only" in w.stderr
    finally:
        os.chmod(db, 0o600)


def test_an_old_schema_in_a_read_only_folder_is_a_clear_error(run_srm, read_only_folder):
    db = read_only_folder / "srm.db"
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("BEGIN")
    from srm.store import migrations

    migrations.apply(conn, 1)
    conn.execute("COMMIT")
    conn.close()
    lock(read_only_folder)
    r = run_srm(db, "contacts")
    assert r.returncode == 6
    assert "read-only" in r.stderr and f"schema 1 and this srm needs {len(MIGRATIONS)}" in r.stderr


# --- the same logic, forced in-process (runs everywhere, as root too) --------------------


def test_a_store_opened_read_only_reads_and_refuses_writes(tmp_path):
    db = tmp_path / "srm.db"
    fill(db)
    store = Store.open(db, read_only=True)
    assert store.conn.execute("SELECT name FROM contact").fetchone()[0] == "Ann Lee"
    with pytest.raises(StoreError, match="read-only"):
        contacts.add(store, "Bob", since=date(2026, 1, 1))
    with pytest.raises(sqlite3.OperationalError):  # and SQLite itself refuses a stray write
        store.conn.execute("DELETE FROM contact")


@pytest.mark.sqlite_only("read-only files and folders")
def test_srm_reads_a_store_it_judges_read_only_and_says_why_a_write_fails(
    srm, isolated, monkeypatch
):
    srm.ok("add", "Ann Lee")
    monkeypatch.setattr(
        store_db, "why_read_only", lambda real: f"its folder {real.parent} is not writable"
    )
    assert [c["handle"] for c in srm.json("contacts")] == ["ann"]
    srm.fails("add", "Bob", code=6, match=f"its folder {isolated} is not writable")
    srm.fails("log", "ann", "hi", code=6, match="read-only")


def test_the_immutable_fallback_is_used_only_without_changes_in_the_wal(tmp_path, monkeypatch):
    db = tmp_path / "srm.db"
    fill(db)
    real_connect = sqlite3.connect

    def no_mode_ro(database, *args, **kwargs):  # what a read-only folder does to mode=ro
        if str(database).endswith("?mode=ro"):
            raise sqlite3.OperationalError("attempt to write a readonly database")
        return real_connect(database, *args, **kwargs)

    monkeypatch.setattr(store_db.sqlite3, "connect", no_mode_ro)
    store = Store.open(db, read_only=True)
    assert store.conn.execute("SELECT count(*) FROM contact").fetchone()[0] == 1
    store.close()
    keep = real_connect(db)  # holds the -wal open so it keeps the uncheckpointed change
    keep.execute("PRAGMA wal_autocheckpoint = 0")
    keep.execute("UPDATE contact SET note = 'changed'")
    keep.commit()
    assert Path(str(db) + "-wal").stat().st_size > 0
    with pytest.raises(StoreError, match="holds changes"):
        Store.open(db, read_only=True)
    keep.close()


def test_a_store_that_cannot_be_created_in_a_read_only_folder_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(store_db, "why_read_only", lambda real: "it is on a read-only file system")
    with pytest.raises(StoreError, match="can't create the database .* read-only file system"):
        Store.open(tmp_path / "new.db")
    assert not (tmp_path / "new.db").exists()
