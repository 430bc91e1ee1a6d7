"""Backups of the store: consistent online copies, 0600, rotated; and restoring one.

A copy of a live WAL store's file can miss committed changes still in its `-wal`, or catch a
checkpoint half done, so a backup is always made by SQLite itself (`VACUUM INTO`: a consistent
snapshot, compacted, in one file without sidecars). A restore goes the other way through
SQLite's backup API into the open store: one write transaction that other srm processes queue
behind and then see whole, with the store's own `-wal` and `-shm` kept consistent.
"""

from __future__ import annotations

import os
import re
import sqlite3
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from srm.errors import StoreError, UsageError
from srm.paths import is_url
from srm.store import files
from srm.store.db import Store, make_private_dirs, version_problems
from srm.store.migrations import MIGRATIONS

FOLDER = "backups"
_STAMP = "%Y-%m-%dT%H%M%SZ"  # UTC: names sort in the order the backups were made


def folder(store_path: Path | str | None) -> Path:
    """The default backup folder: `backups/` beside the (real) store file; for a store on a
    PostgreSQL server (its URL), `backups/` in srm's data folder."""
    if store_path is None or is_url(store_path):
        from srm.paths import user_data_dir

        return user_data_dir() / FOLDER
    return Path(os.path.realpath(store_path)).parent / FOLDER


def _stem(store_path: Path | str) -> str:
    if is_url(store_path):  # a server's URL: its database name
        from urllib.parse import urlsplit

        return re.sub(r"[^A-Za-z0-9_.-]+", "_", urlsplit(store_path).path.strip("/")) or "srm"
    return Path(os.path.realpath(store_path)).stem


def _pattern(stem: str) -> re.Pattern:
    return re.compile(
        rf"^{re.escape(stem)}-(\d{{4}}-\d\d-\d\dT\d{{6}}Z)(?:-(\d+))?(?:-(before-[a-z0-9-]+))?\.db$"
    )


def listing(store_path: Path | str, directory: Path | None = None) -> list[Path]:
    """This store's timestamped backups in `directory` (default: its backup folder), oldest first."""
    directory = directory or folder(store_path)
    pattern = _pattern(_stem(store_path))
    try:
        names = [p for p in directory.iterdir() if pattern.match(p.name) and p.is_file()]
    except OSError:
        return []

    def key(p: Path):
        m = pattern.match(p.name)
        return (m[1], int(m[2] or 0))

    return sorted(names, key=key)


def make(
    store: Store,
    target: Path | None = None,
    *,
    label: str | None = None,
    when: datetime | None = None,
) -> Path:
    """Write a consistent copy of the store; return its path.

    `target` None or a folder: a new timestamped file there (default: the backup folder,
    created 0700). A file `target` must not exist: a backup never overwrites anything.
    """
    if target is None or target.is_dir():
        directory = target or folder(store.path or store.url)
        try:
            make_private_dirs(directory)
        except OSError as e:
            raise StoreError(
                f"can't back up into {directory}: {e.strerror}; give a folder or file elsewhere"
                " (srm backup /path/to/folder)"
            ) from None
        target = _new_name(store.path or store.url, directory, label, when or datetime.now(UTC))
    elif target.exists() or target.is_symlink():
        raise UsageError(f"{target} already exists: a backup never overwrites a file")
    if store.path is not None and files.is_database_file(target, store.path):
        raise UsageError(f"{target} is srm's database or one of its files: choose another file")
    try:
        fd, tmp = files.private_temp(target.parent, "srm-backup")
    except OSError as e:
        raise StoreError(f"can't back up to {target}: {e.strerror}") from None
    if store.url is not None:
        os.close(fd)
        return _server_copy(store, tmp, target)
    os.close(fd)  # VACUUM INTO writes into a new or empty file and keeps its mode
    try:
        try:
            into = str(tmp).encode("utf-8").decode("utf-8")  # SQLite takes UTF-8 names only
        except UnicodeError:
            raise UsageError(
                f"can't back up into {target.parent}: its name isn't valid UTF-8"
            ) from None
        store.conn.execute("VACUUM INTO ?", (into,))
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        if target.exists():
            raise StoreError(f"{target} appeared while the backup was made; not replaced")
        os.replace(tmp, target)
    except (sqlite3.Error, OSError) as e:
        raise StoreError(
            f"can't back up to {target}: {getattr(e, 'strerror', None) or e}"
        ) from None
    finally:
        tmp.unlink(missing_ok=True)
    files.fsync_dir(target.parent)
    return target


def _server_copy(store: Store, tmp: Path, target: Path) -> Path:
    """A server's store as an SQLite file (srm db copy into a new file), renamed into place."""
    from srm.store.copy import copy

    try:
        tmp.unlink()  # the copy creates its store file itself, 0600
        copy(store, tmp)
        # One file without sidecars, as VACUUM INTO leaves a backup.
        single = sqlite3.connect(tmp, isolation_level=None)
        try:
            single.execute("PRAGMA journal_mode = DELETE")
        finally:
            single.close()
        if target.exists():
            raise StoreError(f"{target} appeared while the backup was made; not replaced")
        os.replace(tmp, target)
    except OSError as e:
        raise StoreError(f"can't back up to {target}: {e.strerror or e}") from None
    finally:
        for leftover in (tmp, *(Path(f"{tmp}{s}") for s in files.SIDECARS)):
            leftover.unlink(missing_ok=True)
    files.fsync_dir(target.parent)
    return target


def _new_name(store_path: Path | str, directory: Path, label: str | None, when: datetime) -> Path:
    base = f"{_stem(store_path)}-{when.astimezone(UTC).strftime(_STAMP)}"
    tail = f"-{label}.db" if label else ".db"
    candidate, n = directory / f"{base}{tail}", 1
    while candidate.exists():
        n += 1
        candidate = directory / f"{base}-{n}{tail}"
    return candidate


def rotate(store_path: Path | str, directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` plain backups of this store in `directory`.

    Only files named as `srm backup` names them are touched; the copies srm made before a
    migration or a restore (`…-before-….db`) are kept until you delete them.
    """
    pattern = _pattern(_stem(store_path))
    plain = [p for p in listing(store_path, directory) if not pattern.match(p.name)[3]]
    doomed = plain[: max(0, len(plain) - keep)]
    for p in doomed:
        p.unlink(missing_ok=True)
    return doomed


# --- checking and restoring ---------------------------------------------------------------


def open_copy(path: Path) -> sqlite3.Connection:
    """A read-only connection to a backup (or any srm database file), never writing to it."""
    if not path.is_file():
        raise UsageError(f"{path} is not a file")
    if not files.is_sqlite(path):
        raise UsageError(f"{path} is not an SQLite database")
    uri = Path(os.path.realpath(path)).as_uri()
    for mode in ("mode=ro", "immutable=1"):
        try:
            conn = sqlite3.connect(f"{uri}?{mode}", uri=True, isolation_level=None)
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.DatabaseError as e:
            error = " ".join(str(e).split())  # SQLite may quote a whole damaged CREATE TABLE
    raise StoreError(f"{path} is damaged or can't be read ({error[:120]})")


def problems(conn: sqlite3.Connection) -> list[str]:
    """Why a database can't be restored: damage, broken links, a newer or broken schema."""
    found = [r[0] for r in conn.execute("PRAGMA integrity_check") if r[0] != "ok"]
    found += [
        f"{r[0]} row {r[1]} points at a missing {r[2]}"
        for r in conn.execute("PRAGMA foreign_key_check")
    ]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        found.append(f"it was written by a newer srm (schema {version}); upgrade srm first")
    elif version == 0:
        found.append("it isn't an srm database (no srm schema version)")
    else:
        found += version_problems(conn, version)
    return found


@dataclass
class Restored:
    source: Path
    schema: int  # the schema version of the file restored (migrated after, if older)
    safety: Path | None  # the backup of the store as it was before
    erasures: list[dict] = field(default_factory=list)  # recorded here, missing from the file


def restore(store: Store, source: Path) -> Restored:
    """Replace the store's contents with `source`'s, after checking it and backing up.

    Erasures the store recorded that `source` doesn't have are returned, for the caller to
    apply again (a backup taken before someone was erased still holds them).
    """
    store.check_writable()
    if store.path is not None and files.is_database_file(source, store.path):
        raise UsageError(f"{source} is the store itself: choose a backup to restore")
    src = open_copy(source)
    try:
        found = problems(src)
        if found:
            raise StoreError(
                f"{source} can't be restored: {found[0]}"
                + (f" (and {len(found) - 1} more problems)" if len(found) > 1 else "")
                + "; nothing was changed"
            )
        schema = src.execute("PRAGMA user_version").fetchone()[0]
        there = _erasure_uuids(src)
        erasures = [e for e in _erasures(store.conn) if e["uuid"] not in there]
        safety = make(store, label="before-restore") if _has_data(store.conn) else None
        if store.url is not None:
            _restore_to_server(store, src, source)
            return Restored(source, schema, safety, erasures)
        try:
            # One step: the whole copy is one write transaction on the store.
            src.backup(store.conn, pages=-1)
        except sqlite3.Error as e:
            raise StoreError(f"can't restore {source}: {e}; nothing was changed") from None
    finally:
        src.close()
    store.migrate(backup=False)  # `source` itself is the copy of the older schema
    store.checkpoint()
    return Restored(source, schema, safety, erasures)


def _restore_to_server(store: Store, src: sqlite3.Connection, source: Path) -> None:
    """A backup file into a server's store: upgraded to this srm's schema in a private temp
    copy, then copied over the store's contents in one transaction (srm db copy --force)."""
    from srm.store.copy import copy

    fd, tmp = files.private_temp(Path(tempfile.gettempdir()), "srm-restore")
    os.close(fd)
    try:
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)
        finally:
            dst.close()
        upgraded = Store.open(tmp)
        try:
            copy(upgraded, store.url, force=True)  # type: ignore[arg-type]
        finally:
            upgraded.close()
    except sqlite3.Error as e:
        raise StoreError(f"can't restore {source}: {e}; nothing was changed") from None
    finally:
        for leftover in (tmp, *(Path(f"{tmp}{s}") for s in files.SIDECARS)):
            leftover.unlink(missing_ok=True)


def _has_data(conn: sqlite3.Connection) -> bool:
    from srm.store.dialect import dialect_of

    return bool(dialect_of(conn).tables(conn))


def _erasures(conn: sqlite3.Connection) -> list[dict]:
    try:
        rows = conn.execute("SELECT * FROM erasure ORDER BY id").fetchall()
    except sqlite3.OperationalError:  # a store from before erasures were recorded
        return []
    return [dict(r) for r in rows]


def _erasure_uuids(conn: sqlite3.Connection) -> set[str]:
    try:
        return {r[0] for r in conn.execute("SELECT uuid FROM erasure")}
    except sqlite3.OperationalError:
        return set()
