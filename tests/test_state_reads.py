"""Reads from the stored state print exactly what the history walk prints.

On a store from the benchmark generator (small numbers: skewed histories, shared meetings,
negative interactions, follow-ups, goals, dates, snoozed and archived contacts, a few
interactions dated after today), each `srm due` variant and each listing runs twice: with the
state current, then with one contact marked for recomputing, which makes every read walk the
history.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import generated as generated_store
import pytest

from srm.config import Config
from srm.domain import due as dd
from srm.domain import segments as ds
from srm.domain import state
from srm.store.db import Store

TODAY = date(2026, 3, 15)
CASES = [
    ["--json"],
    ["--json", "--explain"],
    ["--all", "--explain"],
    [],
    ["--limit", "3", "--explain"],
    ["--limit", "2", "--json"],
    ["--within", "0", "--json"],
    ["--within", "30", "--all"],
    ["--on", "2026-03-29", "--within", "14", "--json"],
    ["--on", "2026-06-01", "--json", "--limit", "7"],
    ["--on", "2026-02-01", "--json"],  # before many interactions: all walked
    ["--on", "2026-03-10", "--within", "30", "--json"],  # a few contacts walked
    ["--on", "2026-03-14", "--within", "60", "--limit", "30"],
    ["--segment", "partners", "--json", "--explain"],
    ["--segment", "customers", "--limit", "4"],
    ["--tag", "vip", "--json"],
    ["--tag", "board", "--segment", "members", "--all"],
]


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("generated") / "store.db"
    generated_store.build(path, 400, 20_000, 7, TODAY)
    # Meetings already in the calendar, written by another program: dated after today.
    conn = sqlite3.connect(path)
    with conn:
        for n, (day, mood) in enumerate((("2026-03-20", "negative"), ("2026-04-02", "neutral"))):
            iid = conn.execute(
                "INSERT INTO interaction (uuid, occurred_on, channel, kind, sentiment, summary,"
                " note, created_at) VALUES (?, ?, 'video', 'checkin', ?, 'planned', '', ?)",
                (f"future-{n}", day, mood, f"{day}T09:00:00+00:00"),
            ).lastrowid
            conn.execute(
                "INSERT INTO interaction_contact (interaction_id, contact_id, occurred_on)"
                " SELECT ?, id, ? FROM contact WHERE archived_at IS NULL AND id % 50 = ?",
                (iid, day, n),
            )
        # Equally urgent contacts (same cadence, start and weight), named against their ids:
        # where a --limit cuts through them, the names decide, not the order SQLite finds them.
        for n, name in enumerate(("Zora Tie", "Yusuf Tie", "Xenia Tie", "Wim Tie", "Vera Tie")):
            conn.execute(
                "INSERT INTO contact (uuid, handle, name, cadence, since, note, created_at,"
                " updated_at) VALUES (?, ?, ?, '1d', '2025-01-01', '', '', '')",
                (f"tie-{n}", f"tie-{n}", name),
            )
    conn.close()
    return path


def _mark_one_contact(db: Path, marked: bool) -> None:
    conn = sqlite3.connect(db)
    with conn:
        if marked:
            conn.execute("INSERT INTO contact_state_dirty (contact_id) SELECT min(id) FROM contact")
        else:
            conn.execute("DELETE FROM contact_state_dirty")
    conn.close()


def test_due_ranked_over_the_state_prints_what_the_history_walk_prints(srm, generated):
    db = str(generated)
    srm.ok("--db", db, "db", "rebuild-state")
    store = Store.open(generated)
    try:
        config = Config()
        assert state.usable(store, config, TODAY)
        assert state.ahead(store, TODAY), "the store should have interactions after today"
        q = dd.Query(store, config, TODAY, 7, segment_id=ds.get(store, "partners").id)
        assert dd.compute(q, 20).from_state
    finally:
        store.close()
    for args in CASES:
        ranked = srm.ok("--db", db, "due", *args)
        _mark_one_contact(generated, True)
        walked = srm.ok("--db", db, "due", *args)
        _mark_one_contact(generated, False)
        assert ranked.stdout == walked.stdout, args
        assert ranked.stderr == walked.stderr, args
        assert ranked.stdout.strip() or ranked.stderr.strip(), args


LISTINGS = [
    ["contacts"],
    ["contacts", "--json"],
    ["contacts", "--archived", "--json"],
    ["contacts", "--segment", "partners"],
    ["contacts", "--tag", "vip", "--json"],
    ["show", "1", "--json"],
    ["export", "--format", "csv"],
    ["export", "--format", "ics"],
]


def test_listings_from_the_state_print_what_the_history_walk_prints(srm, generated, monkeypatch):
    from srm.domain import extras

    monkeypatch.setattr(extras, "MANY", 20)  # the all-contacts paths, on a small store
    db = str(generated)
    srm.ok("--db", db, "db", "rebuild-state")
    for args in LISTINGS:
        ranked = srm.ok("--db", db, *args)
        _mark_one_contact(generated, True)
        walked = srm.ok("--db", db, *args)
        _mark_one_contact(generated, False)
        assert _stamped(ranked.stdout) == _stamped(walked.stdout), args
        assert ranked.stdout.strip(), args


def _stamped(text: str) -> str:
    """Without the calendar's time stamps (when it was made)."""
    return "\n".join(line for line in text.splitlines() if not line.startswith("DTSTAMP"))


@pytest.mark.parametrize("many", [1000, 0], ids=["sought", "read-whole"])
def test_the_contacts_listing_json_is_each_contact_as_json(generated, monkeypatch, many):
    """`srm contacts --json` writes each contact's JSON text directly: byte for byte what
    json.dumps makes of Contact.as_json (and of the figures other modules add); memberships
    sought per listed contact, or (a listing of thousands) read whole, alike."""
    from srm.domain import contacts as dc

    monkeypatch.setattr(dc, "MANY", many)

    def more(ids: list[int]) -> dict[int, dict]:
        return {cid: {"n": cid, "text": f'"{cid}"\u2028', "none": None, "x": {"ok": True}}
                for cid in ids[::2]}  # fmt: skip

    store = Store.open(generated)
    try:
        for filters in ({}, {"archived": True}, {"segment": "partners"}, {"query": "an"}):
            want = [c.as_json() for c in dc.search(store, **filters)]
            assert list(dc.listing_json_lines(store, **filters)) == [
                json.dumps(c, ensure_ascii=False) for c in want
            ]
            extra = more([c["id"] for c in want])
            assert list(dc.listing_json_lines(store, more, **filters)) == [
                json.dumps({**c, **extra.get(c["id"], {})}, ensure_ascii=False) for c in want
            ]
            assert [(c.id, c.segments, c.tags) for c in dc.listing(store, **filters)] == [
                (c["id"], c["segments"], c["tags"]) for c in want
            ]
    finally:
        store.close()


def test_a_read_never_refreshes_the_state(srm, generated):
    db = str(generated)
    _mark_one_contact(generated, True)
    srm.ok("--db", db, "due", "--json")
    srm.ok("--db", db, "contacts", "--json")
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM contact_state_dirty").fetchone()[0] == 1
    conn.close()
    srm.ok("--db", db, "snooze", "1", "--clear")  # a command that changes nothing
    srm.ok("--db", db, "followup", "add", "1", "call back")  # any write refreshes
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM contact_state_dirty").fetchone()[0] == 0
    conn.close()


@pytest.mark.parametrize("many", [1000, 20], ids=["few", "many"])
@pytest.mark.parametrize("filters", [[], ["--archived"], ["--segment", "partners"]], ids=str)
def test_the_contacts_listing_figures_are_the_dicts_json_dumps_writes(
    srm, generated, monkeypatch, filters, many
):
    """`srm contacts --json` writes each contact's figures (cadence, last and next, stage,
    ledger) as text: byte for byte json.dumps of them as dicts, the way `srm show` has them;
    read from the state (thousands: all at once) and walked (a contact marked)."""
    from srm.cli.output import json_text
    from srm.domain import contacts as dc
    from srm.domain import extras, schedule

    monkeypatch.setattr(extras, "MANY", many)  # the all-contacts paths, on a small store

    db = str(generated)
    srm.ok("--db", db, "db", "rebuild-state")
    for marked in (False, True):
        _mark_one_contact(generated, marked)
        store = Store.open(generated)
        try:
            cfg = Config()
            wanted = [c.as_json() for c in dc.search(
                store, archived="--archived" in filters,
                segment=filters[1] if "--segment" in filters else None,
            )]  # fmt: skip
            ids = [c["id"] for c in wanted]
            plans = schedule.texts(store, cfg, TODAY, ids)
            more = extras.for_contacts(store, ids, TODAY)
            keys = ("effective_cadence", "last_interaction", "next_due")
            for c in wanted:
                c.update(zip(keys, plans[c["id"]], strict=True), **more[c["id"]])
        finally:
            store.close()
        out = srm.ok("--db", db, "contacts", "--json", *filters).stdout
        assert out == json_text(wanted) + "\n"
        assert wanted and all("ledger" in c for c in wanted)
    _mark_one_contact(generated, False)
