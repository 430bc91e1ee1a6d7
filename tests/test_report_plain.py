"""`srm report` to a pipe or a file is written without Rich, byte for byte as Rich writes it.

`render_text` draws the report with Rich (a terminal, or where only Rich can tell);
`plain_text` writes what it would write on a console of the page's width with no colour. Both
are run here on the benchmark generator's store over periods, segments, trends and
anonymised names, on a store whose names and segments are awkward, and on the pieces (wrapped
notes, widths) with random text.
"""

from __future__ import annotations

import io
import os
from datetime import date
from pathlib import Path

import generated as generated_store
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len as rich_cell_len
from rich.text import Text

from srm.cli import report as cli_report
from srm.cli.output import console as make_console
from srm.cli.plain import cell_len, wrap_line
from srm.config import Config
from srm.domain import report as dr
from srm.domain import report_anonymise
from srm.domain import segments as ds
from srm.store.db import Store

TODAY = date(2026, 11, 24)
WIDTH = cli_report.TEXT_WIDTH


def rich_writes(data: dict, width: int = WIDTH) -> str:
    """The report as Rich writes it to a file or a pipe (srm's console: control characters
    removed, no colour)."""
    console = make_console(file=io.StringIO(), width=width, color_system=None, highlight=False)
    cli_report.render_text(console, data)
    return console.file.getvalue()


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """bench/generate.py's store: 300 contacts, 15,000 interactions, seed 7."""
    path = tmp_path_factory.mktemp("plain") / "store.db"
    generated_store.build(path, 300, 15_000, 7, TODAY)
    return path


CASES = [
    ({"period": "2026Q3"}, None, 4),
    ({"period": "2026Q4"}, None, 4),
    ({"period": "2026-10"}, None, 2),
    ({"period": "2025"}, None, 5),
    ({"period": "2022Q1"}, None, 4),
    ({"last": "90d"}, None, 4),
    ({"last": "3w"}, None, 8),
    ({"period": "2026Q3"}, "customers", 4),
    ({"period": "2026"}, "partners", 3),
    ({"last": "30d"}, "influencers", 4),
]


@pytest.mark.parametrize(("when", "segment", "trend"), CASES, ids=str)
@pytest.mark.parametrize("anonymise", [False, True], ids=["named", "anonymised"])
def test_the_plain_report_is_what_rich_writes(generated, when, segment, trend, anonymise):
    store = Store.open(generated)
    try:
        seg = ds.get(store, segment) if segment else None
        chosen = dr.choose(TODAY, **when)
        data = dr.build(store, Config(), chosen, seg, trend=trend, generated_on=TODAY)
        if anonymise:
            data = report_anonymise.anonymise(store, data)
    finally:
        store.close()
    plain = cli_report.plain_text(data, WIDTH)
    assert plain is not None, "a report of plain names and figures needs no Rich"
    assert plain == rich_writes(data)


def test_a_piped_report_is_written_without_rich(srm, generated, monkeypatch):
    """The command itself: what a pipe gets equals Rich's drawing of the same report."""
    monkeypatch.setenv("SRM_TODAY", TODAY.isoformat())
    piped = srm.ok("--db", str(generated), "report", "--period", "2026Q3").stdout
    store = Store.open(generated)
    try:
        chosen = dr.choose(TODAY, period="2026Q3")
        data = dr.build(store, Config(), chosen, None, generated_on=TODAY)
    finally:
        store.close()
    assert piped == rich_writes(data)
    assert piped.splitlines()[0] == "Relationship review: 2026Q3"


AWKWARD = [
    "Zoë Ørsted",
    "[bold]Ann[/] \\[x]",
    "José :smile: Núñez",
    "李 小龍",
    "Ana 😀",
    "O'Brien-Smythe " * 9,
    "x" * 130,
    "Ma\u0301rta",
    "तनुज",
]


@pytest.mark.parametrize("name", AWKWARD)
def test_awkward_names_and_segments_write_what_rich_writes(srm, monkeypatch, name):
    """Names and segments with markup, emoji codes, wide or combining characters, or longer
    than the page: written plainly where plain widths are Rich's, else drawn by Rich — the
    same bytes either way."""
    monkeypatch.setenv("SRM_TODAY", "2026-11-24")
    srm.ok("segment", "add", name[:60])
    them = srm.json("add", name, "-s", name[:60], "--since", "2026-01-01", "--cadence", "monthly")
    bo = srm.json("add", "Bo Berg", "-s", "partners", "--since", "2026-01-01")
    for day in ("2026-03-02", "2026-08-10", "2026-11-20"):
        srm.ok("log", f"@{bo['handle']}", "hello", "--on", day, "--ask")
        srm.ok("log", f"@{them['handle']}", "hi", "--on", day, "--give")
    srm.ok(
        "log", f"@{bo['handle']}", "cross words", "--on", "2026-11-21", "--sentiment", "negative"
    )
    store = Store.open(os.environ["SRM_DB"])  # a file, or a server's URL
    try:
        for seg in (None, ds.get(store, name[:60])):
            data = dr.build(store, Config(), dr.choose(TODAY), seg, generated_on=TODAY)
            assert _written(data) == rich_writes(data)
    finally:
        store.close()


def _written(data: dict) -> str:
    """What `srm report` writes to a pipe: plain where it can, else Rich."""
    plain = cli_report.plain_text(data, WIDTH)
    return plain if plain is not None else rich_writes(data)


# Text as the report's notes hold it: words, runs of spaces, long words, accents and marks,
# punctuation and the report's symbols.
pieces = st.sampled_from(
    ["a", "word", " ", "  ", "Zoë", "é", "—", "–", "▲", "│", "█▌", "x" * 23, "ñ", "e\u0301",
     "(", "),", ".", "\n", "O'Brien", "-", "ß", "·"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(text=st.lists(pieces, max_size=14).map("".join), width=st.integers(8, 40))
def test_a_wrapped_line_is_what_rich_writes(text, width):
    console = make_console(file=io.StringIO(), width=width, color_system=None, highlight=False)
    console.print(Text(text, style="dim"))
    lines = [wrap_line(line, width) for line in text.split("\n")]
    assert None not in lines
    assert "".join(f"{piece}\n" for line in lines for piece in line) == console.file.getvalue()


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_categories=["Cs"]), max_size=12))
def test_plain_widths_are_richs_wherever_plain_text_is_written(text):
    """Every character `plain_text` accepts measures as Rich measures it, alone or in runs."""
    if cli_report._measurable(text):
        assert [cell_len(line) for line in text.split("\n")] == [
            rich_cell_len(line) for line in text.split("\n")
        ]


def test_every_accepted_character_measures_as_in_rich():
    """The whole of Unicode, one character at a time: where `plain_text` trusts srm's widths,
    they are Rich's."""
    wrong = [
        hex(code)
        for code in range(0x80, 0x110000)
        if not 0xD800 <= code < 0xE000
        and cli_report._plain_width(chr(code))
        and cell_len(chr(code)) != rich_cell_len(chr(code))
    ]
    assert wrong == []
