"""iCalendar output (via the icalendar library): check-ins and follow-ups as all-day events or
to-dos, and dates that matter as yearly all-day events.

Each item keeps the same UID across exports, so a calendar that re-imports the file moves the
event instead of adding a second one. A check-in has no RRULE: it moves whenever an interaction
is logged, so each export states the next date only. A date that matters repeats every year
(RRULE:FREQ=YEARLY); Feb 29 is the last day of February (BYMONTHDAY=-1), as srm counts it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TextIO

PRODID = "-//srm//srm relationship tracker//EN"


def _calendar():
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    return cal


def _component(item: dict, *, todo: bool, stamp: datetime):
    """item: {"uid", "summary", "description", "date"}, and "yearly" for a date that matters."""
    from icalendar import Event, Todo

    yearly = item.get("yearly", False)
    component = Todo() if todo and not yearly else Event()
    component.add("uid", item["uid"])
    component.add("dtstamp", stamp)
    component.add("summary", item["summary"])
    component.add("description", item["description"])
    if isinstance(component, Todo):
        component.add("due", item["date"])
        component.add("status", "NEEDS-ACTION")
        return component
    component.add("dtstart", item["date"])
    component.add("dtend", item["date"] + timedelta(days=1))
    if yearly:
        rule = {"freq": "yearly"}
        if (item["date"].month, item["date"].day) in ((2, 28), (2, 29)) and item.get("feb29"):
            rule.update(bymonth=2, bymonthday=-1)  # Feb 29, or Feb 28 in other years
        component.add("rrule", rule)
    component.add("transp", "TRANSPARENT")  # a reminder, not time you are busy
    return component


def write(out: TextIO, items: Iterable[dict], *, todo: bool, stamp: datetime) -> int:
    """Write one VCALENDAR holding every item."""
    cal = _calendar()
    cal.add("x-wr-calname", "srm")
    count = 0
    for item in items:
        cal.add_component(_component(item, todo=todo, stamp=stamp))
        count += 1
    out.write(cal.to_ical().decode("utf-8"))
    return count


def one(item: dict, *, todo: bool, stamp: datetime) -> str:
    """A VCALENDAR with one item: a file of a vdir (as khal, todoman and vdirsyncer keep them)."""
    cal = _calendar()
    cal.add_component(_component(item, todo=todo, stamp=stamp))
    return cal.to_ical().decode("utf-8")
