"""Rendering: data to stdout (tables, plain rows or stable JSON), messages to stderr.

On a terminal, tables and messages are drawn by Rich. To a pipe or a file they are written as
Rich would write them there, without importing Rich (its import costs more than the rest of a
short command): `PipeTable`, `PlainConsole` and `message` follow Rich's layout and markup rules
(srm.cli.plain); tests compare the two byte for byte.

Stored text never reaches the terminal raw: escape sequences and control characters in it
(from a store written before srm cleaned its input, or by hand) are removed from everything
Rich prints, from plain listings and from JSON (see `safe`, `_Clean`, `json_text`).
"""

from __future__ import annotations

import itertools
import re
import sys
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING, Any

from srm.cli.plain import (
    cell_len,
    collapse_widths,
    divide_line,
    escape,
    is_terminal,
    ratio_reduce,
    unmarkup,
    wrap_line,
)

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table


def console(**options: Any) -> Console:
    """A Rich console that removes control characters from whatever it is given to print."""
    from rich.console import Console

    c = Console(**options)
    c.push_render_hook(_CleanHook())
    return c


# Piped or redirected, data is never wrapped or cut to fit 80 columns: `srm contacts | grep`
# must see whole rows.
PIPE_WIDTH = 4096


@cache
def out() -> Console | PlainConsole:
    if not is_terminal(sys.stdout):
        return PlainConsole()
    terminal = sys.stdout.isatty()  # else FORCE_COLOR asked for colour in a pipe
    return console(highlight=False, soft_wrap=False, width=None if terminal else PIPE_WIDTH)


@cache
def err() -> Console:
    return console(stderr=True, highlight=False)


def safe(text: object) -> str:
    """Text fit for a terminal: no escape sequences or control characters (tabs and line ends
    stay)."""
    from srm.domain.common import strip_controls

    return strip_controls("" if text is None else str(text))


class SafeWriter:
    """A text stream that drops escape sequences and control characters from what is written
    to it (tabs and line ends stay): for exports, which carry stored text as it is."""

    def __init__(self, stream: Any) -> None:
        from srm.domain.common import strip_escapes

        self.stream, self.clean = stream, strip_escapes

    def write(self, text: str) -> int:
        return self.stream.write(self.clean(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


class _CleanHook:
    """Wraps every renderable a console prints so that its text segments are cleaned."""

    def process_renderables(self, renderables: list) -> list:
        return [_Clean(r) for r in renderables]


class _Clean:
    def __init__(self, renderable: Any) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: Any):
        from rich.segment import Segment

        for segment in console.render(self.renderable, options):
            text, style, control = segment
            if control or not text or text.isascii() and text.isprintable():
                yield segment
            else:
                yield Segment(safe(text), style)


def message(text: str) -> None:
    """A message for the person at the terminal (stderr, so pipes carry only data).

    `text` is Rich markup (user text in it passed through `esc`); to a log file or a pipe it
    is written without its styles."""
    if is_terminal(sys.stderr):
        err().print(text, soft_wrap=True)
    else:
        sys.stderr.write(safe(unmarkup(text)) + "\n")


def print_json(data: Any) -> None:
    """Indented for a person at a terminal; one line for pipes and programs.

    json's indenting encoder is pure Python (100 ms for a 3 MB `srm due --json`); the compact
    one is C.
    """
    indent = 2 if sys.stdout.isatty() else None
    sys.stdout.write(json_text(data, indent) + "\n")


def print_json_array(items: Iterable[str]) -> None:
    """A JSON array from its items' JSON text (as `json.dumps` would write each), written as
    they come, a batch at a time, exactly as `print_json` would write the list; indented (each
    item read back) for a person at a terminal."""
    if sys.stdout.isatty():
        import json

        print_json([json.loads(item) for item in items])
        return
    from srm.domain.common import json_safe, json_safe_utf8

    items = iter(items)
    out = sys.stdout
    raw = (
        getattr(out, "buffer", None) if (out.encoding or "").lower() in ("utf-8", "utf8") else None
    )
    if raw is not None:  # megabytes: encoded once, checked as bytes (`json_safe_utf8`)
        out.flush()
    sep = "["
    while batch := list(itertools.islice(items, 500)):
        if raw is None:
            out.write(json_safe(sep + ", ".join(batch)))
        else:
            raw.write(json_safe_utf8(sep + ", ".join(batch)))
        sep = ", "
    if raw is not None:
        raw.flush()
    out.write("[]\n" if sep == "[" else "]\n")


def json_text(data: Any, indent: int | None = None) -> str:
    """JSON as srm prints it: control characters escaped (srm.domain.common.json_dumps)."""
    from srm.domain.common import json_dumps

    return json_dumps(data, indent)


# Columns whose values are never wrapped or cut: a half-shown date or id is a wrong one.
WHOLE = frozenset(
    {"id", "date", "due", "next", "next due", "last", "since", "when", "when (UTC)", "handle"}
)


def table(*columns: str, title: str | None = None) -> Table | PipeTable:
    """A table of markup cells for `show`: Rich's on a terminal, else a `PipeTable`."""
    t = PipeTable(*columns, title=title)
    return t if not is_terminal(sys.stdout) else t.__rich__()


def esc(text: object) -> str:
    """User text for Rich markup: [brackets] escaped, control characters removed."""
    return escape(safe(text))


def show(renderable: Any) -> None:
    out().print(renderable)


_UNSAFE_CELL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\u202a-\u202e\u2066-\u2069]")

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
    from srm.domain.common import strip_controls

    def width(cell: str) -> int:
        return len(cell) if cell.isascii() else cell_len(cell)

    def widest(cells: tuple[str, ...]) -> int:
        # ASCII text (nearly all of it) is its own width: measured without a call per cell.
        if all(map(str.isascii, cells)):
            return max(map(len, cells), default=0)
        return max(map(width, cells), default=0)

    def one_line(block: list[list[str]]) -> list[list[str]]:
        # One cell, one line: line ends and control characters in stored text would break the
        # columns or reach the terminal. One search over the block finds whether any needs it.
        # (Each of those is unprintable: printable text, nearly all of it, needs no search.)
        joined = "".join(c for r in block for c in r)
        if not joined.isprintable() and _UNSAFE_CELL.search(joined):
            return [
                [" ".join(strip_controls(c, keep_lines=False).split()) for c in r] for r in block
            ]
        return block

    widths = [width(c) for c in columns]

    def line(cells: list[str]) -> str:
        if all(map(str.isascii, cells)):
            return ascii_line.format(*cells).rstrip()
        padded = (c + " " * (w - width(c)) for c, w in zip(cells, widths, strict=True))
        return " " + "   ".join(padded).rstrip()

    count = 0
    block = one_line(first)
    while block:
        widths[:] = map(max, widths, map(widest, zip(*block, strict=True)))
        ascii_line = " " + "   ".join(f"{{:<{w}}}" for w in widths)
        head = []
        if count == 0:
            head = [title] if title else []
            head += [line(columns), " " + "   ".join("─" * w for w in widths)]
        sys.stdout.write("\n".join([*head, *map(line, block)]) + "\n")
        count += len(block)
        block = one_line(list(itertools.islice(rows, BLOCK_ROWS)))
    return count


class PlainConsole:
    """`out()` for a pipe or a file: markup and `PipeTable`s written as Rich would write them
    there (no styles, nothing wrapped below PIPE_WIDTH); any other renderable goes to a Rich
    console made on first use."""

    width = PIPE_WIDTH

    def print(self, *objects: Any, sep: str = " ", end: str = "\n", **options: Any) -> None:
        if all(isinstance(o, str) for o in objects):
            text = safe(unmarkup(sep.join(objects)))
            if all(cell_len(line) <= PIPE_WIDTH for line in text.split("\n")):
                sys.stdout.write(text + end)
                return
        elif len(objects) == 1 and isinstance(objects[0], PipeTable | PipeGrid):
            lines = objects[0].lines()
            if lines is not None:
                sys.stdout.write("".join(line + "\n" for line in lines))
                return
        self.rich().print(*objects, sep=sep, end=end, **options)

    @cache  # noqa: B019 (one PlainConsole per process)
    def rich(self) -> Console:
        return console(highlight=False, soft_wrap=False, width=PIPE_WIDTH)


class _Column:
    def __init__(self, header: str, **options: Any) -> None:
        self.header = header
        self.no_wrap: bool = options.get("no_wrap", False)
        self.min_width: int | None = options.get("min_width")
        self.overflow: str | None = options.get("overflow")
        self.justify: str = options.get("justify", "left")


class PipeTable:
    """A table of markup cells, drawn for a pipe or a file as Rich would draw it there.

    Columns listed in WHOLE are never wrapped; the others fold. Printed to a Rich console (a
    terminal, or a report rendered with Rich) it becomes the Rich table it stands for.
    """

    def __init__(self, *columns: str, title: str | None = None) -> None:
        self.title = title
        self.columns = [
            _Column(c, no_wrap=True, min_width=10 if c != "id" else None)
            if c in WHOLE
            else _Column(c, overflow="fold")
            for c in columns
        ]
        self.rows: list[tuple[tuple[Any, ...], str | None]] = []

    def add_row(self, *cells: Any, style: str | None = None) -> None:
        self.rows.append((cells, style))

    def __rich__(self) -> Table:
        from rich import box
        from rich.table import Table

        t = Table(title=self.title, box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False)
        for c in self.columns:
            t.add_column(
                c.header,
                no_wrap=c.no_wrap,
                min_width=c.min_width,
                overflow=c.overflow,  # type: ignore[arg-type]
                justify=c.justify,  # type: ignore[arg-type]
            )
        for cells, style in self.rows:
            t.add_row(*cells, style=style)
        return t

    def lines(self, page: int = PIPE_WIDTH) -> list[str] | None:
        """Rich's SIMPLE_HEAD table on a console `page` columns wide: the title, a blank edge,
        the header, a rule, the rows, a blank edge. Wider than the page, the columns that may
        wrap give up width as Rich's do (the widest first) and their cells are word-wrapped.
        None where only Rich can tell: a cell that isn't markup, a tab (Rich measures it as
        nothing, then expands it), a column that may not wrap cut short."""
        grid = [[c.header for c in self.columns], *(list(cells) for cells, _ in self.rows)]
        if "\t" in (self.title or "") or any(
            not isinstance(cell, str) or "\t" in cell for row in grid for cell in row
        ):
            return None
        cells = [[safe(unmarkup(cell)).split("\n") for cell in row] for row in grid]
        n = len(self.columns)
        pads = [(0 if i == 0 else 1, 0 if i == n - 1 else 1) for i in range(n)]
        room = page - (n + 1)  # the table's edges and the one-space rules between its cells
        longest = [
            max(cell_len(line) for row in cells for line in row[i]) + sum(pads[i]) for i in range(n)
        ]
        widths = self._widths([min(w, room) for w in longest], pads, room)
        if sum(widths) > room:
            wrapable = [not c.no_wrap for c in self.columns]
            widths = collapse_widths(widths, wrapable, room)
            if sum(widths) > room:
                excess = sum(widths) - room
                widths = ratio_reduce(excess, [1] * n, widths, widths)
            widths = self._widths([min(a, b) for a, b in zip(longest, widths, strict=True)], pads)
            for i, c in enumerate(self.columns):
                space = widths[i] - sum(pads[i])
                if space < 1 or longest[i] > widths[i] and c.no_wrap:
                    return None  # Rich would cut a cell short
                if longest[i] > widths[i]:
                    for row in cells:
                        row[i] = [p for line in row[i] for p in wrap_line(line, space) or [None]]
                        if None in row[i]:
                            return None
        inner = sum(widths) + n - 1
        width = inner + 2  # and the table's edges
        out = []
        for piece in safe(unmarkup(self.title or "")).split("\n") if self.title else []:
            cuts = [0, *divide_line(piece, width), len(piece)]
            for a, b in zip(cuts, cuts[1:], strict=False):
                part = piece[a:b]
                part = part.rstrip() if cell_len(part) > width else part
                out.append(part + " " * (width - cell_len(part)))
        out.append(" " * width)
        for k, row in enumerate(cells):
            height = max(len(cell) for cell in row)
            for j in range(height):
                parts = []
                for i, cell in enumerate(row):
                    # The header sits on the rule (Rich aligns it to the bottom), rows at the top.
                    at = j - (height - len(cell)) if k == 0 else j
                    text = cell[at] if 0 <= at < len(cell) else ""
                    right = self.columns[i].justify == "right"
                    text = text.rstrip() if right else text  # as Rich's right justify does
                    space = " " * (widths[i] - sum(pads[i]) - cell_len(text))
                    text = space + text if right else text + space
                    parts.append(" " * pads[i][0] + text + " " * pads[i][1])
                out.append(" " + " ".join(parts) + " ")
            if k == 0:
                out.append(" " + "─" * inner + " ")
        out.append(" " * width)
        return out

    def _widths(self, widths: list[int], pads: list[tuple[int, int]], room: int = 0) -> list[int]:
        """Rich's measure of each column: its widest cell (as given), never under the column's
        minimum; with `room`, a column of nothing is one wide."""
        out = []
        for c, w, pad in zip(self.columns, widths, pads, strict=True):
            if c.min_width is not None:
                w = max(w, c.min_width + sum(pad))
            out.append(w or 1 if room else w)
        return out


def grid(padding: int = 2) -> Table | PipeGrid:
    """Label/value lines (a profile's head): Rich's `Table.grid` on a terminal, else a
    `PipeGrid`. The first column is bold."""
    g = PipeGrid(padding)
    return g if not is_terminal(sys.stdout) else g.__rich__()


class PipeGrid:
    """Rows of markup cells in columns with no borders, drawn for a pipe or a file as Rich's
    `Table.grid(padding=(0, padding))` would draw it there: every line as wide as the grid."""

    def __init__(self, padding: int = 2) -> None:
        self.padding = padding
        self.rows: list[tuple[str, ...]] = []

    def add_row(self, *cells: str) -> None:
        self.rows.append(cells)

    def __rich__(self) -> Table:
        from rich.table import Table

        t = Table.grid(padding=(0, self.padding))
        n = max(map(len, self.rows), default=0)
        for i in range(n):
            t.add_column(style="bold" if i == 0 else None)
        for cells in self.rows:
            t.add_row(*cells)
        return t

    def lines(self) -> list[str] | None:
        """None where only Rich can tell: a tab, rows of different lengths, a grid wider than
        the page."""
        if not self.rows or len({len(r) for r in self.rows}) != 1:
            return None
        if any(not isinstance(cell, str) or "\t" in cell for row in self.rows for cell in row):
            return None
        cells = [[safe(unmarkup(cell)).split("\n") for cell in row] for row in self.rows]
        n = len(self.rows[0])
        # Each column but the last carries the gap on its right (Rich collapses the padding
        # between two cells into one gap, and pads no edge); a column of nothing is one wide.
        widths = [
            (max(cell_len(line) for row in cells for line in row[i]) + self.padding * (i < n - 1))
            or 1
            for i in range(n)
        ]
        if sum(widths) > PIPE_WIDTH:
            return None
        out = []
        for row in cells:
            for j in range(max(len(cell) for cell in row)):
                line = ""
                for i, cell in enumerate(row):
                    text = cell[j] if j < len(cell) else ""
                    line += text + " " * (widths[i] - cell_len(text))
                out.append(line)
        return out
