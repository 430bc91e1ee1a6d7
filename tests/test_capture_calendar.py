"""`srm capture calendar`: past events with contacts become interactions, once.

The fixtures are shaped like real exports: Google Calendar's (a weekly meeting with one
occurrence moved and one cancelled, a Meet link, X-WR-TIMEZONE) and Outlook's (Windows time
zone names, Teams links, a meeting room), read in Lisbon's time zone so that a late meeting in
California falls on the next day here.
"""

from __future__ import annotations

import json
import time

import pytest

GOOGLE = """BEGIN:VCALENDAR
PRODID:-//Google Inc//Google Calendar 70.9054//EN
VERSION:2.0
CALSCALE:GREGORIAN
METHOD:PUBLISH
X-WR-CALNAME:me@example.org
X-WR-TIMEZONE:Europe/Berlin
BEGIN:VTIMEZONE
TZID:Europe/Berlin
X-LIC-LOCATION:Europe/Berlin
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
BEGIN:VEVENT
DTSTART;TZID=Europe/Berlin:20260223T100000
DTEND;TZID=Europe/Berlin:20260223T103000
DTSTAMP:20260301T000000Z
ORGANIZER;CN=Me:mailto:me@example.org
UID:weekly-sync@google.com
RECURRENCE-ID;TZID=Europe/Berlin:20260223T100000
STATUS:CANCELLED
SUMMARY:Weekly sync
END:VEVENT
BEGIN:VEVENT
DTSTART;TZID=Europe/Berlin:20260202T100000
DTEND;TZID=Europe/Berlin:20260202T103000
RRULE:FREQ=WEEKLY;BYDAY=MO
DTSTAMP:20260301T000000Z
ORGANIZER;CN=Me:mailto:me@example.org
UID:weekly-sync@google.com
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=Ana Al
 ves;X-NUM-GUESTS=0:mailto:ana@example.org
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=me@exa
 mple.org;X-NUM-GUESTS=0:mailto:me@example.org
X-GOOGLE-CONFERENCE:https://meet.google.com/abc-defg-hij
DESCRIPTION:Join with Google Meet: https://meet.google.com/abc-defg-hij\\n\\nL
 earn more about Meet at: https://support.google.com/a/users/answer/9282720
SEQUENCE:0
STATUS:CONFIRMED
SUMMARY:Weekly sync
TRANSP:OPAQUE
END:VEVENT
BEGIN:VEVENT
DTSTART;TZID=Europe/Berlin:20260217T110000
DTEND;TZID=Europe/Berlin:20260217T113000
DTSTAMP:20260301T000000Z
ORGANIZER;CN=Me:mailto:me@example.org
UID:weekly-sync@google.com
RECURRENCE-ID;TZID=Europe/Berlin:20260216T100000
ATTENDEE;PARTSTAT=ACCEPTED;CN=Ana Alves:mailto:ana@example.org
ATTENDEE;PARTSTAT=ACCEPTED;CN=me@example.org:mailto:me@example.org
X-GOOGLE-CONFERENCE:https://meet.google.com/abc-defg-hij
SEQUENCE:1
STATUS:CONFIRMED
SUMMARY:Weekly sync (moved)
END:VEVENT
BEGIN:VEVENT
DTSTART;TZID=Europe/Berlin:20260303T123000
DTEND;TZID=Europe/Berlin:20260303T133000
DTSTAMP:20260301T000000Z
ORGANIZER;CN=Bo Berg:mailto:bo@example.org
UID:lunch-bo@google.com
ATTENDEE;PARTSTAT=ACCEPTED;CN=Bo Berg:mailto:bo@example.org
ATTENDEE;PARTSTAT=ACCEPTED;CN=Zed Zane:mailto:zed@elsewhere.example
ATTENDEE;PARTSTAT=ACCEPTED:mailto:me@example.org
LOCATION:Café Central\\, Vienna
STATUS:CONFIRMED
SUMMARY:Lunch
END:VEVENT
BEGIN:VEVENT
DTSTART;TZID=Europe/Berlin:20260304T090000
DTEND;TZID=Europe/Berlin:20260304T100000
DTSTAMP:20260301T000000Z
ORGANIZER;CN=Ana Alves:mailto:ana@example.org
UID:declined@google.com
ATTENDEE;PARTSTAT=ACCEPTED:mailto:ana@example.org
ATTENDEE;PARTSTAT=DECLINED:mailto:ME@Example.org
STATUS:CONFIRMED
SUMMARY:Budget review
END:VEVENT
BEGIN:VEVENT
DTSTART;VALUE=DATE:20260305
DTEND;VALUE=DATE:20260306
DTSTAMP:20260301T000000Z
UID:offsite@google.com
ORGANIZER:mailto:ana@example.org
ATTENDEE;PARTSTAT=ACCEPTED:mailto:me@example.org
SUMMARY:Offsite
END:VEVENT
BEGIN:VEVENT
DTSTART:20260306T150000Z
DTEND:20260306T160000Z
DTSTAMP:20260301T000000Z
UID:planning@google.com
ORGANIZER:mailto:me@example.org
ATTENDEE;PARTSTAT=ACCEPTED:mailto:ana@example.org
ATTENDEE;PARTSTAT=DECLINED:mailto:bo@example.org
SUMMARY:Planning
END:VEVENT
BEGIN:VEVENT
DTSTART;TZID=Europe/Berlin:20260310T080000
DTEND;TZID=Europe/Berlin:20260310T100000
DTSTAMP:20260301T000000Z
UID:focus@google.com
SUMMARY:Focus time
END:VEVENT
BEGIN:VEVENT
DTSTART;TZID=Europe/Berlin:20260210T160000
DTEND;TZID=Europe/Berlin:20260210T163000
RRULE:FREQ=WEEKLY;COUNT=3
DTSTAMP:20260301T000000Z
UID:intro-zed@google.com
ORGANIZER:mailto:me@example.org
ATTENDEE;CN=Zed Zane;PARTSTAT=ACCEPTED:mailto:zed@elsewhere.example
SUMMARY:Intro call
END:VEVENT
BEGIN:VEVENT
DTSTART;TZID=Europe/Berlin:20260312T140000
DTEND;TZID=Europe/Berlin:20260312T150000
DTSTAMP:20260301T000000Z
UID:cancelled@google.com
ORGANIZER:mailto:bo@example.org
ATTENDEE;PARTSTAT=ACCEPTED:mailto:me@example.org
STATUS:CANCELLED
SUMMARY:Cancelled chat
END:VEVENT
BEGIN:VEVENT
DTSTART;TZID=Europe/Berlin:20260320T100000
DTEND;TZID=Europe/Berlin:20260320T110000
DTSTAMP:20260301T000000Z
UID:future@google.com
ORGANIZER:mailto:bo@example.org
SUMMARY:Next week
END:VEVENT
END:VCALENDAR
"""

OUTLOOK = """BEGIN:VCALENDAR\r
PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN\r
VERSION:2.0\r
METHOD:PUBLISH\r
X-MS-OLK-FORCEINSPECTOROPEN:TRUE\r
BEGIN:VTIMEZONE\r
TZID:Pacific Standard Time\r
BEGIN:STANDARD\r
DTSTART:16011104T020000\r
RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11\r
TZOFFSETFROM:-0700\r
TZOFFSETTO:-0800\r
END:STANDARD\r
BEGIN:DAYLIGHT\r
DTSTART:16010311T020000\r
RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3\r
TZOFFSETFROM:-0800\r
TZOFFSETTO:-0700\r
END:DAYLIGHT\r
END:VTIMEZONE\r
BEGIN:VEVENT\r
CLASS:PUBLIC\r
DESCRIPTION:Microsoft Teams meeting\\nJoin on your computer: https://teams.micr\r
 osoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0\r
DTEND;TZID="Pacific Standard Time":20260310T100000\r
DTSTART;TZID="Pacific Standard Time":20260310T090000\r
DTSTAMP:20260301T000000Z\r
LOCATION:Microsoft Teams Meeting\r
ORGANIZER;CN="Cy Cole":mailto:cy@partner.example\r
ATTENDEE;CN="me@example.org";RSVP=TRUE:mailto:me@example.org\r
SUMMARY;LANGUAGE=en-us:Quarterly review\r
UID:040000008200E00074C5B7101A82E00800000000D0F5C1A2B3C4D501000000000000000010\r
 000000A1B2C3D4E5F6\r
X-MICROSOFT-CDO-BUSYSTATUS:BUSY\r
END:VEVENT\r
BEGIN:VEVENT\r
DTEND;TZID="Pacific Standard Time":20260311T183000\r
DTSTART;TZID="Pacific Standard Time":20260311T173000\r
DTSTAMP:20260301T000000Z\r
LOCATION:Room 4\r
ORGANIZER;CN="Cy Cole":mailto:cy@partner.example\r
ATTENDEE;CN="Room 4";CUTYPE=RESOURCE;ROLE=NON-PARTICIPANT:mailto:room4@partner.example\r
ATTENDEE;CN="me@example.org";PARTSTAT=ACCEPTED:mailto:me@example.org\r
SUMMARY:Dinner with the board\r
UID:040000008200E00074C5B7101A82E00800000000FFFF\r
END:VEVENT\r
BEGIN:VEVENT\r
DTSTART:20260313T090000\r
DTEND:20260313T100000\r
DTSTAMP:20260301T000000Z\r
ORGANIZER:MAILTO:cy@partner.example\r
SUMMARY:Breakfast\r
UID:040000008200E00074C5B7101A82E00800000000EEEE\r
END:VEVENT\r
END:VCALENDAR\r
"""


@pytest.fixture(autouse=True)
def lisbon(monkeypatch):
    """Local time is Lisbon's (UTC+0 in March): dates don't depend on the machine."""
    monkeypatch.setenv("TZ", "Europe/Lisbon")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def people(srm, config_file):
    config_file('me = "Me Myself <me@example.org>"\nmy_addresses = ["me@work.example"]\n')
    srm.ok("add", "Ana Alves", "--email", "ana@example.org", "--since", "2025-06-01")
    srm.ok("add", "Bo Berg", "--email", "Bo@Example.org", "--since", "2025-06-01")
    srm.ok("add", "Cy Cole", "--email", "cy@partner.example", "--since", "2025-06-01")


def write(isolated, name: str, text: str):
    path = isolated / name
    path.write_bytes(text.encode())
    return str(path)


def capture(srm, *args):
    return srm.json("capture", "calendar", *args)


def brief(timeline: list[dict]) -> list[tuple]:
    return sorted(
        (i["date"], i["channel"], i["summary"], tuple(c["handle"] for c in i["contacts"]))
        for i in timeline
    )


def test_google_export_weekly_meeting_moved_and_cancelled(srm, people, isolated):
    path = write(isolated, "google.ics", GOOGLE)
    result = capture(srm, path, "--since", "2026-02-01")
    assert brief(srm.json("timeline")) == [
        ("2026-02-02", "video", "Weekly sync", ("ana",)),
        ("2026-02-09", "video", "Weekly sync", ("ana",)),
        ("2026-02-17", "video", "Weekly sync (moved)", ("ana",)),
        ("2026-03-02", "video", "Weekly sync", ("ana",)),
        ("2026-03-03", "meeting", "Lunch", ("bo",)),
        ("2026-03-06", "meeting", "Planning", ("ana",)),
        ("2026-03-09", "video", "Weekly sync", ("ana",)),
    ]
    assert all(i["captured"] == "calendar" for i in srm.json("timeline"))
    assert result["created"] == 7
    assert result["skipped"] == {
        "cancelled": 2,
        "all-day (--all-day logs them)": 1,
        "declined by you": 1,
        "no one else in it": 1,
        "no contact in it": 3,
    }
    assert result["read"] == 11  # VEVENTs: series, overrides and single events
    # Mondays Feb 2 – Mar 9 (one moved), lunch, budget, offsite, planning, focus, 3 intro
    # calls, the cancelled chat; not the event after today.
    assert result["occasions"] == 15
    sources = {i["source"] for i in result["interactions"]}
    assert "calendar:weekly-sync@google.com/2026-02-16" in sources  # the original date
    assert "calendar:lunch-bo@google.com" in sources


def test_all_day_events_are_logged_with_all_day(srm, people, isolated):
    path = write(isolated, "google.ics", GOOGLE)
    result = capture(srm, path, "--since", "2026-03-05", "--until", "2026-03-05", "--all-day")
    assert [(i["date"], i["summary"]) for i in result["interactions"]] == [
        ("2026-03-05", "Offsite")
    ]


def test_outlook_time_zones_become_local_dates(srm, people, isolated):
    path = write(isolated, "outlook.ics", OUTLOOK)
    capture(srm, path)
    assert brief(srm.json("timeline")) == [
        ("2026-03-10", "video", "Quarterly review", ("cy",)),
        # 17:30 in California is 00:30 the next day in Lisbon
        ("2026-03-12", "meeting", "Dinner with the board", ("cy",)),
        ("2026-03-13", "meeting", "Breakfast", ("cy",)),  # floating time: local already
    ]


def test_a_second_capture_and_an_overlapping_export_add_nothing(srm, people, isolated):
    path = write(isolated, "google.ics", GOOGLE)
    capture(srm, path, "--since", "2026-02-01")
    before = srm.json("timeline")
    again = capture(srm, path, "--since", "2026-01-01")
    assert again["created"] == 0 and again["already_captured"] == 7
    assert srm.json("timeline") == before
    assert srm.json("undo", "--list")[0]["command"].startswith("capture calendar")


def test_dry_run_writes_nothing_and_shows_each_contact(srm, people, isolated):
    path = write(isolated, "google.ics", GOOGLE)
    r = srm.ok("capture", "calendar", path, "--since", "2026-02-01", "--dry-run")
    assert "Ana Alves (@ana)" in r.stdout and "Weekly sync (moved)" in r.stdout
    assert "Bo Berg (@bo)" in r.stdout and "Lunch" in r.stdout
    assert "Dry run, nothing written" in r.stderr
    assert "7 interactions would be created" in r.stderr
    assert srm.json("timeline") == []
    assert srm.json("undo", "--list") == [] or all(
        not c["command"].startswith("capture") for c in srm.json("undo", "--list")
    )
    plan = capture(srm, path, "--since", "2026-02-01", "--dry-run")
    assert plan["dry_run"] and plan["created"] == 7
    assert srm.json("timeline") == []


def test_undo_removes_a_whole_capture(srm, people, isolated):
    srm.ok("log", "ana", "call", "--channel", "phone", "--on", "2026-01-20")
    path = write(isolated, "google.ics", GOOGLE)
    capture(srm, path, "--since", "2026-02-01")
    assert len(srm.json("timeline")) == 8
    srm.ok("undo", "--yes")
    assert brief(srm.json("timeline")) == [("2026-01-20", "phone", "call", ("ana",))]
    assert capture(srm, path, "--since", "2026-02-01")["created"] == 7  # and again after undo


def test_interaction_logged_by_hand_is_linked_not_duplicated(srm, people, isolated):
    srm.ok("log", "ana", "sync, talked venues", "--channel", "video", "--on", "2026-03-09")
    srm.ok("log", "bo", "lunch", "--channel", "phone", "--on", "2026-03-03")  # another channel
    path = write(isolated, "google.ics", GOOGLE)
    result = capture(srm, path, "--since", "2026-03-01")
    assert result["linked"] == 1
    (linked,) = [i for i in result["interactions"] if i["date"] == "2026-03-09"]
    assert (
        linked["contacts"][0]["action"] == "linked" and linked["contacts"][0]["interaction_id"] == 1
    )
    on_9 = [i for i in srm.json("timeline") if i["date"] == "2026-03-09"]
    assert [(i["summary"], i["captured"]) for i in on_9] == [("sync, talked venues", None)]
    assert len([i for i in srm.json("timeline") if i["date"] == "2026-03-03"]) == 2
    assert capture(srm, path, "--since", "2026-03-01")["linked"] == 0  # remembered


def test_a_new_contact_joins_the_captured_interaction_and_a_removed_one_stays_away(
    srm, people, isolated
):
    path = write(isolated, "google.ics", GOOGLE)
    capture(srm, path, "--since", "2026-03-01")
    (lunch,) = [i for i in srm.json("timeline") if i["summary"] == "Lunch"]
    srm.ok("add", "Zed Zane", "--email", "zed@elsewhere.example")
    again = capture(srm, path, "--since", "2026-03-01")
    assert again["created"] == 0 and again["added"] == 1
    assert [c["handle"] for c in srm.json("interaction", "show", str(lunch["id"]))["contacts"]] == [
        "bo",
        "zed",
    ]
    (planning,) = [i for i in srm.json("timeline") if i["summary"] == "Planning"]
    srm.ok("interaction", "rm", str(planning["id"]), "--yes")
    third = capture(srm, path, "--since", "2026-03-01")
    assert third["created"] == 0 and third["removed_before"] == 1
    assert "Planning" not in [i["summary"] for i in srm.json("timeline")]


def test_captured_interactions_reset_the_cadence_and_show_as_captured(srm, people, isolated):
    srm.ok("edit", "cy", "--cadence", "monthly")
    assert srm.json("show", "cy")["last_interaction"] is None
    capture(srm, write(isolated, "outlook.ics", OUTLOOK))
    cy = srm.json("show", "cy")
    assert cy["last_interaction"] == "2026-03-13"
    assert cy["next_due"] == "2026-04-13"
    assert cy["interactions"][0]["captured"] == "calendar"
    assert "(captured from calendar)" in srm.ok("show", "cy").stdout
    assert "(captured from calendar)" in srm.ok("timeline").stdout
    due = srm.json("due", "--all")
    assert "cy" not in [i["contact"]["handle"] for i in due["items"] if i.get("contact")]


def test_a_vdir_folder_and_standard_input(srm, people, isolated):
    folder = isolated / "work"
    folder.mkdir()
    (folder / "a.ics").write_text(OUTLOOK)
    (folder / "b.ics").write_bytes(b"\x00\x01 not a calendar")
    (folder / "notes.txt").write_text("not read")
    result = capture(srm, str(folder))
    assert result["created"] == 3
    assert result["skipped"] == {"unreadable": 1}
    assert result["problems"][0]["where"] == "b.ics"
    r = srm("capture", "calendar", "-", "--json", input=GOOGLE)
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["created"] == 7  # since: 90 days ago by default
    assert srm.ok("capture", "calendar", str(folder)).stderr.count("already captured") == 1


def test_suggest_lists_people_met_often_who_are_not_contacts(srm, people, isolated):
    path = write(isolated, "google.ics", GOOGLE)
    rows = srm.json("capture", "calendar", path, "--suggest")
    assert rows == [
        {
            "address": "zed@elsewhere.example",
            "count": 4,
            "names": ["Zed Zane"],
            "last": "2026-03-03",
        }
    ]
    assert srm.json("timeline") == []  # nothing added
    assert srm.json("capture", "calendar", path, "--suggest", "--min", "5") == []
    out = srm.ok("capture", "calendar", path, "--suggest")
    assert "zed@elsewhere.example" in out.stdout and "srm add" in out.stderr


def test_bad_sources_and_dates_are_one_line(srm, people, isolated):
    srm.fails("capture", "calendar", str(isolated / "missing.ics"), code=7, match="can't read")
    empty = isolated / "empty"
    empty.mkdir()
    srm.fails("capture", "calendar", str(empty), code=7, match="no .ics files")
    srm.fails(
        "capture", "calendar", write(isolated, "g.ics", GOOGLE), "--since", "2026-03-10",
        "--until", "2026-03-01", code=2, match="after --until",
    )  # fmt: skip
    r = srm.ok("capture", "calendar", write(isolated, "x.ics", "hello"))
    assert "not an iCalendar file" in r.stderr


def test_without_my_addresses_declines_cannot_be_told(srm, isolated):
    srm.ok("add", "Ana Alves", "--email", "ana@example.org")
    result = capture(srm, write(isolated, "google.ics", GOOGLE), "--since", "2026-03-04",
                     "--until", "2026-03-04")  # fmt: skip
    assert result["created"] == 1  # the budget review I declined: nothing says it was me
    assert "me, my_addresses" in result["warnings"][0]


def test_suggestions_come_most_met_first_then_most_recent(srm, people, isolated):
    extra = GOOGLE.replace(
        "END:VCALENDAR",
        """BEGIN:VEVENT
DTSTART:20260311T100000Z
DTSTAMP:20260301T000000Z
UID:yan@google.com
RRULE:FREQ=DAILY;COUNT=4
ORGANIZER:mailto:me@example.org
ATTENDEE:mailto:yan@elsewhere.example
ATTENDEE:mailto:xia@elsewhere.example
SUMMARY:Standup
END:VEVENT
BEGIN:VEVENT
DTSTART:20260301T100000Z
DTSTAMP:20260301T000000Z
UID:wes@google.com
RRULE:FREQ=DAILY;COUNT=4
ORGANIZER:mailto:me@example.org
ATTENDEE:mailto:wes@elsewhere.example
SUMMARY:Earlier standup
END:VEVENT
END:VCALENDAR""",
    )
    rows = srm.json("capture", "calendar", write(isolated, "g.ics", extra), "--suggest")
    assert [(r["address"], r["count"], r["last"]) for r in rows] == [
        ("xia@elsewhere.example", 4, "2026-03-14"),
        ("yan@elsewhere.example", 4, "2026-03-14"),
        ("wes@elsewhere.example", 4, "2026-03-04"),
        ("zed@elsewhere.example", 4, "2026-03-03"),
    ]
