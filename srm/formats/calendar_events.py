"""Reading events out of iCalendar files (.ics, a vdir folder of them): each occurrence in a
window of time, recurring events expanded, with who was invited and how they answered.

Recurrence (RRULE, RDATE, EXDATE, RECURRENCE-ID overrides, X-WR-TIMEZONE) is expanded by
`recurring-ical-events`, on top of `icalendar`: real exports break hand-written rules in many
ways (overrides listed before their series, DATE series with DATE-TIME overrides, Windows time
zone names). Both are imported inside `read`: icalendar costs ~60 ms, recurring-ical-events
~15 ms on top, paid only by `srm capture calendar`.

A file that can't be read at all, an event without a start, a series the library can't expand:
each is skipped with a reason (`Problem`), never an exception, so one bad event never stops a
capture.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

# Links to video calls: Google Meet (and Hangouts), Zoom, Microsoft Teams and Skype, Jitsi,
# Webex, Whereby, GoTo, BlueJeans, Amazon Chime, FaceTime, Around, BigBlueButton, 8x8.
VIDEO_LINK = re.compile(
    r"https?://(?:[\w-]+\.)*(?:"
    r"meet\.google\.com|hangouts\.google\.com|zoom\.us|zoom\.com|zoomgov\.com"
    r"|teams\.microsoft\.com|teams\.live\.com|join\.skype\.com|meet\.lync\.com"
    r"|meet\.jit\.si|jitsi\.[\w.-]+|8x8\.vc|webex\.com|whereby\.com"
    r"|gotomeeting\.com|meet\.goto\.com|bluejeans\.com|chime\.aws|facetime\.apple\.com"
    r"|around\.co|bigbluebutton\.[\w.-]+"
    r")\b",
    re.IGNORECASE,
)
# Where an event keeps its call link: the text a person wrote, and the properties that
# Google (X-GOOGLE-CONFERENCE), Microsoft (X-MICROSOFT-*) and RFC 7986 (CONFERENCE) add.
LINK_PROPERTIES = (
    "LOCATION",
    "DESCRIPTION",
    "X-ALT-DESC",
    "URL",
    "CONFERENCE",
    "X-GOOGLE-CONFERENCE",
    "X-MICROSOFT-SKYPETEAMSMEETINGURL",
    "X-MICROSOFT-ONLINEMEETINGCONFLINK",
)
CONFERENCE_PROPERTIES = ("CONFERENCE", "X-GOOGLE-CONFERENCE", "X-MICROSOFT-SKYPETEAMSMEETINGURL")
NOT_PEOPLE = ("RESOURCE", "ROOM")  # CUTYPE of a meeting room or a projector


class Progress(Protocol):
    def start(self, total: int) -> None: ...
    def advance(self, done: int) -> None: ...


@dataclass
class Person:
    address: str  # lower case
    name: str
    answer: str  # PARTSTAT, upper case ("" when not given)


@dataclass
class Occurrence:
    """One occurrence of an event, as capture needs it."""

    key: str  # UID, plus "/<original date>" for an occurrence of a recurring event
    start: date | datetime  # a date for an all-day event; a naive datetime is floating time
    title: str
    cancelled: bool
    video: bool
    organizer: Person | None
    attendees: list[Person]
    where: str

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, datetime)


@dataclass
class Problem:
    where: str
    reason: str


@dataclass
class Calendar:
    """What `read` found: events read (series, overrides and single events) and problems."""

    events: int = 0
    problems: list[Problem] = field(default_factory=list)


def files_of(path: Path) -> list[Path]:
    """The .ics files of a vdir folder (as vdirsyncer and khal keep them), in name order."""
    return sorted(p for p in path.iterdir() if p.suffix.lower() == ".ics" and p.is_file())


def read(
    data: bytes,
    name: str,
    start: datetime,
    end: datetime,
    found: Calendar,
    progress: Progress | None = None,
) -> Iterator[Occurrence | Problem]:
    """Every occurrence in one file's calendars that starts within [start, end) (naive local
    times: the window is widened by a day either way, and the caller checks each date).

    `progress`, if given, is told how many series the file holds, then of each one done."""
    import icalendar

    try:
        calendars = icalendar.Calendar.from_ical(data, multiple=True)
    except Exception as e:  # icalendar raises ValueError, KeyError … on what isn't iCalendar
        yield Problem(name, f"not an iCalendar file ({_why(e)})")
        return
    if not calendars:
        yield Problem(name, "not an iCalendar file (no VCALENDAR)")
        return
    for cal in calendars:
        yield from _calendar(
            cal, name, start - timedelta(days=1), end + timedelta(days=1), found, progress
        )


def _calendar(
    cal: Any,
    name: str,
    start: datetime,
    end: datetime,
    found: Calendar,
    progress: Progress | None,
) -> Iterator[Occurrence | Problem]:
    import recurring_ical_events

    cancelled_all = str(cal.get("METHOD", "")).upper() == "CANCEL"
    series: dict[str, list[Any]] = {}
    for n, event in enumerate(cal.walk("VEVENT"), start=1):
        found.events += 1
        where = f"{name}, event {n}"
        if event.get("DTSTART") is None:
            yield Problem(_named(where, event), "no start date (DTSTART)")
            continue
        if not str(event.get("UID", "")).strip():
            # No UID (a hand-made or broken export): one made from what the event says keeps
            # capturing it twice from being two interactions.
            event["UID"] = "srm-" + _fingerprint(event)
        series.setdefault(str(event["UID"]), []).append(event)
    for c in [c for c in cal.subcomponents if c.name == "VEVENT"]:
        cal.subcomponents.remove(c)
    recurring = {
        uid
        for uid, parts in series.items()
        if any(p.get(k) is not None for p in parts for k in ("RRULE", "RDATE", "RECURRENCE-ID"))
    }
    # A single event that starts far outside the window needs no expanding (most of a
    # calendar of several years): two days' margin covers any time zone.
    first, last = (start - timedelta(days=2)).date(), (end + timedelta(days=2)).date()
    for uid in [u for u in series if u not in recurring]:
        try:
            when = series[uid][0]["DTSTART"].dt
        except Exception:  # a broken DTSTART: the expansion below says why
            continue
        day = when.date() if isinstance(when, datetime) else when
        if isinstance(day, date) and not first <= day <= last:
            del series[uid]
    if progress is not None:
        progress.start(len(series))
    # One series at a time: a series the library can't expand is skipped with its reason
    # instead of taking the whole file with it.
    for uid, parts in series.items():
        if progress is not None:
            progress.advance(1)
        for p in parts:
            cal.add_component(p)
        where = f"{name}, event {uid[:60]}"
        try:
            occurrences = list(recurring_ical_events.of(cal).between(start, end))
        except Exception as e:
            yield Problem(where, f"can't expand its dates ({_why(e)})")
            occurrences = []
        finally:
            for p in parts:
                cal.subcomponents.remove(p)
        for o in occurrences:
            try:
                yield _occurrence(o, uid, uid in recurring, cancelled_all, where)
            except Exception as e:  # a property of a type no export should hold
                yield Problem(where, f"unreadable event ({_why(e)})")


def _occurrence(o: Any, uid: str, recurring: bool, cancelled_all: bool, where: str) -> Occurrence:
    start = o["DTSTART"].dt
    if not isinstance(start, date):
        raise ValueError(f"DTSTART is a {type(start).__name__}")
    key = uid
    if recurring:
        rid = o.get("RECURRENCE-ID")
        key += "/" + _instant(rid.dt if rid is not None else start)
    return Occurrence(
        key=key,
        start=start,
        title=str(o.get("SUMMARY", "")),
        cancelled=cancelled_all or str(o.get("STATUS", "")).upper() == "CANCELLED",
        video=_video(o),
        organizer=_person(o.get("ORGANIZER")),
        attendees=[p for a in _all(o.get("ATTENDEE")) if (p := _person(a)) is not None],
        where=where,
    )


def _instant(value: date | datetime) -> str:
    """The date an occurrence was first planned for (its RECURRENCE-ID: a moved occurrence
    keeps it), as UTC for a time with a zone. Occurrences of one day share it: an event that
    repeats every hour is one interaction a day."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(UTC)
    return (value.date() if isinstance(value, datetime) else value).isoformat()


def _person(prop: Any) -> Person | None:
    """An ORGANIZER or ATTENDEE: the address from EMAIL= (Apple) or the mailto: value."""
    if prop is None:
        return None
    params = getattr(prop, "params", {})
    if str(params.get("CUTYPE", "")).upper() in NOT_PEOPLE:
        return None
    value = str(params.get("EMAIL") or prop).strip()
    if value.lower().startswith("mailto:"):
        value = value[7:]
    address = "".join(value.split()).lower()
    if "@" not in address:
        return None
    return Person(
        address, str(params.get("CN", "")).strip(), str(params.get("PARTSTAT", "")).upper()
    )


def _all(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _video(o: Any) -> bool:
    if any(o.get(k) is not None for k in CONFERENCE_PROPERTIES):
        return True
    return any(VIDEO_LINK.search(str(v)) for k in LINK_PROPERTIES for v in _all(o.get(k)))


def _fingerprint(event: Any) -> str:
    parts = [str(event.get(k, "")) for k in ("DTSTART", "SUMMARY", "ORGANIZER", "LOCATION")]
    return hashlib.sha256("\x00".join(parts).encode("utf-8", "replace")).hexdigest()[:32]


def _named(where: str, event: Any) -> str:
    uid = str(event.get("UID", "")).strip()
    return f"{where} ({uid[:60]})" if uid else where


def _why(e: Exception) -> str:
    text = " ".join(str(e).split())
    text = f"{type(e).__name__}: {text}" if text else type(e).__name__
    return text if len(text) <= 120 else text[:119] + "…"
