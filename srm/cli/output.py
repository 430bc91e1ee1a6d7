"""Rendering: data to stdout (Rich tables or stable JSON), messages to stderr."""

from __future__ import annotations

import itertools
import json
import sys
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table


# Piped or redirected, data is never wrapped or cut to fit 80 columns: `srm contacts | grep`
# must see whole rows.
PIPE_WIDTH = 4096


@cache
def out() -> Console:
    from rich.console import Console

    terminal = sys.stdout.isatty()
    return Console(highlight=False, soft_wrap=False, width=None if terminal else PIPE_WIDTH)


@cache
def err() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def message(text: str) -> None:
    """A message for the person at the terminal (stderr, so pipes carry only data)."""
    err().print(text, soft_wrap=True)


def print_json(data: Any) -> None:
    """Indented for a person at a terminal; one line for pipes and programs.

    json's indenting encoder is pure Python (100 ms for a 3 MB `srm due --json`); the compact
    one is C.
    """
    indent = 2 if sys.stdout.isatty() else None
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=indent, default=str) + "\n")


# Columns whose values are never wrapped or cut: a half-shown date or id is a wrong one.
WHOLE = frozenset(
    {"id", "date", "due", "next", "next due", "last", "since", "when", "when (UTC)", "handle"}
)


def table(*columns: str, title: str | None = None) -> Table:
    from rich import box
    from rich.table import Table

    t = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False)
    for c in columns:
        if c in WHOLE:
            t.add_column(c, no_wrap=True, min_width=10 if c != "id" else None)
        else:
            t.add_column(c, overflow="fold")
    return t


def esc(text: object) -> str:
    """Escape user text so Rich doesn't read [brackets] in it as markup."""
    from rich.markup import escape

    return escape("" if text is None else str(text))


def show(renderable: Any) -> None:
    out().print(renderable)


# Rich measures every cell of a table (7 s for 10,000 contacts); past this many rows a long
# listing is drawn as plain aligned columns, which reads the same in a pager.
RICH_ROWS = 500
# Plain listings are printed as they are read, this many rows at a time: each block is aligned
# on the widest cell so far, so a long listing starts at once and never sits whole in memory.
BLOCK_ROWS = 2000


def show_rows(
    columns: list[str],
    rows: Iterable[list[str]],
    styles: Iterable[str | None] | None = None,
    *,
    title: str | None = None,
) -> int:
    """A listing of plain-text cells: a Rich table on a terminal (with a style per row, e.g.
    "red" for late items), or aligned columns, never wrapped, when it is long or piped;
    how many rows it had (none: it prints nothing). `rows` may be a generator: plain rows are
    printed as they come."""
    rows = iter(rows)
    first = list(itertools.islice(rows, RICH_ROWS + 1))
    if not first:
        return 0
    if len(first) <= RICH_ROWS and sys.stdout.isatty():
        t = table(*columns, title=title)
        for r, style in zip(first, styles or itertools.repeat(None), strict=False):
            t.add_row(*(esc(cell) for cell in r), style=style)
        show(t)
        return len(first)
    from rich.cells import cell_len  # display width: CJK and emoji take two columns

    def width(cell: str) -> int:
        return len(cell) if cell.isascii() else cell_len(cell)

    def widest(cells: tuple[str, ...]) -> int:
        # ASCII text (nearly all of it) is its own width: measured without a call per cell.
        if all(map(str.isascii, cells)):
            return max(map(len, cells), default=0)
        return max(map(width, cells), default=0)

    widths = [width(c) for c in columns]

    def line(cells: list[str]) -> str:
        if all(map(str.isascii, cells)):
            return ascii_line.format(*cells).rstrip()
        padded = (c + " " * (w - width(c)) for c, w in zip(cells, widths, strict=True))
        return " " + "   ".join(padded).rstrip()

    count = 0
    block = first
    while block:
        widths[:] = map(max, widths, map(widest, zip(*block, strict=True)))
        ascii_line = " " + "   ".join(f"{{:<{w}}}" for w in widths)
        head = []
        if count == 0:
            head = [title] if title else []
            head += [line(columns), " " + "   ".join("─" * w for w in widths)]
        sys.stdout.write("\n".join([*head, *map(line, block)]) + "\n")
        count += len(block)
        block = list(itertools.islice(rows, BLOCK_ROWS))
    return count
