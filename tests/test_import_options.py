"""`srm import` behaviour: duplicates, dry runs, options, staggering, and bad input."""

from __future__ import annotations

from pathlib import Path

from importing import FIXTURES, people

GENERIC = str(FIXTURES / "generic.csv")


def write_csv(tmp_path: Path, rows: list[str], header: str = "name,email") -> str:
    path = tmp_path / "people.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return str(path)


def test_summary_is_printed_for_people(srm):
    r = srm.ok("import", GENERIC)
    assert "Imported generic.csv (CSV): 2 created, 0 merged, 0 skipped, 0 rejected." in r.stderr
    assert "Not kept (srm has no place for them): Favourite colour (2 records)" in r.stderr
    assert r.stdout == ""


def test_duplicates_by_email_are_skipped_by_default(srm):
    srm.ok("add", "Samuel P.", "--email", "SAM@patel.example")
    summary = srm.json("import", GENERIC)
    assert (summary["created"], summary["skipped"]) == (1, 1)
    assert summary["skipped_records"] == [
        {"where": "line 2", "reason": "duplicate of samuel (same email)"}
    ]
    assert sorted(people(srm)) == ["Noor Haddad", "Samuel P."]


def test_duplicates_by_normalised_name_when_an_email_is_missing(srm):
    srm.ok("add", "noor  HADDAD")
    summary = srm.json("import", GENERIC)
    assert summary["skipped_records"][0]["reason"] == "duplicate of noor (same name)"


def test_same_name_with_a_different_email_is_another_person(srm):
    srm.ok("add", "Sam Patel", "--email", "sam@elsewhere.example")
    summary = srm.json("import", GENERIC)
    assert summary["created"] == 2
    assert len([c for c in srm.json("contacts") if c["name"] == "Sam Patel"]) == 2


def test_merge_fills_empty_fields_and_adds_segments_and_tags(srm):
    srm.ok("add", "Sam Patel", "--email", "sam@patel.example", "--org", "Old Co", "--tag", "vip")
    summary = srm.json("import", GENERIC, "--on-duplicate", "merge")
    assert (summary["created"], summary["merged"]) == (1, 1)
    sam = people(srm)["Sam Patel"]
    assert sam["org"] == "Old Co"  # never overwritten
    assert sam["role"] == "Buyer"  # was empty: filled
    assert sam["tags"] == ["food", "retail", "vip"]
    assert sam["segments"] == ["customers"]
    assert sam["handle"] == "sam"


def test_on_duplicate_new_adds_a_second_contact(srm):
    srm.ok("add", "Sam Patel", "--email", "sam@patel.example")
    srm.ok("import", GENERIC, "--on-duplicate", "new")
    handles = sorted(c["handle"] for c in srm.json("contacts") if c["name"] == "Sam Patel")
    assert handles == ["sam", "sam-p"]


def test_duplicates_within_the_file_are_found_too(srm, tmp_path):
    path = write_csv(tmp_path, ["Ana,ana@example.org", "Ana B.,ANA@example.org"])
    summary = srm.json("import", path)
    assert (summary["created"], summary["skipped"]) == (1, 1)


def test_dry_run_reports_the_summary_and_writes_nothing(srm):
    srm.ok("add", "Sam Patel", "--email", "sam@patel.example")
    summary = srm.json("import", GENERIC, "--dry-run", "--on-duplicate", "merge")
    assert (summary["dry_run"], summary["created"], summary["merged"]) == (True, 1, 1)
    assert list(people(srm)) == ["Sam Patel"]
    assert people(srm)["Sam Patel"]["org"] is None
    r = srm.ok("import", GENERIC, "--dry-run")
    assert r.stderr.startswith("Dry run, nothing written: would import generic.csv")


def test_segment_tag_and_cadence_options_apply_to_every_new_contact(srm):
    srm.ok("import", GENERIC, "--segment", "partners", "--tag", "Imported", "--cadence", "yearly")
    found = people(srm)
    assert found["Noor Haddad"]["segments"] == ["partners"]
    assert found["Noor Haddad"]["tags"] == ["imported"]
    assert found["Noor Haddad"]["cadence"] == "yearly"
    assert found["Sam Patel"]["cadence"] == "monthly"  # the file's own cadence wins
    assert found["Sam Patel"]["segments"] == ["customers", "partners"]


def test_an_unknown_segment_fails_before_anything_is_written(srm):
    srm.fails("import", GENERIC, "--segment", "nope", code=3, match="no segment named 'nope'")
    assert srm.json("contacts") == []


def test_tracking_starts_today_or_on_since(srm):
    srm.ok("import", GENERIC, "--since", "2026-01-01")
    assert {c["since"] for c in srm.json("contacts")} == {"2026-01-01"}


def test_stagger_spreads_first_check_ins_over_one_cadence(srm, tmp_path):
    rows = [f"Person {i},p{i}@example.org" for i in range(10)]
    srm.ok("import", write_csv(tmp_path, rows), "--cadence", "30d", "--stagger")
    due = sorted(c["next_due"] for c in srm.json("contacts"))
    assert due[:3] == ["2026-03-18", "2026-03-21", "2026-03-24"]
    assert len(set(due)) == 10
    assert due[-1] == "2026-04-14"  # the last is due when all of them would have been


def test_stagger_by_months_never_makes_anyone_due_already(srm, tmp_path):
    rows = [f"Person {i},p{i}@example.org" for i in range(40)]
    srm.ok("import", write_csv(tmp_path, rows), "--cadence", "monthly", "--stagger")
    due = sorted(c["next_due"] for c in srm.json("contacts"))
    assert due[0] > "2026-03-15"
    assert due[-1] == "2026-04-15"
    assert len(set(due)) > 25  # months can't end on every day: a few share a date


def test_without_stagger_all_fall_due_one_cadence_after_the_import(srm, tmp_path):
    rows = [f"Person {i},p{i}@example.org" for i in range(5)]
    srm.ok("import", write_csv(tmp_path, rows), "--segment", "employees")
    assert {c["next_due"] for c in srm.json("contacts")} == {"2026-04-15"}


def test_stagger_uses_each_contacts_effective_cadence(srm, tmp_path):
    srm.ok("segment", "add", "field", "--cadence", "4w")
    rows = [f"Person {i},p{i}@example.org" for i in range(4)]
    srm.ok("import", write_csv(tmp_path, rows), "--segment", "field", "--stagger")
    due = sorted(c["next_due"] for c in srm.json("contacts"))
    assert due == ["2026-03-22", "2026-03-29", "2026-04-05", "2026-04-12"]


def test_standard_input(srm):
    card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Piped Person\r\nEND:VCARD\r\n"
    srm.ok("import", "-", input=card)
    assert list(people(srm)) == ["Piped Person"]


def test_bad_files_are_clear_errors_and_change_nothing(srm, tmp_path):
    empty = tmp_path / "empty.vcf"
    empty.write_bytes(b"\n \n")
    binary = tmp_path / "photo.jpg"
    binary.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)))
    prose = tmp_path / "notes.txt"
    prose.write_text("just some words\n")
    other_json = tmp_path / "other.json"
    other_json.write_text('{"contacts": []}')
    broken_json = tmp_path / "broken.json"
    broken_json.write_text('{"format": "srm-export",')
    for path, match in (
        (empty, "is empty"),
        (binary, "binary file"),
        (prose, "can't tell what kind of file"),
        (other_json, "is not an srm JSON export"),
        (broken_json, "is not valid JSON"),
        (tmp_path / "missing.vcf", "can't read"),
    ):
        srm.fails("import", str(path), code=7, match=match)
    assert srm.json("contacts") == []


def test_bad_options_are_usage_errors(srm):
    srm.fails("import", GENERIC, "--format", "xls", code=2, match="unknown import format")
    srm.fails("import", GENERIC, "--on-duplicate", "replace", code=2, match="--on-duplicate")
    srm.fails("import", GENERIC, "--cadence", "sometimes", code=2, match="unknown cadence")


def test_an_invalid_email_rejects_the_record(srm, tmp_path):
    path = write_csv(tmp_path, ["Good,good@example.org", "Bad,not-an-email"])
    srm.fails("import", path, code=7, match="line 3: 'not-an-email' doesn't look like an email")
    summary = srm.json("import", path, "--skip-invalid")
    assert (summary["created"], summary["rejected"]) == (1, 1)
