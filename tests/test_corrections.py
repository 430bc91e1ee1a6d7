"""Every record can be corrected: interactions, follow-ups, ideas, goals, snoozes."""

from __future__ import annotations


def _due_types(srm, *args):
    return [(i["type"], i["contact"]["handle"]) for i in srm.json("due", *args)["items"]]


def test_log_shows_the_interaction_id_to_correct_it_by(srm):
    srm.ok("add", "Ann Lee")
    r = srm.ok("log", "ann", "coffee")
    assert "interaction #1" in r.stderr
    assert srm.json("log", "ann", "lunch")["id"] == 2


def test_editing_the_date_of_the_latest_interaction_moves_the_next_check_in(srm):
    srm.ok("add", "Ann Lee", "--cadence", "monthly", "--since", "2025-12-01")
    srm.ok("log", "ann", "coffee", "--on", "2026-03-10")
    assert _due_types(srm) == []
    # It really happened in January: Ann is overdue since February.
    r = srm.ok("interaction", "edit", "1", "--on", "2026-01-10")
    assert "next check-in 2026-02-10" in r.stderr
    item = srm.json("due")["items"][0]
    assert (item["type"], item["due"], item["last_interaction"]) == (
        "checkin",
        "2026-02-10",
        "2026-01-10",
    )
    assert srm.json("show", "ann")["interactions"][0]["date"] == "2026-01-10"


def test_editing_kind_and_sentiment_moves_the_ledger_and_repairs(srm):
    srm.ok("add", "Ann Lee")
    srm.ok("log", "ann", "asked for an intro", "--ask", "--on", "2026-03-01")
    assert srm.json("show", "ann")["ledger"]["asks"] == 1
    srm.ok("interaction", "edit", "1", "--give", "--sentiment", "negative")
    data = srm.json("show", "ann")
    assert (data["ledger"]["asks"], data["ledger"]["gives"]) == (0, 1)
    assert ("repair", "ann") in _due_types(srm)
    srm.ok("interaction", "edit", "1", "--sentiment", "positive", "--checkin")
    assert ("repair", "ann") not in _due_types(srm)
    assert srm.json("show", "ann")["ledger"]["gives"] == 0


def test_edit_moves_an_interaction_between_contacts_and_the_report_follows(srm):
    srm.ok("add", "Ann Lee")
    srm.ok("add", "Bo Chen")
    srm.ok("log", "ann", "planning", "--on", "2026-02-02")
    before = srm.json("report", "--period", "2026Q1")
    srm.ok("interaction", "edit", "1", "--add-contact", "bo", "--remove-contact", "ann")
    assert srm.json("show", "ann")["interactions"] == []
    assert [i["summary"] for i in srm.json("show", "bo")["interactions"]] == ["planning"]
    after = srm.json("report", "--period", "2026Q1")
    assert before != after
    srm.fails("interaction", "edit", "1", "--remove-contact", "bo", code=2, match="at least one")


def test_edit_refuses_nonsense(srm):
    srm.ok("add", "Ann Lee")
    srm.ok("log", "ann", "coffee")
    srm.fails("interaction", "edit", "1", code=2, match="nothing to change")
    srm.fails("interaction", "edit", "1", "--on", "tomorrow", code=2, match="future")
    srm.fails("interaction", "edit", "1", "--ask", "--give", code=2)
    srm.fails("interaction", "edit", "1", "--summary", "  ", code=2)
    srm.fails("interaction", "edit", "1", "--channel", "pigeon", code=2, match="unknown channel")
    srm.fails("interaction", "edit", "9", "--summary", "x", code=3, match="no interaction")


def test_interaction_rm_asks_then_removes_and_due_follows(srm):
    srm.ok("add", "Ann Lee", "--cadence", "monthly", "--since", "2025-12-01")
    srm.ok("log", "ann", "old talk", "--on", "2026-01-20")
    srm.ok("log", "ann", "mistake", "--on", "2026-03-14", "--follow-up", "send it")
    assert srm("interaction", "rm", "2", input="n\n").exit_code == 1
    assert len(srm.json("show", "ann")["interactions"]) == 2
    r = srm.ok("interaction", "rm", "2", "--yes")
    assert "follow-up #1 (send it) stays open" in r.stderr
    assert srm.json("show", "ann")["last_interaction"] == "2026-01-20"
    assert _due_types(srm)[0] == ("checkin", "ann")
    srm.ok("undo", "--yes")
    assert srm.json("show", "ann")["last_interaction"] == "2026-03-14"


def test_removing_the_interaction_that_delivered_an_idea_reopens_it(srm):
    srm.ok("add", "Ann Lee")
    srm.ok("idea", "add", "ann", "intro to a venue", "--on", "2026-03-01")
    srm.ok("log", "ann", "made the intro", "--idea", "1")
    assert srm.json("ideas")[0]["status"] == "delivered"
    srm.fails("interaction", "edit", "1", "--ask", code=2, match="stays a give")
    srm.ok("interaction", "rm", "1", "--yes")
    assert srm.json("ideas")[0]["status"] == "open"


def test_a_segment_idea_is_delivered_only_to_someone_in_that_segment(srm):
    srm.ok("add", "Maria García", "--segment", "partners")
    srm.ok("add", "Mo Ali", "--segment", "members")
    srm.ok("idea", "add", "--segment", "members", "free ticket to the meetup")
    srm.fails("log", "maria", "gave a ticket", "--idea", "1", code=2, match="members segment")
    assert srm.json("ideas")[0]["status"] == "open"
    srm.ok("log", "mo", "gave a ticket", "--idea", "1")
    assert srm.json("ideas")[0]["status"] == "delivered"


def test_followup_add_edit_and_dates_before_it_was_made(srm):
    srm.ok("add", "Ann Lee")
    f = srm.json("followup", "add", "ann", "send the deck")
    assert (f["due"], f["created_on"], f["interaction_id"]) == ("2026-03-22", "2026-03-15", None)
    assert srm.json("followup", "add", "ann", "call back", "--due", "2026-04-01")["due"] == (
        "2026-04-01"
    )
    srm.fails("followup", "add", "ann", "late", "--due", "2026-03-01", code=2, match="before")
    assert srm.json("followup", "edit", "1", "--due", "2026-03-30")["due"] == "2026-03-30"
    assert srm.json("followup", "edit", "1", "--text", "send the new deck")["text"] == (
        "send the new deck"
    )
    srm.fails("followup", "edit", "1", code=2, match="nothing to change")
    srm.fails("followup", "edit", "1", "--due", "2026-03-01", code=2, match="made on 2026-03-15")
    srm.fails("followup", "drop", "1", "--on", "2020-01-01", code=2, match="made on 2026-03-15")
    srm.ok("followup", "done", "1")
    assert [f["status"] for f in srm.json("followups", "--all")] == ["open", "done"]


def test_idea_and_goal_edit(srm):
    srm.ok("add", "Ann Lee", "--segment", "partners")
    srm.ok("idea", "add", "ann", "intro", "--on", "2026-03-01")
    idea = srm.json("idea", "edit", "1", "--text", "intro to a speaker", "--segment", "partners")
    assert (idea["text"], idea["contact"], idea["segment"]) == (
        "intro to a speaker",
        None,
        "partners",
    )
    srm.fails("idea", "edit", "1", "--contact", "ann", "--segment", "members", code=2)
    srm.ok("goal", "add", "ann", "grow retention", "--on", "2026-01-05")
    srm.ok("goal", "confirm", "1", "--on", "2026-02-01")
    g = srm.json("goal", "edit", "1", "--text", "grow retention to 80%", "--on", "2026-01-02")
    assert (g["text"], g["recorded_on"]) == ("grow retention to 80%", "2026-01-02")
    srm.fails("goal", "edit", "1", "--on", "2026-03-01", code=2, match="already confirmed")


def test_snooze_can_be_cleared_and_a_long_one_is_confirmed(srm):
    srm.ok("add", "Ann Lee", "--cadence", "monthly", "--since", "2025-12-01")
    assert _due_types(srm) == [("checkin", "ann")]
    srm.ok("snooze", "ann", "in 2w")
    assert _due_types(srm) == []
    r = srm.ok("snooze", "ann", "--clear")
    assert "no longer snoozed" in r.stderr
    assert _due_types(srm) == [("checkin", "ann")]
    assert srm("snooze", "ann", "in 2y", input="n\n").exit_code == 1
    assert srm.json("show", "ann")["snoozed_until"] is None
    srm.ok("snooze", "ann", "in 2y", input="y\n")
    assert srm.json("show", "ann")["snoozed_until"] == "2028-03-15"
    srm.ok("snooze", "ann", "in 3y", "--yes")
    srm.fails("snooze", "ann", code=2, match="--clear")
    srm.fails("snooze", "ann", "in 2w", "--clear", code=2)


def test_timeline_across_contacts_newest_first_with_filters(srm):
    srm.ok("add", "Ann Lee", "--segment", "partners")
    srm.ok("add", "Bo Chen")
    srm.ok("log", "ann", "kickoff", "--on", "2026-03-02", "--channel", "video")
    srm.ok("log", "bo", "coffee", "--on", "2026-03-09")
    srm.ok("log", "ann,bo", "planning", "--on", "2026-03-13")
    items = srm.json("timeline")
    assert [(i["id"], i["summary"]) for i in items] == [
        (3, "planning"),
        (2, "coffee"),
        (1, "kickoff"),
    ]
    assert [p["handle"] for p in items[0]["contacts"]] == ["ann", "bo"]
    assert [i["id"] for i in srm.json("timeline", "--since", "2026-03-09")] == [3, 2]
    assert [i["id"] for i in srm.json("timeline", "--until", "2026-03-09")] == [2, 1]
    assert [i["id"] for i in srm.json("timeline", "--contact", "ann")] == [3, 1]
    assert [i["id"] for i in srm.json("timeline", "--segment", "partners")] == [3, 1]
    assert [i["id"] for i in srm.json("timeline", "--channel", "video")] == [1]
    r = srm.ok("timeline", "--limit", "2")
    assert "planning" in r.stdout and "kickoff" not in r.stdout
    assert "1 more" in r.stderr


def test_search_finds_edited_words_and_forgets_old_ones(srm):
    srm.ok("add", "Ann Lee", "--note", "runs the harbour makers space")
    srm.ok("log", "ann", "venue shortlist", "--note", "looked at the old mill")
    srm.ok("followup", "add", "ann", "send venue prices")
    hits = srm.json("search", "venue")
    assert {(h["kind"], h["id"]) for h in hits} == {("interaction", 1), ("followup", 1)}
    assert hits[0]["contacts"][0]["handle"] == "ann"
    assert "**venue**" in hits[0]["snippet"]
    assert [(h["kind"], h["id"]) for h in srm.json("search", "harbour")] == [("contact", 1)]
    srm.ok("interaction", "edit", "1", "--note", "chose the riverside hall")
    assert srm.json("search", "mill") == []
    assert [h["id"] for h in srm.json("search", "riverside")] == [1]
    assert [h["id"] for h in srm.json("search", '"venue shortlist"')] == [1]
    assert [h["kind"] for h in srm.json("search", "venu*", "shortl*")] == ["interaction"]
    assert srm.json("search", '"shortlist venue"') == []


def test_search_matches_without_accents_and_punctuation_is_safe(srm):
    srm.ok("add", "Ann Lee")
    srm.ok("log", "ann", "Café with O'Brien about the e-mail list")
    for query in ("cafe", "o'brien", "e-mail", "CAFÉ"):
        assert [h["id"] for h in srm.json("search", query)] == [1], query
    srm.fails("search", '"unclosed', code=2, match="not closed")
    srm.fails("search", "AND", code=2, match="can't search")
    srm.fails("search", "*", code=2)


def test_piped_listings_are_whole_rows_never_cut(srm):
    long_org = "The International Federation of Very Long Organisation Names for Testing"
    srm.ok("add", "Maximiliana Wolfeschlegelsteinhausen-Bergerdorff", "--org", long_org)
    srm.ok("log", "maximiliana", "a summary that is much longer than any terminal column " * 2)
    for args in (("contacts",), ("timeline",), ("due", "--within", "400"), ("undo", "--list")):
        out = srm.ok(*args).stdout
        assert "…" not in out, args
        assert all(len(line) < 4096 for line in out.splitlines())
    rows = srm.ok("contacts").stdout.splitlines()
    [row] = [r for r in rows if "maximiliana" in r]
    assert long_org in row and "2026-06-15" in row
    assert "summary that is much longer than any terminal column a summary" in (
        srm.ok("timeline").stdout
    )


def test_counts_read_in_the_right_number(srm):
    srm.ok("add", "Ann Lee")
    srm.ok("log", "ann", "asked", "--ask")
    out = srm.ok("show", "ann").stdout
    assert "0 gives, 1 ask" in out and "(s)" not in out
    assert "1 contact\n" in srm.ok("contacts").stderr


def test_search_forgets_removed_records(srm):
    srm.ok("add", "Ann Lee")
    srm.ok("log", "ann", "quarterly budget", "--note", "the zanzibar offsite")
    srm.ok("followup", "add", "ann", "book the zanzibar venue")
    assert len(srm.json("search", "zanzibar")) == 2
    srm.ok("interaction", "rm", "1", "--yes")
    srm.ok("followup", "drop", "1")
    assert [h["kind"] for h in srm.json("search", "zanzibar")] == ["followup"]
    srm.ok("rm", "ann", "--yes")
    assert srm.json("search", "zanzibar") == []
