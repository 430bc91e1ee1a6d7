"""The demo's report as a reader gets it: HTML rendered by headless Chromium, Markdown parsed
by a CommonMark parser.

Chromium renders the report (the figures in the DOM are the JSON's, every change classed by
its meaning), screenshots it at desktop and phone width (not blank, nothing past the right
edge), measures the page width in a copy with a measuring script appended (the shipped file
runs none), and prints it to PDF. Without Chromium these tests skip, unless
SRM_REQUIRE_BROWSER=1 (set by .ci/run): then they fail.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import tempfile
import zlib
from html import escape, unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from srm.cli.app import app

TODAY = "2026-11-24"
WIDTHS = (1280, 390)  # a laptop and a phone
# Each key figure: its path in the JSON, how the report writes it, and whether a rise is good.
KEY_FIGURES = {
    "coverage.touched_pct": (lambda v: f"{v:.1f}%", +1),
    "coverage.kept_on_cadence_pct": (lambda v: f"{v:.1f}%", +1),
    "coverage.overdue": (lambda v: f"{v:,}", -1),
    "gives_per_ask": (lambda v: f"{v:.2f}", +1),
    "interactions": (lambda v: f"{v:,}", +1),
    "sentiment.negative": (lambda v: f"{v:,}", -1),
}
# The report in a frame exactly as wide as the window we test (Chromium's headless windows are
# at least 500 px wide), and a script in the framing page that measures the report's width and
# keeps its DOM as the browser built it. The report itself runs no script: its policy forbids it.
FRAME = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><style>html, body {{ margin: 0 }} iframe {{ border: 0 }}</style>
</head><body><iframe id="report" width="{width}" height="900" srcdoc="{report}"></iframe>
<script>
addEventListener("load", () => {{
  const doc = document.getElementById("report").contentDocument;
  const root = doc.documentElement, width = root.clientWidth;
  const wide = [...doc.querySelectorAll("body *")]
    .filter(e => !e.closest(".table") && e.getBoundingClientRect().right > width + 0.5)
    .map(e => e.tagName.toLowerCase() + "." + e.getAttribute("class"));
  const out = document.createElement("pre");
  out.id = "measured";
  out.textContent = JSON.stringify({{width, scrollWidth: root.scrollWidth, wide, dom: root.outerHTML}});
  document.body.append(out);
}});
</script></body></html>"""


def _show(show, value) -> str:
    return "—" if value is None else show(value)


def _get(data: dict, path: str):
    for key in path.split("."):
        data = data[key]
    return data


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> dict:
    """The demo store's report for this quarter to date, as HTML, JSON and Markdown."""
    root = tmp_path_factory.mktemp("demo")
    (root / "config.toml").write_text('owner = "Priya Raman"\n')
    env = {
        "SRM_DB": str(root / "own.db"),
        "SRM_CONFIG": str(root / "config.toml"),
        "SRM_TODAY": TODAY,
        "NO_COLOR": "1",
        "COLUMNS": "120",
    }
    runner = CliRunner()

    def srm(*args: str) -> str:
        r = runner.invoke(app, ["--db", str(root / "demo.db"), *args], env=env)
        assert r.exit_code == 0, r.output
        return r.stdout

    demo_db = root / "demo.db"
    r = runner.invoke(app, ["demo", "--path", str(demo_db)], env=env)
    assert r.exit_code == 0, r.output
    srm("report", "-o", str(root / "report.html"))
    return {
        "dir": root,
        "html": root / "report.html",
        "json": json.loads(srm("report", "--json")),
        "markdown": srm("report", "--format", "markdown"),
    }


@pytest.fixture(scope="module")
def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("SRM_REQUIRE_BROWSER") == "1":
            pytest.fail(
                "SRM_REQUIRE_BROWSER=1 but Chromium is missing: apt-get install -y chromium"
            )
        pytest.skip("Chromium is not installed (apt-get install -y chromium); CI requires it")
    return found


@pytest.fixture(scope="module")
def rendered(chromium, demo) -> dict:
    """Every rendering at once (Chromium starts in about a second; these run side by side)."""
    out = demo["dir"]
    report = demo["html"].read_text()
    framed = {}
    for width in WIDTHS:
        framed[width] = out / f"framed{width}.html"
        framed[width].write_text(FRAME.format(width=width, report=escape(report)))
    screenshot = ["--force-device-scale-factor=0.5", "--hide-scrollbars"]  # a quarter the pixels
    jobs = {
        "pdf": (demo["html"], [f"--print-to-pdf={out / 'report.pdf'}", "--no-pdf-header-footer"]),
        **{f"dom{w}": (framed[w], ["--dump-dom", "--hide-scrollbars"]) for w in WIDTHS},
        **{
            f"shot{w}": (framed[w], [f"--screenshot={out / f'{w}.png'}", *screenshot])
            for w in WIDTHS
        },
    }
    with tempfile.TemporaryDirectory() as profiles:
        running = {
            name: subprocess.Popen(
                [
                    chromium,
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    f"--user-data-dir={Path(profiles) / name}",
                    "--window-size=1280,900"
                    if "1280" in name or name == "pdf"
                    else "--window-size=500,900",
                    *args,
                    page.as_uri(),
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
            )
            for name, (page, args) in jobs.items()
        }
        results = {}
        for name, proc in running.items():
            results[name] = proc.communicate(timeout=60)[0]
            assert proc.returncode == 0, f"chromium ({name}) exited {proc.returncode}"
    return {
        "measured": {w: _measured(results[f"dom{w}"]) for w in WIDTHS},
        "pdf": (out / "report.pdf").read_bytes(),
        "shots": {w: _png(out / f"{w}.png") for w in WIDTHS},
    }


def _measured(dom: str) -> dict:
    m = re.search(r'<pre id="measured">(.*?)</pre>', dom, flags=re.S)
    assert m, "the measuring script did not run"
    return json.loads(unescape(m[1]))


class Tiles(HTMLParser):
    """Each headline tile's classes and the text of its parts, by data-key."""

    def __init__(self) -> None:
        super().__init__()
        self.tiles: dict[str, dict] = {}
        self.charts: dict[str, str] = {}  # trend chart: its aria-label
        self.tile: dict | None = None
        self.part: str | None = None
        self.chart: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if "tile" in classes:
            self.tile = self.tiles[a["data-key"]] = {"class": classes, "text": {}}
        elif self.tile is not None and tag in ("div", "span") and classes:
            self.part = classes[0]
        if tag == "figure":
            self.chart = a["data-key"]
        elif tag == "svg" and self.chart:
            self.charts[self.chart] = a["aria-label"]
            self.chart = None

    def handle_data(self, data):
        if self.tile is not None and self.part:
            text = self.tile["text"]
            text[self.part] = text.get(self.part, "") + data

    def handle_endtag(self, tag):
        if tag == "div" and self.part in ("detail",):
            self.tile, self.part = None, None
        elif tag in ("div", "span"):
            self.part = None


def _png(path: Path) -> tuple[int, int, list[bytes]]:
    """(width, height, rows of RGB(A) bytes) of an 8-bit PNG, decoded without libraries."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    at, idat, header = 8, [], b""
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat.append(body)
        at += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour in (2, 6), (depth, colour)
    bpp = 3 if colour == 2 else 4
    raw, stride, rows, previous = (
        zlib.decompress(b"".join(idat)),
        width * bpp,
        [],
        bytes(width * bpp),
    )
    for y in range(height):
        kind, line = (
            raw[y * (stride + 1)],
            bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)]),
        )
        if kind == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif kind == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, previous, strict=True))
        elif kind == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + previous[i]) >> 1)) & 255
        elif kind == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b, c = previous[i], previous[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, [bytes(b for i, b in enumerate(r) if i % bpp != 3) for r in rows]


def test_the_browser_shows_every_headline_figure_as_the_json_has_it(demo, rendered):
    report = demo["json"]
    dom = rendered["measured"][1280]["dom"]  # as Chromium built it from the shipped file
    page = Tiles()
    page.feed(dom)
    assert set(page.tiles) == set(KEY_FIGURES)
    for key, (show, better) in KEY_FIGURES.items():
        tile, now, before = page.tiles[key], _get(report, key), _get(report["previous"], key)
        assert tile["text"]["value"] == show(now), key
        assert tile["text"]["was"] == show(before), key
        change = _get(report["change"], key)
        # The change is classed by what it means for this figure, and says so in words.
        meaning = "better" if change * better > 0 else "worse" if change else "same"
        assert meaning in tile["class"], (key, change, tile["class"])
        word = {"better": "better", "worse": "worse", "same": "no change"}[meaning]
        assert tile["text"]["verdict"] == word
        assert ("▲" if change > 0 else "▼" if change < 0 else "=") in tile["text"]["change"]
    # The demo's quarter went badly: the story (coverage, overdue, gives per ask).
    assert "worse" in page.tiles["coverage.overdue"]["class"]
    assert "worse" in page.tiles["gives_per_ask"]["class"]
    # Each trend line carries every period's figure.
    assert len(report["trend"]) == 4
    for key, (show, _) in KEY_FIGURES.items():
        label = page.charts[key]
        shown = [_show(show, _get(point, key)) for point in report["trend"]]
        assert re.findall(r" (\S+)(?:,|$)", label) == shown, label
        assert shown[-1] == show(_get(report, key))
    assert "For Priya Raman" in dom


@pytest.mark.parametrize("width", WIDTHS)
def test_the_page_fits_the_window_at_laptop_and_phone_width(rendered, width):
    measured = rendered["measured"][width]
    assert measured["width"] == width
    assert measured["scrollWidth"] <= width, measured["wide"]
    assert measured["wide"] == []
    # The screenshot, at half scale: the frame's columns only.
    _, h, rows = rendered["shots"][width]
    w = width // 2
    rows = [r[: w * 3] for r in rows]
    # Not blank: text and charts cover part of the page, in more than a few colours.
    white = b"\xff\xff\xff"
    inked = sum(1 for r in rows for x in range(0, w * 3, 3) if r[x : x + 3] != white)
    assert inked > 0.03 * w * h, inked
    assert len({r[x : x + 3] for r in rows for x in range(0, w * 3, 3)}) > 20
    # Nothing runs into the right edge: the last pixel columns are background.
    assert all(r[-6:] == white * 2 for r in rows)


def test_the_report_prints_on_pages(rendered):
    pdf = rendered["pdf"]
    assert pdf.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
    assert pages >= 2, pages


def _tables(markdown: str) -> list[list[list[str]]]:
    """The tables a CommonMark parser with GitHub tables finds: rows of cell texts."""
    tables, row, cell = [], None, None
    for token in MarkdownIt("commonmark").enable("table").parse(markdown):
        if token.type == "table_open":
            tables.append([])
        elif token.type == "tr_open":
            row = []
        elif token.type in ("th_open", "td_open"):
            cell = ""
        elif token.type == "inline" and cell is not None:
            cell = token.content.replace("\\", "")
        elif token.type in ("th_close", "td_close"):
            row.append(cell)
            cell = None
        elif token.type == "tr_close":
            tables[-1].append(row)
    return tables


def test_the_markdown_tables_parse_as_tables_with_the_json_figures(demo):
    md, report = demo["markdown"], demo["json"]
    tables = _tables(md)
    # Every block of |-lines is a table to the parser, every row as wide as its header.
    assert len(tables) == len(re.findall(r"^\|.*\|\n\| *:?---", md, flags=re.M))
    for table in tables:
        assert len({len(r) for r in table}) == 1, table[0]
    key_figures = next(t for t in tables if t[0][0] == "key figure")
    rows = {r[0]: r for r in key_figures[1:]}
    labels = [
        "Touched",
        "Kept on cadence",
        "Overdue at the end",
        "Gives per ask",
        "Interactions",
        "Negative interactions",
    ]
    assert list(rows) == labels
    for label, (key, (show, better)) in zip(labels, KEY_FIGURES.items(), strict=True):
        assert rows[label][1] == show(_get(report, key))
        assert rows[label][2] == show(_get(report["previous"], key))
        change = _get(report["change"], key)
        assert rows[label][4] == (
            "better" if change * better > 0 else "worse" if change else "no change"
        )
    trend = next(t for t in tables if t[0][0] == "period")
    assert len(trend) == 1 + len(report["trend"])
    for row, point in zip(trend[1:], report["trend"], strict=True):
        assert row[1:] == [_show(show, _get(point, key)) for key, (show, _) in KEY_FIGURES.items()]
    coverage = next(t for t in tables if t[0][:2] == ["segment", "tracked"])
    assert coverage[-1][0] == "all tracked contacts"
    assert coverage[-1][1].startswith(str(report["coverage"]["tracked"]))
