"""Contacts: add, find, edit, archive, remove; handles and the CONTACT argument's lookup rules."""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from json.encoder import encode_basestring  # the C one, without ASCII escapes
from typing import TYPE_CHECKING

from srm import cadence as cad
from srm.domain import details as dd
from srm.domain.common import (
    LABEL_MAX,
    NAME_MAX,
    new_uuid,
    note_text,
    now_utc,
    one_line,
    parse_id,
    to_date,
)
from srm.errors import Ambiguous, Duplicate, NotFound, UsageError
from srm.store.db import Store
from srm.store.dialect import dialect_of, engine_sql

if TYPE_CHECKING:
    from srm.domain.team import Owners

# Letters NFKD does not decompose into ASCII.
_FOLD = str.maketrans({"ß": "ss", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "þ": "th", "œ": "oe"})
FIELDS = ("org", "team", "role", "nickname")
HONORIFICS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "dr",
        "prof",
        "sir",
        "dame",
        "rev",
        "herr",
        "frau",
        "mme",
        "mlle",
        "sr",
        "sra",
        "srta",
    ]
)


@dataclass
class Contact:
    id: int
    uuid: str
    handle: str
    name: str
    email: str | None
    phone: str | None
    org: str | None
    team: str | None
    role: str | None
    cadence: str | None
    since: date
    connected_on: date | None
    note: str
    snoozed_until: date | None
    archived_at: str | None
    created_at: str
    updated_at: str
    segments: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    owner: dict | None = None  # the team member who looks after them: {"id", "name", "email"}
    nickname: str | None = None
    # emails, phones, urls, socials, addresses: see srm.domain.details
    details: dict[str, list[dict]] = field(default_factory=dd.empty)

    @property
    def archived(self) -> bool:
        return self.archived_at is not None

    def ref(self) -> dict:
        """The short form used wherever another record points at a contact."""
        return {"id": self.id, "uuid": self.uuid, "handle": self.handle, "name": self.name}

    def as_json(self) -> dict:
        return {
            **self.ref(),
            "email": self.email,
            "phone": self.phone,
            "nickname": self.nickname,
            **dd.as_json(self.details),
            "org": self.org,
            "team": self.team,
            "role": self.role,
            "segments": self.segments,
            "tags": self.tags,
            "cadence": self.cadence,
            "since": self.since.isoformat(),
            "connected_on": self.connected_on.isoformat() if self.connected_on else None,
            "note": self.note,
            "snoozed_until": self.snoozed_until.isoformat() if self.snoozed_until else None,
            "archived": self.archived,
            "archived_at": self.archived_at,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "owner": self.owner,
        }


def slug(text: str) -> str:
    """Lower-case ASCII where the script allows it; other scripts keep their letters."""
    folded = unicodedata.normalize("NFKD", text.lower().translate(_FOLD))
    bare = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return re.sub(r"[\W_]+", "-", unicodedata.normalize("NFC", bare)).strip("-")


def handle_candidates(name: str, email: str | None = None) -> list[str]:
    parts = [p for p in (slug(w) for w in name.split()) if p]
    # "Dr. Ann Lee" is ann, not dr: imported names often carry a title.
    while len(parts) > 1 and parts[0] in HONORIFICS:
        parts = parts[1:]
    if not parts and email:
        parts = [slug(email.split("@")[0]) or "contact"]
    if not parts:
        parts = ["contact"]
    first, rest = parts[0], parts[1:]
    out = [first]
    if rest:
        out += [f"{first}-{rest[-1][0]}", f"{first}-{rest[-1]}", "-".join(parts)]
    # A handle is typed: a long name gives a handle cut at a word, not one as long as the name.
    return list(dict.fromkeys(_shorten(h) for h in out))


HANDLE_MAX = 32


def _shorten(handle: str) -> str:
    if len(handle) <= HANDLE_MAX:
        return handle
    cut = handle[:HANDLE_MAX]
    return cut.rsplit("-", 1)[0] if "-" in cut else cut


def pick_handle(
    candidates: list[str], taken: Container[str], next_suffix: dict[str, int] | None = None
) -> str:
    """The first free candidate, else the last one with the lowest free -2, -3 … suffix.

    `next_suffix` (base → next number to try) lets a bulk caller skip suffixes it handed out.
    """
    for c in candidates:
        if c not in taken and not c.isdigit():
            return c
    base = candidates[-1]
    n = next_suffix.get(base, 2) if next_suffix is not None else 2
    while f"{base}-{n}" in taken:
        n += 1
    if next_suffix is not None:
        next_suffix[base] = n + 1
    return f"{base}-{n}"


def unique_handle(conn: sqlite3.Connection, name: str, email: str | None = None) -> str:
    candidates = handle_candidates(name, email)
    prefix = candidates[0]
    # Every candidate starts with the first one: one range seek on the handle index.
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    taken = {
        r[0]
        for r in conn.execute(
            "SELECT handle FROM contact WHERE handle >= ? AND handle < ?", (prefix, upper)
        )
    }
    return pick_handle(candidates, taken)


def clean_name(name: str) -> str:
    """A contact's name as stored: one line, no control characters, at most NAME_MAX long."""
    name = one_line(name, "the name", NAME_MAX)
    if not name:
        raise UsageError("a contact needs a name")
    return name


def _clean(value: str | None, what: str = "the field") -> str | None:
    """A one-line field (phone, org, team, role); None when empty."""
    if value is None:
        return None
    return one_line(value, what) or None


def check_email(email: str | None) -> str | None:
    email = _clean(email, "the email address")
    return None if email is None else dd.clean_email(email)


def by_emails(store: Store, addresses: Iterable[str]) -> dict[str, dict]:
    """The contact each address belongs to, by any of its emails: {address lower-cased: ref}.

    Addresses no contact has are left out. An address two contacts share (added with --force)
    goes to an active contact before an archived one, then to the one whose preferred address
    it is, then to the older one. One statement (an index seek per address) whatever their
    number.
    """
    import json

    wanted = sorted({a.strip().lower() for a in addresses if a and a.strip()})
    if not wanted:
        return {}
    out: dict[str, dict] = {}
    for address, cid, uid, handle, name in store.conn.execute(
        "SELECT lower(d.value), c.id, c.uuid, c.handle, c.name FROM contact_detail d"
        " JOIN contact c ON c.id = d.contact_id"
        " WHERE d.kind = 'email' AND lower(d.value) IN"
        f" (SELECT value FROM {store.dialect.json_values('?')})"
        " ORDER BY c.archived_at IS NOT NULL, d.preferred DESC, c.id",
        (json.dumps(wanted),),
    ):
        out.setdefault(address, {"id": cid, "uuid": uid, "handle": handle, "name": name})
    return out


def _stored_cadence(text: str | None) -> str | None:
    return None if text is None else cad.normalise(text)


def normalise_tags(tags: list[str]) -> list[str]:
    out = []
    for t in tags:
        t = one_line(t, "a tag", LABEL_MAX).lower().lstrip("#").strip()
        if not t:
            raise UsageError("a tag can't be empty")
        out.append(t)
    return list(dict.fromkeys(out))


def add(
    store: Store,
    name: str,
    *,
    since: date,
    email: str | None = None,
    phone: str | None = None,
    org: str | None = None,
    team: str | None = None,
    role: str | None = None,
    segments: list[str] = (),  # type: ignore[assignment]
    tags: list[str] = (),  # type: ignore[assignment]
    cadence: str | None = None,
    note: str = "",
    connected_on: date | None = None,
    nickname: str | None = None,
    more: dict[str, list[str]] | None = None,
    force: bool = False,
    owner: str | None = None,
    handed_on: date | None = None,
    conn: sqlite3.Connection | None = None,
) -> Contact:
    """Add one contact, unless one with the same email or folded name is here (or `force`).

    Whoever adds a contact owns it; `owner` (team mode: a member, `me`, `none` or a new
    "Name <address>") hands it off to someone else in the same write, on `handed_on`.

    `email` and `phone` are the preferred ones; `more` holds `--email`-style option values by
    kind (email, phone, url, social, address), each "[LABEL:]VALUE", the first preferred
    unless `email`/`phone` is given. Pass `conn` to take part in a caller's transaction.
    """
    name = clean_name(name)
    lists = dd.apply_options(
        dd.empty(),
        {
            **(more or {}),
            "email": [e for e in [email] if e] + (more or {}).get("email", []),
            "phone": [p for p in [phone] if p] + (more or {}).get("phone", []),
        },
        {},
    )
    email = lists["emails"][0]["value"] if lists["emails"] else None
    phone = lists["phones"][0]["value"] if lists["phones"] else None
    note = note_text(note)
    stored_cadence = _stored_cadence(cadence)
    tag_list = normalise_tags(list(tags))
    from srm.domain import segments as seg

    segment_ids = seg.resolve_ids(store, list(segments))

    emails = [e["value"] for e in lists["emails"]]
    nickname = _clean(nickname, "the nickname")

    def insert(c: sqlite3.Connection) -> int:
        if not force:
            _refuse_duplicate(c, name, emails)
        now = now_utc()
        cur = c.execute(
            "INSERT INTO contact (uuid, handle, name, email, phone, org, team, role, cadence,"
            " since, connected_on, note, created_at, updated_at, nickname, owner_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                new_uuid(),
                unique_handle(c, name, email),
                name,
                email,
                phone,
                _clean(org, "the organisation"),
                _clean(team, "the team"),
                _clean(role, "the role"),
                stored_cadence,
                since.isoformat(),
                connected_on.isoformat() if connected_on else None,
                note,
                now,
                now,
                nickname,
                store.member_id,  # who adds someone looks after them, until a hand-off
            ),
        )
        cid = cur.lastrowid
        dd.insert(c, [(cid, lists)])
        c.executemany(
            "INSERT INTO contact_segment (contact_id, segment_id) VALUES (?, ?)",
            [(cid, s) for s in segment_ids],
        )
        c.executemany(
            "INSERT INTO contact_tag (contact_id, tag) VALUES (?, ?)", [(cid, t) for t in tag_list]
        )
        if owner is not None:
            from srm.domain import team as members  # `team` is the contact's team here

            members.handoff(store, [get(store, cid)], owner, on=handed_on or since, conn=c)
        return cid

    if conn is not None:
        cid = insert(conn)
    else:
        with store.write() as c:
            cid = insert(c)
    return get(store, cid)


def _refuse_duplicate(conn: sqlite3.Connection, name: str, emails: list[str]) -> None:
    """Raise Duplicate naming the contacts with one of these emails (any case, any of theirs)
    or this folded name."""
    key = name_key(name)
    wanted = [e.lower() for e in emails]
    if dialect_of(conn).python_functions:
        conn.create_function("srm_name_key", 1, name_key, deterministic=True)
        marks = ",".join("?" * len(wanted))
        rows = conn.execute(
            "SELECT id, handle, name, email, archived_at, (SELECT d.value FROM contact_detail d"
            f"   WHERE d.contact_id = contact.id AND d.kind = 'email' AND lower(d.value) IN ({marks})"
            "   LIMIT 1) AS same_email"
            " FROM contact WHERE srm_name_key(name) = ? OR id IN (SELECT contact_id FROM"
            f"   contact_detail WHERE kind = 'email' AND lower(value) IN ({marks}))"
            " ORDER BY same_email IS NULL, id",
            (*wanted, key or None, *wanted),
        ).fetchall()
    else:  # the server can't call name_key: the names come here
        same = [
            r[0]
            for r in conn.execute("SELECT id, name FROM contact")
            if key and name_key(r[1]) == key
        ]
        rows = conn.execute(
            "SELECT * FROM (SELECT id, handle, name, email, archived_at, (SELECT d.value"
            "   FROM contact_detail d WHERE d.contact_id = contact.id AND d.kind = 'email'"
            "   AND lower(d.value) = ANY(?) LIMIT 1) AS same_email"
            " FROM contact WHERE id = ANY(?) OR id IN (SELECT contact_id FROM"
            "   contact_detail WHERE kind = 'email' AND lower(value) = ANY(?))) AS found"
            " ORDER BY same_email IS NULL, id",
            (wanted, same, wanted),
        ).fetchall()
    if not rows:
        return
    first = rows[0]
    if first["same_email"]:
        why = f"the email {first['same_email']}"
    else:
        why = f"the same name ({first['email'] or 'no email'})"
    more = rows[1:]
    also = f" (and {_listing(more)})" if more else ""
    raise Duplicate(
        f"{first['name']} is already here with {why}: @{first['handle']}, id {first['id']}"
        f"{', archived' if first['archived_at'] else ''}{also};"
        " add --force to add another contact anyway (srm merge joins two later)"
    )


def get(store: Store, contact_id: int) -> Contact:
    row = store.conn.execute("SELECT * FROM contact WHERE id = ?", (contact_id,)).fetchone()
    if row is None:
        raise NotFound(f"no contact with id {contact_id}")
    return _hydrate(store, [row])[0]


def _hydrate(store: Store, rows: list[sqlite3.Row], *, brief: bool = False) -> list[Contact]:
    """Contacts from their rows, with their details, segments and tags; `brief`: without
    (for a command that only points at them: each of the three is a round trip to a server)."""
    if not rows:
        return []
    ids = [r["id"] for r in rows]
    more = {cid: dd.empty() for cid in ids} if brief else dd.load(store.conn, ids)
    segs: dict[int, list[str]] = {}
    tags: dict[int, list[str]] = {}
    # Chunked IN lists keep under SQLite's variable limit on big listings.
    for i in range(0, len(ids) if not brief else 0, 900):
        chunk = ids[i : i + 900]
        marks = ",".join("?" * len(chunk))
        for r in store.conn.execute(
            f"SELECT cs.contact_id, s.name FROM contact_segment cs JOIN segment s"
            f" ON s.id = cs.segment_id WHERE cs.contact_id IN ({marks}) ORDER BY s.name",
            chunk,
        ):
            segs.setdefault(r[0], []).append(r[1])
        for r in store.conn.execute(
            f"SELECT contact_id, tag FROM contact_tag WHERE contact_id IN ({marks}) ORDER BY tag",
            chunk,
        ):
            tags.setdefault(r[0], []).append(r[1])
    owners = _owners(store) if any(r["owner_id"] is not None for r in rows) else {}
    return [
        Contact(
            id=r["id"],
            uuid=r["uuid"],
            handle=r["handle"],
            name=r["name"],
            email=r["email"],
            phone=r["phone"],
            org=r["org"],
            team=r["team"],
            role=r["role"],
            cadence=r["cadence"],
            since=date.fromisoformat(r["since"]),
            connected_on=to_date(r["connected_on"]),
            note=r["note"],
            snoozed_until=to_date(r["snoozed_until"]),
            archived_at=r["archived_at"],
            created_at=r["created_at"],
            updated_at=r["updated_at"],
            segments=segs.get(r["id"], []),
            tags=tags.get(r["id"], []),
            owner=owners.get(r["owner_id"]),
            nickname=r["nickname"],
            details=more[r["id"]],
        )
        for r in rows
    ]


def _owners(store: Store) -> dict[int, dict]:
    """Team members by id, as a contact's `owner` shows them (a team is a few dozen people)."""
    return {
        m[0]: {"id": m[0], "name": m[1], "email": m[2]}
        for m in store.conn.execute("SELECT id, name, email FROM member")
    }


def resolve(store: Store, ref: str, *, brief: bool = False) -> Contact:
    """Find the one contact a CONTACT argument means, or refuse; never a guess between people.

    `@handle` is that handle only; a number is an id only. Other text is a handle unless it is
    also a whole word of someone else's name (then it is ambiguous), else part of one name or
    email, narrowed to an exact name or email, then to whole words of a name. `brief`: the
    contact without its details, segments and tags (`_hydrate`).
    """
    return _hydrate(store, [_resolve_row(store, ref)], brief=brief)[0]


def _resolve_row(store: Store, ref: str) -> sqlite3.Row:
    """`resolve`'s contact, as its row."""
    text = ref.strip()
    if not text:
        raise UsageError("empty contact name")
    conn = store.conn
    if text.startswith("@"):
        handle = text[1:].strip().lower()
        if not handle:
            raise UsageError("'@' needs a handle after it, like @maria (srm contacts lists them)")
        row = conn.execute("SELECT * FROM contact WHERE handle = ?", (handle,)).fetchone()
        if row is None:
            raise NotFound(f"no contact has the handle {handle!r} (srm contacts lists handles)")
        return row
    if text.isascii() and text.isdigit():
        # Past SQLite's largest integer it is no id (parse_id: None).
        cid = parse_id(text) or -1
        row = conn.execute("SELECT * FROM contact WHERE id = ?", (cid,)).fetchone()
        if row is None:
            raise NotFound(f"no contact with id {text} (srm contacts --json lists ids)")
        return row
    owner = conn.execute("SELECT * FROM contact WHERE handle = ?", (text.lower(),)).fetchone()
    if owner is not None:
        # Written as typed, hyphens and all: "maria-g" is not Maria G. Rossi's name.
        typed = re.compile(rf"(?<![^\W_]){re.escape(_fold(text))}(?![^\W_])")
        others = [
            r for g, r in _graded(conn, text, typed.search) if g >= WORD and r["id"] != owner["id"]
        ]
        if not others:
            return owner
        raise Ambiguous(
            f"{ref!r} matches {1 + len(others)} contacts: {_listing([owner], ', by handle')},"
            f" {_listing(others)}; type @{owner['handle']} for the handle, or another handle or id"
        )
    graded = _graded(conn, text)
    if not graded:
        raise NotFound(f"no contact matches {ref!r} (srm contacts --search lists contacts)")
    for tier in (EXACT, WORD, PART):
        found = [r for g, r in graded if g >= tier]
        if len(found) == 1:
            return found[0]
        if found:
            raise Ambiguous(
                f"{ref!r} matches {len(found)} contacts: {_listing(found)}; use @handle or id"
            )
    raise AssertionError("every graded contact is at least a PART match")


# How well a CONTACT text matches a contact, best last.
PART, WORD, EXACT = 1, 2, 3

# Contacts that may match, found by SQLite (10,000 contacts graded one by one: ~20 ms; so, a
# few). An ASCII name and email fold to SQLite's lower(), so a match contains the folded text,
# or the first of its words, there; rows with any other character (more bytes than
# characters) are all kept and graded. Every address of theirs counts, unit-separated.
_EMAILS = (
    "coalesce((SELECT group_concat(d.value, char(31)) FROM contact_detail d"
    " WHERE d.contact_id = contact.id AND d.kind = 'email'), email, '')"
)
_CANDIDATES = {
    "sqlite": f"""
SELECT id, name, {_EMAILS} AS emails FROM contact
WHERE instr(lower(name), :first) OR instr(lower(name), :needle)
   OR length(name) < length(CAST(name AS BLOB))
   OR instr(lower(ifnull(email, '')), :needle) OR length(email) < length(CAST(email AS BLOB))
   OR id IN (SELECT contact_id FROM contact_detail WHERE kind = 'email'
             AND (instr(lower(value), :needle) OR length(value) < length(CAST(value AS BLOB))))
""",
    # The same test in PostgreSQL's words: lower() of a COLLATE "C" column folds ASCII only,
    # as SQLite's does; octet_length counts the bytes.
    "postgresql": """
SELECT id, name, coalesce((SELECT string_agg(d.value, chr(31)) FROM contact_detail d
         WHERE d.contact_id = contact.id AND d.kind = 'email'), email, '') AS emails
FROM contact
WHERE strpos(lower(name), :first) > 0 OR strpos(lower(name), :needle) > 0
   OR length(name) < octet_length(name)
   OR strpos(lower(coalesce(email, '')), :needle) > 0 OR length(email) < octet_length(email)
   OR id IN (SELECT contact_id FROM contact_detail WHERE kind = 'email'
             AND (strpos(lower(value), :needle) > 0 OR length(value) < octet_length(value)))
""",
}

# Contacts whose name may hold the folded text, and the candidates' emails by id.
_NAMED = {
    "sqlite": "SELECT id, name FROM contact WHERE instr(lower(name), ?)"
    " OR length(name) < length(CAST(name AS BLOB))",
    "postgresql": "SELECT id, name FROM contact WHERE strpos(lower(name), ?) > 0"
    " OR length(name) < octet_length(name)",
}
_CANDIDATES_BY_ID = {
    "sqlite": f"SELECT id, name, {_EMAILS} FROM contact WHERE id IN (SELECT value FROM {{ids}})",
    "postgresql": "SELECT id, name, coalesce((SELECT string_agg(d.value, chr(31))"
    " FROM contact_detail d WHERE d.contact_id = contact.id AND d.kind = 'email'), email, '')"
    " FROM contact WHERE id IN (SELECT value FROM {ids})",
}


def _graded(
    conn: sqlite3.Connection, text: str, named: Callable[[str], object] | None = None
) -> list[tuple[int, sqlite3.Row]]:
    """(grade, row) for every contact `text` matches at all, by name, then id; with `named`,
    only those whose folded name it is true of (and holds the folded text), tested first: the
    grading, and each candidate's emails, cost more."""
    first = name_key(text).split(" ", 1)[0] or None
    needle = _fold(text)
    if named is None:
        candidates = conn.execute(engine_sql(conn, _CANDIDATES), {"needle": needle, "first": first})
    else:  # the folded name must hold `needle`: in an ASCII name (folded by lower()), as typed
        rows = conn.execute(engine_sql(conn, _NAMED), (needle,)).fetchall()
        folded = _fold_many([name for _, name in rows])
        ids = [cid for (cid, _), name in zip(rows, folded, strict=True) if named(name)]
        if not ids:  # the usual answer (a handle no one else is named): no second statement
            return []
        candidates = conn.execute(
            engine_sql(conn, _CANDIDATES_BY_ID).format(ids=dialect_of(conn).json_ids("?")),
            (json.dumps(ids),),
        )
    grade = _grader(text)
    grades = {}
    for cid, name, mails in candidates:
        if g := grade(_fold(name), _fold(mails)):
            grades[cid] = g
    if not grades:
        return []
    rows = conn.execute(
        f"SELECT * FROM contact WHERE id IN (SELECT value FROM {dialect_of(conn).json_ids('?')})"
        " ORDER BY name, id",
        (json.dumps(list(grades)),),
    )
    return [(grades[r["id"]], r) for r in rows]


def _grader(text: str) -> Callable[[str, str], int]:
    """grade(folded name, folded emails): EXACT (the whole name or one whole email), WORD
    (whole words of the name), PART (part of the name or an email) or 0. `emails` are
    separated by \x1f."""
    needle, words = _fold(text), name_key(text)
    padded = f" {words} "

    def grade(folded: str, mails: str) -> int:
        part = needle in folded or needle in mails
        # Whole words may be spelt apart ("mary jane" for Mary-Jane): their first must be in it.
        if not part and not (words and words.split(" ", 1)[0] in folded):
            return 0
        key = " ".join(_WORD.findall(folded))
        if (needle in mails and needle in mails.split("\x1f")) or (words and words == key):
            return EXACT
        if words and padded in f" {key} ":
            return WORD
        return PART if part else 0

    return grade


def _listing(rows: list, how: str = "") -> str:
    """Contacts as a person picks between them: @handle (name), at most 8."""
    shown = ", ".join(
        f"@{r['handle']} ({r['name']}{', archived' if r['archived_at'] else ''}{how})"
        for r in rows[:8]
    )
    return shown + (f" and {len(rows) - 8} more" if len(rows) > 8 else "")


def _fold(s: str | None) -> str:
    """Case and accents folded away: what two spellings of one name have in common."""
    if not s:
        return ""
    if s.isascii():
        return s.lower()
    bare = unicodedata.normalize("NFKD", s.casefold().translate(_FOLD))
    return "".join(ch for ch in bare if not unicodedata.combining(ch))


def _fold_many(texts: list[str]) -> list[str]:
    """`[_fold(t) for t in texts]`, folded as one text: a store's accented names (1,500 of
    10,000) cost a third as much as one by one."""
    joined = _SEP.join(texts)
    if not joined.isascii():
        # NFKD reorders marks only between starters, and the separator is one: nothing moves
        # across it.
        joined = _FOLD_RE.sub(_folded_letter, joined.casefold())
        joined = unicodedata.normalize("NFKD", joined)
        marks = "".join(c for c in set(joined) if unicodedata.combining(c))
        if marks:
            joined = re.sub(f"[{re.escape(marks)}]", "", joined)
    else:
        joined = joined.lower()
    out = joined.split(_SEP)
    return out if len(out) == len(texts) else [_fold(t) for t in texts]


_SEP = "\x00"  # no name holds it (srm keeps control characters out; else: one by one)
_FOLD_RE = re.compile("[ßæøłđþœ]")


def _folded_letter(m: re.Match) -> str:
    return _FOLD[ord(m.group())]


def name_key(name: str | None) -> str:
    """A name's words, folded, one space apart: "Mary-Jane  O'Brien" is "mary jane o brien"."""
    return " ".join(_WORD.findall(_fold(name)))


_WORD = re.compile(r"[^\W_]+")


def resolve_many(store: Store, refs: str, *, brief: bool = False) -> list[Contact]:
    """A comma-separated CONTACT list, each resolved (`brief`: see `resolve`); repeats
    collapse."""
    out: dict[int, Contact] = {}
    for part in refs.split(","):
        if part.strip():
            c = resolve(store, part, brief=brief)
            out.setdefault(c.id, c)
    if not out:
        raise UsageError("name at least one contact")
    return list(out.values())


def _search_where(
    store: Store,
    segment: str | None,
    tag: str | None,
    query: str | None,
    archived: bool,
    stage: str | None,
    owners: Owners | None = None,
) -> tuple[str, list[object]]:
    where = ["c.archived_at IS NOT NULL" if archived else "c.archived_at IS NULL"]
    params: list[object] = []
    if owners is not None:  # team mode: one member's contacts (`none`: nobody's)
        cond, more = owners.sql("c.owner_id")
        where.append(cond)
        params += more
    if segment:
        from srm.domain import segments as seg

        s = seg.get(store, segment)
        where.append("c.id IN (SELECT contact_id FROM contact_segment WHERE segment_id = ?)")
        params.append(s.id)
    if tag:
        where.append("c.id IN (SELECT contact_id FROM contact_tag WHERE tag = ?)")
        params.append(tag.strip().lower().lstrip("#"))
    if query and store.dialect.python_functions:
        store.conn.create_function("srm_fold", 1, _fold, deterministic=True)
        where.append(
            "(instr(srm_fold(c.name), ?) > 0 OR instr(srm_fold(coalesce(c.org, '')), ?) > 0"
            " OR instr(c.handle, ?) > 0 OR instr(srm_fold(coalesce(c.nickname, '')), ?) > 0"
            " OR c.id IN (SELECT d.contact_id FROM contact_detail d WHERE d.kind = 'email'"
            " AND instr(srm_fold(d.value), ?) > 0))"
        )
        q = _fold(query)
        params += [q, q, q, q, q]
    elif query:  # the server can't fold: the few columns come here, the matching ids go back
        q = _fold(query)
        where.append("c.id = ANY(?)")
        params.append(
            [
                r[0]
                for r in store.conn.execute(
                    "SELECT c.id, c.name, c.org, c.handle, c.nickname,"
                    " string_agg(d.value, chr(31)) FROM contact c LEFT JOIN contact_detail d"
                    " ON d.contact_id = c.id AND d.kind = 'email' GROUP BY c.id"
                )
                if q in _fold(r[1])
                or q in _fold(r[2])
                or q in r[3]
                or q in _fold(r[4])
                or any(q in _fold(e) for e in (r[5] or "").split("\x1f"))
            ]
        )
    if stage:
        where.append(
            "(SELECT sc.stage FROM stage_change sc WHERE sc.contact_id = c.id"
            " ORDER BY sc.changed_on DESC, sc.id DESC LIMIT 1) = ?"
        )
        params.append(stage.strip().lower())
    return " AND ".join(where), params


def search(
    store: Store,
    *,
    segment: str | None = None,
    tag: str | None = None,
    query: str | None = None,
    archived: bool = False,
    stage: str | None = None,
    owners: Owners | None = None,
) -> list[Contact]:
    where, params = _search_where(store, segment, tag, query, archived, stage, owners)
    rows = store.conn.execute(
        f"SELECT c.* FROM contact c WHERE {where} ORDER BY {store.dialect.nocase('c.name')}, c.id",
        params,
    ).fetchall()
    return _hydrate(store, rows)


@dataclass
class Listed:
    """A contact as `srm contacts` lists it: the few columns a listing shows."""

    id: int
    handle: str
    name: str
    org: str | None
    segments: list[str]
    tags: list[str]
    owner: str | None = None  # the owner's name (team mode)


def listing(
    store: Store,
    *,
    segment: str | None = None,
    tag: str | None = None,
    query: str | None = None,
    archived: bool = False,
    stage: str | None = None,
    owners: Owners | None = None,
) -> list[Listed]:
    """The contacts `search` finds, in its order, with only what a listing shows: three
    statements whatever the count (no Contact objects, no dates parsed)."""
    where, params = _search_where(store, segment, tag, query, archived, stage, owners)
    cur = store.conn.cursor()
    cur.row_factory = None
    rows = cur.execute(
        f"SELECT c.id, c.handle, c.name, c.org, c.owner_id FROM contact c WHERE {where}"
        f" ORDER BY {store.dialect.nocase('c.name')}, c.id",
        params,
    ).fetchall()
    segs, tags = _memberships(store, where, params, len(rows))
    names = {mid: m["name"] for mid, m in _owners(store).items()}
    return [
        Listed(cid, handle, name, org, segs.get(cid, []), tags.get(cid, []), names.get(owner))
        for cid, handle, name, org, owner in rows
    ]


def listing_json_lines(
    store: Store,
    more: Callable[[list[int]], dict[int, dict] | dict[int, str]] | None = None,
    *,
    segment: str | None = None,
    tag: str | None = None,
    query: str | None = None,
    archived: bool = False,
    stage: str | None = None,
    owners: Owners | None = None,
    state_on: date | None = None,
) -> Iterator[str]:
    """The contacts `search` finds, in its order, each as the JSON text `json.dumps` makes of
    `Contact.as_json` (ASCII left as is), followed by the keys `more` gives it (its figures
    from other modules: a dict, or the JSON text of its members); characters a terminal acts
    on are left to the caller to escape (`common.json_safe`). Built from the stored text with
    the C string encoder, a contact at a time: at 10k contacts, building Contact objects or
    dicts and encoding them cost most of `srm contacts --json`.

    `state_on`: the stored state is usable as of this date (`state.usable`), and `more`
    computes `contacts --json`'s figures (`extras.figures_json`) from the history. The
    figures of every contact the state answers for are then read with its row (one
    statement; the ask/give counts of the ledger's recent days in one more); `more` is asked
    only for the others (an interaction after `state_on`)."""
    where, params = _search_where(store, segment, tag, query, archived, stage, owners)
    cur = store.conn.cursor()
    cur.row_factory = None
    order = f"WHERE {where} ORDER BY {store.dialect.nocase('c.name')}, c.id"
    if state_on is None or more is None:
        ids = [r[0] for r in cur.execute(f"SELECT c.id FROM contact c {order}", params)]
        extra = more(ids) if more is not None else {}
        rows: Iterable[tuple] = cur.execute(
            f"SELECT {_JSON_COLUMNS} FROM contact c {order}", params
        )
    else:
        rows, ids, extra = _with_state_figures(store, cur, order, params, more, state_on)
    segs, tags = _memberships(store, where, params, len(ids))
    details = _details_json(store, where, params, len(ids))
    owners_json = {mid: _encode(m) for mid, m in _owners(store).items()}
    return _contact_lines(rows, segs, tags, details, owners_json, extra)


_JSON_COLUMNS = (
    "c.id, c.uuid, c.handle, c.name, c.email, c.phone, c.nickname, c.org, c.team, c.role,"
    " c.cadence, c.since, c.connected_on, c.note, c.snoozed_until, c.archived_at,"
    " c.created_at, c.updated_at, c.owner_id"
)


def _with_state_figures(
    store: Store,
    cur: sqlite3.Cursor,
    order: str,
    params: list[object],
    more: Callable[[list[int]], dict[int, dict] | dict[int, str]],
    on: date,
) -> tuple[list[tuple], list[int], dict[int, str | dict]]:
    """The contact rows of `listing_json_lines` (in `order`), their ids, and each one's figures
    as JSON text: from `contact_state` read with the row, else (no state row, an interaction
    after `on`) from `more`. The state's figures are what `more` walks the history for
    (`tests/test_state_reads.py` holds them equal), the ledger's recent days excepted: those
    depend on `on`, and are counted for every listed contact at once."""
    from srm.domain import extras

    found = cur.execute(
        f"SELECT {_JSON_COLUMNS}, st.contact_id, st.cadence, st.last_on, st.next_due,"
        f" {extras.STAGE_SQL}, st.asks, st.gives, st.asks_since_give"
        f" FROM contact c LEFT JOIN contact_state st ON st.contact_id = c.id {order}",
        params,
    ).fetchall()
    day = on.isoformat()
    ids = [r[0] for r in found]
    walk = [r[0] for r in found if r[19] is None or (r[21] is not None and r[21] > day)]
    extra: dict[int, str | dict] = dict(more(walk)) if walk else {}
    days = extras.LEDGER_DAYS
    recent = extras.ask_give_counts(store, ids, on, since=on - timedelta(days=days - 1))
    nothing = (0, 0)
    figures = extras.figures_json
    for r in found:
        if r[0] not in extra:
            extra[r[0]] = figures(*r[20:24], (*r[24:26], *recent.get(r[0], nothing), r[26]), days)
    return [r[:19] for r in found], ids, extra


# One encoder: json.dumps with options builds a new one per call.
_encode = json.JSONEncoder(ensure_ascii=False, default=str).encode


def _contact_lines(
    rows: Iterable[tuple],
    segs: dict[int, list[str]],
    tags: dict[int, list[str]],
    details: dict[int, str],
    owners: dict[int, str],
    extra: dict[int, dict],
) -> Iterator[str]:
    s = encode_basestring
    none = "null"
    no_details = _json_lists({})
    for (
        cid,
        uuid,
        handle,
        name,
        email,
        phone,
        nickname,
        org,
        team,
        role,
        cadence,
        since,
        connected_on,
        note,
        snoozed_until,
        archived_at,
        created_at,
        updated_at,
        owner,
    ) in rows:
        more = extra.get(cid)
        yield (
            f'{{"id": {cid}, "uuid": {s(uuid)}, "handle": {s(handle)}, "name": {s(name)},'
            f' "email": {none if email is None else s(email)},'
            f' "phone": {none if phone is None else s(phone)},'
            f' "nickname": {none if nickname is None else s(nickname)},'
            f" {details.get(cid, no_details)},"
            f' "org": {none if org is None else s(org)},'
            f' "team": {none if team is None else s(team)},'
            f' "role": {none if role is None else s(role)},'
            f' "segments": [{", ".join(map(s, segs.get(cid, ())))}],'
            f' "tags": [{", ".join(map(s, tags.get(cid, ())))}],'
            f' "cadence": {none if cadence is None else s(cadence)},'
            f' "since": {s(since)},'
            f' "connected_on": {none if connected_on is None else s(connected_on)},'
            f' "note": {s(note)},'
            f' "snoozed_until": {none if snoozed_until is None else s(snoozed_until)},'
            f' "archived": {"false" if archived_at is None else "true"},'
            f' "archived_at": {none if archived_at is None else s(archived_at)},'
            f' "created_at": {s(created_at)}, "updated_at": {s(updated_at)},'
            f' "owner": {owners.get(owner, none)}'
            + (
                "}"
                if not more
                else f", {more}}}"
                if type(more) is str
                else f", {_encode(more)[1:]}"
            )
        )


def _json_lists(lists: dict[str, list[str]]) -> str:
    """`"emails": [...], …, "addresses": [...]` from each list's encoded entries (the keys of
    `dd.LISTS` and `dd.ADDRESSES`, in `Contact.as_json`'s order)."""
    get = lists.get
    return (
        f'"emails": [{", ".join(get("emails", ()))}], "phones": [{", ".join(get("phones", ()))}],'
        f' "urls": [{", ".join(get("urls", ()))}], "socials": [{", ".join(get("socials", ()))}],'
        f' "addresses": [{", ".join(get("addresses", ()))}]'
    )


def _details_json(store: Store, where: str, params: list[object], count: int = 0) -> dict[int, str]:
    """The emails, phones, web pages, profiles and addresses of the `count` contacts matching
    `where`, as the JSON text of `Contact.as_json`'s lists, in two statements (for many
    contacts, every contact's: see `_memberships`). The database writes each entry's text:
    SQLite's `json_quote` and PostgreSQL's `to_json` escape a string exactly as json.dumps
    does without ASCII escapes (`tests/test_contacts.py` checks every character)."""
    q = engine_sql(store.conn, _JSON_QUOTE).format
    found: dict[int, dict[str, list[str]]] = {}
    many = count > MANY
    rows = store.conn.execute(
        'SELECT d.contact_id, d.kind, format(\'{"%s": %s, "value": %s, "preferred": %s}\','
        f" CASE d.kind WHEN 'social' THEN 'service' ELSE 'label' END, {q('d.label')},"
        f" {q('d.value')}, {_JSON_BOOL.format('d.preferred')}) FROM "
        + (
            "contact_detail d"
            if many
            else f"contact c JOIN contact_detail d ON d.contact_id = c.id WHERE {where}"
        )
        + " ORDER BY d.contact_id, d.kind, d.position, d.id",
        () if many else params,
    )
    names = dd.LISTS
    for cid, kind, entry in rows:
        lists = found.get(cid)
        if lists is None:
            found[cid] = {names[kind]: [entry]}
        elif (entries := lists.get(names[kind])) is None:
            lists[names[kind]] = [entry]
        else:
            entries.append(entry)
    parts = ", ".join(f'"{k}": %s' for k in dd.ADDRESS_PARTS)
    rows = store.conn.execute(
        f'SELECT a.contact_id, format(\'{{"label": %s, {parts}, "preferred": %s}}\','
        f" {', '.join(q('a.' + k) for k in ('label', *dd.ADDRESS_PARTS))},"
        f" {_JSON_BOOL.format('a.preferred')}) FROM "
        + (
            "contact_address a"
            if many
            else f"contact c JOIN contact_address a ON a.contact_id = c.id WHERE {where}"
        )
        + " ORDER BY a.contact_id, a.position, a.id",
        () if many else params,
    )
    for cid, entry in rows:
        lists = found.get(cid)
        if lists is None:
            found[cid] = {dd.ADDRESSES: [entry]}
        else:
            lists.setdefault(dd.ADDRESSES, []).append(entry)
    return {cid: _json_lists(lists) for cid, lists in found.items()}


# A string (or null) as JSON text, written by the database.
_JSON_QUOTE = {"sqlite": "json_quote({})", "postgresql": "coalesce(to_json({})::text, 'null')"}
_JSON_BOOL = "CASE WHEN {} THEN 'true' ELSE 'false' END"
_BOOL = {False: "false", True: "true"}
# More contacts listed than this: their memberships are read whole rather than sought.
MANY = 1000


def _memberships(
    store: Store, where: str, params: list[object], count: int
) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """Segment names and tags (each sorted) of the `count` contacts matching `where`, in two
    statements read in storage order (a contact has one or two of each: sorting those in
    Python is cheaper than SQLite sorting every row). For many contacts, every membership
    is read, without a seek per row to test its contact (extra rows are never looked up)."""
    names = dict(store.conn.execute("SELECT id, name FROM segment"))
    many = count > MANY
    segs: dict[int, list[str]] = {}
    for cid, sid in store.conn.execute(
        "SELECT contact_id, segment_id FROM contact_segment"
        if many
        else "SELECT s.contact_id, s.segment_id FROM contact c"
        f" JOIN contact_segment s ON s.contact_id = c.id WHERE {where}",
        () if many else params,
    ):
        if (found := segs.get(cid)) is None:
            segs[cid] = [names[sid]]
        else:
            found.append(names[sid])
    tags: dict[int, list[str]] = {}
    for cid, t in store.conn.execute(
        "SELECT contact_id, tag FROM contact_tag"
        if many
        else "SELECT t.contact_id, t.tag FROM contact c JOIN contact_tag t"
        f" ON t.contact_id = c.id WHERE {where}",
        () if many else params,
    ):
        if (found := tags.get(cid)) is None:
            tags[cid] = [t]
        else:
            found.append(t)
    for found in (segs, tags):
        for values in found.values():
            if len(values) > 1:
                values.sort()
    return segs, tags


def edit(
    store: Store,
    contact: Contact,
    *,
    name: str | None = None,
    since: date | None = None,
    cadence: str | None = None,
    note: str | None = None,
    add_segments: list[str] = (),  # type: ignore[assignment]
    remove_segments: list[str] = (),  # type: ignore[assignment]
    add_tags: list[str] = (),  # type: ignore[assignment]
    remove_tags: list[str] = (),  # type: ignore[assignment]
    more: dict[str, list[str]] | None = None,
    remove: dict[str, list[str]] | None = None,
    prefer: list[str] = (),  # type: ignore[assignment]
    **fields: str | None,
) -> Contact:
    """Change the given fields; a field passed as "" is cleared. Cadence "inherit" clears it.

    `more`, `remove` and `prefer` change emails, phones, web pages, social profiles and
    addresses as `srm edit`'s --email, --remove-email and --prefer do (details.apply_options).
    """
    changes: dict[str, object] = {}
    if name is not None:
        changes["name"] = clean_name(name)
    for key, value in fields.items():
        if key not in FIELDS:
            raise TypeError(key)
        if value is not None:
            changes[key] = _clean(value, f"the {key}")
    lists = None
    if more or remove or prefer:
        lists = dd.apply_options(contact.details, more or {}, remove or {}, list(prefer))
    if since is not None:
        changes["since"] = since.isoformat()
    if cadence is not None:
        changes["cadence"] = (
            None if cadence.strip().lower() == "inherit" else _stored_cadence(cadence)
        )
    if note is not None:
        changes["note"] = note_text(note)
    from srm.domain import segments as seg

    plus = seg.resolve_ids(store, list(add_segments))
    minus = seg.resolve_ids(store, list(remove_segments))
    tags_plus = normalise_tags(list(add_tags))
    tags_minus = normalise_tags(list(remove_tags))
    with store.write() as conn:
        if lists is not None:
            dd.write(conn, contact.id, lists)
        changes["updated_at"] = now_utc()
        sets = ", ".join(f"{k} = ?" for k in changes)
        conn.execute(f"UPDATE contact SET {sets} WHERE id = ?", (*changes.values(), contact.id))
        conn.executemany(
            "INSERT INTO contact_segment (contact_id, segment_id) VALUES (?, ?)"
            " ON CONFLICT DO NOTHING",
            [(contact.id, s) for s in plus],
        )
        conn.executemany(
            "DELETE FROM contact_segment WHERE contact_id = ? AND segment_id = ?",
            [(contact.id, s) for s in minus],
        )
        conn.executemany(
            "INSERT INTO contact_tag (contact_id, tag) VALUES (?, ?) ON CONFLICT DO NOTHING",
            [(contact.id, t) for t in tags_plus],
        )
        conn.executemany(
            "DELETE FROM contact_tag WHERE contact_id = ? AND tag = ?",
            [(contact.id, t) for t in tags_minus],
        )
    return get(store, contact.id)


def set_archived(store: Store, contact: Contact, archived: bool, on: date) -> Contact:
    """Archive as of a date (reports count the contact as tracked until then), or bring back."""
    stamp = f"{on.isoformat()}T00:00:00+00:00" if archived else None
    with store.write() as conn:
        # Archiving an archived contact again moves its date; unarchiving an active one is a no-op.
        conn.execute(
            "UPDATE contact SET archived_at = ?, updated_at = ? WHERE id = ?"
            " AND (archived_at IS NOT NULL OR ? IS NOT NULL) AND archived_at IS NOT ?",
            (stamp, now_utc(), contact.id, stamp, stamp),
        )
    return get(store, contact.id)


def snooze(store: Store, contact: Contact, until: date | None) -> None:
    """Hide the check-in through `until`; None ends the snooze."""
    with store.write() as conn:
        conn.execute(
            "UPDATE contact SET snoozed_until = ?, updated_at = ? WHERE id = ?",
            (until.isoformat() if until else None, now_utc(), contact.id),
        )
