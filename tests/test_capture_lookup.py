"""The lookup capture matches addresses with: `contacts.by_emails`."""

from __future__ import annotations

import os

from srm.domain import contacts
from srm.store.db import Store


def test_by_emails_finds_contacts_by_address_whatever_the_case(srm, isolated):
    srm.ok("add", "Ana Alves", "--email", "Ana@Example.org")
    srm.ok("add", "Bo Berg", "--email", "bo@example.org")
    srm.ok("add", "Cy Cole")
    store = Store.open(os.environ["SRM_DB"])
    found = contacts.by_emails(store, ["ana@example.ORG", " BO@example.org", "nobody@example.org"])
    assert sorted(found) == ["ana@example.org", "bo@example.org"]
    assert found["ana@example.org"]["handle"] == "ana"
    assert set(found["bo@example.org"]) == {"id", "uuid", "handle", "name"}
    assert contacts.by_emails(store, []) == {}


def test_by_emails_prefers_the_contact_not_archived(srm, isolated):
    srm.ok("add", "Ana Alves", "--email", "ana@example.org")
    srm.ok("archive", "ana")
    srm.ok("add", "Ana Alves", "--email", "ana@example.org", "--force")
    store = Store.open(os.environ["SRM_DB"])
    (ref,) = contacts.by_emails(store, ["ana@example.org"]).values()
    assert ref["id"] == 2
