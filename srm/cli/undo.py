"""`srm undo`: take back the last command that changed the store."""

from __future__ import annotations

from typing import Annotated

import typer

from srm.cli.context import ctx_of
from srm.cli.options import JsonOpt
from srm.cli.output import esc, message, print_json, show_rows


def register(app: typer.Typer) -> None:
    app.command("undo", rich_help_panel="Data")(undo)


def undo(
    ctx: typer.Context,
    list_: Annotated[
        bool, typer.Option("--list", "-l", help="List the commands undo can revert, newest first.")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Don't ask for confirmation.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Revert the most recent command that changed the store; again to go further back.

    Shows what it will revert and asks first. Refuses when a later command (or another srm)
    has changed the same records since. Erasure (srm rm) can't be undone.

    Examples:
      srm undo            # show the last command, ask, revert it
      srm undo --list     # the last 20 commands undo can revert
    """
    from srm.domain import undo as du

    app = ctx_of(ctx)
    store = app.store
    if list_:
        found = du.history(store)
        if as_json:
            print_json(found)
            return
        if not found:
            message("Nothing to undo.")
            return
        rows = [
            [str(c["id"]), c["created_at"].replace("T", " ")[:19], c["command"], str(c["rows"])]
            for c in found
        ]
        show_rows(["id", "when (UTC)", "command", "records"], rows)
        return
    p = du.preview(store)
    if as_json and not yes:
        print_json(p.as_json())  # a dry run: what `srm undo --yes` would revert
        return
    if not as_json:
        when = p.command.created_at.replace("T", " ")[:19]
        message(f"Undo #{p.command.id}: [bold]srm {esc(p.command.command)}[/] ({when} UTC)")
        for line in p.lines:
            message(f"  {esc(line)}")
        if p.more:
            message(f"  … and {p.more} more")
    if not yes and not typer.confirm("Revert it?", err=True):
        raise typer.Exit(1)
    du.undo(store, p.command.id)
    if as_json:
        print_json(dict(p.as_json(), undone=True))
    else:
        message(f"Reverted #{p.command.id}.")
