"""`srm report` against a brute-force recount of a random store, from the report's definitions.

The store is written through the domain (the same code `srm add` and `srm log` run); the
expected figures are recomputed here in plain Python from what was written, so the SQL (the
due-date walk, the per-segment counts with shared meetings, the repair check) is checked on
data no one computed by hand: month ends, 45-day and weekly cadences, archived contacts,
contacts added mid-period, meetings with several people.
"""

from __future__ import annotations

import itertools
import os
import random
import statistics
from collections import defaultdict
from datetime import date, timedelta

import pytest

from srm import cadence as cad
from srm.config import Config
from srm.domain import contacts as dc
from srm.domain import interactions, report
from srm.store.db import Store

SEGMENTS = {"partners": "bimonthly", "customers": "quarterly", "employees": "monthly"}
OWN = [None, None, None, "45d", "weekly", "yearly", "none", "monthly"]
CHANNELS = ["email", "meeting", "phone", "video"]
FIRST, TODAY = date(2025, 1, 1), date(2026, 3, 15)


def _day(rnd: random.Random, lo: date, hi: date) -> date:
    return lo + timedelta(days=rnd.randrange((hi - lo).days + 1))


@pytest.fixture
def world(srm) -> dict:
    """A seeded random store, and what was written to it."""
    srm.ok("contacts")  # creates the store with its default segments
    rnd = random.Random(20260315)
    store = Store.open(os.environ["SRM_DB"])
    config = Config()
    people = []
    for n in range(30):
        segs = rnd.sample(list(SEGMENTS), rnd.choice([0, 1, 1, 2]))
        c = dc.add(
            store,
            f"Person {n}",
            since=_day(rnd, date(2024, 10, 1), date(2026, 1, 31)),
            segments=segs,
            cadence=rnd.choice(OWN),
        )
        people.append({"c": c, "segments": segs, "dates": []})
    logged = []
    for n in range(260):
        who = rnd.sample(people, rnd.choice([1, 1, 1, 2, 3]))
        on = _day(rnd, FIRST, TODAY)
        kind = rnd.choice(["checkin", "checkin", "ask", "give"])
        sentiment = rnd.choice(["neutral", "neutral", "positive", "negative"])
        channel = rnd.choice(CHANNELS)
        got = interactions.log(
            store, config, [p["c"] for p in who], f"talk {n}", on=on, channel=channel,
            kind=kind, sentiment=sentiment,
        )  # fmt: skip
        logged.append({"id": got.interaction_id, "on": on, "kind": kind, "sentiment": sentiment,
                       "channel": channel, "who": who})  # fmt: skip
        for p in who:
            p["dates"].append((on, got.interaction_id))
    archived = {}
    with store.write() as conn:
        for p in rnd.sample(people, 4):
            archived[p["c"].id] = _day(rnd, date(2025, 6, 1), TODAY).isoformat()
            conn.execute(
                "UPDATE contact SET archived_at = ? WHERE id = ?",
                (archived[p["c"].id] + "T12:00:00+00:00", p["c"].id),
            )
    store.close()
    for p in people:
        p["dates"].sort()
        p["archived"] = archived.get(p["c"].id)
    return {"people": people, "logged": logged}


def expected(world: dict, start: date, end: date) -> dict:
    """The report's figures, recounted from the definitions in the README."""
    inside = [i for i in world["logged"] if start <= i["on"] <= end]
    by_channel = defaultdict(int)
    for i in inside:
        by_channel[i["channel"]] += 1
    segments = {}
    for name in SEGMENTS:
        mine = [i for i in inside if any(name in p["segments"] for p in i["who"])]
        segments[name] = (len(mine), sum(i["kind"] == "ask" for i in mine))
    active = [
        p
        for p in world["people"]
        if p["c"].since <= end and not (p["archived"] and p["archived"] <= end.isoformat())
    ]
    tracked = kept = overdue = neglected = touched = 0
    days = []
    for p in active:
        cadence = cad.effective(p["c"].cadence, [SEGMENTS[s] for s in p["segments"]], "quarterly")
        if cadence is None:
            continue
        tracked += 1
        dates = [d for d, _ in p["dates"]]
        watched = max(start, p["c"].since)  # days before `since` don't count
        before = [d for d in dates if d < watched]
        last = before[-1] if before else p["c"].since
        fell = False
        for d in (d for d in dates if watched <= d <= end):
            fell |= cadence.after(last) < d
            last = d
        touched += any(start <= d <= end for d in dates)
        fell |= cadence.after(last) < end
        kept += not fell
        upto = [d for d in dates if d <= end]
        last = upto[-1] if upto else p["c"].since
        due = cadence.after(last)
        overdue += due < end
        neglected += due < end and cadence.after(due) < end
        days.append((end - last).days)
    asked = {p["c"].id for i in inside if i["kind"] == "ask" for p in i["who"]}
    never = [
        p
        for p in active
        if p["c"].id in asked
        and not any(
            i["kind"] == "give" and i["on"] <= end and p in i["who"] for i in world["logged"]
        )
    ]

    def repaired(i):
        return all(
            any((d, j) > (i["on"], i["id"]) and d <= end for d, j in p["dates"]) for p in i["who"]
        )

    negatives = [i for i in inside if i["sentiment"] == "negative"]
    return {
        "interactions": len(inside),
        "asks": sum(i["kind"] == "ask" for i in inside),
        "gives": sum(i["kind"] == "give" for i in inside),
        "by_channel": dict(by_channel),
        "segments": segments,
        "coverage": (tracked, touched, kept, overdue),
        "median": float(statistics.median(days)) if days else None,
        "neglected": neglected,
        "asked_never_given": len(never),
        "negative": (len(negatives), sum(repaired(i) for i in negatives)),
    }


@pytest.mark.parametrize(
    ("args", "start", "end"),
    [
        (("--period", "2025Q4"), date(2025, 10, 1), date(2025, 12, 31)),
        (("--period", "2025-02"), date(2025, 2, 1), date(2025, 2, 28)),
        (("--period", "2025"), date(2025, 1, 1), date(2025, 12, 31)),
        (("--last", "45d"), date(2026, 1, 30), TODAY),
    ],
)
def test_report_matches_a_recount(srm, world, args, start, end):
    report = srm.json("report", *args)
    for got, period in ((report, (start, end)), (report["previous"], None)):
        if period is None:
            period = tuple(date.fromisoformat(got["period"][k]) for k in ("from", "to"))
        want = expected(world, *period)
        assert (got["interactions"], got["asks"], got["gives"]) == (
            want["interactions"],
            want["asks"],
            want["gives"],
        )
        assert got["by_channel"] == want["by_channel"]
        assert {name: (s["interactions"], s["asks"]) for name, s in got["by_segment"].items()} == {
            name: want["segments"].get(name, (0, 0)) for name in got["by_segment"]
        }
        cov = got["coverage"]
        assert (cov["tracked"], cov["touched"], cov["kept_on_cadence"], cov["overdue"]) == want[
            "coverage"
        ]
        assert cov["median_days_since_touch"] == want["median"]
        assert got["neglected"]["count"] == want["neglected"]
        assert got["asked_never_given"]["count"] == want["asked_never_given"]
        sentiment = got["sentiment"]
        assert (sentiment["negative"], sentiment["repaired"]) == want["negative"]


@pytest.mark.parametrize(
    ("args", "start", "end"),
    [
        (("--period", "2025Q4", "--trend", "5"), date(2025, 10, 1), date(2025, 12, 31)),
        (("--period", "2026Q1", "--trend", "6"), date(2026, 1, 1), TODAY),  # cut at today
        (("--period", "2025-06", "--trend", "8"), date(2025, 6, 1), date(2025, 6, 30)),
        (("--last", "45d", "--trend", "7"), date(2026, 1, 30), TODAY),
    ],
)
def test_trend_matches_a_recount_for_every_period(srm, world, args, start, end):
    """The trend's one-query figures (older periods) and figures() (the last two) agree with
    the definitions, period by period; the last point is the report's own period."""
    report = srm.json("report", *args)
    trend = report["trend"]
    assert len(trend) == int(args[-1])
    assert trend[-1]["period"]["from"] == start.isoformat()
    assert trend[-1]["period"]["to"] == end.isoformat()
    assert trend[-2]["period"]["from"] == report["previous"]["period"]["from"]
    for point in trend:
        period = tuple(date.fromisoformat(point["period"][k]) for k in ("from", "to"))
        want = expected(world, *period)
        got = (point["interactions"], point["asks"], point["gives"])
        assert got == (want["interactions"], want["asks"], want["gives"]), point["period"]
        cov = point["coverage"]
        assert (cov["tracked"], cov["touched"], cov["kept_on_cadence"], cov["overdue"]) == want[
            "coverage"
        ], point["period"]
        assert point["sentiment"]["negative"] == want["negative"][0]
    # Periods follow one another: each ends before the next starts, all of the same length.
    for a, b in itertools.pairwise(trend):
        assert a["period"]["to"] < b["period"]["from"]
        if "--last" in args:
            assert a["period"]["days"] == b["period"]["days"]
            assert date.fromisoformat(a["period"]["to"]) + timedelta(1) == date.fromisoformat(
                b["period"]["from"]
            )


def test_trend_query_matches_the_full_figures(srm, world):
    """trend_figures() counts as figures() does, on the same periods (here, every month)."""
    store = Store.open(os.environ["SRM_DB"])
    months = report.history(report.named("2026-02", TODAY), 14)
    quick = report.trend_figures(store, Config(), months)
    for period, point in zip(months, quick, strict=True):
        full = report.figures(store, Config(), period)
        for key in ("interactions", "asks", "gives", "gives_per_ask"):
            assert point[key] == full[key], (period, key)
        assert point["sentiment"]["negative"] == full["sentiment"]["negative"]
        assert point["coverage"] == {k: full["coverage"][k] for k in point["coverage"]}
    segment = store.conn.execute("SELECT id FROM segment WHERE name = 'partners'").fetchone()[0]
    by_segment = report.trend_figures(store, Config(), months, segment)
    for period, point in zip(months, by_segment, strict=True):
        full = report.figures(store, Config(), period, segment)
        assert point["interactions"] == full["interactions"], period
        assert point["coverage"] == {k: full["coverage"][k] for k in point["coverage"]}, period
    store.close()
