"""Every real export in ../shared/interop imports with the right names, emails, orgs, birthdays.

The corpus (see its MANIFEST.txt) lives beside the repository, not in it; CI checks it out there.
$SRM_INTEROP points elsewhere (a git worktree); with $SRM_REQUIRE_INTEROP (CI) a missing corpus
fails instead of skipping.
"""

from __future__ import annotations

import pytest
from corpus import CORPUS, corpus_files, needs_corpus

pytestmark = needs_corpus

# file: [(name, email, org, birthday as (year, month, day))], one entry per contact created
EXPECTED = {
    "vcard/audriga__ms_exchange.vcf": [("SomeFullName", "xxxxxxxx@kolumbus.us", None, None)],
    "vcard/audriga__nextcloud_vcard.vcf": [("Baumus Maximilian", "baum@max.ilius", None, None)],
    "vcard/calcard__051_nextcloud_sabre.vcf": [
        ("First Last NextCloud", "home@gmx.de", "Firma", (2019, 2, 10))
    ],
    "vcard/calcard__053_bday_variants.vcf": [],  # no name, email or org: rejected
    "vcard/calcard__077_macos15.vcf": [("{NAME}", "name@example.com", "{NAME}", None)],
    "vcard/ezvcard__John_Doe_ANDROID.vcf": [
        ("john.doe@company.com", "john.doe@company.com", None, None),
        ("jane.doe@company.com", "jane.doe@company.com", None, None),
        ("Ñ Ñ Ñ Ñ Ñ", None, None, None),
        ("Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ", None, None, None),
        ("Ñ Ñ Ñ Ñ", "bob@company.com", "Ñ" * 12, None),
        ("ÑÑÑÑ", "henry@company.com", "Ñ" * 44, None),
    ],
    "vcard/ezvcard__John_Doe_EVOLUTION.vcf": [
        ("Mr. John Richter, James Doe Sr.", "john.doe@ibm.com", "IBM", (1980, 3, 22))
    ],
    "vcard/ezvcard__John_Doe_GMAIL.vcf": [
        ("Mr. John Richter, James Doe Sr.", "john.doe@ibm.com", "IBM", (1980, 3, 22))
    ],
    "vcard/ezvcard__John_Doe_IPHONE.vcf": [
        ("Mr. John Richter James Doe Sr.", "john.doe@ibm.com", "IBM", (2012, 6, 6))
    ],
    "vcard/ezvcard__John_Doe_MS_OUTLOOK.vcf": [
        ("Mr. John Richter James Doe Sr.", "john.doe@ibm.cm", "IBM", (1980, 3, 22))
    ],
    "vcard/ezvcard__gmail-single2.vcf": [
        ("VCard Test", "email@example.com", "TheCompany", (1912, 6, 23))
    ],
    "vcard/ezvcard__outlook-2007.vcf": [
        ("Mr. Michael Angstadt Jr.", "mike.angstadt@gmail.com", "TheCompany", (1922, 3, 10))
    ],
    "vcard/ezvcard__rfc6350-example.vcf": [
        ("Simon Perreault", "simon.perreault@viagenie.ca", "Viagenie", (None, 2, 3))
    ],
    "vcard/ezvcard__thunderbird-MoreFunctionsForAddressBook-extension.vcf": [
        ("John Doe", "doe.john@hotmail.com", "TheOrganization", (1970, 9, 21))
    ],
    "vcard/nodevcf__empty-lines.vcf": [
        ("Dr. Erika Mustermann", "erika@mustermann.de", "Wikimedia", None)
    ],
    "vcard/nodevcf__xing.vcf": [("Hans-Peter Mustermann", None, "Example GmbH", None)],
    "vcard/vcard2to3__examples_android21.vcf": [
        ("Mäx Mustermann", "max@mustermann.de", None, None),
        ("Test X-Mobil", "test-x@email.com", None, None),
        ("John Doe얁", None, None, None),
        ("гор ЗаорсЁкі xyz і", None, None, None),
        ("XXXXXXXXXX", None, None, None),
        ("Max Mustermann", None, "xxx", None),
        ("N Only", "test-x@email.com", None, None),
        ("Only FN", "test-x@email.com", None, None),
        ("The Dollar$", None, None, None),
        ("Hola Test", None, None, None),
    ],
    "vcard/vcard2to3__quopri-encoding-test_cp1252.vcf": [("Firstnamer Test", None, None, None)],
    "csv/google_contacts_csv__escalate_example.csv": [
        ("John Doe", None, None, (1987, 9, 7)),
        ("Max Amadeus Mustermann (geb. Musterfrau)", None, None, (None, 12, 25)),
    ],
    "csv/google_contacts_csv_legacy__escalate_example_2021.csv": [
        ("John Doe", "Doe@gmail.com", None, (1987, 9, 7)),
        ("Max Mustermann", "Mustermann@gmail.com", None, (None, 12, 25)),
    ],
    "csv/linkedin_Connections_2018_synthetic.csv": [
        ("Ada Lovelace", "ada@example.com", "Analytical Engines Ltd", None),
        ("Nguyễn Xuân Chính", None, None, None),
        ("Alan Turing", "alan@example.org", "Bletchley Park, Hut 8", None),
    ],
    "csv/linkedin_Connections_2024_synthetic.csv": [
        ("Ada Lovelace", None, "Analytical Engines Ltd", None),
        ("Grace Hopper 🔸", "grace@example.com", "US Navy", None),
        ("Jörg Müller-Lüdenscheidt", None, "Müller, Schmidt & Co. KG", None),
        ("Dr. Diana O'Neil", None, None, None),
        ("Igor Rudenko", None, "Revelo", None),
    ],
    "csv/outlook_com_contacts_synthetic.csv": [
        ("Ada Lovelace", "ada@example.com", "Analytical Engines Ltd", (1815, 12, 10)),
        ("Svein Heimdal", None, None, None),
    ],
    "csv/outlook_desktop_contacts_synthetic.csv": [
        ("Alan Turing", "alan@example.org", "Bletchley Park", (1912, 6, 23))
    ],
}
CONNECTED_ON = {
    "csv/linkedin_Connections_2018_synthetic.csv": {
        "Ada Lovelace": "2018-01-08",
        "Nguyễn Xuân Chính": "2018-07-29",
        "Alan Turing": "2017-12-24",
    },
    "csv/linkedin_Connections_2024_synthetic.csv": {
        "Ada Lovelace": "2024-10-09",
        "Igor Rudenko": "2024-04-23",
    },
}


def contact_files() -> list[str]:
    return corpus_files(".vcf", ".csv")


def test_every_corpus_file_has_expectations():
    assert contact_files() == sorted(EXPECTED)


@pytest.mark.parametrize("name", contact_files())
def test_corpus_file_imports_with_the_right_people(srm, name):
    # --on-duplicate new: the corpus repeats test people, and each card is checked here.
    summary = srm.json("import", str(CORPUS / name), "--on-duplicate", "new", "--skip-invalid")
    assert summary["created"] == len(EXPECTED[name])
    people = srm.json("contacts")
    birthdays = {
        d["contact"]["id"]: (d["year"], d["month"], d["day"])
        for d in srm.json("dates")
        if d["label"] == "birthday"
    }
    got = [(c["name"], c["email"], c["org"], birthdays.get(c["id"])) for c in people]
    assert sorted(got, key=str) == sorted(EXPECTED[name], key=str)
    for who, on in CONNECTED_ON.get(name, {}).items():
        assert next(c for c in people if c["name"] == who)["connected_on"] == on


def test_a_nameless_corpus_card_is_a_clear_error_without_skip_invalid(srm):
    srm.fails(
        "import",
        str(CORPUS / "vcard" / "calcard__053_bday_variants.vcf"),
        code=7,
        match="card 1 (line 1): no name, email or organisation",
    )
    assert srm.json("contacts") == []


def test_every_other_corpus_file_imports_all_or_nothing_without_errors(srm):
    for name in contact_files():
        if EXPECTED[name]:
            srm.ok("import", str(CORPUS / name))
