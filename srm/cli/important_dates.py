"""Commands for dates that matter: dates, date add/rm."""

from __future__ import annotations

from typing import Annotated

import typer

from srm.cli.context import ctx_of
from srm.cli.options import ContactArg, JsonOpt, days, record_id
from srm.cli.output import esc, message, print_json

PANEL = "Relationships"
date_app = typer.Typer(
    help="Dates that matter (birthdays, anniversaries, promotions): add, rm.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.command("dates", rich_help_panel=PANEL)(dates)
    app.add_typer(date_app, name="date", rich_help_panel=PANEL)


# ignore_unknown_options: the vCard form --12-25 is a value here, not an option.
@date_app.command("add", context_settings={"ignore_unknown_options": True})
def add(
    ctx: typer.Context,
    contact: ContactArg,
    label: Annotated[
        str, typer.Argument(help="birthday, anniversary, promotion, or your own label.")
    ],
    when: Annotated[
        str,
        typer.Argument(
            metavar="DATE", help="YYYY-MM-DD, or without the year: MM-DD or --MM-DD (vCard)."
        ),
    ],
    as_json: JsonOpt = False,
) -> None:
    """Record a yearly date for a contact; it shows in `srm due` when it comes near.

    Examples:
      srm date add maria birthday 03-20
      srm date add maria anniversary 2019-06-01
    """
    from srm.domain import contacts as dc
    from srm.domain import important_dates as di

    app = ctx_of(ctx)
    store = app.store
    c = dc.resolve(store, contact)
    d = di.add(store, c, label, when, app.today)
    if as_json:
        print_json(d)
    else:
        message(
            f"Date #{d['id']} for [bold]{esc(c.name)}[/]: {esc(d['text'])}, next on {d['date']}."
        )


def dates(
    ctx: typer.Context,
    within: Annotated[
        int | None,
        typer.Option(
            "--within",
            metavar="DAYS",
            help="Only dates in the next DAYS (default all).",
            parser=days,
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """List dates that matter by their next occurrence, soonest first.

    Examples:
      srm dates
      srm dates --within 60
    """
    from srm.domain import important_dates as di

    app = ctx_of(ctx)
    found = di.upcoming(app.store, app.today, within=within)
    if as_json:
        print_json(found)
        return
    if not found:
        message(
            f"No dates in the next {within} days."
            if within is not None
            else "No dates yet: srm date add CONTACT birthday MM-DD"
        )
        return
    from srm.cli.output import show_rows
    from srm.cli.render import date_rows

    show_rows(*date_rows(found, with_contact=True))


@date_app.command("rm")
def rm(
    ctx: typer.Context,
    date_id: Annotated[
        int, typer.Argument(metavar="ID", help="Date id (srm dates lists them).", parser=record_id)
    ],
) -> None:
    """Remove a date.

    Example:
      srm date rm 7
    """
    from srm.domain import important_dates as di

    app = ctx_of(ctx)
    d = di.remove(app.store, date_id, app.today)
    message(f"Removed {esc(d['label'])} of {esc(d['contact']['name'])} (date #{d['id']}).")
