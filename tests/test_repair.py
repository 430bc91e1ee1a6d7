"""Repair: a negative latest interaction is listed in `srm due` until a later one is logged."""

import os


def _repairs(srm, *args):
    return [i for i in srm.json("due", *args)["items"] if i["type"] == "repair"]


def test_negative_latest_interaction_asks_for_repair(srm):
    srm.ok("add", "Tom Okafor", "--segment", "partners", "--since", "2026-03-01")
    logged = srm.json(
        "log",
        "tom",
        "heated call about the invoice",
        "--sentiment",
        "negative",
        "--on",
        "2026-03-08",
    )
    [r] = _repairs(srm)
    assert r["contact"]["handle"] == "tom"
    assert r["interaction"] == {
        "id": logged["id"],
        "date": "2026-03-08",
        "summary": "heated call about the invoice",
    }
    assert r["text"] == "last interaction was negative: heated call about the invoice"
    assert (r["due"], r["status"], r["days_overdue"]) == ("2026-03-08", "overdue", 7)
    # Partners weigh 1.5, a repair counts double and doubles again after a week unanswered.
    assert r["urgency"] == 1.5 * 2 * 2
    items = srm.json("due")["items"]
    assert items[0]["type"] == "repair"
    out = srm.ok("due", "--explain")
    assert "Repair" in out.stdout and "last interaction was negative" in out.stdout
    assert "(repair)" in out.stdout


def test_a_later_interaction_ends_the_repair(srm):
    srm.ok("add", "Tom Okafor")
    srm.ok("log", "tom", "argument", "--sentiment", "negative", "--on", "2026-03-08")
    srm.ok("log", "tom", "apologised over lunch", "--on", "2026-03-12")
    assert _repairs(srm) == []
    # As of a date between the two, the repair was still open.
    assert [r["interaction"]["summary"] for r in _repairs(srm, "--on", "2026-03-10")] == [
        "argument"
    ]


def test_same_day_order_follows_the_log(srm):
    srm.ok("add", "Tom Okafor")
    srm.ok("add", "Ann Lee")
    srm.ok("log", "tom", "argument", "--sentiment", "negative", "--on", "2026-03-10")
    srm.ok("log", "tom", "patched it up", "--sentiment", "positive", "--on", "2026-03-10")
    srm.ok("log", "ann", "fine chat", "--on", "2026-03-10")
    srm.ok("log", "ann", "she was upset", "--sentiment", "negative", "--on", "2026-03-10")
    assert [r["contact"]["handle"] for r in _repairs(srm)] == ["ann"]


def test_a_shared_negative_interaction_asks_each_contact_for_repair(srm):
    srm.ok("add", "Tom Okafor", "--segment", "partners")
    srm.ok("add", "Ann Lee")
    srm.ok("add", "Bo Berg")
    srm.ok(
        "log", "tom,ann,bo", "tense board meeting", "--sentiment", "negative", "--on", "2026-03-14"
    )
    srm.ok("log", "bo", "cleared the air", "--on", "2026-03-15")
    assert {r["contact"]["handle"] for r in _repairs(srm)} == {"tom", "ann"}
    assert [r["contact"]["handle"] for r in _repairs(srm, "--segment", "partners")] == ["tom"]
    srm.ok("archive", "ann")
    assert [r["contact"]["handle"] for r in _repairs(srm)] == ["tom"]


def test_latest_interaction_is_found_by_an_index_seek_not_a_history_walk(srm):
    """Repairs come from each contact's latest interaction: a seek whatever the history's size."""
    from srm.domain.schedule import _SQL_WITH_LAST
    from srm.store.db import Store
    from srm.store.dialect import engine_sql

    srm.ok("contacts")
    store = Store.open(os.environ["SRM_DB"])
    sql = engine_sql(store.conn, _SQL_WITH_LAST).format(where="c.archived_at IS NULL")
    if store.url is None:
        plan = " | ".join(
            r[3] for r in store.conn.execute("EXPLAIN QUERY PLAN " + sql, {"on": "2026-03-15"})
        )
        assert "COVERING INDEX ix_interaction_contact_contact_date" in plan
        assert "TEMP B-TREE" not in plan  # same day, the highest interaction id: in index order
        assert "SCAN ic" not in plan and "SCAN i " not in plan
    else:
        # An empty table's cheapest plan is a scan: forbid scans and sorts where an index can
        # serve, so the plan shows whether the query lets it.
        store.conn.execute("SET enable_seqscan = off")
        store.conn.execute("SET enable_sort = off")
        plan = " | ".join(r[0] for r in store.conn.execute("EXPLAIN " + sql, {"on": "2026-03-15"}))
        assert "Index Only Scan Backward using ix_interaction_contact_contact_date" in plan
        assert "Seq Scan on interaction_contact" not in plan and "Sort" not in plan
    store.close()
