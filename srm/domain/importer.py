"""`srm import`: contacts from vCard, CSV and srm JSON files, in one all-or-nothing transaction.

Every record is parsed and checked first, without any lock: parsing 10,000 vCards takes
seconds, and other srm processes must be able to write meanwhile. A bad record then aborts the
import with its place and the reason, and the store is unchanged (`skip_invalid` rejects just
that record instead). The writes are one short transaction, which also looks for duplicates:
another process may have added the same person while the file was read. A dry run does all the
same work and rolls back. Contacts are inserted in bulk here rather than through
`contacts.add`, which re-reads each contact and whose handle lookup scans the table: 10,000 cards
must import in seconds. Handles come from `contacts.pick_handle` over the taken handles, kept in memory.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from srm import cadence as cad
from srm.config import Config
from srm.dates import MAX_DATE, MIN_DATE, RANGE, check_range, parse_month_day
from srm.domain import contacts as dc
from srm.domain import segments as seg
from srm.domain.common import NAME_MAX, new_uuid, note_text, now_utc, one_line
from srm.domain.important_dates import normalise_label
from srm.errors import ImportError_, NotFound, SrmError, UsageError
from srm.store.db import Store

FORMATS = ("auto", "vcard", "linkedin", "google", "outlook", "csv", "json")
ON_DUPLICATE = ("skip", "merge", "new")
Step = tuple[str, str, Any]  # ("skip", where, reason) or ("contact", where, fields)


@dataclass
class Options:
    since: date  # when tracking starts for contacts whose record doesn't say
    segments: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    cadence: str | None = None
    stagger: bool = False
    dry_run: bool = False
    on_duplicate: str = "skip"
    skip_invalid: bool = False


@dataclass
class Source:
    """A parsed import file: its format, how many items it holds, and the items themselves."""

    name: str
    format: str
    total: int
    items: Iterator[dict]
    ignored_columns: list[str] = field(default_factory=list)


@dataclass
class Summary:
    file: str
    format: str
    dry_run: bool
    created: int = 0
    merged: int = 0
    skipped: list[dict] = field(default_factory=list)  # {"where", "reason"}
    rejected: list[dict] = field(default_factory=list)  # {"where", "reason"}
    records: dict[str, dict[str, int]] = field(default_factory=dict)  # json: section → counts
    ignored_columns: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "file": self.file,
            "format": self.format,
            "dry_run": self.dry_run,
            "created": self.created,
            "merged": self.merged,
            "skipped": len(self.skipped),
            "rejected": len(self.rejected),
            "skipped_records": self.skipped,
            "rejected_records": self.rejected,
            "records": self.records,
            "ignored_columns": self.ignored_columns,
        }


def load(data: bytes, name: str, fmt: str = "auto") -> Source:
    """Read an import file's bytes in the given format, or the one its content shows."""
    from srm.formats import contacts_csv, srm_json, vcard
    from srm.formats.text import decode

    if fmt not in FORMATS:
        raise UsageError(f"unknown import format {fmt!r}: use one of {', '.join(FORMATS)}")
    text = decode(data, name)
    detected = _detect(text, name) if fmt == "auto" else fmt
    if detected == "vcard":
        total, items = vcard.read(text, name)
        return Source(name, "vcard", total, items)
    if detected == "json":
        total, items = srm_json.read(text, name)
        return Source(name, "json", total, items)
    table = contacts_csv.read(text, name, None if fmt == "auto" else fmt)
    return Source(name, table.layout, len(table.rows), table.records(), table.ignored)


def _detect(text: str, name: str) -> str:
    from srm.formats import contacts_csv, vcard

    head = text.lstrip()[:1]
    if head in ("{", "["):
        return "json"
    if vcard.looks_like_vcard(text):
        return "vcard"
    if contacts_csv.looks_like_csv(text):
        return "csv"
    raise ImportError_(
        f"can't tell what kind of file {name} is: use --format vcard, linkedin, google,"
        " outlook, csv or json"
    )


class _Rollback(Exception):
    """Ends a dry run: the transaction rolls back after the summary is complete."""


def run(store: Store, config: Config, source: Source, options: Options) -> Summary:
    """Import every item of `source`; all of it lands, or (on a bad record) none of it."""
    if options.on_duplicate not in ON_DUPLICATE:
        raise UsageError(
            f"unknown --on-duplicate {options.on_duplicate!r}: use {', '.join(ON_DUPLICATE)}"
        )
    summary = Summary(source.name, source.format, options.dry_run)
    summary.ignored_columns = source.ignored_columns
    # Bad options fail before anything is written, with the error `srm add` would give.
    extra_segments = seg.resolve_ids(store, options.segments)
    extra_tags = dc.normalise_tags(options.tags)
    if options.cadence is not None:
        cad.normalise(options.cadence)
    steps: list[Step] = []
    if source.format != "json":
        checker = _Checker(options, _segments(store.conn), extra_segments, extra_tags)
        steps = _prepare(source, checker, summary)
    try:
        with store.write() as conn:
            job = _Import(conn, config, options, summary, extra_segments, extra_tags)
            # Who imports owns what is new (team mode); one who joins the team with this
            # import and is in the file becomes the member the file knows.
            job.member_id, job.joined = store.member_id, store.joined
            if source.format == "json":
                sections = _Sections(job)
                for item in source.items:
                    sections.add(item)
            else:
                job.check_segments(steps)
                for kind, where, value in steps:
                    if kind == "skip":
                        job.skip(where, value)
                    else:
                        job.contact(where, value)
            job.finish()
            if options.dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return summary


def _segments(conn: sqlite3.Connection) -> dict[str, tuple[int, str | None]]:
    """Segment name → (id, cadence)."""
    return {
        r["name"]: (r["id"], r["cadence"])
        for r in conn.execute("SELECT id, name, cadence FROM segment")
    }


def _prepare(source: Source, checker: _Checker, summary: Summary) -> list[Step]:
    """Parse and check every record of a vCard or CSV file, in order, taking no lock.

    Each step is ("skip", where, reason) or ("contact", where, fields); a bad record raises
    here, before anything is written (or, with skip_invalid, is listed as rejected).
    """
    steps: list[Step] = []
    for record in source.items:
        where = record["where"]
        if record.get("skip"):
            steps.append(("skip", where, record["skip"]))
            continue
        error = record.get("error")
        if not error:
            try:
                steps.append(("contact", where, checker.fields(record)))
                continue
            except SrmError as e:
                error = str(e)
        _reject(summary, checker.options, where, error)
    return steps


def _reject(summary: Summary, options: Options, where: str, reason: str) -> None:
    if not options.skip_invalid:
        raise ImportError_(
            f"{summary.file}, {where}: {reason}. Nothing was imported: fix it, or use"
            " --skip-invalid to import the rest"
        )
    summary.rejected.append({"where": where, "reason": reason})


@dataclass
class _Checker:
    """Turns a parsed record into a contact's columns, checked as `srm add` checks them."""

    options: Options
    segments: dict[str, tuple[int, str | None]]  # name → (id, cadence)
    extra_segments: list[int]
    extra_tags: list[str]

    def fields(self, record: dict) -> dict:
        email = _first_valid_email(record["emails"])
        # The first of name, email and org with something left once control characters go.
        candidates = (record["name"], email, record["org"])
        name = next(
            (n for n in (one_line(c or "", "the name", NAME_MAX) for c in candidates) if n), ""
        )
        if not name:
            raise ImportError_("no name, email or organisation to call this contact by")
        for key in ("since", "connected_on"):
            if record[key] is not None:
                check_range(record[key], f"{key} {record[key]}")
        own_cadence = record["cadence"] or self.options.cadence
        segment_ids = list(
            dict.fromkeys([self.segment_id(s) for s in record["segments"]] + self.extra_segments)
        )
        return {
            "name": name,
            "email": email,
            "emails": [e.lower() for e in record["emails"] if "@" in e],
            "phone": _clean(record["phone"], "the phone number"),
            "org": _clean(record["org"], "the organisation"),
            "team": _clean(record["team"], "the team"),
            "role": _clean(record["role"], "the role"),
            "cadence": cad.normalise(own_cadence) if own_cadence else None,
            "since": record["since"],
            "connected_on": record["connected_on"],
            "note": note_text("\n\n".join(n.strip() for n in record["notes"] if n.strip())),
            "segment_ids": segment_ids,
            "tags": list(dict.fromkeys(dc.normalise_tags(record["tags"]) + self.extra_tags)),
            "dates": [{**d, "label": normalise_label(d["label"])} for d in record["dates"]],
        }

    def segment_id(self, name: str) -> int:
        key = seg.normalise_name(name)
        if key not in self.segments:
            raise NotFound(f"no segment named {name!r} (srm segment add {key} creates it)")
        return self.segments[key][0]


class _Import:
    """The state of one import: indexes for duplicate checks and handles, and the summary."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        config: Config,
        options: Options,
        summary: Summary,
        extra_segments: list[int],
        extra_tags: list[str],
    ):
        self.conn, self.config = conn, config
        self.options, self.summary = options, summary
        self.extra_segments, self.extra_tags = extra_segments, extra_tags
        self.now = now_utc()
        self.by_email: dict[str, int] = {}
        self.by_name: dict[str, list[int]] = {}
        self.emails: dict[int, str | None] = {}
        self.handles: dict[int, str] = {}
        self.taken: set[str] = set()
        self.suffixes: dict[str, int] = {}  # the next free -N of a handle base
        self.created: set[int] = set()
        for cid, handle, name, email in conn.execute("SELECT id, handle, name, email FROM contact"):
            self._index(cid, handle, name, email)
        self.segments = _segments(conn)
        self.segment_cadences = dict(self.segments.values())
        self.check = _Checker(options, self.segments, extra_segments, extra_tags)
        self.staggered: list[tuple[int, cad.Cadence]] = []
        self.member_id: int | None = None
        self.joined = False

    # --- records ---------------------------------------------------------------------------

    def contact(self, where: str, fields: dict) -> None:
        """Create, merge or skip one checked contact of a vCard or CSV file."""
        found = self.find_duplicate(fields)
        if found is not None and self.options.on_duplicate != "new":
            self.duplicate(where, found, fields)
        else:
            self.create(fields)

    def check_segments(self, steps: list[Step]) -> None:
        """Fail if a segment the records were checked against was deleted meanwhile."""
        here = set(self.segment_cadences)
        for kind, _, fields in steps:
            if kind == "contact" and not here.issuperset(fields["segment_ids"]):
                raise ImportError_(
                    f"a segment was deleted while {self.summary.file} was being read; nothing"
                    " was imported: run the import again"
                )

    def duplicate(self, where: str, found: tuple[int, str], fields: dict) -> None:
        """Merge a duplicate into the contact it duplicates, or skip it (--on-duplicate)."""
        cid, why = found
        if self.options.on_duplicate == "merge":
            self.merge(cid, fields)
            self.summary.merged += 1
        else:
            self.skip(where, f"duplicate of {self.handles[cid]} ({why})")

    def skip(self, where: str, reason: str) -> None:
        self.summary.skipped.append({"where": where, "reason": reason})

    def reject(self, where: str, reason: str) -> None:
        _reject(self.summary, self.options, where, reason)

    def find_duplicate(self, fields: dict, *, within_file: bool = True) -> tuple[int, str] | None:
        """The contact already here that this one duplicates: same email, else same name.

        Two records with the same name but different email addresses are different people.
        `within_file` False looks only at contacts that were here before the import: the
        contacts of one srm export are distinct people even when they share a name.
        """
        for e in fields["emails"]:
            cid = self.by_email.get(e)
            if cid is not None and (within_file or cid not in self.created):
                return cid, "same email"
        mine = fields["email"]
        for cid in self.by_name.get(dc.slug(fields["name"]), []):
            if not within_file and cid in self.created:
                continue
            if mine is None or self.emails.get(cid) is None:
                return cid, "same name"
        return None

    # --- writes ----------------------------------------------------------------------------

    def create(self, fields: dict, keep: dict | None = None) -> int:
        """Insert a contact; `keep` holds stored columns to preserve (uuid, handle, timestamps…)."""
        keep = keep or {}
        handle = keep.get("handle")
        # A kept handle must be one srm could have made: no spaces, escapes or bare numbers.
        usable = isinstance(handle, str) and handle == dc.slug(handle) and not handle.isdigit()
        if not usable or handle in self.taken:
            handle = self.handle(fields["name"], fields["email"])
        since = fields["since"] or self.options.since
        row = {
            "uuid": keep.get("uuid") or new_uuid(),
            "handle": handle,
            "name": fields["name"],
            "email": fields["email"],
            "phone": fields["phone"],
            "org": fields["org"],
            "team": fields["team"],
            "role": fields["role"],
            "cadence": fields["cadence"],
            "since": since.isoformat(),
            "connected_on": _iso(fields["connected_on"]),
            "note": fields["note"],
            "snoozed_until": keep.get("snoozed_until"),
            "archived_at": keep.get("archived_at"),
            "created_at": keep.get("created_at") or self.now,
            "updated_at": keep.get("updated_at") or self.now,
            # An export's own owner (or none) when it names one; else who adds them here.
            "owner_id": keep.get("owner_id", self.member_id),
        }
        cid = self.conn.execute(
            f"INSERT INTO contact ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
            tuple(row.values()),
        ).lastrowid
        self._link(cid, fields)
        self._index(cid, handle, fields["name"], fields["email"], tuple(fields["emails"]))
        self.created.add(cid)
        self.summary.created += 1
        if self.options.stagger and fields["since"] is None:
            own = fields["cadence"]
            effective = cad.effective(
                own,
                [self.segment_cadences[s] for s in fields["segment_ids"]],
                self.config.default_cadence,
            )
            if effective is not None:
                self.staggered.append((cid, effective))
        return cid

    def count(self, section: str, outcome: str) -> None:
        counts = self.summary.records.setdefault(section, {"added": 0, "present": 0})
        counts[outcome] += 1

    def handle(self, name: str, email: str | None) -> str:
        """`contacts.unique_handle`'s rule over an in-memory set: no query per contact."""
        return dc.pick_handle(dc.handle_candidates(name, email), self.taken, self.suffixes)

    def merge(self, cid: int, fields: dict) -> None:
        """Fill the existing contact's empty fields; add segments, tags and dates."""
        self.conn.execute(
            "UPDATE contact SET email = coalesce(email, ?), phone = coalesce(phone, ?),"
            " org = coalesce(org, ?), team = coalesce(team, ?), role = coalesce(role, ?),"
            " cadence = coalesce(cadence, ?), connected_on = coalesce(connected_on, ?),"
            " note = CASE WHEN note = '' THEN ? ELSE note END, updated_at = ? WHERE id = ?",
            (
                fields["email"],
                fields["phone"],
                fields["org"],
                fields["team"],
                fields["role"],
                fields["cadence"],
                _iso(fields["connected_on"]),
                fields["note"],
                self.now,
                cid,
            ),
        )
        if self.emails.get(cid) is None and fields["email"]:
            self.emails[cid] = fields["email"].lower()
        for e in fields["emails"]:
            self.by_email.setdefault(e, cid)
        have = {
            (r[0], r[1], r[2], r[3])
            for r in self.conn.execute(
                "SELECT label, year, month, day FROM important_date WHERE contact_id = ?", (cid,)
            )
        }
        fields = {
            **fields,
            "dates": [
                d
                for d in fields["dates"]
                if (d["label"], d["year"], d["month"], d["day"]) not in have
            ],
        }
        self._link(cid, fields)

    def _link(self, cid: int, fields: dict) -> None:
        self.conn.executemany(
            "INSERT OR IGNORE INTO contact_segment (contact_id, segment_id) VALUES (?, ?)",
            [(cid, s) for s in fields["segment_ids"]],
        )
        self.conn.executemany(
            "INSERT OR IGNORE INTO contact_tag (contact_id, tag) VALUES (?, ?)",
            [(cid, t) for t in fields["tags"]],
        )
        self.conn.executemany(
            "INSERT INTO important_date (uuid, contact_id, label, year, month, day)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [
                (new_uuid(), cid, d["label"], d["year"], d["month"], d["day"])
                for d in fields["dates"]
            ],
        )

    def _index(
        self, cid: int, handle: str, name: str, email: str | None, others: tuple = ()
    ) -> None:
        """Remember a contact for duplicate checks and handles; `others`: more addresses."""
        self.handles[cid] = handle
        self.taken.add(handle)
        self.emails[cid] = email.lower() if email else None
        for e in ([email.lower()] if email else []) + list(others):
            self.by_email.setdefault(e, cid)
        key = dc.slug(name)
        if key:
            self.by_name.setdefault(key, []).append(cid)

    def finish(self) -> None:
        """Spread the first check-ins of the new contacts over one cadence (--stagger)."""
        groups: dict[cad.Cadence, list[int]] = {}
        for cid, cadence in self.staggered:
            groups.setdefault(cadence, []).append(cid)
        start = self.options.since
        updates = []
        for cadence, ids in groups.items():
            for cid, since in zip(ids, stagger(start, cadence, len(ids)), strict=True):
                updates.append((since.isoformat(), cid))
        self.conn.executemany("UPDATE contact SET since = ? WHERE id = ?", updates)


class _Sections:
    """Imports the sections of an srm JSON export, mapping its UUIDs to this store's ids.

    Records already here (same UUID) are left alone and counted as present, so importing the
    same export twice changes nothing; contacts go through the usual duplicate checks.
    """

    def __init__(self, job: _Import):
        self.job, self.conn = job, job.conn
        self.segment_ids: dict[str, int] = {}
        self.member_ids: dict[str, int] = {}
        self.contact_ids: dict[str, int] = {}
        self.idea_ids: dict[str, int] = {}
        self.by_uuid = {r[0]: r[1] for r in self.conn.execute("SELECT uuid, id FROM contact")}

    def add(self, item: dict) -> None:
        section, where, rec = item["section"], item["where"], item["record"]
        uid = rec.get("uuid")
        if uid is not None:
            where = f"{where} (uuid {uid})"
        try:
            if not isinstance(uid, str) or not uid:
                raise ValueError("it has no uuid")
            getattr(self, section)(dict(rec, where=where))
        except (
            ValueError,
            TypeError,
            KeyError,
            AttributeError,
            OverflowError,
            sqlite3.IntegrityError,
        ) as e:
            self.job.reject(where, _reason(e))
        except SrmError as e:
            self.job.reject(where, str(e))

    def _insert(self, section: str, table: str, row: dict) -> int | None:
        """Insert a record unless its UUID is already here; its new id, or None if present."""
        cur = self.conn.execute(
            f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})"
            " ON CONFLICT (uuid) DO NOTHING",
            tuple(row.values()),
        )
        self.job.count(section, "added" if cur.rowcount else "present")
        return cur.lastrowid if cur.rowcount else None

    def _id(self, table: str, uid: str) -> int | None:
        row = self.conn.execute(f"SELECT id FROM {table} WHERE uuid = ?", (uid,)).fetchone()
        return row[0] if row else None

    def _contact(self, uid: str | None) -> int:
        if uid not in self.contact_ids:
            raise ValueError(f"it refers to contact {uid}, which isn't imported")
        return self.contact_ids[uid]

    def segments(self, rec: dict) -> None:
        name = seg.normalise_name(_text(rec, "name"))
        cadence = rec.get("cadence")
        if cadence is not None:
            cadence = cad.normalise(_text(rec, "cadence"))
        weight = float(rec.get("weight", 1.0))
        if not 0 < weight <= 100:
            raise ValueError(f"weight {weight} is out of range (> 0 and ≤ 100)")
        settings = {
            "cadence": None if cadence == "none" else cadence,
            "weight": weight,
            "description": _text(rec, "description", ""),
            "created_at": _text(rec, "created_at", self.job.now),
        }
        sid = self._id("segment", rec["uuid"])
        if sid is None and name in self.job.segments:
            sid = self.job.segments[name][0]
        if sid is None:
            sid = self._insert(
                "segments", "segment", {"uuid": rec["uuid"], "name": name, **settings}
            )
        else:
            self.job.count("segments", "present")
            taken = self.job.segments.get(name, (sid,))[0] != sid
            changes = settings if taken else {"name": name, **settings}
            sets = ", ".join(f"{k} = ?" for k in changes)
            self.conn.execute(f"UPDATE segment SET {sets} WHERE id = ?", (*changes.values(), sid))
        row = self.conn.execute("SELECT name, cadence FROM segment WHERE id = ?", (sid,)).fetchone()
        for old in [n for n, (i, _) in self.job.segments.items() if i == sid]:
            del self.job.segments[old]
        self.job.segments[row[0]] = (sid, row[1])
        self.job.segment_cadences[sid] = row[1]
        self.segment_ids[rec["uuid"]] = sid

    def members(self, rec: dict) -> None:
        """A team member: the one here with the same uuid or address, else a new one."""
        from srm.domain.team import person

        who = person(_text(rec, "email"))
        if who is None:
            raise ValueError(f"its email {rec.get('email')!r} is not an address")
        name = one_line(_text(rec, "name", who[0]), "the name", NAME_MAX) or who[0]
        row = self.conn.execute(
            "SELECT id FROM member WHERE uuid = ? OR email = ? ORDER BY uuid = ? DESC",
            (rec["uuid"], who[1], rec["uuid"]),
        ).fetchone()
        if row is not None:
            if row[0] == self.job.member_id and self.job.joined:
                self.conn.execute(
                    "UPDATE member SET uuid = ?, created_at = ? WHERE id = ?",
                    (rec["uuid"], _text(rec, "created_at", self.job.now), row[0]),
                )
            self.job.count("members", "present")
            self.member_ids[rec["uuid"]] = row[0]
            return
        self.member_ids[rec["uuid"]] = self._insert(
            "members",
            "member",
            {
                "uuid": rec["uuid"],
                "name": name,
                "email": who[1],
                "created_at": _text(rec, "created_at", self.job.now),
            },
        )

    def _member(self, rec: dict, key: str) -> int | None:
        uid = rec.get(key)
        if uid is None:
            return None
        if uid not in self.member_ids:
            raise ValueError(f"its {key} is member {uid}, who isn't in the file")
        return self.member_ids[uid]

    def contacts(self, rec: dict) -> None:
        job = self.job
        record = {
            **{k: rec.get(k) for k in ("name", "phone", "org", "team", "role", "cadence")},
            "where": rec["where"],
            "emails": [rec["email"]] if rec.get("email") else [],
            "notes": [],
            "tags": _list(rec, "tags"),
            "segments": [],
            "since": _date(rec, "since", required=True),
            "connected_on": _date(rec, "connected_on"),
            "dates": [],
        }
        fields = job.check.fields(record)
        fields["note"] = note_text(_text(rec, "note", "", raw=True))
        unknown = [u for u in _list(rec, "segments") if u not in self.segment_ids]
        if unknown:
            raise ValueError(f"it is in segment {unknown[0]}, which isn't in the file")
        fields["segment_ids"] = list(
            dict.fromkeys(
                [self.segment_ids[u] for u in _list(rec, "segments")] + job.extra_segments
            )
        )
        same = self.by_uuid.get(rec["uuid"])
        found = (
            (same, "same uuid")
            if same is not None
            else job.find_duplicate(fields, within_file=False)
        )
        if found is not None and job.options.on_duplicate != "new":
            job.duplicate(rec["where"], found, fields)
            self.contact_ids[rec["uuid"]] = found[0]
            return
        keep = {
            "uuid": None if same is not None else rec["uuid"],
            "handle": rec.get("handle"),
            "snoozed_until": _iso(_date(rec, "snoozed_until")),
            "archived_at": rec.get("archived_at"),
            "created_at": rec.get("created_at"),
            "updated_at": rec.get("updated_at"),
        }
        if "owner" in rec:  # an export from before team mode has none: the importer owns them
            keep["owner_id"] = self._member(rec, "owner")
        cid = job.create(fields, keep)
        self.by_uuid[rec["uuid"]] = cid
        self.contact_ids[rec["uuid"]] = cid

    def important_dates(self, rec: dict) -> None:
        cid = self._contact(rec.get("contact"))
        year, month, day = rec.get("year"), rec["month"], rec["day"]
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (year or 1, month, day)):
            raise ValueError("its year, month and day must be whole numbers")
        parse_month_day(f"{year:04d}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}")
        values = (cid, normalise_label(_text(rec, "label", raw=True)), year, month, day)
        if self.conn.execute(
            "SELECT 1 FROM important_date WHERE contact_id = ? AND label = ? AND year IS ?"
            " AND month = ? AND day = ?",
            values,
        ).fetchone():
            self.job.count("important_dates", "present")
            return
        row = dict(zip(("contact_id", "label", "year", "month", "day"), values, strict=True))
        self._insert("important_dates", "important_date", {"uuid": rec["uuid"], **row})

    def ideas(self, rec: dict) -> None:
        contact_id = self._contact(rec.get("contact")) if rec.get("contact") else None
        segment_id = None
        if rec.get("segment"):
            if rec["segment"] not in self.segment_ids:
                raise ValueError(f"it is for segment {rec['segment']}, which isn't in the file")
            segment_id = self.segment_ids[rec["segment"]]
        row = {
            "uuid": rec["uuid"],
            "contact_id": contact_id,
            "segment_id": segment_id,
            "text": _text(rec, "text"),
            "status": _text(rec, "status", "open"),
            "created_on": _iso(_date(rec, "created_on", required=True)),
            "closed_on": _iso(_date(rec, "closed_on")),
        }
        self.idea_ids[rec["uuid"]] = self._insert("ideas", "idea", row) or self._id(
            "idea", rec["uuid"]
        )

    def interactions(self, rec: dict) -> None:
        contact_ids = list(dict.fromkeys(self._contact(u) for u in _list(rec, "contacts")))
        if not contact_ids:
            raise ValueError("it has no contacts")
        idea_id = None
        if rec.get("idea"):
            idea_id = self.idea_ids.get(rec["idea"]) or self._id("idea", rec["idea"])
            if idea_id is None:
                raise ValueError(f"it delivers idea {rec['idea']}, which isn't in the file")
        occurred = _iso(_date(rec, "occurred_on", required=True))
        iid = self._insert(
            "interactions",
            "interaction",
            {
                "uuid": rec["uuid"],
                "occurred_on": occurred,
                "channel": _text(rec, "channel"),
                "kind": _text(rec, "kind", "checkin"),
                "sentiment": _text(rec, "sentiment", "neutral"),
                "summary": _text(rec, "summary"),
                "note": note_text(_text(rec, "note", "", raw=True)),
                "idea_id": idea_id,
                "created_at": _text(rec, "created_at", self.job.now),
                "logged_by_id": self._member(rec, "logged_by"),
            },
        )
        if iid is not None:
            self.conn.executemany(
                "INSERT INTO interaction_contact (interaction_id, contact_id, occurred_on)"
                " VALUES (?, ?, ?)",
                [(iid, cid, occurred) for cid in contact_ids],
            )

    def followups(self, rec: dict) -> None:
        interaction_id = None
        if rec.get("interaction"):
            interaction_id = self._id("interaction", rec["interaction"])
            if interaction_id is None:
                raise ValueError(f"it belongs to interaction {rec['interaction']}, not in the file")
        self._insert(
            "followups",
            "followup",
            {
                "uuid": rec["uuid"],
                "contact_id": self._contact(rec.get("contact")),
                "interaction_id": interaction_id,
                "text": _text(rec, "text"),
                "due_on": _iso(_date(rec, "due_on", required=True)),
                "status": _text(rec, "status", "open"),
                "created_on": _iso(_date(rec, "created_on", required=True)),
                "closed_on": _iso(_date(rec, "closed_on")),
                "made_by_id": self._member(rec, "made_by"),
            },
        )

    def goals(self, rec: dict) -> None:
        row = {
            "uuid": rec["uuid"],
            "contact_id": self._contact(rec.get("contact")),
            "text": _text(rec, "text"),
            "status": _text(rec, "status", "active"),
            "recorded_on": _iso(_date(rec, "recorded_on", required=True)),
            "closed_on": _iso(_date(rec, "closed_on")),
        }
        goal_id = self._insert("goals", "goal", row) or self._id("goal", rec["uuid"])
        for confirmation in _list(rec, "confirmations"):
            self._insert(
                "goal_confirmations",
                "goal_confirmation",
                {
                    "uuid": _text(confirmation, "uuid"),
                    "goal_id": goal_id,
                    "confirmed_on": _iso(_date(confirmation, "confirmed_on", required=True)),
                },
            )

    def stage_changes(self, rec: dict) -> None:
        self._insert(
            "stage_changes",
            "stage_change",
            {
                "uuid": rec["uuid"],
                "contact_id": self._contact(rec.get("contact")),
                "from_stage": _text(rec, "from_stage") if rec.get("from_stage") else None,
                "stage": _text(rec, "stage"),
                "changed_on": _iso(_date(rec, "changed_on", required=True)),
            },
        )

    def handoffs(self, rec: dict) -> None:
        self._insert(
            "handoffs",
            "handoff",
            {
                "uuid": rec["uuid"],
                "contact_id": self._contact(rec.get("contact")),
                "from_member_id": self._member(rec, "from"),
                "to_member_id": self._member(rec, "to"),
                "by_member_id": self._member(rec, "by"),
                "note": note_text(_text(rec, "note", "", raw=True)),
                "handed_on": _iso(_date(rec, "handed_on", required=True)),
                "created_at": _text(rec, "created_at", self.job.now),
            },
        )


def _reason(e: Exception) -> str:
    if isinstance(e, KeyError):
        return f"it has no {e.args[0]!r}"
    if isinstance(e, sqlite3.IntegrityError):
        return f"it breaks a rule of the store ({e})"
    return str(e)


def _text(rec: dict, key: str, default: str | None = None, *, raw: bool = False) -> str:
    """A text field of a record; one line, as `srm add` and `srm log` store it, unless `raw`."""
    value = rec.get(key, default)
    if not isinstance(value, str):
        raise ValueError(f"{key!r} must be text")
    return value if raw else one_line(value, repr(key))


def _list(rec: dict, key: str) -> list:
    value = rec.get(key) or []
    if not isinstance(value, list):
        raise ValueError(f"{key!r} must be a list")
    return value


def _date(rec: dict, key: str, required: bool = False) -> date | None:
    value = rec.get(key)
    if value is None and not required:
        return None
    try:
        day = date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValueError(f"{key!r} must be a date (YYYY-MM-DD), not {value!r}") from None
    if not MIN_DATE <= day <= MAX_DATE:
        raise ValueError(f"{key!r} {value} is out of range: {RANGE}")
    return day


def stagger(start: date, cadence: cad.Cadence, n: int) -> list[date]:
    """`n` tracking-start dates whose first check-ins spread evenly over one cadence.

    Unstaggered, every contact is first due one cadence after `start`; staggered, the k-th of
    n is due k/n of a cadence after it, so the first comes soon and the last as before.
    """
    span = (cadence.after(start) - start).days
    out = []
    for k in range(1, n + 1):
        due = start + timedelta(days=math.ceil(k * span / n))
        since = cad.add(due, -cadence.count, cadence.unit)
        while cadence.after(since) <= start:  # month ends clamp: Mar 31 - 1 month = Feb 28
            since += timedelta(days=1)
        out.append(since)
    return out


def _first_valid_email(emails: list[str]) -> str | None:
    """The first address that looks like one; an error only if none of them does."""
    first_error = None
    for e in emails:
        if not e.strip():
            continue
        try:
            return dc.check_email(e)
        except UsageError as err:
            first_error = first_error or err
    if first_error is not None:
        raise first_error
    return None


def _clean(value: str | None, what: str) -> str | None:
    return one_line(value or "", what) or None


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None
