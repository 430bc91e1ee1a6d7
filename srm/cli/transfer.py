"""Import and export commands: bring contacts in from other tools, take all your data out."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from srm.cadence import HELP as CADENCE_HELP
from srm.cli.context import ctx_of
from srm.cli.output import SafeWriter, esc, message, print_json

PANEL = "Import and export"
PROGRESS_MIN_ITEMS = 500  # smaller files import faster than a progress bar can draw
SHOWN = 10  # skipped/rejected records listed by name before "… and N more"


def register(app: typer.Typer) -> None:
    app.command("import", rich_help_panel=PANEL)(import_)
    app.command("export", rich_help_panel=PANEL)(export)


def import_(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help="The file to import (- reads standard input).", metavar="FILE")
    ],
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="auto (from the content), vcard, linkedin (Connections.csv), google, outlook,"
            " csv (columns mapped by header name) or json (an srm export).",
        ),
    ] = "auto",
    segment: Annotated[
        list[str] | None,
        typer.Option("--segment", "-s", help="Put every imported contact in this segment."),
    ] = None,
    tag: Annotated[
        list[str] | None, typer.Option("--tag", "-t", help="Tag every imported contact.")
    ] = None,
    cadence: Annotated[
        str | None,
        typer.Option(
            "--cadence", help=f"Cadence for contacts whose record has none: {CADENCE_HELP}."
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="DATE",
            help="When tracking starts (default: today); the first check-in is one cadence later.",
        ),
    ] = None,
    stagger: Annotated[
        bool,
        typer.Option(
            "--stagger",
            help="Spread the first check-ins of new contacts over one cadence instead of one day.",
        ),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be imported; write nothing.")
    ] = False,
    on_duplicate: Annotated[
        str,
        typer.Option(
            "--on-duplicate",
            help="A contact already here (same email, else same name): skip it, merge it"
            " (fill empty fields, add segments and tags) or add it as new.",
        ),
    ] = "skip",
    skip_invalid: Annotated[
        bool,
        typer.Option(
            "--skip-invalid",
            help="Import the valid records and list the rejected ones (default: a bad record"
            " aborts the import and nothing is written).",
        ),
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the summary as JSON (stable field names).")
    ] = False,
) -> None:
    """Import contacts from vCard (Google, Apple, Outlook, Android …), CSV or an srm export.

    All or nothing: a bad record stops the import with its line or card number and nothing is
    written, unless --skip-invalid.

    Examples:
      srm import contacts.vcf --segment members
      srm import Connections.csv --dry-run
    """
    from srm.domain import importer

    app = ctx_of(ctx)
    data, name = _read(file)
    options = importer.Options(
        since=app.date(since),
        segments=segment or [],
        tags=tag or [],
        cadence=cadence,
        stagger=stagger,
        dry_run=dry_run,
        on_duplicate=on_duplicate.strip().lower(),
        skip_invalid=skip_invalid,
    )
    source = importer.load(data, name, fmt.strip().lower())
    store = app.store
    if sys.stderr.isatty() and source.total >= PROGRESS_MIN_ITEMS:
        summary = _with_progress(store, app.config, source, options)
    else:
        summary = importer.run(store, app.config, source, options)
    if as_json:
        print_json(summary.as_json())
    else:
        _report(summary)


def _read(file: Path) -> tuple[bytes, str]:
    from srm.errors import ImportError_

    if str(file) == "-":
        return sys.stdin.buffer.read(), "standard input"
    try:
        return file.read_bytes(), file.name
    except OSError as e:
        raise ImportError_(f"can't read {file}: {e.strerror}") from None


def _with_progress(store, config, source, options):
    from rich.progress import Progress

    from srm.cli.output import err
    from srm.domain import importer

    with Progress(console=err(), transient=True) as bar:
        task = bar.add_task(f"Importing {source.name}", total=source.total)

        def ticking(items):
            for item in items:
                yield item
                bar.advance(task)

        source.items = ticking(source.items)
        return importer.run(store, config, source, options)


def _report(summary) -> None:
    kinds = {
        "vcard": "vCard",
        "linkedin": "LinkedIn",
        "google": "Google CSV",
        "outlook": "Outlook CSV",
        "csv": "CSV",
        "json": "srm JSON",
    }
    lead = "Dry run, nothing written: would import" if summary.dry_run else "Imported"
    message(
        f"{lead} {esc(summary.file)} ({kinds[summary.format]}): {summary.created} created,"
        f" {summary.merged} merged, {len(summary.skipped)} skipped,"
        f" {len(summary.rejected)} rejected."
    )
    for section, counts in summary.records.items():
        message(
            f"  {section.replace('_', ' ')}: {counts['added']} added,"
            f" {counts['present']} already here"
        )
    for title, entries in (("Skipped", summary.skipped), ("Rejected", summary.rejected)):
        if entries:
            message(f"{title}:")
            for e in entries[:SHOWN]:
                message(f"  {esc(e['where'])}: {esc(e['reason'])}")
            if len(entries) > SHOWN:
                message(f"  … and {len(entries) - SHOWN} more (--json lists them all)")
    if summary.ignored_columns:
        message(f"Columns not imported: {esc(', '.join(summary.ignored_columns))}")


def export(
    ctx: typer.Context,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="json (the whole store, re-importable), csv (one row per contact), vcard (4.0)"
            " or ics (check-ins and follow-ups for calendars); default from --output's"
            " extension, else json.",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", metavar="FILE", help="Write to FILE (atomically); default stdout."
        ),
    ] = None,
    contact: Annotated[
        str | None,
        typer.Option(
            "--contact",
            "-c",
            help="Only this person: everything stored about them (a data-protection request).",
        ),
    ] = None,
    segment: Annotated[
        str | None, typer.Option("--segment", "-s", help="Only contacts in this segment.")
    ] = None,
    interactions: Annotated[
        bool,
        typer.Option("--interactions", help="csv: one row per interaction instead of per contact."),
    ] = False,
    todo: Annotated[
        bool,
        typer.Option("--todo", help="ics: to-dos (VTODO with DUE) instead of all-day events."),
    ] = False,
) -> None:
    """Export your data: everything as JSON, contacts as CSV or vCard, due dates as iCalendar.

    Examples:
      srm export -o backup.json
      srm export --format ics -o srm.ics
    """
    from srm.domain import exporter

    app = ctx_of(ctx)
    kind = exporter.choose_format(fmt, output)
    store = app.store
    scope = exporter.scope(store, contact=contact, segment=segment)
    options = exporter.Options(kind, today=app.today, interactions=interactions, todo=todo)
    if output is None:
        count = exporter.export(store, app.config, scope, options, SafeWriter(sys.stdout))
    else:
        from srm.store.files import atomic_file

        with atomic_file(output.expanduser(), database=app.db_path) as out:
            count = exporter.export(store, app.config, scope, options, SafeWriter(out))
        message(f"Exported {count} {exporter.unit(options, count)} to {esc(output)}.")
