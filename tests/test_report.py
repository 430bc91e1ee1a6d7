"""`srm report`: figures checked against hand-computed values on a fixed scenario, and periods.

The scenario is reported for 2025Q4 (Oct 1 – Dec 31) beside 2025Q3 (Jul 1 – Sep 30).
Cadences: partners bimonthly, customers/members/influencers quarterly, employees monthly.

    who   segment      since       interactions (Q3 | Q4)
    ana   partners     2025-06-01  09-01 | 10-10 (with ben), 10-20 ask, 12-15 give (delivers an idea)
    ben   partners     2025-06-01  08-01 | 10-10 (with ana)
    cleo  customers    2025-06-01  09-20 negative | 10-05 give, 11-30 negative
    dan   employees    2025-06-01  09-25 | 11-10 ask negative, 12-01
    eve   customers    untracked   — | 10-15
    finn  members      2026-01-10  (added after both periods)
    gus   influencers  2025-06-01  — | 10-01; archived 2025-11-01
    hana  members      2025-06-01  never logged
    press (a segment with no contacts)
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import load_store, save_store

from srm.store.db import Store


def _build(srm) -> None:
    srm.ok("segment", "add", "press")
    since = ("--since", "2025-06-01")
    for name, segment in [
        ("Ana Alves", "partners"),
        ("Ben Berg", "partners"),
        ("Cleo Costa", "customers"),
        ("Dan Dahl", "employees"),
        ("Gus Gray", "influencers"),
        ("Hana Hill", "members"),
    ]:
        srm.ok("add", name, "-s", segment, *since)
    srm.ok("add", "Eve Eng", "-s", "customers", "--cadence", "none", *since)
    srm.ok("add", "Finn Fox", "-s", "members", "--since", "2026-01-10")

    def log(who: str, on: str, *rest: str) -> dict:
        return srm.json("log", who, f"talk on {on}", "--on", on, *rest)

    log("ben", "2025-08-01", "-c", "email")
    log("ana", "2025-09-01", "-c", "meeting")
    log("cleo", "2025-09-20", "-c", "phone", "--sentiment", "negative")
    log("dan", "2025-09-25", "-c", "chat")
    log("gus", "2025-10-01", "-c", "meeting")
    log("cleo", "2025-10-05", "-c", "email", "--give")
    log("ana,ben", "2025-10-10", "-c", "meeting", "--follow-up", "send the agenda")  # stays open
    log("eve", "2025-10-15", "-c", "video")
    log("ana", "2025-10-20", "-c", "phone", "--ask")
    dan = log(
        "dan", "2025-11-10", "--ask", "--sentiment", "negative",
        "--follow-up", "send notes", "--follow-up-on", "2025-11-20",
    )  # fmt: skip
    srm.ok("followup", "done", str(dan["followup"]["id"]), "--on", "2025-11-25")  # late
    cleo = log(
        "cleo", "2025-11-30", "-c", "phone", "--sentiment", "negative", "--follow-up", "quote"
    )
    srm.ok("followup", "done", str(cleo["followup"]["id"]), "--on", "2025-12-05")  # on time
    log("dan", "2025-12-01", "-c", "email")

    srm.json("idea", "add", "cleo", "case study", "--on", "2025-08-01")
    intro = srm.json("idea", "add", "ana", "intro to a speaker", "--on", "2025-10-02")
    news = srm.json("idea", "add", "ben", "newsletter feature", "--on", "2025-10-03")
    srm.json("idea", "add", "--segment", "partners", "share the survey", "--on", "2025-11-01")
    log("ana", "2025-12-15", "-c", "email", "--idea", str(intro["id"]))
    srm.ok("idea", "drop", str(news["id"]))

    goal = srm.json("goal", "add", "ana", "grow membership", "--on", "2025-08-15")
    srm.ok("goal", "confirm", str(goal["id"]), "--on", "2025-10-20")
    srm.json("goal", "add", "ben", "launch a podcast", "--on", "2025-07-10")
    srm.json("goal", "add", "cleo", "cut costs", "--on", "2025-11-20")

    for who, stage, on in [
        ("ana", "know", "2025-07-05"),
        ("ben", "trust", "2025-07-05"),
        ("cleo", "trust", "2025-08-05"),
        ("dan", "like", "2025-09-01"),
        ("ana", "trust", "2025-10-12"),
        ("ben", "try", "2025-11-02"),
        ("cleo", "try", "2025-12-02"),
        ("dan", "know", "2025-12-01"),
    ]:
        srm.ok("stage", who, stage, "--on", on)
    srm.ok("archive", "gus")

    # The CLI dates a drop and an archive today; move them back into the scenario.
    store = Store.open(os.environ["SRM_DB"])
    with store.write() as conn:
        conn.execute("UPDATE idea SET closed_on = '2025-12-01' WHERE id = ?", (news["id"],))
        conn.execute(
            "UPDATE contact SET archived_at = '2025-11-01T09:00:00+00:00' WHERE handle = 'gus'"
        )
    store.close()


@pytest.fixture
def scenario(srm, isolated: Path, tmp_path_factory) -> None:
    """The scenario's store, built once and copied into each test's own database."""
    if not load_store("report-scenario"):
        _build(srm)
        save_store("report-scenario", tmp_path_factory)


def report(srm, *args: str) -> dict:
    return srm.json("report", *args)


def coverage(tracked, touched, kept, overdue, median) -> dict:
    def pct(k):
        return round(100 * k / tracked, 1) if tracked else None

    return {
        "tracked": tracked,
        "touched": touched,
        "touched_pct": pct(touched),
        "kept_on_cadence": kept,
        "kept_on_cadence_pct": pct(kept),
        "overdue": overdue,
        "overdue_pct": pct(overdue),
        "median_days_since_touch": median,
    }


def segment(cov: dict, neglected=0, interactions=0, asks=0, gives=0, ratio=None) -> dict:
    return {
        **cov,
        "neglected": neglected,
        "interactions": interactions,
        "asks": asks,
        "gives": gives,
        "gives_per_ask": ratio,
    }


EMPTY = segment(coverage(0, 0, 0, 0, None))


def names(items: list[dict]) -> list[str]:
    return [i["contact"]["handle"] for i in items]


def test_activity_and_give_ask_in_the_quarter(srm, scenario):
    r = report(srm, "--period", "2025Q4")
    assert r["period"] == {
        "from": "2025-10-01",
        "to": "2025-12-31",
        "label": "2025Q4",
        "days": 92,
        "kind": "quarter",
    }
    assert r["segment"] is None
    assert (r["interactions"], r["checkins"], r["asks"], r["gives"]) == (9, 5, 2, 2)
    assert r["gives_per_ask"] == 1.0
    # Ties in count are ordered by channel name.
    assert list(r["by_channel"].items()) == [
        ("email", 3),
        ("meeting", 3),
        ("phone", 2),
        ("video", 1),
    ]
    never = r["asked_never_given"]  # ana was asked too, but given to on Dec 15
    assert (never["count"], [(c["contact"]["handle"], c["asks"]) for c in never["contacts"]]) == (
        1,
        [("dan", 1)],
    )
    assert [(e["contact"]["name"], e["interactions"]) for e in r["most_engaged"]] == [
        ("Ana Alves", 3),
        ("Cleo Costa", 2),
        ("Dan Dahl", 2),
        ("Ben Berg", 1),
        ("Eve Eng", 1),
    ]
    assert [
        (e["contact"]["handle"], e["interactions"], e["last_interaction"], e["days_since_touch"])
        for e in r["least_engaged"]
    ] == [
        ("hana", 0, None, 213),
        ("ben", 1, "2025-10-10", 82),
        ("cleo", 2, "2025-11-30", 31),
        ("dan", 2, "2025-12-01", 30),
        ("ana", 3, "2025-12-15", 16),
    ]


def test_weekly_activity_covers_every_week_of_the_period(srm, scenario):
    activity = report(srm, "--period", "2025Q4")["activity"]
    assert activity["unit"] == "week"
    buckets = activity["buckets"]
    assert buckets[0] == {"from": "2025-10-01", "to": "2025-10-05", "interactions": 2}
    assert buckets[-1] == {"from": "2025-12-29", "to": "2025-12-31", "interactions": 0}
    assert [b["interactions"] for b in buckets] == [2, 1, 1, 1, 0, 0, 1, 0, 1, 1, 0, 1, 0, 0]
    monthly = report(srm, "--period", "2025")["activity"]
    assert monthly["unit"] == "month"
    assert [b["interactions"] for b in monthly["buckets"]][6:] == [0, 1, 3, 5, 2, 2]


def test_coverage_overall_and_per_segment(srm, scenario):
    r = report(srm, "--period", "2025Q4")
    # Tracked at Dec 31: ana, ben, cleo, dan, hana (eve has no cadence, gus was archived,
    # finn was added later). Kept: ana and cleo; ben (due Oct 1, seen Oct 10) and dan
    # (due Oct 25, seen Nov 10) fell overdue, hana was never seen. Overdue at the end:
    # ben (due Dec 10) and hana. Days since last touch: 16, 82, 31, 30, 213.
    assert r["coverage"] == coverage(5, 4, 2, 2, 31.0)
    assert r["by_segment"] == {
        "customers": segment(coverage(1, 1, 1, 0, 31.0), interactions=3, gives=1),
        "employees": segment(coverage(1, 1, 0, 0, 30.0), interactions=2, asks=1, ratio=0.0),
        # gus's interaction counts although he is archived now; he is not tracked at the end.
        "influencers": segment(coverage(0, 0, 0, 0, None), interactions=1),
        "members": segment(coverage(1, 0, 0, 1, 213.0), neglected=1),
        # ana and ben's joint meeting counts once for the segment.
        "partners": segment(coverage(2, 2, 1, 1, 49.0), interactions=3, asks=1, gives=1, ratio=1.0),
        "press": EMPTY,
        "suppliers": EMPTY,
    }
    assert r["neglected"] == {
        "count": 1,
        "contacts": [
            {
                "contact": r["neglected"]["contacts"][0]["contact"],
                "cadence": "quarterly",
                "last_interaction": None,
                "due": "2025-09-01",
                "days_overdue": 121,
                "days_since_touch": 213,  # never touched: since `since`, Jun 1
            }
        ],
    }
    assert names(r["neglected"]["contacts"]) == ["hana"]


def test_ideas_goals_stages(srm, scenario):
    r = report(srm, "--period", "2025Q4")
    assert r["ideas"] == {
        "added": 3,
        "delivered": 1,
        "dropped": 1,
        "open": 2,
        "oldest_open": {
            "id": 1,
            "text": "case study",
            "created_on": "2025-08-01",
            "age_days": 152,
            "contact": r["ideas"]["oldest_open"]["contact"],
            "segment": None,
        },
        "deliveries": [
            {
                "id": 2,
                "text": "intro to a speaker",
                "delivered_on": "2025-12-15",
                "contact": r["ideas"]["deliveries"][0]["contact"],
                "segment": None,
            }
        ],
    }
    assert r["ideas"]["oldest_open"]["contact"]["handle"] == "cleo"
    assert r["ideas"]["deliveries"][0]["contact"]["handle"] == "ana"
    # ben's goal (Jul 10) was never confirmed: 174 days at Dec 31 > 90.
    assert r["goals"] == {
        "recorded": 1,
        "confirmed": 1,
        "active": 3,
        "stale": 1,
        "confirmations": [
            {
                "id": 1,
                "text": "grow membership",
                "confirmed_on": "2025-10-20",
                "contact": r["goals"]["confirmations"][0]["contact"],
            }
        ],
    }
    assert r["goals"]["confirmations"][0]["contact"]["handle"] == "ana"
    assert r["stages"] == {
        "contacts_moved": 4,
        "movements": [
            {"from": "trust", "to": "try", "count": 2, "direction": "forward"},
            {"from": "know", "to": "trust", "count": 1, "direction": "forward"},
            {"from": "like", "to": "know", "count": 1, "direction": "back"},
        ],
    }


def test_sentiment_and_followups(srm, scenario):
    r = report(srm, "--period", "2025Q4")
    sentiment = r["sentiment"]
    assert {k: v for k, v in sentiment.items() if k != "negatives"} == {
        "positive": 0,
        "neutral": 7,
        "negative": 2,
        "repaired": 1,
        "unrepaired": 1,
    }
    # Not yet repaired first, then newest first.
    assert [
        (n["date"], [c["handle"] for c in n["contacts"]], n["repaired"], n["repaired_on"])
        for n in sentiment["negatives"]
    ] == [("2025-11-30", ["cleo"], False, None), ("2025-11-10", ["dan"], True, "2025-12-01")]
    assert r["followups"] == {
        "created": 3,
        "due": 3,
        "kept": 1,
        "late": 1,
        "dropped": 0,
        "open": 1,
        "kept_pct": 33.3,
    }


def test_previous_period_and_changes(srm, scenario):
    r = report(srm, "--period", "2025Q4")
    before = r["previous"]
    assert before["period"] == {
        "from": "2025-07-01",
        "to": "2025-09-30",
        "label": "2025Q3",
        "days": 92,
        "kind": "quarter",
    }
    assert set(before) == set(r) - {
        "segment",
        "owned_by",
        "previous",
        "change",
        "owner",
        "generated_on",
        "trend",
    }
    assert (before["interactions"], before["asks"], before["gives"]) == (4, 0, 0)
    assert before["gives_per_ask"] is None
    # At Sep 30 gus is still active: six tracked; only ben stayed on cadence; gus and hana
    # are overdue; days since last touch 29, 60, 10, 5, 121, 121.
    assert before["coverage"] == coverage(6, 4, 1, 2, 44.5)
    # cleo's negative of Sep 20 was answered only in October: not repaired within Q3.
    assert (before["sentiment"]["negative"], before["sentiment"]["repaired"]) == (1, 0)
    assert before["goals"] == {
        "recorded": 2,
        "confirmed": 0,
        "active": 2,
        "stale": 0,
        "confirmations": [],
    }
    assert before["ideas"]["deliveries"] == []
    assert before["ideas"]["open"] == 1
    change = r["change"]
    assert (change["interactions"], change["asks"], change["gives_per_ask"]) == (5, 2, None)
    assert change["coverage"] == {
        "tracked": -1,
        "touched": 0,
        "touched_pct": 13.3,
        "kept_on_cadence": 1,
        "kept_on_cadence_pct": 23.3,
        "overdue": 0,
        "overdue_pct": 6.7,
        "median_days_since_touch": -13.5,
    }
    # A channel used in only one period changes from or to zero.
    assert change["by_channel"] == {"email": 2, "meeting": 2, "phone": 1, "video": 1, "chat": -1}
    assert change["by_segment"]["influencers"]["touched_pct"] is None
    assert change["neglected"] == {"count": 1}
    assert change["followups"]["kept_pct"] is None
    assert "period" not in change and "oldest_open" not in change["ideas"]


def test_a_segment_report_only_counts_that_segment(srm, scenario):
    r = report(srm, "--period", "2025Q4", "--segment", "partners")
    assert r["segment"] == "partners"
    assert (r["interactions"], r["asks"], r["gives"]) == (3, 1, 1)
    assert list(r["by_segment"]) == ["partners"]
    assert r["coverage"] == coverage(2, 2, 1, 1, 49.0)
    assert names(r["most_engaged"]) == ["ana", "ben"]
    # Ideas for partners or for the segment itself; the survey idea is still open.
    assert {k: r["ideas"][k] for k in ("added", "delivered", "dropped", "open")} == {
        "added": 3,
        "delivered": 1,
        "dropped": 1,
        "open": 1,
    }
    assert r["ideas"]["oldest_open"]["segment"] == "partners"
    assert r["ideas"]["oldest_open"]["contact"] is None
    assert r["stages"]["contacts_moved"] == 2
    assert r["sentiment"]["negative"] == 0


def test_a_segment_with_no_contacts_reports_zeros(srm, scenario):
    r = report(srm, "--period", "2025Q4", "--segment", "press")
    assert r["by_segment"] == {"press": EMPTY}
    assert r["coverage"] == coverage(0, 0, 0, 0, None)
    assert (r["interactions"], r["by_channel"], r["most_engaged"]) == (0, {}, [])
    assert r["ideas"]["oldest_open"] is None
    assert r["change"]["coverage"]["touched_pct"] is None


def test_an_empty_period_reports_zeros(srm, scenario):
    r = report(srm, "--period", "2024Q1")
    assert r["period"] == {
        "from": "2024-01-01",
        "to": "2024-03-31",
        "label": "2024Q1",
        "days": 91,
        "kind": "quarter",
    }
    assert r["previous"]["period"]["label"] == "2023Q4"
    assert (r["interactions"], r["asks"], r["gives"], r["gives_per_ask"]) == (0, 0, 0, None)
    assert r["coverage"] == coverage(0, 0, 0, 0, None)  # nobody had been added yet
    assert r["by_segment"]["partners"] == EMPTY
    assert sum(b["interactions"] for b in r["activity"]["buckets"]) == 0
    assert len(r["activity"]["buckets"]) == 13  # weeks from Monday Jan 1 to Sunday Mar 31
    assert r["most_engaged"] == r["least_engaged"] == []
    assert r["neglected"] == {"count": 0, "contacts": []}
    assert r["sentiment"]["negatives"] == []
    assert r["stages"] == {"contacts_moved": 0, "movements": []}
    assert r["followups"]["kept_pct"] is None
    assert r["change"]["interactions"] == 0


def test_an_interaction_counts_once_in_each_segment_it_touches(srm):
    for name, segment in [("Ana", "partners"), ("Bo", "partners"), ("Cy", "customers")]:
        srm.ok("add", name, "-s", segment, "--since", "2026-01-01")
    srm.ok("log", "ana,bo,cy", "launch planning", "--on", "2026-02-02", "--ask")
    srm.ok("log", "ana,bo", "follow-up call", "--on", "2026-02-09")
    r = report(srm)
    assert r["interactions"] == 2
    partners, customers = r["by_segment"]["partners"], r["by_segment"]["customers"]
    assert (partners["interactions"], partners["asks"]) == (2, 1)
    assert (customers["interactions"], customers["asks"]) == (1, 1)
    assert [(e["contact"]["name"], e["interactions"]) for e in r["most_engaged"]] == [
        ("Ana", 2),
        ("Bo", 2),
        ("Cy", 1),
    ]


def test_goals_of_archived_contacts_are_no_longer_active_or_stale(srm):
    srm.ok("add", "Ana", "-s", "partners", "--since", "2025-01-01")
    srm.json("goal", "add", "ana", "grow membership", "--on", "2025-06-01")
    srm.ok("archive", "ana")
    store = Store.open(os.environ["SRM_DB"])
    with store.write() as conn:
        conn.execute("UPDATE contact SET archived_at = '2025-11-15T09:00:00+00:00'")
    store.close()
    # At Sep 30 the goal is 121 days old, never confirmed: stale. By Dec 31 Ana is archived.
    assert report(srm, "--period", "2025Q3")["goals"] == {
        "recorded": 0,
        "confirmed": 0,
        "active": 1,
        "stale": 1,
        "confirmations": [],
    }
    assert report(srm, "--period", "2025Q4")["goals"] == {
        "recorded": 0,
        "confirmed": 0,
        "active": 0,
        "stale": 0,
        "confirmations": [],
    }


def test_a_channel_no_longer_in_the_config_is_still_counted(srm, config_file):
    config_file('channels = ["podcast"]\n')
    srm.ok("add", "Ana", "--since", "2026-01-01")
    srm.ok("log", "ana", "guest episode", "--on", "2026-02-02", "-c", "podcast")
    srm.ok("log", "ana", "thanks", "--on", "2026-02-03", "-c", "email")
    config_file("")
    assert report(srm)["by_channel"] == {"email": 1, "podcast": 1}


@pytest.mark.parametrize(
    ("args", "now", "before"),
    [
        # Default: this quarter to date (today is 2026-03-15), beside as many days of the last.
        ((), ("2026-01-01", "2026-03-15", "2026Q1 (first 74 days)"), ("2025-10-01", "2025-12-13")),
        (("--period", "2026Q1"), ("2026-01-01", "2026-03-15", None), ("2025-10-01", "2025-12-13")),
        # A full quarter of 90 days is compared with the whole quarter before (92 days).
        (
            ("--period", "2025Q1"),
            ("2025-01-01", "2025-03-31", "2025Q1"),
            ("2024-10-01", "2024-12-31"),
        ),
        (
            ("--period", "2025q2"),
            ("2025-04-01", "2025-06-30", "2025Q2"),
            ("2025-01-01", "2025-03-31"),
        ),
        (
            ("--period", "2025-03"),
            ("2025-03-01", "2025-03-31", "2025-03"),
            ("2025-02-01", "2025-02-28"),
        ),
        (
            ("--period", "2026-01"),
            ("2026-01-01", "2026-01-31", "2026-01"),
            ("2025-12-01", "2025-12-31"),
        ),
        (("--period", "2026-03"), ("2026-03-01", "2026-03-15", None), ("2026-02-01", "2026-02-15")),
        (("--period", "2024"), ("2024-01-01", "2024-12-31", "2024"), ("2023-01-01", "2023-12-31")),
        (
            ("--last", "90d"),
            ("2025-12-16", "2026-03-15", "last 90 days"),
            ("2025-09-17", "2025-12-15"),
        ),
        (
            ("--last", "2w"),
            ("2026-03-02", "2026-03-15", "last 14 days"),
            ("2026-02-16", "2026-03-01"),
        ),
        (
            ("--from", "2025-10-01", "--to", "2025-10-31"),
            ("2025-10-01", "2025-10-31", "2025-10-01 – 2025-10-31"),
            ("2025-08-31", "2025-09-30"),
        ),
        (
            ("--from", "2026-03-01"),
            ("2026-03-01", "2026-03-15", None),
            ("2026-02-14", "2026-02-28"),
        ),
    ],
)
def test_periods_and_the_period_before(srm, args, now, before):
    r = report(srm, *args)
    assert (r["period"]["from"], r["period"]["to"]) == now[:2]
    if now[2]:
        assert r["period"]["label"] == now[2]
    assert (r["previous"]["period"]["from"], r["previous"]["period"]["to"]) == before


def test_a_span_is_compared_with_as_many_days_just_before(srm):
    r = report(srm, "--last", "30d")
    assert (r["period"]["label"], r["period"]["days"]) == ("last 30 days", 30)
    before = r["previous"]["period"]
    assert (before["label"], before["days"], before["to"]) == ("previous 30 days", 30, "2026-02-13")


@pytest.mark.parametrize(
    ("args", "code", "match"),
    [
        (("--period", "2026Q5"), 2, "2026Q3 (a quarter)"),
        (("--period", "2026-13"), 2, "can't read period"),
        (("--period", "last year"), 2, "--last 90d"),
        (("--period", "2027"), 2, "hasn't started yet"),
        (("--from", "2025-12-01", "--to", "2025-11-01"), 2, "is after --to"),
        (("--to", "2025-11-01"), 2, "--to needs --from"),
        (("--from", "2026-04-01"), 2, "in the future"),
        (("--period", "2025Q4", "--last", "30d"), 2, "not both"),
        (("--last", "0d"), 2, "can't read --last"),
        (("--last", "3m"), 2, "can't read --last"),
        (("--format", "pdf"), 2, "text, markdown, html, json"),
        (("--format", "html", "--json"), 2, "disagree"),
        (("--segment", "nobody"), 3, "no segment named"),
    ],
)
def test_bad_input_is_a_clear_error(srm, args, code, match):
    srm.fails("report", *args, code=code, match=match)
