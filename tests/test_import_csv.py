"""`srm import` of LinkedIn, Google, Outlook and generic CSV files."""

from __future__ import annotations

from importing import FIXTURES, dates, load, people


def test_linkedin_current_export_finds_the_header_below_the_preamble(srm):
    summary = load(srm, "linkedin_2024.csv")
    assert summary["format"] == "linkedin"
    assert summary["created"] == 3
    # The row holding only a date (a member who left) is skipped and counted.
    assert summary["skipped"] == 1
    assert summary["skipped_records"][0]["where"] == "line 7"
    found = people(srm)
    tomas = found["Tomás Ortega 🚀"]
    assert (tomas["email"], tomas["org"], tomas["role"]) == (
        "tomas@ortega.example",
        "Ortega, Vidal y Cía",
        "CTO",
    )
    assert tomas["connected_on"] == "2024-09-23"
    assert tomas["socials"] == [
        {
            "service": "linkedin",
            "value": "https://www.linkedin.com/in/tom%C3%A1s-ortega",
            "preferred": True,
        }
    ]
    assert found["Wei Zhang"]["connected_on"] == "2024-08-01"  # the tab after 'Wei' is trimmed
    # Tracking starts on the import day, not on the day you connected.
    assert {c["since"] for c in found.values()} == {"2026-03-15"}


def test_linkedin_older_export_us_dates_and_member_urns(srm):
    load(srm, "linkedin_2018.csv")
    found = people(srm)
    assert found["Kofi Mensah"]["connected_on"] == "2018-01-08"
    lena = found["Lena Vogel"]
    assert (lena["email"], lena["connected_on"]) == (None, "2017-12-24")


def test_linkedin_rows_a_spreadsheet_wrapped_in_quotes(srm):
    load(srm, "linkedin_resaved.csv")
    ama = people(srm)["Ama Owusu"]
    assert (ama["email"], ama["org"], ama["connected_on"]) == (
        "ama@owusu.example",
        "Owusu, Mensah & Co",
        "2021-03-12",
    )


def test_connected_on_is_shown_by_show(srm):
    load(srm, "linkedin_2018.csv")
    assert srm.json("show", "kofi")["connected_on"] == "2018-01-08"


def test_google_current_header(srm):
    summary = load(srm, "google_current.csv")
    assert summary["format"] == "google"
    found = people(srm)
    maya = found["Maya Cohen"]
    assert (maya["email"], maya["phone"], maya["org"], maya["team"], maya["role"]) == (
        "maya@desert.example",
        "+972 50 000 0000",
        "Desert Labs",
        "Water",
        "Researcher",
    )
    assert maya["tags"] == ["conference"]  # Google's own 'myContacts' is not a tag
    assert found["Max Amadeus Mustermann (geb. Musterfrau)"]["tags"] == ["nachbarn"]
    known = dates(srm)
    assert known[("Maya Cohen", "birthday")] == (1990, 4, 1)
    assert known[("Maya Cohen", "anniversary")] == (2018, 5, 5)
    # Google writes a birthday without a year as ' --12-25'.
    assert known[("Max Amadeus Mustermann (geb. Musterfrau)", "birthday")] == (None, 12, 25)


def test_google_legacy_header_primary_email_and_groups(srm):
    load(srm, "google_legacy.csv")
    c = people(srm)["Jürgen Weiß"]
    assert c["email"] == "juergen@weiss.example"  # '* Home' marks the primary address
    assert (c["org"], c["role"]) == ("Weiß KG", "Inhaber")
    assert c["tags"] == ["friends", "stammtisch"]
    known = dates(srm)
    assert known[("Jürgen Weiß", "birthday")] == (1961, 2, 28)
    assert known[("Jürgen Weiß", "Hochzeitstag")] == (1990, 6, 1)


def test_outlook_com_export(srm):
    summary = load(srm, "outlook_com.csv")
    assert summary["format"] == "outlook"
    c = people(srm)["Grace Adeyemi"]
    assert c["note"] == "Prefers mornings,\nno calls on Fridays"  # CR LF is kept as LF
    assert (c["email"], c["org"], c["team"], c["role"]) == (
        "grace@adeyemi.example",
        "Adeyemi Holdings",
        "Finance",
        "Director",
    )
    assert dates(srm)[("Grace Adeyemi", "birthday")] == (1980, 6, 9)


def test_outlook_desktop_export_empty_dates_and_exchange_addresses(srm):
    load(srm, "outlook_desktop.csv")
    c = people(srm)["Ravi Iyer"]
    assert c["email"] == "ravi@iyer.example"  # the Exchange (EX) address is not an email
    assert c["tags"] == ["friends", "work"]
    known = dates(srm)
    assert known[("Ravi Iyer", "birthday")] == (1972, 3, 14)
    assert ("Ravi Iyer", "anniversary") not in known  # 0/0/00 means no date


def test_generic_csv_maps_columns_by_header_name(srm):
    summary = load(srm, "generic.csv")
    assert summary["format"] == "csv"
    assert summary["ignored_columns"] == ["favourite colour"]
    sam = people(srm)["Sam Patel"]
    assert (sam["email"], sam["org"], sam["role"]) == ("sam@patel.example", "Patel Foods", "Buyer")
    assert (sam["tags"], sam["segments"], sam["cadence"]) == (
        ["food", "retail"],
        ["customers"],
        "monthly",
    )
    assert dates(srm)[("Sam Patel", "birthday")] == (None, 7, 4)


def test_generic_csv_with_semicolons_in_windows_1252(srm):
    load(srm, "generic_semicolon_cp1252.csv")
    assert people(srm)["Bärbel Schröder"]["email"] == "baerbel@example.de"


def test_unknown_columns_are_a_clear_error(srm):
    srm.fails("import", str(FIXTURES / "unmapped.csv"), code=7, match="can't map the columns")


def test_a_format_that_does_not_match_the_file_is_refused(srm):
    srm.fails(
        "import",
        str(FIXTURES / "google_current.csv"),
        "--format",
        "linkedin",
        code=7,
        match="isn't a LinkedIn Connections.csv",
    )
    srm.fails(
        "import", str(FIXTURES / "generic.csv"), "--format", "vcard", code=7, match="no vCard"
    )
    assert srm.json("contacts") == []


def test_a_bad_value_in_a_generic_csv_names_its_line_and_writes_nothing(srm):
    # Read as a generic CSV, LinkedIn's US dates are not the YYYY-MM-DD a generic file needs.
    srm.fails(
        "import",
        str(FIXTURES / "linkedin_2018.csv"),
        "--format",
        "csv",
        code=7,
        match="linkedin_2018.csv, line 2: connected on '1/8/18, 6:14 PM' is not a date",
    )
    assert srm.json("contacts") == []
