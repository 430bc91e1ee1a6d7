"""`srm export`: srm JSON that re-imports exactly, CSV, vCard 4.0 and iCalendar."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st


@pytest.fixture
def workspace(srm):
    """A store with one of every kind of record srm keeps."""
    srm.ok("segment", "add", "field", "--cadence", "4w", "--weight", "2", "--description", "Ops")
    srm.ok("segment", "edit", "customers", "--cadence", "monthly")
    srm.ok(
        "add",
        "Ada Lovelace",
        "--email",
        "ada@engines.example",
        "--phone",
        "+44 20 0000",
        "--org",
        "Analytical Engines",
        "--team",
        "Research",
        "--role",
        "CTO",
        "--segment",
        "partners",
        "--tag",
        "vip",
        "--cadence",
        "monthly",
        "--since",
        "2025-12-01",
        "--note",
        "Likes proofs.\nAnd poetry, too; really",
    )
    srm.ok("add", "Grace Hopper", "--email", "grace@navy.example", "-s", "customers", "-s", "field")
    srm.ok("add", "Alan Turing", "--since", "2025-11-01")
    srm.ok("idea", "add", "ada", "Introduce her to a speaker", "--on", "2026-01-05")
    srm.ok("idea", "add", "--segment", "customers", "Run a webinar", "--on", "2026-01-06")
    srm.ok(
        "log",
        "ada,grace",
        "Kickoff",
        "--on",
        "2026-01-10",
        "--channel",
        "video",
        "--note",
        "Long note",
        "--follow-up",
        "Send the deck",
        "--follow-up-on",
        "2026-01-20",
    )
    srm.ok(
        "log", "ada", "Asked for an intro", "--ask", "--on", "2026-02-01", "--sentiment", "negative"
    )
    srm.ok("log", "ada", "Made the intro", "--idea", "1", "--on", "2026-02-10")
    srm.ok("log", "grace", "Call", "--on", "2026-02-12", "--follow-up", "Share notes")
    srm.ok("followup", "done", "2", "--on", "2026-02-14")
    srm.ok("goal", "add", "ada", "Grow retention", "--on", "2026-01-10")
    srm.ok("goal", "confirm", "1", "--on", "2026-02-10")
    srm.ok("stage", "ada", "trust", "--on", "2026-01-15")
    srm.ok("stage", "ada", "try", "--on", "2026-02-15")
    srm.ok("date", "add", "ada", "birthday", "12-10")
    srm.ok("date", "add", "grace", "promotion", "2024-06-01")
    srm.ok("snooze", "grace", "2026-03-20")
    srm.ok("archive", "alan")
    srm.ok("distinct", "ada", "alan")
    return srm


def export_json(srm, *args: str) -> dict:
    return json.loads(srm.ok("export", *args).stdout)


def by_uuid(records: list[dict]) -> dict[str, dict]:
    return {r["uuid"]: r for r in records}


def test_json_export_holds_every_kind_of_record(workspace):
    data = export_json(workspace)
    assert (data["format"], data["version"], data["scope"]) == ("srm-export", 1, "all")
    counts = {k: len(v) for k, v in data.items() if isinstance(v, list)}
    assert counts == {
        "segments": 7,
        "contacts": 3,
        "important_dates": 2,
        "ideas": 2,
        "interactions": 4,
        "followups": 2,
        "goals": 1,
        "stage_changes": 2,
        "members": 0,  # a store used without `me` (tests/test_team.py: a team's export)
        "handoffs": 0,
        "distinct_pairs": 1,
    }
    ada = next(c for c in data["contacts"] if c["name"] == "Ada Lovelace")
    segments = by_uuid(data["segments"])
    assert [segments[u]["name"] for u in ada["segments"]] == ["partners"]
    kickoff = next(i for i in data["interactions"] if i["summary"] == "Kickoff")
    assert set(kickoff["contacts"]) == {c["uuid"] for c in data["contacts"] if c["email"]}
    intro = next(i for i in data["interactions"] if i["summary"] == "Made the intro")
    assert intro["idea"] == next(i["uuid"] for i in data["ideas"] if i["contact"] == ada["uuid"])
    assert data["goals"][0]["confirmations"][0]["confirmed_on"] == "2026-02-10"


def test_json_round_trip_into_an_empty_store_reproduces_every_record(workspace, tmp_path):
    first = tmp_path / "first.json"
    workspace.ok("export", "--output", str(first))
    other = str(tmp_path / "other.db")
    summary = json.loads(workspace.ok("--db", other, "import", str(first), "--json").stdout)
    assert (summary["created"], summary["skipped"], summary["rejected"]) == (3, 0, 0)
    again = json.loads(workspace.ok("--db", other, "export").stdout)
    original = json.loads(first.read_text())
    for section in (
        "segments",
        "contacts",
        "important_dates",
        "ideas",
        "interactions",
        "followups",
        "goals",
        "stage_changes",
    ):
        assert by_uuid(again[section]) == by_uuid(original[section]), section
    # What the commands compute from the copy is the same too.
    assert workspace.json("--db", other, "due") == workspace.json("due")


def test_namesakes_stay_two_people_through_a_round_trip(srm, tmp_path):
    srm.ok("add", "Kim Lee")
    srm.ok("add", "Kim Lee", "--email", "kim@lee.example", "--force")
    path = tmp_path / "all.json"
    srm.ok("export", "-o", str(path))
    other = str(tmp_path / "other.db")
    assert srm.json("--db", other, "import", str(path))["created"] == 2
    assert sorted(c["handle"] for c in srm.json("--db", other, "contacts")) == ["kim", "kim-l"]


def test_importing_the_same_export_twice_changes_nothing(workspace, tmp_path):
    path = tmp_path / "all.json"
    workspace.ok("export", "-o", str(path))
    summary = workspace.json("import", str(path))
    assert (summary["created"], summary["skipped"]) == (0, 3)
    assert all(c["added"] == 0 for c in summary["records"].values())
    after = json.loads(workspace.ok("export").stdout)
    before = json.loads(path.read_text())
    assert {k: v for k, v in after.items() if k != "exported_at"} == {
        k: v for k, v in before.items() if k != "exported_at"
    }


def test_a_broken_record_in_an_export_names_its_place(workspace, tmp_path):
    data = export_json(workspace)
    data["interactions"][1]["occurred_on"] = "last tuesday"
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(data))
    other = str(tmp_path / "other.db")
    workspace.fails("--db", other, "import", str(path), code=7, match="interactions[1] (uuid")
    assert workspace.json("--db", other, "contacts") == []


def test_contact_export_is_everything_about_one_person(workspace):
    data = export_json(workspace, "--contact", "ada")
    ada = data["contacts"][0]
    assert [c["name"] for c in data["contacts"]] == ["Ada Lovelace"]
    assert data["scope"]["contact"]["handle"] == "ada"
    assert len(data["interactions"]) == 3
    # Other people in a shared interaction are not part of her data.
    assert all(i["contacts"] == [ada["uuid"]] for i in data["interactions"])
    assert [i["text"] for i in data["ideas"]] == ["Introduce her to a speaker"]
    assert [d["label"] for d in data["important_dates"]] == ["birthday"]
    assert (len(data["goals"]), len(data["stage_changes"]), len(data["followups"])) == (1, 2, 1)
    assert [s["name"] for s in data["segments"]] == ["partners"]


def test_segment_export_and_its_reimport(workspace, tmp_path):
    path = tmp_path / "field.json"
    workspace.ok("export", "--segment", "field", "-o", str(path))
    data = json.loads(path.read_text())
    assert [c["name"] for c in data["contacts"]] == ["Grace Hopper"]
    other = str(tmp_path / "other.db")
    workspace.ok("--db", other, "import", str(path))
    grace = workspace.json("--db", other, "contacts")[0]
    assert sorted(grace["segments"]) == ["customers", "field"]


def test_csv_has_one_row_per_contact_with_schedule(workspace):
    rows = list(csv.DictReader(io.StringIO(workspace.ok("export", "--format", "csv").stdout)))
    assert [r["name"] for r in rows] == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
    ada = rows[0]
    assert (ada["last_interaction"], ada["cadence"], ada["effective_cadence"]) == (
        "2026-02-10",
        "monthly",
        "monthly",
    )
    assert ada["next_due"] == "2026-03-10"
    assert ada["note"] == "Likes proofs.\nAnd poetry, too; really"
    grace = rows[2]
    assert (grace["segments"], grace["cadence"], grace["effective_cadence"]) == (
        "customers; field",
        "",
        "4w",
    )
    assert rows[1]["archived_at"] != ""


def test_csv_interactions_one_row_each(workspace):
    out = workspace.ok("export", "--format", "csv", "--interactions").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["date"] for r in rows] == ["2026-01-10", "2026-02-01", "2026-02-10", "2026-02-12"]
    assert rows[0]["contacts"] == "Ada Lovelace; Grace Hopper"
    assert rows[0]["handles"] == "ada; grace"
    assert (rows[1]["kind"], rows[1]["sentiment"]) == ("ask", "negative")


def test_csv_export_imports_back_as_a_generic_csv(workspace, tmp_path):
    path = tmp_path / "contacts.csv"
    workspace.ok("export", "-o", str(path))
    other = str(tmp_path / "other.db")
    workspace.ok("--db", other, "segment", "add", "field")
    summary = workspace.json("--db", other, "import", str(path))
    assert (summary["created"], summary["ignored_columns"]) == (3, [])
    ada = next(c for c in workspace.json("--db", other, "contacts") if c["handle"] == "ada")
    assert (ada["email"], ada["team"], ada["segments"], ada["tags"], ada["cadence"]) == (
        "ada@engines.example",
        "Research",
        ["partners"],
        ["vip"],
        "monthly",
    )


def test_vcard_export_parses_back_with_vobject_and_reimports(workspace, tmp_path):
    import vobject

    text = workspace.ok("export", "--format", "vcard").stdout
    cards = list(vobject.readComponents(text))
    assert len(cards) == 3
    ada = next(c for c in cards if c.fn.value == "Ada Lovelace")
    assert ada.version.value == "4.0"
    assert ada.uid.value.startswith("urn:uuid:")
    assert ada.org.value == ["Analytical Engines", "Research"]
    assert (ada.bday.value, ada.categories.value) == ("--1210", ["vip"])
    assert ada.note.value == "Likes proofs.\nAnd poetry, too; really"
    path = tmp_path / "all.vcf"
    path.write_text(text)
    other = str(tmp_path / "other.db")
    workspace.ok("--db", other, "import", str(path))
    dates = {
        (d["contact"]["name"], d["label"]): (d["year"], d["month"], d["day"])
        for d in workspace.json("--db", other, "dates")
    }
    assert dates == {
        ("Ada Lovelace", "birthday"): (None, 12, 10),
        ("Grace Hopper", "promotion"): (2024, 6, 1),
    }


def ics_components(text: str, kind: str):
    from icalendar import Calendar

    cal = Calendar.from_ical(text)
    return [c for c in cal.walk() if c.name == kind]


def test_ics_events_for_check_ins_and_open_follow_ups(workspace):
    text = workspace.ok("export", "--format", "ics").stdout
    events = ics_components(text, "VEVENT")
    by_summary = {str(e["SUMMARY"]): e for e in events}
    assert sorted(by_summary) == [
        "Birthday: Ada Lovelace",
        "Check in with Ada Lovelace",
        "Check in with Grace Hopper",
        "Follow up with Ada Lovelace: Send the deck",
        "Promotion: Grace Hopper",
    ]
    for e in events:
        assert e.get("UID") and e.get("DTSTAMP")
        # Check-ins move whenever an interaction is logged; dates that matter recur.
        assert ("RRULE" in e) == str(e["SUMMARY"]).startswith(("Birthday", "Promotion"))
    # Overdue items are on today's date; Grace is snoozed through 2026-03-20.
    assert str(by_summary["Check in with Ada Lovelace"].decoded("DTSTART")) == "2026-03-15"
    assert str(by_summary["Check in with Grace Hopper"].decoded("DTSTART")) == "2026-03-21"
    deck = by_summary["Follow up with Ada Lovelace: Send the deck"]
    assert str(deck.decoded("DTSTART")) == "2026-03-15"
    assert "overdue since 2026-01-20" in str(deck["DESCRIPTION"])


def test_ics_uids_are_stable_across_exports(workspace):
    def uids():
        return {
            str(e["UID"])
            for e in ics_components(workspace.ok("export", "-f", "ics").stdout, "VEVENT")
        }

    first = uids()
    workspace.ok("log", "ada", "Quick call", "--on", "2026-03-14")
    assert uids() == first


def test_ics_todo_has_due_dates(workspace):
    text = workspace.ok("export", "--format", "ics", "--todo").stdout
    todos = ics_components(text, "VTODO")
    assert len(todos) == 3
    assert ics_components(text, "VEVENT") == []  # a to-do list: dates that matter go to calendars
    for t in todos:
        assert t.get("UID") and t.get("DTSTAMP") and t.get("DUE")


def test_output_file_is_written_whole_and_private(workspace, tmp_path):
    path = tmp_path / "out" / "srm.vcf"
    path.parent.mkdir()
    path.write_text("old")
    r = workspace.ok("export", "--output", str(path))
    assert r.stdout == ""
    assert "Exported 3 contacts to" in r.stderr
    assert path.read_text().startswith("BEGIN:VCARD")  # the format follows the extension
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["srm.vcf"]


def test_export_errors(workspace, tmp_path):
    workspace.fails("export", "-o", str(tmp_path / "no" / "dir.json"), code=2, match="can't write")
    workspace.fails("export", "--interactions", code=2, match="--interactions is for")
    workspace.fails("export", "-f", "csv", "--todo", code=2, match="--todo is for")
    workspace.fails("export", "-f", "pdf", code=2, match="unknown export format")
    workspace.fails("export", "--contact", "ada", "--segment", "field", code=2, match="not both")
    workspace.fails("export", "--contact", "nobody", code=3)
    assert not Path(tmp_path / "no").exists()


def test_a_whole_store_export_encodes_interactions_as_a_scoped_one_does(workspace, isolated):
    """The whole-store export builds each interaction's JSON directly (a million of them at
    the benchmark's size); it must equal the generic encoding of the same record."""
    from srm.domain import exporter
    from srm.formats import srm_json
    from srm.store.db import Store

    store = Store.open(os.environ["SRM_DB"])
    try:
        fast = list(exporter._all_interactions(store))
        generic = list(exporter._scoped_interactions(store, exporter.Scope("all")))
    finally:
        store.close()
    assert len(fast) >= 2 and any(len(r["contacts"]) > 1 for r in generic)
    assert any(r["idea"] for r in generic)
    assert fast == [srm_json._encode(r) for r in generic]


_RECORD = st.tuples(
    st.lists(st.text(), min_size=8, max_size=8),
    st.none() | st.text(),
    st.none() | st.integers(0, 2),  # who logged it: a member's id
    st.lists(st.integers(0, 3), max_size=4, unique=True),
)


@given(
    st.lists(_RECORD, max_size=6),
    st.lists(st.text(), min_size=4, max_size=4),
    st.lists(st.text(), min_size=2, max_size=2),
)
def test_the_direct_interaction_encoding_is_json_dumps(records, people, members):
    """Records in a row share the encoded dates, channels, kinds (encoded once each): every
    line must still be what json.dumps makes of its own record."""
    from srm.formats import srm_json

    contacts, team = dict(enumerate(people)), dict(enumerate(members))  # member 2: gone
    ideas, rows, links, expected = {}, [], [], []
    for iid, (texts, idea, by, who) in enumerate(records, start=1):
        uid, day, channel, kind, mood, summary, note, stamp = texts
        if idea is not None:
            ideas[100 + iid] = idea
        rows.append((iid, uid, day, channel, kind, mood, summary, note,
                     None if idea is None else 100 + iid, stamp, by))  # fmt: skip
        links += [(iid, cid) for cid in who]
        expected.append(
            {
                "uuid": uid,
                "occurred_on": day,
                "channel": channel,
                "kind": kind,
                "sentiment": mood,
                "summary": summary,
                "note": note,
                "idea": idea,
                "created_at": stamp,
                "logged_by": team.get(by),
                "contacts": sorted(people[cid] for cid in who),
            }
        )
    lines = list(srm_json.interactions(rows, links, contacts, ideas, team))
    assert lines == [json.dumps(record, ensure_ascii=False) for record in expected]
    assert [json.loads(line) for line in lines] == expected
