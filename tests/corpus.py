"""Where the shared interop corpus is: $SRM_INTEROP, else ../shared/interop beside the repo."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CORPUS = Path(os.environ.get("SRM_INTEROP") or Path(__file__).parents[2] / "shared" / "interop")
# CI sets SRM_REQUIRE_INTEROP: there the corpus is checked out, and a test that skipped would
# hide that it isn't.
if not CORPUS.is_dir() and os.environ.get("SRM_REQUIRE_INTEROP"):
    raise RuntimeError(f"no interop corpus at {CORPUS} (set SRM_INTEROP)")
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"no interop corpus at {CORPUS}")


def corpus_files(*suffixes: str) -> list[str]:
    """The corpus's files with these suffixes, as paths relative to it."""
    if not CORPUS.is_dir():
        return []
    return sorted(str(p.relative_to(CORPUS)) for p in CORPUS.glob("*/*") if p.suffix in suffixes)
