"""Duplicates: `srm add` refuses them, `srm duplicates` finds them, `srm merge` joins them."""

from __future__ import annotations

from records import connect, counts, dump, pointing_at, search_ok

from srm.domain.merge import MOVED_TABLES


def two_marias(srm) -> None:
    """One person entered twice, with history on both records, and a third person."""
    srm.ok(
        "add", "Maria García", "--email", "maria@riverside.org", "--segment", "partners",
        "--tag", "chapter", "--since", "2025-06-01", "--org", "Riverside",
        "--phone", "+44 20 7946 0958",
    )  # fmt: skip
    srm.ok("add", "Tom Okafor")
    srm.ok(
        "add", "María Garcia", "--force", "--email", "m.garcia@gmail.com", "--segment",
        "members", "--tag", "chapter", "--tag", "vip", "--since", "2025-03-01", "--org",
        "Riverside Ltd", "--role", "Chair", "--note", "prefers video calls", "--cadence", "monthly",
    )  # fmt: skip
    srm.ok("log", "@maria", "kickoff", "--on", "2026-01-05")
    srm.ok("log", "@maria-g", "coffee", "--on", "2026-01-10", "--follow-up", "send deck")
    srm.ok("log", "@maria,@maria-g", "joint call", "--on", "2026-02-01")
    srm.ok("log", "@maria-g,tom", "panel", "--on", "2026-02-10")
    srm.ok("idea", "add", "@maria-g", "intro to the venue team")
    srm.ok("goal", "add", "@maria-g", "grow the chapter to 50", "--on", "2026-01-10")
    srm.ok("goal", "confirm", "1", "--on", "2026-02-01")
    srm.ok("date", "add", "@maria-g", "birthday", "1980-05-01")
    srm.ok("date", "add", "@maria", "birthday", "--05-01")
    srm.ok("date", "add", "@maria-g", "anniversary", "2019-09-12")
    srm.ok("stage", "@maria-g", "know", "--on", "2025-04-01")
    srm.ok("stage", "@maria", "know", "--on", "2025-07-01")
    srm.ok("stage", "@maria-g", "like", "--on", "2025-10-01")
    srm.ok("stage", "@maria", "trust", "--on", "2026-01-01")
    srm.ok("snooze", "@maria-g", "2026-04-05")


def test_merge_keeps_every_record_of_both(srm):
    two_marias(srm)
    before = counts()
    merged = srm.json("merge", "@maria", "@maria-g", "--yes")
    after = counts()
    # Each row that goes is one fact both records held: the other contact itself, its link to
    # the call both were in, the birthday both had, the move to "know" both recorded.
    # The tag both had is one tag; the segments (partners, members) were different.
    gone = {"contact": 1, "interaction_contact": 1, "important_date": 1, "stage_change": 1}
    gone["contact_tag"] = 1
    assert {t: before[t] - after[t] for t in before if before[t] != after[t]} == gone

    m = srm.json("show", "@maria")
    assert [c["handle"] for c in srm.json("contacts")] == ["maria", "tom"]
    assert m["interactions_total"] == 4
    assert sorted(i["summary"] for i in m["interactions"]) == [
        "coffee",
        "joint call",
        "kickoff",
        "panel",
    ]
    assert [f["text"] for f in m["followups"]] == ["send deck"]
    assert [i["text"] for i in m["ideas"]] == ["intro to the venue team"]
    assert [(g["text"], g["last_confirmed"]) for g in m["goals"]] == [
        ("grow the chapter to 50", "2026-02-01")
    ]
    assert sorted((d["label"], d["year"]) for d in m["dates"]) == [
        ("anniversary", 2019),
        ("birthday", 1980),  # Maria's birthday had no year; the other's had one
    ]
    assert (m["segments"], m["tags"]) == (["members", "partners"], ["chapter", "vip"])
    # Empty fields filled, the earlier since, the later snooze; conflicts keep Maria's value.
    assert (m["role"], m["note"], m["cadence"]) == ("Chair", "prefers video calls", "monthly")
    assert (m["since"], m["snoozed_until"]) == ("2025-03-01", "2026-04-05")
    assert (m["name"], m["email"], m["org"]) == ("Maria García", "maria@riverside.org", "Riverside")
    assert [c["field"] for c in merged["conflicts"]] == ["name", "org"]
    # The other's email joins hers; hers stays the preferred one.
    assert [(e["value"], e["preferred"]) for e in m["emails"]] == [
        ("maria@riverside.org", True),
        ("m.garcia@gmail.com", False),
    ]
    assert merged["moved"]["details"] == {"emails": ["m.garcia@gmail.com"]}
    assert srm.json("show", "m.garcia@gmail.com")["handle"] == "maria"
    # Stage history is one chain in date order; the current stage is the latest.
    stages = srm.json("stages", "@maria")
    assert [(s["changed_on"], s["from_stage"], s["stage"]) for s in stages] == [
        ("2025-04-01", None, "know"),
        ("2025-10-01", "know", "like"),
        ("2026-01-01", "like", "trust"),
    ]
    assert srm.json("contacts", "--stage", "trust")[0]["handle"] == "maria"
    # The panel Tom was in now names Maria with him.
    assert srm.json("show", "tom")["interactions"][0]["with"] == ["maria"]
    search_ok()


def test_undo_after_merge_restores_the_exact_rows(srm):
    two_marias(srm)
    before = dump()
    srm.ok("merge", "@maria", "@maria-g", "--yes")
    assert dump() != before
    r = srm.ok("undo", "--yes")
    assert "merge @maria @maria-g" in r.stderr
    assert dump() == before
    search_ok()
    hits = srm.json("search", "prefers")
    assert [h["contacts"][0]["handle"] for h in hits] == ["maria-g"]


def test_merge_shows_the_plan_and_asks_first(srm):
    two_marias(srm)
    before = dump()
    r = srm("merge", "@maria", "@maria-g", input="n\n")
    assert r.exit_code == 1
    assert dump() == before
    text = " ".join(r.stderr.split())
    assert "Merge María Garcia (@maria-g, id 3) into Maria García (@maria, id 1)" in text
    assert "3 interactions (1 they were both in: kept once), 1 follow-up, 1 idea" in text
    assert "1 goal (1 confirmation), 2 dates (1 already there: kept once, 1 year added)" in text
    assert "set role: Chair" in text and "set since: 2025-03-01 (the earlier)" in text
    assert "srm edit @maria --org 'Riverside Ltd'" in text  # a conflict, ready to copy
    assert "then delete @maria-g (id 3)" in text


def test_dry_run_changes_nothing_and_says_what_would_happen(srm):
    two_marias(srm)
    before = dump()
    plan = srm.json("merge", "@maria", "@maria-g", "--dry-run")
    assert plan["merged"] is False
    assert plan["moved"]["interactions"] == 2 and plan["moved"]["shared_interactions"] == 1
    assert plan["moved"]["stage_changes_dropped"] == 1
    assert plan["filled"]["role"] == "Chair"
    assert dump() == before
    r = srm.ok("merge", "@maria", "@maria-g", "--dry-run")
    assert "then delete @maria-g" in r.stderr and dump() == before


def test_merging_a_contact_with_itself_is_refused(srm):
    srm.ok("add", "Ann Lee")
    srm.fails("merge", "ann", "1", "--yes", code=2, match="one contact")
    srm.fails("merge", "ann", "nobody", "--yes", code=3)


def test_merge_into_an_archived_contact_makes_it_active(srm):
    srm.ok("add", "Ann Lee", "--email", "ann@old.example")
    srm.ok("archive", "ann")
    srm.ok("add", "Ann Lee", "--email", "ann@new.example", "--force")
    srm.ok("merge", "1", "2", "--yes")
    assert [c["handle"] for c in srm.json("contacts")] == ["ann"]


def test_merge_handles_every_table_that_points_at_a_contact(srm):
    """Deleting the merged contact cascades: a table merge doesn't know would lose records."""
    srm.ok("segments")

    conn = connect()
    pointing = pointing_at(conn, "contact")
    conn.close()
    assert pointing == set(MOVED_TABLES)


def test_add_refuses_the_same_email_or_name_naming_the_one_here(srm):
    srm.ok("add", "Maria García", "--email", "Maria@Riverside.org")
    r = srm.fails("add", "M. Garcia", "--email", "maria@riverside.ORG", code=8)
    assert "the email Maria@Riverside.org: @maria, id 1" in r.stderr
    assert "--force" in r.stderr
    r = srm.fails("add", "MARIA GARCIA", code=8)  # case and accents folded
    assert "Maria García is already here with the same name" in r.stderr
    srm.ok("archive", "maria")
    srm.fails("add", "maria  garcía", code=8, match="id 1, archived")
    srm.ok("add", "Maria Garcia", "--email", "mg@example.org", "--force")
    srm.ok("add", "Maria Gómez")  # another person
    assert len(srm.json("contacts")) == 2


def test_duplicates_finds_same_email_name_and_phone_and_nothing_else(srm):
    for args in (
        ("Ann Lee", "--email", "ann@acme.example"),
        ("Annie Lee", "--email", "ANN@acme.example"),  # same email, another case
        ("Zoë Schäfer", "--org", "Acme"),
        ("zoe schafer",),  # same name once case and accents are folded
        ("Tom Okafor", "--phone", "+44 20 7946 0958"),
        ("Thomas Okafor", "--phone", "020 7946 0958"),  # same number, national form
        ("Bo Chen", "--phone", "7946 0958"),  # 8 digits: too short to say
        ("Maria Gomez", "--email", "maria@acme.example"),  # same domain: two people
        ("Maria García",),  # another Maria
    ):
        srm.ok("add", *args, "--force")
    pairs = srm.json("duplicates")
    assert [(p["keep"]["handle"], p["other"]["handle"], p["reasons"]) for p in pairs] == [
        ("ann", "annie", ["email"]),
        ("tom", "thomas", ["phone"]),
        ("zoe", "zoe-s", ["name"]),
    ]
    assert pairs[0]["command"] == "srm merge @ann @annie"
    r = srm.ok("duplicates")
    assert "srm merge @tom @thomas" in r.stdout and "3 likely pairs" in r.stderr


def test_duplicates_ranks_pairs_with_more_in_common_first(srm):
    srm.ok("add", "Kim Park", "--phone", "+1 415 555 0100")
    srm.ok("add", "Kim Park", "--phone", "(415) 555-0100", "--force")
    srm.ok("add", "Kim Park", "--email", "kim@a.example", "--force")
    srm.ok("add", "K. Park", "--email", "kim@a.example", "--force")
    pairs = srm.json("duplicates")
    assert [(p["keep"]["id"], p["other"]["id"], p["reasons"]) for p in pairs] == [
        (3, 4, ["email"]),
        (1, 2, ["phone", "name"]),
        (1, 3, ["name"]),
    ]
    srm.ok("merge", "1", "2", "--yes")
    srm.ok("merge", "3", "4", "--yes")
    assert [p["reasons"] for p in srm.json("duplicates")] == [["name"]]
    srm.ok("merge", "1", "3", "--yes")
    assert srm.json("duplicates") == []
    assert srm.ok("duplicates").stderr.strip() == "No likely duplicates."
