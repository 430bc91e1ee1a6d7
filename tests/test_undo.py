"""`srm undo` restores the exact rows a command changed, walks back, and refuses on conflicts."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from records import connect, dump, search_ok


def test_undo_log_restores_the_rows_before_it(srm):
    srm.ok("add", "Maria García", "--email", "maria@example.org", "--segment", "partners")
    srm.ok("snooze", "maria", "in 2w")
    before = dump()
    srm.ok("log", "maria", "chapter planning", "--follow-up", "send venue shortlist")
    assert dump() != before
    r = srm.ok("undo", "--yes")
    assert "log maria 'chapter planning'" in r.stderr
    assert 'remove interaction #1 "chapter planning"' in r.stderr
    assert "change back contact #1" in r.stderr and "snoozed_until" in r.stderr
    assert dump() == before
    search_ok()
    assert srm.json("show", "maria")["snoozed_until"] == "2026-03-29"


def test_undo_walks_back_one_command_at_a_time(srm):
    srm.ok("segments")  # creates the store
    states = [dump()]
    for args in (
        ("add", "Ann Lee", "--tag", "vip"),
        ("edit", "ann", "--org", "Acme", "--remove-tag", "vip", "--tag", "gold"),
        ("log", "ann", "coffee", "--give"),
        ("archive", "ann"),
    ):
        srm.ok(*args)
        states.append(dump())
    listed = srm.json("undo", "--list")
    assert [c["command"].split()[0] for c in listed] == ["archive", "log", "edit", "add"]
    for expected in reversed(states[:-1]):
        srm.ok("undo", "--yes")
        assert dump() == expected
    srm.fails("undo", "--yes", code=3, match="nothing to undo")


def test_undo_asks_first_and_keeps_everything_on_no(srm):
    srm.ok("add", "Ann Lee")
    before = dump()
    r = srm("undo", input="n\n")
    assert r.exit_code == 1
    assert "add 'Ann Lee'" in r.stderr
    assert dump() == before


def test_undo_json_without_yes_is_a_preview(srm):
    srm.ok("add", "Ann Lee")
    data = srm.json("undo")
    assert data["command"] == "add 'Ann Lee'"
    assert data["reverts"] == [
        {"table": "contact", "key": [1], "action": "remove", "what": 'contact #1 "Ann Lee"'}
    ]
    assert srm.json("contacts")[0]["name"] == "Ann Lee"


def test_reads_and_failed_commands_are_not_commands_to_undo(srm):
    srm.ok("add", "Ann Lee")
    srm.ok("contacts")
    srm.ok("due")
    srm.fails("log", "nobody", "x", code=3)
    srm.fails("add", "", code=2)
    assert [c["command"] for c in srm.json("undo", "--list")] == ["add 'Ann Lee'"]


def test_undo_refuses_when_a_later_change_touched_the_same_record(srm):
    srm.ok("add", "Ann Lee")
    srm.ok("edit", "ann", "--org", "Acme")
    # Another program (the sqlite3 shell, a script) changes the same contact afterwards.
    conn = connect()
    conn.execute("UPDATE contact SET org = 'Initech' WHERE id = 1")
    conn.commit()
    conn.close()
    before = dump()
    srm.fails("undo", "--yes", code=1, match='contact #1 "Ann Lee" has changed since')
    assert dump() == before


def test_undo_refuses_when_it_would_cascade_into_later_records(srm):
    srm.ok("add", "Ann Lee")
    conn = connect()
    conn.execute(
        "INSERT INTO interaction (uuid, occurred_on, channel, kind, sentiment, summary, note,"
        " created_at) VALUES ('u1', '2026-03-01', 'email', 'checkin', 'neutral', 'later', '', 'x')"
    )
    conn.execute(
        "INSERT INTO interaction_contact (interaction_id, contact_id, occurred_on)"
        " VALUES (1, 1, '2026-03-01')"
    )
    conn.commit()
    conn.close()
    before = dump()
    srm.fails("undo", "--yes", code=1, match="would also remove interaction link")
    assert dump() == before


def test_undo_keeps_the_search_index_in_step(srm):
    srm.ok("add", "Ann Lee")
    srm.ok("log", "ann", "venue shortlist", "--note", "the harbour hall")
    srm.ok("undo", "--yes")
    search_ok()
    assert srm.json("search", "harbour") == []


# Commands a person runs day to day; each must be undone exactly.
COMMANDS = [
    ("log", "ann", "coffee"),
    ("log", "ann,bo", "planning", "--give", "--follow-up", "send notes"),
    ("log", "bo", "bad call", "--sentiment", "negative", "--on", "2026-03-10"),
    ("edit", "ann", "--org", "Acme", "--tag", "vip"),
    ("edit", "bo", "--segment", "partners", "--cadence", "monthly"),
    ("snooze", "ann", "in 3w"),
    ("archive", "bo"),
    ("unarchive", "bo"),
    ("add", "Cy Young", "--email", "cy@example.org"),
    ("followup", "done", "1"),
    ("idea", "add", "ann", "intro to a venue"),
    ("goal", "add", "ann", "grow retention"),
    ("stage", "ann", "trust"),
    ("date", "add", "ann", "birthday", "04-02"),
    ("segment", "add", "donors", "--cadence", "yearly"),
]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(st.sampled_from(COMMANDS), min_size=1, max_size=6))
def test_any_sequence_of_commands_undoes_back_to_the_start(srm, tmp_path, sequence):
    db = str(tmp_path / f"p{abs(hash(tuple(sequence)))}.db")
    os.environ["SRM_DB"] = db
    if os.path.exists(db):
        os.unlink(db)
    srm.ok("add", "Ann Lee")
    srm.ok("add", "Bo Chen")
    states = [dump(db)]
    done = 0
    for args in sequence:
        r = srm(*args)
        assert "Traceback" not in r.output
        if r.exit_code == 0 and dump(db) != states[-1]:
            states.append(dump(db))
            done += 1
    for expected in reversed(states[:-1]):
        srm.ok("undo", "--yes")
        assert dump(db) == expected
        search_ok(db)


def test_undo_takes_back_a_whole_import(srm, tmp_path):
    srm.ok("add", "Ann Lee", "--email", "ann@example.org")
    before = dump()
    cards = tmp_path / "people.vcf"
    cards.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bo Chen\r\nEMAIL:bo@example.org\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cy Young\r\nORG:Acme\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\nEMAIL:ann@example.org\r\nTEL:+44 1\r\n"
        "END:VCARD\r\n"
    )
    srm.ok("import", str(cards), "--on-duplicate", "merge", "--tag", "imported")
    assert len(srm.json("contacts")) == 3
    r = srm.ok("undo", "--yes")
    assert "import" in r.stderr and 'remove contact #2 "Bo Chen"' in r.stderr
    assert dump() == before
    search_ok()
