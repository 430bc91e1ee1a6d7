"""`srm db copy`: a whole store into another, across engines (SQLite ↔ PostgreSQL).

The source is read in one consistent snapshot, table by table and in key order; the target
(created and migrated to the same schema if need be) is written in one transaction with its
foreign keys checked at commit, so it holds all of the copy or none of it. Every row keeps
its id, so links, exports and the undo log read the same on both sides; PostgreSQL's id
sequences then continue after the highest. Row counts are compared before the commit.

A target that holds anything beyond what a new store has is refused unless `force`, which
replaces its contents.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from srm.errors import StoreError, UsageError
from srm.paths import is_url
from srm.store.db import Store
from srm.store.dialect import dialect_of
from srm.store.migrations import DEFAULT_SEGMENTS, segment_uuid

# Bookkeeping each store keeps for itself: its own migration record and undo pointer, and the
# search index, the daily counts and shared interactions' segments (srm.domain.summary) its triggers
# rebuild from the rows copied.
OWN = frozenset(
    {"schema_migration", "undo_state", "search_index", "interaction_day", "shared_segment"}
)
# Tables triggers fill as rows arrive (the contacts a change marked for recomputing their
# state): copied last, after what the copy's own inserts marked is cleared, so the copied
# state is exactly as current there as it was here.
MARKS = ("contact_month_dirty", "contact_state_dirty")
BATCH = 1000


@dataclass
class Copied:
    source: str
    target: str
    rows: dict[str, int]  # table → rows copied (verified on both sides)


def tables(store: Store) -> list[str]:
    """The tables a copy carries: every table of the store but its own bookkeeping."""
    d = dialect_of(store.conn)
    virtual = [
        n for n, sql in d.tables(store.conn).items() if sql.upper().startswith("CREATE VIRTUAL")
    ]
    return sorted(
        t
        for t in d.tables(store.conn)
        if t not in OWN and not any(t == v or t.startswith(v + "_") for v in virtual)
    )


def is_empty(store: Store) -> bool:
    """Whether `store` holds nothing but what srm puts in a new store (the default segments)."""
    defaults = {segment_uuid(n) for n, *_ in DEFAULT_SEGMENTS}
    for t in tables(store):
        if t == "segment":
            uuids = {r[0] for r in store.conn.execute("SELECT uuid FROM segment")}
            if not uuids <= defaults:
                return False
        elif store.conn.execute(f'SELECT 1 FROM "{t}" LIMIT 1').fetchone() is not None:
            return False
    return True


def copy(source: Store, target_location: Path | str, *, force: bool = False) -> Copied:
    """Copy every record of `source` into the store at `target_location`; see the module doc."""
    if _same(source, target_location):
        raise UsageError("the target is the store being copied: name another database")
    target = Store.open(target_location)
    try:
        if target.schema_version() != source.schema_version():
            raise StoreError(
                f"{target.location} has schema {target.schema_version()} and"
                f" {source.location} {source.schema_version()}: open both with the same srm"
            )
        names = tables(source)
        missing = sorted(set(names) - set(tables(target)))
        if missing:
            raise StoreError(f"{target.location} has no table {', '.join(missing)}")
        if not force and not is_empty(target):
            raise UsageError(
                f"{target.location} already holds records: copying would mix two stores;"
                " add --force to replace everything in it"
            )
        rows = _copy(source, target, names)
    finally:
        target.close()
    return Copied(source.location, target.location, rows)


def _same(source: Store, target: Path | str) -> bool:
    if is_url(target) or source.path is None:
        return str(target) == source.url
    from srm.store.files import is_database_file

    return is_database_file(Path(target), source.path)


def _copy(source: Store, target: Store, names: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    src, dst = source.conn, target.conn
    with snapshot(source), target.write(undoable=False) as conn:
        dialect = dialect_of(conn)
        dialect.defer_foreign_keys(conn)  # rows come table by table, parents not always first
        for t in names:
            conn.execute(f'DELETE FROM "{t}"')
        for t in [t for t in names if t not in MARKS] + [t for t in MARKS if t in names]:
            if t in MARKS:
                conn.execute(f'DELETE FROM "{t}"')
            columns = [c for c, _ in dialect_of(src).columns(src, t)]
            flags = dialect.boolean_columns(conn, t)
            booleans = [i for i, c in enumerate(columns) if c in flags]
            key = ", ".join(str(i + 1) for i in range(len(columns)))
            quoted = ", ".join(f'"{c}"' for c in columns)
            n = 0
            for batch in _batches(source, f'SELECT {quoted} FROM "{t}" ORDER BY {key}'):
                if booleans:
                    batch = [_with_booleans(r, booleans) for r in batch]
                dialect.insert_rows(conn, t, columns, batch)
                n += len(batch)
            have = conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
            if have != n:
                raise StoreError(
                    f"copying {t}: {n} rows read, {have} in {target.location}; nothing was copied"
                )
            counts[t] = n
        dialect.after_copy(conn, names)
    dialect_of(dst).analyze(dst)
    return counts


def _with_booleans(row: tuple, at: list[int]) -> tuple:
    out = list(row)
    for i in at:
        if out[i] is not None:
            out[i] = bool(out[i])
    return tuple(out)


def _batches(store: Store, sql: str) -> Iterator[list[tuple]]:
    cur = store.conn.stream(sql)
    try:
        while batch := cur.fetchmany(BATCH):
            yield batch
    finally:
        cur.close()


class snapshot:
    """One read transaction over the source: every table as of the same moment."""

    def __init__(self, store: Store):
        self.store = store

    def __enter__(self) -> None:
        dialect_of(self.store.conn).begin_snapshot(self.store.conn)

    def __exit__(self, *exc: object) -> None:
        self.store.conn.execute("COMMIT")
