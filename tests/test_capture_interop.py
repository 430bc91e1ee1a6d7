"""Every real calendar export of the shared corpus (../shared/interop/ics, see its MANIFEST.txt)
is captured without a traceback: events with known attendees become interactions, malformed
parts are skipped with a reason, and capturing again adds nothing.

The corpus is found through $SRM_INTEROP, else ../shared/interop beside the repository. It is
never skipped: a checkout without it fails here, saying where it looked.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ICS = Path(os.environ.get("SRM_INTEROP") or ROOT.parent / "shared" / "interop") / "ics"

# file → (contacts' addresses, me, since, until, extra options, what the capture must show)
CASES = {
    "allenporter_ical__apple_ical.ics": (
        [], "me@example.org", "2022-09-01", "2023-12-31", ["--all-day"],
        {"read": 8, "created": 0, "skipped": {"no one else in it"}},
    ),
    "allenporter_ical__office_356_custom_timezone.ics": (
        [], "me@example.org", "2024-01-01", "2024-12-31", [],
        {"read": 2, "created": 0, "skipped": {"no one else in it"}},
    ),
    "allenporter_ical__recurring_with_single_change.ics": (
        [], "me@example.org", "2026-02-01", "2026-02-28", [],
        {"read": 2, "occasions": 3, "created": 0, "skipped": {"no one else in it"}},
    ),
    "audriga__nextcloud_conversion_event_1.ics": (
        ["user-1@file-sharing-test.com", "user-3@file-sharing-test.com"], "me@example.org",
        "2022-01-01", "2024-12-31", ["--all-day"],
        {"created": 3, "timeline": [
            ("2022-09-20", "meeting", "Some more complex event", 2),
            ("2023-09-20", "meeting", "Some more complex event", 2),
            ("2024-09-20", "meeting", "Some more complex event", 2),
        ]},
    ),
    "golangical__issue52_notworking.ics": (
        ["xxxx.xxxxxxxxxxxxxxx@xxxxxxxxxxxx.de", "xxxxxx.xxxxxxxxxx@xxxxxxxxxxx.com"],
        "xxxxxxxx@xxxxxxxxxxxx.de", "2022-02-01", "2022-03-31", [],
        # Meet link; the attendee who declined is not in it
        {"created": 1, "timeline": [("2022-03-01", "video", "xxxxxxxxxxxxxxxx xxxxxxxx", 1)]},
    ),
    "ical4j__Standup.ics": (
        ["ben.fortuna@example.com"], "me@example.org", "2009-03-01", "2009-03-15", [],
        # 09:30 in Sydney is 22:30 the day before in Lisbon
        {"created": 5, "timeline": [
            (d, "meeting", "Standup", 1)
            for d in ("2009-03-09", "2009-03-10", "2009-03-11", "2009-03-12", "2009-03-15")
        ]},
    ),
    "ical4j__blalor.ics": (
        [], "me@example.org", "2004-01-01", "2005-12-31", ["--all-day"],
        {"read": 3, "created": 0, "skipped": {"no one else in it"}},
    ),
    "icaljs__google_birthday.ics": (
        [], "me@example.org", "2012-01-01", "2014-12-31", [],
        {"read": 4, "created": 0, "skipped": {"all-day (--all-day logs them)", "unreadable"},
         "problem": "can't expand its dates"},
    ),
    "icalnet__Outlook2007LineFolds.ics": (
        ["event@calendardemo.net", "4th.floor.meeting.room@somewhere.com"], "me@example.org",
        "2009-06-01", "2009-06-30", ["--all-day"],
        # the meeting room is no participant, even when it is a contact
        {"created": 1, "timeline": [
            ("2009-06-21", "meeting", "Example Calendar Export that Blows Up DDay.iCal", 1),
        ]},
    ),
    "icalrs__o365_meeting.ics": (
        ["annonym.usernames@email.com"], "me@example.org", "2020-11-01", "2020-11-30", [],
        {"created": 2, "timeline": [
            ("2020-11-24", "video", "Testmeeting ➡ ignore it!", 1),
            ("2020-11-26", "video", "Testmeeting ➡ ignore it!", 1),
        ]},
    ),
    "icsparser__issue-196.ics": (
        [], "me@example.org", "2019-11-01", "2019-11-30", [],
        {"read": 3, "occasions": 7, "created": 0, "skipped": {"no one else in it"}},
    ),
    "icsparser__issue-343.ics": (
        ["attendee1@example.com"], "me@example.org", "2024-09-01", "2024-09-30", [],
        # broken on purpose: no UID (one is made from the event), a second VEVENT without
        # DTSTART (skipped with its reason), floating times, a Zoom link
        {"created": 1, "timeline": [("2024-09-23", "video", "Team Meeting", 1)],
         "skipped": {"unreadable"}, "problem": "no start date"},
    ),
    "nodeical__tentative-apple-calendar.ics": (
        ["tentative@example.com", "confirmed@example.com", "cancelled@example.com"],
        "me@example.org", "2022-07-01", "2022-07-31", [],
        # 16:00 in Vancouver is midnight in Lisbon
        {"created": 2, "skipped": {"cancelled", "no one else in it"}, "timeline": [
            ("2022-07-05", "meeting", "Confirmed", 1),
            ("2022-07-05", "meeting", "Tentative", 1),
        ]},
    ),
    "recurringical__issue_18_cancel_status.ics": (
        [], "me@example.org", "2020-01-01", "2020-01-31", [],
        {"read": 2, "occasions": 3, "created": 0,
         "skipped": {"cancelled", "no one else in it"}},
    ),
    "recurringical__issue_28_rrule_with_UTC_endinginZ.ics": (
        [], "me@example.org", "2020-01-01", "2020-12-31", [],
        {"read": 5, "created": 0, "skipped": {"all-day (--all-day logs them)"}},
    ),
    "recurringical__issue_62_moved_event.ics": (
        [], "me@example.org", "2021-12-01", "2021-12-31", [],
        # the last Friday of December moved two weeks earlier
        {"read": 2, "occasions": 1, "created": 0, "skipped": {"no one else in it"}},
    ),
}  # fmt: skip


@pytest.fixture(autouse=True)
def lisbon(monkeypatch):
    monkeypatch.setenv("TZ", "Europe/Lisbon")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_the_corpus_is_there_and_every_file_has_a_case():
    assert ICS.is_dir(), f"the interop corpus is missing: set SRM_INTEROP (looked in {ICS.parent})"
    assert sorted(p.name for p in ICS.glob("*.ics")) == sorted(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_real_export_is_captured(srm, config_file, name):
    addresses, me, since, until, extra, want = CASES[name]
    config_file(f'me = "{me}"\n')
    for n, address in enumerate(addresses):
        srm.ok("add", f"Person {n}", "--email", address, "--since", "2000-01-01")
    path = str(ICS / name)
    args = ("capture", "calendar", path, "--since", since, "--until", until, *extra)
    result = srm.json(*args)
    for key in ("read", "occasions", "created"):
        if key in want:
            assert result[key] == want[key], (key, result)
    if "skipped" in want:
        assert set(result["skipped"]) == want["skipped"], result["skipped"]
    if "problem" in want:
        assert any(want["problem"] in p["reason"] for p in result["problems"]), result["problems"]
    else:
        assert result["problems"] == []
    if "timeline" in want:
        got = sorted(
            (i["date"], i["channel"], i["summary"], len(i["contacts"]))
            for i in srm.json("timeline", "--all")
        )
        assert got == sorted(want["timeline"])
    again = srm.json(*args)
    assert again["created"] == 0 and again["added"] == 0
    assert again["already_captured"] == sum(len(i["contacts"]) for i in result["interactions"])


def test_an_attendee_who_declines_in_a_real_export_is_me(srm, config_file):
    config_file('me = "xxxxxx.xxxxxxxxxx@xxxxxxxxxxx.com"\n')
    srm.ok("add", "Organiser", "--email", "xxxx.xxxxxxxxxxxxxxx@xxxxxxxxxxxx.de")
    path = str(ICS / "golangical__issue52_notworking.ics")
    result = srm.json("capture", "calendar", path, "--since", "2022-02-01", "--until", "2022-03-31")
    assert result["created"] == 0 and result["skipped"] == {"declined by you": 1}
