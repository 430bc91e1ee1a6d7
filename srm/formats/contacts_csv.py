"""Contact CSV files: LinkedIn, Google and Outlook exports, srm's own, and any CSV with named columns.

The header line is found, not assumed to be first: LinkedIn puts a "Notes:" preamble above it.
Each layout maps its own columns; a generic CSV is mapped by header names (name, email, org …).
A non-empty cell in a column no layout reads is reported per record (`records.drop`), never
dropped silently; a few columns hold only the exporting program's defaults ("Sensitivity:
Normal") or a form derived from other columns ("File As", "E-mail Display Name") and are not.

Writing: srm's own CSV (every field of a contact; lists one entry per line in a cell), and the
headers Google Contacts and Outlook.com import (`GOOGLE_HEADER`, `OUTLOOK_HEADER`).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from srm.errors import ImportError_
from srm.formats import records

LAYOUTS = {
    "linkedin": "LinkedIn Connections.csv",
    "google": "Google Contacts CSV",
    "outlook": "Outlook CSV",
    "csv": "CSV",
}
# Header names a generic CSV may use, by the field they fill (headers are compared lower-case,
# with '_' read as a space). email, phone and url may be numbered: "email 2", "phone 3".
GENERIC_COLUMNS = {
    "name": ("name", "full name", "display name", "contact"),
    "first": ("first name", "given name", "first"),
    "middle": ("middle name", "additional name"),
    "last": ("last name", "family name", "surname", "last"),
    "nickname": ("nickname",),
    "email": ("email", "e-mail", "email address", "e-mail address", "mail"),
    "phone": ("phone", "phone number", "telephone", "mobile", "mobile phone"),
    "url": ("url", "website", "web page", "homepage"),
    "org": ("org", "organisation", "organization", "company"),
    "team": ("team", "department"),
    "role": ("role", "title", "job title", "position"),
    "note": ("note", "notes"),
    "tags": ("tags", "tag", "labels", "categories"),
    "segments": ("segments", "segment"),
    "cadence": ("cadence",),
    "since": ("since",),
    "connected_on": ("connected on",),
    "birthday": ("birthday", "bday", "date of birth"),
    # srm's own CSV: every entry of a kind, one per line ("*work: ana@example.org").
    "emails": ("emails",),
    "phones": ("phones",),
    "urls": ("urls",),
    "socials": ("socials", "social profiles"),
    "addresses": ("addresses",),
    "dates": ("dates",),
    "uuid": ("uuid",),
    "handle": ("handle",),
    "snoozed_until": ("snoozed until",),
    "archived_at": ("archived at",),
    "card_uid": ("card uid",),
}
_GENERIC = {header: fld for fld, headers in GENERIC_COLUMNS.items() for header in headers}
_NUMBERED = {"email", "phone", "url"}
# Columns of srm's own CSV export that srm computes: not data to import.
_DERIVED = {"effective cadence", "last interaction", "next due"}
_NAME_FIELDS = {"name", "first", "last", "email"}
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})(?:\D.*)?$")
_DAY_MON_YEAR = re.compile(r"^(\d{1,2}) ([A-Za-z]{3})[a-z]* (\d{4})$")
_HEADER_SEARCH = 20  # LinkedIn's preamble is 3 lines; leave room for others
_GOOGLE_SEP = " ::: "
_GOOGLE_SYSTEM = {"mycontacts", "starred"}


class Row:
    """One CSV row by normalised header, remembering which columns a layout read."""

    def __init__(self, header: list[str], names: list[str], cells: list[str]):
        self.cells = dict(zip(header, cells, strict=False))
        self.names = dict(zip(header, names, strict=False))  # as the file spells them
        self.read: set[str] = set()

    def get(self, *columns: str) -> str | None:
        """The first non-empty of these columns (surrounding spaces and tabs removed)."""
        for c in columns:
            self.read.add(c)
            value = records.clean(self.cells.get(c))
            if value is not None:
                return value
        return None

    def matching(self, pattern: str) -> list[re.Match]:
        """The columns whose name matches `pattern` (fully), in the file's order."""
        rx = re.compile(pattern)
        return [m for h in self.cells if (m := rx.fullmatch(h))]

    def unread(self, quiet: dict[str, set[str]]) -> list[str]:
        """Columns with a value no layout read, as the file spells them; `quiet` holds the
        columns (and their values, or an empty set for any) that are no data."""
        out = []
        for h, value in self.cells.items():
            value = (value or "").strip()
            if not value or h in self.read or not h:
                continue
            if h in quiet and (not quiet[h] or value.lower() in quiet[h]):
                continue
            out.append(self.names[h])
        return out


@dataclass
class Table:
    name: str
    layout: str
    header: list[str]  # normalised column names
    rows: list[tuple[int, list[str]]]  # (line number, cells)
    ignored: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # the header as the file spells it

    def records(self) -> Iterator[dict]:
        to_record, quiet = {
            "linkedin": (_linkedin, {}),
            "google": (_google, _GOOGLE_QUIET),
            "outlook": (_outlook, _OUTLOOK_QUIET),
            "csv": (_generic, {h: set() for h in _DERIVED}),
        }[self.layout]
        names = self.names or self.header
        for line, cells in self.rows:
            row = Row(self.header, names, cells)
            rec = records.new(f"line {line}")
            try:
                to_record(row, rec)
            except ValueError as e:
                rec["error"] = str(e)
            for column in row.unread(quiet):
                records.drop(rec, column)
            yield rec


def norm(header: str) -> str:
    return " ".join(header.replace("_", " ").strip().lower().split())


def looks_like_csv(text: str) -> bool:
    """Whether the first lines have delimiters: a CSV, mappable or not."""
    head = text.splitlines()[:_HEADER_SEARCH]
    return any(d in line for line in head for d in (",", ";", "\t"))


def read(text: str, name: str, layout: str | None) -> Table:
    """The rows of a CSV export in `layout` (None: the one its header shows; "csv": generic)."""
    found = _find_header(text)
    if found is None:
        first = next((line for line in text.splitlines() if line.strip()), "")
        raise ImportError_(
            f"can't map the columns of {name} ({first[:80]!r}): it needs a name, first/last name"
            " or email column (rename the header, e.g. name,email,org)"
        )
    names, rows = found
    header = [norm(h) for h in names]
    detected = detect_layout(header)
    if layout is None:
        layout = detected
    elif layout not in ("csv", detected):
        raise ImportError_(
            f"{name} isn't a {LAYOUTS[layout]} (its columns are {', '.join(header[:6])} …):"
            " try --format auto"
        )
    ignored = []
    if layout == "csv":
        ignored = [h for h in header if h and _generic_field(h) is None and h not in _DERIVED]
    return Table(name, layout, header, rows, ignored, [n.strip() for n in names])


def detect_layout(header: list[str]) -> str:
    columns = set(header)
    if {"first name", "last name", "connected on"} <= columns:
        return "linkedin"
    if any(re.fullmatch(r"e-mail \d+ - value", h) for h in header):
        return "google"
    if {"first name", "e-mail address"} <= columns:
        return "outlook"
    return "csv"


def _generic_field(header: str) -> str | None:
    if header in _GENERIC:
        return _GENERIC[header]
    m = re.fullmatch(r"(.+?) ?\d+", header)
    if m and _GENERIC.get(m.group(1)) in _NUMBERED:
        return _GENERIC[m.group(1)]
    return None


def _find_header(text: str) -> tuple[list[str], list[tuple[int, list[str]]]] | None:
    """The header (within the first lines, under any usual delimiter) and the rows after it."""
    for delimiter in (",", ";", "\t"):
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            for _, row in zip(range(_HEADER_SEARCH), reader, strict=False):
                names = _unwrap(row, delimiter)
                header = [norm(c) for c in names]
                if len(header) >= 2 and _NAME_FIELDS & {_generic_field(h) for h in header}:
                    return names, _rows(reader, reader.line_num, delimiter)
        except csv.Error as e:
            raise ImportError_(f"unreadable CSV (line {reader.line_num}: {e})") from None
    return None


def _rows(reader, after: int, delimiter: str) -> list[tuple[int, list[str]]]:
    out = []
    start = after + 1
    for row in reader:
        if any(c.strip() for c in row):
            out.append((start, _unwrap(row, delimiter)))
        start = reader.line_num + 1
    return out


def _unwrap(row: list[str], delimiter: str) -> list[str]:
    """A row a spreadsheet re-saved as one quoted field ("Ada,Lovelace,…"), split again."""
    if len(row) == 1 and delimiter in row[0]:
        return next(csv.reader([row[0]], delimiter=delimiter))
    return row


def _join(*parts: str | None) -> str | None:
    return records.clean(" ".join(p for p in parts if p))


def _note(rec: dict, label: str, value: str | None) -> None:
    """A value srm has no field for but a person wants kept (a spouse, a custom field)."""
    if value:
        rec["notes"].append(f"{label}: {value}")


# --- LinkedIn ------------------------------------------------------------------------------


def _linkedin(row: Row, rec: dict) -> None:
    rec["name"] = _join(row.get("first name"), row.get("last name"))
    if rec["name"] is None:
        rec["skip"] = "no name: a LinkedIn member who left (only the date is exported)"
        row.read.update(row.cells)
        return
    email = row.get("email address")
    if email and "@" in email:
        records.add_detail(rec, "emails", email)
    elif email:  # older exports put 'urn:li:member:…' here: an id, not an address
        records.drop(rec, "Email Address (a LinkedIn member id, not an email address)")
    rec["org"] = row.get("company")
    rec["role"] = row.get("position")
    records.add_detail(rec, "socials", row.get("url"), "linkedin")
    connected = row.get("connected on")
    if connected:
        rec["connected_on"] = _linkedin_date(connected)


def _linkedin_date(text: str) -> date:
    """'09 Oct 2024' (current export), '1/8/18, 6:14 PM' (older), or YYYY-MM-DD."""
    m = _DAY_MON_YEAR.match(text)
    try:
        if m and m.group(2).lower() in _MONTHS:
            return date(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1)))
        parsed = _us_date(text)
        if parsed is not None:
            return parsed
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"'Connected On' {text!r} is not a date") from None


def _us_date(text: str) -> date | None:
    """M/D/YY or M/D/YYYY as US exports write it; None for Outlook's empty 0/0/00."""
    m = _US_DATE.match(text.strip())
    if not m:
        return None
    month, day, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if month == 0 and day == 0:
        return None
    if len(m.group(3)) == 2:
        year += 1900 if year >= 69 else 2000  # the pivot strptime's %y uses
    return date(year, month, day)


# --- Google --------------------------------------------------------------------------------

# Columns whose value is Google's own bookkeeping or a form of other columns.
_GOOGLE_QUIET: dict[str, set[str]] = {"file as": set(), "initials": set()}


def _google_label(text: str | None) -> tuple[str, bool]:
    """Google's "* Work" is the preferred one, labelled work; its built-in labels lower-case."""
    label = (text or "").strip()
    preferred = label.startswith("*")
    label = label.lstrip("* ").strip()
    builtin = {"home", "work", "other", "mobile", "main", "pager", "work fax", "home fax"}
    return (label.lower() if label.lower() in builtin else label), preferred


def _google(row: Row, rec: dict) -> None:
    rec["name"] = row.get("name") or _join(
        row.get("name prefix"),
        row.get("first name", "given name"),
        row.get("middle name", "additional name"),
        row.get("last name", "family name"),
        row.get("name suffix"),
    )
    rec["nickname"] = row.get("nickname")
    for kind, column in (("emails", "e-mail"), ("phones", "phone")):
        for n in _numbers(row, column):
            label, preferred = _google_label(
                row.get(f"{column} {n} - label", f"{column} {n} - type")
            )
            for value in (row.get(f"{column} {n} - value") or "").split(_GOOGLE_SEP):
                records.add_detail(rec, kind, value, label, preferred)
                preferred = False
    for n in _numbers(row, "address", "formatted"):
        label, preferred = _google_label(row.get(f"address {n} - label", f"address {n} - type"))
        parts = {
            "street": "\n".join(
                p
                for p in (
                    row.get(f"address {n} - street"),
                    row.get(f"address {n} - extended address"),
                    row.get(f"address {n} - po box"),
                )
                if p
            ),
            "locality": row.get(f"address {n} - city"),
            "region": row.get(f"address {n} - region"),
            "postal_code": row.get(f"address {n} - postal code"),
            "country": row.get(f"address {n} - country"),
        }
        formatted = row.get(f"address {n} - formatted")
        if not any(parts.values()) and formatted:
            parts["street"] = formatted  # only the formatted form: keep it whole
        records.add_address(rec, label, preferred, **parts)
    for n in _numbers(row, "website"):
        label, preferred = _google_label(row.get(f"website {n} - label", f"website {n} - type"))
        _url(rec, row.get(f"website {n} - value"), label, preferred)
    for n in _numbers(row, "im"):
        service = row.get(f"im {n} - service") or row.get(f"im {n} - label", f"im {n} - type")
        records.add_detail(rec, "socials", row.get(f"im {n} - value"), (service or "im").lower())
    rec["org"] = row.get("organization name", "organization 1 - name")
    rec["role"] = row.get("organization title", "organization 1 - title")
    rec["team"] = row.get("organization department", "organization 1 - department")
    note = row.get("notes")
    if note:
        rec["notes"].append(note)
    for kind in ("relation", "custom field"):
        for n in _numbers(row, kind):
            label, _ = _google_label(row.get(f"{kind} {n} - label", f"{kind} {n} - type"))
            _note(rec, label or kind, row.get(f"{kind} {n} - value"))
    for label in (row.get("labels", "group membership") or "").split(_GOOGLE_SEP):
        label = label.strip().removeprefix("* ").strip()
        if label and label.lower() not in _GOOGLE_SYSTEM:
            rec["tags"].append(label)
    records.add_date(rec, "birthday", row.get("birthday"))
    for n in _numbers(row, "event"):
        label, _ = _google_label(row.get(f"event {n} - label", f"event {n} - type"))
        records.add_date(rec, label or "other", row.get(f"event {n} - value"))


def _numbers(row: Row, kind: str, part: str = "value") -> list[str]:
    """The N of columns named '<kind> N - <part>' (and, for addresses, '- street'), in order."""
    found = [m.group(1) for m in row.matching(rf"{kind} (\d+) - (?:{part}|street)")]
    return list(dict.fromkeys(found))


def _url(rec: dict, url: str | None, label: str = "", preferred: bool = False) -> None:
    """A web address: a social profile when its host is a known network's, else a web page."""
    from srm.domain.details import service_of

    if not url:
        return
    service = service_of(url)
    if service is not None:
        records.add_detail(rec, "socials", url, service, preferred)
    else:
        records.add_detail(rec, "urls", url, label, preferred)


# --- Outlook -------------------------------------------------------------------------------

# Phone columns and the label each gives; Primary Phone is the preferred one.
OUTLOOK_PHONES = {
    "primary phone": "main",
    "mobile phone": "mobile",
    "business phone": "work",
    "business phone 2": "work",
    "home phone": "home",
    "home phone 2": "home",
    "company main phone": "company main",
    "other phone": "other",
    "business fax": "work fax",
    "home fax": "home fax",
    "other fax": "fax",
    "pager": "pager",
    "car phone": "car",
    "callback": "callback",
    "radio phone": "radio",
    "telex": "telex",
    "tty/tdd phone": "textphone",
    "isdn": "isdn",
    "assistant's phone": "assistant",
}
OUTLOOK_ADDRESSES = {"business": "work", "home": "home", "other": "other"}
# People the contact knows, kept in the note ("Spouse: Ada").
OUTLOOK_PEOPLE = {
    "manager's name": "Manager",
    "assistant's name": "Assistant",
    "spouse": "Spouse",
    "children": "Children",
    "referred by": "Referred by",
}
# Outlook's defaults and derived columns: no data of their own.
_OUTLOOK_QUIET: dict[str, set[str]] = {
    "gender": {"unspecified"},
    "sensitivity": {"normal"},
    "priority": {"normal"},
    "private": {"false"},
    "initials": set(),
    "e-mail type": set(),
    "e-mail 2 type": set(),
    "e-mail 3 type": set(),
    "e-mail display name": set(),
    "e-mail 2 display name": set(),
    "e-mail 3 display name": set(),
    "birthday": {"0/0/00", "0/0/0000"},
    "anniversary": {"0/0/00", "0/0/0000"},
}


def _outlook(row: Row, rec: dict) -> None:
    rec["name"] = _join(
        row.get("title"),
        row.get("first name"),
        row.get("middle name"),
        row.get("last name"),
        row.get("suffix"),
    )
    rec["nickname"] = row.get("nickname")
    for column in ("e-mail address", "e-mail 2 address", "e-mail 3 address"):
        value = row.get(column)
        if value and "@" in value:
            records.add_detail(rec, "emails", value)
        elif value:  # Exchange addresses ('/o=ExchangeLabs/…', E-mail Type EX) aren't emails
            records.drop(rec, f"{row.names[column]} (an Exchange address, not an email address)")
    for column, label in OUTLOOK_PHONES.items():
        records.add_detail(rec, "phones", row.get(column), label, column == "primary phone")
    for prefix, label in OUTLOOK_ADDRESSES.items():
        street = "\n".join(
            p
            for p in (
                row.get(f"{prefix} street"),
                row.get(f"{prefix} street 2"),
                row.get(f"{prefix} street 3"),
                row.get(f"{prefix} address po box"),
            )
            if p
        )
        records.add_address(
            rec,
            label,
            street=street,
            locality=row.get(f"{prefix} city"),
            region=row.get(f"{prefix} state"),
            postal_code=row.get(f"{prefix} postal code"),
            country=row.get(f"{prefix} country/region", f"{prefix} country"),
        )
    _url(rec, row.get("web page"))
    _url(rec, row.get("personal web page"), "home")
    records.add_detail(rec, "socials", row.get("imaddress"), "im")
    rec["org"] = row.get("company")
    rec["team"] = row.get("department")
    rec["role"] = row.get("job title")
    note = row.get("notes")
    if note:
        rec["notes"].append(note)
    for column, label in OUTLOOK_PEOPLE.items():
        _note(rec, label, row.get(column))
    rec["tags"] = [t.strip() for t in re.split(r"[;,]", row.get("categories") or "") if t.strip()]
    for column, label in (("birthday", "birthday"), ("anniversary", "anniversary")):
        _outlook_date(rec, label, row.get(column))


def _outlook_date(rec: dict, label: str, text: str | None) -> None:
    if text is None:
        return
    try:
        parsed = _us_date(text)
    except ValueError:  # 2/30/1990: not a real date, keep the text
        parsed = None
    if parsed is not None:
        records.add_parsed_date(rec, label, parsed.year, parsed.month, parsed.day)
    elif not _US_DATE.match(text):
        records.add_date(rec, label, text)


# --- generic, and srm's own ------------------------------------------------------------------


def _generic(row: Row, rec: dict) -> None:
    values: dict[str, str] = {}
    many: dict[str, list[str]] = {"email": [], "phone": [], "url": []}
    for header in row.cells:
        fld = _generic_field(header)
        value = row.get(header) if fld else None
        if fld in many and value is not None:
            many[fld].append(value)
        elif fld and value is not None:
            values.setdefault(fld, value)
    rec["name"] = values.get("name") or _join(
        values.get("first"), values.get("middle"), values.get("last")
    )
    for key in ("nickname", "org", "team", "role", "cadence"):
        rec[key] = values.get(key)
    # srm's own lists hold every entry with its label; plain columns one value each.
    for kind, single in (("emails", "email"), ("phones", "phone"), ("urls", "url")):
        if kind in values:
            rec[kind] = unpack(values[kind])
        else:
            for value in many[single]:
                if kind == "urls":
                    _url(rec, value)
                else:
                    records.add_detail(rec, kind, value)
    if "socials" in values:
        rec["socials"] = unpack(values["socials"])
    if "addresses" in values:
        rec["addresses"] = unpack_addresses(values["addresses"])
    if "note" in values:
        rec["notes"].append(values["note"])
    for key in ("tags", "segments"):
        rec[key] = _names(values.get(key, ""))
    for key in ("since", "connected_on"):
        if key in values:
            try:
                rec[key] = date.fromisoformat(values[key])
            except ValueError:
                raise ValueError(
                    f"{key.replace('_', ' ')} {values[key]!r} is not a date (use YYYY-MM-DD)"
                ) from None
    records.add_date(rec, "birthday", values.get("birthday"))
    for entry in unpack(values.get("dates", "")):
        records.add_date(rec, entry["label"] or "other", entry["value"])
    _own_columns(rec, values)


def _names(cell: str) -> list[str]:
    """Tags or segments in one cell: ';'-separated (srm writes "vip, gold; board"), else
    ','-separated."""
    sep = ";" if ";" in cell else ","
    return [t.strip() for t in cell.split(sep) if t.strip()]


def _own_columns(rec: dict, values: dict[str, str]) -> None:
    """srm's own CSV: the uuid (the contact is matched by it, as srm's JSON is), the handle,
    the snooze, the archive date and the UID of the card it came from."""
    import uuid as uuidlib

    keep: dict[str, str | None] = {"handle": values.get("handle")}
    if "uuid" in values:
        try:
            keep["uuid"] = str(uuidlib.UUID(values["uuid"]))
        except ValueError:
            raise ValueError(f"uuid {values['uuid']!r} is not a UUID") from None
        rec["uid"] = f"urn:uuid:{keep['uuid']}"
    if "snoozed_until" in values:
        try:
            keep["snoozed_until"] = date.fromisoformat(values["snoozed_until"]).isoformat()
        except ValueError:
            raise ValueError(f"snoozed until {values['snoozed_until']!r} is not a date") from None
    if "archived_at" in values:
        from datetime import datetime

        try:
            keep["archived_at"] = datetime.fromisoformat(values["archived_at"]).isoformat()
        except ValueError:
            raise ValueError(f"archived at {values['archived_at']!r} is not a date") from None
    if "card_uid" in values:
        keep["card_uid"] = values["card_uid"]
        rec["uid"] = rec["uid"] or values["card_uid"]
    rec["keep"] = keep


# --- lists in one cell ---------------------------------------------------------------------
# One entry per line: "*work: ana@example.org" ('*' marks the preferred one; a label ends at
# the first ": "). In a label, ':' and '\' are escaped with '\'; so are ';', '\' and line
# ends in an address's parts, which ';' separates: "home: 1 Main St; Springfield; IL; …".

_ADDRESS_ORDER = ("street", "locality", "region", "postal_code", "country")


def _escape(text: str, special: str) -> str:
    out = text.replace("\\", "\\\\").replace("\n", "\\n")
    for ch in special:
        out = out.replace(ch, "\\" + ch)
    return out


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), text)


def pack(entries: list[dict], *, key: str = "label") -> str:
    """A kind's entries as one cell of srm's CSV."""
    lines = []
    for e in entries:
        mark = "*" if e.get("preferred") and len(entries) > 1 else ""
        value = e["value"]
        label = e.get(key) or ""
        if label or value.startswith(("*", ":")) or ": " in value:
            lines.append(f"{mark}{_escape(label, ':*')}: {value}")
        else:
            lines.append(f"{mark}{value}")
    return "\n".join(lines)


def pack_addresses(addresses: list[dict]) -> str:
    lines = []
    for a in addresses:
        mark = "*" if a["preferred"] and len(addresses) > 1 else ""
        parts = "; ".join(_escape(a[p], ";") for p in _ADDRESS_ORDER)
        label = _escape(a["label"], ":*")
        lines.append(f"{mark}{label}: {parts}" if label else f"{mark}: {parts}")
    return "\n".join(lines)


def _split_entry(line: str) -> tuple[bool, str, str]:
    preferred = line.startswith("*")
    line = line[1:] if preferred else line
    m = re.match(r"((?:[^\\:]|\\.)*?): (.*)$", line, re.DOTALL)
    if m is None:
        return preferred, "", line
    return preferred, _unescape(m.group(1)), m.group(2)


def unpack(cell: str) -> list[dict]:
    out = []
    for line in cell.splitlines():
        if line.strip():
            preferred, label, value = _split_entry(line.strip())
            out.append({"value": value.strip(), "label": label.strip(), "preferred": preferred})
    return out


def unpack_addresses(cell: str) -> list[dict]:
    out = []
    for line in cell.splitlines():
        if not line.strip():
            continue
        preferred, label, rest = _split_entry(line.strip())
        parts = [_unescape(p).strip() for p in re.split(r"(?<!\\);", rest)]
        parts += [""] * (len(_ADDRESS_ORDER) - len(parts))
        out.append(
            {
                "label": label,
                **dict(zip(_ADDRESS_ORDER, parts, strict=False)),
                "preferred": preferred,
            }
        )
    return out


def pack_dates(dates: list[dict]) -> str:
    lines = []
    for d in dates:
        day = f"{d['month']:02d}-{d['day']:02d}"
        lines.append(f"{_escape(d['label'], ':*')}: {d['year']:04d}-{day}" if d["year"] else
                     f"{_escape(d['label'], ':*')}: --{day}")  # fmt: skip
    return "\n".join(lines)


# --- writing -------------------------------------------------------------------------------


def writer(out) -> csv.writer:
    """A CSV writer for spreadsheets: comma-separated, minimal quoting, CRLF rows (RFC 4180)."""
    return csv.writer(out, lineterminator="\r\n")
