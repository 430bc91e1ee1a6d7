"""`srm capture`: interactions from your calendar and your sent mail, without typing.

A source is read whole first, without any lock (`calendar_occasions`, `mail_occasions`): each
event occurrence, or each mail thread on one day, becomes an *occasion* with the addresses of
the people in it, or is skipped with a reason. Then one short write transaction (`capture`)
matches the addresses with contacts, and for each occasion and contact either

- **created**: a new interaction, marked `captured` ('calendar' or 'mail'), for all the contacts
  of the occasion that need one;
- **added**: the contact joins the interaction an earlier capture made of the same occasion
  (they became a contact since);
- **linked**: an interaction logged by hand with that contact, on that day, on that channel,
  already tells it: the capture records the link and adds nothing;
- **already captured**, or **removed** (a captured interaction you removed is not brought back).

`capture_source` holds one row per occasion and contact (its source key: the event's UID, plus
the original date of an occurrence of a recurring event; the thread's first Message-ID and the
day for mail), which is what makes a second capture, or an overlapping export, add nothing.
Being one transaction, a capture is one `srm undo`. Mail bodies are never read, and the
subject is the only text kept.
"""

from __future__ import annotations

import json
import re
import sqlite3
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from srm.domain import contacts as dc
from srm.domain.common import LINE_MAX, new_uuid, now_utc, one_line
from srm.errors import ImportError_, UsageError
from srm.store.db import Store
from srm.store.dialect import dialect_of

KINDS = ("calendar", "mail")
SUGGEST_MIN = 3
PROBLEMS_KEPT = 100  # unreadable parts listed by place; past that, only counted

# Why an event or a message is not captured (the summary counts each).
OUTSIDE = "outside the dates"
NOT_YET = "hasn't happened yet"
CANCELLED = "cancelled"
ALL_DAY = "all-day (--all-day logs them)"
DECLINED = "declined by you"
ALONE = "no one else in it"
ALL_DECLINED = "everyone else declined"
UNREADABLE = "unreadable"
NO_CONTACT = "no contact in it"
NO_DATE = "no date"
NO_SENDER = "no sender"
RECEIVED = "received (--received logs mail from contacts)"
TO_SELF = "sent only to yourself"
NO_SUBJECT = "(subject not kept)"

# Reply and forward prefixes, in the languages mail clients write them: Re, Fwd, Fw, AW/WG
# (German), SV/VS (Nordic), Antw/Doorst (Dutch), TR/RV/ENC/RES (Romance), Odp (Polish), and
# numbered forms (Re[2]:, RE(3):).
_PREFIX = re.compile(
    r"^\s*(?:re|fwd?|aw|wg|sv|vs|antw|doorst|tr|rv|enc|res|odp|r)\s*(?:\[\d+\]|\(\d+\))?\s*:\s*",
    re.IGNORECASE,
)


@dataclass
class Options:
    since: date
    until: date
    dry_run: bool = False
    all_day: bool = False  # calendar: log all-day events too
    received: bool = False  # mail: log mail from contacts too, not only mail you sent
    subjects: bool = True  # mail: keep the subject as the summary
    now: datetime | None = None  # events that start later haven't happened (aware, local)

    def check(self) -> None:
        if self.since > self.until:
            raise UsageError(f"--since {self.since} is after --until {self.until}")


@dataclass(slots=True)
class Occasion:
    """One interaction to be: an event occurrence, or one mail thread on one day."""

    source: str
    day: date
    channel: str
    summary: str
    people: dict[str, str]  # address (lower case) → name as the source gives it


@dataclass(slots=True)
class Link:
    contact: dict  # {id, uuid, handle, name}
    action: str  # created, added, linked, already, removed
    interaction_id: int | None


@dataclass(slots=True)
class Outcome:
    occasion: Occasion
    links: list[Link]

    def as_json(self) -> dict:
        o = self.occasion
        return {
            "date": o.day.isoformat(),
            "channel": o.channel,
            "summary": o.summary,
            "source": o.source,
            "contacts": [
                {**link.contact, "action": link.action, "interaction_id": link.interaction_id}
                for link in self.links
            ],
        }


@dataclass
class Summary:
    kind: str
    source: str
    dry_run: bool
    since: date
    until: date
    read: int = 0  # events (series, overrides, single events) or messages read
    occasions: int = 0  # event occurrences or mail threads-days in the dates
    skipped: Counter = field(default_factory=Counter)
    problems: list[dict] = field(default_factory=list)  # unreadable parts: {where, reason}
    outcomes: list[Outcome] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(link.action == action for o in self.outcomes for link in o.links)

    @property
    def created(self) -> int:
        """Interactions created (one per occasion, whatever the number of contacts in it)."""
        return sum(any(link.action == "created" for link in o.links) for o in self.outcomes)

    def skip(self, reason: str) -> None:
        self.skipped[reason] += 1

    def problem(self, where: str, reason: str) -> None:
        self.skipped[UNREADABLE] += 1
        if len(self.problems) < PROBLEMS_KEPT:
            self.problems.append({"where": where, "reason": reason})

    def as_json(self, *, interactions: bool = True) -> dict:
        return {
            "kind": self.kind,
            "source": self.source,
            "dry_run": self.dry_run,
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "read": self.read,
            "occasions": self.occasions,
            "created": self.created,
            "added": self.count("added"),
            "linked": self.count("linked"),
            "already_captured": self.count("already"),
            "removed_before": self.count("removed"),
            "skipped": dict(self.skipped.most_common()),
            "problems": self.problems,
            "warnings": self.warnings,
            "interactions": [o.as_json() for o in self.outcomes] if interactions else [],
        }


# --- reading a calendar ------------------------------------------------------------------------


def calendar_files(source: str) -> tuple[str, list[tuple[str, bytes | Path]]]:
    """The files SOURCE names: one .ics file, a vdir folder of them, or '-' (standard input).

    Returns a name for the summary and (name, bytes or path) per file; a folder's files are
    read one at a time, as they are captured.
    """
    import sys

    if source == "-":
        return "standard input", [("standard input", sys.stdin.buffer.read())]
    from srm.formats.calendar_events import files_of

    path = Path(source).expanduser()
    try:
        if path.is_dir():
            files = files_of(path)
            if not files:
                raise ImportError_(f"{source} holds no .ics files (a vdir keeps one per event)")
            return path.name or source, [(f.name, f) for f in files]
        return path.name, [(path.name, path.read_bytes())]
    except OSError as e:
        raise ImportError_(f"can't read {source}: {e.strerror or e}") from None


def calendar_occasions(
    files: list[tuple[str, bytes | Path]],
    options: Options,
    mine: frozenset[str],
    summary: Summary,
    progress=None,
) -> list[Occasion]:
    """Read every file; the occurrences in the dates that are worth an interaction."""
    from srm.formats import calendar_events as ce

    start = datetime.combine(options.since, time())
    end = datetime.combine(options.until + timedelta(days=1), time())
    found = ce.Calendar()
    occasions: dict[str, Occasion] = {}
    several = len(files) > 1
    if several and progress is not None:
        progress.start(len(files))
    for name, content in files:
        if isinstance(content, Path):
            try:
                content = content.read_bytes()
            except OSError as e:
                summary.problem(name, f"can't read it ({e.strerror or e})")
                continue
        for item in ce.read(content, name, start, end, found, None if several else progress):
            if isinstance(item, ce.Problem):
                summary.problem(item.where, item.reason)
                continue
            occasion = _event(item, options, mine, summary)
            if occasion is None:
                continue
            known = occasions.get(occasion.source)
            if known is None:
                occasions[occasion.source] = occasion
            else:  # the same event in two files of a folder: one occasion
                for address, name_ in occasion.people.items():
                    known.people.setdefault(address, name_)
        if several and progress is not None:
            progress.advance(1)
    summary.read = found.events
    return list(occasions.values())


def _event(o, options: Options, mine: frozenset[str], summary: Summary) -> Occasion | None:
    day = local_day(o.start)
    if not options.since <= day <= options.until:
        return None  # the reader's window is a day wider than asked, for time zones
    summary.occasions += 1
    if options.now is not None and _later(o.start, options.now):
        summary.skip(NOT_YET)
        return None
    if o.cancelled:
        summary.skip(CANCELLED)
        return None
    if o.all_day and not options.all_day:
        summary.skip(ALL_DAY)
        return None
    invited = ([o.organizer] if o.organizer else []) + o.attendees
    if any(p.address in mine and p.answer == "DECLINED" for p in o.attendees):
        summary.skip(DECLINED)
        return None
    others = [p for p in invited if p.address not in mine]
    people = {p.address: p.name for p in others if p.answer != "DECLINED"}
    if not people:
        summary.skip(ALL_DECLINED if others else ALONE)
        return None
    return Occasion(
        source=f"calendar:{o.key}",
        day=day,
        channel="video" if o.video else "meeting",
        summary=_summary(o.title, "(no title)"),
        people=people,
    )


def local_day(when: date | datetime) -> date:
    """The date something happened in the local time zone; floating times are local already."""
    if not isinstance(when, datetime):
        return when
    return (when.astimezone() if when.tzinfo is not None else when).date()


def _later(start: date | datetime, now: datetime) -> bool:
    if not isinstance(start, datetime):
        return start > now.date()
    if start.tzinfo is None:
        return start > now.replace(tzinfo=None)
    return start > now


# --- reading mail ------------------------------------------------------------------------------


def mail_messages(source: str, progress=None) -> tuple[str, Iterator]:
    """The messages of an mbox file, a Maildir folder, or '-' (an mbox on standard input)."""
    import sys

    from srm.formats import mail

    if source == "-":
        return "standard input", _mbox(sys.stdin.buffer, "standard input", progress)
    path = Path(source).expanduser()
    if path.is_dir():
        if not any((path / sub).is_dir() for sub in ("cur", "new")):
            raise ImportError_(f"{source} is a folder but not a Maildir (no cur/ or new/ in it)")
        return path.name or source, mail.read_maildir(path, progress)
    try:
        stream = path.open("rb")
    except OSError as e:
        raise ImportError_(f"can't read {source}: {e.strerror or e}") from None
    if progress is not None:
        progress.start(path.stat().st_size)
    return path.name, _mbox(stream, path.name, progress, close=True)


def _mbox(stream, name: str, progress, close: bool = False) -> Iterator:
    from srm.formats import mail

    try:
        yield from mail.read_mbox(stream, name, progress)
    except ValueError as e:
        raise ImportError_(str(e)) from None
    except OSError as e:
        raise ImportError_(f"can't read {name}: {e.strerror or e}") from None
    finally:
        if close:
            stream.close()


def mail_occasions(
    messages: Iterable, options: Options, mine: frozenset[str], summary: Summary
) -> list[Occasion]:
    """Group the messages worth an interaction by thread and day: one occasion each."""
    from srm.formats.mail import subject_text

    if not mine:
        raise UsageError(
            "srm capture mail needs your address to tell the mail you sent: set"
            ' me = "Your Name <you@example.org>" (and my_addresses = [...] for others) in your'
            " config file"
        )
    groups: dict[str, Occasion] = {}
    threads: dict[str, str] = {}  # normalised subject → thread, for replies without References
    days: dict[date, date] = {}  # one date object per day, however many messages
    for m in messages:
        summary.read += 1
        if m.date is None:
            summary.skip(NO_DATE)
            continue
        try:
            day = local_day(m.date)
        except (OverflowError, ValueError):  # a Date in year 1 or 9999, shifted out of range
            summary.skip(NO_DATE)
            continue
        day = days.setdefault(day, day)
        if not options.since <= day <= options.until:
            summary.skip(OUTSIDE)
            continue
        if m.bulk:
            summary.skip(m.bulk)
            continue
        if m.sender is None:
            summary.skip(NO_SENDER)
            continue
        if m.sender[1] in mine:
            people = {a: n for n, a in m.recipients if a not in mine}
            if not people:
                summary.skip(TO_SELF)
                continue
        elif options.received:
            people = {m.sender[1]: m.sender[0]}
        else:
            summary.skip(RECEIVED)
            continue
        raw = subject_text(m.subject)
        subject = normalise_subject(raw)
        thread = _thread(m, raw, subject, threads)
        source = f"mail:{thread}/{day.isoformat()}"
        group = groups.get(source)
        if group is None:
            summary.occasions += 1
            text = _summary(subject, "(no subject)") if options.subjects else NO_SUBJECT
            groups[source] = Occasion(source, day, "email", sys.intern(text), people)
        else:
            for address, name in people.items():
                group.people.setdefault(address, name)
    return list(groups.values())


def normalise_subject(subject: str) -> str:
    """A subject without its Re:/Fwd:/AW:/SV: … prefixes, however many."""
    text = " ".join(subject.split())
    while True:
        bare = _PREFIX.sub("", text, count=1)
        if bare == text:
            return text
        text = bare


def _thread(m, raw: str, subject: str, threads: dict[str, str]) -> str:
    """The thread of a message: the first Message-ID of References, else In-Reply-To, else
    (a reply whose client dropped them) an earlier message's thread with the same subject."""
    key = subject.casefold()
    if m.thread_root:
        threads.setdefault(key, m.thread_root)
        return m.thread_root
    if key and normalise_subject(raw) != " ".join(raw.split()) and key in threads:
        return threads[key]
    if m.message_id:
        threads.setdefault(key, m.message_id)
        return m.message_id
    return "subject:" + key


def _summary(text: str, empty: str) -> str:
    """A title or subject as a summary: cleaned as typed text is, cut to the longest one-line
    text srm keeps (a source's text is taken as it is, never refused)."""
    cut = LINE_MAX * 2
    return one_line(text[:cut], "the summary", cut)[:LINE_MAX].strip() or empty


# --- matching and writing ----------------------------------------------------------------------


def capture(store: Store, kind: str, occasions: list[Occasion], summary: Summary) -> Summary:
    """Match the occasions with contacts and log them: one write transaction (none for a dry
    run, which only reads)."""
    if summary.dry_run:
        summary.outcomes = _plan(store, store.conn, kind, occasions, summary)
        return summary
    with store.write() as conn:
        summary.outcomes = _plan(store, conn, kind, occasions, summary)
        _write(conn, kind, summary.outcomes, store.member_id)
    return summary


def _plan(
    store: Store, conn: sqlite3.Connection, kind: str, occasions: list[Occasion], summary: Summary
) -> list[Outcome]:
    found = dc.by_emails(store, {a for o in occasions for a in o.people})
    matched: list[tuple[Occasion, list[dict]]] = []
    for o in occasions:
        people = list({found[a]["id"]: found[a] for a in o.people if a in found}.values())
        if people:
            matched.append((o, sorted(people, key=lambda c: (c["name"].casefold(), c["id"]))))
        else:
            summary.skip(NO_CONTACT)
    if not matched:
        return []
    sources = _known_sources(conn, [o.source for o, _ in matched])
    logged = _logged_by_hand(conn, matched)
    outcomes = []
    for o, people in sorted(matched, key=lambda m: (m[0].day, m[0].source)):
        known = sources.get(o.source, {})
        made = next((iid for iid, captured in known.values() if captured), None)
        links = []
        for c in people:
            if c["id"] in known:
                iid = known[c["id"]][0]
                links.append(Link(c, "already" if iid is not None else "removed", iid))
            elif made is not None:
                links.append(Link(c, "added", made))
            elif (iid := logged.get((c["id"], o.day.isoformat(), o.channel))) is not None:
                links.append(Link(c, "linked", iid))
            else:
                links.append(Link(c, "created", None))
        outcomes.append(Outcome(o, links))
    return outcomes


def _known_sources(conn: sqlite3.Connection, sources: list[str]) -> dict[str, dict]:
    """source → {contact id: (interaction id or None, whether capture made that interaction)}."""
    out: dict[str, dict] = defaultdict(dict)
    for source, cid, iid, captured in conn.execute(
        "SELECT s.source, s.contact_id, s.interaction_id, i.captured IS NOT NULL"
        " FROM capture_source s LEFT JOIN interaction i ON i.id = s.interaction_id"
        f" WHERE s.source IN (SELECT value FROM {dialect_of(conn).json_values('?')})",
        (json.dumps(sources),),
    ):
        out[source][cid] = (iid, bool(captured))
    return out


def _logged_by_hand(conn: sqlite3.Connection, matched: list) -> dict[tuple, int]:
    """(contact id, day, channel) → the first interaction logged by hand then, for the contacts
    and days of this capture: one pass over the (contact_id, occurred_on) index."""
    ids = sorted({c["id"] for _, people in matched for c in people})
    first = min(o.day for o, _ in matched).isoformat()
    last = max(o.day for o, _ in matched).isoformat()
    out: dict[tuple, int] = {}
    for cid, day, channel, iid in conn.execute(
        "SELECT ic.contact_id, ic.occurred_on, i.channel, i.id FROM interaction_contact ic"
        " JOIN interaction i ON i.id = ic.interaction_id"
        f" WHERE ic.contact_id IN (SELECT value FROM {dialect_of(conn).json_ids('?')})"
        " AND ic.occurred_on BETWEEN ? AND ? AND i.captured IS NULL ORDER BY i.id",
        (json.dumps(ids), first, last),
    ):
        out.setdefault((cid, day, channel), iid)
    return out


def _write(
    conn: sqlite3.Connection, kind: str, outcomes: list[Outcome], member_id: int | None
) -> None:
    """Log the planned interactions, as logged by `member_id` (team mode: your calendar and
    your mail are your interactions)."""
    now = now_utc()
    sources: list[tuple] = []
    joined: list[tuple] = []
    added: list[tuple] = []  # to an interaction captured before, on its date (a moved event)
    for out in outcomes:
        o = out.occasion
        day = o.day.isoformat()
        new = [link for link in out.links if link.action == "created"]
        if new:
            iid = conn.execute(
                "INSERT INTO interaction (uuid, occurred_on, channel, kind, sentiment, summary,"
                " note, idea_id, created_at, captured, logged_by_id)"
                " VALUES (?, ?, ?, 'checkin', 'neutral', ?, '', NULL, ?, ?, ?)",
                (new_uuid(), day, o.channel, o.summary, now, kind, member_id),
            ).lastrowid
            for link in new:
                link.interaction_id = iid
                joined.append((iid, link.contact["id"], day))
        for link in out.links:
            if link.action == "added":
                added.append((link.interaction_id, link.contact["id"], link.interaction_id))
            if link.action in ("created", "added", "linked"):
                sources.append((o.source, link.contact["id"], link.interaction_id))
    conn.executemany(
        "INSERT INTO interaction_contact (interaction_id, contact_id, occurred_on)"
        " VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        joined,
    )
    conn.executemany(
        "INSERT INTO interaction_contact (interaction_id, contact_id, occurred_on)"
        " SELECT ?, ?, occurred_on FROM interaction WHERE id = ? ON CONFLICT DO NOTHING",
        added,
    )
    conn.executemany(
        "INSERT INTO capture_source (source, contact_id, interaction_id) VALUES (?, ?, ?)",
        sources,
    )


# --- people who aren't contacts ----------------------------------------------------------------


def suggest(
    store: Store, occasions: list[Occasion], minimum: int, mine: frozenset[str]
) -> list[dict]:
    """Addresses in at least `minimum` occasions that no contact has: most met first."""
    from srm.formats.mail import display_name

    counts: Counter = Counter()
    names: dict[str, Counter] = defaultdict(Counter)
    last: dict[str, date] = {}
    for o in occasions:
        for address, name in o.people.items():
            if address in mine:
                continue
            counts[address] += 1
            if name and name.strip().lower() != address:
                names[address][name] += 1
            if address not in last or o.day > last[address]:
                last[address] = o.day
    frequent = [a for a, n in counts.items() if n >= minimum]
    known = dc.by_emails(store, frequent)
    rows = [
        {
            "address": a,
            "count": counts[a],
            "names": [
                shown
                for n, _ in names[a].most_common(3)
                if (shown := one_line(display_name(n)[:200], "the name"))
            ],
            "last": last[a].isoformat(),
        }
        for a in frequent
        if a not in known
    ]
    rows.sort(key=lambda r: r["address"])
    rows.sort(key=lambda r: (r["count"], r["last"]), reverse=True)  # most met, then most recent
    return rows
