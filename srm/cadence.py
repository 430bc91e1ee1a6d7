"""Cadences: how often a relationship should be touched, and calendar-correct date arithmetic."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from srm.errors import UsageError

NAMED = {
    "weekly": (1, "w"),
    "biweekly": (2, "w"),
    "monthly": (1, "m"),
    "bimonthly": (2, "m"),
    "quarterly": (3, "m"),
    "semiannual": (6, "m"),
    "yearly": (1, "y"),
}
ALIASES = {
    "fortnightly": "biweekly",
    "annual": "yearly",
    "annually": "yearly",
    "halfyearly": "semiannual",
}
_UNIT_DAYS = {"d": 1, "w": 7, "m": 30.44, "y": 365.25}
# A cadence beyond a century is a typo (9999y); bounded, due dates stay in the calendar.
MAX_MONTHS = 1200
_MAX_COUNT = {"d": 36_525, "w": 5_218, "m": MAX_MONTHS, "y": MAX_MONTHS // 12}
_PATTERN = re.compile(r"^\s*(\d{1,4})\s*([dwmy])\s*$")

HELP = (
    "weekly, biweekly (every 2 weeks), monthly, bimonthly (every TWO MONTHS, not twice a month), "
    "quarterly, semiannual, yearly, N plus d/w/m/y (45d, 6w, 2m), or none (not tracked)"
)


@dataclass(frozen=True)
class Cadence:
    """A repeat interval; months and years are calendar months (Jan 31 + 1m = Feb 28/29)."""

    count: int
    unit: str  # d, w, m, y

    @property
    def days(self) -> float:
        """Approximate length in days, to compare cadences and scale lateness."""
        return self.count * _UNIT_DAYS[self.unit]

    def after(self, start: date) -> date:
        return add(start, self.count, self.unit)

    def __str__(self) -> str:
        for name, (n, u) in NAMED.items():
            if (n, u) == (self.count, self.unit):
                return name
        return f"{self.count}{self.unit}"


def parse(text: str | None) -> Cadence | None:
    """Parse a cadence; None means 'not tracked'. Raises UsageError naming the accepted forms."""
    if text is None:
        return None
    key = re.sub(r"(?<=[a-z])[-_ ](?=[a-z])", "", text.strip().lower())
    key = ALIASES.get(key, key)
    if key in ("none", "never", "off"):
        return None
    if key in NAMED:
        return Cadence(*NAMED[key])
    m = _PATTERN.match(key)
    if m and int(m.group(1)) > 0:
        count, unit = int(m.group(1)), m.group(2)
        if count > _MAX_COUNT[unit]:
            raise UsageError(
                f"cadence {text!r} is longer than 100 years: use a shorter one or none"
            )
        return Cadence(count, unit)
    raise UsageError(f"unknown cadence {text!r}: use {HELP}")


def normalise(text: str) -> str:
    """The canonical spelling of a cadence string, as stored ('none' for not tracked)."""
    c = parse(text)
    return str(c) if c else "none"


def add_months(d: date, months: int) -> date:
    """Calendar-month addition clamped to the month's last day (Jan 31 + 1 = Feb 28/29)."""
    total = d.year * 12 + (d.month - 1) + months
    year, month = divmod(total, 12)
    month += 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def add(d: date, count: int, unit: str) -> date:
    """`d` plus `count` units; past either end of the calendar it stops there (date.min/max).

    Dates srm takes are bounded (srm.dates), but a store written by hand or by an older srm
    may hold 9999-12-31: its next check-in is then "never", not a crash.
    """
    try:
        if unit == "d":
            return d + timedelta(days=count)
        if unit == "w":
            return d + timedelta(weeks=count)
        return add_months(d, count if unit == "m" else 12 * count)
    except (OverflowError, ValueError):
        return date.max if count > 0 else date.min


def effective(own: str | None, segment_cadences: list[str | None], default: str) -> Cadence | None:
    """The contact's own cadence, else the shortest among its segments, else the default.

    `own` is the stored string: NULL means 'inherit', 'none' means explicitly not tracked.
    """
    if own is not None:
        return parse(own)
    seg = [c for c in (parse(s) for s in segment_cadences if s is not None) if c is not None]
    if seg:
        return min(seg, key=lambda c: (c.days, c.unit, c.count))
    return parse(default)
