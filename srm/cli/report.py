"""`srm report`: the quarterly review, as terminal tables, Markdown, HTML or JSON."""

from __future__ import annotations

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
    # longest row, which would draw every rule thousands of characters long).
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
    from rich.rule import Rule
    from rich.text import Text

    from srm.formats import report as layout

    console.print(Text(layout.title(data), style="bold"))
    console.print(Text(layout.subtitle(data), style="dim"))
    console.print(Text(layout.byline(data), style="dim"))
    for section in layout.sections(data):
        console.print()
        console.print(Rule(Text(section.title, style="bold"), align="left"))
        for block in section.blocks:
            if isinstance(block, layout.Note):
                console.print(Text(block.text, style="dim"))
            elif isinstance(block, layout.Chart):
                console.print(_chart(block))
            elif isinstance(block, layout.Tiles):
                console.print(_tiles(block))
            elif isinstance(block, layout.Trend):
                console.print(_trend(block))
            elif isinstance(block, layout.Compare):
                if block.rows:
                    console.print(_compare(block))
            elif isinstance(block, layout.Pairs):
                console.print(_pairs(block))
            else:
                console.print(_table(block))


VERDICT_STYLE = {"better": "green", "worse": "red"}
TONE_STYLE = {"good": "green", "bad": "red"}


def _tiles(tiles):
    from rich.text import Text

    from srm.cli.output import table

    t = table("key figure", tiles.now, tiles.before, "change", "")
    for column in t.columns[1:4]:
        column.justify = "right"
    for tile in tiles.tiles:
        style = VERDICT_STYLE.get(tile.verdict, "")
        t.add_row(
            Text(tile.label),
            Text(tile.value, style="bold"),
            Text(tile.before),
            Text(f"{tile.arrow} {tile.change}".strip(), style=style),
            Text(tile.verdict, style=style),
        )
    return t


def _trend(trend):
    from rich.text import Text

    from srm.cli.output import table

    t = table("period", *(s.short for s in trend.series))
    for column in t.columns[1:]:
        column.justify = "right"
    for i, period in enumerate(trend.periods):
        last = i == len(trend.periods) - 1
        t.add_row(
            Text(period, style="bold" if last else ""),
            *(Text(s.show(s.values[i]), style="bold" if last else "") for s in trend.series),
        )
    return t


def _compare(chart):
    """Two bars per label: this period's, and the previous period's below it, dimmed."""
    from rich.cells import cell_len
    from rich.text import Text

    from srm.formats import report as layout

    top = max((v or 0 for _, *pair in chart.rows for v in pair), default=0)
    label_w = max((cell_len(label) for label, *_ in chart.rows), default=0)
    out = Text(f"{chart.title}: {chart.now}, then {chart.before} (dimmed)\n", style="italic")
    for label, now, before in chart.rows:
        for name, value, style in ((label, now, "cyan"), ("", before, "dim")):
            out.append(name + " " * (label_w - cell_len(name) + 2))
            out.append(layout.bar(value or 0, top, BAR_WIDTH).ljust(BAR_WIDTH), style=style)
            out.append(f"  {chart.show(value):>6}\n", style="dim" if name == "" else "")
    return out


def _pairs(chart):
    """Back-to-back bars: the left count grows leftwards from a centre line, the right one right."""
    from rich.cells import cell_len
    from rich.text import Text

    from srm.formats import report as layout

    half = BAR_WIDTH // 2
    top = max((max(a, b) for _, a, b in chart.rows), default=0)
    label_w = max((cell_len(label) for label, *_ in chart.rows), default=0)
    value_w = max((len(layout.number(max(a, b))) for _, a, b in chart.rows), default=1)
    pad = " " * (label_w + 2)
    out = Text(chart.title + "\n", style="italic")
    out.append(f"{pad}{chart.left:>{half + value_w + 1}} │ {chart.right}\n", style="dim")
    for (label, left, right), note in zip(chart.rows, chart.notes, strict=True):
        out.append(label + " " * (label_w - cell_len(label) + 2))
        out.append(layout.bar(left, top, half).rjust(half), style="magenta")
        out.append(f" {layout.number(left):>{value_w}} │ {layout.number(right):<{value_w}} ")
        out.append(layout.bar(right, top, half).ljust(half), style="cyan")
        out.append(f"  {note}\n", style="dim")
    return out


def _chart(chart):
    """Bars as plain lines: label, bar, value (cheaper than a table, and as readable)."""
    from rich.cells import cell_len
    from rich.text import Text

    from srm.formats import report as layout

    top = max((v for _, v in chart.bars), default=0)
    label_w = max((cell_len(label) for label, _ in chart.bars), default=0)
    value_w = max((len(layout.number(v)) for _, v in chart.bars), default=0)
    out = Text(chart.title + "\n", style="italic")
    for label, value in chart.bars:
        out.append(label + " " * (label_w - cell_len(label) + 2))
        out.append(layout.bar(value, top, BAR_WIDTH).ljust(BAR_WIDTH), style="cyan")
        out.append(f"  {layout.number(value):>{value_w}}\n")
    return out


def _table(block):
    from rich.text import Text

    from srm.cli.output import table

    t = table(*block.columns, title=block.title or None)
    for column, align in zip(t.columns, block.alignment(), strict=True):
        column.justify = "right" if align == "r" else "left"
    last = len(block.columns) - 1
    for i, row in enumerate(block.rows):
        tone = TONE_STYLE.get(block.tones[i], "") if block.tones else ""
        t.add_row(*(Text(c, style=tone if j == last else "") for j, c in enumerate(row)))
    return t
