"""Database commands: where the store is, and a health check against the schema of record."""

from __future__ import annotations

from typing import Annotated

import typer

from srm.cli.context import ctx_of
from srm.cli.output import message, print_json

db_app = typer.Typer(
    help="The database: where it is and whether it is healthy.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db", rich_help_panel="Data")


@db_app.command("path")
def path(ctx: typer.Context) -> None:
    """Print the database file in use (--db, $SRM_DB, config, or the user data dir)."""
    import os
    import sys

    # As the bytes of the file name (which need not be UTF-8), so $(srm db path) finds it.
    sys.stdout.flush()
    sys.stdout.buffer.write(os.fsencode(ctx_of(ctx).db_path) + b"\n")


@db_app.command("check")
def check(
    ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False
) -> None:
    """Check the database: SQLite integrity, foreign keys, and schema against srm's models."""
    from srm.errors import StoreError
    from srm.store.check import check as run_check

    app = ctx_of(ctx)
    result = run_check(app.store)
    if as_json:
        print_json(result)
    else:
        message(
            f"{app.db_path}: schema {result['schema_version']}, {result['contacts']} contacts, {result['interactions']} interactions"
        )
        for p in result["problems"]:
            message(f"  problem: {p}")
    if result["problems"]:
        from srm.domain.common import plural

        raise StoreError(f"{plural(len(result['problems']), 'problem')} found in {app.db_path}")
    if not as_json:
        message("OK")
