"""Full contact cards: any number of emails, phones, web pages, social profiles and addresses."""

from __future__ import annotations

from datetime import date

from records import dump

from srm.domain import contacts
from srm.store.db import Store


def test_by_emails_finds_a_contact_by_any_of_its_addresses_in_any_case(tmp_path):
    store = Store.open(tmp_path / "s.db")
    ana = contacts.add(
        store,
        "Ana Alves",
        since=date(2026, 1, 1),
        more={"email": ["work:ana@riverside.org", "ana.alves@home.example"]},
    )
    bob = contacts.add(store, "Bob Stone", since=date(2026, 1, 1), email="bob@stone.example")
    found = contacts.by_emails(
        store, ["ANA.ALVES@home.example", "ana@riverside.org", "bob@stone.example", "x@y.z", ""]
    )
    assert found == {
        "ana.alves@home.example": ana.ref(),
        "ana@riverside.org": ana.ref(),
        "bob@stone.example": bob.ref(),
    }
    assert contacts.by_emails(store, []) == {}


def test_by_emails_prefers_an_active_contact_where_two_share_an_address(tmp_path):
    store = Store.open(tmp_path / "s.db")
    old = contacts.add(store, "Kim Lee", since=date(2026, 1, 1), email="kim@lee.example")
    new = contacts.add(
        store, "Kim Lee", since=date(2026, 1, 1), email="kim@lee.example", force=True
    )
    assert contacts.by_emails(store, ["kim@lee.example"])["kim@lee.example"] == old.ref()
    contacts.set_archived(store, old, True, date(2026, 2, 1))
    assert contacts.by_emails(store, ["kim@lee.example"])["kim@lee.example"] == new.ref()


def test_add_and_show_every_kind_with_labels_and_one_preferred(srm):
    srm.ok(
        "add", "Ana Alves", "--email", "work:ana@riverside.org", "--email", "ana@home.example",
        "--phone", "mobile:+44 20 7946 0958", "--phone", "+44 20 7946 0000",
        "--url", "blog:ana.example", "--social", "github:anab",
        "--social", "https://mastodon.social/@ana", "--social", "linkedin:https://www.linkedin.com/in/ana",
        "--address", "home:1 Main St; Springfield; IL; 62701; USA", "--nickname", "Annie",
    )  # fmt: skip
    c = srm.json("show", "ana")
    assert (c["email"], c["phone"], c["nickname"]) == (
        "ana@riverside.org",
        "+44 20 7946 0958",
        "Annie",
    )
    assert c["emails"] == [
        {"label": "work", "value": "ana@riverside.org", "preferred": True},
        {"label": "", "value": "ana@home.example", "preferred": False},
    ]
    assert [p["label"] for p in c["phones"]] == ["mobile", ""]
    assert c["urls"] == [{"label": "blog", "value": "https://ana.example", "preferred": True}]
    assert [(s["service"], s["value"]) for s in c["socials"]] == [
        ("github", "https://github.com/anab"),
        ("mastodon", "https://mastodon.social/@ana"),
        ("linkedin", "https://www.linkedin.com/in/ana"),
    ]
    assert c["addresses"] == [
        {
            "label": "home",
            "street": "1 Main St",
            "locality": "Springfield",
            "region": "IL",
            "postal_code": "62701",
            "country": "USA",
            "preferred": True,
        }
    ]
    shown = srm.ok("show", "ana").stdout
    for text in ("ana@home.example", "+44 20 7946 0000", "https://github.com/anab", "Springfield"):
        assert text in shown


def test_edit_adds_removes_and_prefers_and_keeps_email_in_step(srm):
    srm.ok("add", "Ana Alves", "--email", "ana@old.example", "--phone", "020 7946 0958")
    srm.ok("edit", "ana", "--email", "work:ana@new.example", "--prefer", "ana@new.example")
    c = srm.json("show", "ana")
    assert c["email"] == "ana@new.example"
    assert [e["value"] for e in c["emails"]] == ["ana@old.example", "ana@new.example"]
    srm.ok("edit", "ana", "--remove-email", "ANA@OLD.example", "--remove-phone", "+44 20 7946 0958")
    c = srm.json("show", "ana")
    assert (c["emails"][0]["value"], c["phones"], c["phone"]) == ("ana@new.example", [], None)
    srm.ok("edit", "ana", "--email", "")
    assert srm.json("show", "ana")["email"] is None
    srm.fails(
        "edit", "ana", "--remove-url", "https://nowhere.example", code=3, match="no web address"
    )
    srm.fails("edit", "ana", "--email", "not-an-email", code=2, match="doesn't look like")
    srm.fails("edit", "ana", "--social", "https://example.org/ana", code=2, match="which service")


def test_a_contact_is_found_by_any_of_its_emails(srm):
    srm.ok("add", "Ana Alves", "--email", "ana@riverside.org", "--email", "aa@home.example")
    srm.ok("add", "Bob Stone", "--email", "bob@home.example")
    assert srm.json("show", "aa@home.example")["name"] == "Ana Alves"
    assert [c["name"] for c in srm.json("contacts", "--search", "aa@home")] == ["Ana Alves"]
    srm.ok("log", "aa@home.example", "coffee")
    srm.fails("add", "Someone", "--email", "AA@home.example", code=8, match="aa@home.example")


def test_undo_of_an_edit_puts_every_detail_back(srm):
    srm.ok("add", "Ana Alves", "--email", "ana@old.example", "--url", "ana.example")
    before = dump()
    srm.ok("edit", "ana", "--email", "ana@new.example", "--prefer", "ana@new.example",
           "--remove-url", "https://ana.example")  # fmt: skip
    srm.ok("undo", "--yes")
    assert dump() == before


def test_erasure_removes_every_detail(srm):
    srm.ok("add", "Ana Alves", "--email", "ana@x.example", "--address", "1 Main St; Town")
    srm.ok("add", "Bob Stone", "--note", "ask ana@x.example about the venue")
    done = srm.json("rm", "ana", "--yes")
    assert [m["record"] for m in done["mentions"]] == ["contact"]
    assert dump()["contact_detail"] == [] and dump()["contact_address"] == []
