"""Dates that matter: yearly, year optional, Feb 29 on Feb 28 in other years, shown in `srm due`."""

import pytest


def _due_dates(srm, *args):
    return [i for i in srm.json("due", *args)["items"] if i["type"] == "date"]


@pytest.mark.parametrize(
    ("text", "year"), [("12-25", None), ("--12-25", None), ("1990-12-25", 1990), ("19901225", 1990)]
)
def test_date_add_reads_every_form(srm, text, year):
    srm.ok("add", "Maria García")
    d = srm.json("date", "add", "maria", "Birthday", text)
    assert (d["label"], d["year"], d["month"], d["day"]) == ("birthday", year, 12, 25)
    assert (d["date"], d["days_until"]) == ("2026-12-25", 285)
    assert d["years"] == (36 if year else None)
    assert d["text"] == ("birthday (turns 36)" if year else "birthday")


def test_date_add_refuses_impossible_dates_and_writes_nothing(srm):
    srm.ok("add", "Maria García")
    srm.fails("date", "add", "maria", "birthday", "02-30", code=2, match="impossible date '02-30'")
    srm.fails("date", "add", "maria", "birthday", "2023-02-29", code=2, match="impossible date")
    srm.fails("date", "add", "maria", "birthday", "13-01", code=2, match="impossible date")
    srm.fails("date", "add", "maria", "birthday", "tomorrow", code=2, match="MM-DD or --MM-DD")
    srm.fails("date", "add", "maria", " ", "12-25", code=2, match="say what the date is")
    srm.fails("date", "add", "nobody", "birthday", "12-25", code=3)
    assert srm.json("dates") == []
    srm.fails("date", "rm", "7", code=3, match="no date with id 7")


def test_dates_lists_by_next_occurrence_and_rm_removes(srm):
    srm.ok("add", "Maria García")
    srm.ok("add", "Tom Okafor")
    srm.ok("date", "add", "maria", "birthday", "1986-03-20")
    srm.ok("date", "add", "tom", "Work anniversary", "2021-03-16")
    late = srm.json("date", "add", "tom", "promotion", "--01-10")["id"]
    listed = srm.json("dates")
    assert [(d["contact"]["handle"], d["date"], d["text"]) for d in listed] == [
        ("tom", "2026-03-16", "Work anniversary (5 years)"),
        ("maria", "2026-03-20", "birthday (turns 40)"),
        ("tom", "2027-01-10", "promotion"),
    ]
    assert [d["days_until"] for d in srm.json("dates", "--within", "5")] == [1, 5]
    assert "--01-10" in srm.ok("dates").stdout
    srm.ok("date", "rm", str(late))
    assert len(srm.json("dates")) == 2
    srm.fails("dates", "--within", "-1", code=2)
    srm.ok("archive", "tom")
    assert [d["contact"]["handle"] for d in srm.json("dates")] == ["maria"]


def test_feb_29_falls_on_feb_28_in_other_years(srm):
    srm.ok("add", "Maria García")
    d = srm.json("date", "add", "maria", "birthday", "2000-02-29")
    assert (d["date"], d["text"]) == ("2027-02-28", "birthday (turns 27)")
    [item] = _due_dates(srm, "--on", "2027-02-25", "--within", "5")
    assert (item["date"], item["due"]) == ("2027-02-28", "2027-02-28")
    [item] = _due_dates(srm, "--on", "2028-02-25", "--within", "5")
    assert item["date"] == "2028-02-29"


def test_due_lists_dates_within_the_window(srm):
    srm.ok("add", "Maria García", "--segment", "partners", "--since", "2026-03-01")
    srm.ok("add", "Tom Okafor", "--since", "2026-03-01")
    bday = srm.json("date", "add", "maria", "birthday", "1986-03-20")["id"]
    srm.ok("date", "add", "tom", "anniversary", "03-15")
    srm.ok("date", "add", "tom", "promotion", "04-30")  # outside the 7-day window
    items = {i["contact"]["handle"]: i for i in _due_dates(srm)}
    assert set(items) == {"maria", "tom"}
    m = items["maria"]
    assert (m["id"], m["label"], m["date"], m["year"]) == (bday, "birthday", "2026-03-20", 1986)
    assert (m["text"], m["years"]) == ("birthday (turns 40)", 40)
    assert (m["due"], m["status"], m["days_overdue"]) == ("2026-03-20", "upcoming", -5)
    # Partners weigh 1.5; a date fades with distance: 1.5 / (1 + 5).
    assert m["urgency"] == 0.25
    t = items["tom"]
    assert (t["status"], t["year"], t["text"], t["urgency"]) == ("today", None, "anniversary", 1.0)
    assert "Dates that matter" in srm.ok("due").stdout
    assert [i["contact"]["handle"] for i in _due_dates(srm, "--within", "0")] == ["tom"]
    assert [i["contact"]["handle"] for i in _due_dates(srm, "--segment", "partners")] == ["maria"]


def test_the_window_wraps_over_the_new_year(srm):
    srm.ok("add", "Maria García")
    srm.ok("date", "add", "maria", "birthday", "01-02")
    srm.ok("date", "add", "maria", "anniversary", "12-31")
    srm.ok("date", "add", "maria", "promotion", "06-01")
    found = _due_dates(srm, "--on", "2026-12-30", "--within", "5")
    assert [(i["label"], i["date"]) for i in found] == [
        ("anniversary", "2026-12-31"),
        ("birthday", "2027-01-02"),
    ]
