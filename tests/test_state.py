"""Each contact's stored state always equals what its history implies (TODAY = 2026-03-15).

The property test runs random sequences of the commands that can move a contact's state (log,
interaction edit and rm, import, merge, archive, snooze, cadence and segment changes, segment
edit and rm, follow-ups, undo, a teammate's write under another default cadence) and after each one
compares the stored state with a from-scratch computation, and `srm due` ranked over the state
with `srm due` walked from the history.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from pathlib import Path

from conftest import new_store_location
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from records import connect

from srm.config import Config
from srm.domain import due as dd
from srm.domain import report, schedule, segments, state, summary
from srm.store.db import Store

TODAY = date(2026, 3, 15)
PEOPLE = ("@ann", "@bo", "@cy", "@dee", "@eve")
SEGMENTS = ("partners", "customers", "vips")


def _setup(srm, db: str) -> None:
    srm.ok("--db", db, "segment", "add", "vips", "--cadence", "monthly", "--weight", "2")
    srm.ok("--db", db, "add", "Ann Lee", "--segment", "partners", "--since", "2025-11-01")
    srm.ok("--db", db, "add", "Bo Berg", "--cadence", "weekly", "--since", "2026-01-10")
    srm.ok("--db", db, "add", "Cy Park", "--since", "2025-12-01")  # on the default cadence
    srm.ok("--db", db, "add", "Dee Osei", "--segment", "vips", "--segment", "customers")
    srm.ok("--db", db, "add", "Eve Nash", "--cadence", "none", "--segment", "customers")


day = st.integers(min_value=0, max_value=120).map(lambda n: (TODAY - timedelta(n)).isoformat())
who = st.integers(0, len(PEOPLE) - 1)
nth = st.integers(0, 50)  # the n-th interaction (or follow-up) there is, modulo how many
sentiment = st.sampled_from(("positive", "neutral", "negative"))
STEPS = st.one_of(
    st.tuples(
        st.just("log"),
        st.lists(who, min_size=1, max_size=3, unique=True),
        day,
        sentiment,
        st.sampled_from(("", "--ask", "--give")),
        st.booleans(),
    ),
    st.tuples(st.just("edit-date"), nth, day),
    st.tuples(st.just("edit-sentiment"), nth, sentiment),
    st.tuples(st.just("edit-kind"), nth, st.sampled_from(("checkin", "ask", "give"))),
    st.tuples(st.just("edit-channel"), nth, st.sampled_from(("email", "video"))),
    st.tuples(st.just("edit-people"), nth, who, who),
    st.tuples(st.just("interaction-rm"), nth),
    st.tuples(st.just("archive"), who),
    st.tuples(st.just("unarchive"), who),
    st.tuples(st.just("snooze"), who, st.integers(0, 40)),
    st.tuples(st.just("unsnooze"), who),
    st.tuples(st.just("cadence"), who, st.sampled_from(("weekly", "45d", "none", "inherit"))),
    st.tuples(st.just("since"), who, day),
    st.tuples(st.just("join"), who, st.sampled_from(SEGMENTS)),
    st.tuples(st.just("leave"), who, st.sampled_from(SEGMENTS)),
    st.tuples(
        st.just("segment-edit"),
        st.sampled_from(SEGMENTS),
        st.sampled_from(("weekly", "yearly", "none")),
        st.sampled_from(("0.5", "1", "3")),
    ),
    st.tuples(st.just("segment-rm"), st.sampled_from(SEGMENTS)),
    st.tuples(st.just("followup-add"), who, st.integers(-20, 20)),
    st.tuples(st.just("followup-close"), nth, st.sampled_from(("done", "drop"))),
    st.tuples(st.just("import"), st.integers(-30, 0)),
    st.tuples(st.just("teammate"), who, day),
    st.tuples(st.just("merge"), who, who),
    st.tuples(st.just("undo")),
)


def _ids(db: str, sql: str) -> list[int]:
    conn = connect(db)
    try:
        return [r[0] for r in conn.execute(sql)]
    finally:
        conn.close()


def _pick(db: str, sql: str, n: int) -> str | None:
    ids = _ids(db, sql)
    return str(ids[n % len(ids)]) if ids else None


def _run(srm, db: str, tmp: Path, step: tuple) -> None:
    """Run one step as a user would; refusals (an undo that conflicts …) are fine, crashes not."""
    kind, *args = step
    interaction = lambda n: _pick(db, "SELECT id FROM interaction ORDER BY id", n)  # noqa: E731
    cmd: list[str] | None = None
    if kind == "log":
        people, on, mood, ask_give, follow_up = args
        cmd = ["log", ",".join(PEOPLE[i] for i in people), "talk", "--on", on]
        cmd += ["--sentiment", mood, *([ask_give] if ask_give else [])]
        cmd += ["--follow-up", "send notes"] if follow_up else []
    elif kind.startswith("edit-") and (iid := interaction(args[0])):
        if kind == "edit-people":
            cmd = ["interaction", "edit", iid, "--add-contact", PEOPLE[args[1]]]
            cmd += ["--remove-contact", PEOPLE[args[2]]] if args[2] != args[1] else []
        elif kind == "edit-kind":
            cmd = ["interaction", "edit", iid, f"--{args[1]}"]
        else:
            option = {"edit-date": "--on", "edit-sentiment": "--sentiment"}.get(kind)
            cmd = ["interaction", "edit", iid, option or "--channel", args[1]]
    elif kind == "interaction-rm" and (iid := interaction(args[0])):
        cmd = ["interaction", "rm", iid, "--yes"]
    elif kind in ("archive", "unarchive", "unsnooze"):
        cmd = [kind if kind != "unsnooze" else "snooze", PEOPLE[args[0]]]
        cmd += ["--clear"] if kind == "unsnooze" else []
    elif kind == "snooze":
        cmd = ["snooze", PEOPLE[args[0]], (TODAY + timedelta(args[1])).isoformat()]
    elif kind == "cadence":
        cmd = ["edit", PEOPLE[args[0]], "--cadence", args[1]]
    elif kind == "since":
        cmd = ["edit", PEOPLE[args[0]], "--since", args[1]]
    elif kind in ("join", "leave"):
        option = "--segment" if kind == "join" else "--remove-segment"
        cmd = ["edit", PEOPLE[args[0]], option, args[1]]
    elif kind == "segment-edit":
        cmd = ["segment", "edit", args[0], "--cadence", args[1], "--weight", args[2]]
    elif kind == "segment-rm":
        cmd = ["segment", "rm", args[0], "--force"]
    elif kind == "followup-add":
        due = (TODAY + timedelta(args[1])).isoformat()
        cmd = ["followup", "add", PEOPLE[args[0]], "call back", "--due", due]
    elif kind == "followup-close":
        fid = _pick(db, "SELECT id FROM followup WHERE status = 'open' ORDER BY id", args[0])
        cmd = ["followup", args[1], fid] if fid else None
    elif kind == "import":
        cmd = ["import", str(_shifted_export(srm, db, tmp, args[0])), "--format", "json"]
    elif kind == "teammate":  # someone else's config, with another default cadence
        other = tmp / "teammate.toml"
        other.write_text('default_cadence = "monthly"\n')
        cmd = ["--config", str(other), "log", PEOPLE[args[0]], "from a teammate", "--on", args[1]]
    elif kind == "merge" and args[0] != args[1]:
        cmd = ["merge", PEOPLE[args[0]], PEOPLE[args[1]], "--yes"]
    elif kind == "undo":
        cmd = ["undo", "--yes"]
    if cmd is not None:
        srm("--db", db, *cmd)


def _shifted_export(srm, db: str, tmp: Path, days: int) -> Path:
    """This store's export with every interaction and follow-up made new and moved by `days`:
    importing it adds them to the same contacts."""
    doc = json.loads(srm.ok("--db", db, "export", "--format", "json").stdout)
    for section, fields in (("interactions", ("occurred_on",)), ("followups", ("due_on",))):
        for rec in doc[section]:
            rec["uuid"] = str(uuid.uuid4())
            for f in fields:
                moved = date.fromisoformat(rec[f]) + timedelta(days)
                rec[f] = min(moved, TODAY).isoformat()
            if section == "followups":
                rec["interaction"] = None
                rec["created_on"] = min(rec["created_on"], rec["due_on"])
    path = tmp / f"shifted-{uuid.uuid4().hex}.json"
    path.write_text(json.dumps(doc))
    return path


def _due_json(q: dd.Query, result: dd.Result) -> str:
    dd.enrich(q, result.items)
    items = [dict(i.as_json(), explain=i.terms) for i in result.items]
    return json.dumps({"total": result.total, "items": items}, default=str)


def _check(db: str, config: Config) -> None:
    store = Store.open(db)
    try:
        assert store.conn.execute("SELECT count(*) FROM contact_state_dirty").fetchone()[0] == 0
        assert state.problems(store) == []
        # The report's kept figures equal the history, and the report read from them prints
        # what it prints from each period's interactions (one month marked: the history).
        assert store.conn.execute("SELECT count(*) FROM contact_month_dirty").fetchone()[0] == 0
        assert summary.problems(store) == []
        _report_kept_equals_walked(store, config)
        # Reads under this config agree with the history, whatever default the state holds.
        for on in (TODAY, TODAY - timedelta(30)):
            read = schedule.schedules(store, config, on, include_archived=True, with_last=True)
            walked = schedule.history_schedules(
                store, config.default_cadence, on, include_archived=True
            )
            assert read == walked
            for limit in (None, 2):
                q = dd.Query(store, config, on, 7)
                walked = _due_json(q, dd.walked(q, limit))
                if state.usable(store, config, on):
                    q = dd.Query(store, config, on, 7)
                    assert _due_json(q, dd.ranked(q, limit)) == walked
                q = dd.Query(store, config, on, 7)
                assert _due_json(q, dd.compute(q, limit)) == walked
    finally:
        store.close()


REPORT_PERIODS = (
    report.named("2026Q1", TODAY),  # cut at today: whole months, then a part of one
    report.named("2025Q4", TODAY),
    report.span(date(2025, 12, 10), date(2026, 2, 20)),
)


def _report_kept_equals_walked(store: Store, config: Config) -> None:
    # Every segment's figures are in each report; one segment's own report reads the kept
    # counts of shared interactions for it alone.
    names = [r[0] for r in store.conn.execute("SELECT name FROM segment ORDER BY name")]
    one = segments.get(store, names[0]) if names else None

    def build() -> str:
        return json.dumps(
            [report.build(store, config, p, generated_on=TODAY) for p in REPORT_PERIODS]
            + [report.build(store, config, REPORT_PERIODS[0], one, generated_on=TODAY)]
        )

    kept = build()
    store.conn.execute("INSERT INTO contact_month_dirty VALUES (0, '2000-01')")
    try:
        assert not summary.fresh(store)
        assert build() == kept
    finally:
        store.conn.execute("DELETE FROM contact_month_dirty")


@settings(
    max_examples=int(__import__("os").environ.get("SRM_STATE_EXAMPLES", "30")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(steps=st.lists(STEPS, min_size=1, max_size=12))
def test_stored_state_equals_the_history_after_any_sequence_of_writes(srm, tmp_path, steps):
    db = new_store_location(tmp_path, uuid.uuid4().hex)
    _setup(srm, db)
    config = Config()
    _check(db, config)
    for step in steps:
        _run(srm, db, tmp_path, step)
        _check(db, config)


def test_every_kind_of_step_really_writes(srm, tmp_path):
    """The property test's steps are not all refusals: each kind succeeds on the setup store."""
    db = new_store_location(tmp_path, "steps")
    _setup(srm, db)
    steps = [
        ("log", [0, 1], "2026-03-01", "negative", "--ask", True),
        ("log", [2], "2026-02-01", "neutral", "--give", False),
        ("edit-date", 0, "2026-03-02"),
        ("edit-sentiment", 0, "positive"),
        ("edit-kind", 0, "give"),
        ("edit-channel", 0, "video"),
        ("edit-people", 0, 3, 1),
        ("archive", 4),
        ("unarchive", 4),
        ("snooze", 2, 10),
        ("unsnooze", 2),
        ("cadence", 2, "45d"),
        ("since", 3, "2026-01-05"),
        ("join", 2, "vips"),
        ("leave", 2, "vips"),
        ("segment-edit", "vips", "weekly", "3"),
        ("followup-add", 1, 5),
        ("followup-close", 0, "done"),
        ("import", -10),
        ("teammate", 1, "2026-03-10"),
        ("merge", 0, 4),
        ("undo",),
        ("segment-rm", "customers"),
        ("interaction-rm", 1),
    ]
    before = None
    for step in steps:
        commands = _ids(db, "SELECT count(*) FROM undo_command")[0]
        _run(srm, db, tmp_path, step)
        after = _ids(db, "SELECT count(*) FROM undo_command")[0]
        undone = _ids(db, "SELECT count(*) FROM undo_command WHERE undone_at IS NOT NULL")[0]
        assert after > commands or undone != before, step
        before = undone
        _check(db, Config())


def test_doctor_checks_the_state_and_rebuild_state_repairs_it(srm, isolated):
    srm.ok("add", "Ann Lee", "--segment", "partners", "--since", "2026-01-01")
    srm.ok("log", "@ann", "coffee", "--on", "2026-03-01")
    assert "contact state: stored for 1 contact, as their history says" in srm.ok("doctor").stdout
    conn = connect()
    with conn:  # a state gone wrong (it never is by srm's own writes)
        conn.execute("UPDATE contact_state SET next_due = '2020-01-01'")
    r = srm.fails("doctor", code=6)
    assert "contact 1: stored next_due '2020-01-01', history says '2026-05-01'" in r.stdout
    assert "srm db rebuild-state" in r.stdout
    srm.ok("db", "rebuild-state")
    srm.ok("doctor")
    with conn:  # another program changes a record: the contact is marked, reads walk
        conn.execute("UPDATE interaction SET occurred_on = '2026-03-05'")
        conn.execute("UPDATE interaction_contact SET occurred_on = '2026-03-05'")
    assert "1 contact to recompute at the next change" in srm.ok("doctor").stdout
    assert srm.json("show", "@ann")["next_due"] == "2026-05-05"
    conn.close()


def test_doctor_checks_the_report_summary_and_rebuild_state_repairs_it(srm, isolated):
    srm.ok("add", "Ann Lee", "--since", "2026-01-01", "--segment", "partners")
    srm.ok("add", "Bo Berg", "--since", "2026-01-01", "--segment", "partners")
    srm.ok("log", "@ann", "coffee", "--on", "2026-03-01", "--ask")
    srm.ok("log", "@ann", "call", "--on", "2026-03-09", "--channel", "phone")
    srm.ok("log", "@ann,@bo", "lunch", "--on", "2026-02-11")
    out = srm.ok("doctor").stdout
    assert "report summary: 3 contact-months and the daily counts, as the history says" in out
    conn = connect()
    with conn:  # kept figures gone wrong (they never are by srm's own writes)
        conn.execute("UPDATE contact_month SET asks = 0 WHERE month = '2026-03'")
        conn.execute("UPDATE interaction_day SET interactions = 5 WHERE channel = 'phone'")
        conn.execute("DELETE FROM shared_segment")
    r = srm.fails("doctor", code=6)
    assert (
        "contact 1 in 2026-03: stored (interactions, asks, gives, first, last)"
        " (2, 0, 0, '2026-03-01', '2026-03-09'), history says (2, 1, 0, '2026-03-01', '2026-03-09')"
    ) in r.stdout
    assert "2026-03-09 checkin neutral by phone: stored 5 interactions, history says 1" in r.stdout
    assert (
        "interaction 3 in segment 4: stored (date, kind, contacts) None,"
        " history says ('2026-02-11', 'checkin', 2)"
    ) in r.stdout
    srm.ok("db", "rebuild-state")
    srm.ok("doctor")
    conn.close()
