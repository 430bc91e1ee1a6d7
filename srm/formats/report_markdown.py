"""The report as Markdown, to paste into a review document."""

from __future__ import annotations

import re

from srm.formats import report as layout

BAR_WIDTH = 30  # character cells for the longest bar


def render(report: dict) -> str:
    lines = [f"# {_esc(layout.title(report))}", "", f"_{_esc(layout.subtitle(report))}_", ""]
    for section in layout.sections(report):
        lines += [f"## {_esc(section.title)}", ""]
        for block in section.blocks:
            lines += _block(block) + [""]
    return "\n".join(lines).rstrip() + "\n"


def _block(block: layout.Table | layout.Chart | layout.Note) -> list[str]:
    if isinstance(block, layout.Note):
        return [_esc(block.text)]
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
