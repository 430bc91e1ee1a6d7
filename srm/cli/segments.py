"""Segment commands: segments, segment add/edit/rm/sync."""

from __future__ import annotations

from typing import Annotated

import typer

from srm.cadence import HELP as CADENCE_HELP
from srm.cli.context import ctx_of
from srm.cli.options import JsonOpt
from srm.cli.output import esc, message, print_json, show, table

PANEL = "Contacts"
segment_app = typer.Typer(
    help="Manage segments: groups of stakeholders with a default cadence.", no_args_is_help=True
)
NameArg = Annotated[str, typer.Argument(help="Segment name.")]
CadenceOpt = Annotated[
    str | None, typer.Option("--cadence", help=f"Default cadence for its contacts: {CADENCE_HELP}.")
]
WeightOpt = Annotated[
    float | None,
    typer.Option("--weight", help="How much overdue contacts here count in `srm due` (default 1)."),
]
DescOpt = Annotated[str | None, typer.Option("--description", help="What the segment is for.")]


def register(app: typer.Typer) -> None:
    app.command("segments", rich_help_panel=PANEL)(segments)
    app.add_typer(segment_app, name="segment", rich_help_panel=PANEL)


def segments(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """List segments with their cadence, weight and number of contacts.

    Examples:
      srm segments
      srm segments --json
    """
    from srm.domain import segments as ds

    app = ctx_of(ctx)
    found = ds.list_segments(app.store, app.config)
    if as_json:
        print_json([s.as_json() for s in found])
        return
    t = table("name", "cadence", "weight", "contacts", "description")
    for s in found:
        name = esc(s.name) + (" [yellow](≠ config)[/]" if s.config_differs else "")
        t.add_row(
            name, s.cadence or "default", f"{s.weight:g}", str(s.contacts), esc(s.description)
        )
    show(t)
    # The store is what counts; say where the config file would have it otherwise.
    source = esc(app.config.source)
    missing = sorted(set(app.config.segments) - {s.name for s in found})
    notes = (
        [f"≠ config: {source} sets it otherwise."] if any(s.config_differs for s in found) else []
    )
    if missing:
        notes.append(f"{source} also names {esc(', '.join(missing))}, not in this store.")
    if notes:
        message(" ".join(notes) + " srm segment sync --dry-run shows what applying it changes.")


@segment_app.command("add")
def add(
    ctx: typer.Context,
    name: NameArg,
    cadence: CadenceOpt = None,
    weight: Annotated[float, typer.Option("--weight", help="Urgency weight in `srm due`.")] = 1.0,
    description: Annotated[
        str, typer.Option("--description", help="What the segment is for.")
    ] = "",
) -> None:
    """Add a segment.

    Example:
      srm segment add donors --cadence yearly --weight 1.2
    """
    from srm.domain import segments as ds

    s = ds.add(ctx_of(ctx).store, name, cadence, weight, description)
    message(
        f"Added segment [bold]{esc(s.name)}[/] (cadence {s.cadence or 'default'}, weight {s.weight:g})."
    )


@segment_app.command("edit")
def edit(
    ctx: typer.Context,
    name: NameArg,
    rename: Annotated[str | None, typer.Option("--name", help="New name.")] = None,
    cadence: CadenceOpt = None,
    weight: WeightOpt = None,
    description: DescOpt = None,
) -> None:
    """Change a segment's name, cadence, weight or description.

    Examples:
      srm segment edit partners --cadence monthly
      srm segment edit members --name community
    """
    from srm.domain import segments as ds

    app = ctx_of(ctx)
    s = ds.edit(
        app.store,
        app.config,
        name,
        new_name=rename,
        cadence=cadence,
        weight=weight,
        description=description,
    )
    message(f"Updated segment [bold]{esc(s.name)}[/].")


@segment_app.command("rm")
def rm(
    ctx: typer.Context,
    name: NameArg,
    force: Annotated[
        bool, typer.Option("--force", help="Remove even while contacts are in it.")
    ] = False,
) -> None:
    """Remove a segment (refused while it has contacts, unless --force).

    Examples:
      srm segment rm donors
      srm segment rm donors --force
    """
    from srm.domain import segments as ds

    app = ctx_of(ctx)
    s = ds.remove(app.store, app.config, name, force)
    message(f"Removed segment [bold]{esc(s.name)}[/].")


@segment_app.command("sync")
def sync(
    ctx: typer.Context,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change; change nothing.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Apply the config file's [segments.NAME] tables to the store, saying what changes.

    Adds the segments it names that the store lacks and sets the settings it names (a
    setting it leaves out stays as the store has it). Segments it doesn't name are left
    alone. Example: srm segment sync --dry-run
    """
    from srm.domain import segments as ds

    app = ctx_of(ctx)
    source = app.config.source
    changes = ds.sync_config(app.store, app.config, dry_run=dry_run)
    if as_json:
        print_json({"config": str(source) if source else None, "dry_run": dry_run,
                    "changes": [c.as_json() for c in changes]})  # fmt: skip
        return
    if not app.config.segments:
        where = esc(source) if source else "No config file"
        message(f"{where} names no segments ([segments.NAME]): nothing to apply.")
        return
    if not changes:
        message(f"The store's segments already match {esc(source)}.")
        return
    lead = "Would change (dry run, nothing written):" if dry_run else "Changed:"
    message(f"{lead} from {esc(source)}")
    for c in changes:
        if c.added:
            values = ", ".join(f"{k} {_shown(new)}" for k, (_, new) in c.changes.items())
            message(f"  add [bold]{esc(c.name)}[/] ({esc(values)})")
        else:
            diffs = "; ".join(
                f"{k} {_shown(old)} → {_shown(new)}" for k, (old, new) in c.changes.items()
            )
            message(f"  [bold]{esc(c.name)}[/]: {esc(diffs)}")


def _shown(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, float):
        return f"{value:g}"
    return repr(value) if isinstance(value, str) and " " in value or value == "" else str(value)
