"""Option and argument types shared by the command modules, so each reads the same everywhere."""

from typing import Annotated

import typer


def record_id(text: str) -> int:
    """An ID argument: a whole number from 1 to 2^63 - 1 (SQLite's largest), else exit 2."""
    from srm.domain.common import MAX_ID, parse_id

    value = parse_id(str(text))
    if value is not None:
        return value
    s = str(text).strip()
    if s.isascii() and s.isdigit() and int(s) > 0:
        raise typer.BadParameter(f"{s} is larger than any id (they go up to {MAX_ID})")
    raise typer.BadParameter(f"{text!r} is not an id (a whole number: 1, 2, 3 …)")


def days(text: str) -> int:
    """A number of days: 0 up to a century (srm.dates.MAX_DAYS)."""
    from srm.dates import MAX_DAYS

    n = _whole(text)
    if n is None or n > MAX_DAYS:
        raise typer.BadParameter(f"{text!r} is not a number of days from 0 to {MAX_DAYS}")
    return n


def count(text: str) -> int:
    """How many items to show: 1 or more (a number too long to count means all of them)."""
    n = _whole(text)
    if n is None or n < 1:
        raise typer.BadParameter(f"{text!r} is not a whole number of 1 or more")
    return n


def _whole(text: str | int) -> int | None:
    """A whole number written in ASCII digits (at most 10**18), or None. (A default given as
    an int comes through the parser too.)"""
    s = str(text).strip()
    if not (s.isascii() and s.isdigit()):
        return None
    return int(s) if len(s) <= 18 else 10**18


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
