"""`--help` in the look of typer's Rich help (usage, panels of options and commands), without Rich.

typer draws help with Rich and, to do it, imports rich.markdown and rich.traceback: ~50 ms
before anything is drawn, more than the rest of `srm --help`. This module draws the same screen
with string work: the layout of `typer.rich_utils.rich_format_help` and the Rich rules it relies
on (table column widths, word wrap, panels, highlighting, when to colour), ported from typer and
Rich (both MIT). tests/test_help_format.py compares it with typer's own rendering of every
command, cell by cell and style by style, at several widths and colour settings.
"""

from __future__ import annotations

import inspect
import os
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from math import ceil
from typing import Any

from typer import _click as click
from typer.core import TyperArgument, TyperGroup, TyperOption

from srm.cli.plain import cell_len, collapse_widths, divide_line, is_terminal, ratio_reduce

# A style: (bold, dim, colour); None leaves the attribute to the style underneath.
Style = tuple[bool | None, bool | None, str | None]
PLAIN: Style = (None, None, None)
COLOURS = {"red": 31, "green": 32, "yellow": 33, "blue": 34, "magenta": 35, "cyan": 36}


def style(words: str) -> Style:
    parts = words.split()
    colour = next((w for w in parts if w in COLOURS), None)
    return ("bold" in parts or None, "dim" in parts or None, colour)


def add(under: Style, over: Style) -> Style:
    return tuple(o if o is not None else u for u, o in zip(under, over, strict=True))  # type: ignore[return-value]


# typer.rich_utils' styles and strings.
OPTION, SWITCH = style("bold cyan"), style("bold green")
NEGATIVE_OPTION, NEGATIVE_SWITCH = style("bold magenta"), style("bold red")
TYPES, TYPES_SEP, USAGE, USAGE_COMMAND = (
    style("bold yellow"),
    style("dim"),
    style("yellow"),
    style("bold"),
)
HELPTEXT, OPTION_DEFAULT, OPTION_ENVVAR = style("dim"), style("dim"), style("dim yellow")
REQUIRED_SHORT, REQUIRED_LONG, BORDER = style("red"), style("dim red"), style("dim")
COMMAND_NAME, DEPRECATED = style("bold cyan"), style("red")
HIGHLIGHTS = [  # typer.rich_utils.OptionHighlighter
    (re.compile(r"(^|\W)(?P<switch>\-\w+)(?![a-zA-Z0-9])"), {"switch": SWITCH}),
    (re.compile(r"(^|\W)(?P<option>\-\-[\w\-]+)(?![a-zA-Z0-9])"), {"option": OPTION}),
    (re.compile(r"(?P<types>\<[^\>]+\>)"), {"types": TYPES}),
    (re.compile(r"(?P<usage>Usage: )"), {"usage": USAGE}),
]
NEGATIVE_HIGHLIGHTS = [
    (
        re.compile(r"(^|\W)(?P<negative_switch>\-\w+)(?![a-zA-Z0-9])"),
        {"negative_switch": NEGATIVE_SWITCH},
    ),
    (
        re.compile(r"(^|\W)(?P<negative_option>\-\-[\w\-]+)(?![a-zA-Z0-9])"),
        {"negative_option": NEGATIVE_OPTION},
    ),
]
TYPES_HIGHLIGHTS = [
    (re.compile(r"^(?P<types_sep>(\[|<))"), {"types_sep": TYPES_SEP}),
    (re.compile(r"(?P<types_sep>\|)"), {"types_sep": TYPES_SEP}),
    (re.compile(r"(?P<types_sep>(\]|>))(\.\.\.)?$"), {"types_sep": TYPES_SEP}),
]
ARGUMENTS_TITLE, OPTIONS_TITLE, COMMANDS_TITLE = "Arguments", "Options", "Commands"


@dataclass
class Screen:
    """What Rich would decide about stdout: width, and whether to style and to colour."""

    width: int
    styled: bool  # escape sequences at all (a terminal that isn't dumb)
    coloured: bool  # colours too (NO_COLOR keeps bold and dim)
    ascii: bool  # an encoding that can't draw box lines

    @classmethod
    def detect(cls, env: dict[str, str] | os._Environ = os.environ) -> Screen:
        # typer.rich_utils: FORCE_TERMINAL and MAX_WIDTH; then rich.console.Console.
        force = (
            True
            if env.get("GITHUB_ACTIONS") or env.get("FORCE_COLOR") or env.get("PY_COLORS")
            else None
        )
        if env.get("_TYPER_FORCE_DISABLE_TERMINAL"):
            force = False
        terminal = force if force is not None else is_terminal(sys.stdout, env)
        dumb = terminal and env.get("TERM", "").lower() in ("dumb", "unknown")
        fixed, columns = env.get("TERMINAL_WIDTH", ""), env.get("COLUMNS", "")
        width = int(fixed) if fixed.isdigit() else int(columns) if columns.isdigit() else None
        if width is None or not env.get("LINES", "").isdigit():
            if dumb:
                width = 80
            elif width is None:
                for fd in (0, 1, 2):
                    try:
                        width = os.get_terminal_size(fd).columns or None
                        break
                    except (AttributeError, ValueError, OSError):
                        pass
                width = width or 80
        encoding = (getattr(sys.stdout, "encoding", None) or "utf-8").lower()
        styled = terminal and not dumb
        return cls(
            width, styled, styled and env.get("NO_COLOR", "") == "", not encoding.startswith("utf")
        )


# Text: the characters and one style per character (help screens are small).
@dataclass
class Text:
    plain: str
    styles: list[Style] = field(default_factory=list)
    overflow: str | None = None  # "fold" or "ellipsis"; None: the container's

    @classmethod
    def of(
        cls, plain: str, base: Style = PLAIN, highlights: Sequence = (), overflow: str | None = None
    ) -> Text:
        styles = [base] * len(plain)
        for regex, named in highlights:  # rich.highlighter.RegexHighlighter
            for m in regex.finditer(plain):
                for name, over in named.items():
                    start, end = m.span(name)
                    if start != -1 and end > start:
                        styles[start:end] = [add(s, over) for s in styles[start:end]]
        return cls(plain, styles, overflow)

    def __getitem__(self, part: slice) -> Text:
        return Text(self.plain[part], self.styles[part], self.overflow)

    def __add__(self, other: Text) -> Text:
        return Text(self.plain + other.plain, self.styles + other.styles, self.overflow)

    @property
    def width(self) -> int:
        return cell_len(self.plain)

    def measure(self) -> tuple[int, int]:
        """(longest word, longest line), as Rich measures text."""
        lines = self.plain.splitlines()
        longest = max((cell_len(line) for line in lines), default=0)
        words = self.plain.split()
        return max((cell_len(w) for w in words), default=longest), longest


def set_cell_size(text: Text, width: int) -> Text:
    """Cropped (or space-padded) to exactly `width` cells."""
    if width <= 0:
        return text[:0]
    out = text
    while cell_len(out.plain) > width:
        out = out[:-1]
    short = width - cell_len(out.plain)
    return out + Text(" " * short, [PLAIN] * short) if short > 0 else out


def wrap(text: Text, width: int, overflow: str) -> list[Text]:
    """rich.text.Text.wrap: greedy word wrap, long words folded or cut with an ellipsis."""
    overflow = text.overflow or overflow
    lines: list[Text] = []
    for line in _split(text):
        breaks = divide_line(line.plain, width, fold=overflow == "fold")
        for a, b in zip([0, *breaks], [*breaks, len(line.plain)], strict=True):
            part = line[a:b]
            excess = len(part.plain) - width
            if excess > 0:  # Text.rstrip_end: trailing spaces past the width go
                spaces = len(part.plain) - len(part.plain.rstrip())
                part = part[: len(part.plain) - min(spaces, excess)]
            lines.append(truncate(part, width, overflow))
    return lines


def _split(text: Text) -> list[Text]:
    out, start = [], 0
    for piece in text.plain.split("\n"):
        out.append(text[start : start + len(piece)])
        start += len(piece) + 1
    return out


def truncate(text: Text, width: int, overflow: str) -> Text:
    """Text.truncate: cut to `width` cells, with an ellipsis if asked."""
    if text.width <= width:
        return text
    if overflow == "ellipsis":
        cut = set_cell_size(text, width - 1)  # the ellipsis takes the style of what it replaces
        return cut + Text("…", [text.styles[len(cut.plain)]])
    return set_cell_size(text, width)


# Rendering: a renderable draws itself as lines of exactly `width` cells.
Line = list[tuple[str, Style]]


def text_lines(text: Text, width: int, base: Style, overflow: str) -> list[Line]:
    return [_line(part, width, base) for part in wrap(text, width, overflow)]


def _line(text: Text, width: int, base: Style) -> Line:
    """Text as one line of `width` cells on a base style."""
    line = [(c, add(base, s)) for c, s in zip(text.plain, text.styles, strict=True)]
    pad = width - text.width
    return line + [(" " * pad, base)] if pad > 0 else line


def pad_lines(lines: list[Line], width: int, left: int, right: int, base: Style) -> list[Line]:
    return [[(" " * left, base), *line, (" " * right, base)] for line in lines]


def blank(width: int, base: Style = PLAIN) -> Line:
    return [(" " * width, base)]


# rich._ratio (ratio_reduce is srm.cli.plain's, shared with pipes)
def ratio_distribute(total: int, ratios: list[int], minimums: list[int] | None = None) -> list[int]:
    if minimums:
        ratios = [r if m else 0 for r, m in zip(ratios, minimums, strict=True)]
    total_ratio = sum(ratios)
    remaining, result = total, []
    for ratio, minimum in zip(ratios, minimums or [0] * len(ratios), strict=True):
        distributed = (
            max(minimum, ceil(ratio * remaining / total_ratio)) if total_ratio > 0 else remaining
        )
        result.append(distributed)
        total_ratio -= ratio
        remaining -= distributed
    return result


@dataclass
class Column:
    cells: list[Any]  # Text, or Columns (help with its default), or None
    width: int | None = None  # fixed
    ratio: int | None = None
    no_wrap: bool = False
    style: Style = PLAIN


@dataclass
class Columns:
    """rich.columns.Columns: items side by side when they fit, else one under the other."""

    items: list[Text]

    def lines(self, width: int) -> list[Line]:
        widths = [min(t.measure()[1], width) for t in self.items]
        count = len(self.items)
        while count > 1:
            used: dict[int, int] = {}
            for i, w in enumerate(widths):
                used[i % count] = max(used.get(i % count, 0), w)
                if sum(used.values()) + len(used) - 1 > width:
                    count = len(used) - 1
                    break
            else:
                break
        rows = [self.items[i : i + count] for i in range(0, len(self.items), count)]
        rows[-1] += [None] * (count - len(rows[-1]))
        grid = Table(
            [Column([r[i] for r in rows]) for i in range(count)], padding_between=True, expand=False
        )
        return [
            line + [(" " * (width - sum(cell_len(t) for t, _ in line)), PLAIN)]
            for line in grid.lines(width)
        ]


def measure(cell: Any, width: int) -> tuple[int, int]:
    if cell is None:
        return 0, 0
    if isinstance(cell, Columns):  # Rich can't measure Columns: anything up to the width
        return 0, width
    lo, hi = cell.measure()
    return min(lo, width), min(hi, width)


@dataclass
class Table:
    """rich.table.Table without borders or header, padding (0, 1), edges unpadded."""

    columns: list[Column]
    padding_between: bool = False  # Table.grid(collapse_padding=True): one space between cells
    expand: bool = True

    def _pads(self, i: int) -> tuple[int, int]:
        last = len(self.columns) - 1
        if self.padding_between:
            return 0, 0 if i == last else 1
        return 0 if i == 0 else 1, 0 if i == last else 1

    def _measure(self, i: int, width: int) -> int:
        column = self.columns[i]
        left, right = self._pads(i)
        if column.width is not None:
            return min(column.width + left + right, width)
        if width - left - right < 1:
            return width
        return max(
            (min(measure(c, width)[1] + left + right, width) for c in column.cells), default=width
        )

    def widths(self, width: int) -> list[int]:
        """Table._calculate_column_widths."""
        n = len(self.columns)
        widths = [self._measure(i, width) or 1 for i in range(n)]
        if self.expand and any(c.ratio for c in self.columns):
            flexible = [c.ratio is not None for c in self.columns]
            fixed = [0 if f else widths[i] for i, f in enumerate(flexible)]
            minimums = [
                (c.width or 1) + sum(self._pads(i))
                for i, c in enumerate(self.columns)
                if flexible[i]
            ]
            shares = iter(
                ratio_distribute(
                    width - sum(fixed),
                    [c.ratio or 0 for c in self.columns if c.ratio is not None],
                    minimums,
                )
            )
            widths = [fixed[i] + next(shares) if flexible[i] else widths[i] for i in range(n)]
        if sum(widths) > width:
            wrapable = [c.width is None and not c.no_wrap for c in self.columns]
            widths = collapse_widths(widths, wrapable, width)
            if sum(widths) > width:
                widths = ratio_reduce(sum(widths) - width, [1] * n, widths, widths)
            widths = [self._measure(i, w) or 0 for i, w in enumerate(widths)]
        if sum(widths) < width and self.expand:
            widths = [
                w + p
                for w, p in zip(widths, ratio_distribute(width - sum(widths), widths), strict=True)
            ]
        return widths

    def lines(self, width: int) -> list[Line]:
        widths = self.widths(width)
        out: list[Line] = []
        for r in range(len(self.columns[0].cells)):
            cells = []
            for i, (column, w) in enumerate(zip(self.columns, widths, strict=True)):
                left, right = self._pads(i)
                inner = w - left - right
                cell = column.cells[r]
                if isinstance(cell, Columns):
                    body = cell.lines(inner)
                elif cell is None:
                    body = [blank(inner, column.style)]
                elif column.no_wrap:
                    body = [
                        _line(truncate(t, inner, "ellipsis"), inner, column.style)
                        for t in _split(cell)
                    ]
                else:
                    body = text_lines(cell, inner, column.style, "ellipsis")
                cells.append(
                    pad_lines(
                        body or [blank(inner, column.style)], inner, left, right, column.style
                    )
                )
            height = max(len(c) for c in cells)
            for c, w in zip(cells, widths, strict=True):
                c += [blank(w)] * (height - len(c))
            out += [[seg for c in cells for seg in c[k]] for k in range(height)]
        return out


def panel(title: str, table: Table, screen: Screen) -> list[Line]:
    """rich.panel.Panel with a rounded box, a left title, padding (0, 1), in the border style."""
    width = screen.width
    tl, h, tr, v, bl, br = "+-+|++" if screen.ascii else "╭─╮│╰╯"
    body = pad_lines(table.lines(width - 4), width - 4, 1, 1, PLAIN)
    if width <= 4:
        top = [(tl + h * (width - 2) + tr, BORDER)]
    else:
        name = set_cell_size(
            Text.of(f" {title} ".replace("\n", " "), BORDER), min(width - 4, cell_len(f" {title} "))
        )
        name += Text(h * (width - 4 - name.width), [BORDER] * (width - 4 - name.width))
        top = [(tl + h, BORDER), *zip(name.plain, name.styles, strict=True), (h + tr, BORDER)]
    return [
        top,
        *[[(v, BORDER), *line, (v, BORDER)] for line in body],
        [(bl + h * (width - 2) + br, BORDER)],
    ]


def emit(lines: Iterable[Line], screen: Screen) -> str:
    """Lines as text, with SGR codes where the screen takes them (Rich's output)."""
    out = []
    for line in lines:
        for text, (bold, dim, colour) in _runs(line):
            codes = [c for c, on in (("1", bold), ("2", dim)) if on]
            if colour and screen.coloured:
                codes.append(str(COLOURS[colour]))
            out.append(f"\x1b[{';'.join(codes)}m{text}\x1b[0m" if codes and screen.styled else text)
        out.append("\n")
    return "".join(out)


def _runs(line: Line) -> Iterable[tuple[str, Style]]:
    run, current = [], None
    for text, s in line:
        if s != current and run:
            yield "".join(run), current  # type: ignore[misc]
            run = []
        run.append(text)
        current = s
    if run:
        yield "".join(run), current  # type: ignore[misc]


# typer.rich_utils.rich_format_help, on the pieces above.
def render(
    command: click.Command, ctx: click.Context, screen: Screen, commands: list | None = None
) -> str:
    """The help screen of `command`. `commands`, for a group: (name, short help, panel) each,
    in order; else the group's own subcommands are asked."""
    width = screen.width
    lines: list[Line] = [blank(width, USAGE_COMMAND)]
    usage = Text.of(command.get_usage(ctx), PLAIN, HIGHLIGHTS)
    lines += pad_lines(
        text_lines(usage, width - 2, USAGE_COMMAND, "fold"), width - 2, 1, 1, USAGE_COMMAND
    )
    lines.append(blank(width, USAGE_COMMAND))
    if command.help:
        lines += pad_lines(_help_text(command, width - 2), width - 2, 1, 1, PLAIN)
        lines.append(blank(width))
    arguments: dict[str, list] = {}
    options: dict[str, list] = {}
    for param in command.get_params(ctx):
        if getattr(param, "hidden", False):
            continue
        if isinstance(param, TyperArgument):
            arguments.setdefault(
                getattr(param, "rich_help_panel", None) or ARGUMENTS_TITLE, []
            ).append(param)
        elif isinstance(param, TyperOption):
            options.setdefault(getattr(param, "rich_help_panel", None) or OPTIONS_TITLE, []).append(
                param
            )
    for title, params in _default_first(arguments, ARGUMENTS_TITLE) + _default_first(
        options, OPTIONS_TITLE
    ):
        if params:
            lines += panel(title, _options_table(params, ctx), screen)
    if isinstance(command, TyperGroup):
        if commands is None:
            commands = []
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                if sub is not None and not sub.hidden:
                    help_text = sub.short_help or sub.help or ""
                    commands.append(
                        (sub.name or "", help_text, getattr(sub, "rich_help_panel", None))
                    )
        panels: dict[str, list] = {}
        for name, help_text, title in commands:
            panels.setdefault(title or COMMANDS_TITLE, []).append((name, help_text))
        longest = max((len(name) for name, _, _ in commands), default=0)
        for title, rows in _default_first(panels, COMMANDS_TITLE):
            if rows:
                lines += panel(title, _commands_table(rows, longest), screen)
    if command.epilog:
        epilog = Text.of("\n\n".join(command.epilog.split("\n\n")), PLAIN, HIGHLIGHTS)
        lines += [
            blank(width),
            *pad_lines(text_lines(epilog, width - 2, PLAIN, "fold"), width - 2, 1, 1, PLAIN),
            blank(width),
        ]
    return emit(lines, screen)


def _default_first(panels: dict[str, list], default: str) -> list[tuple[str, list]]:
    return [
        (default, panels.get(default, [])),
        *((k, v) for k, v in panels.items() if k != default),
    ]


def _help_text(command: click.Command, width: int) -> list[Line]:
    lines = []
    if command.deprecated:
        lines += text_lines(Text.of("(deprecated) ", DEPRECATED), width, PLAIN, "fold")
    text = inspect.cleandoc(command.help or "").partition("\f")[0]
    first, *rest = text.split("\n\n")
    if not first.startswith("\b"):
        first = first.replace("\n", " ")
    lines += text_lines(
        Text.of(inspect.cleandoc(first.strip()), PLAIN, HIGHLIGHTS), width, PLAIN, "fold"
    )
    if rest:
        lines.append(blank(width))
        body = Text.of(inspect.cleandoc("\n\n".join(rest)), HELPTEXT, HIGHLIGHTS)
        lines += text_lines(body, width, PLAIN, "fold")
    return lines


def _options_table(params: list, ctx: click.Context) -> Table:
    rows, required = [], []
    for param in params:
        long, short, neg_long, neg_short = [], [], [], []
        metavar = param.make_metavar(ctx=ctx)
        name = type_ = None
        if isinstance(param, TyperArgument):
            name = param.metavar if param.metavar is not None else param.name or ""
            type_ = param.type.get_metavar(param=param, ctx=ctx) or f"<{param.type.name}>"
        else:
            type_ = metavar
        for opt in param.opts:
            (long if "--" in opt else short).append(opt if "--" in opt or not name else name)
        for opt in param.secondary_opts:
            (neg_long if "--" in opt else neg_short).append(
                opt if "--" in opt or not name else name
            )
        types = type_ if type_ and "bool" not in type_.lower() else ""
        if (
            isinstance(param.type, click.types._NumberRangeBase)
            and isinstance(param, TyperOption)
            and not (param.count and param.type.min == 0 and param.type.max is None)
        ):
            described = param.type._describe_range()
            if described:
                types += f" [{described}]"
        required.append(Text.of("*", REQUIRED_SHORT) if param.required else Text(""))
        rows.append(
            [
                Text.of(",".join(long), PLAIN, HIGHLIGHTS),
                Text.of(",".join(short), PLAIN, HIGHLIGHTS),
                Text.of(",".join(neg_long), PLAIN, NEGATIVE_HIGHLIGHTS),
                Text.of(",".join(neg_short), PLAIN, NEGATIVE_HIGHLIGHTS),
                Text.of(types, TYPES, TYPES_HIGHLIGHTS, overflow="fold"),
                Columns(_parameter_help(param, ctx)),
            ]
        )
    if any(r.plain for r in required):
        rows = [[r, *row] for r, row in zip(required, rows, strict=True)]
    return Table([Column([row[i] for row in rows]) for i in range(len(rows[0]))])


def _parameter_help(param: Any, ctx: click.Context) -> list[Text]:
    items = []
    envvar = getattr(param, "envvar", None)
    if envvar is None and getattr(param, "allow_from_autoenv", None):
        prefix = getattr(ctx, "auto_envvar_prefix", None)
        if prefix is not None and param.name is not None:
            envvar = f"{prefix}_{param.name.upper()}"
    help_value = getattr(param, "help", None)
    if help_value:
        paragraphs = [
            p.replace("\n", " ").strip()
            if not p.startswith("\b")
            else "{}\n".format(p.strip("\b\n"))
            for p in help_value.split("\n\n")
        ]
        items.append(Text.of(inspect.cleandoc("\n".join(paragraphs).strip()), PLAIN, HIGHLIGHTS))
    if envvar and getattr(param, "show_envvar", None):
        shown = envvar if isinstance(envvar, str) else ", ".join(str(d) for d in envvar)
        items.append(Text.of(f"[env var: {shown}]", OPTION_ENVVAR))
    if isinstance(param, (TyperOption, TyperArgument)):
        default = param._extract_default_help_str(ctx=ctx)
        as_str = isinstance(param.show_default, str)
        if as_str or (default is not None and (param.show_default or ctx.show_default)):
            shown = param._get_default_string(
                ctx=ctx, show_default_is_str=as_str, default_value=default
            )
            if shown:
                items.append(Text.of(f"[default: {shown}]", OPTION_DEFAULT))
    if param.required:
        items.append(Text.of("[required]", REQUIRED_LONG))
    return items


def _commands_table(rows: list[tuple[str, str]], longest: int) -> Table:
    helps = []
    for _, help_text in rows:
        first = inspect.cleandoc(help_text).split("\n\n")[0]
        if first.startswith("\b"):
            first = first.replace("\b\n", "")
        helps.append(Text.of(inspect.cleandoc(first.strip()), PLAIN, HIGHLIGHTS))
    return Table(
        [
            Column(
                [Text(n, [PLAIN] * len(n)) for n, _ in rows],
                width=longest,
                no_wrap=True,
                style=COMMAND_NAME,
            ),
            Column(helps, ratio=10),
        ]
    )
