"""Team mode: members known by the config's `me`, owners, hand-offs, due --mine, srm team,
and who knows a contact best, with the score's formula checked on fixed dates."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from conftest import TODAY
from records import connect, dump
from test_report_crosscheck import world  # noqa: F401  (its seeded random store)

from srm.domain import team
from srm.domain.common import json_dumps

ANA = 'me = "Ana Ortiz <ana@example.org>"\n'
BEN = 'me = "Ben Bauer <Ben@Example.org>"\n'


class Member:
    """`srm` run by one team member: the shared store, their own config."""

    def __init__(self, srm, config: Path):
        self.srm, self.config = srm, config

    def ok(self, *args: str, input: str | None = None):
        return self.srm.ok("--config", str(self.config), *args, input=input)

    def json(self, *args: str):
        return json.loads(self.ok(*args, "--json").stdout)

    def fails(self, *args: str, code: int | None = None, match: str | None = None):
        return self.srm.fails("--config", str(self.config), *args, code=code, match=match)


@pytest.fixture
def ana(srm, isolated: Path) -> Member:
    path = isolated / "ana.toml"
    path.write_text(ANA)
    return Member(srm, path)


@pytest.fixture
def ben(srm, isolated: Path) -> Member:
    path = isolated / "ben.toml"
    path.write_text(BEN)
    return Member(srm, path)


def rows(sql: str) -> list[tuple]:
    import os

    conn = connect(os.environ["SRM_DB"])
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


# --- who is who ------------------------------------------------------------------------------


def test_a_store_used_without_me_has_no_team_and_works_as_before(srm):
    srm.ok("add", "Maria García")
    srm.ok("log", "maria", "call")
    assert rows("SELECT count(*) FROM member") == [(0,)]
    assert srm.json("show", "maria")["owner"] is None
    assert srm.json("show", "maria")["interactions"][0]["logged_by"] is None
    assert srm.json("team") == {
        "on": "2026-03-15",
        "members": [],
        "unowned": {"contacts": 1, "overdue_checkins": 0, "overdue_followups": 0},
    }
    assert "No team members yet" in srm.ok("team").stderr
    srm.fails("due", "--mine", code=2, match='--mine needs to know who you are: set me = "')
    assert len(srm.json("undo", "--list")) == 2  # undo as before: every command is yours


def test_you_join_the_team_with_your_first_change_and_reads_never_add_you(ana):
    ana.ok("contacts")
    ana.ok("team")
    assert rows("SELECT count(*) FROM member") == [(0,)]
    ana.ok("add", "Maria García")
    assert rows("SELECT name, email FROM member") == [("Ana Ortiz", "ana@example.org")]
    # Joining is not a command of its own: undoing the add leaves her on the team.
    ana.ok("undo", "--yes")
    assert rows("SELECT name FROM member") == [("Ana Ortiz",)]
    assert ana.json("undo", "--list") == []


def test_a_member_is_known_by_address_and_me_renames_them(srm, ana, isolated):
    ana.ok("add", "Maria García")
    (isolated / "ana.toml").write_text('me = "Ana Ortiz-Lee <ANA@example.org>"\n')
    ana.ok("add", "Tom Lee")
    assert rows("SELECT name, email FROM member") == [("Ana Ortiz-Lee", "ana@example.org")]
    assert ana.json("show", "maria")["owner"]["name"] == "Ana Ortiz-Lee"


@pytest.mark.parametrize(
    "text, message",
    [
        ('me = "Ana Ortiz"', "me = 'Ana Ortiz' is invalid"),
        ('me = "Ana <ana@example.org"', "is invalid"),
        ('due_scope = "mine"', 'due_scope = "mine" needs me ='),
        ('due_scope = "ours"', "due_scope = 'ours' is invalid"),
        ("who_half_life_days = 0", "who_half_life_days = 0 is invalid"),
    ],
)
def test_team_settings_are_checked_naming_the_key(srm, config_file, text, message):
    config_file(text + "\n")
    srm.fails("contacts", code=5, match=message)


# --- owners and hand-offs --------------------------------------------------------------------


def test_who_adds_a_contact_owns_it_and_who_logs_is_recorded(ana, ben):
    ana.ok("add", "Maria García")
    ben.ok("add", "Tom Lee")
    ben.ok("log", "maria,tom", "intro call", "--follow-up", "send the deck")
    maria = ana.json("show", "maria")
    assert maria["owner"] == {"id": 1, "name": "Ana Ortiz", "email": "ana@example.org"}
    assert maria["interactions"][0]["logged_by"]["name"] == "Ben Bauer"
    assert maria["followups"][0]["made_by"]["email"] == "ben@example.org"
    assert ana.json("show", "tom")["owner"]["name"] == "Ben Bauer"
    assert [c["handle"] for c in ana.json("contacts", "--owner", "ben")] == ["tom"]
    assert [c["handle"] for c in ana.json("contacts", "--owner", "me")] == ["maria"]
    assert [c["handle"] for c in ben.json("contacts", "--owner", "Ana Ortiz")] == ["maria"]
    assert ana.json("contacts", "--owner", "none") == []
    out = ana.ok("contacts", "--json").stdout  # each contact's text written directly
    assert [c["owner"] for c in json.loads(out)] == [
        maria["owner"],
        ana.json("show", "tom")["owner"],
    ]
    assert out == json_dumps(json.loads(out)) + "\n"
    listing = ana.ok("contacts").stdout
    assert "owner" in listing and "Ben Bauer" in listing


def test_a_member_name_must_mean_one_member(ana, ben, srm, isolated):
    (isolated / "bea.toml").write_text('me = "Bea Bauer <bea@example.org>"\n')
    bea = Member(srm, isolated / "bea.toml")
    for who in (ana, ben, bea):
        who.ok("add", f"Contact of {who.config.stem}")
    ana.fails("contacts", "--owner", "bauer", code=4, match="matches 2 team members")
    ana.fails("contacts", "--owner", "zed", code=3, match="no team member matches 'zed'")
    ana.fails("contacts", "--owner", "zed@example.org", code=3, match="nobody on the team has")
    assert len(ana.json("contacts", "--owner", "bea bauer")) == 1
    assert len(ana.json("contacts", "--owner", "BEN@example.org")) == 1


def test_handoff_changes_the_owner_keeps_the_history_and_undo_takes_it_back(ana, ben):
    ana.ok("add", "Maria García")
    ben.ok("add", "Tom Lee")
    before = dump()
    r = ana.ok("handoff", "maria", "--to", "ben", "--note", "she prefers calls\nrenewal in May")
    assert "Handed Maria García to Ben Bauer on 2026-03-15" in r.stderr
    maria = ben.json("show", "maria")
    assert maria["owner"]["name"] == "Ben Bauer"
    (h,) = maria["handoffs"]
    assert (h["date"], h["from"]["name"], h["to"]["name"], h["by"]["name"]) == (
        "2026-03-15",
        "Ana Ortiz",
        "Ben Bauer",
        "Ana Ortiz",
    )
    assert h["note"] == "she prefers calls\nrenewal in May"
    assert ben.json("brief", "maria")["handoffs"] == maria["handoffs"]
    shown = ben.ok("show", "maria").stdout
    assert "Hand-offs" in shown and "she prefers calls" in shown
    assert "Ben Bauer (since 2026-03-15)" in shown
    ana.ok("undo", "--yes")
    assert dump() == before


def test_handoff_to_someone_new_adds_them_and_from_hands_off_everything(ana, ben, srm, isolated):
    ana.ok("add", "Maria García")
    ana.ok("add", "Tom Lee")
    ben.ok("add", "Zoë Park")
    r = ana.json("handoff", "maria,zoe", "--to", "Chloé Martin <chloe@example.org>")
    assert r["to"] == {"id": 3, "name": "Chloé Martin", "email": "chloe@example.org"}
    assert r["added_to_team"] is True
    assert [(c["contact"]["handle"], c["from"]["name"], c["handed"]) for c in r["contacts"]] == [
        ("maria", "Ana Ortiz", True),
        ("zoe", "Ben Bauer", True),
    ]
    # The address is who they are: Chloé's own `me` finds the member the hand-off made.
    (isolated / "chloe.toml").write_text('me = "Chloé Martin <chloe@example.org>"\n')
    chloe = Member(srm, isolated / "chloe.toml")
    assert [c["handle"] for c in chloe.json("contacts", "--owner", "me")] == ["maria", "zoe"]
    r = chloe.json("handoff", "--from", "me", "--to", "ana", "--note", "back to you")
    assert [c["contact"]["handle"] for c in r["contacts"]] == ["maria", "zoe"]
    again = chloe.ok("handoff", "maria", "--to", "ana")
    assert "already Ana Ortiz's, unchanged" in again.stderr
    ana.ok("handoff", "tom", "--to", "none")
    assert ana.json("show", "tom")["owner"] is None
    assert [c["handle"] for c in ana.json("contacts", "--owner", "none")] == ["tom"]
    ana.fails("handoff", "tom", "--to", "nobody-here", code=3, match="no team member matches")
    ana.fails("handoff", "--to", "ben", code=2, match="name the contacts to hand off")
    ana.fails("handoff", "tom", "--from", "ben", "--to", "ana", code=2)


def test_add_with_an_owner_hands_the_new_contact_off_in_the_same_command(ana, ben):
    ben.ok("add", "Tom Lee")  # Ben joins the team
    r = ana.ok("add", "Maria García", "--owner", "ben")
    assert "Added Maria García as maria (id 2), owned by Ben Bauer." in r.stderr
    maria = ana.json("show", "maria")
    assert maria["owner"]["name"] == "Ben Bauer"
    (h,) = maria["handoffs"]
    assert (h["date"], h["from"]["name"], h["to"]["name"], h["by"]["name"]) == (
        "2026-03-15",
        "Ana Ortiz",
        "Ben Bauer",
        "Ana Ortiz",
    )
    assert [c["handle"] for c in ben.json("contacts", "--owner", "me")] == ["maria", "tom"]
    # Someone new joins the team with the contact; `none` leaves it unowned; `me` is the default.
    new = ana.json("add", "Zoë Park", "--owner", "Chloé Martin <chloe@example.org>")
    assert new["owner"]["name"] == "Chloé Martin"
    assert "owned by nobody" in ana.ok("add", "Kim Ito", "--owner", "none").stderr
    assert ana.json("show", "kim")["owner"] is None
    assert ana.json("add", "Ida Holm", "--owner", "me")["owner"]["name"] == "Ana Ortiz"
    assert ana.json("show", "ida")["handoffs"] == []  # hers already: nothing changed hands
    # One command: undo takes the contact and its hand-off back together.
    ana.ok("undo", "--yes")
    ana.ok("undo", "--yes")
    ana.ok("undo", "--yes")
    ana.ok("undo", "--yes")
    assert [c["handle"] for c in ana.json("contacts")] == ["tom"]
    assert rows("SELECT count(*) FROM handoff") == [(0,)]
    # A member nobody knows is refused before anything is written.
    ana.fails("add", "Eve Stone", "--owner", "nobody-here", code=3, match="no team member")
    assert [c["handle"] for c in ana.json("contacts")] == ["tom"]


def test_due_mine_lists_my_contacts_unowned_ones_and_the_follow_ups_i_promised(ana, ben):
    ana.ok("add", "Ann Mine", "--cadence", "weekly", "--since", "2026-01-01")
    ben.ok("add", "Bob Theirs", "--cadence", "weekly", "--since", "2026-01-01")
    ben.ok("add", "Cy Handed", "--cadence", "weekly", "--since", "2026-01-01")
    ben.ok("handoff", "cy", "--to", "ana")
    ben.ok("add", "Dee Unowned", "--cadence", "weekly", "--since", "2026-01-01")
    ben.ok("handoff", "dee", "--to", "none")
    # Ana promises something to Ben's contact: it is hers to keep.
    ana.ok("log", "bob", "met at the fair", "--on", "2026-03-01", "--follow-up", "send photos")
    mine = ana.json("due", "--mine")
    assert sorted((i["type"], i["contact"]["handle"]) for i in mine["items"]) == [
        ("checkin", "ann"),
        ("checkin", "cy"),
        ("checkin", "dee"),
        ("followup", "bob"),
    ]
    theirs = ben.json("due", "--mine")
    # Bob (weekly, last seen on the 1st) is Ben's; Ana's promise to Bob is not.
    assert sorted((i["type"], i["contact"]["handle"]) for i in theirs["items"]) == [
        ("checkin", "bob"),
        ("checkin", "dee"),
    ]
    assert len(ana.json("due")["items"]) > len(mine["items"])


def test_due_scope_mine_in_the_config_and_everyone_overrides_it(srm, isolated):
    (isolated / "ana.toml").write_text(ANA + 'due_scope = "mine"\n')
    (isolated / "ben.toml").write_text(BEN)
    ana, ben = Member(srm, isolated / "ana.toml"), Member(srm, isolated / "ben.toml")
    ana.ok("add", "Ann Mine", "--since", "2025-01-01")
    ben.ok("add", "Bob Theirs", "--since", "2025-01-01")
    assert [i["contact"]["handle"] for i in ana.json("due")["items"]] == ["ann"]
    everyone = [i["contact"]["handle"] for i in ana.json("due", "--everyone")["items"]]
    assert sorted(everyone) == ["ann", "bob"]
    assert sorted(i["contact"]["handle"] for i in ben.json("due")["items"]) == ["ann", "bob"]


def test_team_lists_members_with_their_contacts_overdue_and_activity(ana, ben):
    ana.ok("add", "Ann Mine", "--cadence", "weekly", "--since", "2026-01-01")
    ana.ok("add", "Al Mine", "--since", "2026-03-01")
    ben.ok("add", "Bob Theirs", "--cadence", "weekly", "--since", "2026-01-01")
    ben.ok(
        "log",
        "bob",
        "call",
        "--on",
        "2026-03-12",
        "--follow-up",
        "x",
        "--follow-up-on",
        "2026-03-13",
    )
    ben.ok("log", "ann", "old call", "--on", "2025-10-01")
    ana.ok("add", "Nobody's", "--since", "2025-01-01")
    ana.ok("handoff", "nobody", "--to", "none")
    data = ana.json("team")
    assert data["members"] == [
        {
            "id": 1,
            "name": "Ana Ortiz",
            "email": "ana@example.org",
            "me": True,
            "joined": data["members"][0]["joined"],
            "contacts": 2,
            "overdue_checkins": 1,
            "overdue_followups": 0,
            "interactions": 0,
            "interactions_90d": 0,
            "last_activity": None,
        },
        {
            "id": 2,
            "name": "Ben Bauer",
            "email": "ben@example.org",
            "me": False,
            "joined": data["members"][1]["joined"],
            "contacts": 1,
            "overdue_checkins": 0,
            "overdue_followups": 1,
            "interactions": 2,
            "interactions_90d": 1,
            "last_activity": "2026-03-12",
        },
    ]
    assert data["unowned"] == {"contacts": 1, "overdue_checkins": 1, "overdue_followups": 0}
    text = ana.ok("team")
    assert "Ana Ortiz (you)" in text.stdout and "(nobody)" in text.stdout
    assert "srm handoff --from none --to NAME" in text.stderr


# --- who knows them best ---------------------------------------------------------------------


def expected_score(ages: list[int], half_life: int = 90) -> float:
    strength = sum(0.5 ** (age / half_life) for age in ages)
    return strength / (strength + 1)


def test_who_ranks_members_by_the_documented_score(ana, ben, srm, isolated):
    ana.ok("add", "Maria García", "--org", "Riverside Makers")
    ana.ok("log", "maria", "today", "--on", "2026-03-15")  # age 0: weighs 1
    ana.ok("log", "maria", "a half-life ago", "--on", "2025-12-15")  # age 90: weighs 0.5
    ben.ok("log", "maria", "a month ago", "--on", "2026-02-13")  # age 30: 0.5 ^ (1/3)
    data = ana.json("who", "maria")
    assert [(r["member"]["name"], r["interactions"], r["last"]) for r in data["members"]] == [
        ("Ana Ortiz", 2, "2026-03-15"),
        ("Ben Bauer", 1, "2026-02-13"),
    ]
    assert data["members"][0]["score"] == 0.6  # S = 1.5: 1.5 / 2.5
    assert data["members"][0]["strength"] == 1.5
    assert data["members"][1]["score"] == round(expected_score([30]), 3) == 0.442
    assert data["contact"]["handle"] == "maria" and data["half_life_days"] == 90
    assert data["owner"]["name"] == "Ana Ortiz"
    # A shorter half-life forgets faster: Ana's old touch counts 1/8.
    (isolated / "short.toml").write_text(ANA + "who_half_life_days = 30\n")
    short = Member(srm, isolated / "short.toml").json("who", "maria")["members"]
    assert [r["score"] for r in short] == [
        round(expected_score([0, 90], 30), 3),
        round(expected_score([30], 30), 3),
    ]
    assert short[0]["score"] == round(1.125 / 2.125, 3)
    text = ana.ok("who", "maria")
    assert "Ana Ortiz knows Maria García best" in text.stderr
    assert ana.json("show", "maria")["strongest_link"] == data["members"][0]
    assert (
        "Ana Ortiz (score 0.60: 2 interactions, last 2026-03-15)" in ana.ok("show", "maria").stdout
    )


def test_who_an_organisation_counts_a_meeting_with_several_of_them_once(ana, ben):
    ana.ok("add", "Maria García", "--org", "Riverside Makers", "--email", "maria@riverside.org")
    ana.ok("add", "Tom Lee", "--org", "riverside makers", "--email", "tom@riverside.org")
    ana.ok("add", "Zoë Park", "--org", "Kumo")
    ben.ok("log", "maria,tom", "both at once", "--on", "2026-03-15")
    ana.ok("log", "zoe", "elsewhere", "--on", "2026-03-15")
    data = ana.json("who", "Riverside Makers")
    assert data["org"] == "Riverside Makers" and data["contacts"] == 2
    assert [(r["member"]["name"], r["interactions"], r["score"]) for r in data["members"]] == [
        ("Ben Bauer", 1, 0.5)
    ]
    # Part of a name that is no contact's finds the organisation; --org insists on one.
    assert ana.json("who", "kum")["org"] == "Kumo"
    assert ana.json("who", "maria")["contact"]["handle"] == "maria"
    ana.fails("who", "maria", "--org", code=3, match="no contact or organisation matches")
    # A part of a name several of its people share: which one, or the organisation?
    ana.fails("who", "rivers", code=4, match="or `srm who --org rivers` for Riverside Makers")
    ana.fails("who", "nowhere", code=3, match="no contact or organisation matches 'nowhere'")


def test_who_counts_interactions_logged_without_an_author_apart(srm, ana):
    srm.ok("add", "Maria García")
    srm.ok("log", "maria", "before team mode", "--on", "2026-03-01")
    data = ana.json("who", "maria")
    assert data["members"] == [] and data["unattributed"] == 1
    r = ana.ok("who", "maria")
    assert "Nobody on the team has logged an interaction" in r.stderr
    assert "1 interaction(s) with Maria García were logged without an author" in r.stderr
    assert ana.json("show", "maria")["strongest_link"] is None


# --- undo is yours ---------------------------------------------------------------------------


def test_undo_reverts_only_my_commands_and_names_a_teammate_in_the_way(ana, ben):
    ana.ok("add", "Maria García")
    ben.ok("add", "Tom Lee")
    assert [c["command"] for c in ana.json("undo", "--list")] == ["add 'Maria García'"]
    assert [c["command"] for c in ben.json("undo", "--list")] == ["add 'Tom Lee'"]
    ana.ok("edit", "maria", "--org", "Riverside")
    ben.ok("edit", "maria", "--role", "Chair")
    ana.fails("undo", "--yes", code=1, match="by Ben Bauer) changed it later")
    ben.ok("undo", "--yes")  # his own edit, though Ana's came before it
    assert ana.json("show", "maria")["role"] is None
    ana.ok("undo", "--yes")
    assert ana.json("show", "maria")["org"] is None
    assert ana.json("show", "tom")["name"] == "Tom Lee"  # Ben's add stays


def test_each_member_keeps_their_own_undo_history(ana, ben, monkeypatch):
    from srm.store import undo

    monkeypatch.setattr(undo, "KEEP_COMMANDS", 2)
    for n in range(3):
        ana.ok("add", f"Ana Contact {n}")
    ben.ok("add", "Ben Contact")
    assert len(ana.json("undo", "--list")) == 2
    assert len(ben.json("undo", "--list")) == 1


# --- erasure, merge, export ------------------------------------------------------------------


def test_erasure_takes_the_hand_offs_and_redacts_notes_that_name_the_person(ana, ben, isolated):
    ana.ok("add", "Ann Lee", "--email", "ann.lee@example.org")
    ana.ok("add", "Bob Stone")
    ana.ok(
        "handoff", "ann", "--to", "Ben Bauer <ben@example.org>", "--note", "Zanzibar visa trouble"
    )
    ana.ok("handoff", "bob", "--to", "ben", "--note", "met him through Ann Lee")
    r = ben.json("rm", "ann", "--yes", "--redact")
    assert [m["what"] for m in r["mentions"]] == ["hand-off note 2 of bob"]
    (h,) = ben.json("show", "bob")["handoffs"]
    assert h["note"] == "met him through [erased]"
    assert rows("SELECT count(*) FROM handoff") == [(1,)]
    data = b"".join(p.read_bytes() for p in isolated.glob("srm.db*") if p.is_file())
    assert b"Zanzibar" not in data and b"Ann Lee" not in data
    # Her add and both hand-offs (hers, and Bob's whose note named her) held her data.
    assert [c["command"] for c in ana.json("undo", "--list")] == ["add 'Bob Stone'"]


def test_merge_moves_the_hand_offs_and_takes_an_owner_when_it_has_none(ana, ben):
    ana.ok("add", "Maria García", "--email", "maria@example.org")
    ben.ok("add", "M. Garcia", "--force")
    ben.ok("handoff", "@m", "--to", "ana", "--note", "a duplicate of Maria")
    ana.ok("handoff", "maria", "--to", "none")
    r = ana.json("merge", "maria", "@m", "--yes")
    assert r["moved"]["handoffs"] == 1 and r["filled"]["owner_id"] == 1
    maria = ana.json("show", "maria")
    assert maria["owner"]["name"] == "Ana Ortiz"
    assert [h["note"] for h in maria["handoffs"]] == ["a duplicate of Maria", ""]


def test_merge_of_two_owned_contacts_keeps_the_owner_and_names_the_other(ana, ben):
    ana.ok("add", "Maria García", "--email", "maria@example.org")
    ben.ok("add", "M. Garcia", "--force")
    r = ana.ok("merge", "maria", "@m", "--dry-run")
    assert "owner: 'Ana Ortiz' ≠ 'Ben Bauer'" in r.stderr
    assert "srm handoff @maria --to 'Ben Bauer'" in r.stderr


def test_a_team_store_exports_and_imports_whole(ana, ben, srm, isolated, monkeypatch):
    ana.ok("add", "Maria García")
    ben.ok("add", "Tom Lee")
    ben.ok("log", "maria,tom", "intro", "--follow-up", "deck")
    ana.ok("handoff", "maria", "--to", "ben", "--note", "warm")
    first = json.loads(srm.ok("export").stdout)
    members = {m["email"]: m["uuid"] for m in first["members"]}
    assert sorted(members) == ["ana@example.org", "ben@example.org"]
    ana_uuid, ben_uuid = members["ana@example.org"], members["ben@example.org"]
    maria = next(c for c in first["contacts"] if c["handle"] == "maria")
    assert maria["owner"] == ben_uuid and "owner_id" not in maria
    assert first["interactions"][0]["logged_by"] == ben_uuid
    assert first["followups"][0]["made_by"] == ben_uuid
    assert first["handoffs"][0]["from"] == ana_uuid and first["handoffs"][0]["note"] == "warm"
    (isolated / "team.json").write_text(json.dumps(first))
    # Into an empty store, by Ben: he joins as the member the file knows.
    monkeypatch.setenv("SRM_DB", str(isolated / "copy.db"))
    ben.ok("import", str(isolated / "team.json"))
    again = json.loads(srm.ok("export").stdout)
    drop = ("exported_at",)
    assert {k: v for k, v in again.items() if k not in drop} == {
        k: v for k, v in first.items() if k not in drop
    }


def test_an_export_from_before_team_mode_becomes_the_importers(srm, ana, isolated, monkeypatch):
    srm.ok("add", "Maria García")
    srm.ok("log", "maria", "call")
    (isolated / "old.json").write_text(srm.ok("export").stdout)
    old = json.loads((isolated / "old.json").read_text())
    for c in old["contacts"]:
        del c["owner"]  # as srm wrote it before team mode
    del old["members"], old["handoffs"]
    (isolated / "old.json").write_text(json.dumps(old))
    monkeypatch.setenv("SRM_DB", str(isolated / "new.db"))
    ana.ok("import", str(isolated / "old.json"))
    maria = ana.json("show", "maria")
    assert maria["owner"]["name"] == "Ana Ortiz"
    assert maria["interactions"][0]["logged_by"] is None  # who logged it is not known


# --- the report, by owner --------------------------------------------------------------------


def test_report_cut_by_owner_and_coverage_by_owner(ana, ben):
    ana.ok("add", "Ann Mine", "--since", "2026-01-01")
    ana.ok("add", "Al Mine", "--since", "2026-01-01")
    ben.ok("add", "Bob Theirs", "--since", "2026-01-01")
    ana.ok("log", "ann", "call", "--on", "2026-02-01")
    ben.ok("log", "ann,bob", "joint call", "--on", "2026-03-01")
    whole = ana.json("report", "--period", "2026Q1")
    assert whole["owned_by"] is None
    assert {k: (v["tracked"], v["touched"], v["logged"]) for k, v in whole["by_owner"].items()} == {
        "Ana Ortiz": (2, 1, 1),
        "Ben Bauer": (1, 1, 1),
        "(unowned)": (0, 0, 0),
    }
    bens = ana.json("report", "--period", "2026Q1", "--owner", "ben")
    assert bens["owned_by"] == "Ben Bauer"
    assert bens["coverage"]["tracked"] == 1 and bens["interactions"] == 1
    mine = ana.json("report", "--period", "2026Q1", "--owner", "me")
    assert mine["coverage"]["tracked"] == 2 and mine["interactions"] == 2
    text = ana.ok("report", "--period", "2026Q1").stdout
    assert "Coverage by owner" in text and "Ben Bauer" in text
    cut = ana.ok("report", "--period", "2026Q1", "--owner", "ben").stdout
    assert cut.startswith("Relationship review: 2026Q1 (first 74 days) — Ben Bauer's contacts")
    assert "Coverage by owner" not in cut  # one owner: nothing to compare
    md = ana.ok("report", "--period", "2026Q1", "-f", "markdown").stdout
    assert "## Coverage by owner" in md and "| Ana Ortiz |" in md
    html = ana.ok("report", "--period", "2026Q1", "-f", "html").stdout
    assert "Coverage by owner" in html
    shared = ana.json("report", "--period", "2026Q1", "--anonymise")
    assert set(shared["by_owner"]) == {"Member 1", "Member 2", "(unowned)"}
    assert "Ben Bauer" not in json.dumps(shared)


def test_report_of_a_single_user_store_has_no_owners(srm):
    srm.ok("add", "Ann Lee", "--since", "2026-01-01")
    data = srm.json("report", "--period", "2026Q1")
    assert data["by_owner"] == {} and data["owned_by"] is None
    assert "Coverage by owner" not in srm.ok("report", "--period", "2026Q1").stdout


# --- the two-member scenario -----------------------------------------------------------------


def test_two_members_share_a_store_end_to_end(ana, ben):
    """Ana and Ben share one store, each with their own config (Ben's `due` is his by
    default): each logs, hands off, plans the day with `due --mine`, asks `who` for an
    introduction, looks at the team and reads the report of their own contacts.

    Only srm's commands touch the store, so the scenario runs on any engine the store is on."""
    ben.config.write_text(BEN + 'due_scope = "mine"\n')
    ana.ok("add", "Maria García", "--org", "Riverside Makers", "--segment", "partners",
           "--since", "2025-10-01")  # fmt: skip
    ana.ok("add", "Tom Lee", "--org", "Riverside Makers", "--since", "2025-10-01")
    ben.ok("add", "Zoë Park", "--org", "Kumo", "--segment", "partners", "--since", "2025-10-01")
    ana.ok("log", "maria", "chapter planning", "--on", "2026-01-10")
    ben.ok("log", "maria,tom", "venue visit", "--on", "2026-03-01", "--follow-up", "send quote")
    ben.ok("log", "zoe", "kickoff", "--on", "2026-02-20")
    # Each sees who logged what, whoever asks.
    for member in (ana, ben):
        assert [(i["summary"], i["logged_by"]["name"]) for i in member.json("timeline")] == [
            ("venue visit", "Ben Bauer"),
            ("kickoff", "Ben Bauer"),
            ("chapter planning", "Ana Ortiz"),
        ]

    ana.ok("handoff", "tom", "--to", "ben", "--note", "Ben met him at the venue")
    ben.ok("handoff", "zoe", "--to", "ana", "--note", "Ana knows Kumo's CTO")
    for member in (ana, ben):
        tom = member.json("show", "tom")
        assert tom["owner"]["name"] == "Ben Bauer"
        assert [(h["from"]["name"], h["to"]["name"], h["by"]["name"], h["note"])
                for h in tom["handoffs"]] == [
            ("Ana Ortiz", "Ben Bauer", "Ana Ortiz", "Ben met him at the venue")
        ]  # fmt: skip
    shown = ana.ok("show", "tom").stdout
    assert "Ben met him at the venue" in shown and "Knows best  Ben Bauer" in shown
    assert [c["handle"] for c in ana.json("contacts", "--owner", "me")] == ["maria", "zoe"]
    assert [c["handle"] for c in ana.json("contacts", "--owner", "ben")] == ["tom"]
    assert [c["handle"] for c in ben.json("contacts", "--owner", "me")] == ["tom"]

    ana_due = ana.json("due", "--mine", "--within", "120")
    ben_due = ben.json("due", "--within", "120")  # due_scope = "mine"
    assert {(i["type"], i["contact"]["handle"]) for i in ana_due["items"]} == {
        ("checkin", "maria"),
        ("checkin", "zoe"),
    }
    assert {(i["type"], i["contact"]["handle"]) for i in ben_due["items"]} == {
        ("checkin", "tom"),
        ("followup", "maria"),  # his promise, on Ana's contact
    }
    assert ben.json("due", "--mine", "--within", "120") == ben_due
    everyone = ben.json("due", "--everyone", "--within", "120")["items"]
    assert {i["contact"]["handle"] for i in everyone} == {"maria", "tom", "zoe"}
    assert ana.json("due", "--within", "120") == ben.json("due", "--everyone", "--within", "120")

    # Who knows Riverside Makers best: the same answer whoever asks.
    for member in (ana, ben):
        who = member.json("who", "Riverside Makers")
        assert [(r["member"]["name"], r["interactions"], r["last"]) for r in who["members"]] == [
            ("Ben Bauer", 1, "2026-03-01"),
            ("Ana Ortiz", 1, "2026-01-10"),
        ]
        assert who["members"][0]["score"] > who["members"][1]["score"]
    assert ben.json("who", "zoe")["members"][0]["member"]["name"] == "Ben Bauer"
    assert ana.json("show", "zoe")["strongest_link"]["member"]["name"] == "Ben Bauer"

    for member, me in ((ana, "Ana Ortiz"), (ben, "Ben Bauer")):
        team_view = member.json("team")
        assert [
            (m["name"], m["me"], m["contacts"], m["interactions"], m["last_activity"])
            for m in team_view["members"]
        ] == [
            ("Ana Ortiz", me == "Ana Ortiz", 2, 1, "2026-01-10"),
            ("Ben Bauer", me == "Ben Bauer", 1, 2, "2026-03-01"),
        ]
        assert team_view["unowned"]["contacts"] == 0

    for member, mine in ((ana, {"maria", "zoe"}), (ben, {"tom"})):
        report = member.json("report", "--period", "2026Q1", "--owner", "me")
        assert report["coverage"]["tracked"] == len(mine)
    assert ana.json("report", "--period", "2026Q1", "--owner", "ben")["coverage"]["tracked"] == 1
    whole = ben.json("report", "--period", "2026Q1")
    assert whole["by_owner"]["Ana Ortiz"]["tracked"] == 2
    assert whole["by_owner"]["Ben Bauer"]["tracked"] == 1
    assert "Coverage by owner" in ana.ok("report", "--period", "2026Q1").stdout

    # Ben takes his hand-off back; Ana's earlier one stays.
    ben.ok("undo", "--yes")
    assert ben.json("show", "zoe")["owner"]["name"] == "Ben Bauer"
    assert ben.json("show", "tom")["owner"]["name"] == "Ben Bauer"
    assert ana.json("show", "zoe")["handoffs"] == []


def test_mail_you_capture_is_logged_by_you(ana, isolated):
    import mailbox
    from email.message import EmailMessage

    ana.ok("add", "Maria García", "--email", "maria@example.org", "--since", "2026-01-01")
    m = EmailMessage()
    m["From"], m["To"] = "Ana Ortiz <ana@example.org>", "maria@example.org"
    m["Subject"], m["Date"] = "Venue shortlist", "Mon, 02 Mar 2026 09:00:00 +0000"
    m["Message-ID"] = "<m1@example.org>"
    m.set_content("hello")
    box = mailbox.mbox(isolated / "sent.mbox")
    box.add(m)
    box.flush()
    box.close()
    ana.ok("capture", "mail", str(isolated / "sent.mbox"))
    (logged,) = ana.json("show", "maria")["interactions"]
    assert logged["captured"] == "mail" and logged["logged_by"]["name"] == "Ana Ortiz"
    assert ana.json("who", "maria")["members"][0]["interactions"] == 1


@pytest.mark.parametrize("owner", ["ben", "none"])
def test_a_report_cut_by_owner_equals_the_report_of_a_segment_of_the_same_contacts(
    srm,
    world,  # noqa: F811  (the fixture imported above)
    owner,
):
    """An owner's report counts what a segment holding exactly their contacts counts: every
    figure, the previous period's and the trend (the random store has shared meetings,
    archived contacts, contacts added mid-period)."""
    import os
    import random

    from srm.store.db import Store

    store = Store.open(os.environ["SRM_DB"])
    rnd = random.Random(7)
    with store.write() as conn:
        for name, email in (("Ana Ortiz", "ana@example.org"), ("Ben Bauer", "ben@example.org")):
            team._add_member(conn, name, email)
        ids = [r[0] for r in conn.execute("SELECT id FROM contact ORDER BY id")]
        owners = {cid: rnd.choice([1, 2, 2, None]) for cid in ids}
        conn.executemany(
            "UPDATE contact SET owner_id = ? WHERE id = ?", [(o, c) for c, o in owners.items()]
        )
        seg = conn.execute(
            "INSERT INTO segment (uuid, name, cadence, weight, description, created_at)"
            " VALUES ('cut', 'cut', NULL, 1.0, '', '2025-01-01')"
        ).lastrowid
        wanted = 2 if owner == "ben" else None
        conn.executemany(
            "INSERT INTO contact_segment (contact_id, segment_id) VALUES (?, ?)",
            [(c, seg) for c, o in owners.items() if o == wanted],
        )
    store.close()

    def figures(data: dict) -> dict:
        for part in (data, data["previous"], data["change"]):
            for key in ("segment", "owned_by", "by_segment", "by_owner"):
                part.pop(key, None)
        return data

    for period in (("--period", "2025Q4"), ("--period", "2026Q1", "--trend", "6")):
        data = srm.json("report", *period, "--owner", owner)
        # Per segment, a meeting with several of the owner's contacts in it counts once.
        start, end = (date.fromisoformat(data["period"][k]) for k in ("from", "to"))
        for name, figures_of in data["by_segment"].items():
            touching = {
                x["id"]
                for x in world["logged"]
                if start <= x["on"] <= end
                and any(
                    (name in p["segments"] or name == "cut") and owners[p["c"].id] == wanted
                    for p in x["who"]
                )
            }
            assert figures_of["interactions"] == len(touching), (period, name)
        by_owner = figures(data)
        by_segment = figures(srm.json("report", *period, "--segment", "cut"))
        assert by_owner["coverage"]["tracked"] > 0
        assert by_owner == by_segment


def test_due_mine_ranked_over_the_stored_state_equals_the_walk_of_the_history(ana, ben):
    """`srm due --mine` takes the ranked path (SQL over each contact's stored state) when it
    can; it must list what the reference walk of the history lists, item for item."""
    import os

    from srm.config import Config
    from srm.domain import due as dd
    from srm.domain import state
    from srm.store.db import Store

    for n, who in enumerate((ana, ben, ana, ben, ana, ben)):
        who.ok("add", f"Person {n}", "--cadence", "weekly", "--since", "2026-01-01")
    ana.ok("log", "person 1", "call", "--on", "2026-03-01", "--follow-up", "a", "--sentiment",
           "negative")  # fmt: skip
    ben.ok("log", "person 0", "call", "--on", "2026-03-02", "--follow-up", "b")
    ben.ok("log", "person 2", "call", "--on", "2026-03-14")
    ana.ok("followup", "add", "person 3", "c", "--due", "2026-03-16")
    ana.ok("handoff", "person 4", "--to", "none")
    ben.ok("goal", "add", "person 5", "grow", "--on", "2025-01-01")
    store = Store.open(os.environ["SRM_DB"])
    config = Config()
    on = date(2026, 3, 15)
    try:
        assert state.usable(store, config, on)
        scopes = [
            team.Owners(1, True, "Ana Ortiz"),
            team.Owners(2, True, "Ben Bauer"),
            team.Owners(2, False, "Ben Bauer"),
            team.Owners(None, True, "nobody"),
        ]
        for owners in scopes:
            for limit in (None, 2):
                q = dd.Query(store, config, on, 7, owners=owners)
                walked = dd.walked(q, limit)
                q = dd.Query(store, config, on, 7, owners=owners)
                ranked = dd.ranked(q, limit)
                key = [
                    (i.type, i.contact["id"], i.urgency, i.fields.get("id")) for i in walked.items
                ]
                assert [
                    (i.type, i.contact["id"], i.urgency, i.fields.get("id")) for i in ranked.items
                ] == key, owners
                assert ranked.total == walked.total
                assert walked.total > 0
    finally:
        store.close()


@pytest.mark.parametrize("marked", [False, True], ids=["state", "walked"])
def test_contacts_json_is_each_contact_and_its_figures_as_json_dumps_writes_them(ana, ben, marked):
    """`srm contacts --json` writes each contact's text itself (the figures read from the
    stored state, or walked when a contact is marked): byte for byte json.dumps of the
    contact as `show` has it and of the figures as dicts, on a team's store with every kind of
    detail, addresses, segments, tags, owners, stages and asks and gives."""
    import os

    from srm.cli.output import json_text
    from srm.config import Config
    from srm.domain import contacts as dc
    from srm.domain import extras, schedule
    from srm.store.db import Store

    ana.ok(
        "add", 'Zoë "Z" Back\\slash', "--email", "work:z@x.example", "--email", "z@home.example",
        "--phone", "mobile:+49 30 1234567", "--url", "blog:https://z.example/ü", "--social",
        "github:zoe", "--address", "home:Main St 1;Berlin;;10115;DE", "--address",
        "Second 2;Paris", "--nickname", "Zo", "--org", "Acme\u2028Ltd", "--segment", "partners",
        "--segment", "members", "--tag", "b", "--tag", "a", "--cadence", "45d",
        "--note", "two\nlines\twith a tab",
    )  # fmt: skip
    ben.ok("add", "Tom Lee", "--address", "Dock 3;Hamburg", "--segment", "customers")
    ana.ok("add", "Bo", "--cadence", "none")
    ana.ok("log", "zoe", "asked for an intro", "--ask", "--on", "2026-01-10")
    ben.ok("log", "zoe,tom", "sent the deck", "--give", "--on", "2026-02-01")
    ana.ok("log", "zoe", "coffee", "--ask")
    ana.ok("stage", "zoe", "trust")
    if marked:
        conn = connect(os.environ["SRM_DB"])
        conn.execute("INSERT INTO contact_state_dirty (contact_id) SELECT min(id) FROM contact")
        conn.commit()
        conn.close()
    store = Store.open(os.environ["SRM_DB"])
    try:
        wanted = [c.as_json() for c in dc.search(store)]
        ids = [c["id"] for c in wanted]
        plans = schedule.texts(store, Config(), date.fromisoformat(TODAY), ids)
        figures = extras.for_contacts(store, ids, date.fromisoformat(TODAY))
    finally:
        store.close()
    keys = ("effective_cadence", "last_interaction", "next_due")
    for c in wanted:
        c.update(zip(keys, plans[c["id"]], strict=True), **figures[c["id"]])
    assert [c["owner"]["name"] for c in wanted] == ["Ana Ortiz", "Ben Bauer", "Ana Ortiz"]
    assert wanted[2]["stage"] == "trust" and wanted[2]["ledger"]["asks"] == 2
    assert ana.ok("contacts", "--json").stdout == json_text(wanted) + "\n"
