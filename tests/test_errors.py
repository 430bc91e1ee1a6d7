"""Bad input on the command line is one `srm: …` line and a documented exit code, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


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
        (["due", "-n", "abc"], "srm: due: --limit: 'abc' is not a valid int"),
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
