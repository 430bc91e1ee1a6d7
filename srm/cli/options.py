"""Option and argument types shared by the command modules, so each reads the same everywhere."""

from typing import Annotated

import typer

JsonOpt = Annotated[
    bool, typer.Option("--json", help="Print JSON (stable field names, ISO dates).")
]
ContactArg = Annotated[
    str,
    typer.Argument(
        help="Id, @handle, handle, or part of the name or email. It must mean one contact:"
        " a handle that is also a word of someone else's name is refused as ambiguous;"
        " @maria is always the handle maria."
    ),
]
