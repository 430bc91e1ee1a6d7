"""Small helpers shared by the domain services."""

from __future__ import annotations

import uuid as _uuid
from datetime import date

from srm.store.migrations import now_utc

__all__ = ["new_uuid", "now_utc", "iso", "to_date"]


def new_uuid() -> str:
    return str(_uuid.uuid4())


def iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def to_date(s: str | None) -> date | None:
    return date.fromisoformat(s) if s else None
