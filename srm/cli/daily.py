"""The daily loop: log after a meeting, due each morning, snooze, follow-ups."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Annotated

import typer

from srm.cli.context import AppContext, ctx_of
from srm.cli.options import ContactArg, JsonOpt, count, days, record_id
from srm.cli.output import esc, message, print_json, show_rows

PANEL = "Daily"
followup_app = typer.Typer(
    help="Promises to keep: add one made outside a meeting, reschedule, mark done or drop.",
    no_args_is_help=True,
)
FollowupId = Annotated[
    int, typer.Argument(metavar="ID", help="Follow-up id (srm followups).", parser=record_id)
]


def register(app: typer.Typer) -> None:
    app.command("log", rich_help_panel=PANEL)(log)
    app.command("due", rich_help_panel=PANEL)(due)
    app.command("snooze", rich_help_panel=PANEL)(snooze)
    app.command("followups", rich_help_panel=PANEL)(followups)
    app.add_typer(followup_app, name="followup", rich_help_panel=PANEL)


def log(
    ctx: typer.Context,
    contacts: Annotated[
        str,
        typer.Argument(
            metavar="CONTACT[,CONTACT...]",
            help="Who: id, @handle, handle or part of a name or email (one contact each);"
            " several separated by commas.",
        ),
    ],
    summary: Annotated[str, typer.Argument(help="What was said, in a line.")],
    channel: Annotated[
        str,
        typer.Option(
            "--channel",
            "-c",
            help="email, phone, meeting, video, chat, social, event, webinar, letter, or one from the config.",
        ),
    ] = "meeting",
    ask: Annotated[bool, typer.Option("--ask", help="You asked them for something.")] = False,
    give: Annotated[bool, typer.Option("--give", help="You offered them something.")] = False,
    sentiment: Annotated[
        str,
        typer.Option(
            "--sentiment",
            help="positive, neutral or negative (negative asks for a repair in `srm due`).",
        ),
    ] = "neutral",
    on: Annotated[
        str | None,
        typer.Option(
            "--on", metavar="DATE", help="When it happened (default today; not in the future)."
        ),
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="A longer note.")] = None,
    edit: Annotated[bool, typer.Option("--edit", help="Write the note in $EDITOR.")] = False,
    follow_up: Annotated[
        str | None, typer.Option("--follow-up", help="Something you promised to do.")
    ] = None,
    follow_up_on: Annotated[
        str | None,
        typer.Option(
            "--follow-up-on",
            metavar="DATE",
            help="When the follow-up is due (default 7 days after).",
        ),
    ] = None,
    idea: Annotated[
        int | None,
        typer.Option(
            "--idea",
            metavar="ID",
            help="This delivers non-ask idea ID (logs a give).",
            parser=record_id,
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Log an interaction right after it happens; it resets each contact's check-in cadence.

    Examples:
      srm log maria "venue shortlist" --channel video --give
      srm log maria,tom "planning" --follow-up "send notes" --follow-up-on friday
    """
    from srm.domain import contacts as dc
    from srm.domain import interactions, schedule
    from srm.errors import UsageError

    app = ctx_of(ctx)
    if ask and give:
        raise UsageError("an interaction is an --ask or a --give, not both")
    if note is not None and edit:
        raise UsageError("use --note TEXT or --edit, not both")
    when = app.date(on, allow_future=False)
    fu_when = app.date(follow_up_on, prefer="future") if follow_up_on else None
    interactions.check_channel(app.config, channel)
    store = app.store
    people = dc.resolve_many(store, contacts, brief=True)  # who, not their details
    # The editor runs before the write transaction opens: nothing is locked meanwhile.
    with edited_note(people, summary) if edit else nullcontext(note) as note:
        logged = interactions.log(
            store,
            app.config,
            people,
            summary,
            on=when,
            channel=channel,
            kind="ask" if ask else "give" if give else "checkin",
            sentiment=sentiment.strip().lower(),
            note=note or "",
            follow_up=follow_up,
            follow_up_on=fu_when,
            idea_id=idea,
        )
    plans = schedule.schedules(
        store, app.config, app.today, contact_ids=[c.id for c in people], include_archived=True
    )
    if as_json:
        print_json(
            {
                "id": logged.interaction_id,
                "uuid": logged.uuid,
                "date": logged.occurred_on.isoformat(),
                "channel": logged.channel,
                "kind": logged.kind,
                "sentiment": logged.sentiment,
                "summary": logged.summary,
                "contacts": [
                    {
                        **c.ref(),
                        "next_due": plans[c.id].due.isoformat() if plans[c.id].due else None,
                    }
                    for c in people
                ],
                "followup": {"id": logged.followup_id, "due": logged.followup_due.isoformat()}
                if logged.followup_id
                else None,
                "idea_id": logged.idea_id,
            }
        )
        _warn_before_since(people, when, logged.interaction_id)
        return
    names = ", ".join(c.name for c in people)
    kind = "" if logged.kind == "checkin" else f" ({logged.kind})"
    message(
        f"Logged interaction #{logged.interaction_id}: {logged.channel}{kind} with"
        f" [bold]{esc(names)}[/] on {logged.occurred_on}: {esc(logged.summary)}"
    )
    for c in people:
        due_on = plans[c.id].due
        message(
            f"  {esc(c.name)}: next check-in {due_on.isoformat() if due_on else '— not tracked'}"
        )
    if logged.followup_id:
        message(f"  follow-up #{logged.followup_id} due {logged.followup_due}")
    if logged.idea_id:
        message(f"  idea #{logged.idea_id} delivered")
    _warn_before_since(people, when, logged.interaction_id)


def _warn_before_since(people, when, interaction_id: int) -> None:
    """Logged before tracking began: most often a mistyped --on (2025 for 2026)."""
    for c in people:
        if when < c.since:
            message(
                f"[yellow]warning:[/] {when} is before {esc(c.name)}'s --since ({c.since});"
                f" logged anyway. A wrong date? srm interaction edit {interaction_id} --on DATE"
                f" corrects it; srm edit @{esc(c.handle)} --since {when} if you knew them before."
            )


@contextmanager
def edited_note(people, summary: str, initial: str = "") -> Iterator[str]:
    """The note as written in $VISUAL/$EDITOR, for the `with` block that stores it.

    `people` are contacts or their JSON refs. The note's file (private to its owner) is
    removed only once the block has stored it: if storing fails, the error says where the
    note is. A note saved in another encoding than UTF-8 (Latin-1, Windows-1252) is read line
    by line as the importer reads such files, with a warning: nothing typed is dropped.
    """
    import os
    import shlex
    import subprocess
    import tempfile

    from srm.errors import SrmError, UsageError
    from srm.formats.text import decode_line

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    names = ", ".join(c["name"] if isinstance(c, dict) else c.name for c in people)
    header = f"# Note for: {summary} (with {names}). Lines starting with # are ignored.\n"
    fd, path = tempfile.mkstemp(prefix="srm-note-", suffix=".md")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(header + (initial + "\n" if initial else ""))
        try:
            code = subprocess.call([*shlex.split(editor), path])
        except OSError as e:
            raise UsageError(f"can't start the editor {editor!r} ($EDITOR): {e.strerror}") from None
        if code != 0:
            raise UsageError(f"the editor exited with status {code}; nothing changed")
        with open(path, "rb") as f:
            data = f.read()
    except BaseException:
        os.unlink(path)
        raise
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = "".join(decode_line(line) for line in data.splitlines(keepends=True))
        message(
            "The note wasn't saved as UTF-8; srm read it as Windows-1252/Latin-1:"
            " check it with srm show (your editor can save UTF-8)."
        )
    try:
        yield "\n".join(line for line in text.splitlines() if not line.startswith("#")).strip()
    except SrmError as e:
        kept = SrmError(f"{e}; your note is kept in {path}")
        kept.exit_code = e.exit_code
        raise kept from None
    except BaseException:
        message(f"Your note is kept in {esc(path)}.")
        raise
    os.unlink(path)


def _due_query(
    app: AppContext,
    on: str | None,
    within: int | None,
    segment: str | None,
    tag: str | None,
    mine: bool | None = None,
):
    from srm.domain import due as dd

    when = app.date(on, prefer="future")
    store = app.store
    seg_id = None
    if segment:
        from srm.domain import segments as ds

        seg_id = ds.get(store, segment).id
    owners = None
    if mine if mine is not None else app.config.due_scope == "mine":
        from srm.domain import team

        owners = team.mine(store)
    return dd.Query(
        store,
        app.config,
        when,
        within if within is not None else app.config.due_window_days,
        segment_id=seg_id,
        tag=tag.strip().lower().lstrip("#") if tag else None,
        owners=owners,
    )


def due(
    ctx: typer.Context,
    on: Annotated[
        str | None,
        typer.Option("--on", metavar="DATE", help="Look as of this date (default today)."),
    ] = None,
    within: Annotated[
        int | None,
        typer.Option(
            "--within",
            metavar="DAYS",
            help="Also list what falls due in the next DAYS (default: config, else 7).",
            parser=days,
        ),
    ] = None,
    segment: Annotated[
        str | None, typer.Option("--segment", "-s", help="Only contacts in this segment.")
    ] = None,
    tag: Annotated[
        str | None, typer.Option("--tag", "-t", help="Only contacts with this tag.")
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            "-n",
            metavar="N",
            help="Show at most N items (default: config due_limit).",
            parser=count,
        ),
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Show every item, no limit.")] = False,
    mine: Annotated[
        bool | None,
        typer.Option(
            "--mine/--everyone",
            help="Only your contacts and unowned ones, and the follow-ups you promised"
            " (needs `me` in the config) / every contact (default: config due_scope).",
            show_default=False,
        ),
    ] = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="Show how each urgency was computed.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Who needs attention: overdue check-ins, follow-ups and more, most urgent first.

    Examples:
      srm due
      srm due --segment partners --within 14 --explain
      srm due --mine
    """
    from srm.domain import due as dd

    app = ctx_of(ctx)
    q = _due_query(app, on, within, segment, tag, mine)
    # Scripts get everything unless they ask for a limit; people get a screenful.
    cap = (
        None if all_ else limit if limit is not None else None if as_json else app.config.due_limit
    )
    result = dd.compute(q, cap)
    shown = result.items
    dd.enrich(q, shown)
    if as_json:
        print_json(
            {
                "on": q.on.isoformat(),
                "within": q.within,
                "total": result.total,
                "items": [
                    dict(
                        i.as_json(),
                        **(
                            {"explain": [{"term": t, "value": round(v, 3)} for t, v in i.terms]}
                            if explain
                            else {}
                        ),
                    )
                    for i in shown
                ],
            }
        )
        return
    from srm.cli import render_due

    nxt = dd.next_checkin(q) if not result.total else None
    render_due.render(q, shown, result.total, explain, nxt)


SNOOZE_CONFIRM_DAYS = 366  # a longer snooze is more likely a typo ("in 9m" for "in 9w")


def snooze(
    ctx: typer.Context,
    contact: ContactArg,
    until: Annotated[
        str | None,
        typer.Argument(
            metavar="[UNTIL]",
            help="Hide the check-in through this date (e.g. 'in 2w', 'next mon').",
        ),
    ] = None,
    clear: Annotated[bool, typer.Option("--clear", help="End the snooze now.")] = False,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Don't ask about a snooze longer than a year.")
    ] = False,
) -> None:
    """Hide a contact's check-in through a date; logging an interaction clears the snooze.

    Examples:
      srm snooze maria "in 2w"
      srm snooze maria --clear
    """
    from srm.domain import contacts as dc
    from srm.errors import UsageError

    app = ctx_of(ctx)
    if clear == (until is not None):
        raise UsageError("give a date to snooze until, or --clear to end a snooze")
    when = None
    if until is not None:
        when = app.date(until, prefer="future")
        if when < app.today:
            raise UsageError(f"{until!r} is {when}, in the past: snooze until a later date")
    store = app.store
    c = dc.resolve(store, contact)
    if clear:
        if c.snoozed_until is None:
            message(f"{esc(c.name)} is not snoozed.")
            return
        dc.snooze(store, c, None)
        message(f"[bold]{esc(c.name)}[/] is no longer snoozed (was through {c.snoozed_until}).")
        return
    days = (when - app.today).days
    if (
        days > SNOOZE_CONFIRM_DAYS
        and not yes
        and not typer.confirm(
            f"Snooze {c.name} for {days} days, through {when.isoformat()}?", err=True
        )
    ):
        raise typer.Exit(1)
    dc.snooze(store, c, when)
    message(f"Snoozed [bold]{esc(c.name)}[/] through {when.isoformat()}.")


def followups(
    ctx: typer.Context,
    all_: Annotated[
        bool, typer.Option("--all", help="Include done and dropped follow-ups.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """List open follow-ups (promises), soonest due first.

    Examples:
      srm followups
      srm followups --all --json
    """
    from srm.domain import followups as fu

    app = ctx_of(ctx)
    found = fu.list_followups(app.store, include_closed=all_)
    if as_json:
        print_json(found)
        return
    if not found:
        message("No open follow-ups." if not all_ else "No follow-ups yet.")
        return
    today = app.today.isoformat()
    rows = ([str(f["id"]), f["due"], f["contact"]["name"], f["text"], f["status"]] for f in found)
    late = ("red" if f["status"] == "open" and f["due"] < today else None for f in found)
    show_rows(["id", "due", "contact", "follow-up", "status"], rows, late)


@followup_app.command("add")
def followup_add(
    ctx: typer.Context,
    contact: ContactArg,
    text: Annotated[str, typer.Argument(help="What you promised.")],
    due_on: Annotated[
        str | None,
        typer.Option("--due", metavar="DATE", help="When it is due (default in 7 days)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Note a promise made outside a logged interaction (a hallway chat, a message).

    Examples:
      srm followup add maria "send the venue shortlist" --due friday
    """
    from datetime import timedelta

    from srm.domain import contacts as dc
    from srm.domain import followups as fu
    from srm.domain.interactions import FOLLOW_UP_DAYS

    app = ctx_of(ctx)
    due_day = app.date(due_on, prefer="future") if due_on else app.today + timedelta(FOLLOW_UP_DAYS)
    store = app.store
    c = dc.resolve(store, contact)
    f = fu.add(store, c.id, text, due=due_day, on=app.today)
    if as_json:
        print_json(f)
        return
    message(f"Follow-up #{f['id']} for [bold]{esc(c.name)}[/] due {f['due']}: {esc(f['text'])}")


@followup_app.command("edit")
def followup_edit(
    ctx: typer.Context,
    followup_id: FollowupId,
    due_on: Annotated[
        str | None, typer.Option("--due", metavar="DATE", help="The new due date.")
    ] = None,
    text: Annotated[str | None, typer.Option("--text", help="The new wording.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Reschedule or reword a follow-up.

    Examples:
      srm followup edit 5 --due "next mon"
      srm followup edit 5 --text "send the shortlist and the prices"
    """
    from srm.domain import followups as fu

    app = ctx_of(ctx)
    due_day = app.date(due_on, prefer="future") if due_on else None
    f = fu.edit(app.store, followup_id, due=due_day, text=text)
    if as_json:
        print_json(f)
        return
    message(
        f"Follow-up #{f['id']} for {esc(f['contact']['name'])} due {f['due']}: {esc(f['text'])}"
    )


@followup_app.command("done")
def followup_done(
    ctx: typer.Context,
    followup_id: FollowupId,
    on: Annotated[
        str | None, typer.Option("--on", metavar="DATE", help="When it was done (default today).")
    ] = None,
) -> None:
    """Mark a follow-up done.

    Examples:
      srm followup done 5
      srm followup done 5 --on yesterday
    """
    _close(ctx, followup_id, "done", on)


@followup_app.command("drop")
def followup_drop(
    ctx: typer.Context,
    followup_id: FollowupId,
    on: Annotated[
        str | None, typer.Option("--on", metavar="DATE", help="When you let it go (default today).")
    ] = None,
) -> None:
    """Drop a follow-up you will not do.

    Example:
      srm followup drop 5
    """
    _close(ctx, followup_id, "dropped", on)


def _close(ctx: typer.Context, followup_id: int, status: str, on: str | None) -> None:
    from srm.domain import followups as fu

    app = ctx_of(ctx)
    when = app.date(on, allow_future=False)
    f = fu.close(app.store, followup_id, status, when)
    message(f"Follow-up #{f['id']} ({esc(f['text'])}) for {esc(f['contact']['name'])}: {status}.")
