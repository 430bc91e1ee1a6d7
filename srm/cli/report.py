"""`srm report`: the quarterly review, as terminal tables, Markdown, HTML or JSON."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from srm.cli.context import ctx_of

if TYPE_CHECKING:
    from rich.console import Console

FORMATS = ("text", "markdown", "html", "json")
TEXT_WIDTH = 110  # columns of a text report written to a file
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
    format_: Annotated[
        str, typer.Option("--format", "-f", help="text, markdown, html or json.")
    ] = "text",
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format json.")] = False,
    output: Annotated[
        str | None,
        typer.Option(
            "--output", "-o", metavar="FILE", help="Write to FILE (atomically) instead of stdout."
        ),
    ] = None,
) -> None:
    """The quarterly review, each figure beside the previous period's (default: this quarter).

    Coverage, activity, give and ask, ideas, goals, stages, sentiment, follow-ups and neglected
    contacts.
    """
    from srm.domain import report as dr
    from srm.domain import segments as ds
    from srm.errors import UsageError

    app = ctx_of(ctx)
    kind = _format(format_, as_json)
    start, end = (_past_date(app, flag, text) for flag, text in (("--from", from_), ("--to", to)))
    chosen = dr.choose(app.today, period=period, start=start, end=end, last=last)
    store = app.store
    seg = ds.get(store, segment) if segment else None
    data = dr.build(store, app.config, chosen, seg)
    text = _render(kind, data, to_file=output is not None)
    if output is None:
        if text is not None:
            import sys

            sys.stdout.write(text)
        return
    try:
        write_atomic(Path(output).expanduser(), text)
    except OSError as e:
        raise UsageError(f"can't write {output}: {e.strerror}") from None
    from srm.cli.output import esc, message

    message(f"Wrote the {kind} report for {esc(chosen.label)} to [bold]{esc(output)}[/].")


def _past_date(app, flag: str, text: str | None):
    from srm.errors import UsageError

    if text is None:
        return None
    day = app.date(text)
    if day > app.today:
        raise UsageError(f"{flag} {day} is in the future: a report covers days that have passed")
    return day


def _format(name: str, as_json: bool) -> str:
    from srm.errors import UsageError

    kind = name.strip().lower()
    if kind not in FORMATS:
        raise UsageError(f"unknown format {name!r}: use one of {', '.join(FORMATS)}")
    if as_json and kind not in ("json", "text"):
        raise UsageError(f"--json and --format {kind} disagree: use one of them")
    return "json" if as_json else kind


def _render(kind: str, data: dict, *, to_file: bool) -> str | None:
    """The report as text; None when it was printed straight to the terminal.

    Stored text in it is cleaned of control characters (json escapes them instead).
    """
    from srm.cli.output import json_text, safe

    if kind == "json":
        return json_text(data, indent=2) + "\n"
    if kind == "markdown":
        from srm.formats import report_markdown

        return safe(report_markdown.render(data))
    if kind == "html":
        from srm.formats import report_html

        return safe(report_html.render(data))
    if not to_file:
        from srm.cli.output import out

        render_text(out(), data)
        return None
    from io import StringIO

    from srm.cli.output import console as make_console

    console = make_console(file=StringIO(), width=TEXT_WIDTH, color_system=None, highlight=False)
    render_text(console, data)
    return console.file.getvalue()


def render_text(console: Console, data: dict) -> None:
    """The report as Rich tables, with bar charts drawn in block characters.

    Cells are Text objects, not markup: user text needs no escaping and Rich parses nothing.
    """
    from rich.rule import Rule
    from rich.text import Text

    from srm.formats import report as layout

    console.print(Text(layout.title(data), style="bold"))
    console.print(Text(layout.subtitle(data), style="dim"))
    for section in layout.sections(data):
        console.print()
        console.print(Rule(Text(section.title, style="bold"), align="left"))
        for block in section.blocks:
            if isinstance(block, layout.Note):
                console.print(Text(block.text, style="dim"))
            elif isinstance(block, layout.Chart):
                console.print(_chart(block))
            else:
                console.print(_table(block))


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
    for row in block.rows:
        t.add_row(*(Text(c) for c in row))
    return t


def write_atomic(path: Path, text: str) -> None:
    """Write beside the target, fsync, then rename: readers see the old file or the new one."""
    import os
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
