"""vdir folders: one card or calendar item per file, kept in step with srm, edits coming back."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from icalendar import Calendar


def cards(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(folder.glob("*.vcf"))}


def people(srm, db: str | None = None) -> list[dict]:
    args = ("--db", db) if db else ()
    return [srm.json(*args, "show", str(c["id"])) for c in srm.json(*args, "contacts")]


def rich(srm) -> None:
    srm.ok(
        "add", "Ana Alves", "--email", "work:ana@riverside.org", "--email", "ana@home.example",
        "--phone", "mobile:+351 912 345 678", "--url", "blog:ana.example", "--social",
        "github:anab", "--address", "home:Rua Augusta 1; Lisboa; ; 1100-048; Portugal",
        "--org", "Riverside", "--team", "Membership", "--role", "CTO", "--tag", "vip, gold",
        "--nickname", "Aninhas", "--note", "Met at the summit.\nLikes tea; hates calls",
    )  # fmt: skip
    srm.ok("add", "Bo Chen", "--team", "Research", "--email", "bo@chen.example")
    srm.ok("date", "add", "ana", "birthday", "--02-29")
    srm.ok("date", "add", "bo", "anniversary", "2015-06-01")


def test_export_import_export_is_identical(srm, tmp_path):
    rich(srm)
    first, second = tmp_path / "first", tmp_path / "second"
    srm.ok("export", "--format", "vcard", "--vdir", str(first))
    assert len(cards(first)) == 2
    other = str(tmp_path / "other.db")
    summary = srm.json("--db", other, "import", str(first))
    assert (summary["created"], summary["dropped"]) == (2, [])
    srm.ok("--db", other, "export", "--format", "vcard", "--vdir", str(second))
    assert cards(second) == cards(first)
    # The copy holds the same people, all their details included.
    strip = ("id", "since", "next_due", "created_at", "handle")
    mine = [{k: v for k, v in c.items() if k not in strip} for c in people(srm)]
    theirs = [{k: v for k, v in c.items() if k not in strip} for c in people(srm, other)]
    for a, b in zip(mine, theirs, strict=True):
        for key in ("name", "emails", "phones", "urls", "socials", "addresses", "tags", "note"):
            assert a[key] == b[key], key


def edit_card(path: Path, **changes: str) -> None:
    """Change a card as khard or a phone would: a property's value replaced (or added), REV now.
    Keys are the text before the value ("EMAIL;TYPE=work;PREF=1"); "_" stands for ";"."""
    lines = path.read_bytes().decode().split("\r\n")
    rev = (datetime.now(UTC) + timedelta(minutes=1)).strftime("%Y%m%dT%H%M%SZ")
    changes = {k.replace("_", ";"): v for k, v in changes.items()} | {"REV": rev}
    for n, line in enumerate(lines):
        head = line.split(":", 1)[0]
        if head in changes:
            lines[n] = f"{head}:{changes.pop(head)}"
    end = lines.index("END:VCARD")
    lines[end:end] = [f"{head}:{value}" for head, value in changes.items()]  # new properties
    path.write_bytes("\r\n".join(lines).encode())


def test_a_card_edited_in_the_folder_updates_the_same_contact(srm, tmp_path):
    rich(srm)
    folder = tmp_path / "contacts"
    srm.ok("export", "-f", "vcard", "--vdir", str(folder))
    (ana,) = [p for p in folder.glob("*.vcf") if "Ana Alves" in p.read_text()]
    edit_card(ana, **{"EMAIL;TYPE=work;PREF=1": "ana@new.example", "TITLE": "CEO"})
    assert "ana@new.example" in ana.read_text() and "TITLE:CEO" in ana.read_text()

    dry = srm.json("import", str(folder), "--dry-run")
    assert (dry["created"], dry["updated"]) == (0, 1)
    change = dry["updated_records"][0]
    assert change["contact"]["handle"] == "ana"
    assert change["changes"]["role"] == {"from": "CTO", "to": "CEO"}
    assert change["changes"]["emails"] == {
        "added": ["ana@new.example"],
        "removed": ["ana@riverside.org"],
    }
    assert srm.json("show", "ana")["role"] == "CTO"  # a dry run writes nothing
    r = srm.ok("import", str(folder))
    assert "role: 'CTO' → 'CEO'" in r.stderr
    assert len(srm.json("contacts")) == 2  # the same contact, none added
    ana_now = srm.json("show", "ana")
    assert (ana_now["role"], ana_now["email"]) == ("CEO", "ana@new.example")
    assert srm.json("show", "ana@new.example")["handle"] == "ana"
    # Importing it again changes nothing; the next export finds srm's card is that card.
    assert srm.json("import", str(folder))["updated"] == 0
    result = srm.json("export", "-f", "vcard", "--vdir", str(folder))
    assert (result["kept"], result["written"], result["unchanged"]) == ([], [], 2)


def test_only_changed_files_are_rewritten(srm, tmp_path):
    rich(srm)
    folder = tmp_path / "c"
    srm.ok("export", "-f", "vcard", "--vdir", str(folder))
    before = {p.name: os.stat(p).st_ino for p in folder.glob("*.vcf")}
    again = srm.json("export", "-f", "vcard", "--vdir", str(folder))
    assert (again["written"], again["unchanged"]) == ([], 2)
    srm.ok("edit", "bo", "--role", "Lead")
    third = srm.json("export", "-f", "vcard", "--vdir", str(folder))
    assert third["unchanged"] == 1 and len(third["written"]) == 1
    after = {p.name: os.stat(p).st_ino for p in folder.glob("*.vcf")}
    changed = [n for n in before if before[n] != after[n]]
    assert changed == third["written"]


def test_cards_srm_never_wrote_stay_and_erased_contacts_go(srm, tmp_path):
    rich(srm)
    folder = tmp_path / "c"
    srm.ok("export", "-f", "vcard", "--vdir", str(folder))
    phone = folder / "added-on-phone.vcf"
    phone.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:phone-1\r\nFN:Cy Doe\r\nEND:VCARD\r\n")
    srm.ok("rm", "bo", "--yes")
    result = srm.json("export", "-f", "vcard", "--vdir", str(folder))
    assert len(result["removed"]) == 1 and result["unknown"] == ["added-on-phone.vcf"]
    assert len(cards(folder)) == 2  # Ana's, and the phone's
    assert phone.exists()
    r = srm.ok("export", "-f", "vcard", "--vdir", str(folder))
    assert "srm didn't write, left alone: added-on-phone.vcf" in r.stderr
    assert f"srm import {folder}" in r.stderr
    # Imported, the phone's card is a contact srm writes back under the phone's UID.
    srm.ok("import", str(folder))
    cy = srm.json("show", "cy")
    assert cy["name"] == "Cy Doe"
    result = srm.json("export", "-f", "vcard", "--vdir", str(folder))
    assert result["unknown"] == [] and "added-on-phone.vcf" in result["written"]
    assert "\nUID:phone-1\n" in phone.read_text()
    assert len(cards(folder)) == 2


def test_a_card_edited_elsewhere_is_kept_until_imported(srm, tmp_path):
    rich(srm)
    folder = tmp_path / "c"
    srm.ok("export", "-f", "vcard", "--vdir", str(folder))
    (bo,) = [p for p in folder.glob("*.vcf") if "Bo Chen" in p.read_text()]
    edit_card(bo, TITLE="Head of Research")
    srm.ok("edit", "bo", "--org", "Chen Labs")  # srm changed it too, before the import
    result = srm.json("export", "-f", "vcard", "--vdir", str(folder))
    assert [k["file"] for k in result["kept"]] == [bo.name]
    assert "Head of Research" in bo.read_text()  # not overwritten
    srm.ok("import", str(folder))
    result = srm.json("export", "-f", "vcard", "--vdir", str(folder))
    assert result["kept"] == [] and bo.name in result["written"]


def test_a_contact_matched_by_email_takes_the_uid_of_its_card(srm, tmp_path):
    folder = tmp_path / "phone"
    folder.mkdir()
    (folder / "x1.vcf").write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:x1\r\nFN:Ana A.\r\nEMAIL:ana@riverside.org\r\n"
        "END:VCARD\r\n"
    )
    srm.ok("add", "Ana Alves", "--email", "ana@riverside.org")
    summary = srm.json("import", str(folder))
    assert (summary["created"], summary["skipped"], summary["linked"]) == (0, 1, 1)
    result = srm.json("export", "-f", "vcard", "--vdir", str(folder))
    # Ana's card is the phone's card: written back into x1.vcf, not beside it.
    assert (result["written"], result["unknown"]) == (["x1.vcf"], [])
    assert len(cards(folder)) == 1 and "FN:Ana Alves" in (folder / "x1.vcf").read_text()


def test_ics_vdir_removes_closed_items_and_keeps_unchanged_files(srm, tmp_path):
    srm.ok("add", "Ana Alves", "--since", "2026-01-01")
    srm.ok("followup", "add", "ana", "send the deck", "--due", "2026-03-20")
    srm.ok("date", "add", "ana", "birthday", "--02-29")
    folder = tmp_path / "cal"
    first = srm.json("export", "-f", "ics", "--vdir", str(folder))
    assert first["items"] == 3 and len(list(folder.glob("*.ics"))) == 3
    birthday = next(p for p in folder.glob("date-*.ics"))
    (event,) = Calendar.from_ical(birthday.read_text()).walk("VEVENT")
    # Feb 29 is the last day of February every year; no year is made up: the event starts on
    # the first occurrence since tracking began.
    assert dict(event["RRULE"]) == {"FREQ": ["YEARLY"], "BYMONTH": [2], "BYMONTHDAY": [-1]}
    assert event.decoded("DTSTART") == date(2026, 2, 28)
    again = srm.json("export", "-f", "ics", "--vdir", str(folder))
    assert again["written"] == [] and again["unchanged"] == 3  # DTSTAMP alone doesn't count
    srm.ok("followup", "done", "1")
    done = srm.json("export", "-f", "ics", "--vdir", str(folder))
    assert [n for n in done["removed"] if n.startswith("followup-")] == done["removed"]
    assert len(done["removed"]) == 1
    manifest = json.loads((folder / ".srm-vdir.json").read_text())
    assert len(manifest["items"]) == 2


def test_vdir_errors(srm, tmp_path):
    srm.ok("add", "Ana Alves")
    srm.fails("export", "-f", "json", "--vdir", str(tmp_path / "x"), code=2, match="one file per")
    srm.fails("export", "-f", "vcard", "--vdir", "x", "-o", "y.vcf", code=2, match="not both")
    (tmp_path / "file").write_text("")
    srm.fails("export", "-f", "vcard", "--vdir", str(tmp_path / "file"), code=2, match="a file")
    srm.fails("import", str(tmp_path), code=7, match="has no .vcf files")
