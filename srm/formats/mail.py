"""Reading mail headers out of an mbox file or a Maildir, one message at a time.

Only headers are read: a message's body and attachments are skipped over, never kept. An mbox
is scanned line by line for its `From ` separators (as `mailbox.mbox` finds them) rather than
through `mailbox.mbox`, which builds a table of every message's offsets first and then reads each
message whole, attachments and all; the scan holds one message's header block at a time, so a
1 GB mbox costs the memory of its largest header. A Maildir is listed with `mailbox.Maildir` and
each file read up to the end of its headers.

Headers are split here and only the few capture needs are decoded, with `email.utils` for
addresses and dates and `email.policy.default` for encoded words in names and subjects:
parsing every header of every message with `policy.default` costs ~1 ms a message (100 s for a
100,000-message mbox), this ~0.1 ms.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Protocol

WANTED = frozenset(
    {
        "from",
        "to",
        "cc",
        "bcc",
        "date",
        "subject",
        "message-id",
        "in-reply-to",
        "references",
        "list-id",
        "list-unsubscribe",
        "precedence",
        "auto-submitted",
        "x-autoreply",
        "x-autorespond",
    }
)
HEADER_MAX = 1 << 20  # a header block past 1 MiB is not a real one: the rest is skipped
CHUNK = 1 << 20
# A message's headers end at its first empty line; a separator is an empty line, then "From "
# (RFC 4155): an unescaped "From " line inside a body is text.
_HEADERS_END = re.compile(rb"\n\r?\n")
_SEPARATOR = re.compile(rb"\n\r?\nFrom ")
_ID = re.compile(r"<([^<>\s]+)>")
_TRICKY = re.compile(r'["()\\;:]')  # quoted names, comments, escapes, groups
_PLAIN = re.compile(r"\s*(?:([^<>,@]*?)\s*<([^<>\s,]+@[^<>\s,]+)>|([^<>\s,]+@[^<>\s,]+))\s*$")
_NO_REPLY = re.compile(
    r"^(?:no-?reply|do-?not-?reply|donotreply|noreply-[\w.-]+|[\w.-]*-noreply|mailer-daemon"
    r"|postmaster|notifications?|bounces?(?:[+-][\w.=-]*)?)@",
    re.IGNORECASE,
)


class Progress(Protocol):
    def start(self, total: int) -> None: ...
    def advance(self, done: int) -> None: ...


@dataclass(slots=True)
class Message:
    """What capture reads of one message: who, when, which thread, and whether it is bulk."""

    where: str
    message_id: str | None
    thread_root: str | None  # the first Message-ID in References, else In-Reply-To
    date: datetime | None  # aware, or naive (no zone given)
    sender: tuple[str, str] | None  # (name, address in lower case)
    to: str  # To, Cc and Bcc as written: read by `recipients` only for the mail that needs it
    subject: str
    bulk: str | None  # why it is list, bulk or automatic mail; None for a person's mail

    @property
    def recipients(self) -> list[tuple[str, str]]:
        """(name, address in lower case) of each recipient."""
        return addresses(self.to)


def read_mbox(stream: BinaryIO, name: str, progress: Progress | None = None) -> Iterator[Message]:
    """Each message of an mbox, in file order. Raises ValueError if it doesn't start like one.

    The file is read a MiB at a time; a body is skipped by searching for the next separator (an
    empty line, then "From "), never split into lines.
    """
    buf = stream.read(CHUNK)
    if not buf.startswith(b"From "):
        raise ValueError(f"{name} is not an mbox file (it should start with a 'From ' line)")
    pos = base = reported = number = 0  # base: where buf starts in the file

    def refill(keep: int) -> int | None:
        """Drop buf[:keep], read the next chunk; how far offsets moved, or None at the end."""
        nonlocal buf, base
        chunk = stream.read(CHUNK)
        if not chunk:
            return None
        buf, base = buf[keep:] + chunk, base + keep
        return keep

    while True:
        nl = buf.find(b"\n", pos)
        while nl < 0 and (shift := refill(pos)) is not None:
            pos = 0
            nl = buf.find(b"\n")
        if nl < 0:
            nl = len(buf)
        separator, start = buf[pos:nl], nl + 1
        end = _HEADERS_END.search(buf, nl)
        while end is None and len(buf) - start <= HEADER_MAX:
            if (shift := refill(pos)) is None:
                break
            pos, start = 0, start - shift
            end = _HEADERS_END.search(buf, start - 1)
        stop = end.start() + 1 if end is not None else len(buf)
        number += 1
        yield _message(buf[start : min(stop, start + HEADER_MAX)], f"{name}, message {number}",
                       separator)  # fmt: skip
        body = stop - 1
        while (sep := _SEPARATOR.search(buf, body)) is None:
            keep = max(body, len(buf) - 8)  # a separator may straddle two chunks
            if refill(keep) is None:
                if progress is not None:
                    progress.advance(base + len(buf) - reported)
                return
            body = 0
        pos = sep.end() - 5
        if progress is not None:
            progress.advance(base + pos - reported)
            reported = base + pos


def read_maildir(path: Path, progress: Progress | None = None) -> Iterator[Message]:
    """Each message of a Maildir (cur/ and new/), in name order."""
    import mailbox

    box = mailbox.Maildir(path, factory=None, create=False)
    keys = sorted(box.keys())
    if progress is not None:
        progress.start(len(keys))
    for key in keys:
        try:
            with box.get_file(key) as f:
                block = _header_block(f)
        except OSError:  # removed while read (a mail client moving it): nothing to capture
            continue
        yield _message(block, f"{path.name}/{key}", None)
        if progress is not None:
            progress.advance(1)


def _header_block(f: BinaryIO) -> bytes:
    lines, size = [], 0
    for line in f:
        if line in (b"\n", b"\r\n") or size >= HEADER_MAX:
            break
        lines.append(line)
        size += len(line)
    return b"".join(lines)


def _message(block: bytes, where: str, separator: bytes | None) -> Message:
    h = _headers(block)
    sender = addresses(h.get("from", ""))
    refs = _ID.findall(h.get("references", ""))
    parent = _ID.findall(h.get("in-reply-to", ""))
    own = _ID.findall(h.get("message-id", ""))
    return Message(
        where=where,
        message_id=own[0] if own else None,
        thread_root=refs[0] if refs else parent[0] if parent else None,
        date=_date(h.get("date"), separator),
        sender=sender[0] if sender else None,
        to=", ".join(h[k] for k in ("to", "cc", "bcc") if k in h),
        subject=h.get("subject", ""),
        bulk=_bulk(h, sender[0][1] if sender else ""),
    )


def _headers(block: bytes) -> dict[str, str]:
    """The wanted headers, unfolded; To, Cc and Bcc given more than once are joined."""
    out: dict[str, str] = {}
    name = None
    for raw in block.splitlines():
        if raw[:1] in (b" ", b"\t"):
            if name is not None:
                out[name] += " " + _text(raw).strip()
            continue
        key, colon, value = raw.partition(b":")
        if not colon:
            name = None
            continue
        k = key.strip().decode("ascii", "replace").lower()
        if k not in WANTED:
            name = None
            continue
        v = _text(value).strip()
        if k in out:
            if k in ("to", "cc", "bcc"):
                out[k] += ", " + v
                name = k
            else:
                name = None  # the first of a repeated header counts
            continue
        out[k], name = v, k
    return out


def _text(raw: bytes) -> str:
    """Header bytes as text: UTF-8 (RFC 6532), else Latin-1 (8-bit headers of old mailers)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def addresses(value: str) -> list[tuple[str, str]]:
    """The (name, address in lower case) pairs of an address header. The plain forms
    (`a@b`, `Name <a@b>`) are read here; quoted names, comments and groups by `email.utils`,
    which takes ~50 µs a header. Equal texts are interned: a mailbox names the same people
    again and again."""
    if not value:
        return []
    if _TRICKY.search(value) is None:
        pairs = []
        for part in value.split(","):
            m = _PLAIN.match(part)
            if m is None:
                break
            pairs.append((m.group(1) or "", m.group(2) or m.group(3)))
        else:
            return _kept(pairs)
    from email.utils import getaddresses

    return _kept(getaddresses([value]))


def _kept(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    out = []
    for name, address in pairs:
        a = address.strip().lower()
        if "@" in a and " " not in a:
            out.append((sys.intern(name), sys.intern(a)))
    return out


def _date(value: str | None, separator: bytes | None) -> datetime | None:
    """The Date header; else the date of the mbox `From ` line (mail with no Date header)."""
    from email.utils import parsedate_to_datetime

    if value:
        try:
            return parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            pass
    if separator:
        # "From sender@example.org Mon Mar  2 10:00:00 2026": asctime, in UTC by convention.
        parts = separator.decode("ascii", "replace").split()
        if len(parts) >= 7:
            try:
                when = datetime.strptime(" ".join(parts[-5:]), "%a %b %d %H:%M:%S %Y")
            except ValueError:
                return None
            from datetime import UTC

            return when.replace(tzinfo=UTC)
    return None


def _bulk(h: dict[str, str], sender: str) -> str | None:
    if "list-id" in h:
        return "mailing list"
    precedence = h.get("precedence", "").strip().lower()
    if precedence in ("bulk", "list", "junk"):
        return f"bulk mail (Precedence: {precedence})"
    auto = h.get("auto-submitted", "").strip().lower()
    if auto and auto != "no" or "x-autoreply" in h or "x-autorespond" in h:
        return "automatic reply"
    if _NO_REPLY.match(sender):
        return "no-reply sender"
    if "list-unsubscribe" in h:
        return "mailing list"
    return None


def subject_text(raw: str) -> str:
    """A Subject header's text: encoded words (=?utf-8?q?…?=) decoded."""
    if "=?" not in raw:
        return raw
    from email import policy

    try:
        return str(policy.default.header_factory("subject", raw))
    except Exception:  # a malformed encoded word: the raw text is still the subject
        return raw


def display_name(raw: str) -> str:
    """A display name from an address header, encoded words decoded."""
    return subject_text(raw).strip().strip('"').strip()
