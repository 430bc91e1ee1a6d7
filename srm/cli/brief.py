"""`srm brief`: the screen to read before meeting someone."""

from __future__ import annotations

from typing import Annotated

import typer

from srm.cli.context import ctx_of
from srm.cli.options import ContactArg
from srm.cli.output import print_json


def register(app: typer.Typer) -> None:
    app.command("brief", rich_help_panel="Relationships")(brief)


def brief(
    ctx: typer.Context,
    contact: ContactArg,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (stable field names, ISO dates).")
    ] = False,
) -> None:
    """Before a meeting: who they are, recent talks, their goals, what you owe and can offer.

    Examples:
      srm brief maria
      srm brief maria --json
    """
    from srm.domain import contacts as dc
    from srm.domain import profile

    app = ctx_of(ctx)
    store = app.store
    c = dc.resolve(store, contact)
    data = profile.brief(store, app.config, c, app.today)
    if as_json:
        print_json(data)
        return
    from srm.cli import render

    render.brief(data)
