"""`srm demo`: build a sample workspace in its own database file and show what srm does."""

from __future__ import annotations

from typing import Annotated

import typer

from srm.cli.context import AppContext, ctx_of
from srm.cli.output import esc, message


def register(app: typer.Typer) -> None:
    app.command("demo", rich_help_panel="Data")(demo)


def demo(
    ctx: typer.Context,
    path: Annotated[
        str | None,
        typer.Option(
            "--path",
            metavar="PATH",
            help="Where to write the demo database (default: demo.db in the user data dir).",
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace PATH even if it is not an earlier demo workspace."),
    ] = False,
) -> None:
    """Build a sample workspace (never your own database); show its contacts, due list and report.

    An earlier demo workspace at PATH is replaced; any other file is left alone unless --force.

    Example: srm demo --path /tmp/demo.db
    """
    import os
    from pathlib import Path

    from srm.domain import demo as sample
    from srm.errors import UsageError
    from srm.paths import user_data_dir
    from srm.store import files

    app = ctx_of(ctx)
    target = Path(path).expanduser() if path else user_data_dir() / "demo.db"
    if files.is_database_file(target, app.db_path):
        raise UsageError("the demo never writes to your own database; choose another --path")
    target = Path(os.path.realpath(target))
    if target.is_dir():
        raise UsageError(f"{target} is a folder: give --path a file name, e.g. {target}/demo.db")
    if target.exists() and not force and files.application_id(target) != sample.APPLICATION_ID:
        kind = "a database" if files.is_sqlite(target) else "a file"
        raise UsageError(
            f"{target} is {kind} that srm demo didn't make: choose another --path, or"
            " --force to replace it"
        )
    try:
        _build(app, sample, target)
    except OSError as e:
        raise UsageError(f"can't write the demo to {target}: {e.strerror or e}") from None
    message(
        f"Demo workspace written to [bold]{esc(target)}[/]; try: srm --db {esc(target)} show maria"
    )
    demo_ctx = AppContext(db_flag=str(target), config_flag=app.config_flag)
    _show(ctx, demo_ctx)


def _build(app: AppContext, sample, target) -> None:
    """Build the workspace beside `target` and rename it into place: a half-built demo never
    replaces a good one."""
    import os
    from pathlib import Path

    from srm.domain import state
    from srm.store import files
    from srm.store.db import Store, make_private_dirs

    make_private_dirs(target.parent)
    fd, tmp = files.private_temp(target.parent, target.name)
    os.close(fd)
    os.unlink(tmp)
    try:
        store = Store.open(tmp)
        state.keep(store, app.config)
        store.conn.execute("PRAGMA synchronous = OFF")  # a throwaway build: speed over durability
        sample.build(store, app.config, app.today)
        store.conn.execute(f"PRAGMA application_id = {sample.APPLICATION_ID}")
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.conn.execute("PRAGMA journal_mode = DELETE")
        store.close()
        for suffix in ("-wal", "-shm"):
            Path(str(target) + suffix).unlink(missing_ok=True)
        os.replace(tmp, target)
    finally:
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)


def _show(ctx: typer.Context, demo_ctx: AppContext) -> None:
    from srm.cli import contacts, daily, report

    root = ctx.find_root()
    root.obj = demo_ctx
    message("\n[bold]srm contacts[/]")
    ctx.invoke(contacts.contacts, ctx=ctx)
    message("\n[bold]srm due[/]")
    ctx.invoke(daily.due, ctx=ctx)
    message("\n[bold]srm report[/] (this quarter so far, against the last one)")
    ctx.invoke(report.report, ctx=ctx)
