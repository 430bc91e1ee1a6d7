"""bench/generate.py's stores for tests: the generator loaded once, as a module."""

from __future__ import annotations

import importlib.util
import sys
from datetime import date
from pathlib import Path
from types import ModuleType

_GENERATE = Path(__file__).resolve().parents[1] / "bench" / "generate.py"


def generator() -> ModuleType:
    """bench/generate.py as the module `bench_generate` (loaded on first use)."""
    if "bench_generate" in sys.modules:
        return sys.modules["bench_generate"]
    spec = importlib.util.spec_from_file_location("bench_generate", _GENERATE)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[spec.name] = module  # type: ignore[union-attr]  # its dataclasses look it up
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def build(path: Path, contacts: int, interactions: int, seed: int, today: date | str) -> Path:
    """A store at `path` as `generate.py --contacts … --interactions … --seed …` builds it."""
    generator().build(path, contacts, interactions, seed, today)
    return path
