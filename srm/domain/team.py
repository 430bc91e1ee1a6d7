"""Team mode: who shares the store, who owns each contact, hand-offs, and who knows whom best.

A member is a person on the team, known by their address: the config's `me` names you, and you
become a member with your first write (`srm.store.members`). What you add is yours (a contact's
owner is who added it, until a hand-off), what you log is recorded as logged by you. A store
nobody writes to with a `me` has no members and works as a single-user store.

Relationship strength (`srm who`): each interaction a member logged with the person (or with
anyone at the organisation, an interaction with several of them counted once) weighs
0.5 ^ (age in days / half-life), so one today weighs 1 and one a half-life old 0.5; their sum S
becomes the score S / (S + 1), from 0 (never) towards 1: one interaction today scores 0.5, the
same score whoever the person is, so scores compare across contacts.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from srm.config import Config
from srm.domain.common import NAME_MAX, new_uuid, note_text, now_utc, one_line
from srm.domain.contacts import Contact, name_key
from srm.errors import Ambiguous, NotFound, UsageError
from srm.store.db import Store

ME_HELP = 'set me = "Your Name <you@example.org>" in the config'
RECENT_DAYS = 90  # `srm team`: interactions logged in this many days up to today


@dataclass(frozen=True)
class Member:
    id: int
    uuid: str
    name: str
    email: str
    created_at: str

    def ref(self) -> dict:
        """The short form wherever a record points at a member."""
        return {"id": self.id, "name": self.name, "email": self.email}

    @property
    def label(self) -> str:
        return self.email if self.name == self.email else f"{self.name} <{self.email}>"


_COLUMNS = "id, uuid, name, email, created_at"


def members(store: Store) -> list[Member]:
    """Everyone on the team, by name."""
    rows = store.conn.execute(f"SELECT {_COLUMNS} FROM member").fetchall()
    return sorted((Member(*r) for r in rows), key=lambda m: (m.name.casefold(), m.id))


def refs(store: Store) -> dict[int, dict]:
    """Member id → its short form, for listings (a team is a few dozen people at most)."""
    return {m.id: m.ref() for m in members(store)}


def active(store: Store) -> bool:
    """Whether anyone has joined the team: a store without members shows no team columns."""
    return store.conn.execute("SELECT 1 FROM member LIMIT 1").fetchone() is not None


def me(store: Store) -> Member | None:
    """The member the config's `me` names, if they have written to this store (reads never
    add a member)."""
    if store.author is None:
        return None
    row = store.conn.execute(
        f"SELECT {_COLUMNS} FROM member WHERE email = ?", (store.author[1],)
    ).fetchone()
    return Member(*row) if row else None


def require_me(store: Store, what: str) -> None:
    if store.author is None:
        raise UsageError(f"{what} needs to know who you are: {ME_HELP}")


_ADDRESS = re.compile(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+")


def person(text: str) -> tuple[str, str] | None:
    """("Ben Bauer", "ben@example.org") from "Ben Bauer <ben@example.org>" or a bare address
    (its own name); None when the text holds no address."""
    from email.utils import parseaddr

    if "@" not in text:
        return None
    name, addr = parseaddr(text)
    addr = addr.strip().lower()
    if not _ADDRESS.fullmatch(addr):
        return None
    name = one_line(name, "the name", NAME_MAX)
    return (name or addr, addr)


def resolve(store: Store, text: str) -> Member:
    """The one member NAME means: `me`, an address, a whole name (case and accents aside),
    else a part of one name or address; several are refused, listed, as for contacts."""
    ref = text.strip()
    if not ref:
        raise UsageError("name a team member (srm team lists them)")
    if ref.lower() == "me":
        require_me(store, "'me'")
        found = me(store)
        if found is None:
            raise NotFound(
                f"you ({store.author[1]}) are not on this store's team yet: you join with your"
                " first change"
            )
        return found
    everyone = members(store)
    who = person(ref)
    if who is not None:
        for m in everyone:
            if m.email == who[1]:
                return m
        raise NotFound(f"nobody on the team has the address {who[1]} ({_known(everyone)})")
    key, folded = name_key(ref), ref.casefold()
    for tier in (
        lambda m: name_key(m.name) == key,
        lambda m: f" {key} " in f" {name_key(m.name)} ",
        lambda m: folded in m.name.casefold() or folded in m.email,
    ):
        found = [m for m in everyone if tier(m)]
        if len(found) == 1:
            return found[0]
        if found:
            listed = ", ".join(m.label for m in found[:8])
            raise Ambiguous(f"{ref!r} matches {len(found)} team members: {listed}; name one")
    raise NotFound(f"no team member matches {ref!r} ({_known(everyone)})")


def _known(everyone: list[Member]) -> str:
    if not everyone:
        return f"the team has no members yet: you join with your first change once you {ME_HELP}"
    return "srm team lists them"


@dataclass(frozen=True)
class Owners:
    """Which contacts to keep by owner: one member's, those nobody owns, or both."""

    member_id: int | None  # None: no member's (with `unowned`: only contacts nobody owns)
    unowned: bool
    name: str  # the member's name, or "nobody"

    def sql(self, column: str = "c.owner_id", *, named: bool = False) -> tuple[str, Any]:
        """A condition on an owner column (a contact's `owner_id`), and its parameters (as
        {"owner": id} for a :owner placeholder when `named`)."""
        mark, params = (":owner", {"owner": self.member_id}) if named else ("?", [self.member_id])
        if self.member_id is None:
            return f"{column} IS NULL", {} if named else []
        if self.unowned:
            return f"({column} = {mark} OR {column} IS NULL)", params
        return f"{column} = {mark}", params

    def of_contact(self, column: str) -> tuple[str, list]:
        """The same condition on a contact id column."""
        cond, params = self.sql("o.owner_id")
        return f"{column} IN (SELECT o.id FROM contact o WHERE {cond})", params

    def of_followup(self, followup: str, contact: str) -> tuple[str, list]:
        """The condition on follow-up `followup` (alias) whose contact id is `contact`: a
        follow-up is its maker's; one nobody is known to have made, its contact owner's."""
        cond, params = self.of_contact(contact)
        if self.member_id is None:
            return f"({followup}.made_by_id IS NULL AND {cond})", params
        return (
            f"({followup}.made_by_id = ? OR ({followup}.made_by_id IS NULL AND {cond}))",
            [self.member_id, *params],
        )


# A member id no row has: "me" before my first write owns nothing.
_NOBODY = 0


def mine(store: Store) -> Owners:
    """`--mine`: the contacts I own, and those nobody owns (someone must look after them)."""
    require_me(store, "--mine")
    found = me(store)
    return Owners(found.id if found else _NOBODY, True, store.author[0])


def owned_by(store: Store, text: str) -> Owners:
    """`--owner NAME`: one member's contacts; `none` those nobody owns, `me` mine."""
    if text.strip().lower() == "none":
        return Owners(None, True, "nobody")
    if text.strip().lower() == "me":
        require_me(store, "--owner me")
        found = me(store)
        return Owners(found.id if found else _NOBODY, False, store.author[0])
    m = resolve(store, text)
    return Owners(m.id, False, m.name)


# --- hand-offs -----------------------------------------------------------------------------


@dataclass
class Handed:
    """What `handoff` did: the new owner, whether they joined the team with it, and per
    contact its previous owner and the hand-off recorded (None: it was theirs already)."""

    to: Member | None
    added: bool
    contacts: list[tuple[Contact, int | None, int | None]]  # (contact, from member, hand-off)

    def as_json(self, store: Store) -> dict:
        people = refs(store)
        return {
            "to": self.to.ref() if self.to else None,
            "added_to_team": self.added,
            "contacts": [
                {
                    "contact": c.ref(),
                    "from": people.get(before),
                    "handoff_id": hid,
                    "handed": hid is not None,
                }
                for c, before, hid in self.contacts
            ],
        }


def handoff(
    store: Store,
    contacts: list[Contact],
    to: str,
    *,
    on: date,
    note: str = "",
    conn: sqlite3.Connection | None = None,
) -> Handed:
    """Make `to` (a member, `me`, `none`, or a new "Name <address>") the owner of each contact,
    recording a hand-off in each one's history. One write: `srm undo` takes it back whole (a
    member it added stays on the team). A contact that is theirs already is left alone.
    Pass `conn` to take part in a caller's transaction (`srm add --owner`).
    """
    note = note_text(note, "the hand-off note")
    if conn is not None:
        return _handoff(store, conn, contacts, to.strip(), on, note)
    with store.write() as c:
        return _handoff(store, c, contacts, to.strip(), on, note)


def _handoff(
    store: Store,
    conn: sqlite3.Connection,
    contacts: list[Contact],
    target: str,
    on: date,
    note: str,
) -> Handed:
    added = False
    if target.lower() == "none":
        member = None
    else:
        try:
            member = resolve(store, target)
        except NotFound:
            who = person(target)
            if who is None:
                raise
            member, added = _add_member(conn, *who), True
    out = []
    now = now_utc()
    for c in contacts:
        current = conn.execute("SELECT owner_id FROM contact WHERE id = ?", (c.id,)).fetchone()
        if current is None:
            raise NotFound(f"no contact with id {c.id}")
        before = current[0]
        if before == (member.id if member else None):
            out.append((c, before, None))
            continue
        hid = conn.execute(
            "INSERT INTO handoff (uuid, contact_id, from_member_id, to_member_id,"
            " by_member_id, note, handed_on, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                new_uuid(),
                c.id,
                before,
                member.id if member else None,
                store.member_id,
                note,
                on.isoformat(),
                now,
            ),
        ).lastrowid
        conn.execute(
            "UPDATE contact SET owner_id = ?, updated_at = ? WHERE id = ?",
            (member.id if member else None, now, c.id),
        )
        out.append((c, before, hid))
    return Handed(member, added, out)


def _add_member(conn: sqlite3.Connection, name: str, email: str) -> Member:
    uid, now = new_uuid(), now_utc()
    mid = conn.execute(
        "INSERT INTO member (uuid, name, email, created_at) VALUES (?, ?, ?, ?)",
        (uid, name, email, now),
    ).lastrowid
    return Member(mid, uid, name, email, now)


def contacts_of(store: Store, owners: Owners) -> list[Contact]:
    """Every contact (archived ones too) the selection keeps: `srm handoff --from`."""
    from srm.domain import contacts as dc

    cond, params = owners.sql()
    ids = [r[0] for r in store.conn.execute(f"SELECT c.id FROM contact c WHERE {cond}", params)]
    found = [dc.get(store, i) for i in ids]
    return sorted(found, key=lambda c: (c.name.casefold(), c.id))


def handoffs_of(store: Store, contact_id: int) -> list[dict]:
    """A contact's hand-offs, oldest first."""
    people = refs(store)
    rows = store.conn.execute(
        "SELECT id, uuid, from_member_id, to_member_id, by_member_id, note, handed_on"
        " FROM handoff WHERE contact_id = ? ORDER BY handed_on, id",
        (contact_id,),
    ).fetchall()
    return [
        {
            "id": r[0],
            "uuid": r[1],
            "date": r[6],
            "from": people.get(r[2]),
            "to": people.get(r[3]),
            "by": people.get(r[4]),
            "note": r[5],
        }
        for r in rows
    ]


# --- the team at a glance ------------------------------------------------------------------

_TEAM_SQL = """
SELECT m.id,
       (SELECT count(*) FROM contact c WHERE c.owner_id = m.id AND c.archived_at IS NULL),
       (SELECT count(*) FROM interaction i WHERE i.logged_by_id = m.id AND i.occurred_on <= :on),
       (SELECT count(*) FROM interaction i
         WHERE i.logged_by_id = m.id AND i.occurred_on > :recent AND i.occurred_on <= :on),
       (SELECT max(i.occurred_on) FROM interaction i
         WHERE i.logged_by_id = m.id AND i.occurred_on <= :on)
FROM member m
"""


def overview(store: Store, config: Config, on: date) -> dict:
    """Each member with the contacts they own, what is overdue for them, and their activity
    (interactions logged, in the last RECENT_DAYS too, and the latest); then what nobody owns."""
    from srm.domain import schedule

    team = members(store)
    params = {"on": on.isoformat(), "recent": (on - timedelta(days=RECENT_DAYS)).isoformat()}
    figures = {r[0]: r[1:] for r in store.conn.execute(_TEAM_SQL, params)}
    unowned = store.conn.execute(
        "SELECT count(*) FROM contact WHERE owner_id IS NULL AND archived_at IS NULL"
    ).fetchone()[0]
    # Overdue check-ins: every active contact's schedule (as `srm due` works it out), counted
    # by owner; overdue follow-ups: counted in SQL by who made them, else the contact's owner.
    owner_of = dict(
        store.conn.execute("SELECT id, owner_id FROM contact WHERE archived_at IS NULL")
    )
    checkins: dict[int | None, int] = {}
    for cid, p in schedule.schedules(store, config, on).items():
        if p.due is None or p.due >= on:
            continue
        if p.snoozed_until is not None and p.snoozed_until >= on:
            continue
        owner = owner_of.get(cid)
        checkins[owner] = checkins.get(owner, 0) + 1
    followups = dict(
        store.conn.execute(
            "SELECT coalesce(f.made_by_id, c.owner_id), count(*) FROM followup f"
            " JOIN contact c ON c.id = f.contact_id WHERE f.status = 'open' AND f.due_on < ?"
            " AND c.archived_at IS NULL GROUP BY coalesce(f.made_by_id, c.owner_id)",
            (on.isoformat(),),
        )
    )
    myself = me(store)
    rows = []
    for m in team:
        contacts, logged, recent, last = figures[m.id]
        rows.append(
            {
                **m.ref(),
                "me": myself is not None and myself.id == m.id,
                "joined": m.created_at[:10],
                "contacts": contacts,
                "overdue_checkins": checkins.get(m.id, 0),
                "overdue_followups": followups.get(m.id, 0),
                "interactions": logged,
                f"interactions_{RECENT_DAYS}d": recent,
                "last_activity": last,
            }
        )
    return {
        "on": on.isoformat(),
        "members": rows,
        "unowned": {
            "contacts": unowned,
            "overdue_checkins": checkins.get(None, 0),
            "overdue_followups": followups.get(None, 0),
        },
    }


# --- who knows them best -------------------------------------------------------------------

# One row per member and day on which they logged interactions with any of the contacts up to
# :on (member NULL: interactions logged without an author), with how many (a meeting with
# several of them counted once; its links share its day): plain SQL that every
# engine runs alike, a few rows per member however long the history. The decay is applied in
# Python (no engine's date arithmetic in the SQL).
_WHO_SQL = """
SELECT i.logged_by_id, ic.occurred_on, count(DISTINCT ic.interaction_id)
FROM interaction_contact ic JOIN interaction i ON i.id = ic.interaction_id
WHERE ic.contact_id IN ({ids}) AND ic.occurred_on <= :on
GROUP BY i.logged_by_id, ic.occurred_on
"""


def score(strength: float) -> float:
    """A sum of decayed touches as a 0–1 score: S / (S + 1)."""
    return strength / (strength + 1)


def who(store: Store, config: Config, contact_ids: list[int], on: date) -> dict:
    """Team members ranked by relationship strength with these contacts, strongest first."""
    empty = {"half_life_days": config.who_half_life_days, "members": [], "unattributed": 0}
    if not contact_ids:
        return empty
    people = refs(store)
    half_life = config.who_half_life_days
    today = on.toordinal()
    # member id → [interactions, latest day, strength]; each day's touches weigh
    # 0.5 ^ (age / half-life) apiece.
    sums: dict[int | None, list] = {}
    weights: dict[str, float] = {}  # a day's weight, worked out once for all members
    rows = store.conn.execute(
        _WHO_SQL.format(ids=",".join(str(int(i)) for i in contact_ids)), {"on": on.isoformat()}
    )
    for member_id, on_day, n in rows:
        day = str(on_day)  # ISO text, whatever type the engine gives a date in
        weight = weights.get(day)
        if weight is None:
            age = today - date.fromisoformat(day).toordinal()
            weight = weights[day] = 0.5 ** (age / half_life)
        acc = sums.get(member_id)
        if acc is None:
            acc = sums[member_id] = [0, day, 0.0]
        acc[0] += n
        if day > acc[1]:
            acc[1] = day
        acc[2] += n * weight
    ranked = []
    unattributed = 0
    for member_id, (n, last, strength) in sums.items():
        if member_id is None or member_id not in people:
            unattributed += n
            continue
        ranked.append(
            {
                "member": people[member_id],
                "score": round(score(strength), 3),
                "strength": round(strength, 3),
                "interactions": n,
                "last": last,
                "_exact": score(strength),
            }
        )
    # Ties: the more recent touch, then by name.
    ranked.sort(
        key=lambda r: (
            -r["_exact"],
            -date.fromisoformat(r["last"]).toordinal(),
            r["member"]["name"].casefold(),
            r["member"]["id"],
        )
    )
    for r in ranked:
        del r["_exact"]
    return {**empty, "members": ranked, "unattributed": unattributed}


def strongest(store: Store, config: Config, contact_id: int, on: date) -> dict | None:
    """The member who knows this contact best (`srm show`), or None."""
    found = who(store, config, [contact_id], on)["members"]
    return found[0] if found else None


def org_contacts(store: Store, text: str) -> tuple[str, list[int]]:
    """The organisation ORG names (its name as written most often) and the ids of everyone at
    it, archived too. The whole name (case and accents aside) wins; else a part of one name,
    but only of one organisation."""
    ref = text.strip()
    if not ref:
        raise UsageError("name an organisation")
    spellings: dict[str, list[tuple[str, int]]] = {}
    for org, n in store.conn.execute(
        "SELECT org, count(*) FROM contact WHERE org IS NOT NULL GROUP BY org"
    ):
        spellings.setdefault(name_key(org), []).append((org, n))
    key = name_key(ref)
    # A whole name picks its organisation; a part must fit one organisation only.
    chosen = [key] if key in spellings else [k for k in spellings if key and key in k]
    if not chosen:
        raise NotFound(f"no contact or organisation matches {ref!r}")
    if len(chosen) > 1:
        names = sorted(min(spellings[k], key=lambda s: (-s[1], s[0]))[0] for k in chosen)
        shown = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
        raise Ambiguous(f"{ref!r} matches {len(names)} organisations: {shown}; name one whole")
    forms = spellings[chosen[0]]
    # Named as most of its contacts write it, else as typed, else capitalised.
    name = min(forms, key=lambda s: (-s[1], s[0] != ref, s[0]))[0]
    marks = ",".join("?" * len(forms))
    ids = [
        r[0]
        for r in store.conn.execute(
            f"SELECT id FROM contact WHERE org IN ({marks}) ORDER BY id", [f for f, _ in forms]
        )
    ]
    return name, ids


def is_org(store: Store, text: str) -> bool:
    """Whether `text` is the whole name of an organisation (case and accents aside)."""
    key = name_key(text)
    if not key:
        return False
    return any(
        name_key(org) == key
        for (org,) in store.conn.execute("SELECT DISTINCT org FROM contact WHERE org IS NOT NULL")
    )
