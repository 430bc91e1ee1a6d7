"""Bad input on the command line is one `srm: …` line and a documented exit code, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from records import connect


def one_line(r) -> str:
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("srm: ")
    return lines[0]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["due", "--foo"], "srm: due: no such option --foo (srm due --help shows the usage)"),
        (["due", "--lmit", "3"], "srm: due: no such option --lmit; did you mean --limit?"),
        (["lgo"], "srm: no such command 'lgo'; did you mean log?"),
        (["segment", "ad", "x"], "srm: segment: no such command 'ad'; did you mean add?"),
        (["due", "-n", "abc"], "srm: due: --limit: 'abc' is not a whole number"),
        (["add"], "srm: add: missing argument NAME"),
        (["due", "--on"], "srm: option --on requires an argument"),
        (["add", "Ann", "Bob"], "srm: add: got unexpected extra argument(s) (Bob)"),
    ],
)
def test_usage_errors_are_one_line_with_a_did_you_mean(srm, args, expected):
    r = srm.fails(*args, code=2)
    line = one_line(r)
    assert line.startswith(expected), line
    assert "╭" not in r.stderr and "Usage:" not in r.stderr


def test_a_far_fetched_name_gets_no_suggestion(srm):
    assert "did you mean" not in one_line(srm.fails("due", "--foo", code=2))
    assert "did you mean" not in one_line(srm.fails("zzzz", code=2))


def test_help_still_looks_as_before(srm):
    out = srm.ok("due", "--help").stdout
    assert "Usage: srm due [OPTIONS]" in out and "--within" in out


def test_a_group_without_a_command_shows_its_help(srm):
    r = srm("segment")
    assert r.exit_code == 2
    assert "add" in r.output and "edit" in r.output


@pytest.mark.parametrize(
    ("args", "which"),
    [
        (["add", "Bad \udcff name"], "NAME"),
        (["show", "\udcff"], "CONTACT"),
        (["add", "Bob", "--since", "\udcff"], "--since"),
        (["add", "Bob", "--tag", "ok", "--tag", "b\udce9d"], "--tag"),
        (["log", "ann", "caf\udce9 chat"], "SUMMARY"),
        (["segment", "add", "\udcff"], "NAME"),
        (["\udcff"], "the command name"),
    ],
)
def test_invalid_utf8_names_the_argument(srm, args, which):
    srm.ok("add", "Ann Lee")
    line = one_line(srm.fails(*args, code=2))
    assert line.startswith(f"srm: {which} is not valid UTF-8: '"), line
    assert "\\x" in line  # the bad byte is shown, e.g. \xff


@pytest.mark.parametrize("args", [["backup", "\x00"], ["import", "a\x00.csv"], ["add", "A\x00"]])
def test_a_nul_character_in_an_argument_is_a_usage_error(srm, args):
    """No real command line holds one (execve can't pass it); a program calling srm in-process
    can, and gets the usage error, not a crash (os.stat refuses such a path)."""
    line = one_line(srm.fails(*args, code=2))
    assert line == "srm: an argument holds a NUL character, which no srm argument takes", line


def test_a_file_name_may_be_any_bytes(srm, isolated):
    name = os.fsdecode(b"caf\xe9.csv")
    (isolated / name).write_text("name,email\nAnn Lee,ann@example.org\n")
    srm.ok("import", name)
    out = isolated / os.fsdecode(b"out\xff.json")
    srm.ok("export", "--output", str(out))
    assert out.exists()


def test_invalid_utf8_through_a_real_process(isolated):
    """The bytes as a shell passes them, not a Python string: no traceback, exit 2."""
    env = {**os.environ, "PYTHONIOENCODING": "", "LC_ALL": "C.UTF-8"}
    for argv in ([b"add", b"Bad \xff name"], [b"show", b"\xff"], [b"due", b"--on", b"\xfe"]):
        p = subprocess.run([sys.executable, "-m", "srm", *argv], capture_output=True, env=env)
        assert p.returncode == 2, p.stderr
        assert b"Traceback" not in p.stderr
        assert p.stderr.startswith(b"srm: ") and p.stderr.count(b"\n") == 1, p.stderr
        assert b"not valid UTF-8" in p.stderr


HUGE = "9999999999999999999999999"  # above 2**63: SQLite can't hold it


@pytest.mark.parametrize(
    "args",
    [
        ["followup", "done", HUGE],
        ["followup", "drop", HUGE],
        ["idea", "drop", HUGE],
        ["idea", "done", HUGE],
        ["goal", "confirm", HUGE],
        ["date", "rm", HUGE],
        ["log", "ann", "call", "--idea", HUGE],
    ],
)
def test_an_id_above_sqlite_range_is_a_usage_error(srm, args):
    srm.ok("add", "Ann Lee")
    line = one_line(srm.fails(*args, code=2))
    assert "larger than any id" in line


def test_a_contact_that_is_all_digits_is_an_id_however_large(srm):
    srm.ok("add", "Ann Lee")
    assert srm.json("show", "1")["name"] == "Ann Lee"
    assert "no contact with id" in one_line(srm.fails("show", HUGE, code=3))
    assert "no contact with id" in one_line(srm.fails("ideas", "--contact", HUGE, code=3))
    one_line(srm.fails("show", "²", code=3))  # a digit, but not an id


@pytest.mark.parametrize(
    "args",
    [
        ["add", "Bob", "--since", "in 9999y"],
        ["add", "Bob", "--since", "0001-01-01"],
        ["snooze", "ann", "in 9999y"],
        ["snooze", "ann", "in 300y"],
        ["archive", "ann", "--on", "9999y ago"],
        ["due", "--on", "9999-12-31"],
        ["report", "--from", "0001-01-01"],
        ["report", "--period", "0001"],
        ["log", "ann", "x", "--follow-up", "y", "--follow-up-on", "in 999y"],
    ],
)
def test_dates_outside_the_range_are_refused_with_the_range(srm, args):
    srm.ok("add", "Ann Lee")
    line = one_line(srm.fails(*args, code=2))
    assert "srm takes dates from 1900-01-01 to 2199-12-31" in line, line


@pytest.mark.parametrize(
    "args",
    [["due", "--within", "999999999"], ["dates", "--within", "99999999999"], ["due", "-n", "0"]],
)
def test_day_counts_are_bounded(srm, args):
    one_line(srm.fails(*args, code=2))


def test_the_extremes_of_the_range_work(srm):
    srm.ok("add", "Ann Lee", "--since", "1900-01-01", "--cadence", "100y")
    srm.ok("add", "Bob Stone", "--since", "2199-12-31", "--cadence", "100y")
    srm.ok("snooze", "ann", "2199-12-31", "--yes")
    srm.ok("due", "--on", "2199-12-31", "--within", "36500")
    srm.ok("report", "--from", "1900-01-01", "--json")
    srm.ok("export", "--format", "ics")
    one_line(srm.fails("add", "Cy", "--cadence", "101y", code=2))


def test_a_stored_date_at_the_end_of_the_calendar_is_never_due(srm, isolated):
    """A store written by hand or an older srm: arithmetic stops at the calendar's end."""
    srm.ok("add", "Ann Lee", "--cadence", "yearly")
    with connect() as db:
        db.execute("UPDATE contact SET since = '9999-12-31'")
    assert srm.json("show", "ann")["next_due"] == "9999-12-31"
    srm.ok("due")
    srm.ok("contacts")


def test_config_day_counts_are_bounded(srm, config_file):
    config_file("due_window_days = 99999999\n")
    one_line(srm.fails("due", code=5))


def test_an_srm_today_outside_the_range_is_refused(srm, monkeypatch):
    monkeypatch.setenv("SRM_TODAY", "9999-12-31")
    line = one_line(srm.fails("due", code=2))
    assert "SRM_TODAY=9999-12-31 is out of range" in line


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\xff\xfeA", "isn't valid UTF-16"),
        (b"[" * 100_000, "nested too deeply"),
        (b'{"format": "srm-export", "version": ' + b"9" * 5000 + b"}", "number too long"),
    ],
)
def test_hostile_import_files_fail_cleanly(srm, isolated, content, expected):
    path = isolated / "hostile.txt"
    path.write_bytes(content)
    line = one_line(srm.fails("import", str(path), code=7))
    assert expected in line


def test_json_import_checks_dates_that_matter_and_date_ranges(srm, isolated):
    path = isolated / "x.json"
    path.write_text(
        '{"format": "srm-export", "version": 1, "contacts": [{"uuid": "u1", "name": "Zed",'
        ' "since": "2020-01-01"}], "important_dates": [{"uuid": "d1", "contact": "u1",'
        ' "label": "birthday", "year": null, "month": 13, "day": 1}]}'
    )
    one_line(srm.fails("import", str(path), code=7, match="impossible date"))
    path.write_text(path.read_text().replace("2020-01-01", "9999-12-31"))
    one_line(srm.fails("import", str(path), code=7, match="out of range"))
    srm.ok("dates")


def test_export_to_a_full_disk_is_one_line_and_leaves_the_old_file(srm, isolated, monkeypatch):
    import errno

    from srm.store import files  # the one writer of output files

    srm.ok("add", "Ann Lee")
    target = isolated / "out.json"
    target.write_text("the previous export")
    real_fsync = files.os.fsync

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full)
    line = one_line(srm.fails("export", "--output", str(target), code=1))
    monkeypatch.setattr(files.os, "fsync", real_fsync)
    assert "No space left on device" in line and str(target) in line
    assert target.read_text() == "the previous export"
    assert [p.name for p in isolated.iterdir() if p.name.startswith(".out")] == []


def test_writing_to_a_full_stdout_is_one_line(isolated):
    """/dev/full fails every write with ENOSPC, as a full disk does."""
    env = {**os.environ}
    with open("/dev/full", "w") as full:
        p = subprocess.run(
            [sys.executable, "-m", "srm", "export"], stdout=full, stderr=subprocess.PIPE, env=env
        )
    assert p.returncode == 1
    assert p.stderr.decode().strip() == "srm: can't write the output: No space left on device"


def test_an_error_quoting_a_line_break_stays_one_line(srm):
    for weird in ("\u2028", "a\nb", "\r", "\x85"):
        one_line(srm.fails("followups", weird, code=2))
        one_line(srm.fails("show", f"x{weird}y"))
