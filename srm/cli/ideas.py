"""Non-ask idea commands: ideas, idea add/done/drop."""

from __future__ import annotations

from typing import Annotated

import typer

from srm.cli.context import ctx_of
from srm.cli.options import JsonOpt, record_id
from srm.cli.output import esc, message, print_json, show_rows

PANEL = "Relationships"
IdArg = Annotated[
    int, typer.Argument(metavar="ID", help="Idea id (srm ideas lists them).", parser=record_id)
]
idea_app = typer.Typer(
    help="Ways to help someone that bring you nothing in return: add, edit, done, drop.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.command("ideas", rich_help_panel=PANEL)(ideas)
    app.add_typer(idea_app, name="idea", rich_help_panel=PANEL)


def _target(idea: dict) -> str:
    return idea["contact"]["name"] if idea["contact"] else f"segment {idea['segment']}"


@idea_app.command("add")
def add(
    ctx: typer.Context,
    words: Annotated[
        list[str],
        typer.Argument(
            metavar="[CONTACT] TEXT",
            help="Who it is for (leave out with --segment) and the idea, e.g. 'intro to a speaker'.",
        ),
    ],
    segment: Annotated[
        str | None,
        typer.Option("--segment", "-s", help="The idea is for everyone in this segment."),
    ] = None,
    on: Annotated[
        str | None, typer.Option("--on", metavar="DATE", help="When you had it (default today).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Note a non-ask idea for a contact, or for a segment with --segment.

    Examples:
      srm idea add maria "intro to a venue owner"
      srm idea add --segment members "free ticket to the meetup"
    """
    from srm.domain import contacts as dc
    from srm.domain import ideas as di
    from srm.errors import UsageError

    app = ctx_of(ctx)
    wanted = 1 if segment is not None else 2
    if len(words) != wanted:
        raise UsageError(
            "give CONTACT and TEXT, or --segment S and TEXT (not both a contact and a segment)"
        )
    when = app.date(on, allow_future=False)
    store = app.store
    contact = dc.resolve(store, words[0]) if segment is None else None
    idea = di.add(store, words[-1], on=when, contact=contact, segment=segment)
    if as_json:
        print_json(idea)
    else:
        message(f"Idea #{idea['id']} for [bold]{esc(_target(idea))}[/]: {esc(idea['text'])}")


def ideas(
    ctx: typer.Context,
    open_only: Annotated[bool, typer.Option("--open", help="Only ideas not yet given.")] = False,
    contact: Annotated[
        str | None,
        typer.Option("--contact", "-c", help="Ideas for this contact or any of their segments."),
    ] = None,
    segment: Annotated[
        str | None, typer.Option("--segment", "-s", help="Ideas for this segment.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """List non-ask ideas: open ones first (oldest first), then delivered and dropped.

    Examples:
      srm ideas --open
      srm ideas --contact maria
    """
    from srm.domain import contacts as dc
    from srm.domain import ideas as di

    store = ctx_of(ctx).store
    who = dc.resolve(store, contact) if contact is not None else None
    found = di.list_ideas(store, open_only=open_only, contact=who, segment=segment)
    if as_json:
        print_json(found)
        return
    if not found:
        message(
            "No ideas match."
            if open_only or contact or segment
            else 'No ideas yet: srm idea add CONTACT "TEXT"'
        )
        return
    rows = []
    for i in found:
        status = i["status"] if i["status"] == "open" else f"{i['status']} {i['closed_on']}"
        rows.append([str(i["id"]), _target(i), i["text"], status, i["created_on"]])
    show_rows(["id", "for", "idea", "status", "since"], rows)


@idea_app.command("edit")
def edit(
    ctx: typer.Context,
    idea_id: IdArg,
    text: Annotated[str | None, typer.Option("--text", help="The new wording.")] = None,
    contact: Annotated[
        str | None, typer.Option("--contact", "-c", help="It is for this contact instead.")
    ] = None,
    segment: Annotated[
        str | None, typer.Option("--segment", "-s", help="It is for this segment instead.")
    ] = None,
    on: Annotated[
        str | None, typer.Option("--on", metavar="DATE", help="When you really had it.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Reword an idea, or move it to another contact or segment.

    Examples:
      srm idea edit 4 --text "intro to the venue's events manager"
      srm idea edit 4 --segment members
    """
    from srm.domain import contacts as dc
    from srm.domain import ideas as di

    app = ctx_of(ctx)
    when = app.date(on, allow_future=False) if on else None
    store = app.store
    who = dc.resolve(store, contact) if contact is not None else None
    idea = di.edit(store, idea_id, text=text, contact=who, segment=segment, on=when)
    if as_json:
        print_json(idea)
    else:
        message(f"Idea #{idea['id']} for [bold]{esc(_target(idea))}[/]: {esc(idea['text'])}")


@idea_app.command("done")
def done(
    ctx: typer.Context,
    idea_id: IdArg,
    on: Annotated[
        str | None,
        typer.Option("--on", metavar="DATE", help="When you gave it (default today)."),
    ] = None,
) -> None:
    """Mark an idea delivered (`srm log CONTACT "..." --idea ID` also logs the give).

    Example:
      srm idea done 4
    """
    _close(ctx, idea_id, "delivered", on)


@idea_app.command("drop")
def drop(
    ctx: typer.Context,
    idea_id: IdArg,
    on: Annotated[
        str | None, typer.Option("--on", metavar="DATE", help="When you let it go (default today).")
    ] = None,
) -> None:
    """Drop an idea you will not pursue.

    Example:
      srm idea drop 4 --on yesterday
    """
    _close(ctx, idea_id, "dropped", on)


def _close(ctx: typer.Context, idea_id: int, status: str, on: str | None) -> None:
    from srm.domain import ideas as di

    app = ctx_of(ctx)
    when = app.date(on, allow_future=False)
    idea = di.close(app.store, idea_id, status, when)
    message(f"Idea #{idea['id']} ({esc(idea['text'])}) for {esc(_target(idea))}: {status}.")
