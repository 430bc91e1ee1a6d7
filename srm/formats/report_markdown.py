"""The report as Markdown (CommonMark with GitHub tables), to paste into a review document."""

from __future__ import annotations

import re

from srm.formats import report as layout

BAR_WIDTH = 30  # character cells for the longest bar


def render(report: dict) -> str:
    lines = [
        f"# {_esc(layout.title(report))}",
        "",
        f"_{_esc(layout.subtitle(report))}_",
        "",
        _esc(layout.byline(report)),
        "",
    ]
    for section in layout.sections(report):
        lines += [f"## {_esc(section.title)}", ""]
        for block in section.blocks:
            rendered = _block(block)
            if rendered:
                lines += rendered + [""]
    return "\n".join(lines).rstrip() + "\n"


def _block(block: layout.Block) -> list[str]:
    if isinstance(block, layout.Note):
        return [_esc(block.text)]
    if isinstance(block, layout.Tiles):
        return _table(
            ["key figure", block.now, block.before, "change", "meaning"],
            [
                [t.label, t.value, t.before, f"{t.arrow} {t.change}".strip(), t.verdict or "—"]
                for t in block.tiles
            ],
            "lrrrl",
        )
    if isinstance(block, layout.Trend):
        return _table(
            ["period", *(s.short for s in block.series)],
            [
                [period, *(s.show(s.values[i]) for s in block.series)]
                for i, period in enumerate(block.periods)
            ],
            "l" + "r" * len(block.series),
        )
    if isinstance(block, layout.Compare):
        if not block.rows:
            return []
        top = max((v or 0 for _, *pair in block.rows for v in pair), default=0)
        width = BAR_WIDTH // 2
        return [f"**{_esc(block.title)}**", ""] + _table(
            ["", block.now, "", block.before, ""],
            [
                [
                    label,
                    layout.bar(now or 0, top, width),
                    block.show(now),
                    layout.bar(before or 0, top, width),
                    block.show(before),
                ]
                for label, now, before in block.rows
            ],
            "llrlr",
        )
    if isinstance(block, layout.Pairs):
        return []  # the table after it holds the same counts, with their changes
    if isinstance(block, layout.Chart):
        top = max((v for _, v in block.bars), default=0)
        return [f"**{_esc(block.title)}**", ""] + _table(
            ["", "", ""],
            [[label, layout.bar(v, top, BAR_WIDTH), layout.number(v)] for label, v in block.bars],
        )
    head = [f"**{_esc(block.title)}**", ""] if block.title else []
    return head + _table(block.columns, block.rows, block.alignment())


def _table(columns: list[str], rows: list[list[str]], align: str = "llr") -> list[str]:
    rule = ["---:" if a == "r" else "---" for a in align]
    return [_row(columns), _row(rule, escape=False)] + [_row(r) for r in rows]


def _row(cells: list[str], escape: bool = True) -> str:
    return "| " + " | ".join(_esc(c) if escape else c for c in cells) + " |"


def _esc(text: str) -> str:
    """Escape what Markdown reads as markup inside a line, and a table cell's pipes and breaks.

    Every line srm writes starts with its own words, so line-start markup (#, +, -) can't occur.
    """
    text = re.sub(r"([\\`*_\[\]<>|~])", r"\\\1", text)
    return " ".join(text.split())
