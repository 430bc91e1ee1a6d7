"""`srm report` prints, byte for byte, what it printed before it was made fast.

The report was rewritten for speed (figures of a past period from range scans of its own
interactions, the state only where it provably equals the history, no memory map). Its figures
must not move: the digests below are of the output of the implementation before the rewrite
(commit 868badd), run on the benchmark generator's store built from a fixed seed at a fixed
today, over periods of every kind, segments and trend lengths. tests/test_report_crosscheck.py
checks the figures themselves against a brute-force recount; this pins every byte of the
output, lists and their order included. A change to bench/generate.py that changes its store
changes the digests: recompute them with the implementation of 868badd, not with the new one.
"""

from __future__ import annotations

import hashlib
import importlib.util
import shlex
import sqlite3
import sys
from datetime import date
from pathlib import Path

import pytest

TODAY = "2026-11-24"
# Arguments of `srm report` → the first 16 hex digits of the SHA-256 of its output.
DIGESTS = {
    "--period 2026Q3 --json": "962907310802d990",
    "--period 2026Q4 --json": "1c8d098c17fb4c12",
    "--json": "1c8d098c17fb4c12",
    "--period 2026-10 --json": "c42ceffb632a05aa",
    "--period 2026-11 --json": "c6e98bf927ef5ade",
    "--period 2025 --json": "869c314de83cc399",
    "--period 2024Q1 --json": "3214f210c95907a8",
    "--period 2022Q1 --json": "05232ea17e57229a",
    "--last 90d --json": "3ff45e959a41021b",
    "--last 3w --json": "b27e6e294210220a",
    "--from 2026-01-15 --to 2026-05-31 --json": "6e70ac07804d49bc",
    "--from 2025-12-31 --json": "40b62f2ab4b41cab",
    "--period 2026Q2 --trend 8 --json": "ddd39a6e9cc31ec1",
    "--period 2026-09 --trend 2 --json": "c3cc58918aee6d84",
    "--segment customers --period 2026Q3 --json": "2331389ed5546737",
    "--segment partners --period 2026 --trend 5 --json": "b3d89aa87dfab481",
    "--segment employees --json": "e0774349173edb03",
    "--segment influencers --last 30d --json": "834f5321d35c630a",
    "--period 2026Q3 --format markdown": "b455bd8b006dd5a8",
    "--segment customers --format markdown": "b538461b43207a0b",
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """bench/generate.py's store: 300 contacts, 15,000 interactions, seed 7."""
    spec = importlib.util.spec_from_file_location(
        "bench_generate", Path(__file__).resolve().parents[1] / "bench" / "generate.py"
    )
    generate = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = generate  # its dataclasses look their module up
    spec.loader.exec_module(generate)  # type: ignore[union-attr]
    path = tmp_path_factory.mktemp("golden") / "store.db"
    generate.build(path, 300, 15_000, 7, date.fromisoformat(TODAY))
    return path


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def test_the_report_prints_what_it_printed_before(srm, generated, monkeypatch):
    monkeypatch.setenv("SRM_TODAY", TODAY)
    wrong = [
        args
        for args, digest in DIGESTS.items()
        if _digest(srm.ok("--db", str(generated), "report", *shlex.split(args)).stdout) != digest
    ]
    assert not wrong, f"srm report prints other bytes than before for: {wrong}"


def _mark_one_contact(db: Path, marked: bool) -> None:
    """A contact marked for recomputing: reads can't use the stored state, they walk."""
    conn = sqlite3.connect(db)
    with conn:
        if marked:
            conn.execute("INSERT OR IGNORE INTO contact_state_dirty (contact_id) VALUES (1)")
        else:
            conn.execute("DELETE FROM contact_state_dirty")
    conn.close()


def test_the_report_from_the_state_prints_what_the_history_walk_prints(srm, generated, monkeypatch):
    """Where the report reads the stored state (the period ending today), reading the history
    instead gives the same bytes."""
    monkeypatch.setenv("SRM_TODAY", TODAY)
    db = str(generated)
    for args in (["--json"], ["--last", "30d", "--json"], ["--segment", "customers", "--json"]):
        from_state = srm.ok("--db", db, "report", *args).stdout
        _mark_one_contact(generated, True)
        walked = srm.ok("--db", db, "report", *args).stdout
        _mark_one_contact(generated, False)
        assert from_state == walked, args
