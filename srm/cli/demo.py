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
) -> None:
    """Build a sample workspace (never your own database); show its contacts, due list and report."""
    import os
    import tempfile
    from pathlib import Path

    from srm.domain import demo as sample
    from srm.domain import state
    from srm.paths import user_data_dir
    from srm.store.db import Store

    app = ctx_of(ctx)
    target = Path(path).expanduser() if path else user_data_dir() / "demo.db"
    if target.resolve() == app.db_path.resolve():
        raise typer.BadParameter(
            "the demo never writes to your own database; choose another --path"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    # Built beside the target and renamed into place: a half-built demo never replaces a good one.
    fd, tmp = tempfile.mkstemp(prefix=".demo-", suffix=".db", dir=target.parent)
    os.close(fd)
    os.unlink(tmp)
    try:
        store = Store.open(Path(tmp))
        state.keep(store, app.config)
        store.conn.execute("PRAGMA synchronous = OFF")  # a throwaway build: speed over durability
        sample.build(store, app.config, app.today)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.conn.execute("PRAGMA journal_mode = DELETE")
        store.close()
        for suffix in ("-wal", "-shm"):
            Path(str(target) + suffix).unlink(missing_ok=True)
        os.replace(tmp, target)
    finally:
        for leftover in (tmp, tmp + "-wal", tmp + "-shm"):
            Path(leftover).unlink(missing_ok=True)
    message(
        f"Demo workspace written to [bold]{esc(target)}[/]; try: srm --db {esc(target)} show maria"
    )
    demo_ctx = AppContext(db_flag=str(target), config_flag=app.config_flag)
    _show(ctx, demo_ctx)


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
