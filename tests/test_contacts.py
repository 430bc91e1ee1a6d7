"""Contacts: add, find by id/handle/part of name, edit, archive, erase; segments."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from srm.domain.common import json_dumps


def test_add_shows_every_field_in_json(srm):
    srm.ok(
        "add", "Maria García", "--email", "maria@riverside.org", "--phone", "+34 600 000 000",
        "--org", "Riverside", "--team", "Membership", "--role", "Lead", "--segment", "partners",
        "--segment", "members", "--tag", "Chapter", "--cadence", "monthly", "--since", "2026-01-10",
        "--note", "met at the summit",
    )  # fmt: skip
    c = srm.json("show", "maria")
    assert c["name"] == "Maria García" and c["handle"] == "maria"
    assert (c["email"], c["org"], c["team"], c["role"]) == (
        "maria@riverside.org",
        "Riverside",
        "Membership",
        "Lead",
    )
    assert c["segments"] == ["members", "partners"] and c["tags"] == ["chapter"]
    assert (c["cadence"], c["effective_cadence"], c["since"]) == (
        "monthly",
        "monthly",
        "2026-01-10",
    )
    assert c["next_due"] == "2026-02-10"  # one cadence after --since when never logged
    assert len(c["uuid"]) == 36 and c["note"] == "met at the summit"


def test_since_defaults_to_today(srm):
    srm.ok("add", "Ann Lee")
    assert srm.json("show", "ann")["since"] == "2026-03-15"


@pytest.mark.parametrize(
    ("names", "handles"),
    [
        (["Maria García", "Maria Gómez", "Maria Garza"], ["maria", "maria-g", "maria-garza"]),
        (["Zoë Schäfer"], ["zoe"]),
        (["Łukasz Straße"], ["lukasz"]),
        (["王小明"], ["王小明"]),
        (["Иван Петров", "Иван Сидоров"], ["иван", "иван-с"]),
        (["Dr. Ann Lee", "Mr. John Richter", "Ms. Ann Lee"], ["ann", "john", "ann-l"]),
    ],
)
def test_handles_are_short_unique_and_work_for_any_script(srm, names, handles):
    for n in names:
        srm.ok("add", n)
    got = {c["name"]: c["handle"] for c in srm.json("contacts")}
    assert [got[n] for n in names] == handles


def test_contact_argument_accepts_id_handle_or_unique_part(srm):
    srm.ok("add", "Maria García", "--email", "mg@example.org")
    srm.ok("add", "Tom Okafor")
    assert srm.json("show", "1")["name"] == "Maria García"
    assert srm.json("show", "tom")["name"] == "Tom Okafor"
    assert srm.json("show", "GARC")["name"] == "Maria García"  # case-insensitive
    assert srm.json("show", "garcia")["name"] == "Maria García"  # accents folded
    assert srm.json("show", "mg@example")["name"] == "Maria García"


def test_ambiguous_contact_lists_the_matches(srm):
    srm.ok("add", "Maria García")
    srm.ok("add", "Maria Gómez")
    r = srm.fails("show", "mari", code=4)
    assert "maria (Maria García)" in r.stderr and "maria-g (Maria Gómez)" in r.stderr


def test_unknown_contact_is_exit_3(srm):
    srm.fails("show", "nobody", code=3, match="no contact matches 'nobody'")


def test_list_filters_by_segment_tag_and_search(srm):
    srm.ok("add", "Ann Lee", "--segment", "partners", "--tag", "vip", "--org", "Acme")
    srm.ok("add", "Bob Stone", "--segment", "members")
    assert [c["handle"] for c in srm.json("contacts", "--segment", "partners")] == ["ann"]
    assert [c["handle"] for c in srm.json("contacts", "--tag", "VIP")] == ["ann"]
    assert [c["handle"] for c in srm.json("contacts", "--search", "acme")] == ["ann"]
    srm.fails("contacts", "--segment", "nosuch", code=3, match="known segments")


def test_contacts_json_is_each_contact_as_show_prints_it(srm):
    """`srm contacts --json` writes each contact's text directly (not through json.dumps):
    every kind of detail, addresses, quotes, backslashes, non-ASCII and characters a terminal
    acts on must come out as `srm show --json` has them, and as json.dumps writes them."""
    srm.ok(
        "add", 'Zoë "Z" Back\\slash', "--email", "work:z@x.example", "--email", "z@home.example",
        "--phone", "mobile:+49 30 1234567", "--url", "blog:https://z.example/ü", "--social",
        "github:zoe", "--address", "home:Main St 1;Berlin;;10115;DE", "--address",
        "Second 2;Paris", "--nickname", "Zo", "--org", "Acme\u2028Ltd", "--segment", "partners",
        "--segment", "members", "--tag", "b", "--tag", "a", "--cadence", "45d",
        "--note", "two\nlines\twith a tab",
    )  # fmt: skip
    srm.ok("add", "Ann Lee")
    srm.ok("log", "ann", "coffee", "--ask")
    srm.ok("archive", "ann")
    srm.ok("add", "Bo", "--cadence", "none")
    for args in ([], ["--archived"]):
        out = srm.ok("contacts", "--json", *args).stdout
        listed = json.loads(out)
        assert listed, args
        for c in listed:
            shown = srm.json("show", str(c["id"]))
            for key, value in c.items():
                if key not in ("last_interaction", "next_due", "effective_cadence", "ledger"):
                    assert shown[key] == value, key
        assert out == json_dumps(listed) + "\n"
    zoe = srm.json("contacts", "--search", "zoe")[0]
    assert [e["label"] for e in zoe["emails"]] == ["work", ""]
    assert zoe["socials"] == [
        {"service": "github", "value": "https://github.com/zoe", "preferred": True}
    ]
    assert [a["locality"] for a in zoe["addresses"]] == ["Berlin", "Paris"]
    assert zoe["tags"] == ["a", "b"] and zoe["segments"] == ["members", "partners"]


def test_the_database_quotes_text_as_json_dumps_does(srm):
    """`contacts --json` has the database write its details' JSON text (SQLite's
    `json_quote`, PostgreSQL's `to_json`): every character must come out as json.dumps
    (without ASCII escapes) writes it, or the listing's bytes would differ from `show`'s."""
    import os
    from json.encoder import encode_basestring

    from srm.domain import contacts as dc
    from srm.store.db import Store
    from srm.store.dialect import engine_sql

    srm.ok("add", "Ann Lee")  # the store
    store = Store.open(os.environ["SRM_DB"])
    try:
        quote = engine_sql(store.conn, dc._JSON_QUOTE).format("CAST(? AS TEXT)")
        # Every character but the surrogates (no UTF-8) and NUL (no PostgreSQL text).
        chars = [chr(i) for i in range(1, 0x110000) if not 0xD800 <= i <= 0xDFFF]
        for i in range(0, len(chars), 40_000):
            text = "".join(chars[i : i + 40_000])
            got = store.conn.execute(f"SELECT {quote}", (text,)).fetchone()[0]
            assert got == encode_basestring(text), hex(i)
        assert store.conn.execute(f"SELECT {quote}", (None,)).fetchone()[0] == "null"
    finally:
        store.close()


def test_edit_changes_and_clears_fields(srm):
    srm.ok("add", "Ann Lee", "--org", "Acme", "--segment", "partners", "--tag", "x")
    srm.ok(
        "edit", "ann", "--org", "", "--role", "CEO", "--segment", "members",
        "--remove-segment", "partners", "--tag", "y", "--remove-tag", "x", "--cadence", "weekly",
    )  # fmt: skip
    c = srm.json("show", "ann")
    assert (c["org"], c["role"], c["segments"], c["tags"]) == (None, "CEO", ["members"], ["y"])
    assert c["cadence"] == "weekly"
    srm.ok("edit", "ann", "--cadence", "inherit")
    assert srm.json("show", "ann")["effective_cadence"] == "quarterly"  # members


def test_bad_input_is_refused_without_writing(srm):
    srm.fails("add", "Ann Lee", "--cadence", "often", code=2, match="unknown cadence")
    srm.fails("add", "Ann Lee", "--since", "2026-02-30", code=2, match="can't read date")
    srm.fails("add", "Ann Lee", "--segment", "nosuch", code=3)
    srm.fails("add", "Ann Lee", "--email", "not-an-email", code=2)
    assert srm.json("contacts") == []


def test_archive_hides_and_unarchive_restores(srm):
    srm.ok("add", "Ann Lee", "--since", "2025-01-01")
    srm.ok("archive", "ann")
    assert srm.json("contacts") == []
    assert [c["handle"] for c in srm.json("contacts", "--archived")] == ["ann"]
    assert srm.json("due")["items"] == []
    srm.ok("unarchive", "ann")
    assert [i["contact"]["handle"] for i in srm.json("due")["items"]] == ["ann"]


def test_rm_asks_and_erases_everything_about_the_person(srm):
    srm.ok("add", "Ann Lee")
    srm.ok("add", "Bob Stone")
    srm.ok("log", "ann,bob", "lunch", "--on", "2026-03-01")
    srm.ok("log", "ann", "call", "--on", "2026-03-02", "--follow-up", "send notes")
    r = srm("rm", "ann", input="n\n")
    assert r.exit_code != 0
    srm.ok("rm", "ann", "--yes")
    assert [c["handle"] for c in srm.json("contacts")] == ["bob"]
    assert srm.json("show", "bob")["interactions_total"] == 1  # the shared lunch stays for Bob
    assert srm.json("followups") == []


def test_segment_commands(srm):
    srm.ok("segment", "add", "Volunteers", "--cadence", "monthly", "--weight", "2")
    seg = {s["name"]: s for s in srm.json("segments")}
    assert seg["volunteers"]["cadence"] == "monthly" and seg["volunteers"]["weight"] == 2.0
    assert seg["partners"]["cadence"] == "bimonthly"
    srm.fails("segment", "add", "volunteers", code=2, match="already exists")
    srm.fails("segment", "add", "x", "--cadence", "sometimes", code=2)
    srm.ok("segment", "edit", "volunteers", "--cadence", "6w", "--description", "helpers")
    assert {s["name"]: s for s in srm.json("segments")}["volunteers"]["cadence"] == "6w"
    srm.ok("add", "Ann Lee", "--segment", "volunteers")
    srm.fails("segment", "rm", "volunteers", match="still has 1 contact")
    srm.ok("segment", "rm", "volunteers", "--force")
    assert srm.json("show", "ann")["segments"] == []


def test_effective_cadence_is_the_shortest_segment(srm):
    srm.ok("add", "Ann Lee", "--segment", "suppliers", "--segment", "employees")
    assert srm.json("show", "ann")["effective_cadence"] == "monthly"


def test_archive_and_drops_take_a_date(srm):
    srm.ok("add", "Ann Lee")
    srm.ok("log", "ann", "call", "--on", "2026-03-01", "--follow-up", "send deck")
    srm.ok("followup", "drop", "1", "--on", "2026-03-05")
    assert srm.json("followups", "--all")[0]["closed_on"] == "2026-03-05"
    srm.ok("archive", "ann", "--on", "2026-03-10")
    assert srm.json("contacts", "--archived")[0]["archived_at"].startswith("2026-03-10")
    srm.fails("archive", "ann", "--on", "tomorrow", code=2, match="future")


@given(st.text(min_size=1, max_size=30).filter(lambda s: s.strip()))
def test_every_name_gets_a_usable_handle(name):
    from srm.domain.contacts import handle_candidates, pick_handle

    handle = pick_handle(handle_candidates(name), taken=set())
    assert handle and handle == handle.strip("-") and " " not in handle
    assert not handle.isdigit(), "a handle must never be mistaken for an id"


def test_long_listings_are_plain_aligned_columns(srm, monkeypatch):
    from srm.cli import output

    monkeypatch.setattr(output, "RICH_ROWS", 1)
    srm.ok("add", "王小明", "--org", "[Acme]")
    srm.ok("add", "Ann Lee", "--org", "Beta")
    lines = srm.ok("contacts").stdout.splitlines()
    assert lines[0].split() == [
        "handle",
        "name",
        "org",
        "segments",
        "tags",
        "cadence",
        "last",
        "next",
        "due",
    ]
    rows = {line.split()[0]: line for line in lines[2:]}
    # Brackets are printed as they are, and a double-width name keeps the columns aligned.
    assert "[Acme]" in rows["王小明"]
    from rich.cells import cell_len

    ann, wang = rows["ann"], rows["王小明"]
    assert cell_len(ann[: ann.index("Beta")]) == cell_len(wang[: wang.index("[Acme]")])
