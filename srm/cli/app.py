"""The root command: global options, the typed context, and the one place errors become exits."""

from __future__ import annotations

import ast
import errno
import gc
import inspect
import os
import re
import sqlite3
import sys
from typing import Annotated, Any

import typer
from typer import _click as click  # typer's own copy of click: its errors are formatted here
from typer.core import TyperCommand, TyperGroup
from typer.models import DefaultPlaceholder

from srm import __version__
from srm.cli.context import AppContext
from srm.errors import SrmError, StoreError

# Every command: (module in srm.cli, panel in `srm --help`, the short help listed there), in
# the order of `srm --help`. Only the module of the command that runs is imported; its
# register(app) adds it (with the same panel, and the short help as its docstring's first
# paragraph: tests/test_help_format.py holds them equal).
COMMANDS: dict[str, tuple[str, str, str]] = {
    "log": ("daily", "Daily", "Log an interaction right after it happens; it resets each contact's check-in cadence."),
    "due": ("daily", "Daily", "Who needs attention: overdue check-ins, follow-ups and more, most urgent first."),
    "snooze": ("daily", "Daily", "Hide a contact's check-in through a date; logging an interaction clears the snooze."),
    "followups": ("daily", "Daily", "List open follow-ups (promises), soonest due first."),
    "timeline": ("interactions", "Daily", "Every interaction across contacts, newest first, with its id: what did I do this week?"),
    "search": ("interactions", "Daily", "Search everything you wrote, best matches first."),
    "followup": ("daily", "Daily", "Promises to keep: add one made outside a meeting, reschedule, mark done or drop."),
    "interaction": ("interactions", "Daily", "Correct or remove a logged interaction (ids: srm timeline, srm show)."),
    "add": ("contacts", "Contacts", "Add a contact. Its handle (used to refer to it) is derived from the name."),
    "contacts": ("contacts", "Contacts", "List contacts with their cadence, last interaction and next check-in."),
    "show": ("contacts", "Contacts", "Show one contact: details, next check-in, interactions, follow-ups, goals, ideas, dates."),
    "edit": ("contacts", "Contacts", "Change a contact. Pass an empty string (--org '') to clear a field."),
    "archive": ("contacts", "Contacts", "Archive a contact: kept with its history, but no longer listed or due."),
    "unarchive": ("contacts", "Contacts", "Bring an archived contact back."),
    "rm": ("contacts", "Contacts", "Erase a contact and their history for good (a data-protection erasure)."),
    "merge": ("contacts", "Contacts", "Merge two contacts who are one person: OTHER's history moves to KEEP, then OTHER goes."),
    "duplicates": ("contacts", "Contacts", "List contacts that are likely one person: same email, same name, same phone number."),
    "distinct": ("contacts", "Contacts", "Say two contacts are different people: srm duplicates stops pairing them."),
    "segments": ("segments", "Contacts", "List segments with their cadence, weight and number of contacts."),
    "segment": ("segments", "Contacts", "Manage segments: groups of stakeholders with a default cadence."),
    "brief": ("brief", "Relationships", "Before a meeting: who they are, recent talks, their goals, what you owe and can offer."),
    "ideas": ("ideas", "Relationships", "List non-ask ideas: open ones first (oldest first), then delivered and dropped."),
    "goals": ("goals", "Relationships", "List partners' goals and how long since each was confirmed as still their priority."),
    "stage": ("stages", "Relationships", "Move a contact to a stage of the relationship; the history is kept."),
    "stages": ("stages", "Relationships", "How many contacts are at each stage, or one contact's moves from stage to stage."),
    "dates": ("important_dates", "Relationships", "List dates that matter by their next occurrence, soonest first."),
    "idea": ("ideas", "Relationships", "Ways to help someone that bring you nothing in return: add, edit, done, drop."),
    "goal": ("goals", "Relationships", "What your partners are trying to achieve: add, edit, confirm, done, drop."),
    "date": ("important_dates", "Relationships", "Dates that matter (birthdays, anniversaries, promotions): add, rm."),
    "team": ("team", "Team", "The people sharing this store: the contacts each owns, what is overdue, their activity."),
    "handoff": ("team", "Team", "Give a contact a new owner; the hand-off and its note stay in the contact's history."),
    "who": ("team", "Team", "Who on the team knows a person or organisation best, to ask for a warm introduction."),
    "report": ("report", "Review", "The quarterly review, each figure beside the previous period's (default: this quarter)."),
    "import": ("transfer", "Import and export", "Import contacts from vCard (Google, Apple, Outlook, Android …), CSV or an srm export."),
    "export": ("transfer", "Import and export", "Export your data: everything as JSON, contacts as CSV or vCard, due dates as iCalendar."),
    "capture": ("capture", "Import and export", "Log interactions from your calendar and your mail, without typing: past events with contacts, mail you sent them. Capturing again adds nothing; srm undo takes a capture back."),
    "backup": ("db", "Data", "Back up the store: a consistent copy made while srm may be in use, readable by you only."),
    "restore": ("db", "Data", "Replace the store with a backup, after checking it; the store as it was is backed up."),
    "doctor": ("db", "Data", "Check the store: integrity, links, schema, migration record, derived state, permissions, log, backups."),
    "undo": ("undo", "Data", "Revert the most recent command that changed the store; again to go further back."),
    "demo": ("demo", "Data", "Build a sample workspace (never your own database); show its contacts, due list and report."),
    "db": ("db", "Data", "The database: where it is, whether it is healthy, what was erased."),
}  # fmt: skip
# Parameters with these metavars name files: any bytes are a valid file name on Linux, so
# they may hold what isn't UTF-8. Every other argument is text srm stores or compares.
FILE_METAVARS = ("FILE", "PATH")
_SURROGATE = re.compile("[\ud800-\udfff]")


class HelpCommand(TyperCommand):
    """A command whose --help is drawn by srm.cli.help (typer's look, without Rich)."""

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        _print_help(self, ctx)


class HelpGroup(TyperGroup):
    """A group of subcommands (srm followup, srm db …), its --help drawn by srm.cli.help."""

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        _print_help(self, ctx)


def _print_help(command: click.Command, ctx: click.Context, commands: list | None = None) -> None:
    from srm.cli.help import Screen, render

    sys.stdout.write(render(command, ctx, Screen.detect(), commands))


class SrmGroup(TyperGroup):
    """The root command: every error becomes one stderr line and a documented exit code.

    Usage errors (an unknown command or option, a bad value) are exit 2; an SrmError its own
    code; anything else a one-line "internal error" (exit 1). --debug shows the traceback.

    Its commands are built when asked for (`get_command`), from COMMANDS: `srm due` imports
    and builds `due` alone, and `srm --help` lists them all from the table.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            self.commands[cmd_name] = _load(cmd_name)
        command = self.commands.get(cmd_name)
        if command is not None and ctx.resilient_parsing:  # parsing for shell completion
            from srm.cli import completion

            completion.attach(command, (cmd_name,))
        return command

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, short, panel) for name, (_, panel, short) in COMMANDS.items()]
        _print_help(self, ctx, rows)

    def main(  # type: ignore[override]
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if os.environ.get("_SRM_COMPLETE"):  # the shell asks for completions: --db, --config
            from srm.cli import completion

            completion.attach(self)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.ClickException as e:
            code = _usage_error(e)
        except typer.Abort:  # no answer to a question (end of input, Ctrl-C): end its line
            from srm.cli.output import message

            message("")
            _say("aborted: nothing was changed (--yes answers yes where a command asks)")
            code = 1
        code = code if isinstance(code, int) else 0
        if standalone_mode:
            sys.exit(code)
        return code

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:
        if any("\x00" in a for a in args):  # no command line holds one; a caller's bug
            raise _NotUtf8("an argument holds a NUL character, which no srm argument takes", ctx)
        problem = _not_utf8(self, ctx, args)
        if problem is not None:
            what, value = problem
            raise _NotUtf8(
                f"{what} is not valid UTF-8: '{_shown(value)}' (check the encoding of your"
                " terminal or script)",
                ctx,
            )
        rest = super().parse_args(ctx, args)
        # The command as typed after the global options: what `srm undo` shows for its writes.
        protected = getattr(ctx, "_protected_args", None) or getattr(ctx, "protected_args", [])
        ctx.meta["srm.command"] = [*protected, *ctx.args]
        return rest

    def invoke(self, ctx: typer.Context):  # type: ignore[override]
        try:
            result = super().invoke(ctx)
            sys.stdout.flush()  # a full disk or closed pipe is reported here, not at exit
            return result
        except SrmError as e:
            _fail(ctx, str(e), e.exit_code)
        except sqlite3.OperationalError as e:
            if "locked" in str(e) or "busy" in str(e):
                _fail(ctx, "the database is busy (another srm is writing); try again", 6)
            _fail(ctx, f"database error: {e}", StoreError.exit_code)
        except sqlite3.DatabaseError as e:
            _fail(ctx, f"database error: {e}; is this an srm database?", StoreError.exit_code)
        except KeyboardInterrupt:
            _fail(ctx, "interrupted", 130)
        except (click.exceptions.ClickException, typer.Exit, typer.Abort):
            raise
        except OSError as e:
            if e.errno == errno.EPIPE:
                raise  # the reader went away (srm contacts | head): typer exits quietly
            where = e.filename if e.filename is not None else "the output"
            _fail(ctx, f"can't write {where}: {e.strerror or e}", 1)
        except Exception as e:
            _fail(
                ctx,
                f"internal error ({type(e).__name__}: {e}); this is a bug in srm, please report"
                " it (--debug shows the traceback)",
                1,
            )
        finally:
            obj = ctx.obj
            if isinstance(obj, AppContext):
                obj.close()


class _NotUtf8(click.exceptions.UsageError):
    """An argument that isn't valid UTF-8 (its message says which)."""


def _say(text: str) -> None:
    """The error line: one line whatever the message quotes (line breaks become spaces)."""
    from srm.cli.output import esc, message
    from srm.domain.common import strip_controls

    message(f"[bold red]srm:[/] {esc(strip_controls(text, keep_lines=False))}")


def _fail(ctx: typer.Context, text: str, code: int) -> None:
    obj = ctx.obj
    if isinstance(obj, AppContext) and obj.debug:
        import traceback

        traceback.print_exc()
    _say(text)
    raise typer.Exit(code)


def _usage_error(e: click.exceptions.ClickException) -> int:
    """One line for a usage error, with a did-you-mean when a known name is close."""
    if type(e).__name__ == "NoArgsIsHelpError":
        return e.exit_code  # `srm segment` alone: the help was printed already
    ctx = getattr(e, "ctx", None)
    if ctx is None or isinstance(e, _NotUtf8):
        _say(_plain(e.format_message()))
        return e.exit_code
    where = ctx.command_path
    command = where.removeprefix("srm").strip()
    hint = f" ({where} --help shows the usage)"
    missing = re.match(r"No such command ('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")", e.message)
    param = getattr(e, "param", None)
    if isinstance(e, click.exceptions.NoSuchOption):
        known = [o for p in ctx.command.get_params(ctx) for o in (*p.opts, *p.secondary_opts)]
        text = f"no such option {e.option_name}{_did_you_mean(e.option_name, known)}"
    elif missing:
        name = ast.literal_eval(missing.group(1))
        known = ctx.command.list_commands(ctx)
        text = f"no such command {name!r}{_did_you_mean(name, known)}"
        hint = f" ({where} --help lists the commands)"
    elif isinstance(e, click.exceptions.MissingParameter) and param is not None:
        text = f"missing {param.param_type_name} {_param_name(param, ctx)}"
    elif isinstance(e, click.exceptions.BadParameter) and param is not None:
        text = f"{_param_name(param, ctx)}: {e.message.rstrip('.')}"
        hint = ""  # the message says what is wrong with the value
    else:
        text = _plain(e.format_message())
    _say(f"{command + ': ' if command else ''}{text}{hint}")
    return e.exit_code


def _plain(message: str) -> str:
    """click's sentence as srm's clause: "Option '--on' requires …." -> "option --on requires …"."""
    text = re.sub(r"'(-[^']*)'", r"\1", message.strip().rstrip("."))
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _did_you_mean(name: str, known: list[str]) -> str:
    """ "; did you mean --limit?" when one known name is close to a mistyped one."""
    from difflib import get_close_matches

    bare = {k.lstrip("-"): k for k in known}
    close = get_close_matches(name.lstrip("-"), list(bare), n=3, cutoff=0.6)
    if not close:
        return ""
    return "; did you mean " + " or ".join(bare[c] for c in close) + "?"


def _not_utf8(command: Any, ctx: Any, args: list[str]) -> tuple[str, str] | None:
    """The first argument that isn't valid UTF-8 text, as (which parameter, its text).

    Python hands bytes that aren't UTF-8 over as lone surrogates; they could be neither
    stored nor printed. File names are exempt (see FILE_METAVARS). The command line is
    parsed here the way click will parse it, only to name the parameter.
    """
    if all(_is_utf8(a) for a in args):
        return None
    try:
        values, rest, _ = command.make_parser(ctx).parse_args(args=list(args))
    except click.exceptions.UsageError:
        return None  # click reports that mistake itself
    for param in command.get_params(ctx):
        value = values.get(param.name)
        for v in value if isinstance(value, list | tuple) else [value]:
            if isinstance(v, str) and not _is_utf8(v) and param.metavar not in FILE_METAVARS:
                return _param_name(param, ctx), v
    if hasattr(command, "get_command") and rest:
        name, *more = rest
        if not _is_utf8(name):
            return "the command name", name
        sub = command.get_command(ctx, name)
        if sub is None:
            return None
        return _not_utf8(sub, click.Context(sub, info_name=name, parent=ctx), more)
    bad = next((a for a in rest if not _is_utf8(a)), None)
    return ("an argument", bad) if bad is not None else None


def _shown(arg: str) -> str:
    """An argument as text: bytes that weren't UTF-8 written as \\xe9."""
    if _is_utf8(arg):
        return arg
    return arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _is_utf8(text: str) -> bool:
    return text.isascii() or _SURROGATE.search(text) is None


def _param_name(param: Any, ctx: Any) -> str:
    """--limit for an option, NAME for an argument: as `--help` shows them."""
    if param.param_type_name == "option":
        return max(param.opts, key=len)
    return param.metavar or param.name.upper()


app = typer.Typer(
    cls=SrmGroup,
    name="srm",
    help=(
        "srm: keep your relationships alive. Log each conversation, and each morning "
        "`srm due` tells you who needs a call."
    ),
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"srm {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db", metavar="PATH", help="Database file (else $SRM_DB, config, user data dir)."
        ),
    ] = None,
    config: Annotated[
        str | None,
        typer.Option(
            "--config",
            metavar="PATH",
            help="Config file (else $SRM_CONFIG, ./.srm.toml, user config).",
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    import shlex

    # File names may hold bytes that aren't UTF-8: recorded as \xe9, as the errors show them.
    command = shlex.join(_shown(a) for a in ctx.meta.get("srm.command", []))
    ctx.obj = AppContext(db_flag=db, config_flag=config, debug=debug, command=command)


def _load(name: str) -> click.Command:
    """Build one command: its module registers its commands on a scratch app, and typer
    builds the one asked for."""
    scratch = typer.Typer()
    # The command's modules live as long as the process: no collection while they load (see
    # srm.cli.start); main() froze what was there before.
    collecting = gc.isenabled()
    gc.disable()
    try:
        # __import__, not importlib.import_module: `python -X importtime` logs only the former.
        module = __import__(f"srm.cli.{COMMANDS[name][0]}", fromlist=["register"])
    finally:
        if collecting:
            gc.enable()
    module.register(scratch)
    scratch.registered_commands = [c for c in scratch.registered_commands if c.name == name]
    scratch.registered_groups = [g for g in scratch.registered_groups if g.name == name]
    _prepare(scratch)
    command = typer.main.get_group(scratch).commands[name]
    _reflow(command)
    return command


def _reflow(command: click.Command) -> None:
    """Each paragraph of a help text one line, for the screen to wrap: typer's help keeps a
    docstring's line breaks, which left half-empty lines at any other width. Paragraphs with an
    indented line or a list (examples, options) keep their lines."""
    if command.help:
        paragraphs = inspect.cleandoc(command.help).split("\n\n")
        command.help = "\n\n".join(
            p
            if any(line[:1].isspace() or line.startswith(("- ", "* ")) for line in p.split("\n"))
            else " ".join(p.split("\n"))
            for p in paragraphs
        )
    for sub in getattr(command, "commands", {}).values():
        _reflow(sub)


def _prepare(group: typer.Typer) -> None:
    """Help drawn by srm.cli.help, and each annotation string turned into an object once.

    Under `from __future__ import annotations` typer evaluates every annotation string four
    times per command it builds; once here costs a quarter of that.
    """
    for info in [*group.registered_commands, *group.registered_groups, group.registered_callback]:
        callback = getattr(info, "callback", None)
        if inspect.isfunction(callback):
            callback.__annotations__ = inspect.get_annotations(callback, eval_str=True)
    for command in group.registered_commands:
        command.cls = command.cls or HelpCommand
    for sub in group.registered_groups:
        if isinstance(sub.cls, DefaultPlaceholder) and sub.typer_instance.info.cls is None:
            sub.cls = HelpGroup
        _prepare(sub.typer_instance)


_prepare(app)


def output_streams() -> None:
    """Standard output and error that take any text srm prints, whatever the locale says.

    Names and notes hold any character; a locale or PYTHONIOENCODING that isn't UTF-8 (latin-1,
    a Windows code page on a pipe) made printing one a crash. To a pipe or a file, srm writes
    UTF-8, which its JSON, vCards and calendars are by their standards, so nothing is lost; on
    a terminal that can't show a character, it shows '?' in its place.
    """
    import codecs

    for stream in (sys.stdout, sys.stderr):
        if stream is None or not hasattr(stream, "reconfigure"):
            continue
        try:
            if codecs.lookup(stream.encoding or "ascii").name == "utf-8":
                continue
            if stream.isatty():
                stream.reconfigure(errors="replace")
            else:
                stream.reconfigure(encoding="utf-8", errors="strict")
        except (LookupError, OSError, ValueError):
            pass  # a stream we can't change: what it takes, it takes


def main() -> None:
    # Start-up leaves tens of thousands of objects that live as long as the process (modules,
    # typer, rich); frozen, the cyclic collector stops rescanning them whenever the command
    # allocates.
    gc.freeze()
    output_streams()
    sys.exit(app(prog_name="srm"))
