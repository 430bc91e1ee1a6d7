"""`srm report` renderings: Markdown, self-contained HTML, terminal text, JSON, --output."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

# A name full of what Markdown, HTML and Rich would read as markup.
TRICKY = "Zoë <script>alert(1)</script> | *x* [y]"


@pytest.fixture
def store(srm):
    srm.ok("add", TRICKY, "-s", "partners", "--since", "2025-06-01")
    srm.ok("add", "Kai Kim", "-s", "customers", "--since", "2025-06-01")
    srm.ok("log", "1", "first", "--on", "2026-01-05", "--ask", "-c", "email")
    srm.ok("log", "1", "second", "--on", "2026-02-10", "--give", "--sentiment", "negative")


class Page(HTMLParser):
    """Collects what a browser would load or run: tags, attributes, and the text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs
        if tag not in ("meta", "br", "img", "link"):  # void elements
            self.open.append(tag)

    def handle_endtag(self, tag):
        assert self.open and self.open[-1] == tag, f"</{tag}> closes {self.open[-1:]}"
        self.open.pop()

    def handle_data(self, data):
        self.text.append(data)


def test_markdown_has_the_sections_tables_and_charts(srm, store):
    md = srm.ok("report", "--period", "2026Q1", "--format", "markdown").stdout
    assert md.startswith("# Relationship review: 2026Q1 (first 74 days)\n")
    for heading in ("Summary", "Coverage", "Activity", "Give and ask", "Non-ask ideas"):
        assert f"\n## {heading}\n" in md
    for heading in ("Partners' goals", "Stages", "Sentiment", "Follow-ups", "Neglected"):
        assert f"\n## {heading}\n" in md
    assert "| Interactions | 2 | 0 | +2 |" in md
    assert "| Gives per ask | 1.00 | — | — |" in md
    assert re.search(r"\| email \| █+ \| 1 \|", md)
    # Every row of a table has as many cells as its header (escaped pipes don't split).
    for table in re.findall(r"(?:^\|.*\|\n)+", md, flags=re.M):
        widths = {len(re.split(r"(?<!\\)\|", row)) for row in table.splitlines()}
        assert len(widths) == 1, table


def test_markdown_escapes_user_text(srm, store):
    md = srm.ok("report", "--period", "2026Q1", "-f", "markdown").stdout
    assert r"Zoë \<script\>alert(1)\</script\> \| \*x\* \[y\]" in md
    assert "<script>" not in md


def test_html_is_one_self_contained_file(srm, store):
    html = srm.ok("report", "--period", "2026Q1", "--format", "html").stdout
    page = Page()
    page.feed(html)
    page.close()
    assert page.open == []  # every element closed
    assert page.tags.count("svg") >= 3 and "rect" in page.tags and "table" in page.tags
    assert "style" in page.tags and "@media print" in html
    # Nothing to fetch or run: no scripts, no links, no external URLs.
    assert "script" not in page.tags
    assert not {name for name, _ in page.attrs} & {"src", "href", "srcset", "action"}
    for needle in ("http:", "https:", "//", "<script", "src=", "url("):
        assert needle not in html
    assert TRICKY in "".join(page.text)  # shown as text, escaped in the source
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_text_report_draws_bars_and_shows_user_text_literally(srm, store):
    text = srm.ok("report", "--period", "2026Q1").stdout
    assert text.startswith("Relationship review: 2026Q1 (first 74 days)")
    assert "Coverage" in text and "Give and ask" in text
    assert "█" in text
    assert "[y]" in text  # Rich markup in a name is not interpreted


def test_json_flag_is_the_json_format(srm, store):
    via_flag = srm.json("report", "--period", "2026Q1")
    via_format = json.loads(srm.ok("report", "--period", "2026Q1", "-f", "json").stdout)
    assert via_flag == via_format
    assert list(via_flag)[:3] == ["segment", "period", "interactions"]


@pytest.mark.parametrize("fmt", ["markdown", "html", "json"])
def test_output_writes_the_same_report_to_a_file(srm, store, isolated: Path, fmt):
    target = isolated / "out" / f"review.{fmt}"
    target.parent.mkdir()
    target.write_text("old")
    r = srm.ok("report", "--period", "2026Q1", "-f", fmt, "--output", str(target))
    assert r.stdout == ""
    assert "Wrote the" in r.stderr
    assert target.read_text() == srm.ok("report", "--period", "2026Q1", "-f", fmt).stdout
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no temp file left


def test_text_output_to_a_file_is_plain(srm, store, isolated: Path):
    target = isolated / "review.txt"
    srm.ok("report", "--period", "2026Q1", "--output", str(target))
    text = target.read_text()
    assert "\x1b[" not in text
    assert "Relationship review" in text and "█" in text
    assert max(len(line) for line in text.splitlines()) <= 110


def test_output_into_a_missing_directory_fails_cleanly(srm, store, isolated: Path):
    target = isolated / "nowhere" / "review.md"
    srm.fails("report", "-f", "markdown", "-o", str(target), code=2, match="can't write")
    assert not target.parent.exists()
