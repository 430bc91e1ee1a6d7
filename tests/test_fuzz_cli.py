"""Every command, fed hostile values: one line and a documented exit code, never a traceback,
and a failed command leaves the store exactly as it was.

The commands and their parameters are read from the click command tree, so a command added
later is fuzzed without touching this file. Values are chosen from what breaks programs:
bytes that aren't UTF-8 (as Python hands them over: lone surrogates), ids and numbers past
SQLite's range, dates past the calendar's, control characters and terminal escapes, Rich
markup, huge and empty strings, and values that look like options; mixed with plausible
values so that commands get past their first check.

`SRM_FUZZ=long pytest tests/test_fuzz_cli.py -s` runs the long profile (2,000 commands in
process, 100 through real processes) and prints what happened; the default is a few seconds.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import pytest
import typer
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from typer import _click as click
from typer.testing import CliRunner

from srm.cli.app import FILE_METAVARS, app
from srm.errors import EXIT_CODES

settings.register_profile(
    "fuzz-quick",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "fuzz-long",
    max_examples=2_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
LONG = os.environ.get("SRM_FUZZ") == "long"
PROFILE = settings.get_profile("fuzz-long" if LONG else "fuzz-quick")
PROCESSES = settings(PROFILE, max_examples=100 if LONG else 4)

TODAY = "2026-03-15"
# What a terminal acts on: C0 controls but tab and newline, DEL, and C1 (U+009B is CSI).
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
STATS: Counter = Counter()
OTHER_ERRORS: Counter = Counter()  # exit 1 ("other error"): what they were, for the summary


def leaf_commands(group=None, path=(), ctx=None):
    """(words, click command) for every command that runs something, from the live tree
    (asked for by name, as click does: the root builds each command when asked)."""
    group = group or typer.main.get_command(app)
    ctx = ctx or click.Context(group, info_name="srm")
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        if hasattr(cmd, "commands"):
            sub = click.Context(cmd, info_name=name, parent=ctx)
            yield from leaf_commands(cmd, (*path, name), sub)
        else:
            yield (*path, name), cmd


COMMANDS = sorted(leaf_commands(), key=lambda c: c[0])

# --- values -------------------------------------------------------------------------------

NOT_UTF8 = ["\udcff", "Bad \udcff name", "caf\udce9", "\udc80\udc80", "ann\udcfe"]
HUGE_NUMBERS = [
    "9999999999999999999999999", str(2**63), str(2**63 - 1), str(2**64), "-1", "0",
    "1e309", "-1e309", "nan", "inf", "1" * 5000, "0x10", "١٢", "²",
]  # fmt: skip
BAD_DATES = [
    "0001-01-01", "9999-12-31", "in 9999y", "9999y ago", "in 300y", "2026-02-30",
    "1899-12-31", "2200-01-01", "03/04/2026", "next blursday", "0000-00-00", "--02-30",
    "2026Q5", "0001", "9999Q4", "99999d", "in 99999d", "--13-01",
]  # fmt: skip
CONTROLS = [
    "\x1b[2J", "\x1b]0;pwned\x07", "\x1b]0;pwned\x07\x1b[2JEve", "\x00", "\r", "a\rb",
    "\x9b31mx", "\x7f", "\x1b[31mRED\x1b[0m Evil", "line\nbreak", "\t", "\u2028", "\x85",
]  # fmt: skip
MARKUP = ["[bold]", "[/]", "[red]x[/red]", "[link=https://example.org]y[/link]", "[", "]", "[/bold"]
SPECIAL = ["", " ", "-", "--", "--json", "-n", "--help", "-x", "--no-such-option", "'", '"', "%s"]
PLAUSIBLE_TEXT = ["ann", "Ann Lee", "bob", "1", "2", "partners", "members", "coffee", "email",
                  "monthly", "none", "inherit", "trust", "birthday", "vcard", "json", "csv"]  # fmt: skip
PLAUSIBLE_DATES = ["today", "yesterday", "2026-03-01", "in 2w", "3d ago", "friday", "03-01"]
PLAUSIBLE_NUMBERS = ["1", "2", "3", "7", "30", "365", "36500"]

hostile = st.one_of(
    st.sampled_from(NOT_UTF8 + HUGE_NUMBERS + BAD_DATES + CONTROLS + MARKUP + SPECIAL),
    st.builds(
        lambda s, n: s * n,
        st.sampled_from(["A", "é", "東", "x\x1b"]),
        st.sampled_from([201, 2_001, 100_001]),
    ),  # fmt: skip
    st.text(max_size=20),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=()), max_size=12),
)


NUMBER_TYPES = ("IntParamType", "FloatParamType")


def values_for(param, files: list[str]):
    """A strategy for one value of a parameter, by what its name and metavar say it is: a
    plausible value, one hostile to that kind of value, or anything hostile."""
    metavar = (param.metavar or "").upper()
    name = param.name or ""
    if metavar in FILE_METAVARS:
        return st.sampled_from(files)  # never a path outside the test's own directory
    if metavar == "ID" or name.endswith("_id") or name == "idea":
        plausible, against = PLAUSIBLE_NUMBERS[:3], HUGE_NUMBERS
    elif metavar in ("DATE", "UNTIL", "PERIOD") or name in ("on", "since", "from_", "to", "last"):
        plausible, against = PLAUSIBLE_DATES + ["2026Q1", "2026-02", "2025", "90d"], BAD_DATES
    elif metavar in ("DAYS", "N") or type(param.type).__name__ in NUMBER_TYPES:
        plausible, against = PLAUSIBLE_NUMBERS + ["0.5", "100"], HUGE_NUMBERS
    else:
        plausible, against = PLAUSIBLE_TEXT, NOT_UTF8 + CONTROLS + MARKUP + HUGE_NUMBERS[:3]
    return st.one_of(st.sampled_from(plausible), st.sampled_from(against), hostile)


@st.composite
def command_lines(draw, files: list[str]):
    """A command from the tree with its arguments: hostile, plausible, or missing."""
    words, cmd = draw(st.sampled_from(COMMANDS))
    args: list[str] = list(words)
    for param in cmd.params:
        if param.param_type_name == "argument":
            if not param.required and draw(st.booleans()):
                continue
            count = draw(st.integers(1, 3)) if param.nargs == -1 else 1
            args += [draw(values_for(param, files)) for _ in range(count)]
        elif getattr(param, "is_flag", False):
            if draw(st.integers(0, 3)) == 0:
                args.append(param.opts[0])
        elif draw(st.integers(0, 2)) == 0:
            for _ in range(draw(st.integers(1, 2)) if param.multiple else 1):
                args += [draw(st.sampled_from(param.opts)), draw(values_for(param, files))]
    if draw(st.integers(0, 15)) == 0:  # now and then something extra where it doesn't belong
        args.insert(draw(st.integers(len(words), len(args))), draw(hostile))
    return args


# --- a store to break -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A store with a little of everything, so that ids 1 and 2 and names like ann exist."""
    home = tmp_path_factory.mktemp("fuzz-template")
    (home / "config.toml").write_text("")
    env = environment(home)
    runner = CliRunner()
    for args in [
        ["add", "Ann Lee", "--email", "ann@example.org", "--segment", "partners", "--tag", "vip",
         "--since", "2025-06-01"],
        ["add", "Bob Stone", "--org", "Acme", "--since", "2025-01-01", "--cadence", "monthly"],
        ["log", "ann,bob", "planning", "--on", "2026-02-01", "--follow-up", "send notes",
         "--give"],
        ["log", "bob", "complaint", "--on", "2026-03-01", "--sentiment", "negative", "--ask"],
        ["idea", "add", "ann", "intro to a speaker"],
        ["idea", "add", "--segment", "members", "newsletter feature"],
        ["goal", "add", "ann", "grow retention", "--on", "2025-10-01"],
        ["stage", "ann", "trust", "--on", "2026-01-10"],
        ["date", "add", "bob", "birthday", "1980-03-20"],
    ]:  # fmt: skip
        r = runner.invoke(app, args, env=env)
        assert r.exit_code == 0, (args, r.output)
    with sqlite3.connect(home / "srm.db") as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return home / "srm.db"


def environment(home: Path) -> dict[str, str]:
    return {
        "SRM_DB": str(home / "srm.db"),
        "SRM_CONFIG": str(home / "config.toml"),
        "SRM_TODAY": TODAY,
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "xdg"),
        "EDITOR": "true",  # log --edit: an editor that saves nothing, at once
        "VISUAL": "true",
        "NO_COLOR": "1",
        "COLUMNS": "120",
    }


def workspace(template: Path, home: Path) -> list[str]:
    """A copy of the template store in `home`, and the file names a FILE may be given."""
    shutil.copy(template, home / "srm.db")
    (home / "config.toml").write_text("")
    (home / "cards.vcf").write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cy Dee\r\nEND:VCARD\r\n")
    (home / "utf16.csv").write_bytes(b"\xff\xfeA")
    (home / "deep.json").write_text("[" * 100_000)
    (home / "empty.csv").write_text("")
    names = ["cards.vcf", "utf16.csv", "deep.json", "empty.csv", "missing.csv", "out.json",
             "out.csv", "out.html", "report.md", "demo.db", "-", "srm.db", "sub/dir/x.json", "."]  # fmt: skip
    return [str(home / n) if n not in ("-", ".") else n for n in names]


def dump(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return list(conn.iterdump())


def check(args: list, code: int, stdout: str, stderr: str, before: list[str], db: Path) -> None:
    """What every run of srm must satisfy, however it was called."""
    shown = " ".join(map(repr, args))[:300]
    output = stdout + stderr
    assert "Traceback" not in output, f"srm {shown}: {output[-2000:]}"
    assert "internal error" not in stderr, f"srm {shown}: {stderr}"
    assert code in EXIT_CODES, f"srm {shown} exited {code}: {output[-500:]}"
    assert not RAW.search(output), f"srm {shown} printed a control character: {output!r:.500}"
    STATS[code] += 1
    if code == 1:
        OTHER_ERRORS[re.sub(r"[\d/]+.*", "…", stderr.strip().splitlines()[-1][:50])] += 1
    if code != 0:
        if code != 2 or "Usage:" not in stdout:  # `srm idea` alone shows its help (exit 2)
            lines = stderr.strip().splitlines()
            # One line; after a question left unanswered (no input), what it asked about.
            asked = len(lines) > 1 and "[y/N]:" in lines[-2]
            assert len(lines) == 1 or asked, f"srm {shown}: {stderr}"
            assert lines[-1].startswith("srm: "), f"srm {shown}: {stderr}"
        assert dump(db) == before, f"srm {shown} failed ({code}) but changed the store"


@PROFILE
@given(data=st.data())
def test_every_command_survives_hostile_arguments(template, data):
    runner = CliRunner()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        files = workspace(template, home)
        args = data.draw(command_lines(files))
        before = dump(home / "srm.db")
        cwd = os.getcwd()
        os.chdir(home)
        try:
            r = runner.invoke(app, args, env=environment(home), catch_exceptions=True)
        finally:
            os.chdir(cwd)
        if r.exception is not None and not isinstance(r.exception, SystemExit):
            raise AssertionError(f"srm {args!r} raised {r.exception!r}") from r.exception
        check(args, r.exit_code, r.stdout, r.stderr, before, home / "srm.db")


def as_bytes(arg: str) -> bytes:
    """The bytes a shell would pass for this argument (surrogates are the bytes that weren't
    UTF-8)."""
    return arg.encode("utf-8", "surrogateescape") if "\x00" not in arg else b"NUL"


@PROCESSES
@given(data=st.data())
def test_real_processes_survive_hostile_bytes(template, data):
    """Arguments as real bytes through a real process (the surrogates come from the OS)."""
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        files = workspace(template, home)
        args = data.draw(command_lines(files))
        argv = [as_bytes(a) for a in args]
        assume(all(len(a) < 128 * 1024 for a in argv))  # Linux's limit for one argument
        before = dump(home / "srm.db")
        env = {**os.environ, **environment(home), "LC_ALL": "C.UTF-8"}
        p = subprocess.run(
            [sys.executable, "-m", "srm", *argv],
            capture_output=True,
            cwd=home,
            env=env,
            stdin=subprocess.DEVNULL,
            timeout=120,
        )
        stdout = p.stdout.decode("utf-8", "replace")
        stderr = p.stderr.decode("utf-8", "replace")
        check(args, p.returncode, stdout, stderr, before, home / "srm.db")


def test_every_command_is_fuzzed():
    """The tree the fuzzer walks is the one `srm --help` shows: nothing is left out."""
    names = {" ".join(words) for words, _ in COMMANDS}
    assert {"add", "log", "due", "import", "export", "followup done", "segment sync"} <= names
    assert len(names) >= 35


@pytest.fixture(scope="module", autouse=True)
def summary():
    yield
    if STATS:
        total = sum(STATS.values())
        codes = ", ".join(f"exit {c}: {n}" for c, n in sorted(STATS.items()))
        print(f"\nfuzzed {total} srm commands ({len(COMMANDS)} in the tree): {codes}")
        for text, n in OTHER_ERRORS.most_common(8):
            print(f"  exit 1 × {n}: {text}")
