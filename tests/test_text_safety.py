"""Terminal escapes and control characters never get into the store or onto the screen, and
text has limits a person never reaches."""

from __future__ import annotations

import re

import pytest
from records import connect

from srm.cli import output

# What a terminal acts on: C0 controls except tab and newline, DEL, and C1 (U+009B is CSI).
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
EVIL = "\x1b]0;pwned\x07\x1b[2JEve"


def stored(isolated, sql: str) -> list[tuple]:
    with connect() as db:
        return db.execute(sql).fetchall()


def test_escape_sequences_in_a_name_are_removed_whole(srm):
    c = srm.json("add", "\x1b[31mRED\x1b[0m Evil")
    assert (c["name"], c["handle"]) == ("RED Evil", "red")


def test_a_vcard_that_retitles_the_terminal_imports_as_plain_text(srm, isolated):
    card = f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{EVIL}\r\nORG:\x9b31mAcme\r\nEND:VCARD\r\n"
    (isolated / "evil.vcf").write_text(card)
    srm.ok("import", "evil.vcf")
    assert stored(isolated, "SELECT name, handle, org FROM contact") == [("Eve", "eve", "Acme")]
    r = srm.ok("show", "eve")
    assert not RAW.search(r.output)


def test_every_one_line_field_is_cleaned_on_input(srm, isolated):
    bad = "a\x07b\x1b[2Jc\r\nd\x7fe"
    srm.ok(
        "add", f"Ann{bad}", "--org", bad, "--team", bad, "--role", bad, "--phone", f"1{bad}",
        "--tag", f"t{bad}", "--note", "line 1\x1b[2J\nline\t2\x07", "--nickname", bad,
        "--email", f"w{bad}:a@b.example", "--url", f"u{bad}:x.example{bad}",
        "--address", f"h{bad}:{bad};{bad}",
    )  # fmt: skip
    srm.ok("segment", "add", f"s{bad}", "--description", bad)
    srm.ok("log", "1", f"sum{bad}", "--note", f"n{bad}", "--follow-up", f"f{bad}")
    srm.ok("idea", "add", "1", f"i{bad}")
    srm.ok("goal", "add", "1", f"g{bad}")
    srm.ok("date", "add", "1", f"l{bad}", "03-01")
    srm.ok("edit", "1", "--name", f"Ann Lee{bad}")
    rows = stored(
        isolated,
        "SELECT name || org || team || role || phone || note || nickname FROM contact"
        " UNION ALL SELECT label || value FROM contact_detail"
        " UNION ALL SELECT label || street || locality FROM contact_address"
        " UNION ALL SELECT tag FROM contact_tag UNION ALL SELECT name || description FROM segment"
        " UNION ALL SELECT summary || note FROM interaction UNION ALL SELECT text FROM followup"
        " UNION ALL SELECT text FROM idea UNION ALL SELECT text FROM goal"
        " UNION ALL SELECT label FROM important_date",
    )
    assert all(not RAW.search(r[0]) for r in rows), rows
    assert stored(isolated, "SELECT org, note FROM contact") == [("abc de", "line 1\nline\t2")]
    assert stored(isolated, "SELECT note FROM interaction") == [("nabc\nde",)]


def test_stored_control_characters_never_reach_the_screen(srm, isolated, monkeypatch):
    """A store written by an older srm or by hand: every way of showing it is clean."""
    srm.ok("add", "Ann Lee", "--since", "2025-01-01")
    srm.ok("log", "ann", "call", "--on", "2026-01-01", "--follow-up", "send it")
    srm.ok("idea", "add", "ann", "intro")
    srm.ok("goal", "add", "ann", "grow")
    srm.ok("date", "add", "ann", "birthday", "03-16")
    with connect() as db:
        db.execute("UPDATE contact SET name = ?, org = ?, note = ?", (EVIL, "\x9b2JOrg", EVIL))
        for table, column in [("interaction", "summary"), ("followup", "text"), ("idea", "text")]:
            db.execute(f"UPDATE {table} SET {column} = ?", (EVIL,))
        db.execute("UPDATE goal SET text = ?", (EVIL,))
        db.execute("UPDATE contact_tag SET tag = ?", (EVIL,))
        db.execute("UPDATE interaction SET channel = ?", ("[/]\x1b[2J",))
    commands = [
        ["show", "1"], ["brief", "1"], ["contacts"], ["due", "--within", "30"], ["followups"],
        ["ideas"], ["goals"], ["dates"], ["report"], ["report", "--format", "markdown"],
        ["report", "--format", "html"], ["export"], ["export", "--format", "csv"],
    ]  # fmt: skip
    for args in commands:
        for extra in ([], ["--json"]) if args[0] not in ("report", "export") else ([],):
            r = srm.ok(*args, *extra)
            assert not RAW.search(r.output), (args, extra, r.output)
    monkeypatch.setattr(output, "RICH_ROWS", 0)  # long listings: plain aligned columns
    for args in (["contacts"], ["followups"], ["ideas"], ["dates"]):
        r = srm.ok(*args)
        assert not RAW.search(r.output), (args, r.output)
        assert "Eve" in r.output or "pwned" in r.output or "intro" in r.output or args


def test_rich_markup_in_stored_text_is_shown_as_typed(srm):
    srm.ok("add", "[bold]Ann[/] [/]")
    srm.ok("log", "1", "[red]x[/red] [/]", "--channel", "email")
    out = srm.ok("show", "1").stdout
    assert "[bold]Ann[/] [/]" in out and "[red]x[/red] [/]" in out


@pytest.mark.parametrize(
    ("args", "what"),
    [
        (["add", "A" * 201], "the name is 201 characters long; srm keeps at most 200"),
        (["add", "Ann", "--tag", "t" * 101], "a tag is 101 characters long"),
        (["add", "Ann", "--note", "n" * 100_001], "the note is 100,001 characters long"),
        (["add", "Ann", "--org", "o" * 2_001], "the organisation is 2,001 characters long"),
        (["segment", "add", "s" * 101], "a segment name is 101 characters long"),
        (["log", "ann", "s" * 2_001], "the summary is 2,001 characters long"),
    ],
)
def test_lengths_have_limits_a_person_never_reaches(srm, isolated, args, what):
    srm.ok("add", "Ann Lee")
    before = stored(isolated, "SELECT count(*) FROM contact")
    srm.fails(*args, code=2, match=what)
    assert stored(isolated, "SELECT count(*) FROM contact") == before


def test_a_long_name_is_kept_with_a_short_handle(srm):
    name = "Hubertwolfeschlegelsteinhausenbergerdorff " + " ".join(["Wolfeschlegel"] * 10)
    c = srm.json("add", name)
    assert c["name"] == name
    assert c["handle"] == "hubertwolfeschlegelsteinhausenbe"  # 32 characters
    assert srm.json("add", name, "--force")["handle"] == "hubertwolfeschlegelsteinhausenbe-2"


def test_import_rejects_an_over_long_record_with_its_reason(srm, isolated):
    (isolated / "long.csv").write_text(
        f"name,email\n{'N' * 300},n@example.org\nBob,b@example.org\n"
    )
    srm.fails("import", "long.csv", code=7, match="the name is 300 characters long")
    summary = srm.json("import", "long.csv", "--skip-invalid")
    assert summary["created"] == 1
    assert "the name is 300 characters long" in summary["rejected_records"][0]["reason"]


def test_json_escapes_what_a_terminal_would_act_on():
    text = output.json_text({"name": "a\x9bb\x7f\udcff\u2028ü"})
    assert text == '{"name": "a\\u009bb\\u007f\\udcff\\u2028ü"}'
