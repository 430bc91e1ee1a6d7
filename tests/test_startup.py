"""Start-up pays only for what runs: a command imports its own module and what it uses.

Read from `python -X importtime`'s log of a real `srm` process: the module of the command
that runs, never the others; no Rich unless a person is looking at a terminal (`--json` and
pipes don't need it); no heavy library anywhere on these paths.
"""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import tempfile

import pytest

from srm.cli.app import COMMANDS

# Each costs tens of milliseconds to import (sqlmodel ~0.4 s); commands import them when used.
HEAVY = ("sqlalchemy", "sqlmodel", "pydantic", "vobject", "icalendar")
COMMAND_MODULES = {f"srm.cli.{module}" for module, _, _ in COMMANDS.values()}


def imported_modules(*args: str, env: dict[str, str] | None = None, tty: bool = False) -> set[str]:
    """Every module `python -X importtime -m srm ARGS` imports, read from its import log;
    with `tty`, its standard output is a terminal."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("SRM_")}
    base.pop("FORCE_COLOR", None)
    base.pop("TTY_COMPATIBLE", None)
    cmd = [sys.executable, "-X", "importtime", "-m", "srm", *args]
    with tempfile.TemporaryFile() as log:
        if tty:
            master, slave = pty.openpty()
            p = subprocess.Popen(cmd, stdout=slave, stderr=log, env={**base, **(env or {})})
            os.close(slave)
            while True:  # drain the terminal, or a long answer would block the command
                try:
                    if not os.read(master, 65536):
                        break
                except OSError:  # the command closed its end
                    break
            os.close(master)
            code = p.wait()
        else:
            code = subprocess.run(
                cmd, stdout=subprocess.DEVNULL, stderr=log, env={**base, **(env or {})}
            ).returncode
        log.seek(0)
        lines = log.read().decode().splitlines()
    assert code == 0, "\n".join(lines[-20:])
    return {
        line.rsplit("|", 1)[1].strip()
        for line in lines
        if line.startswith("import time:") and "|" in line
    }


def unwanted(modules: set[str], *, own: str | None = None) -> list[str]:
    """Heavy libraries, Rich, typer's Rich help and other commands' modules among `modules`."""
    return sorted(
        m
        for m in modules
        if m.split(".")[0] in (*HEAVY, "rich")
        or m == "typer.rich_utils"
        or (m in COMMAND_MODULES and m != own)
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> dict[str, str]:
    """A store where Maria is overdue (and Tom is there to log with), and the environment
    that points at it."""
    d = tmp_path_factory.mktemp("startup")
    (d / "config.toml").write_text("")
    env = {"SRM_DB": str(d / "srm.db"), "SRM_CONFIG": str(d / "config.toml")}
    env["SRM_TODAY"] = "2026-03-15"
    for args in (
        ["add", "Maria Rossi"],
        ["add", "Tom Berg"],
        ["log", "maria", "intro call", "--on", "2025-01-02"],
    ):
        subprocess.run(
            [sys.executable, "-m", "srm", *args], env={**os.environ, **env}, check=True,
            capture_output=True,
        )  # fmt: skip
    return env


def test_help_imports_only_what_it_draws():
    modules = imported_modules("--help")
    assert "srm.cli.help" in modules, "the import log should list srm's own modules"
    assert unwanted(modules) == []
    assert not [m for m in modules if m.startswith(("srm.domain", "srm.store", "dateutil"))]


def test_due_imports_its_own_command_and_no_rich(store):
    modules = imported_modules("due", env=store)
    assert {"srm.cli.daily", "srm.domain.due"} <= modules
    assert unwanted(modules, own="srm.cli.daily") == []
    assert "srm.cli.help" not in modules
    # The morning list reads stored state and ranks it in SQL: no contact lookup, no details,
    # no segments (imported where they are used: adding a contact, --segment …).
    assert not modules & {"srm.domain.contacts", "srm.domain.details", "srm.domain.segments"}


def test_log_imports_its_own_command_and_no_date_parser(store):
    modules = imported_modules("log", "tom", "coffee", "--on", "2026-03-14", env=store)
    assert {"srm.cli.daily", "srm.domain.interactions"} <= modules
    assert unwanted(modules, own="srm.cli.daily") == []
    assert not [m for m in modules if m.startswith("dateutil")], "an ISO date needs no parser"
    assert "srm.domain.segments" not in modules, "a contact is found without its segments' rules"


def test_only_a_person_at_a_terminal_gets_rich(store):
    # The control: on a terminal, `srm due` draws its tables with Rich ...
    assert "rich.table" in imported_modules("due", env=store, tty=True)
    # ... but JSON is JSON, on a terminal too.
    modules = imported_modules("due", "--json", env=store, tty=True)
    assert unwanted(modules, own="srm.cli.daily") == []


def test_report_imports_no_team_contacts_or_statistics_modules(store):
    """A report's figures need neither the team's rules nor the contacts' (its team-mode
    figures read the members themselves) nor `statistics` (its median is worked out in place):
    ~11 ms of every report's start. With --owner it does need the team's."""
    modules = imported_modules("report", env=store)
    assert "srm.domain.report" in modules
    assert not modules & {"srm.domain.team", "srm.domain.contacts", "statistics"}


@pytest.mark.parametrize(
    "args",
    [
        ("contacts",),
        ("show", "maria"),
        ("show", "maria", "--all"),
        ("brief", "maria"),
        ("timeline",),
        ("followups",),
        ("search", "intro"),
        ("segments",),
        ("dates",),
        ("report",),
        ("report", "--period", "2026Q1", "-o", "report.txt"),
    ],
    ids=" ".join,
)
def test_piped_output_needs_no_rich(store, args):
    """What a script or a pager reads is written as Rich would write it, without Rich."""
    module = f"srm.cli.{COMMANDS[args[0]][0]}"
    assert unwanted(imported_modules(*args, env=store), own=module) == []


def test_the_entry_point_pauses_the_collector_only_while_srm_loads(monkeypatch):
    """`srm` (the script and `python -m srm`) imports its CLI with the cyclic collector paused
    (everything it makes then lives as long as the process), and runs the command with it
    back on: a long import or export must still collect its garbage."""
    import gc
    import tomllib
    from pathlib import Path

    from srm.cli import app, start

    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    assert project["project"]["scripts"]["srm"] == "srm.cli.start:main"
    seen = []
    monkeypatch.setattr(app, "main", lambda: seen.append(gc.isenabled()))
    start.main()
    assert seen == [True] and gc.isenabled()
    gc.disable()  # a caller that turned it off keeps it off
    try:
        start.main()
        assert seen == [True, False] and not gc.isenabled()
    finally:
        gc.enable()
    loaded = []
    monkeypatch.setattr(app.gc, "disable", lambda: loaded.append("paused"))
    assert app._load("log").name == "log" and loaded == ["paused"] and gc.isenabled()
