"""Shell completion: commands and options from the command tree, handles, segments, tags and
channels from the store, read-only and without the heavy libraries."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from records import counts, dump
from typer.testing import CliRunner

from srm.cli.app import app


def complete(line: str, shell: str = "bash") -> list[str]:
    """What srm offers for the last word of `line` (a trailing space: a new word)."""
    words = line.split()
    env = {"_SRM_COMPLETE": f"complete_{shell}"}
    if shell == "bash":
        env |= {
            "COMP_WORDS": line,
            "COMP_CWORD": str(len(words) - (0 if line.endswith(" ") else 1)),
        }
    else:
        env |= {"_TYPER_COMPLETE_ARGS": line, "_TYPER_COMPLETE_FISH_ACTION": "get-args"}
    result = CliRunner().invoke(app, [], env=env, prog_name="srm")
    assert result.exit_code == 0, result.output
    return [w for w in result.stdout.splitlines() if w]


@pytest.fixture
def people(srm):
    srm.ok("add", "Ana Alves", "--tag", "vip", "--segment", "partners")
    srm.ok("add", "Anders Berg", "--tag", "board")
    srm.ok("add", "Bo Chen")
    srm.ok("archive", "bo")
    return srm


def test_commands_and_options_complete(people):
    assert complete("srm sh") == ["show"]
    assert "--segment" in complete("srm contacts --s")
    assert complete("srm followup d") == ["done", "drop"]


def test_contact_handles_complete_with_their_names(people):
    assert complete("srm show an") == ["ana", "anders"]
    assert complete("srm show @an") == ["@ana", "@anders"]
    assert complete("srm log ana,an") == ["ana,ana", "ana,anders"]
    assert complete("srm unarchive b") == ["bo"]
    assert complete("srm show an", "fish") == ["ana\tAna Alves", "anders\tAnders Berg"]
    assert complete("srm merge ana a") == ["ana", "anders"]


def test_segments_tags_and_channels_complete(people):
    assert complete("srm contacts --segment pa") == ["partners"]
    assert complete("srm segment edit cu") == ["customers"]
    assert complete("srm edit ana --tag ") == ["board", "vip"]
    assert complete("srm contacts --tag v", "fish") == ["vip\t1 contact"]
    assert complete("srm log ana hi --channel vi") == ["video"]


def test_files_complete_in_every_shell(people, tmp_path):
    (tmp_path / "cards").mkdir()
    (tmp_path / "cards.csv").write_text("")
    found = [f"{tmp_path}/cards/", f"{tmp_path}/cards.csv"]
    assert complete(f"srm import {tmp_path}/car") == found
    assert complete(f"srm import {tmp_path}/car", "fish") == found  # fish's script has --no-files


@pytest.mark.sqlite_only("the store file's size and time")
def test_completion_reads_and_never_writes_or_creates_a_store(srm, isolated):
    assert complete("srm show a") == []  # no store yet: nothing, and none made
    assert not (isolated / "srm.db").exists()
    srm.ok("add", "Ana Alves")
    db = isolated / "srm.db"
    before = (db.stat().st_mtime_ns, db.stat().st_size)
    assert complete("srm show a") == ["ana"]
    assert (db.stat().st_mtime_ns, db.stat().st_size) == before
    (isolated / "config.toml").write_text("this is = not [toml")
    assert complete("srm show a") == []  # a broken config: quiet, the command will say why


@pytest.mark.postgresql
def test_completion_on_a_server_reads_and_never_creates_tables(srm, isolated, monkeypatch):
    assert complete("srm show a") == []  # an empty database: nothing, and no tables made
    assert counts() == {}
    srm.ok("add", "Ana Alves")
    before = dump()
    assert complete("srm show a") == ["ana"]
    assert dump() == before
    monkeypatch.setenv("SRM_DB", "postgresql://nobody@/none?host=/nonexistent")
    assert complete("srm show a") == []  # no server there: quiet, the command will say why


def test_show_completion_prints_each_shells_script(srm, monkeypatch):
    # srm detects the shell it runs in; naming one is how typer's own tests pick it.
    monkeypatch.setenv("_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION", "1")
    for shell, marker in (
        ("bash", "complete -o default"),
        ("zsh", "compdef"),
        ("fish", "complete"),
    ):
        out = srm.ok("--show-completion", shell).stdout
        assert marker in out and "_SRM_COMPLETE" in out


def test_completion_imports_no_heavy_library(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SRM_")}
    env |= {
        "_SRM_COMPLETE": "complete_bash",
        "COMP_WORDS": "srm show a",
        "COMP_CWORD": "2",
        "SRM_DB": str(tmp_path / "none.db"),
    }
    p = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "srm"],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).parent,
    )
    modules = {
        line.rsplit("|", 1)[1].strip()
        for line in p.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert "srm.cli.completion" in modules
    heavy = ("sqlalchemy", "sqlmodel", "pydantic", "vobject", "icalendar", "rich")
    assert sorted(m for m in modules if m.split(".")[0] in heavy) == []
