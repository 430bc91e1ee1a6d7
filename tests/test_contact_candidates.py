"""CONTACT resolution asks SQLite to rule out contacts first; it rules out no possible match."""

from __future__ import annotations

import sqlite3

from hypothesis import given, settings
from hypothesis import strategies as st

from srm.domain import contacts

WORDS = ["Maria", "maría", "Müller", "Mueller", "Strauß", "strauss", "Łukasz", "Zoë", "Zoe",
         "O'Brien", "Van-der-Berg", "José", "Ann", "ann", "Anna", "Søren", "李", "QUINN", "Dr."]  # fmt: skip
names = st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join)
emails = st.one_of(
    st.none(), st.builds(lambda w: f"{w.lower()}@example.org", st.sampled_from(WORDS))
)
refs = st.one_of(
    st.sampled_from(WORDS),
    names,
    st.text(alphabet="aeiouzsßøłüé-' ", min_size=1, max_size=5).filter(str.strip),
    st.sampled_from(["@", "example", "mueller@example", "an", "ß", "-", "'"]),
)


@settings(max_examples=300, deadline=None)
@given(
    people=st.lists(
        st.tuples(names, emails, st.lists(emails.filter(bool), max_size=2)), min_size=1, max_size=12
    ),
    ref=refs,
)
def test_the_sql_filter_keeps_every_contact_the_grader_would_match(people, ref):
    """Any of a contact's addresses counts: the preferred one in contact.email, every one in
    contact_detail."""
    conn = sqlite3.connect(":memory:")
    conn.row_factory = sqlite3.Row
    conn.execute("CREATE TABLE contact (id INTEGER PRIMARY KEY, name TEXT, email TEXT)")
    conn.execute("CREATE TABLE contact_detail (contact_id INTEGER, kind TEXT, value TEXT)")
    for name, email, more in people:
        cid = conn.execute(
            "INSERT INTO contact (name, email) VALUES (?, ?)", (name, email)
        ).lastrowid
        conn.executemany(
            "INSERT INTO contact_detail VALUES (?, 'email', ?)",
            [(cid, m) for m in ([email] if email else []) + more],
        )
    grade = contacts._grader(ref)
    everyone = conn.execute("SELECT * FROM contact ORDER BY name, id").fetchall()
    fold = contacts._fold
    addresses = {
        r["id"]: "\x1f".join(
            v
            for (v,) in conn.execute(
                "SELECT value FROM contact_detail WHERE contact_id = ?", (r["id"],)
            )
        )
        or r["email"]
        for r in everyone
    }
    expected = [(grade(fold(r["name"]), fold(addresses[r["id"]])), r["id"]) for r in everyone]
    expected = [(g, i) for g, i in expected if g > 0]
    found = [(g, r["id"]) for g, r in contacts._graded(conn, ref)]
    assert found == expected
