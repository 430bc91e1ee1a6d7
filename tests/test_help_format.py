"""`--help` looks exactly as typer draws it with Rich, though srm draws it without Rich."""

from __future__ import annotations

import contextlib
import importlib
import inspect
import io
import re

import pytest
import typer
import typer.rich_utils as rich_utils  # the reference: typer's own Rich help
from typer import _click as click

from srm.cli.app import COMMANDS, app

pytestmark = pytest.mark.engine_independent("help screens")

# What decides width and colour, for Rich and for srm.cli.help alike.
SCREEN_VARS = (
    "COLUMNS", "LINES", "TERMINAL_WIDTH", "NO_COLOR", "FORCE_COLOR", "PY_COLORS",
    "GITHUB_ACTIONS", "TTY_COMPATIBLE", "TERM", "COLORTERM", "_TYPER_FORCE_DISABLE_TERMINAL",
)  # fmt: skip
MODES = {
    "piped": {},
    "colour": {"FORCE_COLOR": "1"},
    "NO_COLOR": {"FORCE_COLOR": "1", "NO_COLOR": "1"},
    "dumb terminal": {"FORCE_COLOR": "1", "TERM": "dumb"},
}
SGR = re.compile(r"\x1b\[([0-9;]*)m")


def tree():
    """(words, command, context) for srm and every command and group under it."""
    root = typer.main.get_command(app)

    def walk(cmd, ctx, path):
        yield path, cmd, ctx
        if hasattr(cmd, "list_commands"):
            for name in cmd.list_commands(ctx):
                sub = cmd.get_command(ctx, name)
                yield from walk(sub, click.Context(sub, info_name=name, parent=ctx), (*path, name))

    return list(walk(root, click.Context(root, info_name="srm"), ()))


def cells(text: str) -> list[tuple[str, tuple | None]]:
    """Each character with its (bold, dim, colour); spaces with none (styles on a space show
    nothing). Equal cells look the same, however the escape codes are split."""
    out, style, pos = [], (False, False, None), 0
    for m in [*SGR.finditer(text), None]:
        end = m.start() if m else len(text)
        out += [(ch, style if ch.strip() else None) for ch in text[pos:end]]
        if m is None:
            break
        codes = m.group(1).split(";") if m.group(1) else ["0"]
        colour = next((int(c) for c in codes if c.isdigit() and 30 <= int(c) <= 37), None)
        style = ("1" in codes, "2" in codes, colour)
        pos = m.end()
    return out


def draw(cmd, ctx, monkeypatch, env, *, typer_draws: bool) -> str:
    for name in SCREEN_VARS:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(rich_utils, "FORCE_TERMINAL", True if env.get("FORCE_COLOR") else None)
    monkeypatch.setattr(rich_utils, "MAX_WIDTH", None)
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        if typer_draws:
            rich_utils.rich_format_help(obj=cmd, ctx=ctx, markup_mode="rich")
        else:
            cmd.format_help(ctx, click.HelpFormatter())
    return buffer.getvalue()


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("width", [30, 80, 131])
def test_every_help_screen_is_typers(width, mode, monkeypatch):
    env = {"COLUMNS": str(width), **MODES[mode]}
    assert len(tree()) > 50
    for path, cmd, ctx in tree():
        theirs = draw(cmd, ctx, monkeypatch, env, typer_draws=True)
        ours = draw(cmd, ctx, monkeypatch, env, typer_draws=False)
        assert SGR.sub("", ours) == SGR.sub("", theirs), f"srm {' '.join(path)} --help"
        assert cells(ours) == cells(theirs), f"srm {' '.join(path)} --help: styles"
        if mode == "colour":
            assert "\x1b[1;36m" in ours  # options in bold cyan: the comparison sees colour


def test_the_command_table_says_what_the_commands_say():
    """COMMANDS lists each command's module, panel and short help without importing it: they
    must be what the module registers."""
    registered = {}
    for module in {m for m, _, _ in COMMANDS.values()}:
        scratch = typer.Typer()
        importlib.import_module(f"srm.cli.{module}").register(scratch)
        for info in [*scratch.registered_commands, *scratch.registered_groups]:
            if hasattr(info, "typer_instance"):
                doc = info.typer_instance.info.help
                panel = info.rich_help_panel
            else:
                doc, panel = inspect.getdoc(info.callback), info.rich_help_panel
            registered[info.name] = (module, panel, inspect.cleandoc(doc).split("\n\n")[0])
    assert set(registered) == set(COMMANDS)
    for name, entry in COMMANDS.items():
        assert entry == registered[name], f"COMMANDS[{name!r}] differs from its module"


def test_help_paragraphs_are_wrapped_by_the_screen_not_by_the_docstring():
    """typer keeps a docstring's line breaks: a paragraph broken at 95 columns in the source
    left a word alone on a line at 80. Prose is one line per paragraph; examples keep theirs."""
    for path, cmd, _ in tree():
        for paragraph in (cmd.help or "").split("\n\n"):
            lines = paragraph.split("\n")
            if len(lines) > 1:
                assert any(line[:1].isspace() or line.startswith("- ") for line in lines), (
                    f"srm {' '.join(path)}: {paragraph!r}"
                )
