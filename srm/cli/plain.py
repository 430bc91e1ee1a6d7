"""Rich's rules for plain text, without importing Rich: terminals, cell widths, wrapping, markup.

Output to a pipe or a file, and `--help`, are drawn without Rich (its import alone costs more
than the rest of a short command). These are the rules they share with Rich, ported from it
(MIT), so that what srm prints is the same either way; tests compare the two.
"""

from __future__ import annotations

import os
import re
import unicodedata
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
    width = 0
    for c in text:
        if unicodedata.category(c) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1
    return width


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
