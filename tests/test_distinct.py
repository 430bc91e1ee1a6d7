"""`srm distinct`: two contacts said to be different people are not paired by `srm duplicates`
again, and the marking survives what happens to them (undo, merge, erasure, export/import)."""

from __future__ import annotations

import json

from conftest import new_store_location
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from records import connect

from srm.domain import merge as dm
from srm.store.db import Store


def pairs(srm) -> list[tuple[str, str]]:
    return [(p["keep"]["handle"], p["other"]["handle"]) for p in srm.json("duplicates")]


def three_johns(srm) -> None:
    for _ in range(3):
        srm.ok("add", "John Smith", "--force")  # john, john-s, john-smith


def test_a_marked_pair_is_no_longer_listed_and_the_marking_is_listed(srm):
    three_johns(srm)
    srm.ok("add", "Ann Lee", "--email", "ann@acme.example")
    srm.ok("add", "Annie Lee", "--email", "ann@acme.example", "--force")
    assert pairs(srm) == [("ann", "annie"), ("john", "john-s"), ("john", "john-smith")]
    r = srm.ok("distinct", "@ann", "@annie")
    assert "Ann Lee (@ann) and Annie Lee (@annie) are different people" in r.stderr
    assert pairs(srm) == [("john", "john-s"), ("john", "john-smith")]
    listed = srm.json("distinct")
    assert [[c["handle"] for c in p["contacts"]] for p in listed] == [["ann", "annie"]]
    assert listed[0]["decided_on"] == "2026-03-15"  # the test's today
    table = srm.ok("distinct").stdout
    assert "@ann (Ann Lee)" in table and "@annie (Annie Lee)" in table


def test_the_order_the_two_are_named_in_does_not_matter(srm):
    three_johns(srm)
    srm.ok("distinct", "@john-s", "@john")
    again = srm.ok("distinct", "@john", "@john-s")
    assert "were already marked as different people" in again.stderr
    assert srm.json("distinct", "@john", "@john-s")["changed"] is False
    assert len(srm.json("distinct")) == 1


def test_a_member_of_a_group_pairs_with_the_oldest_it_is_not_known_to_differ_from(srm):
    three_johns(srm)
    srm.ok("distinct", "@john", "@john-s")
    # john-s differs from john, the only older one: it pairs with nobody; john-smith with john.
    assert pairs(srm) == [("john", "john-smith")]
    srm.ok("distinct", "@john", "@john-smith")
    assert pairs(srm) == [("john-s", "john-smith")]
    srm.ok("distinct", "@john-s", "@john-smith")
    assert pairs(srm) == []
    assert srm.ok("duplicates").stderr.strip() == "No likely duplicates."


def test_clear_takes_the_marking_back(srm):
    three_johns(srm)
    srm.ok("distinct", "@john", "@john-s")
    r = srm.ok("distinct", "@john", "@john-s", "--clear")
    assert "may be one person again" in r.stderr
    assert ("john", "john-s") in pairs(srm)
    assert srm.json("distinct") == []
    r = srm.ok("distinct", "@john", "@john-s", "--clear")
    assert "weren't marked as different people" in r.stderr


def test_undo_takes_a_marking_back(srm):
    three_johns(srm)
    srm.ok("distinct", "@john", "@john-s")
    srm.ok("undo", "--yes")
    assert srm.json("distinct") == []
    assert ("john", "john-s") in pairs(srm)


def test_bad_requests_fail_cleanly_and_change_nothing(srm):
    three_johns(srm)
    srm.fails("distinct", "@john", "@john", code=2, match="is one contact: name two different")
    srm.fails("distinct", "@john", code=2, match="name two contacts")
    srm.fails("distinct", "--clear", code=2, match="name the two contacts")
    srm.fails("distinct", "@john", "@nobody", code=3, match="no contact has the handle 'nobody'")
    srm.fails("distinct", "@john", "john-s\x00", code=2)
    assert srm.json("distinct") == []


def test_merging_carries_the_marking_to_the_kept_contact(srm):
    three_johns(srm)
    srm.ok("add", "Jo Smith")
    srm.ok("distinct", "@john", "@john-s")
    # john-smith and john-s turn out to be one person: john-smith is not john either.
    srm.ok("merge", "@john-smith", "@john-s", "--yes")
    assert [[c["handle"] for c in p["contacts"]] for p in srm.json("distinct")] == [
        ["john", "john-smith"]
    ]
    # A merge of a marked pair says so before it asks, and leaves no pair behind.
    plan = srm.ok("merge", "@john", "@john-smith", "--dry-run")
    assert "You said they are different people (srm distinct, 2026-03-15)" in plan.stderr
    assert srm.json("merge", "@john", "@john-smith", "--dry-run")["marked_distinct_on"] == (
        "2026-03-15"
    )
    srm.ok("merge", "@john", "@john-smith", "--yes")
    assert srm.json("distinct") == []


def test_merging_both_sides_of_two_markings_keeps_one(srm):
    for name in ("Ann Lee", "Ann Lee", "Bo Chen"):
        srm.ok("add", name, "--force")  # ann, ann-l, bo
    srm.ok("distinct", "@ann", "@bo")
    srm.ok("distinct", "@ann-l", "@bo")
    srm.ok("merge", "@ann", "@ann-l", "--yes")
    assert [[c["handle"] for c in p["contacts"]] for p in srm.json("distinct")] == [["ann", "bo"]]


def test_erasing_one_of_them_erases_the_marking(srm):
    three_johns(srm)
    srm.ok("distinct", "@john", "@john-s")
    marked = connect().execute("SELECT count(*) FROM undo_change WHERE tbl = 'distinct_pair'")
    assert marked.fetchone()[0] == 1  # what undo would take back, until the erasure
    srm.ok("rm", "@john-s", "--yes")
    assert srm.json("distinct") == []
    # Nothing of the marking is left for undo to put back.
    left = connect().execute("SELECT count(*) FROM undo_change WHERE tbl = 'distinct_pair'")
    assert left.fetchone()[0] == 0
    assert srm.json("db", "check")["problems"] == []


def test_export_and_import_carry_the_marking(srm, tmp_path, monkeypatch):
    three_johns(srm)
    srm.ok("distinct", "@john", "@john-s")
    out = tmp_path / "all.json"
    srm.ok("export", "--format", "json", "-o", str(out))
    # A contact's own export holds no pair with someone outside it.
    assert json.loads(srm.ok("export", "--contact", "@john").stdout)["distinct_pairs"] == []
    monkeypatch.setenv("SRM_DB", new_store_location(tmp_path, "other"))
    r = srm.ok("import", str(out))
    assert "distinct pairs: 1 added, 0 already here" in r.stderr
    assert pairs(srm) == [("john", "john-smith")]
    r = srm.ok("import", str(out))
    assert "distinct pairs: 0 added, 1 already here" in r.stderr


def test_an_imported_marking_that_names_no_two_contacts_here_is_rejected(srm, tmp_path):
    srm.ok("add", "Ann Lee")
    doc = json.loads(srm.ok("export").stdout)
    ann = doc["contacts"][0]["uuid"]
    doc["distinct_pairs"] = [
        {"uuid": "p-1", "contacts": [ann, "no-such-uuid"], "decided_on": "2026-01-01"},
        {"uuid": "p-2", "contacts": [ann, ann], "decided_on": "2026-01-01"},
        {"uuid": "p-3", "contacts": [ann], "decided_on": "2026-01-01"},
    ]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    srm.fails("import", str(path), code=7, match="distinct_pairs[0] (uuid p-1): it refers to")
    r = srm.ok("import", str(path), "--skip-invalid")
    assert "distinct_pairs[0]" in r.stderr and "isn't imported" in r.stderr
    assert "distinct_pairs[1]" in r.stderr and "one contact here" in r.stderr
    assert "distinct_pairs[2]" in r.stderr and "two contacts" in r.stderr
    assert srm.json("distinct") == []


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    size=st.integers(2, 6),
    marked=st.sets(st.tuples(st.integers(1, 6), st.integers(1, 6)), max_size=10),
)
def test_duplicates_never_pairs_a_marked_pair_and_misses_no_one_it_could_pair(
    tmp_path, size, marked
):
    """One group of same-named contacts, some pairs marked: each contact after the first pairs
    with the oldest one it isn't marked apart from, and only if there is one."""
    path = tmp_path / f"g{size}-{abs(hash(frozenset(marked)))}.db"
    path.unlink(missing_ok=True)
    store = Store.open(path)
    try:
        with store.write() as conn:
            for i in range(1, size + 1):
                conn.execute(
                    "INSERT INTO contact (id, uuid, handle, name, since, note, created_at,"
                    " updated_at) VALUES (?, ?, ?, 'Same Name', '2026-01-01', '', '', '')",
                    (i, f"u{i}", f"h{i}"),
                )
            apart = {(min(a, b), max(a, b)) for a, b in marked if a != b and max(a, b) <= size}
            conn.executemany(
                "INSERT INTO distinct_pair (uuid, contact_id, other_id, decided_on, created_at)"
                " VALUES (?, ?, ?, '2026-01-01', '')",
                [(f"p{a}-{b}", a, b) for a, b in apart],
            )
        found = {(p.keep["id"], p.other["id"]) for p in dm.duplicates(store)}
    finally:
        store.close()
    assert not found & apart
    expected = set()
    for m in range(2, size + 1):
        older = [p for p in range(1, m) if (p, m) not in apart]
        if older:
            expected.add((older[0], m))
    assert found == expected
