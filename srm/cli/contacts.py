"""Contact commands: add, contacts, show, edit, archive, unarchive, rm."""

from __future__ import annotations

from typing import Annotated

import typer

from srm.cadence import HELP as CADENCE_HELP
from srm.cli.context import ctx_of
from srm.cli.options import ContactArg, JsonOpt
from srm.cli.output import esc, message, print_json, show_rows
from srm.domain.common import plural

PANEL = "Contacts"
Email = Annotated[str | None, typer.Option(help="Email address.")]
Phone = Annotated[str | None, typer.Option(help="Phone number.")]
Org = Annotated[str | None, typer.Option(help="Organisation.")]
Team = Annotated[str | None, typer.Option(help="Team or department (for internal peers).")]
Role = Annotated[str | None, typer.Option(help="Role or title.")]
CadenceOpt = Annotated[
    str | None, typer.Option("--cadence", help=f"Check-in cadence: {CADENCE_HELP}.")
]
Since = Annotated[
    str | None,
    typer.Option(
        "--since",
        metavar="DATE",
        help="When tracking starts (default today); first check-in is one cadence later.",
    ),
]
Note = Annotated[str | None, typer.Option("--note", help="Free-text note about the person.")]


def register(app: typer.Typer) -> None:
    app.command("add", rich_help_panel=PANEL)(add)
    app.command("contacts", rich_help_panel=PANEL)(contacts)
    app.command("show", rich_help_panel=PANEL)(show_contact)
    app.command("edit", rich_help_panel=PANEL)(edit)
    app.command("archive", rich_help_panel=PANEL)(archive)
    app.command("unarchive", rich_help_panel=PANEL)(unarchive)
    app.command("rm", rich_help_panel=PANEL)(rm)


def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Full name.")],
    email: Email = None,
    phone: Phone = None,
    org: Org = None,
    team: Team = None,
    role: Role = None,
    segment: Annotated[
        list[str] | None, typer.Option("--segment", "-s", help="Segment (repeatable).")
    ] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", "-t", help="Tag (repeatable).")] = None,
    cadence: CadenceOpt = None,
    since: Since = None,
    note: Note = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a contact. Its handle (used to refer to it) is derived from the name."""
    from srm.domain import contacts as dc

    app = ctx_of(ctx)
    when = app.date(since)
    store = app.store
    c = dc.add(
        store,
        name,
        since=when,
        email=email,
        phone=phone,
        org=org,
        team=team,
        role=role,
        segments=segment or [],
        tags=tag or [],
        cadence=cadence,
        note=note or "",
    )
    if as_json:
        print_json(c.as_json())
    else:
        message(f"Added [bold]{esc(c.name)}[/] as [cyan]{esc(c.handle)}[/] (id {c.id}).")


def contacts(
    ctx: typer.Context,
    segment: Annotated[
        str | None, typer.Option("--segment", "-s", help="Only this segment.")
    ] = None,
    tag: Annotated[
        str | None, typer.Option("--tag", "-t", help="Only contacts with this tag.")
    ] = None,
    search: Annotated[
        str | None, typer.Option("--search", "-q", help="Part of name, email, org or handle.")
    ] = None,
    stage: Annotated[
        str | None, typer.Option("--stage", help="Only contacts currently at this stage.")
    ] = None,
    archived: Annotated[
        bool, typer.Option("--archived", help="List archived contacts instead.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """List contacts with their cadence, last interaction and next check-in."""
    from srm.domain import contacts as dc
    from srm.domain import schedule

    app = ctx_of(ctx)
    store = app.store
    if stage is not None:
        from srm.domain.stages import check

        stage = check(app.config, stage)
    filters = {"segment": segment, "tag": tag, "query": search, "archived": archived}
    if as_json:
        found = dc.listing_json(store, **filters, stage=stage)
        ids = [c["id"] for c in found]
        plans = schedule.texts(store, app.config, app.today, ids)
        extra = _listing_extras(store, ids, app.today)
        for c in found:
            c["effective_cadence"], c["last_interaction"], c["next_due"] = plans[c["id"]]
            c.update(extra.get(c["id"], {}))
        print_json(found)
        return
    listed = dc.listing(store, **filters, stage=stage)
    if not listed:
        message(
            "No contacts match."
            if (segment or tag or search or stage)
            else "No contacts yet: srm add NAME"
        )
        return
    plans = schedule.texts(store, app.config, app.today, [c.id for c in listed])

    def row(c: dc.Listed) -> list[str]:
        cadence, last, due = plans[c.id]
        return [
            c.handle,
            c.name,
            c.org or "",
            ", ".join(c.segments),
            ", ".join(c.tags),
            cadence or "none",
            last or "never",
            due or "",
        ]

    columns = ["handle", "name", "org", "segments", "tags", "cadence", "last", "next due"]
    show_rows(columns, map(row, listed))
    message(plural(len(listed), "contact"))


def _listing_extras(store, ids: list[int], today) -> dict[int, dict]:
    """Per-contact figures that other modules add to listings (the give/ask ledger, stage)."""
    from srm.domain import extras

    return extras.for_contacts(store, ids, today)


def show_contact(
    ctx: typer.Context,
    contact: ContactArg,
    all_: Annotated[
        bool, typer.Option("--all", help="Show every interaction, not just the latest.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Show one contact: details, next check-in, interactions, follow-ups, goals, ideas, dates."""
    from srm.domain import contacts as dc
    from srm.domain import profile

    app = ctx_of(ctx)
    store = app.store
    c = dc.resolve(store, contact)
    p = profile.build(store, app.config, c, app.today, limit=None if all_ else 10)
    if as_json:
        print_json(p)
        return
    from srm.cli import render

    render.profile(p)


def edit(
    ctx: typer.Context,
    contact: ContactArg,
    name: Annotated[str | None, typer.Option("--name", help="New name (the handle stays).")] = None,
    email: Email = None,
    phone: Phone = None,
    org: Org = None,
    team: Team = None,
    role: Role = None,
    segment: Annotated[
        list[str] | None, typer.Option("--segment", "-s", help="Add to segment (repeatable).")
    ] = None,
    remove_segment: Annotated[
        list[str] | None, typer.Option("--remove-segment", help="Remove from segment.")
    ] = None,
    tag: Annotated[
        list[str] | None, typer.Option("--tag", "-t", help="Add tag (repeatable).")
    ] = None,
    remove_tag: Annotated[
        list[str] | None, typer.Option("--remove-tag", help="Remove tag.")
    ] = None,
    cadence: Annotated[
        str | None,
        typer.Option("--cadence", help=f"{CADENCE_HELP}; 'inherit' to follow segments again."),
    ] = None,
    since: Since = None,
    note: Note = None,
    as_json: JsonOpt = False,
) -> None:
    """Change a contact. Pass an empty string (--org '') to clear a field."""
    from srm.domain import contacts as dc

    app = ctx_of(ctx)
    store = app.store
    c = dc.resolve(store, contact)
    c = dc.edit(
        store,
        c,
        name=name,
        email=email,
        phone=phone,
        org=org,
        team=team,
        role=role,
        add_segments=segment or [],
        remove_segments=remove_segment or [],
        add_tags=tag or [],
        remove_tags=remove_tag or [],
        cadence=cadence,
        since=app.date(since) if since else None,
        note=note,
    )
    if as_json:
        print_json(c.as_json())
    else:
        message(f"Updated [bold]{esc(c.name)}[/] ({esc(c.handle)}).")


def archive(
    ctx: typer.Context,
    contact: ContactArg,
    on: Annotated[
        str | None,
        typer.Option("--on", metavar="DATE", help="When the relationship ended (default today)."),
    ] = None,
) -> None:
    """Archive a contact: kept with its history, but no longer listed or due."""
    _set_archived(ctx, contact, True, on)


def unarchive(ctx: typer.Context, contact: ContactArg) -> None:
    """Bring an archived contact back."""
    _set_archived(ctx, contact, False, None)


def _set_archived(ctx: typer.Context, contact: str, archived: bool, on: str | None) -> None:
    from srm.domain import contacts as dc

    app = ctx_of(ctx)
    when = app.date(on, allow_future=False)
    store = app.store
    c = dc.set_archived(store, dc.resolve(store, contact), archived, when)
    message(f"{'Archived' if archived else 'Unarchived'} [bold]{esc(c.name)}[/] ({esc(c.handle)}).")


def rm(
    ctx: typer.Context,
    contact: ContactArg,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Don't ask for confirmation.")] = False,
) -> None:
    """Erase a contact and their history for good (interactions shared with others stay for them)."""
    from srm.domain import contacts as dc

    store = ctx_of(ctx).store
    c = dc.resolve(store, contact)
    if not yes and not typer.confirm(f"Erase {c.name} ({c.handle}) and all their history?"):
        raise typer.Exit(1)
    dc.remove(store, c)
    message(f"Erased [bold]{esc(c.name)}[/].")
