"""A CONTACT argument means one person or is refused: never a silent guess between people."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st


def test_a_handle_that_is_also_another_persons_name_is_ambiguous(srm):
    srm.ok("add", "Maria García")
    srm.ok("add", "Maria Rossi")
    assert [c["handle"] for c in srm.json("contacts")] == ["maria", "maria-r"]
    r = srm.fails("log", "Maria", "venue call", code=4)
    assert "@maria (Maria García, by handle)" in r.stderr
    assert "@maria-r (Maria Rossi)" in r.stderr and "type @maria" in r.stderr
    assert srm.json("timeline") == []  # nothing was logged
    srm.ok("log", "@maria", "venue call")
    srm.ok("log", "@Maria-R", "intro call")
    assert srm.json("show", "@maria")["interactions"][0]["summary"] == "venue call"
    assert srm.json("show", "rossi")["interactions"][0]["summary"] == "intro call"
    assert srm.json("show", "garc")["handle"] == "maria"  # a unique part still works
    srm.fails("show", "@mari", code=3, match="no contact has the handle 'mari'")
    srm.fails("show", "@", code=2, match="needs a handle")


def test_a_handle_wins_over_names_that_merely_contain_it(srm):
    srm.ok("add", "Ann Lee")
    srm.ok("add", "Annabel Stone")
    srm.ok("add", "Joanna Annick")
    assert srm.json("show", "ann")["name"] == "Ann Lee"
    srm.fails("show", "anna", code=4, match="@annabel (Annabel Stone), @joanna (Joanna Annick)")


def test_a_hyphenated_handle_is_ambiguous_only_with_that_very_name(srm):
    srm.ok("add", "Maria Garcia")
    srm.ok("add", "Maria Gómez")
    srm.ok("add", "Maria G. Rossi")
    srm.ok("add", "Mary-Jane Lee")
    srm.ok("add", "Mary-Jane Smith")
    assert srm.json("show", "maria-g")["name"] == "Maria Gómez"
    srm.fails("show", "mary-jane", code=4, match="@mary-jane-s (Mary-Jane Smith)")


def test_an_archived_namesake_makes_a_handle_ambiguous_too(srm):
    srm.ok("add", "Tom Okafor")
    srm.ok("add", "Tom Weber")
    srm.ok("archive", "weber")
    r = srm.fails("unarchive", "tom", code=4)
    assert "@tom-w (Tom Weber, archived)" in r.stderr
    srm.ok("unarchive", "@tom-w")
    assert len(srm.json("contacts")) == 2


def test_a_number_is_an_id_and_nothing_else(srm):
    srm.ok("add", "Ann Lee", "--email", "ann42@example.org")
    srm.ok("add", "Bob Stone")
    assert srm.json("show", "2")["name"] == "Bob Stone"
    srm.fails("show", "42", code=3, match="no contact with id 42")
    srm.fails("show", "9" * 30, code=3, match="no contact with id")
    assert srm.json("show", "ann42")["name"] == "Ann Lee"


def test_the_whole_name_or_email_or_whole_words_narrow_several_matches(srm):
    srm.ok("add", "Maria García", "--email", "maria@riverside.org")
    srm.ok("add", "Maria García-López", "--email", "mgl@riverside.org")
    srm.ok("add", "Mary-Jane Lee")
    srm.ok("add", "Leena Park")
    # The whole name of one is part of the other's: the whole name is the one meant.
    assert srm.json("show", "maria garcia")["email"] == "maria@riverside.org"
    assert srm.json("show", "MGL@riverside.org")["name"] == "Maria García-López"
    # Whole words of one name beat part of a word of another.
    assert srm.json("show", "lee")["name"] == "Mary-Jane Lee"
    assert srm.json("show", "mary jane")["name"] == "Mary-Jane Lee"
    r = srm.fails("show", "riverside", code=4, match="matches 2 contacts")
    assert "@maria (Maria García)" in r.stderr and "use @handle or id" in r.stderr


def test_several_contacts_each_resolved_the_same_way(srm):
    srm.ok("add", "Maria García")
    srm.ok("add", "Maria Rossi")
    srm.ok("add", "Tom Okafor")
    srm.fails("log", "tom,maria", "lunch", code=4)
    logged = srm.json("log", "tom,@maria", "lunch")
    assert [c["handle"] for c in logged["contacts"]] == ["tom", "maria"]


def test_log_warns_when_the_date_is_before_tracking_began(srm):
    srm.ok("add", "Ann Lee", "--since", "2026-01-10")
    srm.ok("add", "Bob Stone", "--since", "2025-01-01")
    r = srm.ok("log", "ann,bob", "call", "--on", "2025-03-01")
    assert "warning: 2025-03-01 is before Ann Lee's --since (2026-01-10); logged anyway" in r.stderr
    assert "Bob Stone's" not in r.stderr
    assert srm.json("show", "ann")["interactions_total"] == 1
    r = srm.ok("log", "ann", "call", "--on", "2026-01-10")
    assert "warning" not in r.stderr
    r = srm("log", "ann", "call", "--on", "2025-12-31", "--json")
    assert r.exit_code == 0 and "warning" in r.stderr and r.stdout.startswith("{")


def test_a_handle_is_ambiguous_with_a_name_that_holds_it_only_once_accents_are_folded(srm):
    """The names that could hold a handle are narrowed in SQL before they are graded: an
    accented one must still be found (SQLite's lower() leaves "Ë" as is)."""
    srm.ok("add", "Zoe Adams")
    srm.ok("add", "ZOË Brown")
    srm.ok("add", "Zoey Clark")
    assert {c["handle"] for c in srm.json("contacts")} == {"zoe", "zoe-b", "zoey"}
    r = srm.fails("show", "zoe", code=4, match="matches 2 contacts")
    assert "@zoe (Zoe Adams, by handle)" in r.stderr and "@zoe-b (ZOË Brown)" in r.stderr
    assert srm.json("show", "@zoe")["name"] == "Zoe Adams"
    assert srm.json("show", "zoey")["name"] == "Zoey Clark"  # its own handle, no namesake


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.text(
            st.one_of(
                st.characters(blacklist_categories=["Cs"]),
                st.sampled_from("ßæøłđþœÆØŁĐÞŒẞΣςİ\u0301\u0327\u0308\x00 -"),
            ),
            max_size=12,
        ),
        max_size=8,
    )
)
def test_names_folded_together_fold_as_one_by_one(names):
    """Resolving a handle folds every accented name in one pass: the same folds as each alone
    (case, accents, ligatures, marks in any order, a NUL a hand-edited store might hold)."""
    from srm.domain.contacts import _fold, _fold_many

    assert _fold_many(names) == [_fold(n) for n in names]
