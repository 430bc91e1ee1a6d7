"""The store itself: where it is, backups and restores, and `srm doctor`'s health check."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from srm.cli.context import ctx_of
from srm.cli.options import JsonOpt
from srm.cli.output import esc, message, print_json

PANEL = "Data"
db_app = typer.Typer(
    help="The database: where it is, whether it is healthy, what was erased.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.command("backup", rich_help_panel=PANEL)(backup)
    app.command("restore", rich_help_panel=PANEL)(restore)
    app.command("doctor", rich_help_panel=PANEL)(doctor)
    app.add_typer(db_app, name="db", rich_help_panel=PANEL)


@db_app.command("path")
def path(ctx: typer.Context) -> None:
    """Print the database file in use (--db, $SRM_DB, config, or the user data dir).

    Example:
      srm db path
    """
    import os
    import sys

    # As the bytes of the file name (which need not be UTF-8), so $(srm db path) finds it.
    sys.stdout.flush()
    app = ctx_of(ctx)
    shown = app.db_name if isinstance(app.db_path, str) else app.db_path  # a URL: no password
    sys.stdout.buffer.write(os.fsencode(shown) + b"\n")


def backup(
    ctx: typer.Context,
    file: Annotated[
        Path | None,
        typer.Argument(
            help="Where to write it: a new file, or a folder for a timestamped one"
            " (default: backups/ beside the store; for a server, in srm's data folder).",
            metavar="[FILE]",
        ),
    ] = None,
    keep: Annotated[
        int | None,
        typer.Option(
            "--keep",
            metavar="N",
            min=1,
            help="Then delete all but the newest N timestamped backups in that folder.",
        ),
    ] = None,
) -> None:
    """Back up the store: a consistent copy made while srm may be in use, readable by you only.

    A store on a PostgreSQL server is copied into an SQLite file (as srm db copy does): a
    personal, offline snapshot; the server's own backups are its administrator's.

    Examples: srm backup ; srm backup --keep 14 (e.g. daily from cron) ; srm backup /media/usb/
    """
    from srm.errors import UsageError
    from srm.store import backup as bk

    app = ctx_of(ctx)
    target = file.expanduser() if file is not None else None
    if keep is not None and target is not None and not target.is_dir():
        raise UsageError("--keep rotates the timestamped backups in a folder: give a folder")
    store = app.store
    made = bk.make(store, target)
    message(f"Backed up {esc(app.db_name)} to [bold]{esc(made)}[/].")
    if keep is not None:
        gone = bk.rotate(store.path or store.url, made.parent, keep)
        if gone:
            message(f"Deleted {len(gone)} older backup(s), keeping the newest {keep}.")


def restore(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The backup to restore.", metavar="FILE")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Don't ask for confirmation.")] = False,
) -> None:
    """Replace the store with a backup, after checking it; the store as it was is backed up.

    People erased since the backup was made are erased again.

    Example: srm restore ~/.local/share/srm/backups/srm-2026-03-01T080000Z.db
    """
    from srm.domain import erasure
    from srm.store import backup as bk

    app = ctx_of(ctx)
    source = file.expanduser()
    store = app.store
    if not yes and not typer.confirm(
        f"Replace everything in {app.db_name} with {source}? (The store as it is now is"
        " backed up first.)",
        err=True,
    ):
        raise typer.Exit(1)
    done = bk.restore(store, source)
    again = erasure.reapply(store, done.erasures, app.today)
    message(f"Restored [bold]{esc(source)}[/] into {esc(app.db_name)}.")
    if done.safety is not None:
        message(f"The store as it was is in {esc(done.safety)}.")
    if again:
        message(f"Erased {again} person(s) again who had been erased since that backup was made.")


def doctor(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Check the store: integrity, links, schema, migration record, derived state, permissions, log, backups.

    One line per finding, with what to do; exits 6 when anything is wrong. Reads only.

    Example: srm doctor
    """
    _doctor(ctx, as_json)


@db_app.command("check")
def check(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """The same as `srm doctor`.

    Examples:
      srm db check
      srm db check --json
    """
    _doctor(ctx, as_json)


def _doctor(ctx: typer.Context, as_json: bool) -> None:
    from srm.errors import StoreError
    from srm.store.check import doctor as run

    app = ctx_of(ctx)
    report = run(app.db_path)
    _state_findings(app.db_path, report)
    if as_json:
        print_json(report.as_json())
    else:
        counts = ""
        if report.contacts is not None:
            counts = f", {report.contacts} contacts, {report.interactions} interactions"
        if report.schema_version is not None:
            print(f"{app.db_name}: schema {report.schema_version}{counts}")
        for f in report.findings:
            line = f"{f.status:<8} {f.check}: {f.message}"
            print(line + (f" → {f.advice}" if f.advice else ""))
    problems = report.problems
    if problems:
        from srm.domain.common import plural

        raise StoreError(f"{plural(len(problems), 'problem')} found in {app.db_name}")


@db_app.command("copy")
def copy(
    ctx: typer.Context,
    to: Annotated[
        str,
        typer.Option(
            "--to",
            metavar="TARGET",
            help="Where to copy the store: a postgresql:// URL or an SQLite file (created if"
            " missing).",
        ),
    ],
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace everything in a target that already holds records."),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Copy the whole store into another database, across engines; counts are verified.

    Start a team's shared store from your file, or take a personal or offline copy of a
    team's server. The target must be new or empty (--force replaces its contents).

    Examples:
      srm db copy --to postgresql://ana@db.example.org/crm
      srm --db postgresql://ana@db.example.org/crm db copy --to ~/crm-copy.db
    """
    from srm.domain.common import plural
    from srm.paths import is_url
    from srm.store import copy as cp

    app = ctx_of(ctx)
    target = to if is_url(to) else Path(to).expanduser()
    done = cp.copy(app.store, target, force=force)
    if as_json:
        print_json({"from": done.source, "to": done.target, "rows": done.rows})
        return
    contacts, interactions = done.rows.get("contact", 0), done.rows.get("interaction", 0)
    others = sum(done.rows.values()) - contacts - interactions
    message(
        f"Copied {plural(contacts, 'contact')}, {plural(interactions, 'interaction')} and"
        f" {plural(others, 'other record')} from {esc(done.source)} to [bold]{esc(done.target)}[/];"
        " every table's count matches."
    )


def _state_findings(path: Path, report) -> None:
    """Each contact's stored state against its history, on a sound store of this schema."""
    from srm.domain import state
    from srm.store.db import Store
    from srm.store.migrations import MIGRATIONS

    if report.problems or report.schema_version != len(MIGRATIONS):
        return
    store = Store.open(path, migrate=False, read_only=True)
    try:
        report.findings += state.findings(store)
    finally:
        store.close()


@db_app.command("rebuild-state")
def rebuild_state(ctx: typer.Context) -> None:
    """Recompute every contact's stored state (last interaction, next due …) and the report's
    kept figures (interactions per day, each contact's per month) from the history.

    srm keeps them current on every change; this is for a state `srm doctor` found wrong.

    Example:
      srm db rebuild-state
    """
    from srm.domain import state

    app = ctx_of(ctx)
    n = state.rebuild(app.store, app.config)
    message(f"Recomputed the state of {n} contact{'s' if n != 1 else ''}.")


@db_app.command("erasures")
def erasures(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """List the erasures (`srm rm`) this store recorded: the date and what went, never who.

    Example:
      srm db erasures
    """
    from srm.cli.output import show_rows
    from srm.domain import erasure

    rows = erasure.history(ctx_of(ctx).store)
    if as_json:
        print_json(rows)
        return
    if not rows:
        message("No erasures recorded.")
        return
    show_rows(
        ["erased on", "interactions", "mentions", "redacted"],
        [
            [
                r["erased_on"],
                str(r["interactions"]),
                str(r["mentions"]),
                "yes" if r["redacted"] else "no",
            ]
            for r in rows
        ],
    )
