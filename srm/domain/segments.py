"""Segments: groups of stakeholders (customers, members, employees, partners …) with a cadence.

Segments are data in the store, which a team may share. A config file's [segments.NAME]
tables are a template: applied when a store is created, and on request (`srm segment sync`),
never as a side effect of reading.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from srm import cadence as cad
from srm.config import Config
from srm.domain.common import LABEL_MAX, one_line, plural
from srm.errors import NotFound, SrmError, UsageError
from srm.store.db import Store
from srm.store.migrations import now_utc, segment_uuid


@dataclass
class Segment:
    id: int
    uuid: str
    name: str
    cadence: str | None
    weight: float
    description: str
    contacts: int = 0
    from_config: bool = False  # the config file describes this segment
    config_differs: bool = False  # … with settings the store doesn't have (segment sync)

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "uuid": self.uuid,
            "name": self.name,
            "cadence": self.cadence,
            "weight": self.weight,
            "description": self.description,
            "contacts": self.contacts,
            "from_config": self.from_config,
            "config_differs": self.config_differs,
        }


def normalise_name(name: str) -> str:
    n = one_line(name, "a segment name", LABEL_MAX).lower()
    if not n:
        raise UsageError("a segment name can't be empty")
    return n


def _check_weight(weight: float) -> float:
    if not 0 < weight <= 100:
        raise UsageError(f"weight {weight} is out of range: use a number > 0 and ≤ 100")
    return float(weight)


def _stored_cadence(text: str | None) -> str | None:
    if text is None:
        return None
    c = cad.parse(text)
    return str(c) if c else None


@dataclass
class ConfigChange:
    """What applying the config does to one segment: add it, or change some settings."""

    name: str
    added: bool
    changes: dict[str, tuple[object, object]]  # setting -> (in the store, in the config)

    def as_json(self) -> dict:
        return {
            "segment": self.name,
            "action": "add" if self.added else "update",
            "changes": {k: {"from": old, "to": new} for k, (old, new) in self.changes.items()},
        }


def config_changes(conn: sqlite3.Connection, config: Config) -> list[ConfigChange]:
    """How the store's segments differ from what the config file says about them.

    Only the settings the file names count: `cadence = "monthly"` alone leaves the weight and
    description as the store has them. Segments the file doesn't name are left alone.
    """
    have = {
        r["name"]: r for r in conn.execute("SELECT name, cadence, weight, description FROM segment")
    }
    out = []
    for name, spec in config.segments.items():
        wanted = {k: _config_value(k, v) for k, v in spec.settings().items()}
        row = have.get(name)
        if row is None:
            defaults = {"cadence": None, "weight": 1.0, "description": ""}
            out.append(
                ConfigChange(name, True, {k: (None, v) for k, v in {**defaults, **wanted}.items()})
            )
            continue
        changes = {k: (row[k], v) for k, v in wanted.items() if row[k] != v}
        if changes:
            out.append(ConfigChange(name, False, changes))
    return out


def _config_value(key: str, value: object) -> object:
    return (
        one_line(value, f"the {key}") if key == "description" and isinstance(value, str) else value
    )


def sync_config(store: Store, config: Config, *, dry_run: bool = False) -> list[ConfigChange]:
    """Apply the config's segments to the store (create missing ones, set the settings the
    file names), in one transaction; the changes made, or that would be made on a dry run."""
    if dry_run:
        return config_changes(store.conn, config)
    now = now_utc()
    with store.write() as conn:
        changes = config_changes(conn, config)  # read under the lock: nobody changes it between
        for c in changes:
            values = {k: new for k, (_, new) in c.changes.items()}
            if c.added:
                conn.execute(
                    "INSERT INTO segment (uuid, name, cadence, weight, description, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (segment_uuid(c.name), c.name, values["cadence"], values["weight"],
                     values["description"], now),
                )  # fmt: skip
            else:
                sets = ", ".join(f"{k} = ?" for k in values)
                conn.execute(
                    f"UPDATE segment SET {sets} WHERE name = ?", (*values.values(), c.name)
                )
    return changes


def list_segments(store: Store, config: Config) -> list[Segment]:
    rows = store.conn.execute(
        "SELECT s.*, (SELECT count(*) FROM contact_segment cs JOIN contact c ON c.id = cs.contact_id"
        " WHERE cs.segment_id = s.id AND c.archived_at IS NULL) AS n"
        " FROM segment s ORDER BY s.name"
    ).fetchall()
    differs = {c.name for c in config_changes(store.conn, config)}
    found = [_row(r, config) for r in rows]
    for s in found:
        s.config_differs = s.name in differs
    return found


def _row(r: sqlite3.Row, config: Config) -> Segment:
    return Segment(
        id=r["id"],
        uuid=r["uuid"],
        name=r["name"],
        cadence=r["cadence"],
        weight=r["weight"],
        description=r["description"],
        contacts=r["n"] if "n" in r.keys() else 0,  # noqa: SIM118 (sqlite3.Row: `in` tests values)
        from_config=r["name"] in config.segments,
    )


def get(store: Store, name: str, config: Config | None = None) -> Segment:
    key = normalise_name(name)
    row = store.conn.execute("SELECT * FROM segment WHERE name = ?", (key,)).fetchone()
    if row is None:
        known = [r[0] for r in store.conn.execute("SELECT name FROM segment ORDER BY name")]
        raise NotFound(
            f"no segment named {name!r}; known segments: {', '.join(known) or 'none'}"
            " (srm segment add NAME creates one)"
        )
    return _row(row, config or Config())


def resolve_ids(store: Store, names: list[str]) -> list[int]:
    return [get(store, n).id for n in dict.fromkeys(names)]


def add(store: Store, name: str, cadence: str | None, weight: float, description: str) -> Segment:
    key = normalise_name(name)
    stored = _stored_cadence(cadence)
    weight = _check_weight(weight)
    description = one_line(description, "the description")
    try:
        with store.write() as conn:
            conn.execute(
                "INSERT INTO segment (uuid, name, cadence, weight, description, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (segment_uuid(key), key, stored, weight, description, now_utc()),
            )
    except sqlite3.IntegrityError:
        raise UsageError(f"segment {key!r} already exists (srm segment edit changes it)") from None
    return get(store, key)


def edit(
    store: Store,
    config: Config,
    name: str,
    *,
    new_name: str | None = None,
    cadence: str | None = None,
    weight: float | None = None,
    description: str | None = None,
) -> Segment:
    seg = get(store, name, config)
    changes: dict[str, object] = {}
    if new_name is not None:
        changes["name"] = normalise_name(new_name)
    if cadence is not None:
        changes["cadence"] = _stored_cadence(cadence)
    if weight is not None:
        changes["weight"] = _check_weight(weight)
    if description is not None:
        changes["description"] = one_line(description, "the description")
    if changes:
        sets = ", ".join(f"{k} = ?" for k in changes)
        try:
            with store.write() as conn:
                conn.execute(f"UPDATE segment SET {sets} WHERE id = ?", (*changes.values(), seg.id))
        except sqlite3.IntegrityError:
            raise UsageError(f"segment {changes['name']!r} already exists") from None
    return get(store, str(changes.get("name", seg.name)), config)


def remove(store: Store, config: Config, name: str, force: bool) -> Segment:
    seg = get(store, name, config)
    with store.write() as conn:
        n = conn.execute(
            "SELECT count(*) FROM contact_segment WHERE segment_id = ?", (seg.id,)
        ).fetchone()[0]
        if n and not force:
            raise SrmError(
                f"segment {seg.name!r} still has {plural(n, 'contact')}; --force removes it anyway"
                " (the contacts stay, without this segment)"
            )
        conn.execute("DELETE FROM segment WHERE id = ?", (seg.id,))
    seg.contacts = n
    return seg
