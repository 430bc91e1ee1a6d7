"""Small helpers shared by the domain services."""

from __future__ import annotations

import uuid as _uuid
from datetime import date

from srm.store.migrations import now_utc

__all__ = ["MAX_ID", "parse_id", "new_uuid", "now_utc", "iso", "to_date"]

MAX_ID = 2**63 - 1  # SQLite's largest integer: no row id is above it


def parse_id(text: str) -> int | None:
    """The record id a text names (ASCII digits, 1 to MAX_ID), or None if it can't be one."""
    s = text.strip()
    if not (s.isascii() and s.isdigit()) or len(s) > len(str(MAX_ID)):
        return None
    value = int(s)
    return value if 1 <= value <= MAX_ID else None


def new_uuid() -> str:
    return str(_uuid.uuid4())


def iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def to_date(s: str | None) -> date | None:
    return date.fromisoformat(s) if s else None
