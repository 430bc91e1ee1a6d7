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
        Path,
        typer.Argument(
            help="The file to import (- reads standard input), or a folder of .vcf files (a"
            " vdir, as khard and vdirsyncer keep them).",
            metavar="FILE",
        ),
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
            help="A contact already here (same email, or the same name and phone or"
            " organisation): skip it, merge it (fill empty fields, add emails, phones,"
            " segments, tags …) or add it as new. A card with the same UID and a newer REV"
            " updates the contact whatever this says.",
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
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose", "-v", help="List what couldn't be kept, and what changed, per record."
        ),
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the summary as JSON (stable field names).")
    ] = False,
) -> None:
    """Import contacts from vCard (Google, Apple, Outlook, Android …), CSV or an srm export.

    All or nothing: a bad record stops the import with its line or card number and nothing is
    written, unless --skip-invalid. Whatever a file holds that srm can't keep (a photo, an
    unmapped column) is listed in the summary; nothing is dropped silently.

    A folder is read as a vdir (one card per .vcf file): a card with a contact's UID is that
    contact, and updates it when its REV is newer than the contact's last change. A name that
    differs from a contact's only in accents, with nothing else to compare, is asked about on a
    terminal (else imported as another person and listed).

    Examples:
      srm import contacts.vcf --segment members --stagger
      srm import Connections.csv --dry-run
      srm import ~/.contacts/default --dry-run --verbose    # what a phone or khard changed
    """
    from srm.domain import importer

    app = ctx_of(ctx)
    options = importer.Options(
        since=app.date(since),
        segments=segment or [],
        tags=tag or [],
        cadence=cadence,
        stagger=stagger,
        dry_run=dry_run,
        on_duplicate=on_duplicate.strip().lower(),
        skip_invalid=skip_invalid,
        verbose=verbose,
    )
    if str(file) != "-" and file.is_dir():
        source = importer.load_dir(file, fmt.strip().lower())
    else:
        data, name = _read(file)
        source = importer.load(data, name, fmt.strip().lower())
    store = app.store
    prepared = importer.prepare(store, source, options)
    if not as_json and not dry_run and sys.stdin.isatty() and sys.stderr.isatty():
        _ask(importer.questions(store, prepared, options), options)
    if sys.stderr.isatty() and source.total >= PROGRESS_MIN_ITEMS:
        summary = _with_progress(store, app.config, prepared, options)
    else:
        summary = importer.run(store, app.config, prepared, options)
    if as_json:
        print_json(summary.as_json(verbose))
    else:
        _report(summary, verbose)


def _ask(questions, options) -> None:
    """Is this record that contact? Asked before the import takes the lock."""
    for q in questions:
        c = q.contact
        theirs = ", ".join(x for x in (c.get("email"), c.get("phone"), c.get("org")) if x)
        mine = ", ".join(x for x in (q.fields["email"], q.fields["phone"], q.fields["org"]) if x)
        message(
            f"{esc(q.where)}: [bold]{esc(q.name)}[/] ({esc(mine or 'nothing else known')})"
            f" looks like @{esc(c['handle'])} [bold]{esc(c['name'])}[/]"
            f" ({esc(theirs or 'nothing else known')})."
        )
        options.same[q.where] = typer.confirm("The same person?", default=False, err=True)


def _read(file: Path) -> tuple[bytes, str]:
    from srm.errors import ImportError_

    if str(file) == "-":
        return sys.stdin.buffer.read(), "standard input"
    try:
        return file.read_bytes(), file.name
    except OSError as e:
        raise ImportError_(f"can't read {file}: {e.strerror}") from None


def _with_progress(store, config, prepared, options):
    from rich.progress import Progress

    from srm.cli.output import err
    from srm.domain import importer

    source = prepared.source
    with Progress(console=err(), transient=True) as bar:
        task = bar.add_task(f"Importing {source.name}", total=source.total)
        if source.format == "json":
            return importer.run(store, config, prepared, options, lambda: bar.advance(task))
        bar.update(task, completed=source.total)  # parsed and checked already
        return importer.run(store, config, prepared, options)


def _report(summary, verbose: bool = False) -> None:
    kinds = {
        "vcard": "vCard",
        "linkedin": "LinkedIn",
        "google": "Google CSV",
        "outlook": "Outlook CSV",
        "csv": "CSV",
        "json": "srm JSON",
    }
    lead = "Dry run, nothing written: would import" if summary.dry_run else "Imported"
    updated = f" {len(summary.updated)} updated," if summary.updated else ""
    if summary.unchanged:
        updated += f" {summary.unchanged} unchanged,"
    message(
        f"{lead} {esc(summary.file)} ({kinds[summary.format]}): {summary.created} created,"
        f"{updated} {summary.merged} merged, {len(summary.skipped)} skipped,"
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
    if summary.updated:
        message("Updated from newer cards:" if not summary.dry_run else "Would update:")
        for u in summary.updated[: None if verbose else SHOWN]:
            message(f"  @{esc(u['contact']['handle'])} ({esc(u['where'])}): {esc(_changes(u))}")
        if not verbose and len(summary.updated) > SHOWN:
            message(f"  … and {len(summary.updated) - SHOWN} more (--verbose lists them all)")
    if summary.possible:
        message(
            f"{len(summary.possible)} imported as new, though their names look like a contact's"
            " (only accents or punctuation differ): merge them if they are one person"
        )
        for p in summary.possible[:SHOWN]:
            message(f"  {esc(p['where'])}: {esc(p['command'])}")
    if summary.linked:
        message(
            f"{summary.linked} contact(s) already here now carry the UID of their card, so"
            " srm export --vdir writes them back into it."
        )
    if summary.dropped:
        fields = ", ".join(
            f"{f} ({n} record{'s' if n != 1 else ''})" for f, n in summary.dropped.most_common()
        )
        message(f"Not kept (srm has no place for them): {esc(fields)}")
        if verbose:
            for d in summary.dropped_records:
                message(f"  {esc(d['where'])}: {esc('; '.join(d['fields']))}")
        else:
            message("  --verbose lists them per record.")


def _changes(update: dict) -> str:
    """What a newer card changed, on one line: role: 'CTO' → 'CEO'; emails +a@x −b@y."""
    parts = []
    for name, change in update["changes"].items():
        if "from" in change:
            parts.append(f"{name}: {_short(change['from'])!r} → {_short(change['to'])!r}")
            continue
        bits = [f"+{v}" for v in change.get("added", [])]
        bits += [f"−{v}" for v in change.get("removed", [])]
        bits += [f"~{v}" for v in change.get("changed", [])]
        parts.append(f"{name} {' '.join(bits) if bits else 'reordered'}")
    return "; ".join(parts)


def _short(value) -> str:
    text = " ".join(str(value or "").split())
    return text if len(text) <= 40 else text[:39] + "…"


def export(
    ctx: typer.Context,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="json (the whole store, re-importable), csv (srm's: every field of a contact),"
            " google-csv or outlook-csv (to import into Google Contacts or Outlook.com), vcard"
            " (4.0) or ics (check-ins, follow-ups and dates that matter for calendars); default"
            " from --output's extension, else json.",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", metavar="FILE", help="Write to FILE (atomically); default stdout."
        ),
    ] = None,
    vdir: Annotated[
        Path | None,
        typer.Option(
            "--vdir",
            metavar="PATH",
            help="vcard/ics: mirror into this folder, one file per item (for khard, khal,"
            " todoman, vdirsyncer); only changed files are rewritten.",
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
        typer.Option(
            "--todo",
            help="ics: check-ins and follow-ups as to-dos (VTODO with DUE), for a task list.",
        ),
    ] = False,
    vcard_version: Annotated[
        str,
        typer.Option("--vcard-version", help="vcard: 4.0, or 3.0 for clients that want it."),
    ] = "4.0",
    as_json: Annotated[
        bool, typer.Option("--json", help="With --vdir: print what changed in the folder as JSON.")
    ] = False,
) -> None:
    """Export your data: everything as JSON, contacts as CSV or vCard, due dates as iCalendar.

    --vdir keeps a folder in step with srm, one .vcf or .ics per item: files whose content
    changed are rewritten, items srm no longer has (a follow-up done, a contact erased) are
    removed, and a file srm never wrote (a card added on your phone) is left alone and named,
    with the hint to srm import the folder. A card edited elsewhere since srm's last change to
    the contact is kept until you import it.

    Examples:
      srm export -o everything.json
      srm export --format vcard --vdir ~/.contacts/srm && vdirsyncer sync
      srm export --format google-csv -o google.csv
    """
    from srm.domain import exporter

    app = ctx_of(ctx)
    if vdir is not None and output is not None:
        from srm.errors import UsageError

        raise UsageError("use --output or --vdir, not both")
    kind = exporter.choose_format(fmt, output)
    options = exporter.Options(
        kind,
        today=app.today,
        interactions=interactions,
        todo=todo,
        vcard_version=vcard_version.strip(),
    )
    exporter.check(options, vdir=vdir is not None)
    store = app.store
    scope = exporter.scope(store, contact=contact, segment=segment)
    if vdir is not None:
        count, result = exporter.export_vdir(store, app.config, scope, options, vdir.expanduser())
        if as_json:
            print_json({"items": count, **result.as_json()})
        _report_vdir(vdir, count, exporter.unit(options, count), result)
        return
    if output is None:
        count = exporter.export(store, app.config, scope, options, SafeWriter(sys.stdout))
    else:
        from srm.store.files import atomic_file

        with atomic_file(output.expanduser(), database=app.db_path) as out:
            count = exporter.export(store, app.config, scope, options, SafeWriter(out))
        message(f"Exported {count} {exporter.unit(options, count)} to {esc(output)}.")
    if options.notes:
        message(f"{fmt} has no column for: {esc('; '.join(options.notes))}.")


def _report_vdir(folder: Path, count: int, unit: str, result) -> None:
    message(
        f"{esc(folder)}: {count} {unit}; {len(result.written)} written, {result.unchanged}"
        f" unchanged, {len(result.removed)} removed."
    )
    for k in result.kept:
        message(f"  kept {esc(k['file'])} ({esc(k['name'])}): {esc(k['why'])}")
    if result.kept:
        message(f"  srm import {esc(folder)} takes those changes in; export again after it.")
    if result.unknown:
        shown = ", ".join(result.unknown[:SHOWN]) + (
            f" and {len(result.unknown) - SHOWN} more" if len(result.unknown) > SHOWN else ""
        )
        message(
            f"  {len(result.unknown)} file(s) srm didn't write, left alone: {esc(shown)}"
            f" (srm import {esc(folder)} takes them in)"
        )
