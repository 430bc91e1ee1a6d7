"""Every command and option explains itself; the README documents the exit codes."""

from pathlib import Path

import typer
from typer import _click as click

from srm.cli.app import app
from srm.errors import EXIT_CODES


def _commands(group, prefix=(), ctx=None):
    """Every command under `group`, asked for by name as click does (the root builds each
    command when asked)."""
    ctx = ctx or click.Context(group, info_name="srm")
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        path = (*prefix, name)
        yield path, cmd
        if hasattr(cmd, "commands"):
            yield from _commands(cmd, path, click.Context(cmd, info_name=name, parent=ctx))


def test_every_command_and_option_has_help_text():
    root = typer.main.get_command(app)
    missing = []
    for path, cmd in _commands(root):
        if not (cmd.help or "").strip():
            missing.append(" ".join(path))
        for p in cmd.params:
            if p.param_type_name == "option" and not (getattr(p, "help", "") or "").strip():
                missing.append(f"{' '.join(path)} {p.opts[0]}")
    assert missing == []


def test_help_runs_for_every_command(srm):
    root = typer.main.get_command(app)
    for path, _ in _commands(root):
        assert srm.ok(*path, "--help").stdout.strip()


def test_bimonthly_is_explained_in_help(srm):
    assert "every TWO MONTHS" in " ".join(srm.ok("add", "--help").stdout.split())


def test_readme_documents_every_exit_code():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    for code, meaning in EXIT_CODES.items():
        assert f"| {code} | {meaning} |" in readme


def test_every_command_shows_an_example():
    root = typer.main.get_command(app)
    missing = [
        " ".join(path)
        for path, cmd in _commands(root)
        if not hasattr(cmd, "commands") and "Example" not in (cmd.help or "")
    ]
    assert missing == []
