"""iCalendar output (via the icalendar library): check-ins and follow-ups as all-day events or to-dos.

Each item keeps the same UID across exports, so a calendar that re-imports the file moves the
event instead of adding a second one. There is no RRULE: a check-in moves whenever an
interaction is logged, so each export states the next date only.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TextIO

PRODID = "-//srm//srm relationship tracker//EN"


def write(out: TextIO, items: Iterable[dict], *, todo: bool, stamp: datetime) -> int:
    """Write a VCALENDAR; each item is {"uid", "summary", "description", "date"}."""
    from icalendar import Calendar, Event, Todo

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "srm")
    count = 0
    for item in items:
        component = Todo() if todo else Event()
        component.add("uid", item["uid"])
        component.add("dtstamp", stamp)
        component.add("summary", item["summary"])
        component.add("description", item["description"])
        if todo:
            component.add("due", item["date"])
            component.add("status", "NEEDS-ACTION")
        else:
            component.add("dtstart", item["date"])
            component.add("dtend", item["date"] + timedelta(days=1))
            component.add("transp", "TRANSPARENT")  # a reminder, not time you are busy
        cal.add_component(component)
        count += 1
    out.write(cal.to_ical().decode("utf-8"))
    return count
