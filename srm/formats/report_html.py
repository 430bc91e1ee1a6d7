"""The report as one self-contained HTML file: inline CSS and SVG, no scripts, nothing fetched.

A headline of key-figure tiles, small trend lines, then the sections of the layout. Changes
are coloured by what they mean for that figure (more overdue is bad) and always say so in
words and arrows as well, for grey print and colour-blind readers. Bars are SVG rectangles
sized in percent inside HTML grids: the labels stay text at a readable size on a phone, and
the bars print (CSS backgrounds don't, by default). A Content-Security-Policy forbids the
page to load or run anything, whatever a name in it says.
"""

from __future__ import annotations

from html import escape

from srm.formats import report as layout

POLICY = "default-src 'none'; style-src 'unsafe-inline'"
CSS = """
:root {
  --ink: #1b2430; --muted: #5b6675; --faint: #8a94a3; --line: #e3e7ec; --panel: #f6f8fa;
  --accent: #2b5d8a; --before: #aab6c3; --ask: #9a7bb5;
  --good: #0b7a55; --good-bg: #e3f4ec; --bad: #b8420f; --bad-bg: #fbe9e1;
  color-scheme: light;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--ink); background: #fff;
       font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue",
             "DejaVu Sans", sans-serif;
       font-variant-numeric: tabular-nums; }
main { max-width: 66rem; margin: 0 auto; padding: 2.5rem 2rem 4rem; }
header { margin-bottom: 2rem; }
.eyebrow { margin: 0; color: var(--muted); font-size: .8rem; font-weight: 600;
           letter-spacing: .08em; text-transform: uppercase; }
h1 { margin: .15rem 0 .4rem; font-size: 2rem; line-height: 1.2; letter-spacing: -.01em; }
h1 .cut { color: var(--muted); font-weight: 400; font-size: 1.25rem; white-space: nowrap; }
.meta { margin: 0; color: var(--muted); }
h2 { margin: 2.75rem 0 1rem; font-size: 1.25rem; padding-bottom: .35rem;
     border-bottom: 1px solid var(--line); }
h3 { margin: 1.5rem 0 .5rem; font-size: .95rem; }
p.lede { font-size: 1.1rem; font-weight: 600; margin: -.25rem 0 1rem; }
p.note { color: var(--muted); font-size: .875rem; margin: .5rem 0 0; max-width: 48rem; }
.part { margin-top: 4rem; color: var(--muted); font-size: .8rem; font-weight: 600;
        letter-spacing: .08em; text-transform: uppercase; border: 0; }
.part + section h2 { margin-top: .5rem; }

.tiles { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 1rem; }
.tile { border: 1px solid var(--line); border-left: 5px solid var(--faint);
        border-radius: 8px; padding: .9rem 1rem 1rem; break-inside: avoid; }
.tile.better { border-left-color: var(--good); }
.tile.worse { border-left-color: var(--bad); }
.tile .label { color: var(--muted); font-size: .85rem; font-weight: 600; }
.tile .value { font-size: 2.1rem; font-weight: 700; line-height: 1.15; margin: .2rem 0 .35rem; }
.tile .change { font-weight: 600; }
.tile .verdict { display: inline-block; margin-left: .35rem; padding: 0 .45rem;
                 border-radius: 999px; font-size: .75rem; font-weight: 700;
                 letter-spacing: .04em; text-transform: uppercase; vertical-align: .1em; }
.better .change { color: var(--good); }
.better .verdict { background: var(--good-bg); }
.worse .change { color: var(--bad); }
.worse .verdict { background: var(--bad-bg); }
.same .change, .unknown .change { color: var(--muted); }
.same .verdict { background: var(--panel); }
.tile .before, .tile .detail { color: var(--muted); font-size: .85rem; margin-top: .15rem; }

.trends { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 1rem 1.5rem; }
figure { margin: 0; break-inside: avoid; }
figcaption { display: flex; justify-content: space-between; align-items: baseline;
             gap: .5rem; font-size: .85rem; color: var(--muted); font-weight: 600; }
figcaption strong { color: var(--ink); font-size: 1rem; }
svg { display: block; overflow: visible; }
svg.spark { width: 100%; height: auto; margin-top: .25rem; }
.spark text { font: 11px system-ui, "DejaVu Sans", sans-serif; fill: var(--muted); }
.spark text.now { fill: var(--ink); font-weight: 700; }
.spark .axis { stroke: var(--line); }
.spark .line { fill: none; stroke: var(--accent); stroke-width: 2.25; }
.spark circle { fill: #fff; stroke: var(--accent); stroke-width: 2; }
.spark circle.now { fill: var(--accent); }

.chart { margin: .5rem 0 1.5rem; max-width: 46rem; break-inside: avoid; }
.chart h3 { margin-top: 0; }
.legend { display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; color: var(--muted);
          font-size: .85rem; margin-bottom: .5rem; }
.bars { display: grid; grid-template-columns: minmax(5rem, max-content) minmax(0, 1fr) auto;
        gap: .3rem .75rem; align-items: center; }
.bars .label { overflow-wrap: anywhere; }
.bars .value { text-align: right; white-space: nowrap; }
.bars .pair { display: grid; gap: 3px; }
.bars .muted, .muted { color: var(--muted); }
svg.bar { width: 100%; height: 12px; }
svg.bar.before { height: 8px; }
.bar rect { fill: var(--accent); }
.bar.before rect, .swatch.before rect { fill: #fff; stroke: var(--before); stroke-width: 2; }
.bar.ask rect, .swatch.ask rect { fill: var(--ask); }
.swatch { display: inline-block; vertical-align: -.05em; margin-right: .35rem; }
.swatch rect { fill: var(--accent); }
.pairs { display: grid;
         grid-template-columns: minmax(5rem, max-content) minmax(0, 1fr) 2.5rem 2.5rem minmax(0, 1fr);
         gap: .3rem .5rem; align-items: center; }
.pairs .label small { display: block; color: var(--muted); font-size: .8rem; }
.pairs .left { text-align: right; }
.pairs .mid { border-left: 1px solid var(--ink); padding-left: .5rem; }
.pairs .head { color: var(--muted); font-size: .85rem; }

.table { overflow-x: auto; margin: .5rem 0; }
table { border-collapse: collapse; font-size: .9rem; }
th, td { padding: .35rem .7rem; border-bottom: 1px solid var(--line); text-align: right;
         vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: .8rem; border-bottom-color: var(--ink); }
th.l, td.l { text-align: left; }
td.good { color: var(--good); font-weight: 600; }
td.bad { color: var(--bad); font-weight: 600; }
td.good::before { content: "✓ "; }
td.bad::before { content: "✗ "; }

@media (max-width: 52rem) {
  .tiles, .trends { grid-template-columns: repeat(2, minmax(0, 1fr)); }
}
@media (max-width: 34rem) {
  main { padding: 1.5rem 1rem 3rem; }
  h1 { font-size: 1.6rem; }
  .tiles { gap: .6rem; }
  .tile { padding: .7rem .75rem .8rem; }
  .tile .value { font-size: 1.7rem; }
  .tile .verdict { margin-left: 0; }
  .trends { grid-template-columns: minmax(0, 1fr); }
  .pairs { grid-template-columns: minmax(4rem, max-content) minmax(0, 1fr) 2rem 2rem minmax(0, 1fr); }
}
@media print {
  @page { margin: 14mm 12mm; }
  body { font-size: 10pt; }
  main { max-width: none; padding: 0; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .tiles, .trends { grid-template-columns: repeat(3, minmax(0, 1fr)); gap: .6rem; }
  .tile .value { font-size: 1.6rem; }
  h2 { break-after: avoid; margin-top: 1.5rem; }
  h3 { break-after: avoid; }
  .part { break-before: page; margin-top: 0; }
  .tile, figure, .chart, tr { break-inside: avoid; }
  .table { overflow: visible; }
}
"""
# The trend's small charts, in viewBox units.
SPARK_W, SPARK_H, PLOT_TOP, PLOT_BOTTOM, SPARK_PAD = 300, 124, 26, 92, 24
ARROWS = {"▲": "up", "▼": "down", "=": "unchanged"}


def render(report: dict) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(layout.title(report))}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        _header(report),
    ]
    details = False
    for section in layout.sections(report):
        if section.key == "details" and not details:
            parts.append('<h2 class="part">Details</h2>')
            details = True
        parts.append(f'<section class="{escape(section.key)}">')
        parts.append(f"<h2>{escape(section.title)}</h2>")
        for block in section.blocks:
            if section.key == "headline" and isinstance(block, layout.Note):
                parts.append(f'<p class="lede">{escape(block.text)}</p>')  # the summary, large
            else:
                parts.append(_block(block))
        parts.append("</section>")
    parts += ["</main>", "</body>", "</html>"]
    return "\n".join(parts) + "\n"


def _header(report: dict) -> str:
    label = report["period"]["label"]
    name, _, cut = label.partition(" (")
    cut_html = f' <span class="cut">{escape(cut.rstrip(")"))}</span>' if cut else ""
    segment = escape(layout.cut(report, " · "))
    return (
        "<header>"
        '<p class="eyebrow">Relationship review</p>'
        f"<h1>{escape(name)}{cut_html}{segment}</h1>"
        f'<p class="meta">{escape(_dates(report))}</p>'
        f'<p class="meta">{escape(_byline(report))}</p>'
        "</header>"
    )


def _dates(report: dict) -> str:
    """The period's days, and the previous period's: "the first 55 days of 2026Q3: 1 Jul – …"."""
    now, before = report["period"], report["previous"]["period"]
    name, _, cut = before["label"].partition(" (first ")
    what = f"the first {cut.split()[0]} days of {name}" if cut else name
    return (
        f"{layout.span_text(now)} ({now['days']} days), compared with {what}: "
        f"{layout.span_text(before)}"
    )


def _byline(report: dict) -> str:
    made = f"generated {layout.long_date(report['generated_on'])}"
    return f"For {report['owner']} · {made}" if report.get("owner") else "G" + made[1:]


def _block(block: layout.Block) -> str:
    if isinstance(block, layout.Note):
        return f'<p class="note">{escape(block.text)}</p>'
    if isinstance(block, layout.Tiles):
        return _tiles(block)
    if isinstance(block, layout.Trend):
        return _trend(block)
    if isinstance(block, layout.Compare):
        return _compare(block)
    if isinstance(block, layout.Pairs):
        return _pairs(block)
    if isinstance(block, layout.Chart):
        return _chart(block)
    return _table(block)


def _tiles(block: layout.Tiles) -> str:
    out = []
    for t in block.tiles:
        tone = {"better": "better", "worse": "worse", "no change": "same"}.get(t.verdict, "unknown")
        arrow = f'<span aria-label="{ARROWS[t.arrow]}">{escape(t.arrow)}</span> ' if t.arrow else ""
        verdict = f'<span class="verdict">{escape(t.verdict)}</span>' if t.verdict else ""
        change = f"{arrow}{escape(t.change)}{verdict}" if t.verdict else "no earlier figure"
        out.append(
            f'<div class="tile {tone}" data-key="{escape(t.key)}">'
            f'<div class="label">{escape(t.label)}</div>'
            f'<div class="value">{escape(t.value)}</div>'
            f'<div class="change">{change}</div>'
            f'<div class="before">from <span class="was">{escape(t.before)}</span>'
            f" in {escape(block.before)}</div>"
            f'<div class="detail">{escape(t.detail)}</div>'
            "</div>"
        )
    return f'<div class="tiles">{"".join(out)}</div>'


def _trend(block: layout.Trend) -> str:
    return (
        '<div class="trends">' + "".join(_spark(s, block.periods) for s in block.series) + "</div>"
    )


def _spark(series: layout.Series, periods: list[str]) -> str:
    """A small line chart from zero (percentages up to 100), every point labelled."""
    values, n = series.values, len(series.values)
    is_pct = series.show is layout.pct
    top = 100.0 if is_pct else max((v for v in values if v is not None), default=0) or 1
    top = top if is_pct else top * 1.1

    def x(i: int) -> float:
        return SPARK_PAD + (SPARK_W - 2 * SPARK_PAD) * (i / (n - 1) if n > 1 else 0.5)

    def y(v: float) -> float:
        return PLOT_BOTTOM - (PLOT_BOTTOM - PLOT_TOP) * v / top

    step = max(1, -(-n // 6))  # at most about six labels along the axis
    labelled = {i for i in range(n) if i % step == 0 or i == n - 1}
    if n - 1 - max(labelled - {n - 1}, default=-step) < step / 2:
        labelled.discard(max(labelled - {n - 1}))  # no label crowding the last one
    lines, run = [], []
    for i, v in enumerate(values):  # a gap where a figure is undefined
        if v is None:
            if len(run) > 1:
                lines.append(run)
            run = []
        else:
            run.append(f"{x(i):.1f},{y(v):.1f}")
    if len(run) > 1:
        lines.append(run)
    parts = [
        f'<line class="axis" x1="{SPARK_PAD - 8}" x2="{SPARK_W - SPARK_PAD + 8}"'
        f' y1="{PLOT_BOTTOM}" y2="{PLOT_BOTTOM}"></line>'
    ]
    parts += [f'<polyline class="line" points="{" ".join(r)}"></polyline>' for r in lines]
    for i, v in enumerate(values):
        now = ' class="now"' if i == n - 1 else ""
        if v is not None:
            parts.append(f'<circle{now} cx="{x(i):.1f}" cy="{y(v):.1f}" r="3.5"></circle>')
        if i in labelled:
            shown = series.show(v)
            if v is not None:
                parts.append(
                    f'<text{now} x="{x(i):.1f}" y="{y(v) - 9:.1f}" text-anchor="middle">'
                    f"{escape(shown)}</text>"
                )
            parts.append(
                f'<text{now} x="{x(i):.1f}" y="{PLOT_BOTTOM + 22}" text-anchor="middle">'
                f"{escape(periods[i])}</text>"
            )
    described = ", ".join(f"{p} {series.show(v)}" for p, v in zip(periods, values, strict=True))
    return (
        f'<figure data-key="{escape(series.key)}">'
        f"<figcaption>{escape(series.label)}<strong>{escape(series.show(values[-1]))}</strong>"
        "</figcaption>"
        f'<svg class="spark" viewBox="0 0 {SPARK_W} {SPARK_H}" role="img"'
        f' aria-label="{escape(series.label)}: {escape(described)}">{"".join(parts)}</svg>'
        "</figure>"
    )


def _bar(value: float, top: float, kind: str = "") -> str:
    """A bar as wide as value / top of its cell (a rectangle sized in percent)."""
    width = 100 * value / top if top > 0 and value > 0 else 0
    cls = f"bar {kind}".strip()
    return (
        f'<svg class="{cls}" aria-hidden="true">'
        f'<rect x="{100 - width if kind == "ask" else 0:.2f}%" width="{width:.2f}%"'
        ' height="100%"></rect></svg>'
    )


def _swatch(kind: str = "") -> str:
    return (
        f'<svg class="swatch {kind}" width="14" height="10" aria-hidden="true">'
        '<rect x="1" y="1" width="12" height="8"></rect></svg>'
    )


def _compare(block: layout.Compare) -> str:
    if not block.rows:
        return ""
    top = 100.0 if block.show is layout.pct else max(v or 0 for _, *p in block.rows for v in p)
    rows = []
    for label, now, before in block.rows:
        rows.append(
            f'<div class="label">{escape(label)}</div>'
            f'<div class="pair">{_bar(now or 0, top)}{_bar(before or 0, top, "before")}</div>'
            f'<div class="value"><strong>{escape(block.show(now))}</strong>'
            f' <span class="muted">({escape(block.show(before))})</span></div>'
        )
    return (
        f'<div class="chart"><h3>{escape(block.title)}</h3>'
        f'<div class="legend"><span>{_swatch()}{escape(block.now)}</span>'
        f"<span>{_swatch('before')}{escape(block.before)} (in brackets)</span></div>"
        f'<div class="bars">{"".join(rows)}</div></div>'
    )


def _pairs(block: layout.Pairs) -> str:
    top = max((max(a, b) for _, a, b in block.rows), default=0)
    rows = [
        '<div class="head"></div>'
        f'<div class="head left">{_swatch("ask")}{escape(block.left)}</div>'
        '<div class="head"></div><div class="head mid"></div>'
        f'<div class="head">{_swatch()}{escape(block.right)}</div>'
    ]
    for (label, left, right), note in zip(block.rows, block.notes, strict=True):
        rows.append(
            f'<div class="label">{escape(label)}<small>{escape(note)}</small></div>'
            f"<div>{_bar(left, top, 'ask')}</div>"
            f'<div class="left">{layout.number(left)}</div>'
            f'<div class="mid">{layout.number(right)}</div>'
            f"<div>{_bar(right, top)}</div>"
        )
    return (
        f'<div class="chart"><h3>{escape(block.title)}</h3>'
        f'<div class="pairs">{"".join(rows)}</div></div>'
    )


def _chart(chart: layout.Chart) -> str:
    top = max((v for _, v in chart.bars), default=0)
    rows = "".join(
        f'<div class="label">{escape(label)}</div><div>{_bar(value, top)}</div>'
        f'<div class="value">{layout.number(value)}</div>'
        for label, value in chart.bars
    )
    return f'<div class="chart"><h3>{escape(chart.title)}</h3><div class="bars">{rows}</div></div>'


def _table(block: layout.Table) -> str:
    head = f"<h3>{escape(block.title)}</h3>" if block.title else ""
    left = [' class="l"' if a == "l" else "" for a in block.alignment()]
    cells = "".join(
        f"<th{cls}>{escape(c)}</th>" for cls, c in zip(left, block.columns, strict=True)
    )
    rows = []
    last = len(block.columns) - 1
    for i, row in enumerate(block.rows):
        tds = []
        for j, (cls, c) in enumerate(zip(left, row, strict=True)):
            if j == last and block.tones:
                side = "l " if cls else ""
                cls = f' class="{side}{block.tones[i]}"'
            tds.append(f"<td{cls}>{escape(c)}</td>")
        rows.append("<tr>" + "".join(tds) + "</tr>")
    return (
        f'{head}<div class="table"><table><thead><tr>{cells}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )
