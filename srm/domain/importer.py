"""`srm import`: contacts from vCard, CSV and srm JSON files, in one all-or-nothing transaction.

Every record is parsed and checked first, without any lock: parsing 10,000 vCards takes
seconds, and other srm processes must be able to write meanwhile. A bad record then aborts the
import with its place and the reason, and the store is unchanged (`skip_invalid` rejects just
that record instead). The writes are one short transaction, which also looks for duplicates:
another process may have added the same person while the file was read. A dry run does all the
same work and rolls back. Contacts are inserted in bulk here rather than through
`contacts.add`, which re-reads each contact and whose handle lookup scans the table: 10,000 cards
must import in seconds. Handles come from `contacts.pick_handle` over the taken handles, kept in memory.

Nothing is dropped silently: whatever a record holds that srm can't keep (a photo, a GEO, an
unmapped CSV column, an email that isn't one) is counted per field in the summary, and listed
per record with `verbose`.

Which contact a record is: the same vCard UID (srm's own urn:uuid:…, or the UID of a phone's or
khard's card it was imported from) is the same card; a card with a newer REV than the contact's
last change updates its fields. Else a shared email is the same person; a name alone (case and
accents folded) only with another signal that agrees (a phone, the organisation, or the very
same spelling) and none that disagrees (other emails, another organisation). A name that only
folds to the same (Mäx and Max) with nothing else to go on is asked about (`Options.same`), or
imported as another person and listed as a possible duplicate.
"""

from __future__ import annotations

import math
import sqlite3
import uuid as uuidlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from srm import cadence as cad
from srm.config import Config
from srm.dates import MAX_DATE, MIN_DATE, RANGE, check_range, parse_month_day
from srm.domain import contacts as dc
from srm.domain import details as dd
from srm.domain import segments as seg
from srm.domain.common import NAME_MAX, new_uuid, note_text, now_utc, one_line
from srm.domain.important_dates import normalise_label
from srm.errors import ImportError_, NotFound, SrmError, UsageError
from srm.store.db import Store

FORMATS = ("auto", "vcard", "linkedin", "google", "outlook", "csv", "json")
ON_DUPLICATE = ("skip", "merge", "new")
Step = tuple[str, str, Any]  # ("skip", where, reason) or ("contact", where, fields)
# The fields of a contact a vCard describes: a newer card replaces them all.
CARD_FIELDS = ("name", "nickname", "org", "team", "role", "note")


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
    verbose: bool = False  # list what couldn't be kept per record
    # Records whose name only folds to a contact's (Mäx / Max) with nothing else to compare:
    # where → True (the same person) or False; unanswered ones are imported as new people.
    same: dict[str, bool] = field(default_factory=dict)


@dataclass
class Source:
    """A parsed import file: its format, how many items it holds, and the items themselves."""

    name: str
    format: str
    total: int
    items: Iterator[dict]
    ignored_columns: list[str] = field(default_factory=list)


@dataclass
class Question:
    """A record whose name only folds to a contact's: is it that person?"""

    where: str
    name: str  # the record's
    fields: dict  # the record's email, phone, org, for the person asked
    contact: dict  # {id, handle, name, email, phone, org}


@dataclass
class Summary:
    file: str
    format: str
    dry_run: bool
    created: int = 0
    merged: int = 0
    unchanged: int = 0  # cards already here (same UID), not newer than the contact
    linked: int = 0  # contacts that now carry the UID of a card they matched by email or name
    skipped: list[dict] = field(default_factory=list)  # {"where", "reason"}
    rejected: list[dict] = field(default_factory=list)  # {"where", "reason"}
    updated: list[dict] = field(default_factory=list)  # {"where", "contact", "changes"}
    possible: list[dict] = field(default_factory=list)  # {"where", "contact", "command"}
    records: dict[str, dict[str, int]] = field(default_factory=dict)  # json: section → counts
    ignored_columns: list[str] = field(default_factory=list)
    dropped: Counter = field(default_factory=Counter)  # field → records it was dropped from
    dropped_records: list[dict] = field(default_factory=list)  # {"where", "fields"}

    def as_json(self, verbose: bool = False) -> dict:
        out = {
            "file": self.file,
            "format": self.format,
            "dry_run": self.dry_run,
            "created": self.created,
            "merged": self.merged,
            "updated": len(self.updated),
            "unchanged": self.unchanged,
            "linked": self.linked,
            "skipped": len(self.skipped),
            "rejected": len(self.rejected),
            "skipped_records": self.skipped,
            "rejected_records": self.rejected,
            "updated_records": self.updated,
            "possible_duplicates": self.possible,
            "records": self.records,
            "ignored_columns": self.ignored_columns,
            "dropped": [{"field": f, "records": n} for f, n in self.dropped.most_common()],
        }
        if verbose:
            out["dropped_records"] = self.dropped_records
        return out


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


def load_dir(folder: Path, fmt: str = "auto") -> Source:
    """A vdir: a folder with one vCard per .vcf file (as khard, vdirsyncer and DAVx5 keep them)."""
    from srm.formats import vcard
    from srm.formats.text import decode

    if fmt not in ("auto", "vcard"):
        raise UsageError(f"{folder} is a folder: srm reads a folder of vCards (.vcf), not {fmt}")
    try:
        files = sorted(
            p for p in folder.iterdir() if p.suffix.lower() == ".vcf" and not p.name.startswith(".")
        )
    except OSError as e:
        raise ImportError_(f"can't read {folder}: {e.strerror or e}") from None
    if not files:
        raise ImportError_(
            f"{folder} has no .vcf files: srm import reads a folder of vCards (a vdir, as"
            " vdirsyncer and khard keep them)"
        )
    cards = []
    for path in files:
        try:
            text = decode(path.read_bytes(), path.name)
        except OSError as e:
            raise ImportError_(f"can't read {path}: {e.strerror or e}") from None
        for card in vcard.split_cards(text, path.name):
            card.file = path.name
            cards.append(card)
    return Source(folder.name or str(folder), "vcard", len(cards), vcard.card_records(cards))


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


@dataclass
class Prepared:
    """A file's records, parsed and checked without a lock: what `run` writes."""

    source: Source
    summary: Summary
    steps: list[Step]
    extra_segments: list[int]
    extra_tags: list[str]


def prepare(store: Store, source: Source, options: Options) -> Prepared:
    """Parse and check every record (no lock is taken); a bad record raises here."""
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
        steps = _prepare(source, checker, summary, options)
    return Prepared(source, summary, steps, extra_segments, extra_tags)


def questions(store: Store, prepared: Prepared, options: Options) -> list[Question]:
    """The records whose name only folds to a contact's, with nothing else to compare: ask
    the person (before `run` takes the lock) and put the answers in `options.same`."""
    if options.on_duplicate == "new":
        return []
    index = _Index(store.conn)
    out = []
    for kind, where, fields in prepared.steps:
        if kind != "contact":
            continue
        match = index.find(fields)
        if match is not None and match[2] == "uncertain":
            c = index.people[match[0]]
            out.append(Question(where, fields["name"], fields, c))
    return out


def run(
    store: Store,
    config: Config,
    source: Source | Prepared,
    options: Options,
    progress: Callable[[], None] | None = None,
) -> Summary:
    """Import every item of `source`; all of it lands, or (on a bad record) none of it."""
    prepared = source if isinstance(source, Prepared) else prepare(store, source, options)
    summary = prepared.summary
    try:
        with store.write() as conn:
            job = _Import(
                conn, config, options, summary, prepared.extra_segments, prepared.extra_tags
            )
            # Who imports owns what is new (team mode); one who joins the team with this
            # import and is in the file becomes the member the file knows.
            job.member_id, job.joined = store.member_id, store.joined
            if prepared.source.format == "json":
                sections = _Sections(job)
                for item in prepared.source.items:
                    sections.add(item)
                    if progress:
                        progress()
            else:
                job.check_segments(prepared.steps)
                for kind, where, value in prepared.steps:
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


def _prepare(source: Source, checker: _Checker, summary: Summary, options: Options) -> list[Step]:
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
                fields = checker.fields(record)
            except SrmError as e:
                error = str(e)
            else:
                steps.append(("contact", where, fields))
                _count_dropped(summary, where, fields["dropped"])
                continue
        _reject(summary, checker.options, where, error)
    return steps


def _count_dropped(summary: Summary, where: str, dropped: list[tuple[str, str]]) -> None:
    if not dropped:
        return
    summary.dropped.update({f for f, _ in dropped})
    summary.dropped_records.append(
        {"where": where, "fields": [f"{f} ({why})" if why else f for f, why in dropped]}
    )


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
        dropped = [(f, "") for f in record.get("dropped", [])]
        lists = self.details(record, dropped)
        email = lists["emails"][0]["value"] if lists["emails"] else None
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
        dates = []
        for d in record["dates"]:
            try:
                dates.append({**d, "label": normalise_label(d["label"])})
            except UsageError as e:
                dropped.append((f"date {d['label'][:40]}", str(e)))
        return {
            "name": name,
            "nickname": _clean(record.get("nickname"), "the nickname"),
            "email": email,
            "phone": lists["phones"][0]["value"] if lists["phones"] else None,
            "details": lists,
            "org": _clean(record["org"], "the organisation"),
            "team": _clean(record["team"], "the team"),
            "role": _clean(record["role"], "the role"),
            "cadence": cad.normalise(own_cadence) if own_cadence else None,
            "since": record["since"],
            "connected_on": record["connected_on"],
            "note": note_text("\n\n".join(n.strip() for n in record["notes"] if n.strip())),
            "segment_ids": segment_ids,
            "tags": list(dict.fromkeys(dc.normalise_tags(record["tags"]) + self.extra_tags)),
            "dates": dates,
            "uid": _clean(record.get("uid"), "the UID"),
            "rev": record.get("rev"),
            "keep": record.get("keep") or {},
            "dropped": dropped,
        }

    @staticmethod
    def details(record: dict, dropped: list[tuple[str, str]]) -> dict[str, list[dict]]:
        """Each email, phone, web page, profile and address checked; one that isn't what it
        says is dropped and reported, except that emails of which none is valid reject the
        record (a column of something else mapped as email)."""
        out: dict[str, list[dict]] = {}
        for kind, name in dd.LISTS.items():
            out[name] = []
            first_error = None
            for e in record.get(name, []):
                try:
                    label = e["label"] if kind != "social" else (e["label"] or None)
                    out[name].append(dd.entry(kind, e["value"], label, e["preferred"]))
                except UsageError as err:
                    first_error = first_error or err
                    dropped.append((kind, f"{e['value'][:60]!r}: {err}"))
            if kind == "email" and first_error is not None and not out[name]:
                raise first_error
            out[name] = dd.normalise(kind, out[name])
        out[dd.ADDRESSES] = []
        for a in record.get(dd.ADDRESSES, []):
            try:
                parts = {p: a[p] for p in dd.ADDRESS_PARTS}
                out[dd.ADDRESSES].append(dd.address(a["label"], **parts, preferred=a["preferred"]))
            except UsageError as err:
                dropped.append(("address", str(err)))
        out[dd.ADDRESSES] = dd.normalise("address", out[dd.ADDRESSES])
        return out

    def segment_id(self, name: str) -> int:
        key = seg.normalise_name(name)
        if key not in self.segments:
            raise NotFound(f"no segment named {name!r} (srm segment add {key} creates it)")
        return self.segments[key][0]


def _same_spelling(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def _uuid_of(uid: str | None) -> str | None:
    """The uuid in srm's own UID form, urn:uuid:<uuid>, else None."""
    if not uid or not uid.lower().startswith("urn:uuid:"):
        return None
    try:
        return str(uuidlib.UUID(uid[9:]))
    except ValueError:
        return None


class _Index:
    """The contacts a record may be: by card UID, by email, by folded name, with the signals
    (phones, organisation, spelling) that tell namesakes apart."""

    def __init__(self, conn: sqlite3.Connection):
        self.by_uid: dict[str, int] = {}
        self.by_email: dict[str, int] = {}
        self.by_name: dict[str, list[int]] = {}
        self.emails: dict[int, set[str]] = {}
        self.phones: dict[int, set[str]] = {}
        self.people: dict[int, dict] = {}  # id → {id, handle, name, email, phone, org}
        self.created: set[int] = set()  # added by this import
        for cid, handle, name, email, phone, org, uid, card_uid in conn.execute(
            "SELECT id, handle, name, email, phone, org, uuid, card_uid FROM contact"
        ):
            self.add(cid, handle, name, org, email=email, phone=phone)
            self.by_uid[f"urn:uuid:{uid}"] = cid
            if card_uid:
                self.by_uid[card_uid] = cid
        for cid, kind, value in conn.execute(
            "SELECT contact_id, kind, value FROM contact_detail WHERE kind IN ('email', 'phone')"
            " ORDER BY contact_id, kind, position"
        ):
            self.remember(cid, kind, value)

    def add(self, cid: int, handle: str, name: str, org: str | None, **preferred) -> None:
        self.people[cid] = {"id": cid, "handle": handle, "name": name, "org": org, **preferred}
        self.emails.setdefault(cid, set())
        self.phones.setdefault(cid, set())
        key = dc.name_key(name)
        if key:
            self.by_name.setdefault(key, []).append(cid)

    def remember(self, cid: int, kind: str, value: str) -> None:
        key = dd.key(kind, value)
        if kind == "email":
            self.emails[cid].add(key)
            self.by_email.setdefault(key, cid)
        else:
            self.phones[cid].add(key)

    def forget_name(self, cid: int) -> None:
        for ids in self.by_name.values():
            if cid in ids:
                ids.remove(cid)

    def find(self, fields: dict, *, within_file: bool = True) -> tuple[int, str, str] | None:
        """(contact id, why, how) for the contact this record is, or None; how is "uid",
        "email", "name" or "uncertain" (a name that only folds to theirs, nothing to compare).

        `within_file` False looks only at contacts that were here before the import: the
        contacts of one srm export are distinct people even when they share a name.
        """
        uid = fields.get("uid")
        if uid and uid in self.by_uid:
            return self.by_uid[uid], "same card (UID)", "uid"
        mine = {dd.key("email", e["value"]) for e in fields["details"]["emails"]}
        for e in mine:
            cid = self.by_email.get(e)
            if cid is not None and (within_file or cid not in self.created):
                return cid, "same email", "email"
        phones = {dd.key("phone", p["value"]) for p in fields["details"]["phones"]}
        org = dc.name_key(fields["org"]) or None
        unsure = None
        for cid in list(self.by_name.get(dc.name_key(fields["name"]), [])):
            if not within_file and cid in self.created:
                continue
            theirs = self.people[cid]
            their_org = dc.name_key(theirs["org"]) or None
            if (mine and self.emails[cid] and not mine & self.emails[cid]) or (
                org and their_org and org != their_org
            ):
                continue  # other emails or another organisation: another person
            if phones & self.phones[cid]:
                return cid, "same name and phone", "name"
            if org and org == their_org:
                return cid, "same name and organisation", "name"
            if _same_spelling(fields["name"], theirs["name"]):
                return cid, "same name", "name"
            if unsure is None and not (cid in self.created and within_file):
                unsure = cid
        if unsure is not None:
            return unsure, "a name that differs only in accents or punctuation", "uncertain"
        return None


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
        self.index = _Index(conn)
        self.taken: set[str] = {p["handle"] for p in self.index.people.values()}
        self.uuids: set[str] = {r[0] for r in conn.execute("SELECT uuid FROM contact")}
        self.suffixes: dict[str, int] = {}  # the next free -N of a handle base
        self.segments = _segments(conn)
        self.segment_cadences = dict(self.segments.values())
        self.check = _Checker(options, self.segments, extra_segments, extra_tags)
        self.staggered: list[tuple[int, cad.Cadence]] = []
        self.member_id: int | None = None
        self.joined = False
        # New contacts' details, segments, tags and dates, inserted a table at a time (flush)
        # rather than a statement per contact and table.
        self.pending: list[tuple[int, dict]] = []
        self.pending_links: list[tuple[int, dict]] = []

    def flush(self) -> None:
        """Insert what is pending (before anything reads a contact's records back)."""
        if self.pending:
            dd.insert(self.conn, self.pending)
            self.pending.clear()
        if self.pending_links:
            self._link_all(self.pending_links)
            self.pending_links.clear()

    # --- records ---------------------------------------------------------------------------

    def contact(self, where: str, fields: dict) -> None:
        """Create, update, merge or skip one checked contact of a vCard or CSV file."""
        found = self.index.find(fields)
        how = found[2] if found else None
        if how == "uid" and fields["rev"] is not None:
            self.update_from_card(where, found[0], fields)
        elif how == "uncertain" and self.options.same.get(where) is not True:
            cid = self.create(fields)
            if where not in self.options.same:  # nobody was asked: say so
                other, mine = self.index.people[found[0]], self.index.people[cid]
                self.summary.possible.append(
                    {
                        "where": where,
                        "contact": {k: mine[k] for k in ("id", "handle", "name")},
                        "like": {k: other[k] for k in ("id", "handle", "name")},
                        "command": f"srm merge @{other['handle']} @{mine['handle']}",
                    }
                )
        elif found is not None and self.options.on_duplicate != "new":
            self.duplicate(where, found[:2], fields)
        else:
            self.create(fields, fields["keep"])

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
        self.link(cid, fields.get("uid"))
        if self.options.on_duplicate == "merge":
            self.merge(cid, fields)
            self.summary.merged += 1
        else:
            self.skip(where, f"duplicate of {self.index.people[cid]['handle']} ({why})")

    def skip(self, where: str, reason: str) -> None:
        self.summary.skipped.append({"where": where, "reason": reason})

    def reject(self, where: str, reason: str) -> None:
        _reject(self.summary, self.options, where, reason)

    def find_duplicate(self, fields: dict, *, within_file: bool = True) -> tuple[int, str] | None:
        found = self.index.find(fields, within_file=within_file)
        return None if found is None or found[2] == "uncertain" else found[:2]

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
        uid = fields.get("uid")
        own = _uuid_of(uid)
        uuid = keep.get("uuid") or own
        uuid = uuid if uuid and uuid not in self.uuids else new_uuid()
        card_uid = keep.get("card_uid") or uid
        if card_uid == f"urn:uuid:{uuid}" or card_uid in self.index.by_uid:
            card_uid = None
        rev = fields.get("rev")
        changed = keep.get("updated_at") or (_stamp(rev) if rev else None) or self.now
        row = {
            "uuid": uuid,
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
            "updated_at": changed,
            "nickname": fields["nickname"],
            "card_uid": card_uid,
            # An export's own owner (or none) when it names one; else who adds them here.
            "owner_id": keep.get("owner_id", self.member_id),
        }
        cid = self.conn.execute(
            f"INSERT INTO contact ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
            tuple(row.values()),
        ).lastrowid
        self.pending.append((cid, fields["details"]))
        self.pending_links.append((cid, fields))
        self.uuids.add(uuid)
        self.taken.add(handle)
        self.index.add(cid, handle, fields["name"], fields["org"], email=fields["email"],
                       phone=fields["phone"])  # fmt: skip
        self.index.created.add(cid)
        self.index.by_uid[f"urn:uuid:{uuid}"] = cid
        if card_uid:
            self.index.by_uid[card_uid] = cid
        for kind, name in (("email", "emails"), ("phone", "phones")):
            for e in fields["details"][name]:
                self.index.remember(cid, kind, e["value"])
        self.summary.created += 1
        if self.options.stagger and fields["since"] is None:
            own_cadence = fields["cadence"]
            effective = cad.effective(
                own_cadence,
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

    def link(self, cid: int, uid: str | None) -> None:
        """A card matched by email or name: the contact takes its UID if it has none of a card,
        so that an export writes the contact back into that card, not beside it."""
        if not uid or uid in self.index.by_uid or _uuid_of(uid):
            return
        cur = self.conn.execute(
            "UPDATE contact SET card_uid = ? WHERE id = ? AND card_uid IS NULL", (uid, cid)
        )
        if cur.rowcount:
            self.index.by_uid[uid] = cid
            self.summary.linked += 1

    def merge(self, cid: int, fields: dict) -> None:
        """Fill the existing contact's empty fields; add details, segments, tags and dates."""
        self.conn.execute(
            "UPDATE contact SET org = coalesce(org, ?), team = coalesce(team, ?),"
            " role = coalesce(role, ?), cadence = coalesce(cadence, ?),"
            " connected_on = coalesce(connected_on, ?), nickname = coalesce(nickname, ?),"
            " note = CASE WHEN note = '' THEN ? ELSE note END, updated_at = ? WHERE id = ?",
            (
                fields["org"],
                fields["team"],
                fields["role"],
                fields["cadence"],
                _iso(fields["connected_on"]),
                fields["nickname"],
                fields["note"],
                self.now,
                cid,
            ),
        )
        self.flush()
        have = dd.load(self.conn, [cid])[cid]
        dd.write(
            self.conn,
            cid,
            {
                name: dd.union(kind, have[name], fields["details"][name])
                for kind, name in (*dd.LISTS.items(), ("address", dd.ADDRESSES))
            },
        )
        for kind, name in (("email", "emails"), ("phone", "phones")):
            for e in fields["details"][name]:
                self.index.remember(cid, kind, e["value"])
        self._link(cid, {**fields, "dates": self._new_dates(cid, fields["dates"])})

    def _new_dates(self, cid: int, dates: list[dict]) -> list[dict]:
        """The dates not already here (same label, any case, and day); a year fills a gap."""
        have = {
            (r[1].casefold(), r[3], r[4]): (r[0], r[2])
            for r in self.conn.execute(
                "SELECT id, label, year, month, day FROM important_date WHERE contact_id = ?",
                (cid,),
            )
        }
        new = []
        for d in dates:
            twin = have.get((d["label"].casefold(), d["month"], d["day"]))
            if twin is None:
                new.append(d)
            elif twin[1] is None and d["year"] is not None:
                self.conn.execute(
                    "UPDATE important_date SET year = ? WHERE id = ?", (d["year"], twin[0])
                )
        return new

    def update_from_card(self, where: str, cid: int, fields: dict) -> None:
        """The same card again: if its REV is newer than the contact's last change, its fields
        (not only the empty ones) become the contact's; else it is skipped."""
        row = self.conn.execute(
            "SELECT id, uuid, handle, name, nickname, org, team, role, note, updated_at"
            " FROM contact WHERE id = ?",
            (cid,),
        ).fetchone()
        rev = fields.get("rev")
        ref = {k: row[k] for k in ("id", "uuid", "handle", "name")}
        if rev <= datetime.fromisoformat(row["updated_at"]):
            self.summary.unchanged += 1  # srm has this card, or a later state of it
            return
        self.flush()
        changes: dict[str, dict] = {}
        sets = {}
        for name in CARD_FIELDS:
            new = fields[name]
            if (row[name] or None) != (new or None):
                changes[name] = {"from": row[name], "to": new}
                sets[name] = new if name != "note" else (new or "")
        have = dd.load(self.conn, [cid])[cid]
        for name in (*dd.LISTS.values(), dd.ADDRESSES):
            kind = next((k for k, n in dd.LISTS.items() if n == name), "address")
            new = dd.normalise(kind, fields["details"][name])
            if new != have[name]:
                shown = dd.one_line_address if kind == "address" else (lambda e: e["value"])
                before, after = [shown(e) for e in have[name]], [shown(e) for e in new]
                changes[name] = {
                    "added": [v for v in after if v not in before],
                    "removed": [v for v in before if v not in after],
                }
                if not changes[name]["added"] and not changes[name]["removed"]:
                    changes[name] = {"order": after}  # a label or the preferred one changed
        tags = set(fields["tags"]) - set(self.extra_tags)
        mine = {r[0] for r in self.conn.execute(
            "SELECT tag FROM contact_tag WHERE contact_id = ?", (cid,))}  # fmt: skip
        if tags != mine:
            changes["tags"] = {"added": sorted(tags - mine), "removed": sorted(mine - tags)}
        date_changes = self._card_dates(cid, fields["dates"])
        if date_changes:
            changes["dates"] = date_changes
        if not changes:
            self.summary.unchanged += 1
            return
        # The contact changed now, and at least as late as the card says it did (a phone's
        # clock ahead of this one's must not make the card look newer than what srm keeps).
        sets["updated_at"] = max(self.now, _stamp(rev))
        self.conn.execute(
            f"UPDATE contact SET {', '.join(f'{k} = ?' for k in sets)} WHERE id = ?",
            (*sets.values(), cid),
        )
        if "name" in sets:
            self.index.forget_name(cid)
            self.index.add(cid, row["handle"], sets["name"], fields["org"])
        dd.write(self.conn, cid, fields["details"])
        for kind, name in (("email", "emails"), ("phone", "phones")):
            for e in fields["details"][name]:
                self.index.remember(cid, kind, e["value"])
        if "tags" in changes:
            self.conn.executemany(
                "DELETE FROM contact_tag WHERE contact_id = ? AND tag = ?",
                [(cid, t) for t in changes["tags"]["removed"]],
            )
            self.conn.executemany(
                "INSERT INTO contact_tag (contact_id, tag) VALUES (?, ?)",
                [(cid, t) for t in changes["tags"]["added"]],
            )
        self._link(cid, {**fields, "tags": [], "dates": []})
        self.summary.updated.append({"where": where, "contact": ref, "changes": changes})

    def _card_dates(self, cid: int, dates: list[dict]) -> dict:
        """Make the contact's dates the card's: the same label and day stays (its year set as
        the card says), others are added or removed. What changed, as text."""
        have = {
            (r[1].casefold(), r[3], r[4]): (r[0], r[1], r[2])
            for r in self.conn.execute(
                "SELECT id, label, year, month, day FROM important_date WHERE contact_id = ?",
                (cid,),
            )
        }
        added, removed, changed = [], [], []
        seen = set()
        for d in dates:
            k = (d["label"].casefold(), d["month"], d["day"])
            seen.add(k)
            text = _date_text(d["label"], d["year"], d["month"], d["day"])
            if k not in have:
                added.append(text)
                self.conn.execute(
                    "INSERT INTO important_date (uuid, contact_id, label, year, month, day)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (new_uuid(), cid, d["label"], d["year"], d["month"], d["day"]),
                )
            elif have[k][2] != d["year"]:
                changed.append(text)
                self.conn.execute(
                    "UPDATE important_date SET year = ? WHERE id = ?", (d["year"], have[k][0])
                )
        for k, (did, label, year) in have.items():
            if k not in seen:
                removed.append(_date_text(label, year, k[1], k[2]))
                self.conn.execute("DELETE FROM important_date WHERE id = ?", (did,))
        out = {"added": added, "removed": removed, "changed": changed}
        return {k: v for k, v in out.items() if v}

    def _link(self, cid: int, fields: dict) -> None:
        self._link_all([(cid, fields)])

    def _link_all(self, contacts: list[tuple[int, dict]]) -> None:
        """Segments, tags and dates of these contacts."""
        self.conn.executemany(
            "INSERT INTO contact_segment (contact_id, segment_id) VALUES (?, ?)"
            " ON CONFLICT DO NOTHING",
            [(cid, s) for cid, fields in contacts for s in fields["segment_ids"]],
        )
        self.conn.executemany(
            "INSERT INTO contact_tag (contact_id, tag) VALUES (?, ?) ON CONFLICT DO NOTHING",
            [(cid, t) for cid, fields in contacts for t in fields["tags"]],
        )
        self.conn.executemany(
            "INSERT INTO important_date (uuid, contact_id, label, year, month, day)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [
                (new_uuid(), cid, d["label"], d["year"], d["month"], d["day"])
                for cid, fields in contacts
                for d in fields["dates"]
            ],
        )

    def finish(self) -> None:
        """Insert what is pending; spread the first check-ins of the new contacts over one
        cadence (--stagger)."""
        self.flush()
        groups: dict[cad.Cadence, list[int]] = {}
        for cid, cadence in self.staggered:
            groups.setdefault(cadence, []).append(cid)
        start = self.options.since
        updates = []
        for cadence, ids in groups.items():
            for cid, since in zip(ids, stagger(start, cadence, len(ids)), strict=True):
                updates.append((since.isoformat(), cid))
        self.conn.executemany("UPDATE contact SET since = ? WHERE id = ?", updates)


def _date_text(label: str, year: int | None, month: int, day: int) -> str:
    return (
        f"{label} {year:04d}-{month:02d}-{day:02d}" if year else f"{label} --{month:02d}-{day:02d}"
    )


def _stamp(moment: datetime) -> str:
    """An aware datetime as srm stores timestamps: UTC, seconds, +00:00."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


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
            **{k: rec.get(k) for k in ("name", "nickname", "org", "team", "role", "cadence")},
            "where": rec["where"],
            "notes": [],
            "tags": _list(rec, "tags"),
            "segments": [],
            "since": _date(rec, "since", required=True),
            "connected_on": _date(rec, "connected_on"),
            "dates": [],
        }
        if any(name in rec for name in (*dd.LISTS.values(), dd.ADDRESSES)):
            record.update(dd.from_json(rec))
        else:  # an export from before srm kept several emails and phones
            record["emails"] = [dd.entry("email", rec["email"])] if rec.get("email") else []
            record["phones"] = [dd.entry("phone", rec["phone"])] if rec.get("phone") else []
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
            "card_uid": _text(rec, "card_uid") if rec.get("card_uid") else None,
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

    def distinct_pairs(self, rec: dict) -> None:
        people = _list(rec, "contacts")
        if len(people) != 2 or not all(isinstance(u, str) for u in people):
            raise ValueError("'contacts' must name two contacts by uuid")
        a, b = sorted(self._contact(u) for u in people)
        if a == b:
            raise ValueError("both of its contacts are one contact here")
        decided_on = _iso(_date(rec, "decided_on", required=True))
        if self.conn.execute(
            "SELECT 1 FROM distinct_pair WHERE uuid = ? OR (contact_id = ? AND other_id = ?)",
            (rec["uuid"], a, b),
        ).fetchone():
            self.job.count("distinct_pairs", "present")
            return
        self._insert(
            "distinct_pairs",
            "distinct_pair",
            {
                "uuid": rec["uuid"],
                "contact_id": a,
                "other_id": b,
                "decided_on": decided_on,
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


def _clean(value: str | None, what: str) -> str | None:
    return one_line(value or "", what) or None


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None
