"""Partners' goals: record, confirm (history kept), close, and re-check prompts in `srm due`."""


def _due_goals(srm, *args):
    return [i for i in srm.json("due", *args)["items"] if i["type"] == "goal"]


def test_goal_add_and_list_with_freshness(srm):
    srm.ok("add", "Maria García", "--since", "2026-01-01")
    srm.ok("add", "Tom Okafor", "--since", "2026-01-01")
    g = srm.json("goal", "add", "maria", "grow member retention", "--on", "2025-12-01")
    assert g["contact"]["handle"] == "maria"
    assert (g["text"], g["status"], g["recorded_on"]) == (
        "grow member retention",
        "active",
        "2025-12-01",
    )
    assert (g["last_confirmed"], g["days_since_confirmed"], g["stale"]) == ("2025-12-01", 104, True)
    assert g["confirmations"] == [] and g["closed_on"] is None
    srm.ok("goal", "add", "tom", "open a second chapter", "--on", "2026-03-01")
    listed = srm.json("goals")
    assert [(x["contact"]["handle"], x["stale"]) for x in listed] == [
        ("maria", True),
        ("tom", False),
    ]
    assert [x["text"] for x in srm.json("goals", "tom")] == ["open a second chapter"]
    out = srm.ok("goals")
    assert "re-check" in out.stdout and "over 90 days" in out.stderr


def test_confirm_keeps_history_and_refreshes_the_goal(srm):
    srm.ok("add", "Maria García")
    gid = str(srm.json("goal", "add", "maria", "retention", "--on", "2025-10-01")["id"])
    srm.ok("goal", "confirm", gid, "--on", "2025-12-20")
    assert "confirmed on 2026-03-15" in srm.ok("goal", "confirm", gid).stderr
    [g] = srm.json("goals", "maria")
    assert g["confirmations"] == ["2025-12-20", "2026-03-15"]
    assert (g["last_confirmed"], g["days_since_confirmed"], g["stale"]) == ("2026-03-15", 0, False)


def test_done_and_dropped_goals_stay_in_the_history(srm):
    srm.ok("add", "Maria García")
    a = str(srm.json("goal", "add", "maria", "retention", "--on", "2026-01-01")["id"])
    b = str(srm.json("goal", "add", "maria", "new website", "--on", "2026-01-01")["id"])
    srm.ok("goal", "done", a, "--on", "2026-03-01")
    srm.ok("goal", "drop", b)
    assert srm.json("goals") == []
    closed = {g["text"]: g for g in srm.json("goals", "--all")}
    assert (closed["retention"]["status"], closed["retention"]["closed_on"]) == (
        "done",
        "2026-03-01",
    )
    assert (closed["new website"]["status"], closed["new website"]["stale"]) == ("dropped", False)


def test_goal_commands_refuse_bad_input(srm):
    srm.ok("add", "Maria García")
    srm.fails("goal", "add", "nobody", "x", code=3)
    srm.fails("goal", "add", "maria", "  ", code=2, match="say what the goal is")
    srm.fails("goal", "add", "maria", "x", "--on", "in 2d", code=2, match="in the future")
    assert srm.json("goals", "--all") == []
    gid = str(srm.json("goal", "add", "maria", "retention", "--on", "2026-02-01")["id"])
    for verb in ("confirm", "done", "drop"):
        srm.fails("goal", verb, "42", code=3, match="no goal with id 42")
    srm.fails("goal", "confirm", gid, "--on", "2026-01-01", code=2, match="recorded on 2026-02-01")
    srm.fails("goal", "done", gid, "--on", "2026-01-01", code=2, match="recorded on 2026-02-01")
    srm.ok("goal", "done", gid)
    srm.fails("goal", "confirm", gid, code=2, match="already done")
    srm.fails("goal", "drop", gid, code=2, match="already done")
    assert srm.json("goals", "--all")[0]["confirmations"] == []


def test_due_asks_to_recheck_goals_older_than_the_max_age(srm):
    srm.ok("add", "Maria García", "--segment", "partners", "--since", "2026-03-01")
    srm.ok("add", "Tom Okafor", "--since", "2026-03-01")
    stale = srm.json("goal", "add", "maria", "grow retention", "--on", "2025-12-01")["id"]
    srm.ok("goal", "add", "tom", "hire a treasurer", "--on", "2025-12-17")  # stale on 03-17
    srm.ok("goal", "add", "tom", "fresh goal", "--on", "2026-03-01")
    items = {i["contact"]["handle"]: i for i in _due_goals(srm)}
    assert set(items) == {"maria", "tom"}
    m = items["maria"]
    assert m["id"] == stale
    assert m["text"] == 'ask whether "grow retention" is still their priority'
    assert (m["goal"], m["last_confirmed"]) == ("grow retention", "2025-12-01")
    assert (m["due"], m["status"], m["days_overdue"]) == ("2026-03-01", "overdue", 14)
    # Partners weigh 1.5; a goal re-check is half a check-in as late: 1.5 × 0.5 × (1 + 14/90).
    assert m["urgency"] == round(1.5 * 0.5 * (1 + 14 / 90), 3)
    t = items["tom"]
    assert (t["due"], t["status"], t["days_overdue"]) == ("2026-03-17", "upcoming", -2)
    out = srm.ok("due").stdout
    assert "Goals to re-check" in out and 'ask whether "grow retention"' in out
    srm.ok("goal", "confirm", str(stale), "--on", "2026-03-10")
    assert [i["contact"]["handle"] for i in _due_goals(srm)] == ["tom"]
    assert [i["contact"]["handle"] for i in _due_goals(srm, "--segment", "partners")] == []


def test_goal_max_age_comes_from_the_config(srm, config_file):
    config_file("goal_max_age_days = 30\n")
    srm.ok("add", "Maria García", "--since", "2026-03-01")
    srm.ok("goal", "add", "maria", "retention", "--on", "2026-02-01")
    [g] = _due_goals(srm)
    assert (g["due"], g["days_overdue"]) == ("2026-03-03", 12)
    assert srm.json("goals")[0]["stale"] is True


def test_closed_goals_and_archived_contacts_are_not_due(srm):
    srm.ok("add", "Maria García", "--since", "2026-03-01")
    srm.ok("add", "Tom Okafor", "--since", "2026-03-01")
    gid = srm.json("goal", "add", "maria", "retention", "--on", "2025-06-01")["id"]
    srm.ok("goal", "add", "tom", "growth", "--on", "2025-06-01")
    srm.ok("goal", "drop", str(gid))
    srm.ok("archive", "tom")
    assert _due_goals(srm) == []
