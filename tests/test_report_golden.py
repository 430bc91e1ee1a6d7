"""`srm report` prints, byte for byte, what it printed before it was made fast.

The report was rewritten for speed (figures of a past period from range scans of its own
interactions, the state only where it provably equals the history, no memory map). Its figures
must not move: the digests below are of the output of the implementation before the rewrite
(commit a7ecc60, the team's --owner included), run on the benchmark generator's store built
from a fixed seed at a fixed today, over periods of every kind, segments and trend lengths. tests/test_report_crosscheck.py
checks the figures themselves against a brute-force recount; this pins every byte of the
output, lists and their order included. A change to bench/generate.py that changes its store
changes the digests: recompute them with the implementation of a7ecc60, not with the new one.
"""

from __future__ import annotations

import hashlib
import shlex
import sqlite3
from datetime import date
from pathlib import Path

import generated as generated_store
import pytest

TODAY = "2026-11-24"
# Arguments of `srm report` → the first 16 hex digits of the SHA-256 of its output.
DIGESTS = {
    "--period 2026Q3 --json": "e75c45ed69e09895",
    "--period 2026Q4 --json": "a832818b4a860cb0",
    "--json": "a832818b4a860cb0",
    "--period 2026-10 --json": "a544a76f5fcf8a68",
    "--period 2026-11 --json": "af1e09f599a5bc87",
    "--period 2025 --json": "82af37f6179e9664",
    "--period 2024Q1 --json": "675fbdc43544708d",
    "--period 2022Q1 --json": "20bbefead6a1a346",
    "--last 90d --json": "350c289c8d3a23b3",
    "--last 3w --json": "7d68cd74118a34d0",
    "--from 2026-01-15 --to 2026-05-31 --json": "a16c40f1419ee489",
    "--from 2025-12-31 --json": "fbfe7cc63c8ca249",
    "--period 2026Q2 --trend 8 --json": "e7a3e7d6c8942d39",
    "--period 2026-09 --trend 2 --json": "24a7864652c40df1",
    "--segment customers --period 2026Q3 --json": "b0faf69e5f2ebc45",
    "--segment partners --period 2026 --trend 5 --json": "491982c711e470ca",
    "--segment employees --json": "d20434c1e8fb4c30",
    "--segment influencers --last 30d --json": "eb0ccd30ddf1243a",
    "--period 2026Q3 --format markdown": "b455bd8b006dd5a8",
    "--segment customers --format markdown": "b538461b43207a0b",
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """bench/generate.py's store: 300 contacts, 15,000 interactions, seed 7."""
    path = tmp_path_factory.mktemp("golden") / "store.db"
    generated_store.build(path, 300, 15_000, 7, date.fromisoformat(TODAY))
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


def _mark_one_month(db: Path, marked: bool) -> None:
    """A (contact, month) marked for recomputing: the report can't use its kept figures
    (srm.domain.summary), it reads the periods' interactions and walks the due dates."""
    conn = sqlite3.connect(db)
    with conn:
        if marked:
            conn.execute("INSERT OR IGNORE INTO contact_month_dirty VALUES (1, '2026-01')")
        else:
            conn.execute("DELETE FROM contact_month_dirty")
    conn.close()


KEPT_OR_WALKED = [
    "--period 2026Q3 --json",  # whole months, the trend's too
    "--period 2026-11 --json",  # cut at today: a part of a month
    "--from 2026-01-15 --to 2026-05-31 --json",  # parts of months at both ends
    "--from 2026-02-03 --to 2026-02-20 --json",  # within one month
    "--last 90d --trend 6 --json",
    "--segment customers --period 2026Q3 --json",
    "--period 2025 --trend 3 --json",
]


def test_the_report_from_the_kept_figures_prints_what_the_history_prints(
    srm, generated, monkeypatch
):
    """Periods read from the kept daily and monthly figures print what reading each period's
    interactions and walking every due date prints, byte for byte."""
    monkeypatch.setenv("SRM_TODAY", TODAY)
    db = str(generated)
    for args in KEPT_OR_WALKED:
        kept = srm.ok("--db", db, "report", *shlex.split(args)).stdout
        _mark_one_month(generated, True)
        walked = srm.ok("--db", db, "report", *shlex.split(args)).stdout
        _mark_one_month(generated, False)
        assert kept == walked, args
