"""The give/ask ledger: in `srm show`, `srm contacts --json` and on `srm due` check-ins."""


def _log(srm, kind, on, who="maria"):
    args = ["log", who, f"{kind} on {on}", "--on", on]
    if kind != "checkin":
        args.append(f"--{kind}")
    srm.ok(*args)


def test_ledger_counts_asks_gives_and_asks_since_the_last_give(srm):
    srm.ok("add", "Maria García", "--since", "2025-01-01")
    _log(srm, "give", "2025-10-01")  # outside the last 90 days
    _log(srm, "ask", "2025-11-01")
    _log(srm, "give", "2026-01-20")
    _log(srm, "ask", "2026-02-01")
    _log(srm, "checkin", "2026-02-15")
    _log(srm, "ask", "2026-03-01")
    led = srm.json("show", "maria")["ledger"]
    assert led == {
        "asks": 3,
        "gives": 2,
        "asks_90d": 2,
        "gives_90d": 1,
        "asks_since_give": 2,
    }
    [row] = srm.json("contacts")
    assert row["ledger"] == led and row["stage"] is None
    assert "2 asks since your last give" in srm.ok("show", "maria").stdout


def test_due_checkins_carry_asks_since_give(srm):
    srm.ok("add", "Maria García", "--cadence", "weekly", "--since", "2025-01-01")
    _log(srm, "give", "2026-02-01")
    _log(srm, "ask", "2026-02-10")
    _log(srm, "ask", "2026-03-01")
    [item] = [i for i in srm.json("due")["items"] if i["type"] == "checkin"]
    assert item["asks_since_give"] == 2
    assert "2 asks since your last give" in srm.ok("due").stdout
    _log(srm, "give", "2026-03-05")
    [item] = [i for i in srm.json("due")["items"] if i["type"] == "checkin"]
    assert item["asks_since_give"] == 0


def test_ledger_as_of_a_past_date_ignores_later_gives(srm):
    srm.ok("add", "Maria García", "--cadence", "weekly", "--since", "2025-01-01")
    _log(srm, "ask", "2026-02-10")
    _log(srm, "give", "2026-03-05")
    [item] = [i for i in srm.json("due", "--on", "2026-03-01")["items"] if i["type"] == "checkin"]
    assert item["asks_since_give"] == 1


def test_large_listings_take_the_single_pass_and_count_the_same(srm, monkeypatch):
    """Above extras.MANY contacts the ledger scans interactions once; the figures must agree."""
    from srm.domain import extras

    srm.ok("add", "Maria García", "--since", "2025-01-01")
    srm.ok("add", "Tom Okafor", "--since", "2025-01-01")
    _log(srm, "give", "2025-10-01")
    _log(srm, "ask", "2026-02-01", who="maria,tom")
    _log(srm, "ask", "2026-03-01", who="tom")
    _log(srm, "checkin", "2026-03-02", who="tom")
    few = {c["handle"]: c["ledger"] for c in srm.json("contacts")}
    monkeypatch.setattr(extras, "MANY", 0)
    many = {c["handle"]: c["ledger"] for c in srm.json("contacts")}
    assert many == few
    assert few["tom"] == {
        "asks": 2,
        "gives": 0,
        "asks_90d": 2,
        "gives_90d": 0,
        "asks_since_give": 2,
    }
