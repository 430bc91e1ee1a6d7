"""`srm capture calendar|mail`: interactions from the files your calendar and mail keep."""

from __future__ import annotations

import sys
from collections import Counter
from typing import Annotated

import typer

from srm.cli.context import AppContext, ctx_of
from srm.cli.options import JsonOpt, count
from srm.cli.output import esc, message, print_json, show_rows

PANEL = "Import and export"
SINCE_DAYS = 90
SHOWN = 10  # unreadable parts listed before "… and N more"
# Sources smaller than these read faster than a progress bar draws.
PROGRESS_MIN_ITEMS = 500
PROGRESS_MIN_BYTES = 20 << 20

capture_app = typer.Typer(
    help="Log interactions from your calendar and your mail, without typing: past events with"
    " contacts, mail you sent them. Capturing again adds nothing; srm undo takes a capture back.",
    no_args_is_help=True,
)

SourceArg = Annotated[str, typer.Argument(metavar="PATH", show_default=False)]
SinceOpt = Annotated[
    str | None,
    typer.Option(
        "--since", metavar="DATE", help=f"From this date on (default: {SINCE_DAYS} days ago)."
    ),
]
UntilOpt = Annotated[
    str | None, typer.Option("--until", metavar="DATE", help="Up to this date (default: today).")
]
DryRunOpt = Annotated[
    bool,
    typer.Option("--dry-run", help="Show what would be logged, per contact; write nothing."),
]
SuggestOpt = Annotated[
    bool,
    typer.Option(
        "--suggest",
        help="Instead of logging: list the addresses you met at least --min times that no"
        " contact has (srm add NAME --email ADDRESS adds one).",
    ),
]
MinOpt = Annotated[
    int,
    typer.Option("--min", metavar="N", help="With --suggest: met at least N times.", parser=count),
]


def register(app: typer.Typer) -> None:
    app.add_typer(capture_app, name="capture", rich_help_panel=PANEL)


@capture_app.command("calendar")
def calendar(
    ctx: typer.Context,
    source: Annotated[
        str,
        typer.Argument(
            metavar="PATH",
            help="An .ics file (Google, Outlook, Apple, Nextcloud exports), a vdir folder of"
            " .ics files (vdirsyncer, khal), or - for standard input.",
            show_default=False,
        ),
    ],
    since: SinceOpt = None,
    until: UntilOpt = None,
    all_day: Annotated[
        bool, typer.Option("--all-day", help="Log all-day events too (skipped by default).")
    ] = False,
    dry_run: DryRunOpt = False,
    suggest: SuggestOpt = False,
    minimum: MinOpt = 3,
    as_json: JsonOpt = False,
) -> None:
    """Log past events with contacts as interactions: one per event, with every contact in it.

    An event counts when an organiser or attendee is a contact (matched on their email);
    recurring events count once per occurrence. Channel video when the event holds a Meet,
    Zoom, Teams, Jitsi, Webex, Whereby … link, else meeting; the summary is the event's title,
    the date is the day it took place in your time zone. Cancelled events, events you declined
    (set me and my_addresses in the config) and all-day events are skipped.

    Examples:
      srm capture calendar ~/Downloads/calendar.ics --dry-run
      srm capture calendar ~/.calendars/work --since 2026-01-01 --suggest
    """
    from srm.domain import capture as cap

    app = ctx_of(ctx)
    options = _options(app, since, until, dry_run=dry_run, all_day=all_day)
    mine = app.config.own_addresses
    name, files = cap.calendar_files(source)
    summary = cap.Summary("calendar", name, dry_run, options.since, options.until)
    if not mine:
        summary.warnings.append(
            "your addresses aren't in the config (me, my_addresses): events you declined"
            " can't be told apart"
        )
    with _progress(f"Reading {name}", PROGRESS_MIN_ITEMS) as progress:
        occasions = cap.calendar_occasions(files, options, mine, summary, progress)
    _finish(app, "calendar", occasions, summary, suggest, minimum, mine, as_json)


@capture_app.command("mail")
def mail(
    ctx: typer.Context,
    source: Annotated[
        str,
        typer.Argument(
            metavar="PATH",
            help="An mbox file (Gmail Takeout, Thunderbird), a Maildir folder, or - for an mbox"
            " on standard input.",
            show_default=False,
        ),
    ],
    since: SinceOpt = None,
    until: UntilOpt = None,
    received: Annotated[
        bool,
        typer.Option("--received", help="Log mail from contacts too, not only mail you sent."),
    ] = False,
    no_subjects: Annotated[
        bool,
        typer.Option(
            "--no-subjects", help="Keep no subject: the summary says only that it was mail."
        ),
    ] = False,
    dry_run: DryRunOpt = False,
    suggest: SuggestOpt = False,
    minimum: MinOpt = 3,
    as_json: JsonOpt = False,
) -> None:
    """Log the mail you sent to contacts as email interactions: one per contact, thread and day.

    Mail you sent is mail From one of your addresses (me and my_addresses in the config). The
    subject, without Re:/Fwd:, is the summary and the only text kept: bodies and attachments
    are never read. Mailing lists, bulk mail, automatic replies and no-reply senders are
    skipped. Only headers are read, so a mailbox of any size takes little memory.

    Examples:
      srm capture mail ~/Takeout/Mail/Sent.mbox --dry-run
      srm capture mail ~/Maildir/Sent --received --since 2026-01-01
    """
    from srm.domain import capture as cap

    app = ctx_of(ctx)
    options = _options(app, since, until, dry_run=dry_run, received=received)
    options.subjects = not no_subjects
    mine = app.config.own_addresses
    from pathlib import Path

    folder = source != "-" and Path(source).expanduser().is_dir()
    with _progress(
        f"Reading {source}", PROGRESS_MIN_ITEMS if folder else PROGRESS_MIN_BYTES
    ) as progress:
        name, messages = cap.mail_messages(source, progress)
        summary = cap.Summary("mail", name, dry_run, options.since, options.until)
        occasions = cap.mail_occasions(messages, options, mine, summary)
    _finish(app, "mail", occasions, summary, suggest, minimum, mine, as_json)


def _options(app: AppContext, since: str | None, until: str | None, **flags):
    from datetime import date, datetime, timedelta

    from srm.domain import capture as cap

    end = app.date(until)
    start = app.date(since) if since else end - timedelta(days=SINCE_DAYS)
    # With today's real date, an event later today hasn't happened yet.
    now = datetime.now().astimezone() if app.today == date.today() else None
    options = cap.Options(since=start, until=end, now=now, **flags)
    options.check()
    return options


def _finish(app, kind, occasions, summary, suggest, minimum, mine, as_json) -> None:
    from srm.domain import capture as cap

    store = app.store
    if suggest:
        rows = cap.suggest(store, occasions, minimum, mine)
        if as_json:
            print_json(rows)
            return
        _suggestions(rows, minimum)
        return
    cap.capture(store, kind, occasions, summary)
    if as_json:
        _json(summary)
        return
    if summary.dry_run:
        _per_contact(summary)
    _report(summary)


def _json(summary) -> None:
    """The summary as JSON; piped, its interactions are written one at a time (a mailbox can
    make tens of thousands, and the whole text would be held twice)."""
    if sys.stdout.isatty():
        print_json(summary.as_json())
        return
    from srm.cli.output import json_text

    head = summary.as_json(interactions=False)
    text = json_text({**head, "interactions": []})
    sys.stdout.write(text[:-2])  # up to the opening bracket of "interactions"
    for n, out in enumerate(summary.outcomes):
        sys.stdout.write(("," if n else "") + json_text(out.as_json()))
    sys.stdout.write("]}\n")


def _suggestions(rows: list[dict], minimum: int) -> None:
    if not rows:
        message(f"No address you met {minimum} times or more is missing from your contacts.")
        return
    show_rows(
        ["address", "times", "names", "last"],
        [[r["address"], str(r["count"]), ", ".join(r["names"]), r["last"]] for r in rows],
    )
    message(
        f"{len(rows)} address{'es' if len(rows) != 1 else ''} met {minimum} times or more match"
        f"{'' if len(rows) != 1 else 'es'} no contact; srm add NAME --email ADDRESS adds one."
    )


ACTIONS = {
    "created": "new",
    "added": "joins the interaction an earlier capture made",
    "linked": "logged by hand already: linked to",
    "already": "captured before:",
    "removed": "captured before, and removed since: not added again",
}
SHORT = {
    "created": "new",
    "added": "added to an earlier capture",
    "linked": "linked to what you logged",
    "already": "captured before",
    "removed": "removed by you since",
}


def _per_contact(summary) -> None:
    """What a dry run would log, per contact: a line per occasion, streamed (a mailbox can
    make tens of thousands)."""
    from srm.cli.output import safe

    by_contact: dict[int, tuple[dict, list]] = {}
    for out in summary.outcomes:
        for link in out.links:
            by_contact.setdefault(link.contact["id"], (link.contact, []))[1].append((out, link))
    write = sys.stdout.write
    for contact, items in sorted(by_contact.values(), key=lambda e: e[0]["name"].casefold()):
        counts = Counter(link.action for _, link in items)
        said = ", ".join(f"{n} {SHORT[a]}" for a, n in counts.most_common())
        write(safe(f"{contact['name']} (@{contact['handle']}): {said}") + "\n")
        for out, link in items:
            o = out.occasion
            what = "" if link.action == "created" else f"  [{ACTIONS[link.action]}"
            if what and link.interaction_id is not None:
                what += f" #{link.interaction_id}"
            what += "]" if what else ""
            write(safe(f"  {o.day}  {o.channel:<7}  {o.summary}{what}") + "\n")


def _report(summary) -> None:
    from srm.domain.common import plural

    calendar = summary.kind == "calendar"
    read = plural(summary.read, "event" if calendar else "message")
    occasions = (
        plural(summary.occasions, "occurrence")
        if calendar
        else plural(summary.occasions, "thread-day", "thread-days")
    )
    lead = "Dry run, nothing written:" if summary.dry_run else "Captured"
    message(
        f"{lead} {esc(summary.source)} from {summary.since} to {summary.until}:"
        f" {read} read, {occasions} in the dates."
    )
    would = " would be" if summary.dry_run else ""
    parts = [f"{plural(summary.created, 'interaction')}{would} created"]
    for action, text in (
        ("linked", "linked to interactions logged by hand"),
        ("added", "added to an earlier capture"),
        ("already", "already captured"),
        ("removed", "removed by you since (not added again)"),
    ):
        n = summary.count(action)
        if n:
            parts.append(f"{n} {text}")
    message("  " + "; ".join(parts) + ".")
    if summary.skipped:
        listed = ", ".join(f"{n} {esc(reason)}" for reason, n in summary.skipped.most_common())
        message(f"  Skipped: {listed}.")
    if summary.problems:
        message("  Unreadable parts:")
        for p in summary.problems[:SHOWN]:
            message(f"    {esc(p['where'])}: {esc(p['reason'])}")
        more = summary.skipped["unreadable"] - min(SHOWN, len(summary.problems))
        if more > 0:
            message(f"    … and {more} more (--json lists the first {len(summary.problems)})")
    for w in summary.warnings:
        message(f"  Note: {esc(w)}.")
    if not summary.dry_run:
        per: dict[int, list] = {}
        for out in summary.outcomes:
            for link in out.links:
                if link.action in ("created", "added", "linked"):
                    per.setdefault(link.contact["id"], [link.contact, 0])[1] += 1
        for contact, n in sorted(per.values(), key=lambda e: e[0]["name"].casefold()):
            message(f"  {esc(contact['name'])} (@{esc(contact['handle'])}): {n} logged")
        if per:
            message("  srm undo takes this capture back.")


class _Bar:
    """The domain's progress protocol, drawn as a Rich bar on a terminal once the source is
    known to be long; Rich is imported only then."""

    def __init__(self, label: str, minimum: int) -> None:
        self.label, self.minimum = label, minimum
        self.bar = self.task = None

    def start(self, total: int) -> None:
        if self.bar is not None or total < self.minimum or not sys.stderr.isatty():
            return
        from rich.progress import Progress

        from srm.cli.output import err

        self.bar = Progress(console=err(), transient=True)
        self.bar.start()
        self.task = self.bar.add_task(esc(self.label), total=total)

    def advance(self, done: int) -> None:
        if self.bar is not None:
            self.bar.advance(self.task, done)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()


class _progress:
    def __init__(self, label: str, minimum: int) -> None:
        self.bar = _Bar(label, minimum)

    def __enter__(self) -> _Bar:
        return self.bar

    def __exit__(self, *exc) -> None:
        self.bar.stop()
