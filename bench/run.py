"""Time srm commands as whole processes on the benchmark stores; print a markdown table.

    .venv/bin/python bench/run.py                 # all cases, 7 rounds
    .venv/bin/python bench/run.py --runs 11 --peer

Each case runs once to warm up, then the cases run in turn, round after round (A B C A B C …)
so a slow spell on the machine hits every case alike; the table shows medians. Missing data
files are generated first. `srm report` and `srm import` are timed when this srm has them.
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from generate import DATA, DEFAULT_TODAY

BENCH = Path(__file__).resolve().parent
PEER_BENCH = BENCH.parent.parent / "shared" / "tools" / "peer-bench"
SMALL = DATA / "10k-100k.db"  # 10k contacts, 100k interactions
LARGE = DATA / "10k-1m.db"  # 10k contacts, 1M interactions
VCARDS = DATA / "10k.vcf"
MIB = 1024 * 1024
SERVER_RATIO = 1.3  # team mode: at most this much slower than the file, in the same run


@dataclass
class Case:
    command: str  # as shown in the table
    store: str
    args: Callable[[], list[str]]  # built per run: some runs need a fresh file
    target_ms: float | None
    times: list[float] = field(default_factory=list)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times) * 1000


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=7, help="timed rounds per case (7)")
    ap.add_argument("--today", default=DEFAULT_TODAY, help="SRM_TODAY (the generator's today)")
    ap.add_argument("--peer", action="store_true", help="also run peer-bench (Taskwarrior)")
    ap.add_argument(
        "--no-pyc", action="store_true", help="no bytecode cache: compile srm on every run"
    )
    ap.add_argument(
        "--pg",
        metavar="URL",
        help="also time `srm due` and `srm log` on this PostgreSQL server (a role that may"
        " create databases, e.g. postgresql://postgres@/postgres?host=/tmp/pg); the 1M store"
        " is copied there once (srm db copy)",
    )
    a = ap.parse_args(argv)
    srm = srm_command()
    with tempfile.TemporaryDirectory(prefix="srm-bench-") as tmp:
        work = Path(tmp)
        env = bench_env(work, a.today, pyc=not a.no_pyc)
        ensure_data()
        cases = build_cases(srm, work, env, a.today)
        if a.pg:
            cases += server_cases(srm, env, a.pg, a.today)
        time_cases(srm, cases, env, a.runs)
        print(markdown(cases, a.runs, pyc=not a.no_pyc))
        print()
        print(memory_table(srm, env))
        if a.peer:
            print()
            print(peer(srm, env, a.runs))


def srm_command() -> list[str]:
    """The `srm` console script beside this interpreter (the venv's), as users run it."""
    script = Path(sys.executable).with_name("srm")
    found = str(script) if script.exists() else shutil.which("srm")
    if not found:
        sys.exit("srm is not installed: run `pip install -e .` in the venv first")
    return [found]


def bench_env(work: Path, today: str, pyc: bool) -> dict[str, str]:
    """Pinned today, an empty config, no colours, a fixed width: the same run on any machine.

    With `pyc`, compiled bytecode is cached (in the temp folder, not the source tree) as it is
    for anyone who installed srm with pip; without it every run compiles srm from source.
    """
    config = work / "config.toml"
    config.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SRM_")}
    env.update(SRM_TODAY=today, SRM_CONFIG=str(config), NO_COLOR="1", COLUMNS="120")
    if pyc:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def ensure_data() -> None:
    jobs = [
        (SMALL, ["generate.py", "--interactions", "100000", "--out", str(SMALL)]),
        (LARGE, ["generate.py", "--interactions", "1000000", "--out", str(LARGE)]),
        (VCARDS, ["generate_vcards.py", "--out", str(VCARDS)]),
    ]
    for path, cmd in jobs:
        if not path.exists():
            print(f"generating {path.name} …", file=sys.stderr)
            subprocess.run(
                [sys.executable, str(BENCH / cmd[0]), *cmd[1:]], check=True, stdout=sys.stderr
            )


def has_command(srm: list[str], name: str, env: dict[str, str]) -> bool:
    return run_quiet([*srm, name, "--help"], env).returncode == 0


def busiest_contact(db: Path) -> str:
    """The active contact with the longest history: the worst case for `srm log`."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    row = conn.execute(
        "SELECT c.handle FROM contact c WHERE c.archived_at IS NULL ORDER BY"
        " (SELECT count(*) FROM interaction_contact ic WHERE ic.contact_id = c.id) DESC, c.id"
        " LIMIT 1"
    ).fetchone()
    conn.close()
    return row[0]


def build_cases(srm: list[str], work: Path, env: dict[str, str], today: str) -> list[Case]:
    # `srm log` writes: it gets a copy, so the benchmark stores stay as generated.
    log_db = work / "log.db"
    shutil.copyfile(LARGE, log_db)
    who = busiest_contact(LARGE)
    cases = [Case("srm --help", "—", lambda: ["--help"], 150)]
    for label, db in (("100k", SMALL), ("1M", LARGE)):
        cases.append(Case("srm due", label, lambda db=db: ["--db", str(db), "due"], 250))
    for label, db in (("100k", SMALL), ("1M", LARGE)):
        args = ["--db", str(db), "due", "--json"]
        cases.append(Case("srm due --json", label, lambda args=args: args, 250))
    log_args = ["--db", str(log_db), "log", who, "bench", "--on", today]
    cases.append(Case(f"srm log {who} …", "1M", lambda: log_args, 200))
    if has_command(srm, "report", env):
        for label, db in (("100k", SMALL), ("1M", LARGE)):
            args = ["--db", str(db), "report", "--period", "2026Q3"]
            cases.append(Case("srm report --period 2026Q3", label, lambda args=args: args, 1000))
    if has_command(srm, "import", env):
        fresh = (work / f"import-{n}.db" for n in itertools.count())
        cases.append(
            Case(
                "srm import 10k vCards",
                "empty",
                lambda: ["--db", str(next(fresh)), "import", str(VCARDS)],
                10_000,
            )
        )
    return cases


def server_cases(srm: list[str], env: dict[str, str], url: str, today: str) -> list[Case]:
    """`srm due` and `srm log` on the 1M store copied to a PostgreSQL server (loopback or a
    unix socket), beside the same commands on the file: team mode's cost."""
    import psycopg2

    admin = psycopg2.connect(url)
    admin.autocommit = True
    cur = admin.cursor()

    def database(name: str) -> str:
        from urllib.parse import urlsplit, urlunsplit

        return urlunsplit(urlsplit(url)._replace(path="/" + name))

    cur.execute("SELECT 1 FROM pg_database WHERE datname = 'srm_bench_1m'")
    if cur.fetchone() is None:
        print("copying the 1M store to the server (once)…", file=sys.stderr)
        cur.execute("CREATE DATABASE srm_bench_1m")
        copy = [*srm, "--db", str(LARGE), "db", "copy", "--to", database("srm_bench_1m")]
        p = subprocess.run(copy, env=env, stdin=subprocess.DEVNULL, capture_output=True)
        if p.returncode != 0:
            cur.execute("DROP DATABASE srm_bench_1m")
            sys.exit(f"srm db copy failed: {p.stderr.decode()[-500:]}")
    # `srm log` writes: into a copy, as on the file.
    cur.execute("DROP DATABASE IF EXISTS srm_bench_log")
    cur.execute("CREATE DATABASE srm_bench_log TEMPLATE srm_bench_1m")
    admin.close()
    who = busiest_contact(LARGE)
    due = ["--db", database("srm_bench_1m"), "due"]
    log = ["--db", database("srm_bench_log"), "log", who, "bench", "--on", today]
    return [
        Case("srm due", "1M, PostgreSQL", lambda: due, None),
        Case(f"srm log {who} …", "1M, PostgreSQL", lambda: log, None),
    ]


def run_quiet(cmd: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def time_once(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    p = run_quiet(cmd, env)
    took = time.perf_counter() - start
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} exited {p.returncode}: {p.stderr.decode()[-500:]}")
    return took


def time_cases(srm: list[str], cases: list[Case], env: dict[str, str], runs: int) -> None:
    for c in cases:  # warm-up: OS page cache, .pyc files
        time_once([*srm, *c.args()], env)
    for n in range(runs):
        print(f"round {n + 1}/{runs}", file=sys.stderr)
        for c in cases:
            c.times.append(time_once([*srm, *c.args()], env))


def markdown(cases: list[Case], runs: int, pyc: bool) -> str:
    cache = "bytecode cached" if pyc else "no bytecode cache"
    lines = [
        f"Medians of {runs} runs after a warm-up ({cache}); times in ms.",
        "",
        "| command | store | median | min | max | target | met |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for c in cases:
        target = f"≤ {c.target_ms:.0f}" if c.target_ms else "—"
        met = "—" if c.target_ms is None else "yes" if c.median_ms <= c.target_ms else "**no**"
        lines.append(
            f"| `{c.command}` | {c.store} | {c.median_ms:.0f} | {min(c.times) * 1000:.0f}"
            f" | {max(c.times) * 1000:.0f} | {target} | {met} |"
        )
    by = {(c.command, c.store): c for c in cases}
    for command in ("srm due", "srm due --json", "srm report --period 2026Q3"):
        if (command, "1M") in by:
            ratio = by[command, "1M"].median_ms / by[command, "100k"].median_ms
            lines.append("")
            lines.append(f"`{command}` 1M / 100k interactions: {ratio:.2f}×")
    for c in cases:
        if c.store == "1M, PostgreSQL":
            ratio = c.median_ms / by[c.command, "1M"].median_ms
            met = "yes" if ratio <= SERVER_RATIO else "**no**"
            lines.append("")
            lines.append(
                f"`{c.command}` PostgreSQL / SQLite, same run: {ratio:.2f}×"
                f" (target ≤ {SERVER_RATIO}×: {met})"
            )
    return "\n".join(lines)


def peak_rss_mib(cmd: list[str], env: dict[str, str]) -> float:
    """Peak resident memory from GNU time (`apt-get install time` if /usr/bin/time is missing)."""
    if not Path("/usr/bin/time").exists():
        sys.exit("/usr/bin/time is missing: apt-get install time")
    p = subprocess.run(
        ["/usr/bin/time", "-v", *cmd], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr.decode())
    if p.returncode != 0 or not m:
        sys.exit(f"{' '.join(cmd)} failed under /usr/bin/time: {p.stderr.decode()[-500:]}")
    return int(m.group(1)) * 1024 / MIB


def memory_table(srm: list[str], env: dict[str, str]) -> str:
    lines = ["| command | store | peak RSS | target | met |", "|---|---|---:|---:|---|"]
    for args, label, target in (
        (["due"], "100k", None),
        (["due"], "1M", 80),
        (["due", "--json"], "1M", None),
    ):
        db = LARGE if label == "1M" else SMALL
        mib = peak_rss_mib([*srm, "--db", str(db), *args], env)
        met = "—" if target is None else "yes" if mib <= target else "**no**"
        shown = f"≤ {target} MiB" if target else "—"
        lines.append(f"| `srm {' '.join(args)}` | {label} | {mib:.1f} MiB | {shown} | {met} |")
    return "\n".join(lines)


def peer(srm: list[str], env: dict[str, str], runs: int) -> str:
    """Taskwarrior's `task next` / `task overdue` over 10k tasks, timed beside `srm due` at 1M."""
    if not PEER_BENCH.exists():
        return f"(peer-bench not found at {PEER_BENCH})"
    cmd = [str(PEER_BENCH), "--runs", str(runs), "--", *srm, "--db", str(LARGE), "due"]
    p = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if p.returncode != 0:
        return f"peer-bench failed ({p.returncode}): {p.stderr[-500:]}"
    return "```\n" + p.stdout.strip() + "\n```"


if __name__ == "__main__":
    main(sys.argv[1:])
