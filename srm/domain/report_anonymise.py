"""`srm report --anonymise`: people named by segment and number, to share outside the team.

Every contact the report names becomes "Partners 1", "Customers 2" … ("Contact 3" without a
segment), numbered in the order the report first names them, the same alias everywhere in
it; their id and uuid become null. Free text (summaries of negative interactions, ideas,
goals) is scrubbed of every contact's full name, first and last names, handle, email address
and phone number, each replaced by that contact's alias; a name several contacts share
becomes the alias of the one the text is about, else "[name]"; any other email address
becomes "[email]". Names of people who are not contacts can't be recognised.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable

from srm.store.db import Store

_REF = {"id", "uuid", "handle", "name"}  # the keys of a contact in the report's JSON
_WORD = re.compile(r"\w+(?:['’-]\w+)*")
# One pass over free text: an email address, a phone number, or a word.
_TOKEN = re.compile(
    r"(?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)|(?P<phone>\+?\d[\d ().-]{5,}\d)|(?P<word>"
    + _WORD.pattern
    + ")"
)
_LONGEST_NAME = 5  # words in a full name looked for in free text
_POSSESSIVE = re.compile(r"(.+?)(['’]s?)$")  # Arjun's, Nikos'
_FREE_TEXT = ("summary", "text")


def anonymise(store: Store, report: dict) -> dict:
    """A copy of the report with every contact named by alias, in its lists and its text;
    team members (coverage by owner, the --owner cut) become "Member 1", "Member 2" …"""
    people = _People.load(store, report.get("segment"))
    out = people.visit(report)
    members: dict[str, str] = {}

    def member(name: str) -> str:
        return members.setdefault(name, f"Member {len(members) + 1}")

    if out.get("owned_by") and out["owned_by"] != "nobody":
        out["owned_by"] = member(out["owned_by"])
    for part in (out, out["previous"], out["change"]):
        if part.get("by_owner"):
            part["by_owner"] = {
                name if name.startswith("(") else member(name): figures
                for name, figures in part["by_owner"].items()
            }
    return out


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


class _People:
    """Every contact's identifying strings, and the aliases handed out so far."""

    def __init__(self, rows: Iterable[tuple], segment: str | None) -> None:
        self.segment_of: dict[int, str | None] = {}
        self.words: dict[str, list[int]] = {}  # a casefolded name word or handle -> contacts
        self.names: dict[str, list[int]] = {}  # a casefolded full name -> contacts
        self.handles: set[str] = set()
        self.emails: dict[str, int] = {}
        self.phones: dict[str, int] = {}
        for cid, name, handle, email, phone, segments in rows:
            names = sorted(segments.split("\x1f")) if segments else []
            self.segment_of[cid] = segment if segment in names else (names[0] if names else None)
            words = _WORD.findall(name.casefold())
            for word in {w for w in words if len(w) > 1} | {handle}:
                self.words.setdefault(word, []).append(cid)
            self.names.setdefault(" ".join(words), []).append(cid)
            self.handles.add(handle)
            if email:
                self.emails[email.casefold()] = cid
            if phone and len(_digits(phone)) >= 6:
                self.phones[_digits(phone)] = cid
        self.aliases: dict[int, dict] = {}
        self.counts: dict[str, int] = {}

    @classmethod
    def load(cls, store: Store, segment: str | None) -> _People:
        cur = store.conn.cursor()
        cur.row_factory = None
        names = store.dialect.group_concat("g.name", "'\x1f'")
        rows = cur.execute(
            "SELECT c.id, c.name, c.handle, c.email, c.phone,"
            f" (SELECT {names} FROM contact_segment cs"
            "   JOIN segment g ON g.id = cs.segment_id WHERE cs.contact_id = c.id)"
            " FROM contact c ORDER BY c.id"  # the oldest first, whatever the engine's scan
        )
        people = cls(rows, segment)
        # Every email and phone of theirs, not only the preferred ones the rows above carry.
        for cid, kind, value in cur.execute(
            "SELECT contact_id, kind, value FROM contact_detail WHERE kind IN ('email', 'phone')"
            " ORDER BY id"
        ):
            if kind == "email":
                people.emails.setdefault(value.casefold(), cid)
            elif len(_digits(value)) >= 6:
                people.phones.setdefault(_digits(value), cid)
        return people

    def alias(self, cid: int) -> dict:
        """The contact's stand-in, handed out on first sight."""
        if cid not in self.aliases:
            group = self.segment_of.get(cid) or "contact"
            n = self.counts[group] = self.counts.get(group, 0) + 1
            self.aliases[cid] = {
                "id": None,
                "uuid": None,
                "handle": f"{re.sub(r'[^a-z0-9]+', '-', group.lower()).strip('-')}-{n}",
                "name": f"{group[:1].upper()}{group[1:]} {n}",
            }
        return self.aliases[cid]

    def visit(self, node: object) -> object:
        if isinstance(node, list):
            return [self.visit(v) for v in node]
        if not isinstance(node, dict):
            return node
        if node.keys() == _REF and isinstance(node["id"], int):
            return self.alias(node["id"])
        out = {key: self.visit(value) for key, value in node.items()}
        # The contacts a text is about: those beside it (a negative's, an idea's, a goal's).
        beside = [*(node.get("contacts") or []), node.get("contact")]
        subjects = [c["id"] for c in beside if isinstance(c, dict) and c.keys() == _REF]
        for key in _FREE_TEXT:
            if isinstance(node.get(key), str):
                out[key] = self.scrub(node[key], subjects)
        return out

    def scrub(self, text: str, subjects: list[int]) -> str:
        """The text with each contact it names (name, handle, email, phone) as their alias."""
        tokens = list(_TOKEN.finditer(text))
        # (start, end, contact or None when unclear whom, text after the alias)
        spans: list[tuple[int, int, int | None, str]] = []
        i = 0
        while i < len(tokens):
            m = tokens[i]
            i += 1
            if m["email"]:
                who = self.emails.get(m[0].casefold())
                spans.append((m.start(), m.end(), who, "" if who is not None else "[email]"))
                continue
            if m["phone"]:
                if (who := self.phones.get(_digits(m[0]))) is not None:
                    spans.append((m.start(), m.end(), who, ""))
                continue  # a number, not a contact's phone
            if full := self._full_name(tokens, i - 1, text, subjects):
                who, i = full
                spans.append((m.start(), tokens[i - 1].end(), who, ""))
                continue
            word, suffix = m[0], ""
            who = self._whom(word, subjects)
            if who is False and (p := _POSSESSIVE.fullmatch(word)):
                word, suffix = p[1], p[2]
                who = self._whom(word, subjects)
            if who is False:
                continue
            spans.append(
                (m.start(), m.end(), who, suffix if who is not None else "[name]" + suffix)
            )
        out, at = [], 0
        for start, end, who, suffix in spans:
            name = self.alias(who)["name"] if who is not None else ""
            out += [text[at:start], name + suffix]
            at = end
        out.append(text[at:])
        return "".join(out)

    def _full_name(
        self, tokens: list[re.Match], i: int, text: str, subjects: list[int]
    ) -> tuple[int | None, int] | None:
        """(the contact, the index after it) when words from i on spell a full name."""
        for n in range(min(_LONGEST_NAME, len(tokens) - i), 1, -1):
            run = tokens[i : i + n]
            if not all(t["word"] for t in run):
                continue
            if any(text[a.end() : b.start()].strip() for a, b in itertools.pairwise(run)):
                continue
            ids = self.names.get(" ".join(t[0].casefold() for t in run))
            if ids:
                mine = [cid for cid in subjects if cid in ids]
                return (mine or ids)[0] if mine or len(ids) == 1 else None, i + n
        return None

    def _whom(self, word: str, subjects: list[int]) -> int | None | bool:
        """The contact a word names; None if it names several; False if it names no one.

        A name word counts when capitalised (grace period, Grace Kim); a handle as written.
        """
        if word not in self.handles and not word[:1].isupper():
            return False
        ids = self.words.get(word.casefold())
        if not ids:
            return False
        mine = [cid for cid in subjects if cid in ids]
        if mine:
            return mine[0]
        return ids[0] if len(ids) == 1 else None
