"""The report as one self-contained HTML file: inline CSS and SVG charts, no scripts, no links."""

from __future__ import annotations

from html import escape

from srm.formats import report as layout

CSS = """
:root { --ink: #1f2933; --muted: #616e7c; --bar: #3f7cac; --line: #d9e2ec; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: var(--ink); max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.2rem; border-bottom: 2px solid var(--line); padding-bottom: 0.2rem;
     margin-top: 2rem; }
h3 { font-size: 1rem; margin: 1rem 0 0.4rem; }
.subtitle, .note { color: var(--muted); }
table { border-collapse: collapse; margin: 0.5rem 0; }
th, td { padding: 0.25rem 0.6rem; border-bottom: 1px solid var(--line); text-align: right; }
th.l, td.l { text-align: left; }
th { font-weight: 600; }
svg { display: block; max-width: 100%; height: auto; }
svg text { font: 12px system-ui, sans-serif; fill: var(--ink); }
svg rect { fill: var(--bar); }
@media print {
  body { font-size: 10pt; margin: 0; max-width: none; }
  section { break-inside: avoid; }
  h2 { break-after: avoid; }
  svg rect { fill: #555; }
}
"""
LABEL_W, BAR_W, VALUE_W, ROW_H = 170, 380, 70, 22


def render(report: dict) -> str:
    title = escape(layout.title(report))
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        '<head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{title}</h1>",
        f'<p class="subtitle">{escape(layout.subtitle(report))}</p>',
    ]
    for section in layout.sections(report):
        parts.append(f"<section><h2>{escape(section.title)}</h2>")
        parts += [_block(b) for b in section.blocks]
        parts.append("</section>")
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"


def _block(block: layout.Table | layout.Chart | layout.Note) -> str:
    if isinstance(block, layout.Note):
        return f'<p class="note">{escape(block.text)}</p>'
    head = f"<h3>{escape(block.title)}</h3>" if block.title else ""
    if isinstance(block, layout.Chart):
        return head + _chart(block)
    left = [' class="l"' if a == "l" else "" for a in block.alignment()]
    cells = "".join(
        f"<th{cls}>{escape(c)}</th>" for cls, c in zip(left, block.columns, strict=True)
    )
    rows = "".join(
        "<tr>"
        + "".join(f"<td{cls}>{escape(c)}</td>" for cls, c in zip(left, row, strict=True))
        + "</tr>"
        for row in block.rows
    )
    return f"{head}<table><thead><tr>{cells}</tr></thead><tbody>{rows}</tbody></table>"


def _chart(chart: layout.Chart) -> str:
    """A horizontal bar chart as inline SVG (no xmlns needed inside HTML)."""
    top = max((v for _, v in chart.bars), default=0)
    width, height = LABEL_W + BAR_W + VALUE_W, ROW_H * max(len(chart.bars), 1)
    rows = []
    for i, (label, value) in enumerate(chart.bars):
        y = i * ROW_H
        length = round(BAR_W * value / top, 1) if top else 0
        rows.append(
            f'<text x="{LABEL_W - 8}" y="{y + 15}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{LABEL_W}" y="{y + 4}" width="{length}" height="{ROW_H - 8}"></rect>'
            f'<text x="{LABEL_W + length + 6}" y="{y + 15}">{layout.number(value)}</text>'
        )
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}"'
        f' role="img" aria-label="{escape(chart.title)}">{"".join(rows)}</svg>'
    )
