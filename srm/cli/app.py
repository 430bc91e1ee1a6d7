"""The root command: global options, the typed context, and the one place errors become exits."""

from __future__ import annotations

import gc
import importlib
import inspect
import sqlite3
import sys
from typing import Annotated

import typer
from typer.core import TyperGroup

from srm import __version__
from srm.cli.context import AppContext
from srm.errors import SrmError, StoreError

# Each module adds its commands with register(app); heavy imports stay inside the commands.
# The order is the order of the panels in `srm --help`.
COMMAND_MODULES = (
    "daily",
    "interactions",
    "contacts",
    "segments",
    "brief",
    "ideas",
    "goals",
    "stages",
    "important_dates",
    "report",
    "transfer",
    "db",
    "undo",
    "demo",
)


class SrmGroup(TyperGroup):
    """Turns every SrmError into one stderr line and its exit code; --debug shows the traceback."""

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:  # type: ignore[override]
        rest = super().parse_args(ctx, args)
        # The command as typed after the global options: what `srm undo` shows for its writes.
        protected = getattr(ctx, "_protected_args", None) or getattr(ctx, "protected_args", [])
        ctx.meta["srm.command"] = [*protected, *ctx.args]
        return rest

    def invoke(self, ctx: typer.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
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
        finally:
            obj = ctx.obj
            if isinstance(obj, AppContext):
                obj.close()


def _fail(ctx: typer.Context, text: str, code: int) -> None:
    obj = ctx.obj
    if isinstance(obj, AppContext) and obj.debug:
        import traceback

        traceback.print_exc()
    from srm.cli.output import err, esc

    err().print(f"[bold red]srm:[/] {esc(text)}", soft_wrap=True)
    raise typer.Exit(code)


app = typer.Typer(
    cls=SrmGroup,
    name="srm",
    help=(
        "srm: keep your relationships alive. Log each conversation, and each morning "
        "`srm due` tells you who needs a call."
    ),
    no_args_is_help=True,
    add_completion=False,
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

    command = shlex.join(ctx.meta.get("srm.command", []))
    ctx.obj = AppContext(db_flag=db, config_flag=config, debug=debug, command=command)


def _evaluate_annotations(group: typer.Typer) -> None:
    """Turn each command's annotation strings into objects once, before typer reads them.

    Under `from __future__ import annotations` typer evaluates every annotation string four
    times per command on every start (srm --help included); once here costs a quarter of that.
    """
    for info in [*group.registered_commands, *group.registered_groups, group.registered_callback]:
        callback = getattr(info, "callback", None)
        if inspect.isfunction(callback):
            callback.__annotations__ = inspect.get_annotations(callback, eval_str=True)
    for sub in group.registered_groups:
        _evaluate_annotations(sub.typer_instance)


for _name in COMMAND_MODULES:
    importlib.import_module(f"srm.cli.{_name}").register(app)
_evaluate_annotations(app)


def main() -> None:
    # Start-up leaves tens of thousands of objects that live as long as the process (modules,
    # typer, rich); frozen, the cyclic collector stops rescanning them whenever the command
    # allocates.
    gc.freeze()
    sys.exit(app(prog_name="srm"))
