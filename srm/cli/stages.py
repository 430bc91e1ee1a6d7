"""Stage commands: stage (move a contact), stages (one contact's history, or everyone's count)."""

from __future__ import annotations

from typing import Annotated

import typer

from srm.cli.context import ctx_of
from srm.cli.options import ContactArg, JsonOpt
from srm.cli.output import esc, message, print_json, show, table

PANEL = "Relationships"


def register(app: typer.Typer) -> None:
    app.command("stage", rich_help_panel=PANEL)(stage)
    app.command("stages", rich_help_panel=PANEL)(stages)


def stage(
    ctx: typer.Context,
    contact: ContactArg,
    new_stage: Annotated[
        str,
        typer.Argument(
            metavar="STAGE",
            help="know, like, trust, try, buy, repeat, refer (or the config's `stages`).",
        ),
    ],
    on: Annotated[
        str | None,
        typer.Option("--on", metavar="DATE", help="When they moved (default today)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Move a contact to a stage of the relationship; the history is kept.

    Examples:
      srm stage maria trust
      srm stage maria try --on 2026-10-01
    """
    from srm.domain import contacts as dc
    from srm.domain import stages as ds

    app = ctx_of(ctx)
    ds.check(app.config, new_stage)
    when = app.date(on, allow_future=False)
    store = app.store
    c = dc.resolve(store, contact)
    change, moved = ds.set_stage(store, app.config, c, new_stage, when)
    if as_json:
        print_json({"contact": c.ref(), "moved": moved, **change})
    elif moved:
        came = f" from {esc(change['from_stage'])}" if change["from_stage"] else ""
        message(
            f"[bold]{esc(c.name)}[/] moved{came} to {esc(change['stage'])} on {change['changed_on']}."
        )
    else:
        message(
            f"[bold]{esc(c.name)}[/] is already at {esc(change['stage'])}"
            f" (since {change['changed_on']})."
        )


def stages(
    ctx: typer.Context,
    contact: Annotated[
        str | None,
        typer.Argument(help="Show this contact's stage history (else: contacts per stage)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """How many contacts are at each stage, or one contact's moves from stage to stage.

    Examples:
      srm stages
      srm stages maria
    """
    from srm.domain import contacts as dc
    from srm.domain import stages as ds

    app = ctx_of(ctx)
    store = app.store
    if contact is None:
        counts = ds.pipeline(store, app.config)
        if as_json:
            print_json(counts)
            return
        t = table("stage", "contacts")
        for row in counts:
            t.add_row(
                esc(row["stage"]) if row["stage"] else "[dim](no stage)[/]", str(row["contacts"])
            )
        show(t)
        return
    c = dc.resolve(store, contact)
    moves = ds.history(store, c.id)
    if as_json:
        print_json(moves)
        return
    if not moves:
        message(f"{esc(c.name)} has no stage yet: srm stage {esc(c.handle)} STAGE")
        return
    t = table("date", "from", "to", title=f"Stages of {esc(c.name)}")
    for m in moves:
        t.add_row(m["changed_on"], esc(m["from_stage"]), esc(m["stage"]))
    show(t)
