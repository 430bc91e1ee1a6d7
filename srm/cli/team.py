"""Team commands: team (who is on it, and how they are doing), handoff, who (knows them best)."""

from __future__ import annotations

from typing import Annotated

import typer

from srm.cli.context import ctx_of
from srm.cli.options import JsonOpt
from srm.cli.output import esc, message, print_json, show_rows

PANEL = "Team"


def register(app: typer.Typer) -> None:
    app.command("team", rich_help_panel=PANEL)(team)
    app.command("handoff", rich_help_panel=PANEL)(handoff)
    app.command("who", rich_help_panel=PANEL)(who)


def team(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """The people sharing this store: the contacts each owns, what is overdue, their activity.

    You join the team with your first change once the config names you
    (me = "Your Name <you@example.org>").

    Examples:
      srm team
      srm team --json
    """
    from srm.domain import team as dt

    app = ctx_of(ctx)
    data = dt.overview(app.store, app.config, app.today)
    if as_json:
        print_json(data)
        return
    if not data["members"]:
        message(
            "No team members yet: this store is used without `me`. Set"
            ' me = "Your Name <you@example.org>" in the config to join with your next change.'
        )
        return
    recent = f"interactions_{dt.RECENT_DAYS}d"
    rows = [
        [
            m["name"] + (" (you)" if m["me"] else ""),
            m["email"],
            str(m["contacts"]),
            str(m["overdue_checkins"]),
            str(m["overdue_followups"]),
            str(m[recent]),
            m["last_activity"] or "never",
        ]
        for m in data["members"]
    ]
    gone = data["unowned"]
    if gone["contacts"] or gone["overdue_followups"]:
        rows.append(
            [
                "(nobody)",
                "",
                str(gone["contacts"]),
                str(gone["overdue_checkins"]),
                str(gone["overdue_followups"]),
                "",
                "",
            ]
        )
    show_rows(
        [
            "member",
            "email",
            "contacts",
            "overdue",
            "follow-ups late",
            f"logged {dt.RECENT_DAYS}d",
            "last activity",
        ],
        rows,
    )
    if gone["contacts"]:
        message(
            f"{gone['contacts']} contact(s) have no owner: `srm handoff --from none --to NAME`"
            " gives them one."
        )


def handoff(
    ctx: typer.Context,
    contacts: Annotated[
        str | None,
        typer.Argument(
            metavar="[CONTACT[,CONTACT...]]",
            help="Whose relationship changes hands: id, @handle, handle or part of a name or"
            " email; several separated by commas.",
        ),
    ] = None,
    to: Annotated[
        str,
        typer.Option(
            "--to",
            metavar="NAME",
            help="The new owner: a team member's name or address, 'me', 'none' (nobody), or"
            ' "Name <address>" for someone new to the team.',
        ),
    ] = ...,  # type: ignore[assignment]
    from_: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar="NAME",
            help="Hand off every contact this member owns ('none': every unowned contact).",
        ),
    ] = None,
    note: Annotated[
        str | None, typer.Option("--note", help="What the new owner should know.")
    ] = None,
    on: Annotated[
        str | None,
        typer.Option("--on", metavar="DATE", help="When it changed hands (default today)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Give a contact a new owner; the hand-off and its note stay in the contact's history.

    `srm show` and `srm brief` list the hand-offs; `srm undo` takes one back.

    Examples:
      srm handoff maria --to ben --note "she prefers calls; renewal due in May"
      srm handoff --from ben --to "Chloé Martin <chloe@example.org>"
    """
    from srm.domain import contacts as dc
    from srm.domain import team as dt
    from srm.errors import UsageError

    app = ctx_of(ctx)
    when = app.date(on, allow_future=False)
    store = app.store
    if (contacts is None) == (from_ is None):
        raise UsageError("name the contacts to hand off, or --from NAME for all of someone's")
    if from_ is not None:
        chosen = dt.contacts_of(store, dt.owned_by(store, from_))
        if not chosen:
            message(f"{esc(from_)} owns no contacts: nothing to hand off.")
            return
    else:
        chosen = dc.resolve_many(store, contacts or "")
    done = dt.handoff(store, chosen, to, on=when, note=note or "")
    if as_json:
        print_json(done.as_json(store))
        return
    who = done.to.name if done.to else "nobody"
    if done.added and done.to is not None:
        message(f"{esc(done.to.label)} joined the team.")
    handed = [c for c, _, hid in done.contacts if hid is not None]
    kept = [c for c, _, hid in done.contacts if hid is None]
    if handed:
        names = ", ".join(c.name for c in handed[:5])
        more = f" and {len(handed) - 5} more" if len(handed) > 5 else ""
        message(f"Handed [bold]{esc(names)}[/]{esc(more)} to [bold]{esc(who)}[/] on {when}.")
    if kept:
        already = ", ".join(c.name for c in kept[:5])
        more = f" and {len(kept) - 5} more" if len(kept) > 5 else ""
        owner = "unowned" if done.to is None else f"{who}'s"
        message(f"{esc(already)}{esc(more)}: already {esc(owner)}, unchanged.")


def who(
    ctx: typer.Context,
    target: Annotated[
        str,
        typer.Argument(
            metavar="CONTACT|ORG",
            help="A contact (as everywhere), or an organisation: its whole name, or any part"
            " of it when no contact matches.",
        ),
    ],
    org: Annotated[
        bool, typer.Option("--org", help="TARGET is an organisation, even if a contact matches.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Who on the team knows a person or organisation best, to ask for a warm introduction.

    Members are ranked by how often and how recently each interacted with the person (or
    with anyone at the organisation), with their last touch and how many interactions.

    The score runs from 0 to 1: each interaction weighs 0.5 ^ (its age / who_half_life_days,
    default 90), and their sum S scores S / (S + 1), so one interaction today scores 0.5.

    Examples:
      srm who maria
      srm who "Riverside Makers" --json
      srm who --org riverside
    """
    from shlex import quote

    from srm.domain import contacts as dc
    from srm.domain import team as dt
    from srm.errors import Ambiguous, NotFound, SrmError

    app = ctx_of(ctx)
    store = app.store
    contact = None
    if org or (not target.strip().startswith("@") and dt.is_org(store, target)):
        name, ids = dt.org_contacts(store, target)
    else:
        try:
            contact = dc.resolve(store, target)
        except NotFound:
            name, ids = dt.org_contacts(store, target)
        except Ambiguous as e:
            # Several people at one organisation: say how to ask about all of them.
            try:
                name, _ = dt.org_contacts(store, target)
            except SrmError:
                raise e from None
            raise Ambiguous(f"{e}; or `srm who --org {quote(target)}` for {name}") from None
        else:
            name, ids = None, [contact.id]
    data = dt.who(store, app.config, ids, app.today)
    about = {
        "contact": contact.ref() if contact else None,
        "org": name,
        "contacts": len(ids),
        "owner": contact.owner if contact else None,
        "on": app.today.isoformat(),
    }
    if as_json:
        print_json({**about, **data})
        return
    subject = contact.name if contact else f"{name} ({len(ids)} contact{'s' * (len(ids) != 1)})"
    if contact is not None and contact.owner:
        message(f"{esc(subject)} is {esc(contact.owner['name'])}'s contact.")
    ranked = data["members"]
    if not ranked:
        message(f"Nobody on the team has logged an interaction with {esc(subject)}.")
    else:
        show_rows(
            ["member", "score", "interactions", "last touch"],
            [
                [
                    f"{r['member']['name']} <{r['member']['email']}>",
                    f"{r['score']:.2f}",
                    str(r["interactions"]),
                    r["last"],
                ]
                for r in ranked
            ],
        )
        best = ranked[0]["member"]
        message(f"{esc(best['name'])} knows {esc(subject)} best: ask them for an introduction.")
    if data["unattributed"]:
        message(
            f"{data['unattributed']} interaction(s) with {esc(subject)} were logged without an"
            " author (before team mode, or without `me`) and are not counted."
        )
