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
    headings = re.findall(r"^## (.*)$", md, flags=re.M)
    assert headings == [
        "Key figures",
        "Trend over the last 4 quarters",
        "Coverage by segment",
        "Give and ask",
        "Most neglected relationships",
        "Negative interactions",
        "Ideas delivered and goals confirmed",
        "All figures",
        "Activity",
        "Stages",
        "Follow-ups",
    ]
    # Key figures: the change with its arrow, and what it means for that figure.
    assert "| Interactions | 2 | 0 | ▲ +2 | better |" in md
    assert "| Negative interactions | 1 | 0 | ▲ +1 | worse |" in md
    assert "| Gives per ask | 1.00 | — | — | — |" in md
    assert "| 2026Q1 | 50.0% | 0.0% | 1 | 1.00 | 2 | 1 |" in md  # the last trend row
    assert "| Interactions | 2 | 0 | +2 |" in md  # all figures
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
    for needle in ("http:", "https:", "//", "<script", "src=", "url(", "@import"):
        assert needle not in html
    # And the browser is told so: nothing may be loaded or run, whatever a name says.
    assert (
        '<meta http-equiv="Content-Security-Policy"'
        " content=\"default-src 'none'; style-src 'unsafe-inline'\">"
    ) in html
    assert "@media print" in html and "break-inside: avoid" in html
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
    piped = srm.ok("report", "--period", "2026Q1", "-f", fmt).stdout
    if fmt == "json":  # indented in a file, one line through a pipe
        assert json.loads(target.read_text()) == json.loads(piped)
        assert target.read_text().count("\n") > 100 and piped.count("\n") == 1
    else:
        assert target.read_text() == piped
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


@pytest.mark.parametrize(
    ("name", "starts"),
    [
        ("q1.html", "<!DOCTYPE html>"),
        ("q1.HTM", "<!DOCTYPE html>"),
        ("q1.md", "# Relationship review"),
        ("q1.markdown", "# Relationship review"),
        ("q1.json", "{"),
        ("q1.txt", "Relationship review"),
    ],
)
def test_output_format_follows_the_file_extension(srm, store, isolated: Path, name, starts):
    srm.ok("report", "--period", "2026Q1", "-o", name)
    assert (isolated / name).read_text().startswith(starts)


def test_format_wins_over_the_extension_and_an_unknown_one_is_a_usage_error(srm, store, isolated):
    srm.ok("report", "--period", "2026Q1", "-o", "q1.html", "--format", "markdown")
    assert (isolated / "q1.html").read_text().startswith("# Relationship review")
    for name in ("q1.pdf", "q1"):
        srm.fails("report", "-o", name, code=2, match="can't tell the format")
        assert not (isolated / name).exists()
    srm.ok("report", "--period", "2026Q1", "-o", "q1", "--format", "json")
    assert json.loads((isolated / "q1").read_text())["period"]["label"].startswith("2026Q1")


def test_written_reports_are_private_unless_shared(srm, store, isolated: Path):
    target = isolated / "q1.html"
    target.write_text("old")
    target.chmod(0o644)
    srm.ok("report", "--period", "2026Q1", "-o", str(target))
    assert target.stat().st_mode & 0o777 == 0o600
    srm.ok("report", "--period", "2026Q1", "-o", str(target), "--share")
    assert target.stat().st_mode & 0o777 == 0o644
    srm.fails("report", "--share", code=2, match="-o FILE")


@pytest.fixture
def browser(monkeypatch, isolated: Path):
    """What `--open` asked the browser to show (no browser starts); temp files stay in the test's
    folder."""
    opened: list[str] = []
    monkeypatch.setattr("tempfile.tempdir", str(isolated))

    def open_(url: str) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr("webbrowser.open", open_)
    return opened


def test_open_writes_a_private_temp_file_and_shows_it(srm, store, browser):
    r = srm.ok("report", "--period", "2026Q1", "--open")
    assert r.stdout == ""
    assert len(browser) == 1 and browser[0].startswith("file:///")
    shown = Path(browser[0].removeprefix("file://"))
    assert shown.read_text().startswith("<!DOCTYPE html>")
    assert shown.stat().st_mode & 0o777 == 0o600
    assert shown.parent.stat().st_mode & 0o777 == 0o700  # a fresh folder only you can read
    assert str(shown) in r.stderr.replace("\n", "")


def test_open_shows_the_file_written_and_only_html(srm, store, isolated: Path, browser):
    srm.ok("report", "--period", "2026Q1", "-o", "q1.html", "--open")
    assert browser == [(isolated / "q1.html").as_uri()]
    srm.fails("report", "--open", "-o", "q1.md", code=2, match="--open shows the HTML report")
    srm.fails("report", "--open", "--json", code=2, match="--open shows the HTML report")
    assert len(browser) == 1


def test_open_without_a_browser_says_where_the_file_is(srm, store, isolated, monkeypatch):
    monkeypatch.setattr("webbrowser.open", lambda url: False)
    r = srm.ok("report", "--period", "2026Q1", "-o", "q1.html", "--open")
    assert "No browser found" in r.stderr and (isolated / "q1.html").exists()


def test_trend_periods(srm, store):
    report = srm.json("report", "--period", "2026-02", "--trend", "6")
    assert [p["period"]["label"] for p in report["trend"]] == [
        "2025-09",
        "2025-10",
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
    ]
    assert report["trend"][-1]["interactions"] == report["interactions"] == 1
    for n in ("1", "37"):
        srm.fails("report", "--trend", n, code=2, match="--trend takes 2 to 36")


def test_owner_and_date_head_every_format(srm, store, config_file):
    config_file('owner = "Dana Lead"\n')
    report = srm.json("report", "--period", "2026Q1")
    assert (report["owner"], report["generated_on"]) == ("Dana Lead", "2026-03-15")
    assert "For Dana Lead · generated 2026-03-15" in srm.ok("report", "-f", "markdown").stdout
    assert "For Dana Lead · generated 15 Mar 2026" in srm.ok("report", "-f", "html").stdout
    assert "For Dana Lead" in srm.ok("report").stdout
    config_file("")
    assert srm.json("report")["owner"] is None


@pytest.fixture
def people(srm):
    """Contacts named in lists and in free text: summaries, ideas, goals."""
    srm.ok(
        "add", "Kai Kim", "-s", "customers", "--since", "2025-06-01", "--email", "kai@kim.example"
    )
    srm.ok(
        "add", "Ana Alves", "-s", "partners", "--since", "2025-06-01", "--phone", "+44 20 7946 0958"
    )
    srm.ok("add", "Ana Berg", "-s", "partners", "--since", "2025-06-01")
    srm.ok("add", "Ola Nord", "--since", "2025-06-01")  # in no segment
    srm.ok("log", "kai", "Kai's renewal: upset, wrote from kai@kim.example", "--on", "2026-01-05",
           "--sentiment", "negative")  # fmt: skip
    srm.ok("log", "@ana,ola", "met Ana and Ola; Ana Berg to call +44 20 7946 0958",
           "--on", "2026-02-02", "--sentiment", "negative", "--ask")  # fmt: skip
    idea = srm.json("idea", "add", "kai", "Introduce Kai Kim to Ana Alves", "--on", "2026-01-02")
    srm.ok("log", "kai", "intro done", "--on", "2026-02-20", "--idea", str(idea["id"]))
    # Their other email and phone are theirs too: an anonymised report hides them as well.
    srm.ok("edit", "kai", "--email", "k.kim@home.example")
    srm.ok("edit", "@ana", "--phone", "mobile:+351 912 345 678")
    goal = srm.json(
        "goal", "add", "@ana", "Ana wants kai@kim.example on stage; +351 912 345 678 or"
        " k.kim@home.example", "--on", "2026-01-03",
    )  # fmt: skip
    srm.ok("goal", "confirm", str(goal["id"]), "--on", "2026-03-01")


SECRETS = ("Kai", "Kim", "Ana", "Alves", "Berg", "Ola", "Nord", "kai@", "7946", "912", "k.kim")
HANDLES = re.compile(r"\b(kai|ana|ana-b|ola)\b")


def test_anonymise_names_people_by_segment_everywhere(srm, people):
    report = srm.json("report", "--period", "2026Q1", "--anonymise")
    text = json.dumps(report, ensure_ascii=False)
    for secret in SECRETS:
        assert secret not in text, secret
    assert not HANDLES.search(text)
    negatives = report["sentiment"]["negatives"]
    assert [n["summary"] for n in negatives] == [
        # Ana is Ana Alves here (she was in it), though Ana Berg shares the first name.
        "met Partners 1 and Contact 1; Partners 2 to call Partners 1",
        "Customers 1's renewal: upset, wrote from Customers 1",
    ]
    assert [[c["name"] for c in n["contacts"]] for n in negatives] == [
        ["Partners 1", "Contact 1"],
        ["Customers 1"],
    ]
    assert negatives[0]["contacts"][0] == {
        "id": None,
        "uuid": None,
        "handle": "partners-1",
        "name": "Partners 1",
    }
    assert report["ideas"]["deliveries"][0]["text"] == "Introduce Customers 1 to Partners 1"
    assert report["goals"]["confirmations"][0]["text"] == (
        "Partners 1 wants Customers 1 on stage; Partners 1 or Customers 1"
    )
    # The same person has the same alias in every list.
    assert report["asked_never_given"]["contacts"][0]["contact"]["name"] == "Partners 1"
    # Names, not segments or figures, change.
    plain = srm.json("report", "--period", "2026Q1")
    assert report["coverage"] == plain["coverage"] and report["trend"] == plain["trend"]


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_anonymise_in_every_format(srm, people, fmt):
    out = srm.ok("report", "--period", "2026Q1", "--anonymize", "-f", fmt).stdout
    for secret in SECRETS:
        assert secret not in out, secret
    assert not HANDLES.search(out)
    assert "Customers 1" in out and "Partners 1" in out


def test_anonymise_within_a_segment_uses_that_segment(srm, people):
    srm.ok("segment", "add", "vip")
    srm.ok("edit", "@ana", "--segment", "vip")
    report = srm.json("report", "--period", "2026Q1", "-s", "vip", "--anonymise")
    assert report["sentiment"]["negatives"][0]["contacts"][0]["name"] == "Vip 1"
