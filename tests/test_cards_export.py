"""Contacts going out: vCards other programs accept, srm's CSV and JSON losslessly round-tripped,
the CSV headers Google and Outlook import, and duplicates told apart on the way back in."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from corpus import CORPUS, needs_corpus

NOTE_JA = "日本語のメモ" * 10 + "、" + "そして" * 4  # 62 characters, 186 octets


@pytest.fixture
def cards(srm):
    srm.ok("segment", "add", "field")
    srm.ok(
        "add", "Dr. Ana Alves Jr.", "--email", "work:ana@riverside.org", "--email",
        "ana@home.example", "--phone", "mobile:+351 912 345 678", "--phone",
        "my own label:020 7946 0000", "--url", "blog:ana.example", "--social", "github:anab",
        "--social", "skype:ana.b", "--social", "mastodon:@ana@mastodon.social", "--address",
        "home:Rua Augusta 1, 2º Esq.; Lisboa; ; 1100-048; Portugal", "--address",
        "work:1 Main St; Springfield; IL; 62701; USA", "--org", "Riverside", "--team",
        "Membership", "--role", "CTO", "--tag", "vip, gold", "--tag", "board", "--nickname",
        "Aninhas", "--note", f"Met at the summit.\nLikes tea; hates calls, mostly\n{NOTE_JA}",
        "--segment", "field", "--cadence", "monthly", "--since", "2025-06-01",
    )  # fmt: skip
    srm.ok("add", "Bo Chen", "--team", "Research")  # a team of no organisation
    srm.ok("add", "王小明", "--email", "xiaoming@example.cn")
    srm.ok("date", "add", "ana", "birthday", "--02-29")
    srm.ok("date", "add", "ana", "first met", "2015-03-04")
    srm.ok("date", "add", "bo", "anniversary", "2015-06-01")
    srm.ok("edit", "ana", "--prefer", "ana@home.example")
    return srm


@pytest.mark.parametrize("version", ["4.0", "3.0"])
def test_every_card_passes_vobject_validation_and_reads_back(cards, version):
    import vobject

    text = cards.ok("export", "-f", "vcard", "--vcard-version", version).stdout
    parsed = {c.fn.value: c for c in vobject.readComponents(text, validate=True)}
    assert sorted(parsed) == ["Bo Chen", "Dr. Ana Alves Jr.", "王小明"]
    ana = parsed["Dr. Ana Alves Jr."]
    assert ana.version.value == version
    n = ana.n.value
    assert (n.family, n.given, n.prefix, n.suffix) == ("Alves", "Ana", "Dr.", "Jr.")
    assert ana.categories.value == ["board", "vip, gold"]  # a comma inside one tag
    assert ana.org.value == ["Riverside", "Membership"]
    assert parsed["Bo Chen"].org.value == ["", "Research"]  # ORG:;Research
    assert ana.note.value.endswith(NOTE_JA)
    assert [e.value for e in ana.contents["email"]] == ["ana@home.example", "ana@riverside.org"]


def test_cards_are_folded_by_octets_never_inside_a_character(cards, tmp_path):
    path = tmp_path / "all.vcf"
    cards.ok("export", "-o", str(path))
    raw = path.read_bytes()
    assert raw.endswith(b"END:VCARD\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    lines = raw.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    for line in lines:
        line.decode("utf-8")  # every physical line is whole UTF-8: no character cut in two
    note = next(i for i, line in enumerate(lines) if line.startswith(b"NOTE:"))
    assert lines[note + 1].startswith(b" ")  # the long note goes on, folded


def test_srm_reads_its_own_tags_with_commas_and_thunderbirds_lists(cards, tmp_path):
    path = tmp_path / "out.vcf"
    cards.ok("export", "-o", str(path))
    other = str(tmp_path / "o.db")
    cards.ok("--db", other, "import", str(path))
    assert cards.json("--db", other, "show", "ana")["tags"] == ["board", "vip, gold"]


def test_own_csv_round_trips_losslessly(cards, tmp_path):
    first = cards.ok("export", "-f", "csv").stdout
    path = tmp_path / "all.csv"
    path.write_text(first, newline="")
    other = str(tmp_path / "o.db")
    cards.ok("--db", other, "segment", "add", "field")
    summary = cards.json("--db", other, "import", str(path))
    assert (summary["created"], summary["dropped"], summary["ignored_columns"]) == (3, [], [])
    again = cards.ok("--db", other, "export", "-f", "csv").stdout
    assert again == first
    row = next(r for r in csv.DictReader(io.StringIO(first)) if r["handle"] == "ana")
    assert row["emails"] == "work: ana@riverside.org\n*ana@home.example"
    assert row["dates"] == "birthday: --02-29\nfirst met: 2015-03-04"


def test_own_json_round_trips_losslessly(cards, tmp_path):
    first = json.loads(cards.ok("export").stdout)
    path = tmp_path / "all.json"
    path.write_text(json.dumps(first))
    other = str(tmp_path / "o.db")
    cards.ok("--db", other, "import", str(path))
    again = json.loads(cards.ok("--db", other, "export").stdout)
    first.pop("exported_at"), again.pop("exported_at")
    assert again == first
    ana = next(c for c in first["contacts"] if c["handle"] == "ana")
    assert [s["service"] for s in ana["socials"]] == ["github", "skype", "mastodon"]
    assert ana["nickname"] == "Aninhas"


def header_of(name: str) -> list[str]:
    text = (CORPUS / name).read_text(encoding="utf-8-sig")
    return next(csv.reader(io.StringIO(text)))


@needs_corpus
def test_outlook_csv_has_outlook_coms_header_and_reads_back(cards, tmp_path):
    out = cards.ok("export", "-f", "outlook-csv")
    assert next(csv.reader(io.StringIO(out.stdout))) == header_of(
        "csv/outlook_com_contacts_synthetic.csv"
    )
    # What Outlook's fixed columns can't hold is said, not dropped quietly.
    assert "outlook-csv has no column for:" in out.stderr and "tags (1 contact)" in out.stderr
    path = tmp_path / "outlook.csv"
    path.write_text(out.stdout, newline="")
    other = str(tmp_path / "o.db")
    assert cards.json("--db", other, "import", str(path))["format"] == "outlook"
    ana = cards.json("--db", other, "show", "ana")
    assert [e["value"] for e in ana["emails"]] == ["ana@home.example", "ana@riverside.org"]
    assert (ana["org"], ana["team"], ana["role"], ana["nickname"]) == (
        "Riverside",
        "Membership",
        "CTO",
        "Aninhas",
    )
    assert {a["locality"] for a in ana["addresses"]} == {"Lisboa", "Springfield"}


@needs_corpus
def test_google_csv_has_googles_columns_and_reads_back_every_detail(cards, tmp_path):
    out = cards.ok("export", "-f", "google-csv").stdout
    header = next(csv.reader(io.StringIO(out)))
    google = header_of("csv/google_contacts_csv__escalate_example.csv")
    assert header[:17] == google[:17]  # the name, organisation, birthday … columns
    # Every other column is one Google writes, numbered as far as these contacts need (IM
    # columns as the legacy export names them, with Google's current "Label" for "Type").
    legacy = header_of("csv/google_contacts_csv_legacy__escalate_example_2021.csv")
    known = {re.sub(r" \d+ - ", " N - ", h.replace(" - Type", " - Label")) for h in google + legacy}
    assert [h for h in header if re.sub(r" \d+ - ", " N - ", h) not in known] == []
    path = tmp_path / "google.csv"
    path.write_text(out, newline="")
    other = str(tmp_path / "o.db")
    assert cards.json("--db", other, "import", str(path))["format"] == "google"
    mine, theirs = cards.json("show", "ana"), cards.json("--db", other, "show", "ana")
    for key in ("name", "nickname", "emails", "phones", "urls", "addresses", "tags"):
        assert theirs[key] == mine[key], key
    # Google keeps web profiles and instant messaging in columns of their own.
    assert sorted(theirs["socials"], key=str) == sorted(mine["socials"], key=str)
    assert sorted((d["label"], d["year"]) for d in theirs["dates"]) == [
        ("birthday", None),
        ("first met", 2015),
    ]


def test_accent_only_namesakes_with_different_orgs_are_two_people(srm, tmp_path):
    srm.ok("add", "Max Mustermann", "--org", "Acme")
    path = tmp_path / "in.vcf"
    path.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Mäx Mustermann\r\nORG:Beta GmbH\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Max  MUSTERMANN\r\nORG:acme\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Max Müstermann\r\nEND:VCARD\r\n"
    )
    summary = srm.json("import", str(path))
    # Another organisation: another person. The same organisation: the same person. Nothing
    # to compare but a name that differs in an accent: imported, and named as a maybe.
    assert (summary["created"], summary["skipped"]) == (2, 1)
    assert (
        summary["skipped_records"][0]["reason"] == "duplicate of max (same name and organisation)"
    )
    (maybe,) = summary["possible_duplicates"]
    assert maybe["like"]["handle"] == "max" and maybe["command"].startswith("srm merge @max @")
    assert len(srm.json("contacts")) == 3


def test_a_name_that_differs_only_in_accents_is_asked_about_on_a_terminal(srm, tmp_path):
    from srm.domain import importer
    from srm.store.db import Store

    srm.ok("add", "Max Mustermann", "--email", "max@acme.example")
    path = tmp_path / "in.vcf"
    path.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Mäx Mustermann\r\nEND:VCARD\r\n")
    import os
    from datetime import date

    store = Store.open(os.environ["SRM_DB"])
    options = importer.Options(since=date(2026, 3, 15))
    prepared = importer.prepare(store, importer.load(path.read_bytes(), "in.vcf"), options)
    (question,) = importer.questions(store, prepared, options)
    assert (question.name, question.contact["handle"]) == ("Mäx Mustermann", "max")
    options.same[question.where] = True  # "the same person? yes"
    from srm.config import load as load_config

    summary = importer.run(store, load_config(None), prepared, options)
    assert (summary.created, len(summary.skipped), summary.possible) == (0, 1, [])


def test_one_date_written_twice_is_kept_once(srm, tmp_path):
    path = tmp_path / "in.vcf"
    path.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Alves\r\n"
        "item1.X-ABDATE:2019-02-20\r\nitem1.X-ABLabel:_$!<Anniversary>!$_\r\n"
        "X-ANNIVERSARY:2019-02-20\r\nEND:VCARD\r\n"
    )
    srm.ok("import", str(path))
    assert [(d["label"], d["year"]) for d in srm.json("dates")] == [("anniversary", 2019)]
