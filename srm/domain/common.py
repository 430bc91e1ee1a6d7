"""Small helpers shared by the domain services: ids, dates, and the cleaning of text."""

from __future__ import annotations

import re
import uuid as _uuid
from datetime import date

from srm.errors import UsageError
from srm.store.migrations import now_utc

__all__ = [
    "MAX_ID",
    "parse_id",
    "new_uuid",
    "now_utc",
    "iso",
    "to_date",
    "one_line",
    "note_text",
    "strip_controls",
    "strip_escapes",
    "json_dumps",
    "json_safe",
    "plural",
    "update_row",
]

# Longest texts srm keeps, in characters: far past what a person types, short of abuse.
NAME_MAX = 200  # a contact's name
LABEL_MAX = 100  # a tag, a segment's name, the label of a date that matters
LINE_MAX = 2_000  # one-line text: a summary, follow-up, idea, goal, org, role, email …
NOTE_MAX = 100_000  # a note

# Terminal escape sequences, removed whole so that nothing of the instruction is left behind
# ("\x1b[31mRED\x1b[0m" is "RED", not "[31mRED[0m"): CSI (colours, clearing the screen),
# OSC (window titles, links) ended by BEL or ST, DCS/SOS/PM/APC strings, two-byte escapes,
# and the 8-bit CSI and OSC of C1.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"
    r"|\x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[PX^_][^\x1b\x9c]*(?:\x1b\\|\x9c)?"
    r"|\x1b[ -~]?"
    r"|\x9b[0-?]*[ -/]*[@-~]?"
    r"|\x9d[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
)
# Every C0 and C1 control character and DEL; \t and \n are dealt with by the callers. And the
# bidirectional embeddings, overrides and isolates (U+202A-E, U+2066-9): no name or note needs
# them (right-to-left scripts are ordered by the text itself), and they can make a terminal
# show text other than what is stored ("Trojan Source", CVE-2021-42574). Lone surrogates (bytes
# that weren't UTF-8, as Python hands them over) can be neither stored nor printed: they
# become U+FFFD.
_BIDI = "\u202a-\u202e\u2066-\u2069"
_CONTROLS = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}]")
_SURROGATES = re.compile("[\ud800-\udfff]")
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff{_BIDI}]")

MAX_ID = 2**63 - 1  # SQLite's largest integer: no row id is above it


def parse_id(text: str) -> int | None:
    """The record id a text names (ASCII digits, 1 to MAX_ID), or None if it can't be one."""
    s = text.strip()
    if not (s.isascii() and s.isdigit()) or len(s) > len(str(MAX_ID)):
        return None
    value = int(s)
    return value if 1 <= value <= MAX_ID else None


def strip_controls(text: str, *, keep_lines: bool = True) -> str:
    """`text` without escape sequences or control characters; tabs and line ends are kept
    (as "\\n") when `keep_lines`, else each becomes a space. Cheap when there is nothing to do."""
    if keep_lines and _UNSAFE.search(text) is None:
        return text
    text = strip_escapes(text.replace("\r\n", "\n").replace("\r", "\n"))
    if not keep_lines:
        text = re.sub(r"[\t\n\x0b\x0c\x1c-\x1f\x85\u2028\u2029]", " ", text)
    return text


def strip_escapes(text: str) -> str:
    """`text` without escape sequences and control characters other than tab, CR and LF (a
    file format's own line ends stay as they are)."""
    if _clean(text, _UNSAFE_BYTES) or _UNSAFE.search(text) is None:
        return text
    return _SURROGATES.sub("\ufffd", _CONTROLS.sub("", _ESCAPES.sub("", text)))


# Characters a JSON encoder leaves raw that a terminal acts on (DEL, C1 controls such as the
# 8-bit CSI, bidirectional overrides) or that can't be encoded (lone surrogates); U+2028/9 end
# lines in JavaScript.
_JSON_RAW = re.compile(f"[\x7f-\x9f\ud800-\udfff\u2028\u2029{_BIDI}]")

# The UTF-8 bytes that begin each character of _UNSAFE and _JSON_RAW (the C1 controls are
# C2 80-9F; U+2028/9 and the bidirectional controls begin with E2; a lone surrogate can't be
# encoded at all).
_UNSAFE_BYTES = bytes([*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F, 0xC2, 0xE2])
_JSON_RAW_BYTES = bytes([0x7F, 0xC2, 0xE2])
_ALL_BYTES = bytes(range(256))
_LONG = 65_536  # shorter texts: the regular expression alone is as quick


def _clean(text: str, suspects: bytes) -> bool:
    """True when `text` certainly holds none of the characters whose UTF-8 begins with one of
    `suspects` (and no lone surrogate): a check in C at memory speed, for the megabytes of an
    export, where a regular expression over a character class takes ~7 ns a character. False
    means "look closer", not "unclean"."""
    if len(text) < _LONG:
        return False
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return False
    return not data.translate(None, _ALL_BYTES.translate(None, suspects))


def json_dumps(data: object, indent: int | None = None) -> str:
    """JSON with non-ASCII text as is, and every character a terminal would act on escaped
    (\\u009b): the same data to any JSON reader, harmless on a screen."""
    import json

    return json_safe(json.dumps(data, ensure_ascii=False, indent=indent, default=str))


def json_safe(text: str) -> str:
    """JSON text (from an encoder that leaves non-ASCII raw) with the characters of `json_dumps`
    escaped; such characters only occur inside its strings, where the escape means the same."""
    if _clean(text, _JSON_RAW_BYTES) or _JSON_RAW.search(text) is None:
        return text
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def json_safe_utf8(text: str) -> bytes:
    """`json_safe(text)` encoded as UTF-8, encoding a long text once: the check for
    characters to escape runs over the bytes it has to be written as anyway."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: json_safe escapes it
        return json_safe(text).encode("utf-8")
    if not data.translate(None, _ALL_BYTES.translate(None, _JSON_RAW_BYTES)):
        return data
    return json_safe(text).encode("utf-8")


def one_line(text: str, what: str, limit: int = LINE_MAX) -> str:
    """Text for a one-line field: escapes and control characters removed, runs of whitespace
    (line ends too) one space, trimmed; a UsageError naming `what` past `limit` characters."""
    clean = " ".join(strip_controls(text, keep_lines=False).split())
    return _within(clean, what, limit)


def note_text(text: str, what: str = "the note", limit: int = NOTE_MAX) -> str:
    """Free text over several lines: line ends become "\\n", tabs stay, escapes and other
    control characters go; trailing space is trimmed."""
    return _within(strip_controls(text).strip(), what, limit)


def _within(text: str, what: str, limit: int) -> str:
    if len(text) > limit:
        raise UsageError(f"{what} is {len(text):,} characters long; srm keeps at most {limit:,}")
    return text


def new_uuid() -> str:
    return str(_uuid.uuid4())


def iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def to_date(s: str | None) -> date | None:
    return date.fromisoformat(s) if s else None


def plural(n: int, noun: str, nouns: str | None = None) -> str:
    """'1 ask', '0 asks', '2 follow-ups': a count with its noun in the right number."""
    return f"{n} {noun if n == 1 else nouns or noun + 's'}"


def update_row(conn, table: str, row_id: int, changes: dict[str, object]) -> None:
    """UPDATE one row by id with the given column values (names come from code, never input)."""
    sets = ", ".join(f"{column} = ?" for column in changes)
    conn.execute(f"UPDATE {table} SET {sets} WHERE id = ?", (*changes.values(), row_id))
