"""Turning an import file's bytes into text: BOMs, UTF-8 with per-line legacy fallbacks, binary."""

from __future__ import annotations

import codecs

from srm.errors import ImportError_

# Exports from old address books mix encodings line by line (a Latin-1 XING card in a UTF-8
# file), so each line that isn't UTF-8 falls back on its own rather than the whole file.
_FALLBACKS = ("cp1252", "latin-1")


def decode(data: bytes, name: str) -> str:
    """The file's text; ImportError_ for an empty or binary file."""
    if not data.strip():
        raise ImportError_(f"{name} is empty: nothing to import")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise ImportError_(
                f"{name} starts as UTF-16 but isn't valid UTF-16 ({e.reason} at byte {e.start}):"
                " is the file complete? Save it again as UTF-8 or UTF-16"
            ) from None
    if b"\x00" in data[:8192]:
        raise ImportError_(
            f"{name} looks like a binary file: import a vCard (.vcf), CSV or srm JSON export"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "".join(decode_line(line) for line in data.splitlines(keepends=True))


def decode_line(raw: bytes, charset: str | None = None) -> str:
    """Decode one piece of text: its declared charset, else UTF-8, else Windows-1252/Latin-1."""
    for enc in ((charset,) if charset else ()) + ("utf-8", *_FALLBACKS):
        try:
            return raw.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    raise AssertionError("latin-1 decodes every byte")
