"""`srm import` of vCards as real address books write them; each fixture reproduces a quirk."""

from __future__ import annotations

from importing import FIXTURES, dates, load, people


def test_apple_cr_cr_lf_lines_omit_year_birthday_and_folded_photo(srm):
    summary = load(srm, "apple_crcrlf.vcf")
    assert (summary["format"], summary["created"], summary["rejected"]) == ("vcard", 1, 0)
    astrid = people(srm)["Astrid Lindqvist"]
    assert astrid["email"] == "astrid@nordlicht.example"  # the grouped item1.EMAIL marked pref
    assert (astrid["org"], astrid["team"], astrid["role"]) == (
        "Nordlicht AB",
        "Research",
        "Head of Research",
    )
    assert astrid["phone"] == "+46 70 123 45 67"
    # X-APPLE-OMIT-YEAR=1604 means Apple knows the day but not the year.
    assert dates(srm)[("Astrid Lindqvist", "birthday")] == (None, 3, 15)


def test_outlook_quoted_printable_soft_breaks_and_basic_dates(srm):
    load(srm, "outlook_21_qp.vcf")
    c = people(srm)["Dr. Chinedu Okafor"]
    assert c["note"] == "Met at the water summit.\nWants the pilot report, then a call."
    assert (c["email"], c["org"], c["team"]) == (
        "chinedu@water.example",
        "Lagos Water Board",
        "Engineering",
    )
    found = dates(srm)
    assert found[("Dr. Chinedu Okafor", "birthday")] == (1975, 7, 4)
    assert found[("Dr. Chinedu Okafor", "anniversary")] == (2001, 9, 15)


def test_android_multibyte_split_at_soft_break_nameless_card_and_cp1252(srm):
    summary = load(srm, "android_21_qp.vcf")
    assert summary["created"] == 4
    found = people(srm)
    # A card with only an email is named by it.
    assert found["only.email@example.org"]["email"] == "only.email@example.org"
    jorg = found["Jörg Ñúñez"]  # 'ö' was split across a quoted-printable soft line break
    assert jorg["note"] == "Café lover"  # the duplicated NOTE is kept once
    assert jorg["tags"] == []  # Android's built-in 'My Contacts' group is not a tag
    # Windows-1252 bytes inside quoted-printable with no CHARSET.
    assert found["Siobhan Byrne"]["note"] == "Siobhan’s café on Main St"
    # A value ending in a soft break right before END:VCARD doesn't swallow the card's end.
    assert found["Trailing Equals"]["note"] == "ends with a soft break"


def test_xing_iso_8859_1_bytes(srm):
    load(srm, "xing_latin1.vcf")
    c = people(srm)["Jürgen Müller"]
    assert (c["org"], c["role"], c["tags"]) == ("Straßenbau GmbH", "Geschäftsführer", ["bau"])


def test_thunderbird_escaped_commas_in_categories_are_separate_tags(srm):
    load(srm, "thunderbird_categories.vcf")
    c = people(srm)["Yuki Tanaka"]
    assert c["tags"] == ["japan", "suppliers", "vip"]
    assert c["email"] == "yuki@tanaka.example"
    assert c["note"] == "First line\nSecond line; with a semicolon"


def test_gmail_unescaped_comma_in_full_name_and_labelled_anniversary(srm):
    load(srm, "gmail_fn_comma.vcf")
    c = people(srm)["Ms. Ana Lima, PhD"]
    assert c["note"].endswith("follow up on grants and the cooperative pilot.")
    found = dates(srm)
    assert found[("Ms. Ana Lima, PhD", "birthday")] == (1988, 11, 2)
    assert found[("Ms. Ana Lima, PhD", "anniversary")] == (2015, 6, 20)


def test_vcard_4_birthday_without_year_and_text_birthday_in_note(srm):
    load(srm, "v4_no_year.vcf")
    found = people(srm)
    assert found["Élodie Fournier"]["phone"] == "+33-1-23-45-67-89"
    assert found["Hypatia"]["note"] == "Birthday: circa 360"
    known = dates(srm)
    assert known[("Élodie Fournier", "birthday")] == (None, 2, 3)
    assert known[("Élodie Fournier", "anniversary")] == (2009, 8, 8)
    assert ("Hypatia", "birthday") not in known


def test_a_bad_card_aborts_the_import_with_its_number_and_writes_nothing(srm):
    srm.fails(
        "import",
        str(FIXTURES / "nameless_card.vcf"),
        code=7,
        match="card 3 (line 10): no name, email or organisation",
    )
    assert srm.json("contacts") == []


def test_skip_invalid_imports_the_rest_and_lists_each_rejection(srm):
    summary = load(srm, "nameless_card.vcf", "--skip-invalid")
    assert summary["created"] == 2
    assert [r["where"] for r in summary["rejected_records"]] == [
        "card 3 (line 10)",
        "card 4 (line 14)",
    ]
    assert "END:VCARD" in summary["rejected_records"][1]["reason"]
    assert sorted(people(srm)) == ["Good One", "Good Two"]
