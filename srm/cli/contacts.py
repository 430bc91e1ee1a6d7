"""Contact commands: add, contacts, show, edit, archive, unarchive, rm, merge, duplicates."""

from __future__ import annotations

from typing import Annotated

import typer

from srm.cadence import HELP as CADENCE_HELP
from srm.cli.context import ctx_of
from srm.cli.options import ContactArg, JsonOpt
from srm.cli.output import esc, message, print_json, print_json_array, show_rows
from srm.domain.common import plural

PANEL = "Contacts"
Email = Annotated[
    list[str] | None,
    typer.Option(
        "--email",
        metavar="[LABEL:]ADDRESS",
        help="Email address, e.g. work:ana@example.org (repeatable; the first is preferred).",
    ),
]
Phone = Annotated[
    list[str] | None,
    typer.Option(
        "--phone", metavar="[LABEL:]NUMBER", help="Phone number, e.g. mobile:+44 … (repeatable)."
    ),
]
Url = Annotated[
    list[str] | None,
    typer.Option(
        "--url", metavar="[LABEL:]URL", help="Web page, e.g. blog:ana.example (repeatable)."
    ),
]
Social = Annotated[
    list[str] | None,
    typer.Option(
        "--social",
        metavar="SERVICE:PROFILE",
        help="Social profile: github:ana, mastodon:@ana@example.social, or a profile's URL"
        " (repeatable).",
    ),
]
Address = Annotated[
    list[str] | None,
    typer.Option(
        "--address",
        metavar="[LABEL:]STREET;TOWN;REGION;POSTCODE;COUNTRY",
        help="Postal address, parts separated by ';' (repeatable).",
    ),
]
Nickname = Annotated[str | None, typer.Option("--nickname", help="Nickname.")]
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
    app.command("merge", rich_help_panel=PANEL)(merge)
    app.command("duplicates", rich_help_panel=PANEL)(duplicates)
    app.command("distinct", rich_help_panel=PANEL)(distinct)


def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Full name.")],
    email: Email = None,
    phone: Phone = None,
    url: Url = None,
    social: Social = None,
    address: Address = None,
    nickname: Nickname = None,
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
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Add it even though a contact has the same email or name (exit 8)."
        ),
    ] = False,
    owner: Annotated[
        str | None,
        typer.Option(
            "--owner",
            metavar="NAME",
            help="Team mode: who looks after them (default you): a member's name or address,"
            " 'none', or \"Name <address>\" for someone new; recorded as a hand-off.",
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a contact. Its handle (used to refer to it) is derived from the name.

    A contact with the same email, or the same name (any case, with or without accents), is
    refused as a likely duplicate, naming the one already here (exit 8); --force adds it anyway.

    Emails, phones, web pages, social profiles and addresses take a label before a colon
    (work:, home:, mobile: or your own); the first of each kind is the preferred one.

    Examples:
      srm add "Maria García" --email maria@riverside.org --segment partners --cadence monthly
      srm add "Ana Alves" --email work:ana@x.org --email ana@home.example --social github:anab
      srm add "Maria Garcia" --org Acme --force    # another Maria García
      srm add "Kofi Boateng" --org Riverside --owner tom   # Tom looks after him
    """
    from srm.domain import contacts as dc

    app = ctx_of(ctx)
    when = app.date(since)
    store = app.store
    c = dc.add(
        store,
        name,
        since=when,
        more=_details(email, phone, url, social, address),
        nickname=nickname,
        org=org,
        team=team,
        role=role,
        segments=segment or [],
        tags=tag or [],
        cadence=cadence,
        note=note or "",
        force=force,
        owner=owner,
        handed_on=app.today,
    )
    if as_json:
        print_json(c.as_json())
    else:
        owned = ""
        if owner is not None:
            owned = f", owned by {esc(c.owner['name'])}" if c.owner else ", owned by nobody"
        message(f"Added [bold]{esc(c.name)}[/] as [cyan]{esc(c.handle)}[/] (id {c.id}){owned}.")


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
    owner: Annotated[
        str | None,
        typer.Option(
            "--owner",
            metavar="NAME",
            help="Only the contacts this team member owns ('me': yours, 'none': nobody's).",
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """List contacts with their cadence, last interaction and next check-in.

    Examples:
      srm contacts --segment partners
      srm contacts --search riverside --json
      srm contacts --owner ben
    """
    from srm.domain import contacts as dc
    from srm.domain import schedule

    app = ctx_of(ctx)
    store = app.store
    if stage is not None:
        from srm.domain.stages import check

        stage = check(app.config, stage)
    owners = None
    if owner is not None:
        from srm.domain import team

        owners = team.owned_by(store, owner)
    filters = {
        "segment": segment,
        "tag": tag,
        "query": search,
        "archived": archived,
        "owners": owners,
    }
    if as_json:
        from srm.domain import state

        def figures(ids: list[int]) -> dict[int, str]:
            return _listing_figures(store, app.config, app.today, ids)

        on = app.today if state.usable(store, app.config, app.today) else None
        lines = dc.listing_json_lines(store, figures, **filters, stage=stage, state_on=on)
        print_json_array(lines)
        return
    listed = dc.listing(store, **filters, stage=stage)
    if not listed:
        message(
            "No contacts match."
            if (segment or tag or search or stage or owner)
            else "No contacts yet: srm add NAME"
        )
        return
    plans = schedule.texts(store, app.config, app.today, [c.id for c in listed])
    owned = any(c.owner for c in listed)  # on a team's store: who looks after each

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
            *([c.owner or ""] if owned else []),
        ]

    columns = ["handle", "name", "org", "segments", "tags", "cadence", "last", "next due"]
    show_rows(columns + (["owner"] if owned else []), map(row, listed))
    message(plural(len(listed), "contact"))


def _listing_figures(store, config, today, ids: list[int]) -> dict[int, str]:
    """What `contacts --json` adds to each contact walked from the history (the stored state
    answers for the others: `dc.listing_json_lines`), as the JSON text of its members:
    cadence, last interaction and next due, then the figures of `extras.for_contacts`
    (stage, give/ask ledger)."""
    from srm.domain import extras, schedule

    plans = schedule.texts(store, config, today, ids)
    stages = extras.stages(store, ids)
    return {
        cid: extras.figures_json(*plans[cid], stages.get(cid), figures)
        for cid, figures in extras.ledger_figures(store, ids, today).items()
    }


def show_contact(
    ctx: typer.Context,
    contact: ContactArg,
    all_: Annotated[
        bool, typer.Option("--all", help="Show every interaction, not just the latest.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Show one contact: details, next check-in, interactions, follow-ups, goals, ideas, dates.

    Examples:
      srm show maria
      srm show @maria --all
    """
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
    url: Url = None,
    social: Social = None,
    address: Address = None,
    remove_email: Annotated[
        list[str] | None, typer.Option("--remove-email", help="Remove this email address.")
    ] = None,
    remove_phone: Annotated[
        list[str] | None,
        typer.Option("--remove-phone", help="Remove this phone number (compared by its digits)."),
    ] = None,
    remove_url: Annotated[
        list[str] | None, typer.Option("--remove-url", help="Remove this web page.")
    ] = None,
    remove_social: Annotated[
        list[str] | None,
        typer.Option("--remove-social", help="Remove this profile, or every profile on a service."),
    ] = None,
    remove_address: Annotated[
        list[str] | None,
        typer.Option("--remove-address", help="Remove the address that contains this text."),
    ] = None,
    prefer: Annotated[
        list[str] | None,
        typer.Option(
            "--prefer",
            metavar="VALUE",
            help="Make this email, phone, web page, profile or address the preferred one of its kind.",
        ),
    ] = None,
    nickname: Nickname = None,
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
    """Change a contact. Pass an empty string (--org '') to clear a field.

    --email, --phone, --url, --social and --address add one (a new one is preferred only if it
    is the first of its kind, or with --prefer); --remove-… takes one away; --email '' removes
    every email (and so on for each kind).

    Examples:
      srm edit maria --org 'Riverside Makers' --segment partners --cadence monthly
      srm edit ana --email work:ana@new.example --prefer ana@new.example --remove-email ana@old.example
      srm edit ana --phone mobile:+351 912 345 678 --org ''
    """
    from srm.domain import contacts as dc

    app = ctx_of(ctx)
    store = app.store
    c = dc.resolve(store, contact)
    c = dc.edit(
        store,
        c,
        name=name,
        more=_details(email, phone, url, social, address),
        remove=_details(remove_email, remove_phone, remove_url, remove_social, remove_address),
        prefer=prefer or [],
        nickname=nickname,
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


def _details(*values: list[str] | None) -> dict[str, list[str]]:
    """Option values by kind of detail, for srm.domain.details.apply_options."""
    kinds = ("email", "phone", "url", "social", "address")
    return {kind: v for kind, v in zip(kinds, values, strict=True) if v}


def archive(
    ctx: typer.Context,
    contact: ContactArg,
    on: Annotated[
        str | None,
        typer.Option("--on", metavar="DATE", help="When the relationship ended (default today)."),
    ] = None,
) -> None:
    """Archive a contact: kept with its history, but no longer listed or due.

    Examples:
      srm archive tom
      srm archive tom --on 2026-10-31
    """
    _set_archived(ctx, contact, True, on)


def unarchive(ctx: typer.Context, contact: ContactArg) -> None:
    """Bring an archived contact back.

    Example:
      srm unarchive tom
    """
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
    redact: Annotated[
        bool,
        typer.Option(
            "--redact",
            help="Also replace their name, email and phone in other records' text"
            " (another contact's note, a shared interaction, follow-ups, ideas, goals)"
            " with \\[erased].",
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Erase a contact and their history for good (a data-protection erasure).

    Interactions shared with others stay for them. Lists the other records that still name
    the person (--redact replaces those mentions), records the date of the erasure (never
    the name), and names the backups that still hold them.

    Example: srm export --contact ann -o ann.json && srm rm ann --redact
    """
    from srm.domain import contacts as dc
    from srm.domain import erasure

    app = ctx_of(ctx)
    store = app.store
    c = dc.resolve(store, contact)
    if not yes:
        plan = erasure.preview(store, c)
        _show_plan(plan)
        if not typer.confirm(f"Erase {c.name} ({c.handle}) and all their history?", err=True):
            raise typer.Exit(1)
        if plan.mentions and not redact:
            redact = typer.confirm(
                f"Also replace their name and email in those {len(plan.mentions)} other"
                f" record(s) with {erasure.REDACTION}?",
                err=True,
            )
    done = erasure.erase(store, c, app.today, redact=redact)
    if as_json:
        print_json(
            {
                "erased": c.ref(),
                "erased_on": done.erased_on,
                "interactions": done.interactions,
                "mentions": [m.as_json() for m in done.mentions],
                "redacted": done.redacted,
                "purged": done.purged,
                "backups": [str(p) for p in done.backups],
                "elsewhere": done.elsewhere,
            }
        )
    _report_erasure(c, done)


def _show_plan(plan) -> None:
    parts = [
        plural(n, *what)
        for n, *what in (
            (plan.interactions, "interaction only with them", "interactions only with them"),
            (plan.followups, "follow-up"),
            (plan.ideas, "idea"),
            (plan.goals, "goal"),
            (plan.dates, "date"),
        )
        if n
    ]
    message(
        f"Erasing [bold]{esc(plan.contact.name)}[/] removes them"
        + (" and " + ", ".join(parts) if parts else "")
        + "."
    )
    if plan.shared:
        message(
            f"{plural(plan.shared, 'interaction')} with others: kept for them, without this person."
        )
    if plan.mentions:
        message(f"Other records still name them ({len(plan.mentions)}):")
        for m in plan.mentions:
            message(f"  {esc(m.what)}: {esc(_snippet(m.text))}")


def _snippet(text: str, width: int = 70) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= width else one_line[: width - 1] + "…"


def _report_erasure(c, done) -> None:
    from srm.domain import erasure

    message(
        f"Erased [bold]{esc(c.name)}[/] and {plural(done.interactions, 'interaction only with them', 'interactions only with them')};"
        f" the erasure is recorded with its date ({done.erased_on}), not the name."
    )
    if done.mentions and done.redacted:
        message(
            f"Replaced the mentions in {len(done.mentions)} other record(s) with {erasure.REDACTION}."
        )
    elif done.mentions:
        message(
            f"Still named in {len(done.mentions)} other record(s), kept as written"
            " (--redact replaces such mentions):"
        )
        for m in done.mentions:
            message(f"  {esc(m.what)}")
    if not done.purged and done.elsewhere is None:
        message(
            "[yellow]Another srm is still reading the store: the erased data stays in the"
            " store's files until that srm exits.[/]"
        )
    elif not done.purged:
        message(
            "[yellow]VACUUM was refused (srm's role doesn't own the tables): the freed space"
            " keeps the erased rows until the server reuses it; ask the database owner to run"
            " VACUUM.[/]"
        )
    if done.elsewhere:
        message(f"[yellow]Beyond srm's reach:[/] {esc(done.elsewhere)}.")
    if done.backups:
        message(
            f"[yellow]{len(done.backups)} backup(s) still hold their data:[/] delete them, or"
            " keep them out of use (srm restore erases them again):"
        )
        for p in done.backups:
            message(f"  {esc(p)}")


def merge(
    ctx: typer.Context,
    keep: Annotated[
        str,
        typer.Argument(
            metavar="KEEP", help="The contact that stays (its name, handle and id); a CONTACT."
        ),
    ],
    other: Annotated[
        str,
        typer.Argument(
            metavar="OTHER", help="Its duplicate: everything moves to KEEP, then it goes."
        ),
    ],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Don't ask for confirmation.")] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would happen; change nothing.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Merge two contacts who are one person: OTHER's history moves to KEEP, then OTHER goes.

    Interactions (one both were in stays one), follow-ups, ideas, goals, dates, stage history,
    segments and tags move to KEEP; KEEP's empty fields take OTHER's values, the earlier
    --since and the later snooze. Fields both have, differently, keep KEEP's value and are
    listed with the srm edit command that takes OTHER's. Asks first; srm undo takes it back.

    Examples:
      srm merge @maria @maria-g --dry-run
      srm merge 3 14 --yes          # by id, without asking
    """
    from srm.domain import contacts as dc
    from srm.domain import merge as dm

    store = ctx_of(ctx).store
    k, o = dc.resolve(store, keep), dc.resolve(store, other)
    p = dm.plan(store, k, o)
    if dry_run:
        if as_json:
            print_json(dict(p.as_json(), merged=False))
        else:
            for line in _merge_lines(p):
                message(line)
        return
    if not yes:
        for line in _merge_lines(p):
            message(line)
        if not typer.confirm("Merge them?", err=True):
            raise typer.Exit(1)
    p = dm.merge(store, k, o)
    if as_json:
        print_json(dict(p.as_json(), merged=True, contact=dc.get(store, k.id).as_json()))
        return
    message(
        f"Merged {esc(o.name)} into [bold]{esc(k.name)}[/] ([cyan]@{esc(k.handle)}[/],"
        f" id {k.id}); srm undo takes it back."
    )
    if p.conflicts:
        message("Not taken from the other (copy what you want):")
        for line in _conflict_lines(p):
            message(line)


def _merge_lines(p) -> list[str]:
    """What a merge will do, in the user's words, one line a kind of change."""
    k, o = p.keep, p.other
    lines = [
        f"Merge {esc(o.name)} ([cyan]@{esc(o.handle)}[/], id {o.id}) into"
        f" [bold]{esc(k.name)}[/] ([cyan]@{esc(k.handle)}[/], id {k.id}):"
    ]
    if p.distinct_on:
        lines.append(
            f"  [yellow]You said they are different people[/] (srm distinct, {p.distinct_on})."
        )
    moved = []
    if p.interactions or p.shared:
        shared = f" ({p.shared} they were both in: kept once)" if p.shared else ""
        moved.append(plural(p.interactions + p.shared, "interaction") + shared)
    for count, noun in ((p.followups, "follow-up"), (p.ideas, "idea")):
        if count:
            moved.append(plural(count, noun))
    if p.goals:
        confirmations = f" ({plural(p.confirmations, 'confirmation')})" if p.confirmations else ""
        moved.append(plural(p.goals, "goal") + confirmations)
    if p.dates or p.dates_kept_once:
        years = f", {plural(p.date_years, 'year')} added" if p.date_years else ""
        once = (
            f" ({p.dates_kept_once} already there: kept once{years})" if p.dates_kept_once else ""
        )
        moved.append(plural(p.dates + p.dates_kept_once, "date") + once)
    if p.stages or p.stages_dropped:
        dropped = (
            f" ({plural(p.stages_dropped, 'repeated move')} to the stage already current: dropped)"
            if p.stages_dropped
            else ""
        )
        moved.append(plural(p.stages, "stage change") + dropped)
    if p.handoffs:
        moved.append(plural(p.handoffs, "hand-off"))
    lines.append("  move: " + (", ".join(moved) if moved else "no records"))
    if p.segments or p.tags or p.details:
        added = [f"segments {', '.join(p.segments)}"] if p.segments else []
        added += [f"tags {', '.join(p.tags)}"] if p.tags else []
        added += [f"{name} {', '.join(values)}" for name, values in p.details.items()]
        lines.append("  add: " + esc("; ".join(added)))
    for name, value in p.changes.items():
        if name == "owner_id":  # shown by name: the id means nothing to a person
            name, value = "owner", o.owner["name"]
        lines.append(f"  set {name}: {esc(_field_value(name, value))}")
    if p.conflicts:
        lines.append(f"  keep {esc(k.name)}'s value where both differ:")
        lines += _conflict_lines(p)
    lines.append(f"  then delete @{esc(o.handle)} (id {o.id}).")
    return lines


def _field_value(name: str, value: str | None) -> str:
    if name == "archived_at":
        return "none (active again: the other is not archived)"
    if name == "since":
        return f"{value} (the earlier)"
    if name == "snoozed_until":
        return f"{value} (the later)"
    return _short(value or "")


def _short(text: str) -> str:
    one = " ".join(text.split())
    return one if len(one) <= 60 else one[:59] + "…"


def _conflict_lines(p) -> list[str]:
    import shlex

    from srm.domain.merge import EDIT_OPTIONS

    out = []
    for c in p.conflicts:
        line = f"    {c.field}: {_short(c.keep)!r} ≠ {_short(c.other)!r}"
        option = EDIT_OPTIONS.get(c.field)
        if c.field == "owner":
            line += f"   → srm handoff @{p.keep.handle} --to {shlex.quote(c.other)}"
        elif option:
            cmd = f"srm edit @{p.keep.handle} {option} {shlex.quote(c.other)}"
            line += f"   → {cmd if len(cmd) <= 100 else 'srm edit @' + p.keep.handle + ' ' + option + ' …'}"
        out.append(esc(line))
    return out


def duplicates(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """List contacts that are likely one person: same email, same name, same phone number.

    Names match whatever their case and accents; phones by their last 9 digits (+44 20 7946
    0958 is 020 7946 0958). Most certain first, each with the srm merge command that joins
    them (it keeps the older contact).

    Examples:
      srm duplicates
      srm duplicates --json | jq -r '.[].command'
    """
    from srm.domain import merge as dm

    pairs = dm.duplicates(ctx_of(ctx).store)
    if as_json:
        print_json([p.as_json() for p in pairs])
        return
    if not pairs:
        message("No likely duplicates.")
        return

    def who(c: dict) -> str:
        return f"@{c['handle']} ({c['name']}{', archived' if c['archived'] else ''})"

    rows = [[", ".join(p.reasons), who(p.keep), who(p.other), p.command] for p in pairs]
    show_rows(["same", "keep", "other", "to merge them"], rows)
    message(
        plural(len(pairs), "likely pair") + "; srm merge asks before it changes anything;"
        " srm distinct A B if they are different people."
    )


def distinct(
    ctx: typer.Context,
    contact: Annotated[
        str | None,
        typer.Argument(metavar="A", help="A contact (its name, handle or id); a CONTACT."),
    ] = None,
    other: Annotated[
        str | None, typer.Argument(metavar="B", help="Another contact, not the same person.")
    ] = None,
    clear: Annotated[
        bool,
        typer.Option("--clear", help="Take it back: srm duplicates may pair them again."),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Say two contacts are different people: srm duplicates stops pairing them.

    For two people who share a name, a switchboard number or a team address. Without
    contacts, lists the pairs marked so far. srm undo takes a marking back too; merging one of
    them into a third contact carries the marking over.

    Examples:
      srm distinct @john-smith @john-smith-2
      srm distinct                # the pairs marked so far
      srm distinct 3 14 --clear   # one person after all
    """
    from srm.domain import contacts as dc
    from srm.domain import merge as dm

    app = ctx_of(ctx)
    store = app.store
    if contact is None:
        if clear:
            raise typer.BadParameter(
                "name the two contacts whose marking to clear", param_hint="A B"
            )
        pairs = dm.distinct_pairs(store)
        if as_json:
            print_json([p.as_json() for p in pairs])
            return
        if not pairs:
            message("No contacts marked as different people.")
            return

        def who(c: dict) -> str:
            return f"@{c['handle']} ({c['name']}{', archived' if c['archived'] else ''})"

        show_rows(
            ["contact", "is not", "since"],
            [[who(p.first), who(p.second), p.decided_on] for p in pairs],
        )
        return
    if other is None:
        raise typer.BadParameter("name two contacts: srm distinct A B", param_hint="B")
    a, b = dc.resolve(store, contact), dc.resolve(store, other)
    changed = dm.forget_distinct(store, a, b) if clear else dm.mark_distinct(store, a, b, app.today)
    if as_json:
        print_json(
            {
                "contacts": [a.ref(), b.ref()],
                "distinct": not clear,
                "changed": changed,
            }
        )
        return
    names = f"{esc(a.name)} (@{esc(a.handle)}) and {esc(b.name)} (@{esc(b.handle)})"
    if clear:
        message(
            f"{names} may be one person again: srm duplicates can pair them."
            if changed
            else f"{names} weren't marked as different people."
        )
    else:
        message(
            f"{names} are different people: srm duplicates won't pair them."
            if changed
            else f"{names} were already marked as different people."
        )
