"""The plain contact record every import format produces, and the date forms they share.

A record is a dict:
  where         where it came from, for messages ("card 3 (line 41)", "line 7")
  name          display name, or None (the importer falls back to the email, then the org)
  emails        addresses, preferred first (the importer keeps the first valid one)
  phone, org, team, role   text or None
  notes         note paragraphs, joined by a blank line
  tags, segments           names
  cadence       cadence text or None
  since, connected_on      dates or None
  dates         dates that matter: {"label" (as the file says it), "year" (or None), "month", "day"}
  skip          why the record is skipped on purpose (e.g. a LinkedIn member who left), or None
  error         why the record can't be read, or None (rejected, or aborts the import)
"""

from __future__ import annotations

import re

from srm.dates import parse_month_day
from srm.errors import UsageError

_DATE_PART = re.compile(
    r"^\s*(--\d{2}-?\d{2}|\d{4}-?\d{2}-?\d{2})(?:T[\d:.,]*(?:Z|[+-]\d{2}:?\d{2})?)?\s*$"
)


def new(where: str) -> dict:
    return {
        "where": where,
        "name": None,
        "emails": [],
        "phone": None,
        "org": None,
        "team": None,
        "role": None,
        "notes": [],
        "tags": [],
        "segments": [],
        "cadence": None,
        "since": None,
        "connected_on": None,
        "dates": [],
        "skip": None,
        "error": None,
    }


def clean(text: str | None) -> str | None:
    """Text with surrounding whitespace (spaces, tabs) removed; None when nothing is left."""
    if text is None:
        return None
    text = text.strip()
    return text or None


def add_date(record: dict, label: str, text: str | None, omit_year: int | None = None) -> None:
    """Add a date that matters (ISO, basic, --MM-DD, with or without a time).

    A value that isn't such a date ("circa 1800") is kept in the note instead; `omit_year` is
    the placeholder year Apple writes for a birthday without one (X-APPLE-OMIT-YEAR).
    """
    text = clean(text)
    if text is None:
        return
    parsed = None
    m = _DATE_PART.match(text)
    if m:
        try:
            parsed = parse_month_day(m.group(1))
        except UsageError:
            parsed = None
    if parsed is None:
        record["notes"].append(f"{label.capitalize()}: {text}")
        return
    year, month, day = parsed
    if omit_year is not None and year == omit_year:
        year = None
    add_parsed_date(record, label, year, month, day)


def add_parsed_date(record: dict, label: str, year: int | None, month: int, day: int) -> None:
    entry = {"label": " ".join(label.split()), "year": year, "month": month, "day": day}
    if entry not in record["dates"]:
        record["dates"].append(entry)
