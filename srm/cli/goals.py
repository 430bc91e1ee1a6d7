"""Partners' goal commands: goals, goal add/confirm/done/drop."""

from __future__ import annotations

from typing import Annotated

import typer

from srm.cli.context import ctx_of
from srm.cli.options import ContactArg, JsonOpt, record_id
from srm.cli.output import esc, message, print_json, show

PANEL = "Relationships"
IdArg = Annotated[
    int, typer.Argument(metavar="ID", help="Goal id (srm goals lists them).", parser=record_id)
]
goal_app = typer.Typer(
    help="What your partners are trying to achieve: add, edit, confirm, done, drop.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.command("goals", rich_help_panel=PANEL)(goals)
    app.add_typer(goal_app, name="goal", rich_help_panel=PANEL)


@goal_app.command("add")
def add(
    ctx: typer.Context,
    contact: ContactArg,
    text: Annotated[str, typer.Argument(help="Their goal, e.g. 'grow member retention'.")],
    on: Annotated[
        str | None,
        typer.Option("--on", metavar="DATE", help="When they told you (default today)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Record a goal a contact is working towards; `srm due` asks you to re-check it.

    Example:
      srm goal add maria "grow member retention"
    """
    from srm.domain import contacts as dc
    from srm.domain import goals as dg

    app = ctx_of(ctx)
    when = app.date(on, allow_future=False)
    store = app.store
    c = dc.resolve(store, contact)
    g = dg.add(store, c, text, on=when, today=app.today, max_age=app.config.goal_max_age_days)
    if as_json:
        print_json(g)
    else:
        message(f"Goal #{g['id']} for [bold]{esc(c.name)}[/]: {esc(g['text'])}")


def goals(
    ctx: typer.Context,
    contact: Annotated[
        str | None, typer.Argument(help="Only this contact's goals (id, handle or name).")
    ] = None,
    all_: Annotated[
        bool, typer.Option("--all", help="Include goals done or dropped (the history).")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """List partners' goals and how long since each was confirmed as still their priority.

    Examples:
      srm goals
      srm goals maria --all
    """
    from srm.domain import contacts as dc
    from srm.domain import goals as dg

    app = ctx_of(ctx)
    store = app.store
    cid = dc.resolve(store, contact).id if contact is not None else None
    max_age = app.config.goal_max_age_days
    found = dg.list_goals(store, app.today, max_age, contact_id=cid, include_closed=all_)
    if as_json:
        print_json(found)
        return
    if not found:
        message('No goals recorded: srm goal add CONTACT "TEXT"')
        return
    from srm.cli.render import goals_table

    show(goals_table(found, with_contact=cid is None))
    if any(g["stale"] for g in found):
        message(
            f"Goals unconfirmed for over {max_age} days are marked: ask whether they still hold."
        )


@goal_app.command("edit")
def edit(
    ctx: typer.Context,
    goal_id: IdArg,
    text: Annotated[str | None, typer.Option("--text", help="The new wording.")] = None,
    on: Annotated[
        str | None, typer.Option("--on", metavar="DATE", help="When they really told you.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Reword a goal or correct when it was recorded (a new goal is a new `goal add`).

    Example:
      srm goal edit 3 --text "grow member retention to 80%"
    """
    from srm.domain import goals as dg

    app = ctx_of(ctx)
    when = app.date(on, allow_future=False) if on else None
    g = dg.edit(
        app.store, goal_id, text=text, on=when, today=app.today,
        max_age=app.config.goal_max_age_days,
    )  # fmt: skip
    if as_json:
        print_json(g)
    else:
        message(f"Goal #{g['id']} for [bold]{esc(g['contact']['name'])}[/]: {esc(g['text'])}")


@goal_app.command("confirm")
def confirm(
    ctx: typer.Context,
    goal_id: IdArg,
    on: Annotated[
        str | None,
        typer.Option("--on", metavar="DATE", help="When they confirmed it (default today)."),
    ] = None,
) -> None:
    """Record that a goal is still their priority (each confirmation is kept).

    Example:
      srm goal confirm 3
    """
    from srm.domain import goals as dg

    app = ctx_of(ctx)
    when = app.date(on, allow_future=False)
    g = dg.confirm(app.store, goal_id, when, app.today, app.config.goal_max_age_days)
    message(
        f"Goal #{g['id']} ({esc(g['text'])}) for {esc(g['contact']['name'])}:"
        f" confirmed on {when.isoformat()}."
    )


@goal_app.command("done")
def done(
    ctx: typer.Context,
    goal_id: IdArg,
    on: Annotated[
        str | None,
        typer.Option("--on", metavar="DATE", help="When they reached it (default today)."),
    ] = None,
) -> None:
    """Mark a goal achieved; it stays in the history (srm goals --all).

    Example:
      srm goal done 3
    """
    _close(ctx, goal_id, "done", on)


@goal_app.command("drop")
def drop(
    ctx: typer.Context,
    goal_id: IdArg,
    on: Annotated[
        str | None,
        typer.Option("--on", metavar="DATE", help="When they let it go (default today)."),
    ] = None,
) -> None:
    """Drop a goal that is no longer theirs; it stays in the history (srm goals --all).

    Example:
      srm goal drop 3 --on 2026-11-01
    """
    _close(ctx, goal_id, "dropped", on)


def _close(ctx: typer.Context, goal_id: int, status: str, on: str | None) -> None:
    from srm.domain import goals as dg

    app = ctx_of(ctx)
    when = app.date(on, allow_future=False)
    g = dg.close(app.store, goal_id, status, when, app.today, app.config.goal_max_age_days)
    message(f"Goal #{g['id']} ({esc(g['text'])}) for {esc(g['contact']['name'])}: {status}.")
