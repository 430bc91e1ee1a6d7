"""`srm export`: the store as srm JSON, CSV (srm's, Google's, Outlook's), vCard or iCalendar.

Exports read with cursors and write a record at a time, so a store with a million interactions
exports in constant memory. An export covers the whole store, one person (everything stored
about them, for a data-protection access request) or one segment. vCard and iCalendar can also
go to a vdir folder, one file per item (`export_vdir`, srm.domain.vdir).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TextIO

from srm.config import Config
from srm.domain import contacts as dc
from srm.domain import details as dd
from srm.domain import schedule
from srm.domain import segments as seg
from srm.domain.common import now_utc
from srm.errors import UsageError
from srm.store.db import Store

FORMATS = ("json", "csv", "google-csv", "outlook-csv", "vcard", "ics")
_SUFFIXES = {".json": "json", ".csv": "csv", ".vcf": "vcard", ".vcard": "vcard", ".ics": "ics"}
_SEP = "\x1f"  # joins lists inside one SQL value (ASCII unit separator: never in names)
CONTACT_COLUMNS = (
    "uuid",
    "handle",
    "name",
    "nickname",
    "email",
    "phone",
    "emails",
    "phones",
    "urls",
    "socials",
    "addresses",
    "org",
    "team",
    "role",
    "segments",
    "tags",
    "dates",
    "cadence",
    "effective_cadence",
    "since",
    "connected_on",
    "last_interaction",
    "next_due",
    "snoozed_until",
    "archived_at",
    "card_uid",
    "note",
)
INTERACTION_COLUMNS = (
    "uuid",
    "date",
    "contacts",
    "handles",
    "channel",
    "kind",
    "sentiment",
    "summary",
    "note",
)


@dataclass
class Options:
    format: str
    today: date
    interactions: bool = False  # csv: one row per interaction
    todo: bool = False  # ics: VTODO instead of VEVENT
    vcard_version: str = "4.0"
    notes: list[str] | None = None  # what a format had no room for (google-csv, outlook-csv)


@dataclass
class Scope:
    """The contacts an export covers: all, one person, or one segment."""

    label: object  # "all", {"contact": ref} or {"segment": name}, as the JSON header says
    subquery: str | None = None  # SQL giving the contact ids; None: every contact
    params: tuple = ()

    def where(self, column: str) -> tuple[str, tuple]:
        """A condition limiting `column` (a contact id) to the scope, and its parameters."""
        if self.subquery is None:
            return "TRUE", ()
        return f"{column} IN ({self.subquery})", self.params


def scope(store: Store, *, contact: str | None = None, segment: str | None = None) -> Scope:
    if contact and segment:
        raise UsageError("use --contact or --segment, not both")
    if contact:
        c = dc.resolve(store, contact)
        return Scope({"contact": c.ref()}, "SELECT ?", (c.id,))
    if segment:
        s = seg.get(store, segment)
        return Scope(
            {"segment": s.name},
            "SELECT contact_id FROM contact_segment WHERE segment_id = ?",
            (s.id,),
        )
    return Scope("all")


def choose_format(fmt: str | None, output: Path | None) -> str:
    """The format asked for, else the one --output's extension names, else json."""
    if fmt is None:
        return _SUFFIXES.get(output.suffix.lower(), "json") if output else "json"
    kind = fmt.strip().lower()
    if kind not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    return kind


def check(options: Options, vdir: bool = False) -> None:
    """Options that don't go with the format: a usage error before anything is written."""
    if options.interactions and options.format != "csv":
        raise UsageError("--interactions is for --format csv (json always has them)")
    if options.todo and options.format != "ics":
        raise UsageError("--todo is for --format ics")
    if options.vcard_version not in ("4.0", "3.0"):
        raise UsageError(f"--vcard-version {options.vcard_version}: use 4.0 or 3.0")
    if options.vcard_version != "4.0" and options.format != "vcard":
        raise UsageError("--vcard-version is for --format vcard")
    if vdir and options.format not in ("vcard", "ics"):
        raise UsageError(
            f"--vdir writes one file per item: use --format vcard or ics, not {options.format}"
        )


def unit(options: Options, count: int) -> str:
    if options.format == "ics":
        return "calendar item" + ("s" if count != 1 else "")
    if options.interactions:
        return "interaction" + ("s" if count != 1 else "")
    return "contact" + ("s" if count != 1 else "")


def export(store: Store, config: Config, where: Scope, options: Options, out: TextIO) -> int:
    """Write the export to `out`; how many contacts (interactions, calendar items) it holds."""
    check(options)
    if options.format == "json":
        return _json(store, where, out)
    if options.format == "csv":
        if options.interactions:
            return _interactions_csv(store, where, out)
        return _contacts_csv(store, config, where, options.today, out)
    if options.format in ("google-csv", "outlook-csv"):
        from srm.formats import service_csv

        contacts = list(_full_contacts(store, where))
        write = service_csv.google if options.format == "google-csv" else service_csv.outlook
        options.notes = write(out, contacts)
        return len(contacts)
    if options.format == "vcard":
        return _vcard(store, where, options, out)
    return _ics(store, config, where, options, out)


def export_vdir(
    store: Store, config: Config, where: Scope, options: Options, folder: Path
) -> tuple[int, object]:
    """Mirror the export into a vdir folder, one .vcf or .ics per item (srm.domain.vdir);
    how many items, and what changed in the folder."""
    from srm.domain import vdir

    check(options, vdir=True)
    if options.format == "vcard":
        from srm.formats import vcard

        items = [
            vdir.Item(
                vcard.uid_of(c),
                vcard.write_card(c, options.vcard_version),
                c["name"],
                datetime.fromisoformat(c["updated_at"]),
            )
            for c in _full_contacts(store, where)
        ]
        ext, guard = ".vcf", True
    else:
        from srm.formats import ics

        stamp = datetime.now(UTC).replace(microsecond=0)
        items = [
            vdir.Item(i["uid"], ics.one(i, todo=options.todo, stamp=stamp), i["summary"])
            for i in _calendar_items(store, config, where, options.today, todo=options.todo)
        ]
        ext, guard = ".ics", False
    erased = {f"urn:uuid:{r[0]}" for r in store.conn.execute("SELECT contact_uuid FROM erasure")}
    result = vdir.sync(
        folder, items, ext=ext, database=store.path, guard_edits=guard, erased=erased
    )
    return len(items), result


# --- JSON ----------------------------------------------------------------------------------


def _json(store: Store, where: Scope, out: TextIO) -> int:
    from srm import __version__
    from srm.formats import srm_json

    counter = {"contacts": 0}

    def counted(rows: Iterator[dict]) -> Iterator[dict]:
        for row in rows:
            counter["contacts"] += 1
            yield row

    header = {
        "format": srm_json.FORMAT,
        "version": srm_json.VERSION,
        "exported_at": now_utc(),
        "srm_version": __version__,
        "scope": where.label,
    }
    sections = {
        "segments": _segments,
        "members": _members,
        "contacts": lambda s, w: counted(_contacts(s, w)),
        "important_dates": _important_dates,
        "ideas": _ideas,
        "interactions": _interactions,
        "followups": _followups,
        "goals": _goals,
        "stage_changes": _stage_changes,
        "handoffs": _handoffs,
        "distinct_pairs": _distinct_pairs,
    }
    srm_json.write(
        out, header, ((name, sections[name](store, where)) for name in srm_json.SECTIONS)
    )
    return counter["contacts"]


def _segments(store: Store, where: Scope) -> Iterator[dict]:
    cond, params = where.where("cs.contact_id")
    sql = "SELECT uuid, name, cadence, weight, description, created_at FROM segment"
    if where.subquery is not None:
        sql += f" WHERE id IN (SELECT cs.segment_id FROM contact_segment cs WHERE {cond})"
    for r in store.conn.execute(sql + " ORDER BY id", params):
        yield dict(r)


def _members(store: Store, where: Scope) -> Iterator[dict]:
    """The team (all of it; a scoped export: the members its records name)."""
    sql = "SELECT uuid, name, email, created_at FROM member"
    params: tuple = ()
    if where.subquery is not None:
        named = []
        for column, table, contact in (
            ("owner_id", "contact", "id"),
            ("made_by_id", "followup", "contact_id"),
            ("from_member_id", "handoff", "contact_id"),
            ("to_member_id", "handoff", "contact_id"),
            ("by_member_id", "handoff", "contact_id"),
        ):
            cond, more = where.where(contact)
            named.append(f"SELECT {column} FROM {table} WHERE {cond}")
            params += more
        cond, more = where.where("ic.contact_id")
        named.append(
            "SELECT logged_by_id FROM interaction WHERE id IN"
            f" (SELECT ic.interaction_id FROM interaction_contact ic WHERE {cond})"
        )
        params += more
        sql += f" WHERE id IN ({' UNION '.join(named)})"
    # By when they joined, not by id: a copy's ids may come in another order.
    for r in store.conn.execute(sql + " ORDER BY created_at, uuid", params):
        yield dict(r)


def _contacts(store: Store, where: Scope) -> Iterator[dict]:
    cond, params = where.where("c.id")
    sql = f"""
        SELECT c.*, m.uuid AS owner,
          (SELECT {_concat(store, "s.uuid")} FROM contact_segment cs
             JOIN segment s ON s.id = cs.segment_id WHERE cs.contact_id = c.id) AS segment_uuids,
          (SELECT {_concat(store, "t.tag")} FROM contact_tag t
             WHERE t.contact_id = c.id) AS tag_list
        FROM contact c LEFT JOIN member m ON m.id = c.owner_id WHERE {cond} ORDER BY c.id"""
    cursor = store.conn.execute(sql, params)
    while batch := cursor.fetchmany(500):  # details for 500 contacts in one query each
        lists = dd.load(store.conn, [r["id"] for r in batch])
        for r in batch:
            row = dict(r)
            del row["owner_id"]  # the owner is named by the member's UUID (`owner`)
            row["segments"] = _split(row.pop("segment_uuids"))
            row["tags"] = _split(row.pop("tag_list"))
            row.update(dd.as_json(lists[row.pop("id")]))
            yield row


def _concat(store: Store, expr: str) -> str:
    """The values of `expr` in one text, joined by _SEP."""
    return store.dialect.group_concat(expr, f"'{_SEP}'")


def _split(text: str | None) -> list[str]:
    return sorted(text.split(_SEP)) if text else []


def _important_dates(store: Store, where: Scope) -> Iterator[dict]:
    cond, params = where.where("d.contact_id")
    sql = f"""
        SELECT d.uuid, c.uuid AS contact, d.label, d.year, d.month, d.day
        FROM important_date d JOIN contact c ON c.id = d.contact_id WHERE {cond} ORDER BY d.id"""
    for r in store.conn.execute(sql, params):
        yield dict(r)


def _ideas(store: Store, where: Scope) -> Iterator[dict]:
    # One person's or one segment's export leaves out ideas for whole segments.
    cond, params = where.where("i.contact_id")
    sql = f"""
        SELECT i.uuid, c.uuid AS contact, s.uuid AS segment, i.text, i.status, i.created_on,
               i.closed_on
        FROM idea i LEFT JOIN contact c ON c.id = i.contact_id
        LEFT JOIN segment s ON s.id = i.segment_id WHERE {cond} ORDER BY i.id"""
    for r in store.conn.execute(sql, params):
        yield dict(r)


def _interactions(store: Store, where: Scope) -> Iterator[dict | str]:
    """Each interaction with the UUIDs of its contacts (within the scope)."""
    if where.subquery is None:
        return _all_interactions(store)
    return _scoped_interactions(store, where)


def _scoped_interactions(store: Store, where: Scope) -> Iterator[dict]:
    link_cond, link_params = where.where("ic.contact_id")
    idea_cond, idea_params = where.where("idea.contact_id")
    sql = f"""
        SELECT i.uuid, i.occurred_on, i.channel, i.kind, i.sentiment, i.summary, i.note,
          CASE WHEN {idea_cond} THEN idea.uuid END AS idea, i.created_at,
          (SELECT m.uuid FROM member m WHERE m.id = i.logged_by_id) AS logged_by,
          (SELECT {_concat(store, "c.uuid")} FROM interaction_contact ic
             JOIN contact c ON c.id = ic.contact_id
            WHERE ic.interaction_id = i.id AND {link_cond}) AS contact_uuids
        FROM interaction i LEFT JOIN idea ON idea.id = i.idea_id"""
    params = idea_params + link_params
    if where.subquery is not None:
        sql += (
            f" WHERE i.id IN (SELECT ic.interaction_id FROM interaction_contact ic"
            f" WHERE {link_cond})"
        )
        params += link_params
    for r in store.conn.execute(sql + " ORDER BY i.id", params):
        row = dict(r)
        row["contacts"] = _split(row.pop("contact_uuids"))
        yield row


def _all_interactions(store: Store) -> Iterator[str]:
    """The same for the whole store, as two scans side by side: interactions in id order and
    their links in the same order (the links' primary key), with contact, idea and member
    UUIDs from a dict. A lookup per interaction into the links and contacts made a 1M export
    take seconds. Each record comes already encoded (srm_json.interactions)."""
    from srm.formats.srm_json import interactions

    conn = store.conn
    contacts = dict(conn.execute("SELECT id, uuid FROM contact"))
    ideas = dict(conn.execute("SELECT id, uuid FROM idea"))
    members = dict(conn.execute("SELECT id, uuid FROM member"))
    links = conn.cursor()
    links.row_factory = None
    links.execute(
        "SELECT interaction_id, contact_id FROM interaction_contact ORDER BY interaction_id"
    )
    rows = conn.cursor()
    rows.row_factory = None
    rows.execute(
        "SELECT id, uuid, occurred_on, channel, kind, sentiment, summary, note, idea_id,"
        " created_at, logged_by_id FROM interaction ORDER BY id"
    )
    return interactions(rows, links, contacts, ideas, members)


def _followups(store: Store, where: Scope) -> Iterator[dict]:
    cond, params = where.where("f.contact_id")
    sql = f"""
        SELECT f.uuid, c.uuid AS contact, i.uuid AS interaction, f.text, f.due_on, f.status,
               f.created_on, f.closed_on,
               (SELECT m.uuid FROM member m WHERE m.id = f.made_by_id) AS made_by
        FROM followup f JOIN contact c ON c.id = f.contact_id
        LEFT JOIN interaction i ON i.id = f.interaction_id WHERE {cond} ORDER BY f.id"""
    for r in store.conn.execute(sql, params):
        yield dict(r)


def _goals(store: Store, where: Scope) -> Iterator[dict]:
    cond, params = where.where("g.contact_id")
    confirmations: dict[int, list[dict]] = {}
    for goal_id, uid, on in store.conn.execute(
        f"SELECT gc.goal_id, gc.uuid, gc.confirmed_on FROM goal_confirmation gc"
        f" JOIN goal g ON g.id = gc.goal_id WHERE {cond} ORDER BY gc.confirmed_on, gc.id",
        params,
    ):
        confirmations.setdefault(goal_id, []).append({"uuid": uid, "confirmed_on": on})
    sql = f"""
        SELECT g.id, g.uuid, c.uuid AS contact, g.text, g.status, g.recorded_on, g.closed_on
        FROM goal g JOIN contact c ON c.id = g.contact_id WHERE {cond} ORDER BY g.id"""
    for r in store.conn.execute(sql, params):
        row = dict(r)
        row["confirmations"] = confirmations.get(row.pop("id"), [])
        yield row


def _stage_changes(store: Store, where: Scope) -> Iterator[dict]:
    cond, params = where.where("sc.contact_id")
    sql = f"""
        SELECT sc.uuid, c.uuid AS contact, sc.from_stage, sc.stage, sc.changed_on
        FROM stage_change sc JOIN contact c ON c.id = sc.contact_id WHERE {cond}
        ORDER BY sc.id"""
    for r in store.conn.execute(sql, params):
        yield dict(r)


def _handoffs(store: Store, where: Scope) -> Iterator[dict]:
    cond, params = where.where("h.contact_id")
    sql = f"""
        SELECT h.uuid, c.uuid AS contact, f.uuid AS "from", t.uuid AS "to", b.uuid AS by,
               h.note, h.handed_on, h.created_at
        FROM handoff h JOIN contact c ON c.id = h.contact_id
        LEFT JOIN member f ON f.id = h.from_member_id LEFT JOIN member t ON t.id = h.to_member_id
        LEFT JOIN member b ON b.id = h.by_member_id WHERE {cond} ORDER BY h.id"""
    for r in store.conn.execute(sql, params):
        yield dict(r)


def _distinct_pairs(store: Store, where: Scope) -> Iterator[dict]:
    """Pairs marked different people (`srm distinct`) whose two contacts are both exported."""
    first, params = where.where("p.contact_id")
    second, more = where.where("p.other_id")
    sql = f"""
        SELECT p.uuid, a.uuid AS a, b.uuid AS b, p.decided_on, p.created_at
        FROM distinct_pair p JOIN contact a ON a.id = p.contact_id
        JOIN contact b ON b.id = p.other_id WHERE {first} AND {second} ORDER BY p.id"""
    for uid, a, b, decided_on, created_at in store.conn.execute(sql, params + more):
        yield {
            "uuid": uid,
            "contacts": [a, b],
            "decided_on": str(decided_on),
            "created_at": created_at,
        }


# --- CSV -----------------------------------------------------------------------------------


def _contact_rows(store: Store, where: Scope) -> list:
    cond, params = where.where("c.id")
    sql = f"""
        SELECT c.*,
          (SELECT {_concat(store, "s.name")} FROM contact_segment cs
             JOIN segment s ON s.id = cs.segment_id WHERE cs.contact_id = c.id) AS segment_names,
          (SELECT {_concat(store, "t.tag")} FROM contact_tag t
             WHERE t.contact_id = c.id) AS tag_list
        FROM contact c WHERE {cond} ORDER BY {store.dialect.nocase("c.name")}, c.id"""
    return store.conn.execute(sql, params).fetchall()


def _contacts_csv(store: Store, config: Config, where: Scope, today: date, out: TextIO) -> int:
    from srm.formats import contacts_csv

    rows = list(_full_contacts(store, where))
    ids = None if where.subquery is None else [r["id"] for r in rows]
    plans = schedule.schedules(store, config, today, contact_ids=ids, include_archived=True)
    writer = contacts_csv.writer(out)
    writer.writerow(CONTACT_COLUMNS)
    for r in rows:
        plan = plans.get(r["id"])
        writer.writerow(
            [
                r["uuid"],
                r["handle"],
                r["name"],
                r["nickname"],
                r["email"],
                r["phone"],
                contacts_csv.pack(r["emails"]),
                contacts_csv.pack(r["phones"]),
                contacts_csv.pack(r["urls"]),
                contacts_csv.pack(r["socials"]),
                contacts_csv.pack_addresses(r["addresses"]),
                r["org"],
                r["team"],
                r["role"],
                "; ".join(r["segments"]),
                "; ".join(r["tags"]),
                contacts_csv.pack_dates(r["dates"]),
                r["cadence"],
                str(plan.cadence) if plan and plan.cadence else "none",
                r["since"],
                r["connected_on"],
                plan.last.isoformat() if plan and plan.last else None,
                plan.due.isoformat() if plan and plan.due else None,
                r["snoozed_until"],
                r["archived_at"],
                r["card_uid"],
                r["note"],
            ]
        )
    return len(rows)


def _interactions_csv(store: Store, where: Scope, out: TextIO) -> int:
    from srm.formats import contacts_csv

    link_cond, link_params = where.where("ic.contact_id")
    people = _concat(store, f"c.name || '{_SEP}' || c.handle")
    sql = f"""
        SELECT i.uuid, i.occurred_on, i.channel, i.kind, i.sentiment, i.summary, i.note,
          (SELECT {people}
             FROM interaction_contact ic JOIN contact c ON c.id = ic.contact_id
            WHERE ic.interaction_id = i.id AND {link_cond}) AS people
        FROM interaction i"""
    params = link_params
    if where.subquery is not None:
        sql += (
            f" WHERE i.id IN (SELECT ic.interaction_id FROM interaction_contact ic"
            f" WHERE {link_cond})"
        )
        params = link_params * 2  # the scope appears in the select list and in the filter
    writer = contacts_csv.writer(out)
    writer.writerow(INTERACTION_COLUMNS)
    count = 0
    for r in store.conn.execute(sql + " ORDER BY i.occurred_on, i.id", params):
        people = r["people"].split(_SEP) if r["people"] else []
        pairs = sorted(zip(people[::2], people[1::2], strict=True))
        writer.writerow(
            [
                r["uuid"],
                r["occurred_on"],
                "; ".join(name for name, _ in pairs),
                "; ".join(handle for _, handle in pairs),
                r["channel"],
                r["kind"],
                r["sentiment"],
                r["summary"],
                r["note"],
            ]
        )
        count += 1
    return count


# --- vCard ---------------------------------------------------------------------------------


def _vcard(store: Store, where: Scope, options: Options, out: TextIO) -> int:
    from srm.formats import vcard

    count = 0
    for contact in _full_contacts(store, where):
        out.write(vcard.write_card(contact, options.vcard_version))
        count += 1
    return count


def _full_contacts(store: Store, where: Scope) -> Iterator[dict]:
    """Each contact with its tags, segments, dates and details (as srm.domain.details keeps
    them), ordered by name: what a card or an address book's CSV holds."""
    cond, params = where.where("contact_id")
    dates: dict[int, list[dict]] = {}
    for r in store.conn.execute(
        f"SELECT contact_id, label, year, month, day FROM important_date WHERE {cond}"
        " ORDER BY month, day, id",
        params,
    ):
        dates.setdefault(r[0], []).append(dict(r))
    rows = _contact_rows(store, where)
    lists = dd.load(store.conn, [r["id"] for r in rows])
    for r in rows:
        contact = dict(r)
        contact["tags"] = _split(r["tag_list"])
        contact["segments"] = _split(r["segment_names"])
        contact["dates"] = dates.get(r["id"], [])
        contact.update(lists[r["id"]])
        yield contact


# --- iCalendar -----------------------------------------------------------------------------


def _ics(store: Store, config: Config, where: Scope, options: Options, out: TextIO) -> int:
    from srm.formats import ics

    items = _calendar_items(store, config, where, options.today, todo=options.todo)
    return ics.write(out, items, todo=options.todo, stamp=datetime.now(UTC).replace(microsecond=0))


def _calendar_items(
    store: Store, config: Config, where: Scope, today: date, *, todo: bool = False
) -> list[dict]:
    """Check-ins and follow-ups, and (for a calendar, not a to-do list) dates that matter."""
    items = list(_checkin_items(store, config, where, today))
    items += _followup_items(store, where, today)
    if not todo:  # a task list (todoman, a CalDAV list of to-dos) takes no yearly events
        items += _date_items(store, where)
    return items


def _date_items(store: Store, where: Scope) -> list[dict]:
    """Dates that matter as yearly all-day events.

    With a year, the event starts on the date itself. Without one, srm makes none up: the event
    starts on the first occurrence on or after the day tracking of the contact began (its
    `since`), a day that happened, and which doesn't move from one export to the next.
    """
    from srm.dates import next_occurrence
    from srm.domain.important_dates import describe

    cond, params = where.where("d.contact_id")
    rows = store.conn.execute(
        f"SELECT d.uuid, d.label, d.year, d.month, d.day, c.name, c.since"
        f" FROM important_date d JOIN contact c ON c.id = d.contact_id"
        f" WHERE c.archived_at IS NULL AND {cond} ORDER BY d.month, d.day, d.id",
        params,
    )
    items = []
    for r in rows:
        if r["year"]:
            start = next_occurrence(r["month"], r["day"], date(r["year"], 1, 1))
        else:
            start = next_occurrence(r["month"], r["day"], date.fromisoformat(r["since"]))
        label = describe(r["label"], None)
        since = f", {r['year']}" if r["year"] else ""
        items.append(
            {
                "uid": f"date-{r['uuid']}@srm",
                "summary": f"{label[:1].upper()}{label[1:]}: {r['name']}",
                "description": f"{label[:1].upper()}{label[1:]} of {r['name']}{since}.",
                "date": start,
                "yearly": True,
                "feb29": (r["month"], r["day"]) == (2, 29),
            }
        )
    return items


def _checkin_items(store: Store, config: Config, where: Scope, today: date) -> Iterator[dict]:
    cond, params = where.where("id")
    people = {
        r["id"]: r
        for r in store.conn.execute(
            f"SELECT id, uuid, name FROM contact WHERE archived_at IS NULL AND {cond}", params
        )
    }
    ids = None if where.subquery is None else list(people)
    plans = schedule.schedules(store, config, today, contact_ids=ids)
    for cid, plan in sorted(plans.items(), key=lambda p: (p[1].due or today, p[0])):
        if plan.due is None or cid not in people:
            continue
        on = plan.due
        if plan.snoozed_until is not None and plan.snoozed_until >= max(on, today):
            on = plan.snoozed_until + timedelta(days=1)  # snoozed through that day
        last = plan.last.isoformat() if plan.last else "never"
        late = f"; overdue since {plan.due.isoformat()}" if plan.due < today else ""
        yield {
            "uid": f"checkin-{people[cid]['uuid']}@srm",
            "summary": f"Check in with {people[cid]['name']}",
            "description": f"Cadence {plan.cadence}; last interaction {last}{late}.",
            "date": max(on, today),
        }


def _followup_items(store: Store, where: Scope, today: date) -> list[dict]:
    cond, params = where.where("f.contact_id")
    rows = store.conn.execute(
        f"SELECT f.uuid, f.text, f.due_on, f.created_on, c.name FROM followup f"
        f" JOIN contact c ON c.id = f.contact_id WHERE f.status = 'open'"
        f" AND c.archived_at IS NULL AND {cond} ORDER BY f.due_on, f.id",
        params,
    )
    items = []
    for r in rows:
        due = date.fromisoformat(r["due_on"])
        late = f"; overdue since {r['due_on']}" if due < today else ""
        items.append(
            {
                "uid": f"followup-{r['uuid']}@srm",
                "summary": f"Follow up with {r['name']}: {r['text']}",
                "description": f"Promised on {r['created_on']}, due {r['due_on']}{late}.",
                "date": max(due, today),
            }
        )
    return items
