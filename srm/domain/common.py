"""Small helpers shared by the domain services."""

from __future__ import annotations

import uuid as _uuid
from datetime import date

from srm.store.migrations import now_utc

__all__ = ["new_uuid", "now_utc", "iso", "to_date", "plural"]


def new_uuid() -> str:
    return str(_uuid.uuid4())


def iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def to_date(s: str | None) -> date | None:
    return date.fromisoformat(s) if s else None


def plural(n: int, noun: str, nouns: str | None = None) -> str:
    """'1 ask', '0 asks', '2 follow-ups': a count with its noun in the right number."""
    return f"{n} {noun if n == 1 else nouns or noun + 's'}"
