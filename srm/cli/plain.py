"""Rich's rules for plain text, without importing Rich: terminals, cell widths, wrapping, markup.

Output to a pipe or a file, and `--help`, are drawn without Rich (its import alone costs more
than the rest of a short command). These are the rules they share with Rich, ported from it
(MIT), so that what srm prints is the same either way; tests compare the two.
"""

from __future__ import annotations

import os
import re
import unicodedata
from functools import cache
from typing import Any


def is_terminal(stream: Any, env: Any = os.environ) -> bool:
    """Whether Rich would treat `stream` as a terminal (escape sequences welcome)."""
    tty = env.get("TTY_COMPATIBLE", "")
    if tty in ("0", "1"):
        return tty == "1"
    force = env.get("FORCE_COLOR")
    if force is not None:
        return force != ""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def cell_len(text: str) -> int:
    """Columns `text` takes on a terminal: wide (CJK, emoji) characters two, marks none."""
    if text.isascii():
        return len(text)
    return sum(map(_char_width, text))


@cache
def _char_width(c: str) -> int:
    if unicodedata.category(c) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1


_WORD = re.compile(r"\s*\S+\s*")


def divide_line(text: str, width: int, fold: bool = True) -> list[int]:
    """rich._wrap.divide_line: the offsets where a line breaks to fit `width` cells (a word
    longer than the width is folded, or put on a line of its own)."""
    breaks: list[int] = []
    offset = 0
    for m in _WORD.finditer(text):
        start, word = m.start(), m.group()
        length = cell_len(word.rstrip())
        if width - offset >= length:
            offset += cell_len(word)
        elif length > width:
            if fold:
                chunks = chop(word, width)
                for i, chunk in enumerate(chunks):
                    if start:
                        breaks.append(start)
                    if i == len(chunks) - 1:
                        offset = cell_len(chunk)
                    else:
                        start += len(chunk)
            else:
                if start:
                    breaks.append(start)
                offset = cell_len(word)
        elif offset and start:
            breaks.append(start)
            offset = cell_len(word)
    return breaks


def wrap_line(line: str, width: int) -> list[str] | None:
    """One line of a Text as Rich wraps it to `width` cells: broken between words (a word
    wider than the width folded), each piece's trailing spaces past the width dropped (counted
    in characters, as Rich's rstrip_end counts them); None if a piece is still too wide (a
    wide character in a column one cell wide)."""
    cuts = [0, *divide_line(line, width, fold=True), len(line)]
    pieces = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        piece = line[a:b]
        if len(piece) > width:
            spaces = len(piece) - len(piece.rstrip())
            piece = piece[: len(piece) - min(spaces, len(piece) - width)]
        if cell_len(piece) > width:
            return None
        pieces.append(piece)
    return pieces


def collapse_widths(widths: list[int], wrapable: list[bool], max_width: int) -> list[int]:
    """rich.table.Table._collapse_widths: the widest columns that may wrap narrowed, evenly,
    until the table fits `max_width` or they are as narrow as the next."""
    total = sum(widths)
    excess = total - max_width
    if any(wrapable):
        while total and excess > 0:
            widest = max(w for w, can in zip(widths, wrapable, strict=True) if can)
            second = max(
                w if can and w != widest else 0 for w, can in zip(widths, wrapable, strict=True)
            )
            difference = widest - second
            ratios = [
                1 if w == widest and can else 0 for w, can in zip(widths, wrapable, strict=True)
            ]
            if not any(ratios) or not difference:
                break
            widths = ratio_reduce(excess, ratios, [min(excess, difference)] * len(widths), widths)
            total = sum(widths)
            excess = total - max_width
    return widths


def ratio_reduce(
    total: int, ratios: list[int], maximums: list[int], values: list[int]
) -> list[int]:
    """rich._ratio.ratio_reduce: `total` taken from `values` in proportion to `ratios`, at
    most `maximums` from each."""
    ratios = [r if m else 0 for r, m in zip(ratios, maximums, strict=True)]
    total_ratio = sum(ratios)
    if not total_ratio:
        return values[:]
    remaining = total
    result = []
    for ratio, maximum, value in zip(ratios, maximums, values, strict=True):
        if ratio and total_ratio > 0:
            distributed = min(maximum, round(ratio * remaining / total_ratio))
            result.append(value - distributed)
            remaining -= distributed
            total_ratio -= ratio
        else:
            result.append(value)
    return result


def chop(word: str, width: int) -> list[str]:
    """`word` in pieces of at most `width` cells."""
    chunks, line = [], ""
    for c in word:
        if line and cell_len(line + c) > width:
            chunks.append(line)
            line = ""
        line += c
    return [*chunks, line] if line else chunks


_ESCAPE = re.compile(r"(\\*)(\[[a-z#/@][^[]*?])")
_TAG = re.compile(r"((\\*)\[([a-z#/@][^[]*?)])")


def escape(text: str) -> str:
    """rich.markup.escape: text that Rich markup shows as it is."""
    text = _ESCAPE.sub(lambda m: f"{m.group(1)}{m.group(1)}\\{m.group(2)}", text)
    if text.endswith("\\") and not text.endswith("\\\\"):
        return text + "\\"
    return text


def unmarkup(markup: str) -> str:
    """The text Rich would show for `markup`, without its styles: tags dropped, escapes undone.

    Emoji codes (`:smile:`) are left as typed: in a name or a note they are text.
    """
    if "[" not in markup:
        return markup
    out, position = [], 0
    for m in _TAG.finditer(markup):
        full, escapes, _ = m.groups()
        start, end = m.span()
        if start > position:
            out.append(markup[position:start].replace("\\[", "["))
        position = end
        if escapes:
            backslashes, escaped = divmod(len(escapes), 2)
            out.append("\\" * backslashes)
            if escaped:
                out.append(full[len(escapes) :])
    if position < len(markup):
        out.append(markup[position:].replace("\\[", "["))
    return "".join(out)
