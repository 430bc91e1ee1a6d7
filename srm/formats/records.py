"""The plain contact record every import format produces, and the date forms they share.

A record is a dict:
  where         where it came from, for messages ("card 3 (line 41)", "line 7")
  name          display name, or None (the importer falls back to the email, then the org)
  nickname      text or None
  emails, phones, urls, socials   entries {"value", "label", "preferred"} in the file's order
                (a social's label is its service: linkedin, github, mastodon …, or "")
  addresses     {"label", "street", "locality", "region", "postal_code", "country", "preferred"}
  org, team, role   text or None
  notes         note paragraphs, joined by a blank line
  tags, segments           names
  cadence       cadence text or None
  since, connected_on      dates or None
  dates         dates that matter: {"label" (as the file says it), "year" (or None), "month", "day"}
  uid, rev      a vCard's UID and REV (an aware datetime), or None
  dropped       what the file holds that srm can't keep ("PHOTO", "GEO", a column's name …),
                each once, for the import's summary
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
        "nickname": None,
        "emails": [],
        "phones": [],
        "urls": [],
        "socials": [],
        "addresses": [],
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
        "uid": None,
        "rev": None,
        "dropped": [],
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
    """A date once per label and day (any case): a file that says it twice (Apple's X-ABDATE
    "Anniversary" beside X-ANNIVERSARY) holds one date; a year, if either has one, is kept."""
    label = " ".join(label.split())
    for d in record["dates"]:
        if (d["label"].casefold(), d["month"], d["day"]) == (label.casefold(), month, day):
            d["year"] = d["year"] or year
            return
    record["dates"].append({"label": label, "year": year, "month": month, "day": day})


def add_detail(
    record: dict, kind: str, value: str | None, label: str = "", preferred: bool = False
) -> None:
    """An email, phone, url or social entry (kind: "emails", "phones", "urls", "socials")."""
    value = clean(value)
    if value is not None:
        record[kind].append({"value": value, "label": label or "", "preferred": preferred})


def add_address(
    record: dict, label: str = "", preferred: bool = False, **parts: str | None
) -> None:
    """A postal address from its parts (street, locality, region, postal_code, country); one
    with no part at all is nothing."""
    cleaned = {p: clean(parts.get(p)) or "" for p in ADDRESS_PARTS}
    if any(cleaned.values()):
        record["addresses"].append({"label": label or "", **cleaned, "preferred": preferred})


def drop(record: dict, what: str) -> None:
    """Say that the file holds `what` for this record and srm can't keep it."""
    if what not in record["dropped"]:
        record["dropped"].append(what)


ADDRESS_PARTS = ("street", "locality", "region", "postal_code", "country")
