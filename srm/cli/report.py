"""`srm report`: the quarterly review, as terminal tables, Markdown, HTML or JSON."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from srm.cli.context import ctx_of

if TYPE_CHECKING:
    from rich.console import Console

FORMATS = ("text", "markdown", "html", "json")
# What -o FILE's extension says, when --format doesn't.
EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
}
TEXT_WIDTH = 110  # columns of a text report written to a file or a pipe
BAR_WIDTH = 30


def register(app: typer.Typer) -> None:
    app.command("report", rich_help_panel="Review")(report)


def report(
    ctx: typer.Context,
    period: Annotated[
        str | None,
        typer.Option(
            "--period",
            "-p",
            metavar="PERIOD",
            help="A quarter (2026Q3), month (2026-03) or year (2026); compared with the one before.",
        ),
    ] = None,
    from_: Annotated[
        str | None,
        typer.Option(
            "--from", metavar="DATE", help="Start of a custom period (with --to, default today)."
        ),
    ] = None,
    to: Annotated[
        str | None, typer.Option("--to", metavar="DATE", help="End of a custom period.")
    ] = None,
    last: Annotated[
        str | None,
        typer.Option("--last", metavar="N", help="The last N days or weeks up to today: 90d, 12w."),
    ] = None,
    segment: Annotated[
        str | None, typer.Option("--segment", "-s", help="Only contacts in this segment.")
    ] = None,
    owner: Annotated[
        str | None,
        typer.Option(
            "--owner",
            metavar="NAME",
            help="Only the contacts this team member owns ('me': yours, 'none': nobody's).",
        ),
    ] = None,
    trend: Annotated[
        int,
        typer.Option(
            "--trend",
            metavar="N",
            help="Periods in the trend lines, this one included (2–36; each as long as it).",
        ),
    ] = 4,
    format_: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="text, markdown, html or json (default: from -o FILE's extension, else text).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format json.")] = False,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write to FILE (atomically, readable by you only); .html, .md, .json or .txt "
            "picks the format.",
        ),
    ] = None,
    open_: Annotated[
        bool,
        typer.Option(
            "--open",
            help="Open the HTML report in your browser (written to -o FILE, else a private "
            "temp file).",
        ),
    ] = False,
    anonymise: Annotated[
        bool,
        typer.Option(
            "--anonymise",
            "--anonymize",
            help="Name people by segment and number (Partners 1), in lists and in free text, "
            "to share outside the team.",
        ),
    ] = False,
    share: Annotated[
        bool,
        typer.Option("--share", help="Make the written file readable by others (0644, not 0600)."),
    ] = False,
) -> None:
    """The quarterly review, each figure beside the previous period's (default: this quarter).

    A headline of key figures, their trend over the last periods, coverage and give/ask by
    segment, the most neglected relationships, ideas delivered, goals confirmed, negative
    interactions and whether each was repaired, then the details.

    On a team's store, coverage is shown by owner too; --owner cuts the report to one
    member's contacts.

    Examples:
      srm report -o q4.html --open
      srm report --period 2026Q3 --anonymise -o q3.md
      srm report --owner ben --format markdown
    """
    from srm.domain import report as dr
    from srm.domain import segments as ds
    from srm.errors import UsageError

    app = ctx_of(ctx)
    kind = _format(format_, as_json, output, open_)
    if share and output is None and not open_:
        raise UsageError("--share sets who may read the file -o FILE writes: add -o FILE")
    start, end = (_past_date(app, flag, text) for flag, text in (("--from", from_), ("--to", to)))
    chosen = dr.choose(app.today, period=period, start=start, end=end, last=last)
    store = app.store
    seg = ds.get(store, segment) if segment else None
    owners = None
    if owner is not None:
        from srm.domain import team

        owners = team.owned_by(store, owner)
    data = dr.build(
        store, app.config, chosen, seg, owners=owners, trend=trend, generated_on=app.today
    )
    if anonymise:
        from srm.domain import report_anonymise

        data = report_anonymise.anonymise(store, data)
    to_file = output is not None or open_
    text = _render(kind, data, to_file=to_file)
    if not to_file:
        if text is not None:
            import sys

            sys.stdout.write(text)
        return
    assert text is not None
    from srm.store.files import atomic_file

    target = Path(output).expanduser() if output is not None else _private_temp(chosen)
    # --share: readable by others too (a report for the team); else by you only.
    with atomic_file(target, mode=0o644 if share else 0o600, database=app.db_path) as f:
        f.write(text)
    from srm.cli.output import esc, message

    message(f"Wrote the {kind} report for {esc(chosen.label)} to [bold]{esc(str(target))}[/].")
    if open_:
        import webbrowser

        if not webbrowser.open(target.resolve().as_uri()):
            message(f"No browser found to open it: open {esc(str(target))} yourself.")


def _private_temp(period) -> Path:
    """A fresh directory only you can read, for a report --open shows without -o."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="srm-report-"))
    return folder / f"report-{period.start.isoformat()}-{period.end.isoformat()}.html"


def _past_date(app, flag: str, text: str | None):
    from srm.errors import UsageError

    if text is None:
        return None
    day = app.date(text)
    if day > app.today:
        raise UsageError(f"{flag} {day} is in the future: a report covers days that have passed")
    return day


def _format(name: str | None, as_json: bool, output: str | None, open_: bool) -> str:
    """--format, else --json, else -o FILE's extension, else html for --open, else text."""
    from srm.errors import UsageError

    if name is not None:
        kind = name.strip().lower()
        if kind not in FORMATS:
            raise UsageError(f"unknown format {name!r}: use one of {', '.join(FORMATS)}")
        if as_json and kind != "json":
            raise UsageError(f"--json and --format {kind} disagree: use one of them")
    elif as_json:
        kind = "json"
    elif output is not None:
        suffix = Path(output).suffix.lower()
        if suffix not in EXTENSIONS:
            raise UsageError(
                f"can't tell the format from {output!r}: name it .html, .md, .json or .txt, "
                "or add --format text|markdown|html|json"
            )
        kind = EXTENSIONS[suffix]
    else:
        kind = "html" if open_ else "text"
    if open_ and kind != "html":
        raise UsageError(
            f"--open shows the HTML report, not {kind}: use --format html or -o FILE.html"
        )
    return kind


def _render(kind: str, data: dict, *, to_file: bool) -> str | None:
    """The report as text; None when it was printed straight to the terminal.

    Stored text in it is cleaned of control characters (json escapes them instead).
    """
    import sys

    from srm.cli.output import json_text, safe

    if kind == "json":
        # Indented in a file and on a terminal; one line through a pipe, as every listing.
        indent = 2 if to_file or sys.stdout.isatty() else None
        return json_text(data, indent=indent) + "\n"
    if kind == "markdown":
        from srm.formats import report_markdown

        return safe(report_markdown.render(data))
    if kind == "html":
        from srm.formats import report_html

        return safe(report_html.render(data))
    if not to_file and sys.stdout.isatty():
        from srm.cli.output import out

        render_text(out(), data)
        return None
    # A file or a pipe: plain text as wide as a page (a pipe's console is as wide as its
    # longest row, which would draw every rule thousands of characters long). Written without
    # Rich, as Rich would write it; by Rich where only it can tell (a table wider than the page).
    text = plain_text(data, TEXT_WIDTH)
    if text is not None:
        return text
    from io import StringIO

    from srm.cli.output import console as make_console

    console = make_console(file=StringIO(), width=TEXT_WIDTH, color_system=None, highlight=False)
    render_text(console, data)
    return console.file.getvalue()


def render_text(console: Console, data: dict) -> None:
    """The report as Rich tables, with bar charts drawn in block characters.

    Cells are Text objects, not markup: user text needs no escaping and Rich parses nothing.
    Changes are green when better and red when worse, and say so in words too.
    """
    from rich.cells import cell_len
    from rich.rule import Rule
    from rich.text import Text

    from srm.cli.output import table
    from srm.formats import report as layout

    def cell(text: str, style: str = "") -> Text:
        return Text(text, style=style)

    console.print(Text(layout.title(data), style="bold"))
    console.print(Text(layout.subtitle(data), style="dim"))
    console.print(Text(layout.byline(data), style="dim"))
    for section in layout.sections(data):
        console.print()
        console.print(Rule(Text(section.title, style="bold"), align="left"))
        for block in section.blocks:
            if isinstance(block, layout.Note):
                console.print(Text(block.text, style="dim"))
            elif isinstance(block, layout.Chart | layout.Compare | layout.Pairs):
                if not isinstance(block, layout.Compare) or block.rows:
                    (text, style), *rest = _bars(block, cell_len)
                    drawn = Text(text, style=style)
                    for text, style in rest:
                        drawn.append(text, style=style)
                    console.print(drawn)
            else:
                console.print(_grid(block, table, cell))


def plain_text(data: dict, width: int) -> str | None:
    """What `render_text` writes on a Rich console `width` columns wide with no colour, written
    without Rich (its import and layout cost a tenth of a second); None where only Rich can
    tell: a table or a line of bars wider than the page, a section title that Rich would cut,
    text with tabs or characters a terminal acts on, a table title with an emoji code."""
    from srm.cli.output import PipeTable, esc
    from srm.cli.plain import cell_len, wrap_line
    from srm.formats import report as layout

    out: list[str] = []

    def text(value: str) -> bool:
        """`value` as Rich prints a Text: each line word-wrapped to the width."""
        if not _measurable(value):
            return False
        for line in value.split("\n"):
            lines = wrap_line(line, width)
            if lines is None:
                return False
            out.extend(lines)
        return True

    measurable = True

    def cell(value: str, style: str = "") -> str:
        nonlocal measurable
        measurable = measurable and _measurable(value)
        return esc(value)

    heads = (layout.title(data), layout.subtitle(data), layout.byline(data))
    if not all(map(text, heads)):
        return None
    for section in layout.sections(data):
        title = section.title
        if "\n" in title or not _measurable(title) or cell_len(title) > width - 2:
            return None
        out.append("")
        out.append(f"{title} {'─' * (width - cell_len(title) - 1)}")
        for block in section.blocks:
            if isinstance(block, layout.Note):
                if not text(block.text):
                    return None
            elif isinstance(block, layout.Chart | layout.Compare | layout.Pairs):
                if (not isinstance(block, layout.Compare) or block.rows) and not text(
                    "".join(t for t, _ in _bars(block, cell_len))
                ):
                    return None
            else:
                t = _grid(block, PipeTable, cell)
                heads = [t.title or "", *(c.header for c in t.columns)]
                if not measurable or not all(map(_measurable, heads)):
                    return None
                if t.title and _EMOJI.search(t.title):
                    return None  # Rich would draw the emoji the code names
                lines = t.lines(width)
                if lines is None:
                    return None
                out.extend(lines)
    return "\n".join(out) + "\n"


def _measurable(text: str) -> bool:
    """Whether srm.cli.plain measures each line of `text` as Rich does: no tabs or characters a terminal
    acts on, and only characters whose width the two agree on (letters, marks, punctuation,
    the report's own symbols; not CJK, emoji, spacing marks or format characters, which
    Rich's own width table decides)."""
    return all(
        line.isascii() and line.isprintable() or all(map(_plain_width, line))
        for line in text.split("\n")
    )


@cache
def _plain_width(c: str) -> bool:
    if c.isascii():
        return c.isprintable()
    return c in _SYMBOLS or unicodedata.category(c) in _CATEGORIES


# Where srm.cli.plain's widths are Rich's (tests/test_report_plain.py checks every character
# of them against rich.cells).
_CATEGORIES = frozenset(
    {"Lu", "Ll", "Lt", "Lm", "Mn", "Me", "Nd", "Nl", "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po",
     "Sm", "Sc", "Zs"}
)  # fmt: skip
_SYMBOLS = frozenset("▲▼│█▉▊▋▌▍▎▏")

# Rich's emoji codes (rich._emoji_replace): in a markup title it draws the emoji.
_EMOJI = re.compile(r":(\S*?)(?:(?:\-)(emoji|text))?:")


VERDICT_STYLE = {"better": "green", "worse": "red"}
TONE_STYLE = {"good": "green", "bad": "red"}


def _grid(block, table, cell):
    """Tiles, a trend or a table as a table made by `table(*columns, title=)`, with cells made
    by `cell(text, style)`; None for a table without rows where Rich prints none either."""
    from srm.formats import report as layout

    if isinstance(block, layout.Tiles):
        return _tiles(block, table, cell)
    if isinstance(block, layout.Trend):
        return _trend(block, table, cell)
    return _table(block, table, cell)


def _tiles(tiles, table, cell):
    t = table("key figure", tiles.now, tiles.before, "change", "")
    for column in t.columns[1:4]:
        column.justify = "right"
    for tile in tiles.tiles:
        style = VERDICT_STYLE.get(tile.verdict, "")
        t.add_row(
            cell(tile.label),
            cell(tile.value, "bold"),
            cell(tile.before),
            cell(f"{tile.arrow} {tile.change}".strip(), style),
            cell(tile.verdict, style),
        )
    return t


def _trend(trend, table, cell):
    t = table("period", *(s.short for s in trend.series))
    for column in t.columns[1:]:
        column.justify = "right"
    for i, period in enumerate(trend.periods):
        last = i == len(trend.periods) - 1
        t.add_row(
            cell(period, "bold" if last else ""),
            *(cell(s.show(s.values[i]), "bold" if last else "") for s in trend.series),
        )
    return t


def _bars(block, cell_len) -> list[tuple[str, str]]:
    """A chart as (text, style) pieces, labels aligned by `cell_len`; the first piece's style
    is the whole chart's."""
    from srm.formats import report as layout

    if isinstance(block, layout.Compare):
        return _compare(block, cell_len)
    if isinstance(block, layout.Pairs):
        return _pairs(block, cell_len)
    return _chart(block, cell_len)


def _compare(chart, cell_len) -> list[tuple[str, str]]:
    """Two bars per label: this period's, and the previous period's below it, dimmed."""
    from srm.formats import report as layout

    top = max((v or 0 for _, *pair in chart.rows for v in pair), default=0)
    label_w = max((cell_len(label) for label, *_ in chart.rows), default=0)
    out = [(f"{chart.title}: {chart.now}, then {chart.before} (dimmed)\n", "italic")]
    for label, now, before in chart.rows:
        for name, value, style in ((label, now, "cyan"), ("", before, "dim")):
            out.append((name + " " * (label_w - cell_len(name) + 2), ""))
            out.append((layout.bar(value or 0, top, BAR_WIDTH).ljust(BAR_WIDTH), style))
            out.append((f"  {chart.show(value):>6}\n", "dim" if name == "" else ""))
    return out


def _pairs(chart, cell_len) -> list[tuple[str, str]]:
    """Back-to-back bars: the left count grows leftwards from a centre line, the right one right."""
    from srm.formats import report as layout

    half = BAR_WIDTH // 2
    top = max((max(a, b) for _, a, b in chart.rows), default=0)
    label_w = max((cell_len(label) for label, *_ in chart.rows), default=0)
    value_w = max((len(layout.number(max(a, b))) for _, a, b in chart.rows), default=1)
    pad = " " * (label_w + 2)
    out = [(chart.title + "\n", "italic")]
    out.append((f"{pad}{chart.left:>{half + value_w + 1}} │ {chart.right}\n", "dim"))
    for (label, left, right), note in zip(chart.rows, chart.notes, strict=True):
        out.append((label + " " * (label_w - cell_len(label) + 2), ""))
        out.append((layout.bar(left, top, half).rjust(half), "magenta"))
        out.append((f" {layout.number(left):>{value_w}} │ {layout.number(right):<{value_w}} ", ""))
        out.append((layout.bar(right, top, half).ljust(half), "cyan"))
        out.append((f"  {note}\n", "dim"))
    return out


def _chart(chart, cell_len) -> list[tuple[str, str]]:
    """Bars as plain lines: label, bar, value (cheaper than a table, and as readable)."""
    from srm.formats import report as layout

    top = max((v for _, v in chart.bars), default=0)
    label_w = max((cell_len(label) for label, _ in chart.bars), default=0)
    value_w = max((len(layout.number(v)) for _, v in chart.bars), default=0)
    out = [(chart.title + "\n", "italic")]
    for label, value in chart.bars:
        out.append((label + " " * (label_w - cell_len(label) + 2), ""))
        out.append((layout.bar(value, top, BAR_WIDTH).ljust(BAR_WIDTH), "cyan"))
        out.append((f"  {layout.number(value):>{value_w}}\n", ""))
    return out


def _table(block, table, cell):
    t = table(*block.columns, title=block.title or None)
    for column, align in zip(t.columns, block.alignment(), strict=True):
        column.justify = "right" if align == "r" else "left"
    last = len(block.columns) - 1
    for i, row in enumerate(block.rows):
        tone = TONE_STYLE.get(block.tones[i], "") if block.tones else ""
        t.add_row(*(cell(c, tone if j == last else "") for j, c in enumerate(row)))
    return t
