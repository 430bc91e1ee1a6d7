"""`srm brief` before a meeting, and what `srm show` gained: goals, open ideas, dates."""


def _maria(srm):
    srm.ok(
        "add", "Maria García", "--org", "Riverside Makers", "--team", "Membership",
        "--role", "Membership lead", "--segment", "partners", "--since", "2025-06-01",
    )  # fmt: skip
    srm.ok("stage", "maria", "like", "--on", "2025-09-01")
    srm.ok("stage", "maria", "trust", "--on", "2026-01-10")
    srm.ok("log", "maria", "first coffee", "--on", "2025-07-01")
    srm.ok("log", "maria", "asked for a speaker", "--ask", "--on", "2026-01-10")
    srm.ok("log", "maria", "sent the article", "--give", "--on", "2026-02-01")
    srm.ok(
        "log", "maria", "asked for a venue", "--ask", "--on", "2026-03-01",
        "--follow-up", "send the floor plan", "--follow-up-on", "2026-03-20",
    )  # fmt: skip
    srm.ok("goal", "add", "maria", "grow member retention", "--on", "2025-11-01")
    done = srm.json("goal", "add", "maria", "launch a newsletter", "--on", "2025-11-01")["id"]
    srm.ok("goal", "done", str(done), "--on", "2026-02-01")
    srm.ok("idea", "add", "maria", "intro to a retention expert", "--on", "2026-02-10")
    srm.ok("idea", "add", "--segment", "partners", "share the event calendar", "--on", "2026-01-01")
    srm.ok("date", "add", "maria", "birthday", "1986-03-20")


def test_brief_json_holds_what_to_read_before_a_meeting(srm):
    _maria(srm)
    b = srm.json("brief", "maria")
    assert (b["role"], b["team"], b["org"], b["segments"]) == (
        "Membership lead",
        "Membership",
        "Riverside Makers",
        ["partners"],
    )
    assert (b["stage"], b["stage_since"], b["since"]) == ("trust", "2026-01-10", "2025-06-01")
    assert [i["summary"] for i in b["interactions"]] == [
        "asked for a venue",
        "sent the article",
        "asked for a speaker",
    ]
    assert b["interactions_total"] == 4
    [goal] = b["goals"]
    assert (goal["text"], goal["days_since_confirmed"], goal["stale"]) == (
        "grow member retention",
        134,
        True,
    )
    assert [f["text"] for f in b["followups"]] == ["send the floor plan"]
    assert [i["text"] for i in b["ideas"]] == [
        "share the event calendar",
        "intro to a retention expert",
    ]
    assert (b["ledger"]["asks"], b["ledger"]["gives"], b["ledger"]["asks_since_give"]) == (2, 1, 1)
    [d] = b["dates"]
    assert (d["date"], d["text"]) == ("2026-03-20", "birthday (turns 40)")


def test_brief_reads_as_one_screen(srm):
    _maria(srm)
    out = srm.ok("brief", "maria").stdout
    for text in (
        "Maria García · Membership lead · Membership · Riverside Makers",
        "trust (since 2026-01-10)",
        "Last interactions",
        "grow member retention",
        "re-check",
        "send the floor plan",
        "Ideas to offer",
        "segment partners",
        "1 ask since your last give",
        "birthday (turns 40)",
    ):
        assert text in out, text
    assert "first coffee" not in out and "launch a newsletter" not in out
    srm.fails("brief", "nobody", code=3)


def test_show_gains_goals_ideas_and_dates(srm):
    _maria(srm)
    p = srm.json("show", "maria")
    assert [(g["text"], g["status"]) for g in p["goals"]] == [
        ("grow member retention", "active"),
        ("launch a newsletter", "done"),
    ]
    assert len(p["ideas"]) == 2 and all(i["status"] == "open" for i in p["ideas"])
    assert [d["label"] for d in p["dates"]] == ["birthday"]
    out = srm.ok("show", "maria").stdout
    assert "Goals" in out and "Ideas to offer" in out and "Dates" in out
    assert "done 2026-02-01" in out
