"""vCard 2.1, 3.0 and 4.0 as address books really write them: normalised, then read with vobject.

python-vobject 0.9.9 parses clean vCard 3.0, but real exports break it: Apple's CR CR LF line
ends, Outlook's and Android's quoted-printable soft line breaks (splitting multibyte
characters), non-UTF-8 bytes (XING's ISO-8859-1, Windows-1252 inside quoted-printable), base64
photos, and unescaped commas that it reads as list separators (it cuts Gmail's FN
"Mr. John Richter, James Doe Sr." at the comma). `split_cards` undoes those quirks and keeps only
the properties srm uses; vobject then reads each card on its own, so one broken card is reported
with its number and line instead of failing the file.
"""

from __future__ import annotations

import quopri
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from srm.errors import ImportError_
from srm.formats import records
from srm.formats.text import decode_line

# What srm reads from a card; photos, keys, addresses and the rest are dropped before parsing.
_DATES = {
    "BDAY": "birthday",
    "ANNIVERSARY": "anniversary",
    "X-ANNIVERSARY": "anniversary",
    "X-MS-ANNIVERSARY": "anniversary",
    "X-EVOLUTION-ANNIVERSARY": "anniversary",
}
_KEEP = {"VERSION", "FN", "N", "EMAIL", "TEL", "ORG", "TITLE", "ROLE", "NOTE", "CATEGORIES"}
_KEEP |= set(_DATES) | {"X-ABDATE", "X-ABLABEL"}
# One text value each: a comma in them is never a list separator, escaped or not.
_ONE_TEXT = {"FN", "TITLE", "ROLE", "NOTE", "ORG", "BDAY", "ANNIVERSARY", "X-ABLABEL"}
# Values whose ';' separates components (N: family;given;…, ORG: company;department).
_STRUCTURED = {"N", "ORG"}
# Address books' built-in groups, which say nothing about the person.
_SYSTEM_GROUPS = {"my contacts", "mycontacts", "starred in android"}
_LINE_END = re.compile(r"\r*\n|\r")
_APPLE_LABEL = re.compile(r"^_\$!<(.*)>!\$_$")


@dataclass
class Card:
    number: int
    line: int
    lines: list[str] = field(default_factory=list)  # normalised logical lines, vCard 3.0 syntax
    complete: bool = False

    @property
    def where(self) -> str:
        return f"card {self.number} (line {self.line})"

    def text(self) -> str:
        return "BEGIN:VCARD\r\n" + "".join(f"{line}\r\n" for line in self.lines) + "END:VCARD\r\n"


def looks_like_vcard(text: str) -> bool:
    return re.search(r"^\s*BEGIN:VCARD\s*$", text[:65536], re.IGNORECASE | re.MULTILINE) is not None


def split_cards(text: str, name: str) -> list[Card]:
    """The cards in a file, each unfolded, decoded and reduced to the properties srm reads."""
    cards: list[Card] = []
    state = _Splitter(cards)
    for number, line in enumerate(_LINE_END.split(text), start=1):
        state.feed(line, number)
    state.flush()
    if not cards:
        raise ImportError_(
            f"no vCard in {name} (no BEGIN:VCARD line): is it a CSV or JSON file? try --format auto"
        )
    return cards


class _Splitter:
    """Joins physical lines into logical ones (folding, QP soft breaks) and groups them in cards."""

    def __init__(self, cards: list[Card]):
        self.cards = cards
        self.card: Card | None = None
        self.depth = 0
        self.pending: str | None = None
        self.pending_line = 0
        self.pending_qp = False

    def feed(self, line: str, number: int) -> None:
        if self.pending is not None:
            # A soft break never swallows the card's end (some writers end a value with '=').
            if self.pending_qp and self.pending.endswith("=") and not _is_end(line):
                self.pending = self.pending[:-1] + line
                return
            if line[:1] in (" ", "\t"):
                self.pending += line[1:]
                return
        self.flush()
        if line.strip():
            self.pending = line
            self.pending_line = number
            head = line.split(":", 1)[0].upper()
            self.pending_qp = "QUOTED-PRINTABLE" in head

    def flush(self) -> None:
        line, self.pending = self.pending, None
        if line is None:
            return
        upper = line.strip().upper()
        if upper == "BEGIN:VCARD":
            self.depth += 1
            if self.depth == 1:
                self.card = Card(len(self.cards) + 1, self.pending_line)
                self.cards.append(self.card)
        elif _is_end(upper):
            self.depth = max(0, self.depth - 1)
            if self.depth == 0 and self.card is not None:
                self.card.complete = True
                self.card = None
        elif self.depth == 1 and self.card is not None:
            kept = _normalise(line)
            if kept is not None:
                self.card.lines.append(kept)


def _is_end(line: str) -> bool:
    return line.strip().upper() == "END:VCARD"


def _split_outside_quotes(text: str, sep: str, maxsplit: int = -1) -> list[str]:
    if '"' not in text:
        return text.split(sep, maxsplit)
    parts, start, quoted = [], 0, False
    for i, ch in enumerate(text):
        if ch == '"':
            quoted = not quoted
        elif ch == sep and not quoted and (maxsplit < 0 or len(parts) < maxsplit):
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def _normalise(line: str) -> str | None:
    """One logical line in vCard 3.0 syntax with QP decoded, or None if srm doesn't read it."""
    head_value = _split_outside_quotes(line, ":", 1)
    if len(head_value) != 2:
        return None
    head, value = head_value
    params = _split_outside_quotes(head, ";")
    prop = params[0].strip().rpartition(".")[2].upper()
    if prop not in _KEEP:
        return None
    qp, charset, kept = False, None, [params[0].strip()]
    for p in params[1:]:
        key = p.strip().upper()
        if key in ("QUOTED-PRINTABLE", "ENCODING=QUOTED-PRINTABLE"):
            qp = True
        elif key.startswith("CHARSET="):
            charset = p.split("=", 1)[1].strip().strip('"')
        elif key:
            kept.append(p.strip())
    value = _escape_decoded(_decode_qp(value, charset), prop) if qp else _fix_commas(value, prop)
    return ";".join(kept) + ":" + value


def _decode_qp(value: str, charset: str | None) -> str:
    raw = quopri.decodestring(value.encode("utf-8"))
    return decode_line(raw, charset)


def _escape_decoded(text: str, prop: str) -> str:
    """Escape decoded quoted-printable text the way vCard 3.0 expects it."""
    text = text.replace("\\", "\\\\")
    text = _LINE_END.sub("\\\\n", text.rstrip("\r\n"))
    if prop in _ONE_TEXT:
        text = text.replace(",", "\\,")
    if prop not in _STRUCTURED and prop != "CATEGORIES":
        text = text.replace(";", "\\;")
    return text


def _fix_commas(value: str, prop: str) -> str:
    """Escape bare commas in one-value properties; read escaped commas in CATEGORIES as lists.

    Thunderbird writes CATEGORIES:a\\, b\\, c for three categories.
    """
    escape = prop in _ONE_TEXT
    unescape = prop == "CATEGORIES"
    if not (escape or unescape) or ("," not in value):
        return value
    out, i = [], 0
    while i < len(value):
        ch = value[i]
        if ch == "\\" and i + 1 < len(value):
            nxt = value[i + 1]
            out.append("," if (nxt == "," and unescape) else ch + nxt)
            i += 2
            continue
        out.append("\\," if (ch == "," and escape) else ch)
        i += 1
    return "".join(out)


def read(text: str, name: str) -> tuple[int, Iterator[dict]]:
    """How many cards the file holds, and their records (parsed lazily, one card at a time)."""
    cards = split_cards(text, name)
    return len(cards), (_record(card) for card in cards)


def _record(card: Card) -> dict:
    import vobject

    rec = records.new(card.where)
    if not card.complete:
        rec["error"] = "the card has no END:VCARD (is the file cut short?)"
        return rec
    try:
        component = vobject.readOne(card.text())
    except Exception as e:  # vobject raises many types; any of them means this card is unreadable
        rec["error"] = f"unreadable vCard ({_first_line(e)})"
        return rec
    _fill(rec, component.getChildren())
    return rec


def _first_line(e: Exception) -> str:
    return (str(e).strip().splitlines() or [type(e).__name__])[0]


def _fill(rec: dict, lines) -> None:
    fn = n_name = None
    emails: list[tuple[bool, str]] = []
    phones: list[tuple[bool, str]] = []
    titles: dict[str, str] = {}
    labels: dict[str, str] = {}
    ab_dates = []
    has_bday = False
    for line in lines:
        prop = line.name.upper()
        if prop == "FN":
            fn = fn or records.clean(_text(line.value))
        elif prop == "N":
            n_name = n_name or _from_n(line.value)
        elif prop == "EMAIL":
            emails.append((_preferred(line), _text(line.value).strip()))
        elif prop == "TEL":
            phones.append((_preferred(line), _text(line.value).strip().removeprefix("tel:")))
        elif prop == "ORG":
            _org(rec, line.value)
        elif prop in ("TITLE", "ROLE"):
            titles.setdefault(prop, records.clean(_text(line.value)) or "")
        elif prop == "NOTE":
            note = _text(line.value).strip()
            if note and note not in rec["notes"]:
                rec["notes"].append(note)
        elif prop == "CATEGORIES":
            for cat in line.value if isinstance(line.value, list) else [line.value]:
                cat = cat.strip()
                if cat and cat.lower() not in _SYSTEM_GROUPS:
                    rec["tags"].append(cat)
        elif prop == "X-ABLABEL" and line.group:
            labels[line.group.lower()] = _text(line.value).strip()
        elif prop == "X-ABDATE":
            ab_dates.append(line)
        elif prop == "BDAY":
            if not has_bday:  # a person has one birthday; lenient writers repeat the property
                _date(rec, "birthday", line)
            has_bday = True
        elif prop in _DATES:
            _date(rec, _DATES[prop], line)
    for line in ab_dates:
        label = labels.get((line.group or "").lower(), "")
        m = _APPLE_LABEL.match(label)
        _date(rec, (m.group(1) if m else label) or "other", line)
    rec["name"] = fn or n_name
    rec["emails"] = [e for _, e in sorted(emails, key=lambda p: not p[0]) if e]
    rec["phone"] = next((p for _, p in sorted(phones, key=lambda p: not p[0]) if p), None)
    rec["role"] = titles.get("TITLE") or titles.get("ROLE") or None


def _text(value) -> str:
    return " ".join(value) if isinstance(value, list) else str(value)


def _from_n(value) -> str | None:
    """Prefix, given, additional, family and suffix names joined, as address books show them."""
    parts = []
    for attr in ("prefix", "given", "additional", "family", "suffix"):
        part = getattr(value, attr, "")
        parts.append(" ".join(part) if isinstance(part, list) else part)
    return records.clean(" ".join(" ".join(parts).split()))


def _org(rec: dict, value) -> None:
    if rec["org"] is not None:
        return
    parts = [records.clean(p) for p in (value if isinstance(value, list) else [value])]
    parts = [p for p in parts if p]
    if parts:
        rec["org"] = parts[0]
        rec["team"] = ", ".join(parts[1:]) or None


def _preferred(line) -> bool:
    """PREF as vCard 2.1 (bare), 3.0 (TYPE=pref) or 4.0 (PREF=1) writes it."""
    if any(p.upper() == "PREF" for p in line.singletonparams):
        return True
    if "PREF" in line.params:
        return True
    types = ",".join(line.params.get("TYPE", [])).lower().split(",")
    return "pref" in types


def _date(rec: dict, label: str, line) -> None:
    omit = line.params.get("X-APPLE-OMIT-YEAR", [None])[0]
    omit_year = int(omit) if omit and omit.isdigit() else None
    records.add_date(rec, label, _text(line.value), omit_year)


# --- writing -------------------------------------------------------------------------------


def write_card(contact: dict) -> str:
    """One vCard 4.0 for a contact dict: uuid, name, email, phone, org, team, role, note,
    tags, updated_at and dates ({"label", "year", "month", "day"})."""
    import vobject

    card = vobject.vCard()
    card.add("version").value = "4.0"
    card.add("uid").value = f"urn:uuid:{contact['uuid']}"
    card.add("fn").value = contact["name"]
    for prop, key in (("email", "email"), ("tel", "phone"), ("title", "role"), ("note", "note")):
        if contact.get(key):
            card.add(prop).value = contact[key]
    if contact.get("org"):
        card.add("org").value = [contact["org"]] + (
            [contact["team"]] if contact.get("team") else []
        )
    if contact.get("tags"):
        card.add("categories").value = contact["tags"]
    others = 0
    for d in contact.get("dates", []):
        value = (f"{d['year']:04d}" if d["year"] else "--") + f"{d['month']:02d}{d['day']:02d}"
        if d["label"] in ("birthday", "anniversary"):
            card.add("bday" if d["label"] == "birthday" else "anniversary").value = value
            continue
        # Apple's form for a labelled date, which Apple, Google and srm read back.
        others += 1
        line = card.add("x-abdate")
        line.value, line.group = value, f"item{others}"
        label = card.add("x-ablabel")
        label.value, label.group = d["label"], f"item{others}"
    updated = datetime.fromisoformat(contact["updated_at"]).astimezone(UTC)
    card.add("rev").value = updated.strftime("%Y%m%dT%H%M%SZ")
    return card.serialize()
