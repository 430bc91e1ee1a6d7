"""The one parser for every DATE argument, plus month-day dates (birthdays without a year)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from srm.errors import UsageError

# Every date srm stores or is asked about lies in these two centuries and a half: wide enough
# for any relationship, narrow enough that a cadence (at most 100 years), a window of days (at
# most 36,500) or the period before a report's never leaves Python's calendar (years 1-9999).
MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2199, 12, 31)
MAX_DAYS = 36_500  # the longest window or age in days an option or the config takes
RANGE = f"srm takes dates from {MIN_DATE.isoformat()} to {MAX_DATE.isoformat()}"

FORMS = (
    "YYYY-MM-DD, today, yesterday, tomorrow, a weekday (monday, last fri, next tue), "
    "3d ago, 2w ago, in 10d, in 2w, or a date with a month name (3 Mar 2026)"
)
WEEKDAYS = {
    name: i
    for i, names in enumerate(
        [
            ("monday", "mon"),
            ("tuesday", "tue", "tues"),
            ("wednesday", "wed"),
            ("thursday", "thu", "thur", "thurs"),
            ("friday", "fri"),
            ("saturday", "sat"),
            ("sunday", "sun"),
        ]
    )
    for name in names
}
_UNITS = {"d": "days", "w": "weeks", "m": "months", "y": "years"}
_UNIT_WORDS = {
    "day": "d",
    "days": "d",
    "week": "w",
    "weeks": "w",
    "month": "m",
    "months": "m",
    "year": "y",
    "years": "y",
}
_REL = re.compile(r"^(?:(in)\s+)?(\d{1,4})\s*([a-z]+)(?:\s+(ago))?$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$|^\d{8}$")
_MONTH_NAME = re.compile(r"[a-z]{3,}")


def _bad(text: str, why: str = "") -> UsageError:
    reason = f" ({why})" if why else ""
    return UsageError(f"can't read date {text!r}{reason}: use {FORMS}")


def check_range(d: date, what: str | None = None) -> date:
    """The date itself if srm can work with it; else a UsageError saying `what` and the range."""
    if not MIN_DATE <= d <= MAX_DATE:
        raise UsageError(f"{what or f'date {d}'} is out of range: {RANGE}")
    return d


def parse_date(text: str, today: date, prefer: str = "past") -> date:
    """Read a DATE argument relative to `today`, within MIN_DATE .. MAX_DATE.

    A bare weekday means the nearest such day on or before today (prefer="past", for
    `log --on`) or on or after today (prefer="future", for snooze and follow-ups).
    """
    try:
        d = _parse(text, today, prefer)
    except (OverflowError, ValueError):
        # "in 9999y": past the end of the calendar itself
        raise UsageError(f"{text.strip()!r} is out of range: {RANGE}") from None
    shown = text.strip()
    return check_range(d, f"{shown!r} ({d})" if shown != d.isoformat() else None)


def _parse(text: str, today: date, prefer: str) -> date:
    s = " ".join(text.strip().lower().split())
    if not s:
        raise _bad(text, "empty")
    if s == "today":
        return today
    if s == "yesterday":
        return today - timedelta(days=1)
    if s == "tomorrow":
        return today + timedelta(days=1)
    if _ISO.match(s):
        try:  # the stdlib reads both ISO forms; dateutil's parser costs 10 ms to import
            return date.fromisoformat(s)
        except ValueError as e:
            raise _bad(text, str(e)) from None
    from dateutil.relativedelta import relativedelta, weekday

    words = s.split(" ")
    if len(words) in (1, 2) and words[-1] in WEEKDAYS:
        wd = WEEKDAYS[words[-1]]
        lead = words[0] if len(words) == 2 else ""
        if lead == "last":
            return today + relativedelta(days=-1, weekday=weekday(wd)(-1))
        if lead == "next":
            return today + relativedelta(days=+1, weekday=weekday(wd)(+1))
        if lead in ("", "this"):
            n = -1 if prefer == "past" and lead == "" else +1
            return today + relativedelta(weekday=weekday(wd)(n))
        raise _bad(text)
    m = _REL.match(s)
    if m:
        into, n, unit, ago = m.groups()
        unit = _UNIT_WORDS.get(unit, unit)
        if unit in _UNITS and bool(into) != bool(ago):
            delta = relativedelta(**{_UNITS[unit]: int(n)})
            return today - delta if ago else today + delta
        raise _bad(text)
    if _MONTH_NAME.search(s):
        # Only dates that spell the month are safe from day/month ambiguity.
        from datetime import datetime

        from dateutil.parser import ParserError, parse

        try:
            # Missing fields come from `today`, never from the machine's clock.
            parsed = parse(s, default=datetime(today.year, today.month, today.day))
        except (ParserError, ValueError, OverflowError, TypeError):
            raise _bad(text) from None
        return parsed.date()
    raise _bad(text, "ambiguous" if "/" in s or "." in s else "")


def parse_month_day(text: str) -> tuple[int | None, int, int]:
    """Read a date that matters: YYYY-MM-DD, MM-DD, or the vCard form --MM-DD (year optional).

    Returns (year or None, month, day). Feb 29 is allowed without a year.
    """
    s = text.strip()
    m = re.fullmatch(r"(?:(\d{4})-?|--)?(\d{2})-?(\d{2})", s)
    if not m:
        raise UsageError(f"can't read date {text!r}: use YYYY-MM-DD, MM-DD or --MM-DD")
    year = int(m.group(1)) if m.group(1) else None
    if year is not None and not 1 <= year <= MAX_DATE.year:
        raise UsageError(f"can't read date {text!r}: the year must be from 0001 to {MAX_DATE.year}")
    month, day = int(m.group(2)), int(m.group(3))
    try:
        date(year or 2000, month, day)  # 2000 is a leap year: Feb 29 is valid without a year
    except ValueError:
        raise UsageError(f"impossible date {text!r}: no such day in that month") from None
    return year, month, day


def next_occurrence(month: int, day: int, on_or_after: date) -> date:
    """The next yearly recurrence on or after a date; Feb 29 falls on Feb 28 in other years."""
    import calendar

    for year in (on_or_after.year, on_or_after.year + 1):
        d = date(year, month, min(day, calendar.monthrange(year, month)[1]))
        if d >= on_or_after:
            return d
    raise AssertionError("unreachable")
