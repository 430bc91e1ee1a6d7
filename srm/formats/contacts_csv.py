"""Contact CSV files: LinkedIn, Google and Outlook exports and any CSV with named columns.

The header line is found, not assumed to be first: LinkedIn puts a "Notes:" preamble above it.
Each layout maps its own columns; a generic CSV is mapped by header names (name, email, org …).
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
# with '_' read as a space).
GENERIC_COLUMNS = {
    "name": ("name", "full name", "display name", "contact"),
    "first": ("first name", "given name", "first"),
    "middle": ("middle name", "additional name"),
    "last": ("last name", "family name", "surname", "last"),
    "email": ("email", "e-mail", "email address", "e-mail address", "mail"),
    "phone": ("phone", "phone number", "telephone", "mobile", "mobile phone"),
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
}
_GENERIC = {header: fld for fld, headers in GENERIC_COLUMNS.items() for header in headers}
# Columns of srm's own CSV export that are computed or srm's own state, not data to import.
_DERIVED = {
    "uuid",
    "handle",
    "effective cadence",
    "last interaction",
    "next due",
    "snoozed until",
    "archived at",
}
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


@dataclass
class Table:
    name: str
    layout: str
    header: list[str]  # normalised column names
    rows: list[tuple[int, list[str]]]  # (line number, cells)
    ignored: list[str] = field(default_factory=list)

    def records(self) -> Iterator[dict]:
        to_record = {
            "linkedin": _linkedin,
            "google": _google,
            "outlook": _outlook,
            "csv": _generic,
        }[self.layout]
        for line, cells in self.rows:
            row = dict(zip(self.header, cells, strict=False))
            rec = records.new(f"line {line}")
            try:
                to_record(row, rec)
            except ValueError as e:
                rec["error"] = str(e)
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
    header, rows = found
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
        ignored = [h for h in header if h and h not in _GENERIC and h not in _DERIVED]
    return Table(name, layout, header, rows, ignored)


def detect_layout(header: list[str]) -> str:
    columns = set(header)
    if {"first name", "last name", "connected on"} <= columns:
        return "linkedin"
    if any(re.fullmatch(r"e-mail \d+ - value", h) for h in header):
        return "google"
    if {"first name", "e-mail address"} <= columns:
        return "outlook"
    return "csv"


def _find_header(text: str) -> tuple[list[str], list[tuple[int, list[str]]]] | None:
    """The header (within the first lines, under any usual delimiter) and the rows after it."""
    for delimiter in (",", ";", "\t"):
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            for _, row in zip(range(_HEADER_SEARCH), reader, strict=False):
                header = [norm(c) for c in _unwrap(row, delimiter)]
                if len(header) >= 2 and _NAME_FIELDS & {_GENERIC.get(h) for h in header}:
                    return header, _rows(reader, reader.line_num, delimiter)
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


def _get(row: dict, *columns: str) -> str | None:
    for c in columns:
        value = records.clean(row.get(c))
        if value is not None:
            return value
    return None


def _join(*parts: str | None) -> str | None:
    return records.clean(" ".join(p for p in parts if p))


# --- LinkedIn ------------------------------------------------------------------------------


def _linkedin(row: dict, rec: dict) -> None:
    rec["name"] = _join(_get(row, "first name"), _get(row, "last name"))
    if rec["name"] is None:
        rec["skip"] = "no name: a LinkedIn member who left (only the date is exported)"
        return
    email = _get(row, "email address")
    if email and "@" in email:  # older exports put 'urn:li:member:…' here
        rec["emails"] = [email]
    rec["org"] = _get(row, "company")
    rec["role"] = _get(row, "position")
    url = _get(row, "url")
    if url:
        rec["notes"].append(f"LinkedIn: {url}")
    connected = _get(row, "connected on")
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


def _google(row: dict, rec: dict) -> None:
    rec["name"] = _get(row, "name") or _join(
        _get(row, "name prefix"),
        _get(row, "first name", "given name"),
        _get(row, "middle name", "additional name"),
        _get(row, "last name", "family name"),
        _get(row, "name suffix"),
    )
    emails: list[tuple[bool, str]] = []
    for n in _numbers(row, "e-mail"):
        kind = _get(row, f"e-mail {n} - label", f"e-mail {n} - type") or ""
        for value in (_get(row, f"e-mail {n} - value") or "").split(_GOOGLE_SEP):
            if value.strip():
                emails.append((kind.startswith("*"), value.strip()))
    rec["emails"] = [e for _, e in sorted(emails, key=lambda p: not p[0])]
    rec["phone"] = next(
        (
            v.split(_GOOGLE_SEP)[0].strip()
            for n in _numbers(row, "phone")
            if (v := _get(row, f"phone {n} - value"))
        ),
        None,
    )
    rec["org"] = _get(row, "organization name", "organization 1 - name")
    rec["role"] = _get(row, "organization title", "organization 1 - title")
    rec["team"] = _get(row, "organization department", "organization 1 - department")
    note = _get(row, "notes")
    if note:
        rec["notes"].append(note)
    for label in (_get(row, "labels", "group membership") or "").split(_GOOGLE_SEP):
        label = label.strip().removeprefix("* ").strip()
        if label and label.lower() not in _GOOGLE_SYSTEM:
            rec["tags"].append(label)
    records.add_date(rec, "birthday", _get(row, "birthday"))
    for n in _numbers(row, "event"):
        label = _get(row, f"event {n} - label", f"event {n} - type") or "other"
        records.add_date(rec, label, _get(row, f"event {n} - value"))


def _numbers(row: dict, kind: str) -> list[str]:
    """The N of columns named '<kind> N - value', in order."""
    pattern = re.compile(rf"{kind} (\d+) - value")
    return [m.group(1) for h in row if (m := pattern.fullmatch(h))]


# --- Outlook -------------------------------------------------------------------------------

_OUTLOOK_PHONES = (
    "mobile phone",
    "business phone",
    "home phone",
    "primary phone",
    "other phone",
    "company main phone",
)


def _outlook(row: dict, rec: dict) -> None:
    rec["name"] = _join(
        _get(row, "title"),
        _get(row, "first name"),
        _get(row, "middle name"),
        _get(row, "last name"),
        _get(row, "suffix"),
    )
    # Exchange addresses ('/o=ExchangeLabs/…', E-mail Type EX) aren't email addresses.
    rec["emails"] = [
        e
        for c in ("e-mail address", "e-mail 2 address", "e-mail 3 address")
        if (e := _get(row, c)) and "@" in e
    ]
    rec["phone"] = _get(row, *_OUTLOOK_PHONES)
    rec["org"] = _get(row, "company")
    rec["team"] = _get(row, "department")
    rec["role"] = _get(row, "job title")
    note = _get(row, "notes")
    if note:
        rec["notes"].append(note)
    rec["tags"] = [t.strip() for t in re.split(r"[;,]", _get(row, "categories") or "") if t.strip()]
    for column, label in (("birthday", "birthday"), ("anniversary", "anniversary")):
        _outlook_date(rec, label, _get(row, column))


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


# --- generic -------------------------------------------------------------------------------


def _generic(row: dict, rec: dict) -> None:
    values: dict[str, str] = {}
    for header, value in row.items():
        fld = _GENERIC.get(header)
        value = records.clean(value)
        if fld and value is not None:
            values.setdefault(fld, value)
    rec["name"] = values.get("name") or _join(
        values.get("first"), values.get("middle"), values.get("last")
    )
    rec["emails"] = [values["email"]] if "email" in values else []
    for key in ("phone", "org", "team", "role", "cadence"):
        rec[key] = values.get(key)
    if "note" in values:
        rec["notes"].append(values["note"])
    for key in ("tags", "segments"):
        rec[key] = [t.strip() for t in re.split(r"[;,]", values.get(key, "")) if t.strip()]
    for key in ("since", "connected_on"):
        if key in values:
            try:
                rec[key] = date.fromisoformat(values[key])
            except ValueError:
                raise ValueError(
                    f"{key.replace('_', ' ')} {values[key]!r} is not a date (use YYYY-MM-DD)"
                ) from None
    records.add_date(rec, "birthday", values.get("birthday"))


# --- writing -------------------------------------------------------------------------------


def writer(out) -> csv.writer:
    """A CSV writer for spreadsheets: comma-separated, minimal quoting, CRLF rows (RFC 4180)."""
    return csv.writer(out, lineterminator="\r\n")
