"""The daily loop: `srm log` after a meeting, `srm due` each morning (TODAY = 2026-03-15)."""

import os
import stat


def test_log_links_one_interaction_to_each_contact_and_prints_next_checkins(srm):
    srm.ok("add", "Maria García", "--segment", "partners", "--since", "2026-01-01")
    srm.ok("add", "Tom Okafor", "--cadence", "weekly", "--since", "2026-01-01")
    r = srm.ok("log", "maria,tom", "chapter planning", "--channel", "video", "--on", "2026-03-10")
    assert "Maria García: next check-in 2026-05-10" in r.stderr
    assert "Tom Okafor: next check-in 2026-03-17" in r.stderr
    maria, tom = srm.json("show", "maria"), srm.json("show", "tom")
    assert maria["interactions"][0]["id"] == tom["interactions"][0]["id"]
    assert maria["interactions"][0]["with"] == ["tom"]
    assert maria["interactions"][0]["channel"] == "video"


def test_log_json_and_kinds(srm):
    srm.ok("add", "Ann Lee")
    out = srm.json("log", "ann", "asked for an intro", "--ask", "--on", "2026-03-14")
    assert (out["kind"], out["date"], out["contacts"][0]["next_due"]) == (
        "ask",
        "2026-03-14",
        "2026-06-14",
    )
    assert srm.json("log", "ann", "sent a report", "--give")["kind"] == "give"
    assert srm.json("log", "ann", "coffee")["kind"] == "checkin"
    srm.fails("log", "ann", "x", "--ask", "--give", code=2, match="not both")


def test_log_refuses_bad_input_and_writes_nothing(srm):
    srm.ok("add", "Ann Lee")
    srm.fails("log", "ann", "x", "--channel", "pigeon", code=2, match="email, phone, meeting")
    srm.fails("log", "ann", "x", "--on", "tomorrow", code=2, match="in the future")
    srm.fails("log", "ann", "x", "--on", "2026-02-30", code=2, match="can't read date")
    srm.fails("log", "ann", "x", "--sentiment", "angry", code=2, match="positive, neutral")
    srm.fails("log", "ann", "   ", code=2, match="summary")
    srm.fails("log", "nobody", "x", code=3)
    assert srm.json("show", "ann")["interactions_total"] == 0


def test_log_edit_opens_the_editor_for_the_note(srm, isolated, monkeypatch):
    editor = isolated / "fake-editor.sh"
    editor.write_text('#!/bin/sh\nprintf "# ignored\\nThey want a mentor.\\n" > "$1"\n')
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("EDITOR", str(editor))
    monkeypatch.delenv("VISUAL", raising=False)
    srm.ok("add", "Ann Lee")
    srm.ok("log", "ann", "coffee", "--edit")
    assert srm.json("show", "ann")["interactions"][0]["note"] == "They want a mentor."
    monkeypatch.setenv("EDITOR", "false")
    srm.fails("log", "ann", "again", "--edit", code=2, match="editor exited")
    assert srm.json("show", "ann")["interactions_total"] == 1
    assert os.listdir(isolated).count("fake-editor.sh") == 1


def test_follow_up_defaults_to_a_week_after_and_closes(srm):
    srm.ok("add", "Ann Lee")
    out = srm.json("log", "ann", "call", "--on", "2026-03-10", "--follow-up", "send deck")
    assert out["followup"]["due"] == "2026-03-17"
    srm.ok(
        "log",
        "ann",
        "call",
        "--on",
        "2026-03-10",
        "--follow-up",
        "intro",
        "--follow-up-on",
        "2026-04-01",
    )
    fus = srm.json("followups")
    assert [(f["text"], f["due"]) for f in fus] == [
        ("send deck", "2026-03-17"),
        ("intro", "2026-04-01"),
    ]
    srm.ok("followup", "done", str(fus[0]["id"]))
    srm.ok("followup", "drop", str(fus[1]["id"]))
    assert srm.json("followups") == []
    assert {f["status"] for f in srm.json("followups", "--all")} == {"done", "dropped"}
    srm.fails("followup", "done", str(fus[0]["id"]), code=2, match="already done")
    srm.fails("followup", "done", "999", code=3)


def _due(srm, *args):
    return srm.json("due", *args)


def test_statuses_window_and_never_logged_contacts(srm):
    srm.ok("add", "Over Due", "--cadence", "monthly", "--since", "2026-01-01")  # due 02-01
    srm.ok("add", "To Day", "--cadence", "monthly", "--since", "2026-02-15")  # due 03-15
    srm.ok("add", "Soon Er", "--cadence", "monthly", "--since", "2026-02-20")  # due 03-20
    srm.ok("add", "Far Away", "--cadence", "monthly", "--since", "2026-03-01")  # due 04-01
    srm.ok("add", "Not Tracked", "--cadence", "none", "--since", "2020-01-01")
    items = {i["contact"]["name"]: i for i in _due(srm)["items"]}
    assert set(items) == {"Over Due", "To Day", "Soon Er"}
    assert (items["Over Due"]["status"], items["Over Due"]["days_overdue"]) == ("overdue", 42)
    assert (items["To Day"]["status"], items["To Day"]["days_overdue"]) == ("today", 0)
    assert (items["Soon Er"]["status"], items["Soon Er"]["days_overdue"]) == ("upcoming", -5)
    assert items["Over Due"]["last_interaction"] is None
    wide = {i["contact"]["name"] for i in _due(srm, "--within", "30")["items"]}
    assert "Far Away" in wide
    assert {i["contact"]["name"] for i in _due(srm, "--within", "0")["items"]} == {
        "Over Due",
        "To Day",
    }


def test_any_interaction_resets_the_cadence(srm):
    srm.ok("add", "Ann Lee", "--cadence", "monthly", "--since", "2025-06-01")
    assert _due(srm)["items"][0]["status"] == "overdue"
    srm.ok("log", "ann", "quick email", "--channel", "email", "--on", "2026-03-01")
    assert _due(srm)["items"] == []
    item = _due(srm, "--on", "2026-04-02")["items"][0]
    assert (item["due"], item["last_interaction"], item["days_overdue"]) == (
        "2026-04-01",
        "2026-03-01",
        1,
    )


def test_due_on_a_past_date_ignores_later_interactions(srm):
    srm.ok("add", "Ann Lee", "--cadence", "monthly", "--since", "2025-12-01")
    srm.ok("log", "ann", "call", "--on", "2026-03-10")
    item = _due(srm, "--on", "2026-02-01")["items"][0]
    assert (item["due"], item["last_interaction"]) == ("2026-01-01", None)


def test_month_end_cadences_in_due(srm):
    srm.ok("add", "Jan End", "--cadence", "monthly", "--since", "2025-12-01")
    srm.ok("log", "jan", "call", "--on", "2026-01-31")
    assert _due(srm, "--on", "2026-02-28")["items"][0]["due"] == "2026-02-28"
    srm.ok("add", "Leap Year", "--cadence", "bimonthly", "--since", "2025-12-01")
    srm.ok("log", "leap", "call", "--on", "2025-12-31")
    leap = [i for i in _due(srm, "--on", "2026-03-01")["items"] if i["contact"]["handle"] == "leap"]
    assert leap[0]["due"] == "2026-02-28"


def test_urgency_is_lateness_relative_to_cadence_then_weight_then_followups(srm):
    srm.ok(
        "add", "Weekly Late", "--cadence", "weekly", "--since", "2026-03-01"
    )  # due 03-08, 7d late
    srm.ok(
        "add", "Yearly Late", "--cadence", "yearly", "--since", "2025-03-08"
    )  # due 03-08, 7d late
    srm.ok("segment", "add", "vip", "--weight", "3")
    srm.ok("add", "Vip Late", "--cadence", "yearly", "--since", "2025-03-08", "--segment", "vip")
    order = [i["contact"]["name"] for i in _due(srm)["items"]]
    assert order == ["Vip Late", "Weekly Late", "Yearly Late"]
    srm.ok(
        "log",
        "yearly",
        "old promise",
        "--on",
        "2025-03-08",
        "--follow-up",
        "x",
        "--follow-up-on",
        "2026-04-30",
    )
    yl = [i for i in _due(srm)["items"] if i["contact"]["name"] == "Yearly Late"][0]
    assert yl["urgency"] > 1.5  # the open follow-up adds to the check-in


def test_urgency_order_is_deterministic(srm):
    for name in ["Cara", "Abe", "Bea"]:
        srm.ok("add", name, "--cadence", "monthly", "--since", "2026-01-01")
    first = [i["contact"]["name"] for i in _due(srm)["items"]]
    assert first == ["Abe", "Bea", "Cara"]  # equal urgency: by name
    assert first == [i["contact"]["name"] for i in _due(srm)["items"]]


def test_json_contract(srm):
    srm.ok("add", "Ann Lee", "--cadence", "monthly", "--since", "2026-01-01")
    srm.ok(
        "log",
        "ann",
        "call",
        "--on",
        "2026-02-01",
        "--channel",
        "phone",
        "--follow-up",
        "send notes",
    )
    data = _due(srm)
    assert data["on"] == "2026-03-15"
    checkin, followup = sorted(data["items"], key=lambda i: i["type"])
    assert checkin["type"] == "checkin" and followup["type"] == "followup"
    for item in data["items"]:
        assert set(item["contact"]) == {"id", "uuid", "handle", "name"}
        assert {"type", "contact", "due", "status", "days_overdue", "urgency"} <= set(item)
        assert isinstance(item["urgency"], float) and isinstance(item["days_overdue"], int)
    assert checkin["last_interaction"] == "2026-02-01" and checkin["cadence"] == "monthly"
    assert checkin["last_channel"] == "phone" and checkin["asks_since_give"] == 0
    assert followup["text"] == "send notes" and isinstance(followup["id"], int)
    assert followup["due"] == "2026-02-08" and followup["days_overdue"] == 35


def test_followups_due_in_the_window_are_listed(srm):
    srm.ok("add", "Ann Lee", "--cadence", "yearly")
    srm.ok(
        "log",
        "ann",
        "call",
        "--on",
        "2026-03-14",
        "--follow-up",
        "soon",
        "--follow-up-on",
        "2026-03-20",
    )
    srm.ok(
        "log",
        "ann",
        "call",
        "--on",
        "2026-03-14",
        "--follow-up",
        "later",
        "--follow-up-on",
        "2026-04-20",
    )
    assert [i["text"] for i in _due(srm)["items"]] == ["soon"]


def test_segment_and_tag_filters(srm):
    srm.ok("add", "Ann Lee", "--segment", "partners", "--tag", "vip", "--since", "2025-01-01")
    srm.ok("add", "Bob Stone", "--segment", "members", "--since", "2025-01-01")
    assert [i["contact"]["handle"] for i in _due(srm, "--segment", "partners")["items"]] == ["ann"]
    assert [i["contact"]["handle"] for i in _due(srm, "--tag", "vip")["items"]] == ["ann"]


def test_snooze_hides_through_the_date_and_logging_clears_it(srm):
    srm.ok("add", "Ann Lee", "--cadence", "monthly", "--since", "2026-01-01")
    srm.ok("snooze", "ann", "2026-03-20")
    assert _due(srm)["items"] == []
    assert _due(srm, "--on", "2026-03-20")["items"] == []
    assert len(_due(srm, "--on", "2026-03-21")["items"]) == 1
    srm.ok("log", "ann", "call", "--on", "2026-01-15")
    assert srm.json("show", "ann")["snoozed_until"] is None
    srm.fails("snooze", "ann", "2026-03-01", code=2, match="in the past")


def test_human_output_groups_limits_and_explains(srm, config_file):
    config_file("due_limit = 2\n")
    for n in ["Abe", "Bea", "Cara"]:
        srm.ok("add", n, "--cadence", "monthly", "--since", "2026-01-01")
    srm.ok("add", "Dan", "--cadence", "monthly", "--since", "2026-02-17")
    out = srm.ok("due").stdout
    assert "Overdue" in out and "Abe" in out and "Bea" in out and "Cara" not in out
    assert "… and 2 more" in srm.ok("due").stderr
    full = srm.ok("due", "--all").stdout
    assert "Upcoming" in full and "Dan" in full and "in 2d" in full
    explained = srm.ok("due", "--explain", "--limit", "1")
    assert "segment weight" in explained.stdout and "cadence" in explained.stdout


def test_an_empty_day_says_so_and_names_the_next_checkin(srm):
    srm.ok("add", "Ann Lee", "--cadence", "monthly", "--since", "2026-03-14")
    r = srm.ok("due")
    assert "Nothing due on 2026-03-15" in r.stderr
    assert "Next check-in: Ann Lee on 2026-04-14" in r.stderr


def test_due_rejects_bad_options(srm):
    srm.fails("due", "--on", "someday", code=2, match="can't read date")
    srm.fails("due", "--within", "-1", code=2)
    srm.fails("due", "--limit", "0", code=2)
    srm.fails("due", "--segment", "nope", code=3)


def test_show_has_timeline_followups_cadence_and_next_due(srm):
    srm.ok("add", "Ann Lee", "--segment", "partners", "--since", "2025-01-01")
    for day in range(1, 13):
        srm.ok("log", "ann", f"call {day}", "--on", f"2026-02-{day:02d}")
    srm.ok("log", "ann", "lunch", "--on", "2026-03-01", "--follow-up", "send deck")
    data = srm.json("show", "ann")
    assert data["effective_cadence"] == "bimonthly" and data["next_due"] == "2026-05-01"
    assert data["interactions_total"] == 13 and len(data["interactions"]) == 10
    assert data["interactions"][0]["summary"] == "lunch"  # newest first
    assert [f["text"] for f in data["followups"]] == ["send deck"]
    assert len(srm.json("show", "ann", "--all")["interactions"]) == 13
    human = srm.ok("show", "ann")
    assert "Interactions" in human.stdout and "3 older interactions" in human.stderr
