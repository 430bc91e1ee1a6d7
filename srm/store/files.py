"""Files srm writes: private (0600 whatever the umask), atomic, and never over a database.

Every export, report, backup and demo workspace goes through here, so the rules live in one
place: an output path may not be the open store or its `-wal`/`-shm` (compared by device and
inode, through symlinks, and by resolved path when the file doesn't exist yet), nor any other
existing SQLite database; the text lands in a temp file beside the target, is fsynced, then
renamed over it, so a reader sees the old file or the whole new one.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TextIO

from srm.errors import SrmError, UsageError

PRIVATE = 0o600
SQLITE_MAGIC = b"SQLite format 3\x00"
SIDECARS = ("-wal", "-shm", "-journal")


def is_sqlite(path: Path) -> bool:
    """Whether `path` is an existing file that starts with SQLite's header."""
    try:
        with open(path, "rb") as f:
            return f.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError:
        return False


def application_id(path: Path) -> int | None:
    """The `PRAGMA application_id` stored in an SQLite file's header, read without SQLite."""
    try:
        with open(path, "rb") as f:
            header = f.read(72)
    except OSError:
        return None
    if len(header) < 72 or not header.startswith(SQLITE_MAGIC):
        return None
    return int.from_bytes(header[68:72], "big")


def database_files(database: Path) -> list[Path]:
    """The store and its sidecars, as named and as resolved (SQLite keeps them by the real file)."""
    names = {Path(database), Path(os.path.realpath(database))}
    return [Path(str(n) + suffix) for n in names for suffix in ("", *SIDECARS)]


def is_database_file(path: Path, database: Path) -> bool:
    """Whether writing to `path` would write over `database` or one of its sidecars."""
    target = Path(os.path.realpath(path))
    protected = database_files(database)
    if target in {Path(os.path.realpath(p)) for p in protected}:
        return True
    try:
        mine = os.stat(target)
    except OSError:
        return False
    for p in protected:
        with suppress(OSError):
            if os.path.samestat(mine, os.stat(p)):
                return True
    return False


def check_output(path: Path, database: Path | None = None) -> Path:
    """The real file to write for `path`, or a UsageError if writing it would destroy data."""
    path = Path(path)
    if database is not None and is_database_file(path, database):
        raise UsageError(
            f"{path} is srm's database ({database}) or one of its files: choose another file"
        )
    target = Path(os.path.realpath(path))
    if is_sqlite(target):
        raise UsageError(
            f"{path} is an SQLite database: srm never writes over one; choose another file"
        )
    return target


def private_temp(directory: Path, name: str, mode: int = PRIVATE) -> tuple[int, Path]:
    """An open temp file beside `name` in `directory`, with exactly `mode` (umask or not)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=directory)
    try:
        os.fchmod(fd, mode)
    except BaseException:
        os.close(fd)
        os.unlink(tmp)
        raise
    return fd, Path(tmp)


def fsync_dir(directory: Path) -> None:
    """Make a rename in `directory` survive a crash (where the platform allows it)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        with suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def atomic_file(
    path: Path, *, mode: int = PRIVATE, database: Path | None = None
) -> Iterator[TextIO]:
    """A UTF-8 text file that appears complete or not at all, with exactly `mode`.

    Refuses a `path` that is `database` (or its `-wal`/`-shm`) or any SQLite database. A
    symlink is followed: the file it points at is replaced. Any failure leaves the old file as
    it was, in one line: a folder that can't take the file is a UsageError (exit 2), a write
    that fails (a full disk) an SrmError (exit 1).
    """
    target = check_output(path, database)
    try:
        fd, tmp = private_temp(target.parent, target.name, mode)
    except OSError as e:
        raise UsageError(f"can't write {path}: {e.strerror or e}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        if database is not None and is_database_file(target, database):  # appeared meanwhile
            raise UsageError(f"{path} became srm's database while it was written; not replaced")
        os.replace(tmp, target)
    except OSError as e:  # a full disk, a vanished share: exit 1, as any failed output
        tmp.unlink(missing_ok=True)
        kept = "it was left as it was" if target.exists() else "nothing was written"
        raise SrmError(f"can't write {path}: {e.strerror or e}; {kept}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(target.parent)
