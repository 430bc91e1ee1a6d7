"""To a pipe or a file srm writes what Rich would write there, without importing Rich."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.text import Text

from srm.cli import output
from srm.cli.output import PIPE_WIDTH, PipeTable, esc
from srm.cli.plain import escape, unmarkup

pytestmark = pytest.mark.engine_independent("what is written to pipes")

# User text at its most awkward: brackets that look like tags, backslashes, wide and
# combining characters, line ends, spaces at the ends.
PIECES = ["a", "Zoë", " ", "  ", "[", "]", "\\", "[bold]", "[/]", "[red]x[/red]", "\\[", "漢字",
          "😀", "é", "\n", "x" * 25, "-", ":smile:", "ß", "O'Brien", "[@click]"]  # fmt: skip
awkward = st.lists(st.sampled_from(PIECES), max_size=8).map("".join)


def rich_writes(renderable) -> str:
    """What Rich writes to a pipe with srm's settings (emoji codes left as typed: in a name
    or a note they are text)."""
    buffer = io.StringIO()
    console = Console(
        file=buffer, width=PIPE_WIDTH, highlight=False, soft_wrap=False, color_system=None,
        emoji=False,
    )  # fmt: skip
    console.print(renderable)
    return buffer.getvalue()


@settings(max_examples=300, deadline=None)
@given(
    columns=st.sampled_from(
        [
            ["id", "date", "summary"],
            ["contact", "when", "what", "urgency"],
            ["name"],
            ["handle", "name", "next due", "last"],
        ]  # fmt: skip
    ),
    title=st.one_of(st.none(), awkward.map(esc)),
    cells=st.lists(st.lists(st.one_of(awkward.map(esc), st.just("[red]3d late[/]"))), max_size=6),
    right=st.booleans(),
)
def test_a_piped_table_is_what_rich_would_write(columns, title, cells, right):
    t = PipeTable(*columns, title=title)
    if right:
        t.columns[-1].justify = "right"
    for row in cells:
        t.add_row(*(row + [""] * len(columns))[: len(columns)], style="red")
    assert "\n".join(t.lines()) + "\n" == rich_writes(t)


@settings(max_examples=500, deadline=None)
@given(parts=st.lists(st.tuples(st.sampled_from(["", "bold", "cyan", "bold red"]), awkward)))
def test_plain_markup_is_what_rich_shows(parts):
    """Messages are srm's markup around escaped user text."""
    markup = "".join(f"[{tag}]{esc(text)}[/]" if tag else esc(text) for tag, text in parts)
    assert unmarkup(markup) == Text.from_markup(markup, emoji=False).plain


@given(awkward)
def test_escape_is_richs(text):
    from rich.markup import escape as rich_escape

    assert escape(text) == rich_escape(text)


def test_messages_to_a_pipe_keep_user_text_literal(capsys):
    name = "Ana [bold] :smile: \\[x]"
    output.message(f"Added [bold]{esc(name)}[/] ({esc('ana')}).")
    assert capsys.readouterr().err == "Added Ana [bold] :smile: \\[x] (ana).\n"


def test_nothing_raw_reaches_a_pipe(capsys):
    """Escape sequences in stored text (a store written by hand) never reach the screen."""
    hostile = "Eve\x1b[2J\x9b31m\x07"
    output.message(f"Hi {esc(hostile)}")
    t = PipeTable("name", title="People")
    t.add_row(esc("Mal\x1b]0;pwned\x07lory"))
    output.show(t)
    captured = capsys.readouterr()
    assert captured.err == "Hi Eve\n"
    assert "Mallory" in captured.out
    assert not any(c in captured.out + captured.err for c in "\x1b\x9b\x07")


def test_a_piped_table_becomes_a_rich_table_on_a_rich_console():
    """The report draws output.table()s on its own Rich console, right-aligned columns too."""
    t = output.table("period", "contacts")
    t.columns[1].justify = "right"
    t.add_row("2026Q3", "12")
    assert isinstance(t, PipeTable)
    assert rich_writes(t).splitlines()[3] == " 2026Q3         12 " == t.lines()[3]


@settings(max_examples=300, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.sampled_from(["Name", "Email", "", "Next due", "漢字"]), awkward.map(esc)),
        min_size=1,
        max_size=6,
    )
)
def test_a_piped_grid_is_what_rich_would_write(rows):
    """A profile's head (`srm show`, `srm brief`) piped: label/value lines as Rich's grid."""
    g = output.PipeGrid(2)
    for label, value in rows:
        g.add_row(label, value)
    assert "\n".join(g.lines()) + "\n" == rich_writes(g)


def rich_writes_at(renderable, width: int) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer, width=width, highlight=False, soft_wrap=False, color_system=None, emoji=False
    )
    console.print(renderable)
    return buffer.getvalue()


words = st.lists(st.sampled_from(["word", "a", "longer", "Zoë", "漢字", "x" * 14, "12,345 (+6)"]),
                 max_size=6).map(" ".join)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(
    columns=st.sampled_from(
        [
            ["segment", "tracked", "touched", "kept on cadence", "overdue at end"],
            ["contact", "when", "what", "urgency"],
            ["name", "note"],
            ["id", "summary"],
        ]  # fmt: skip
    ),
    title=st.one_of(st.none(), words),
    cells=st.lists(st.lists(words), min_size=1, max_size=5),
    right=st.booleans(),
    page=st.integers(12, 90),
)
def test_a_table_wider_than_the_page_wraps_as_richs(columns, title, cells, right, page):
    """Wider than the page (a report's table at 110 columns), the columns that may wrap
    narrow and wrap as Rich's do; where a column that may not wrap would be cut, it's Rich's."""
    t = PipeTable(*columns, title=title)
    if right:
        for column in t.columns[1:]:
            column.justify = "right"
    for row in cells:
        t.add_row(*(row + [""] * len(columns))[: len(columns)])
    lines = t.lines(page)
    if lines is not None:
        assert "\n".join(lines) + "\n" == rich_writes_at(t, page)


def test_a_table_wider_than_the_page_is_written_plainly():
    """The common case needs no Rich: free-text columns narrow, the rest stays whole."""
    t = PipeTable("segment", "tracked", "kept on cadence", "median days since touch")
    t.add_row("all tracked contacts", "9,145 (+446)", "73.2% (+0.3)", "9.0 (−1.0)")
    t.add_row("customers", "2,838 (+148)", "76.8% (+0.7)", "10.0 (±0)")
    lines = t.lines(40)
    assert lines is not None and max(map(len, lines)) <= 40
    assert "\n".join(lines) + "\n" == rich_writes_at(t, 40)
