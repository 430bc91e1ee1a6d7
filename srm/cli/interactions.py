"""Interactions after the fact: timeline, search, and interaction show/edit/rm."""

from __future__ import annotations

from contextlib import nullcontext
from typing import Annotated

import typer

from srm.cli.context import AppContext, ctx_of
from srm.cli.options import JsonOpt, count, record_id
from srm.cli.output import esc, message, print_json, show_rows

PANEL = "Daily"
interaction_app = typer.Typer(
    help="Correct or remove a logged interaction (ids: srm timeline, srm show).",
    no_args_is_help=True,
)
IdArg = Annotated[
    int,
    typer.Argument(
        metavar="ID", help="Interaction id (srm timeline, srm show list them).", parser=record_id
    ),
]
TIMELINE_LIMIT = 50


def register(app: typer.Typer) -> None:
    app.command("timeline", rich_help_panel=PANEL)(timeline)
    app.command("search", rich_help_panel=PANEL)(search)
    app.add_typer(interaction_app, name="interaction", rich_help_panel=PANEL)


def _people(item: dict) -> str:
    return ", ".join(p["name"] for p in item["contacts"])


def _line(item: dict) -> str:
    kind = "" if item["kind"] == "checkin" else f" {item['kind']}"
    mood = " (negative)" if item["sentiment"] == "negative" else ""
    by = f" (logged by {item['logged_by']['name']})" if item.get("logged_by") else ""
    if item.get("captured"):
        mood += f" (captured from {item['captured']})"
    return (
        f"#{item['id']} {item['date']} {item['channel']}{kind} with {_people(item)}:"
        f" {item['summary']}{mood}{by}"
    )


def timeline(
    ctx: typer.Context,
    since: Annotated[
        str | None, typer.Option("--since", metavar="DATE", help="From this date on.")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", metavar="DATE", help="Up to this date.")
    ] = None,
    contact: Annotated[
        str | None, typer.Option("--contact", "-c", help="Only interactions with this contact.")
    ] = None,
    segment: Annotated[
        str | None, typer.Option("--segment", "-s", help="Only with contacts in this segment.")
    ] = None,
    channel: Annotated[
        str | None, typer.Option("--channel", help="Only this channel (email, video …).")
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            "-n",
            metavar="N",
            help=f"Show at most N (default {TIMELINE_LIMIT}).",
            parser=count,
        ),
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Show every match, no limit.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Every interaction across contacts, newest first, with its id: what did I do this week?

    Examples:
      srm timeline --since monday
      srm timeline --contact maria --channel video --all
    """
    from srm.domain import contacts as dc
    from srm.domain import interactions
    from srm.domain import segments as ds

    app = ctx_of(ctx)
    filters = {
        "since": app.date(since) if since else None,
        "until": app.date(until) if until else None,
        "channel": interactions.check_channel(app.config, channel) if channel else None,
    }
    store = app.store
    if contact:
        filters["contact_id"] = dc.resolve(store, contact).id
    if segment:
        filters["segment_id"] = ds.get(store, segment).id
    cap = None if all_ else limit or TIMELINE_LIMIT
    rows = interactions.history(store, limit=cap, **filters)
    if as_json:
        print_json(list(rows))
        return
    from srm.domain import team

    by = team.active(store)  # a team's store: who logged each

    def row(item: dict) -> list[str]:
        kind = "" if item["kind"] == "checkin" else item["kind"]
        mood = " (negative)" if item["sentiment"] == "negative" else ""
        logged = item["logged_by"]["name"] if item["logged_by"] else ""
        if item["captured"]:
            mood += f" (captured from {item['captured']})"
        return [
            str(item["id"]),
            item["date"],
            item["channel"],
            kind,
            _people(item),
            item["summary"] + mood,
            *([logged] if by else []),
        ]

    # Printed as they are read: `timeline --all` of a million interactions starts at once.
    columns = ["id", "date", "channel", "kind", "with", "summary"]
    shown = show_rows(columns + (["by"] if by else []), map(row, rows))
    if not shown:
        message("No interactions match.")
        return
    if cap is not None and shown == cap:
        total = interactions.count(store, **filters)
        if total > shown:
            message(f"… and {total - shown} more (--all shows them).")


def search(
    ctx: typer.Context,
    words: Annotated[
        list[str],
        typer.Argument(metavar="TEXT", help='Words, "a phrase", a prefix* ; AND/OR/NOT.'),
    ],
    contact: Annotated[
        str | None, typer.Option("--contact", "-c", help="Only records about this contact.")
    ] = None,
    limit: Annotated[
        int,
        typer.Option("--limit", "-n", metavar="N", help="Show at most N matches.", parser=count),
    ] = 20,
    as_json: JsonOpt = False,
) -> None:
    """Search everything you wrote, best matches first.

    Interaction summaries and notes, contact names and notes, follow-ups, ideas and goals.

    Examples:
      srm search "venue shortlist"
      srm search venu* --contact maria
    """
    from srm.domain import contacts as dc
    from srm.domain import search as ds

    app = ctx_of(ctx)
    store = app.store
    cid = dc.resolve(store, contact).id if contact else None
    hits = ds.search(store, " ".join(words), limit=limit, contact_id=cid)
    if as_json:
        for h in hits:
            h["snippet"] = h["snippet"].replace(ds.MARK_START, "**").replace(ds.MARK_END, "**")
        print_json(hits)
        return
    if not hits:
        message("Nothing found.")
        return
    from srm.cli.output import out

    for h in hits:
        who = ", ".join(p["name"] for p in h["contacts"])
        when = f" {h['date']}" if h.get("date") else ""
        snippet = (
            esc(" ".join(h["snippet"].split()))
            .replace(ds.MARK_START, "[bold yellow]")
            .replace(ds.MARK_END, "[/]")
        )
        out().print(
            f"[cyan]{h['kind']} #{h['id']}[/]{when} [dim]{esc(who)}[/]\n  {snippet}",
            soft_wrap=True,
        )


@interaction_app.command("show")
def show(ctx: typer.Context, interaction_id: IdArg, as_json: JsonOpt = False) -> None:
    """Show one interaction in full, with its note.

    Example:
      srm interaction show 12
    """
    from srm.domain import interactions

    item = interactions.get(ctx_of(ctx).store, interaction_id)
    if as_json:
        print_json(item)
        return
    message(esc(_line(item)))
    if item["note"]:
        message(esc(item["note"]))


@interaction_app.command("edit")
def edit(
    ctx: typer.Context,
    interaction_id: IdArg,
    on: Annotated[
        str | None, typer.Option("--on", metavar="DATE", help="When it really happened.")
    ] = None,
    channel: Annotated[str | None, typer.Option("--channel", "-c", help="The channel.")] = None,
    ask: Annotated[bool, typer.Option("--ask", help="It was an ask.")] = False,
    give: Annotated[bool, typer.Option("--give", help="It was a give.")] = False,
    checkin: Annotated[bool, typer.Option("--checkin", help="It was neither: a check-in.")] = False,
    sentiment: Annotated[
        str | None, typer.Option("--sentiment", help="positive, neutral or negative.")
    ] = None,
    summary: Annotated[str | None, typer.Option("--summary", help="The new summary.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="The new note ('' clears it).")] = None,
    edit_note: Annotated[bool, typer.Option("--edit", help="Edit the note in $EDITOR.")] = False,
    add_contact: Annotated[
        list[str] | None,
        typer.Option("--add-contact", metavar="CONTACT", help="Someone else who was there."),
    ] = None,
    remove_contact: Annotated[
        list[str] | None,
        typer.Option("--remove-contact", metavar="CONTACT", help="Someone who wasn't there."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Correct a logged interaction: date, channel, kind, sentiment, summary, note, who.

    Next check-ins, repairs, the give/ask ledger and reports follow the corrected history.

    Examples:
      srm interaction edit 12 --on yesterday --channel video
      srm interaction edit 12 --give --add-contact tom
    """
    from srm.domain import contacts as dc
    from srm.domain import interactions
    from srm.errors import UsageError

    app = ctx_of(ctx)
    if sum((ask, give, checkin)) > 1:
        raise UsageError("an interaction is one of --ask, --give or --checkin")
    if note is not None and edit_note:
        raise UsageError("use --note TEXT or --edit, not both")
    when = app.date(on, allow_future=False) if on else None
    store = app.store
    add = [dc.resolve(store, c) for c in add_contact or []]
    remove = [dc.resolve(store, c) for c in remove_contact or []]
    kind = "ask" if ask else "give" if give else "checkin" if checkin else None
    before = interactions.get(store, interaction_id)
    if edit_note:
        from srm.cli.daily import edited_note

        editing = edited_note(before["contacts"], before["summary"], initial=before["note"])
    else:
        editing = nullcontext(note)
    with editing as note:
        item = interactions.edit(
            store,
            app.config,
            interaction_id,
            on=when,
            channel=channel,
            kind=kind,
            sentiment=sentiment,
            summary=summary,
            note=note,
            add=add,
            remove=remove,
        )
    if as_json:
        print_json(item)
        return
    message(f"Updated {esc(_line(item))}")
    _next_checkins(app, before["contacts"] + item["contacts"])


def _next_checkins(app: AppContext, people: list[dict]) -> None:
    """Each affected contact's next check-in, as the corrected history puts it."""
    from srm.domain import schedule

    ids = list(dict.fromkeys(p["id"] for p in people))
    plans = schedule.schedules(
        app.store, app.config, app.today, contact_ids=ids, include_archived=True
    )
    names = {p["id"]: p["name"] for p in people}
    for cid in ids:
        p = plans.get(cid)
        if p is None:
            continue
        due = p.due.isoformat() if p.due else "— not tracked"
        message(f"  {esc(names[cid])}: next check-in {due}")


@interaction_app.command("rm")
def rm(
    ctx: typer.Context,
    interaction_id: IdArg,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Don't ask for confirmation.")] = False,
) -> None:
    """Remove a logged interaction (srm undo brings it back).

    Example:
      srm interaction rm 12 --yes
    """
    from srm.domain import interactions

    app = ctx_of(ctx)
    store = app.store
    item = interactions.get(store, interaction_id)
    if not yes and not typer.confirm(f"Remove {_line(item)}?", err=True):
        raise typer.Exit(1)
    gone = interactions.remove(store, interaction_id)
    message(f"Removed interaction #{interaction_id} ({esc(item['summary'])}).")
    if gone["idea_id"] is not None:
        message(f"  idea #{gone['idea_id']} is open again")
    for f in gone["followups"]:
        if f["status"] == "open":
            message(
                f"  follow-up #{f['id']} ({esc(f['text'])}) stays open:"
                f" srm followup drop {f['id']} if it was a mistake too"
            )
    _next_checkins(app, item["contacts"])
