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
from datetime import UTC, datetime, timedelta

from srm.errors import ImportError_
from srm.formats import records
from srm.formats.text import decode_line

# What srm reads from a card. Everything else is either no data about the person (a version, a
# product id, display hints, the formatted twin of an address) or is reported as not kept.
_DATES = {
    "BDAY": "birthday",
    "ANNIVERSARY": "anniversary",
    "X-ANNIVERSARY": "anniversary",
    "X-MS-ANNIVERSARY": "anniversary",
    "X-EVOLUTION-ANNIVERSARY": "anniversary",
}
# Instant-messaging properties of address books before IMPP, by service.
_IM = {
    "X-AIM": "aim",
    "X-ICQ": "icq",
    "X-JABBER": "jabber",
    "X-GTALK": "jabber",
    "X-GOOGLE-TALK": "jabber",
    "X-MSN": "msn",
    "X-YAHOO": "yahoo",
    "X-SKYPE": "skype",
    "X-SKYPE-USERNAME": "skype",
    "X-QQ": "qq",
    "X-GADUGADU": "gadugadu",
    "X-TWITTER": "x",
    "X-MS-IMADDRESS": "",
}
# People related to the contact, as a label: they go into the note ("Spouse: Maria").
_RELATED = {
    "X-ABRELATEDNAMES": "related",
    "RELATED": "related",
    "X-SPOUSE": "spouse",
    "X-EVOLUTION-SPOUSE": "spouse",
    "X-MS-SPOUSE": "spouse",
    "X-MANAGER": "manager",
    "X-EVOLUTION-MANAGER": "manager",
    "X-MS-MANAGER": "manager",
    "X-ASSISTANT": "assistant",
    "X-EVOLUTION-ASSISTANT": "assistant",
    "X-MS-ASSISTANT": "assistant",
}
_KEEP = {"VERSION", "FN", "N", "NICKNAME", "EMAIL", "TEL", "X-MS-TEL", "ADR", "LABEL", "URL"}
_KEEP |= {"X-SOCIALPROFILE", "IMPP", "ORG", "TITLE", "ROLE", "NOTE", "CATEGORIES", "UID", "REV"}
_KEEP |= set(_DATES) | set(_IM) | set(_RELATED) | {"X-ABDATE", "X-ABLABEL", "X-ANDROID-CUSTOM"}
# Properties that say nothing about the person: how to file or show the card, who wrote it.
_SILENT = {
    "BEGIN",
    "END",
    "PRODID",
    "CLASS",
    "PROFILE",
    "MAILER",
    "NAME",
    "SOURCE",
    "SORT-STRING",
    "KIND",
    "X-ABSHOWAS",
    "X-ABADR",
    "X-ABUID",
    "X-EVOLUTION-FILE-AS",
    "X-EVOLUTION-LIST",
    "X-MS-OL-DEFAULT-POSTAL-ADDRESS",
    "X-MS-OL-DESIGN",
    "X-MOZILLA-HTML",
    "X-MOZILLA-PROPERTY",
    "X-COUCHDB-APPLICATION-ANNOTATIONS",
    "X-COUCHDB-UUID",
    "CLIENTPIDMAP",
}
# One text value each: a comma in them is never a list separator, escaped or not.
_ONE_TEXT = {"FN", "TITLE", "ROLE", "NOTE", "ORG", "BDAY", "ANNIVERSARY", "X-ABLABEL", "NICKNAME"}
_ONE_TEXT |= set(_RELATED) | {"LABEL"}
# Values whose ';' separates components (N: family;given;…, ORG: company;department; ADR).
_STRUCTURED = {"N", "ORG", "ADR", "X-ANDROID-CUSTOM"}
# Address books' built-in groups, which say nothing about the person.
_SYSTEM_GROUPS = {"my contacts", "mycontacts", "starred in android"}
_LINE_END = re.compile(r"\r*\n|\r")
_APPLE_LABEL = re.compile(r"^_\$!<(.*)>!\$_$")
# TYPE values that are a label, as srm names it; others (pref, voice, internet …) say nothing.
_TYPE_LABELS = {
    "home": "home",
    "work": "work",
    "cell": "mobile",
    "mobile": "mobile",
    "x-mobil": "mobile",
    "main": "main",
    "pager": "pager",
    "other": "other",
    "car": "car",
    "iphone": "iphone",
    "video": "video",
    "text": "text",
    "textphone": "textphone",
    "callback": "callback",
    "isdn": "isdn",
    "fax": "fax",
    "blog": "blog",
    "profile": "profile",
}
_NOT_LABELS = {"pref", "voice", "internet", "x400", "dom", "intl", "postal", "parcel", "msg"}


@dataclass
class Card:
    number: int
    line: int
    lines: list[str] = field(default_factory=list)  # normalised logical lines, vCard 3.0 syntax
    complete: bool = False
    dropped: list[str] = field(default_factory=list)  # properties srm can't keep, each once
    file: str | None = None  # the file's name, when a folder is read (a vdir)

    @property
    def where(self) -> str:
        place = f"card {self.number} (line {self.line})"
        return f"{self.file}, {place}" if self.file else place

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
            if isinstance(kept, str):
                self.card.lines.append(kept)
            elif kept is not None and kept[0] not in self.card.dropped:
                self.card.dropped.append(kept[0])


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


def _normalise(line: str) -> str | tuple[str] | None:
    """One logical line in vCard 3.0 syntax with QP decoded; (PROPERTY,) for a property srm
    can't keep, None for one that holds nothing about the person."""
    head_value = _split_outside_quotes(line, ":", 1)
    if len(head_value) != 2:
        return None
    head, value = head_value
    params = _split_outside_quotes(head, ";")
    prop = params[0].strip().rpartition(".")[2].upper()
    if prop not in _KEEP:
        if prop in _SILENT or not re.fullmatch(r"[A-Z0-9-]+", prop) or not value.strip():
            return None
        return (prop,)
    qp, charset, kept = False, None, [params[0].strip()]
    for p in params[1:]:
        key = p.strip().upper()
        if key in ("QUOTED-PRINTABLE", "ENCODING=QUOTED-PRINTABLE"):
            qp = True
        elif key.startswith("CHARSET="):
            charset = p.split("=", 1)[1].strip().strip('"')
        elif key:
            kept.append(p.strip())
    if qp:
        value = _escape_decoded(_decode_qp(value, charset), prop)
    else:
        value = _fix_commas(value, prop, list_escaped=charset is not None)
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


def _fix_commas(value: str, prop: str, list_escaped: bool = False) -> str:
    """Escape bare commas in one-value properties; with `list_escaped`, read escaped commas in
    CATEGORIES as separators.

    Thunderbird writes CATEGORIES;CHARSET=UTF-8:a\\, b\\, c for three categories: a CHARSET
    parameter (vCard 2.1's, not 3.0's or 4.0's) marks that writer. Elsewhere an escaped comma
    is part of one category, as RFC 6350 says ("vip\\, gold" is the tag "vip, gold").
    """
    escape = prop in _ONE_TEXT
    unescape = prop == "CATEGORIES" and list_escaped
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
    return len(cards), card_records(cards)


def card_records(cards: list[Card]) -> Iterator[dict]:
    return (_record(card) for card in cards)


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
    for prop in card.dropped:
        records.drop(rec, prop)
    _fill(rec, list(component.getChildren()))
    return rec


def _first_line(e: Exception) -> str:
    return (str(e).strip().splitlines() or [type(e).__name__])[0]


def _fill(rec: dict, lines: list) -> None:
    fn = n_name = None
    titles: dict[str, str] = {}
    # Apple's and Google's custom labels: item1.EMAIL … item1.X-ABLabel:Work phone.
    labels = {
        (line.group or "").lower(): _text(line.value).strip()
        for line in lines
        if line.name.upper() == "X-ABLABEL" and line.group
    }
    has_address = any(line.name.upper() == "ADR" for line in lines)
    birthday = None
    for line in lines:
        prop = line.name.upper()
        label = _label(line, labels)
        if prop == "FN":
            fn = fn or records.clean(_text(line.value))
        elif prop == "N":
            n_name = n_name or _from_n(line.value)
        elif prop == "NICKNAME":
            _nickname(rec, _text(line.value))
        elif prop == "X-ANDROID-CUSTOM":
            kind, _, rest = _text(line.value).partition(";")
            if kind.strip() == "vnd.android.cursor.item/nickname":
                _nickname(rec, rest.split(";")[0])
            else:
                records.drop(rec, f"X-ANDROID-CUSTOM ({kind.rsplit('/', 1)[-1] or 'other'})")
        elif prop == "EMAIL":
            records.add_detail(rec, "emails", _uri_text(line.value), label, _preferred(line))
        elif prop in ("TEL", "X-MS-TEL"):
            value = _uri_text(line.value)
            value = re.sub(r"^tel:", "", value, flags=re.IGNORECASE)
            records.add_detail(rec, "phones", value, label, _preferred(line))
        elif prop == "ADR":
            _address(rec, line.value, label, _preferred(line))
        elif prop == "LABEL" and not has_address:
            # A formatted address with no structured twin: keep it as the street.
            records.add_address(rec, label, _preferred(line), street=_text(line.value))
        elif prop == "URL":
            _url(rec, _uri_text(line.value), label, _preferred(line))
        elif prop == "X-SOCIALPROFILE":
            service = (_types(line) or [""])[0] or _param(line, "X-SERVICE-TYPE")
            value = _param(line, "X-USER") if not _uri_text(line.value) else _uri_text(line.value)
            records.add_detail(rec, "socials", value, service.lower(), _preferred(line))
        elif prop == "IMPP":
            value = _uri_text(line.value)
            service = _param(line, "X-SERVICE-TYPE")
            if service and not value.lower().startswith(("http:", "https:")):
                value = value.partition(":")[2] or value  # skype:ana is ana on Skype
            service = service or value.partition(":")[0]
            records.add_detail(rec, "socials", value, service.lower(), _preferred(line))
        elif prop in _IM:
            records.add_detail(rec, "socials", _uri_text(line.value), _IM[prop] or "im")
        elif prop == "ORG":
            _org(rec, line.value)
        elif prop in ("TITLE", "ROLE"):
            text = records.clean(_text(line.value))
            if text and prop in titles and titles[prop] != text:
                records.drop(rec, prop)  # a second title: srm keeps one
            titles.setdefault(prop, text or "")
        elif prop == "NOTE":
            _note(rec, _text(line.value).strip())
        elif prop == "CATEGORIES":
            for cat in line.value if isinstance(line.value, list) else [line.value]:
                cat = cat.strip()
                if cat and cat.lower() not in _SYSTEM_GROUPS:
                    rec["tags"].append(cat)
        elif prop in _RELATED:
            who = records.clean(_text(line.value).removeprefix("urn:uuid:"))
            relation = label if prop in ("X-ABRELATEDNAMES", "RELATED") else _RELATED[prop]
            relation = relation or _param(line, "TYPE").lower() or _RELATED[prop]
            if who:
                _note(rec, f"{relation[:1].upper()}{relation[1:]}: {who}")
        elif prop == "X-ABDATE":
            _date(rec, label or "other", line)
        elif prop == "BDAY":
            # A person has one birthday; a lenient writer that repeats it keeps the first.
            value = _text(line.value).strip()
            if birthday is None:
                birthday = value
                _date(rec, "birthday", line)
            elif value != birthday:
                records.drop(rec, "BDAY")
        elif prop in _DATES:
            _date(rec, _DATES[prop], line)
        elif prop == "UID":
            rec["uid"] = records.clean(_text(line.value))
        elif prop == "REV":
            rec["rev"] = _timestamp(_text(line.value))
    rec["name"] = fn or n_name
    for kind in ("emails", "phones", "urls", "socials"):
        rec[kind].sort(key=lambda e: not e["preferred"])  # stable: the preferred first
    rec["role"] = titles.get("TITLE") or titles.get("ROLE") or None
    if titles.get("TITLE") and titles.get("ROLE") and titles["TITLE"] != titles["ROLE"]:
        _note(rec, f"Role: {titles['ROLE']}")


def _text(value) -> str:
    return " ".join(value) if isinstance(value, list) else str(value)


def _uri_text(value) -> str:
    """A URL, email or number as written: vCard 3.0 escapes (http\\://) undone."""
    return re.sub(r"\\(.)", r"\1", _text(value)).strip()


def _note(rec: dict, text: str) -> None:
    if text and text not in rec["notes"]:
        rec["notes"].append(text)


def _nickname(rec: dict, text: str) -> None:
    names = [n.strip() for n in text.split(",") if n.strip()]
    if names:
        known = [n.strip() for n in (rec["nickname"] or "").split(",") if n.strip()]
        rec["nickname"] = ", ".join(dict.fromkeys(known + names))


def _params(line, name: str) -> list[str]:
    return [v for value in line.params.get(name, []) for v in value.split(",") if v.strip()]


def _param(line, name: str) -> str:
    return next(iter(_params(line, name)), "").strip()


def _types(line) -> list[str]:
    """TYPE values, lower-case, as 2.1 (bare), 3.0 and 4.0 write them."""
    return [t.strip().lower() for t in [*_params(line, "TYPE"), *line.singletonparams]]


def _label(line, labels: dict[str, str]) -> str:
    """The label a person gave: Apple's and Google's X-ABLabel, else the TYPE words srm
    knows (home, work, mobile, fax …), e.g. "work fax"."""
    custom = labels.get((line.group or "").lower())
    if custom:
        m = _APPLE_LABEL.match(custom)
        if m:  # Apple's built-in labels: _$!<HomePage>!$_ is "home page"
            return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", m.group(1)).lower()
        return custom
    words = [_TYPE_LABELS[t] for t in _types(line) if t in _TYPE_LABELS]
    words.sort(key=lambda w: w == "fax")  # "home fax", not "fax home"
    return " ".join(dict.fromkeys(words))


def _url(rec: dict, url: str, label: str, preferred: bool) -> None:
    from srm.domain.details import service_of

    service = service_of(url)
    if service is not None:
        records.add_detail(rec, "socials", url, service, preferred)
    else:
        records.add_detail(rec, "urls", url, label, preferred)


def _address(rec: dict, value, label: str, preferred: bool) -> None:
    """ADR's seven parts; the PO box and extended address join the street, as RFC 6350 (6.3.1)
    recommends writers leave them empty."""

    def part(name: str) -> str:
        v = getattr(value, name, "")
        return "\n".join(v) if isinstance(v, list) else str(v or "")

    street = "\n".join(p for p in (part("street"), part("extended"), part("box")) if p.strip())
    records.add_address(
        rec,
        label,
        preferred,
        street=street,
        locality=part("city"),
        region=part("region"),
        postal_code=part("code"),
        country=part("country"),
    )


def _timestamp(text: str) -> datetime | None:
    """REV as address books write it (basic or extended, 'Z' or an offset, ',' decimals)."""
    m = re.match(
        r"^(\d{4})-?(\d{2})-?(\d{2})(?:T(\d{2}):?(\d{2}):?(\d{2})?(?:[.,]\d+)?"
        r"(Z|[+-]\d{2}:?\d{2})?)?$",
        text.strip(),
    )
    if not m:
        return None
    year, month, day, hour, minute, second, zone = m.groups()
    try:
        stamp = datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
        )
    except ValueError:
        return None
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        hours, minutes = int(zone[1:3]), int(zone[-2:])
        stamp -= sign * timedelta(hours=hours, minutes=minutes)
    return stamp.replace(tzinfo=UTC)


def _from_n(value) -> str | None:
    """Prefix, given, additional, family and suffix names joined, as address books show them."""
    parts = []
    for attr in ("prefix", "given", "additional", "family", "suffix"):
        part = getattr(value, attr, "")
        parts.append(" ".join(part) if isinstance(part, list) else part)
    return records.clean(" ".join(" ".join(parts).split()))


def _org(rec: dict, value) -> None:
    """ORG's first part is the organisation, the rest the team (ORG:;Team: a team only)."""
    parts = [records.clean(p) for p in (value if isinstance(value, list) else [value])]
    org, team = parts[0], ", ".join(p for p in parts[1:] if p) or None
    if org is None and team is None:
        return
    if rec["org"] is None and rec["team"] is None:
        rec["org"], rec["team"] = org, team
    elif (rec["org"], rec["team"]) != (org, team):
        records.drop(rec, "ORG")  # a second organisation: srm keeps one


def _preferred(line) -> bool:
    """PREF as vCard 2.1 (bare), 3.0 (TYPE=pref) or 4.0 (PREF=1) writes it."""
    if any(p.upper() == "PREF" for p in line.singletonparams):
        return True
    if "PREF" in line.params:
        return True
    return "pref" in _types(line)


def _date(rec: dict, label: str, line) -> None:
    omit = line.params.get("X-APPLE-OMIT-YEAR", [None])[0]
    omit_year = int(omit) if omit and omit.isdigit() else None
    records.add_date(rec, label, _text(line.value), omit_year)


# --- writing -------------------------------------------------------------------------------

PRODID = "-//srm//srm relationship tracker//EN"
VERSIONS = ("4.0", "3.0")
FOLD = 75  # octets per line, the line break not counted (RFC 6350 3.2)
# srm's labels that are vCard TYPE values, by kind; any other label is Apple's X-ABLabel.
_TYPES = {
    "EMAIL": {"work": "work", "home": "home"},
    "ADR": {"work": "work", "home": "home"},
    "URL": {"work": "work", "home": "home"},
    "TEL": {
        "work": "work",
        "home": "home",
        "mobile": "cell",
        "fax": "fax",
        "pager": "pager",
        "video": "video",
        "text": "text",
        "textphone": "textphone",
        "voice": "voice",
    },
}
_TEL_4_ONLY = {"text", "textphone"}
_IM_SCHEMES = {"jabber": "xmpp", "yahoo": "ymsgr", "msn": "msnim"}
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "phd", "md", "esq", "esq."}


def name_parts(name: str) -> tuple[str, str, str, str, str]:
    """A display name as vCard's N: (family, given, additional, prefix, suffix) — the last
    word is the family name, honorifics lead and Jr./III trail. srm keeps one name; this is
    what address books sort by."""
    from srm.domain.contacts import HONORIFICS

    words = name.split()
    prefix, suffix = [], []
    while len(words) > 1 and words[0].lower().rstrip(".") in HONORIFICS:
        prefix.append(words.pop(0))
    while len(words) > 1 and words[-1].lower().rstrip(",") in _SUFFIXES:
        suffix.insert(0, words.pop())
    if len(words) == 1:
        return "", words[0], "", " ".join(prefix), " ".join(suffix)
    family = words.pop() if words else ""
    given = words.pop(0) if words else ""
    return family, given, " ".join(words), " ".join(prefix), " ".join(suffix)


def _escape(text: str) -> str:
    """A text value escaped: backslash, line ends, commas, and semicolons (RFC 6350 3.4)."""
    out = text.replace("\\", "\\\\").replace("\r\n", "\n").replace("\n", "\\n")
    return out.replace(",", "\\,").replace(";", "\\;")


def fold(line: str) -> str:
    """A content line folded so that no physical line exceeds 75 octets of UTF-8, never inside
    a character; continuation lines start with a space (which counts)."""
    data = line.encode("utf-8")
    if len(data) <= FOLD:
        return line + "\r\n"
    out, start, limit = [], 0, FOLD
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # inside a character: back off
            end -= 1
        out.append(data[start:end].decode("utf-8"))
        start, limit = end, FOLD - 1
    return "\r\n ".join(out) + "\r\n"


class _Card:
    """Content lines of one card; `group` gives Apple's itemN. prefix for a custom label."""

    def __init__(self, version: str):
        self.version = version
        self.lines: list[str] = []
        self.items = 0

    def add(self, prop: str, value: str, params: list[str] = (), group: str = "") -> None:  # type: ignore[assignment]
        head = ";".join([f"{group}.{prop}" if group else prop, *params])
        self.lines.append(fold(f"{head}:{value}"))

    def labelled(self, prop: str, value: str, entry: dict, count: int) -> None:
        """A property with its label (a TYPE, else an X-ABLabel) and, if one of several, PREF."""
        label = entry.get("label") or ""
        known = _TYPES.get(prop, {})
        if self.version == "3.0" and prop == "TEL":  # RFC 2426 has no text phones
            known = {k: v for k, v in known.items() if v not in _TEL_4_ONLY}
        words = label.split()
        params = []
        custom = ""
        if label and all(w in known for w in words):
            params.append("TYPE=" + ",".join(known[w] for w in words))
        elif label:
            custom = label
        if entry.get("preferred") and count > 1:
            params.append("PREF=1" if self.version == "4.0" else "TYPE=pref")
        group = ""
        if custom:
            self.items += 1
            group = f"item{self.items}"
        self.add(prop, value, params, group)
        if custom:
            self.add("X-ABLabel", _escape(custom), group=group)

    def text(self) -> str:
        return "BEGIN:VCARD\r\n" + "".join(self.lines) + "END:VCARD\r\n"


def uid_of(contact: dict) -> str:
    """The UID srm writes a contact under: its card's, else urn:uuid:<uuid>."""
    return contact.get("card_uid") or f"urn:uuid:{contact['uuid']}"


def write_card(contact: dict, version: str = "4.0") -> str:
    """One vCard (4.0, or 3.0 for clients that want it) for a contact dict: uuid, card_uid, name,
    nickname, emails, phones, urls, socials, addresses (as srm.domain.details keeps them), org,
    team, role, note, tags, dates ({"label", "year", "month", "day"}) and updated_at."""
    card = _Card(version)
    card.add("VERSION", version)
    card.add("PRODID", PRODID)
    card.add("UID", uid_of(contact))
    card.add("FN", _escape(contact["name"]))
    card.add("N", ";".join(_escape(p) for p in name_parts(contact["name"])))
    if contact.get("nickname"):
        card.add("NICKNAME", _escape(contact["nickname"]))
    for prop, key in (("EMAIL", "emails"), ("TEL", "phones"), ("URL", "urls")):
        entries = _preferred_first(contact.get(key) or [])
        for e in entries:
            value = e["value"] if prop == "URL" else _escape(e["value"])
            card.labelled(prop, value, e, len(entries))
    for e in contact.get("socials") or []:
        service = e.get("label") or e.get("service") or ""
        if re.match(r"(?i)https?://", e["value"]):
            card.add("X-SOCIALPROFILE", e["value"], [f"TYPE={service}"] if service else [])
        else:
            has_scheme = re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", e["value"])
            scheme = _IM_SCHEMES.get(service, re.sub(r"[^a-z0-9+.-]", "", service) or "x-im")
            uri = e["value"] if has_scheme else f"{scheme}:{e['value']}"
            card.add("IMPP", uri, [f"X-SERVICE-TYPE={service}"] if service else [])
    addresses = _preferred_first(contact.get("addresses") or [])
    for a in addresses:
        parts = ["", "", a["street"], a["locality"], a["region"], a["postal_code"], a["country"]]
        card.labelled("ADR", ";".join(_escape(p) for p in parts), a, len(addresses))
    org, team = contact.get("org"), contact.get("team")
    if org or team:  # a team of no organisation is ORG:;Team
        card.add("ORG", ";".join(_escape(p) for p in [org or "", *([team] if team else [])]))
    if contact.get("role"):
        card.add("TITLE", _escape(contact["role"]))
    if contact.get("tags"):
        card.add("CATEGORIES", ",".join(_escape(t) for t in contact["tags"]))
    _write_dates(card, contact.get("dates") or [])
    if contact.get("note"):
        card.add("NOTE", _escape(contact["note"]))
    updated = datetime.fromisoformat(contact["updated_at"]).astimezone(UTC)
    card.add("REV", updated.strftime("%Y%m%dT%H%M%SZ"))
    return card.text()


def _preferred_first(entries: list[dict]) -> list[dict]:
    return sorted(entries, key=lambda e: not e.get("preferred"))


def _write_dates(card: _Card, dates: list[dict]) -> None:
    """BDAY and ANNIVERSARY (X-ANNIVERSARY in 3.0), the others Apple's labelled X-ABDATE.
    A date without a year is --MMDD in 4.0; 3.0 has no such form, so it is Apple's: the year
    1604 with X-APPLE-OMIT-YEAR=1604, which Apple, Google and khard read as no year."""
    used = set()
    for d in dates:
        params = []
        if d["year"]:
            value = f"{d['year']:04d}{d['month']:02d}{d['day']:02d}"
        elif card.version == "4.0":
            value = f"--{d['month']:02d}{d['day']:02d}"
        else:
            value, params = f"1604-{d['month']:02d}-{d['day']:02d}", ["X-APPLE-OMIT-YEAR=1604"]
        if card.version == "3.0" and d["year"]:
            value = f"{d['year']:04d}-{d['month']:02d}-{d['day']:02d}"
        prop = {"birthday": "BDAY", "anniversary": "ANNIVERSARY"}.get(d["label"])
        if prop == "ANNIVERSARY" and card.version == "3.0":
            prop = "X-ANNIVERSARY"
        if prop and prop not in used:
            used.add(prop)
            card.add(prop, value, params)
            continue
        card.items += 1
        group = f"item{card.items}"
        card.add("X-ABDATE", value, params, group)
        card.add("X-ABLabel", _escape(d["label"]), group=group)
