"""Measure srm against its speed goals: every goal, side by side, in one interleaved run.

    .venv/bin/python bench/run.py                      # every goal, 7 rounds
    .venv/bin/python bench/run.py --runs 11 --only due,help
    .venv/bin/python bench/run.py --list               # the goals and the commands they time

Each round runs every command the chosen goals need once, in turn (A B C … A B C …), after one
warm-up round, so a slow spell on a shared machine hits a goal's two commands alike. A goal is a
ratio of two commands measured in the same round (the median of the per-round ratios is shown,
with their spread), or an absolute limit (the median over rounds). Wall and CPU time (user +
system) of each process come from `wait4`; peak RSS from GNU time (`/usr/bin/time`), only for
the commands a memory goal names. Missing or stale stores are generated
first; Taskwarrior's store and install come from ../shared/tools/peer-bench.

    .venv/bin/python bench/run.py --only pg --pg 'postgresql://postgres@/postgres?host=/tmp/pg'

`--pg URL` adds the team-mode goals: the same commands on a PostgreSQL server (a role that may
create databases), on a copy of the generated store made there once by `srm db copy`.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.machinery
import importlib.util
import os
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from generate import DATA, DEFAULT_TODAY

BENCH = Path(__file__).resolve().parent
PEER_TASKS = 10_000
MIB = 1024 * 1024


@dataclass(frozen=True)
class Goal:
    """One row of the goal table.

    `command` and `versus` are command lines; `{name:arg}` fields are filled in by
    `Bench.field` (a store's path, a scratch copy, the busiest contact …). With `versus`, the
    goal is the ratio command ÷ versus in the same round; without it, `limit` is in seconds
    (wall, cpu) or MiB (rss). A `limit` of None makes the row a reference, not a goal: a floor
    measured in the same rounds (what `python -c "import typer"` alone costs, beside `srm
    log`).
    """

    key: str  # for --only
    name: str  # as in the table
    command: str
    versus: str | None
    metric: str  # wall | cpu | rss
    limit: float | None


# Adding a goal is adding a row; a new kind of field (a PostgreSQL server, a capture inbox) is a
# branch in Bench.field.
GOALS = [
    Goal("peer", "`srm due` ÷ `task overdue` (10k tasks)", "srm --db {store:1M} due",
         "task overdue", "wall", 0.67),
    Goal("scale", "`srm due` 100k/10M ÷ 10k/1M", "srm --db {store:10M} due",
         "srm --db {store:1M} due", "wall", 2),
    Goal("help", "`srm --help` ÷ `python -c pass` (CPU)", "srm --help", "python -c pass",
         "cpu", 3.5),
    Goal("log", "`srm log` ÷ `python -c pass`",
         "srm --db {copy:1M} log {busiest:1M} bench --on {today}", "python -c pass", "wall", 3),
    # The floor under it: Python with typer (srm's CLI framework) imported, and nothing else.
    Goal("log", "reference: `python -c 'import typer'` ÷ `python -c pass`",
         "python -c 'import typer'", "python -c pass", "wall", None),
    # And what typer, sqlite3 and one durable insert alone cost (bench/log_floor.py).
    Goal("log", "reference: typer + one durable insert (`log_floor.py`) ÷ `python -c pass`",
         "python {bench:log_floor.py} {copy:1M} {busiest:1M}", "python -c pass", "wall", None),
    Goal("due-all", "`srm due --all` ÷ `srm due`", "srm --db {store:1M} due --all",
         "srm --db {store:1M} due", "wall", 2),
    Goal("show-all", "`srm show C --all` (busiest) ÷ `srm due`",
         "srm --db {store:1M} show {busiest:1M} --all", "srm --db {store:1M} due", "wall", 2),
    Goal("contacts", "`srm contacts` ÷ `srm due`", "srm --db {store:1M} contacts",
         "srm --db {store:1M} due", "wall", 2),
    Goal("contacts", "`srm contacts --json` ÷ `srm due`", "srm --db {store:1M} contacts --json",
         "srm --db {store:1M} due", "wall", 2),
    Goal("contacts", "`srm contacts` 1M ÷ 100k", "srm --db {store:1M} contacts",
         "srm --db {store:100k} contacts", "wall", 1.2),
    Goal("contacts", "`srm contacts --json` 1M ÷ 100k", "srm --db {store:1M} contacts --json",
         "srm --db {store:100k} contacts --json", "wall", 1.2),
    Goal("report", "`srm report` (quarter, 1M) ÷ `python -c pass`",
         "srm --db {store:1M} report --period 2026Q3", "python -c pass", "wall", 20),
    Goal("report", "`srm report` 100k/10M ÷ 10k/1M", "srm --db {store:10M} report --period 2026Q3",
         "srm --db {store:1M} report --period 2026Q3", "wall", 3),
    Goal("rss", "peak RSS of `srm report` at 1M (MiB)",
         "srm --db {store:1M} report --period 2026Q3", None, "rss", 64),
    Goal("rss", "peak RSS of `srm report` at 10M (MiB)",
         "srm --db {store:10M} report --period 2026Q3", None, "rss", 128),
    Goal("export", "`srm export --format json` of 1M (s)",
         "srm --db {store:1M} export --format json --output {scratch:export.json}", None, "wall",
         5),
    Goal("import", "`srm import` of 10k vCards into a new store (s)",
         "srm --db {scratch:import.db} import {vcards:10k}", None, "wall", 10),
    # Team mode (with --pg URL): the same store on a PostgreSQL server, against the file.
    Goal("pg", "`srm due` on PostgreSQL ÷ on SQLite (1M)", "srm --db {pg:1M} due",
         "srm --db {store:1M} due", "wall", 1.3),
    Goal("pg", "`srm log` on PostgreSQL ÷ on SQLite (1M)",
         "srm --db {pgcopy:1M} log {busiest:1M} bench --on {today}",
         "srm --db {copy:1M} log {busiest:1M} bench --on {today}", "wall", 1.3),
]  # fmt: skip

# The stores: (contacts, interactions), built by generate.py.
STORES = {"100k": (10_000, 100_000), "1M": (10_000, 1_000_000), "10M": (100_000, 10_000_000)}


@dataclass
class Sample:
    wall: float  # seconds
    cpu: float  # seconds, user + system
    rss: float | None  # MiB, when measured


@dataclass
class Command:
    line: str  # as written in GOALS
    argv: list[str]
    env: dict[str, str]
    after: Callable[[], None] = lambda: None  # clean up after each run
    rss_file: Path | None = None  # where GNU time writes the peak RSS, when measured
    samples: list[Sample] = field(default_factory=list)

    def median(self, metric: str) -> float | None:
        values = [getattr(s, metric) for s in self.samples]
        return None if None in values else statistics.median(values)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=7, help="timed rounds (7)")
    ap.add_argument("--only", help="comma-separated goal keys (see --list); default all")
    ap.add_argument("--list", action="store_true", help="print the goals and exit")
    ap.add_argument("--today", default=DEFAULT_TODAY, help="SRM_TODAY (the generator's today)")
    ap.add_argument(
        "--no-pyc", action="store_true", help="no bytecode cache: compile srm on every run"
    )
    ap.add_argument(
        "--pg",
        metavar="URL",
        help="a PostgreSQL server for the team-mode goals (a role that may create databases,"
        " e.g. postgresql://postgres@/postgres?host=/tmp/pg); without it they are left out",
    )
    a = ap.parse_args(argv)
    goals = GOALS if a.pg or a.list else [g for g in GOALS if "{pg" not in g.command]
    if a.only:
        keys = set(a.only.split(","))
        unknown = keys - {g.key for g in GOALS}
        if unknown:
            ap.error(f"unknown goal keys {sorted(unknown)}; see --list")
        goals = [g for g in goals if g.key in keys]
        if not goals:
            ap.error("the pg goals need --pg URL")
    if a.list:
        for g in goals:
            versus = f"  ÷  {g.versus}" if g.versus else ""
            limit = "reference" if g.limit is None else f"{g.metric} ≤ {g.limit}"
            print(f"{g.key:9s} {g.name}\n{'':9s}   {g.command}{versus}  [{limit}]")
        return
    with tempfile.TemporaryDirectory(prefix="srm-bench-") as tmp:
        bench = Bench(Path(tmp), a.today, pyc=not a.no_pyc, server=a.pg)
        lines = dict.fromkeys(x for g in goals for x in (g.command, g.versus) if x)
        rss = {g.command for g in goals if g.metric == "rss"}
        commands = {line: bench.command(line, rss=line in rss) for line in lines}
        load_before = os.getloadavg()
        run_rounds(list(commands.values()), a.runs)
        print(report(goals, commands, a.runs, bench, load_before))


class Bench:
    """Fills in the fields of command lines: stores, copies, contacts, scratch files."""

    def __init__(self, work: Path, today: str, pyc: bool, server: str | None = None):
        self.work = work
        self.server = server
        self.today = today
        self.pyc = pyc
        self.env = bench_env(work, today, pyc)
        self.srm = srm_command()
        self.rss_files: list[Path] = []

    def command(self, line: str, rss: bool = False) -> Command:
        after: list[Callable[[], None]] = []
        argv = [self.field(w[1:-1], after) if w[:1] == "{" else w for w in shlex.split(line)]
        env = self.env
        if argv[0] == "srm":
            argv[:1] = self.srm
        elif argv[0] == "python":
            argv[0] = sys.executable
        elif argv[0] == "task":
            env = {**self.env, "TASKRC": taskwarrior_rc()}
        rss_file = None
        if rss:
            # Not wait4's ru_maxrss: a child spawned from this process inherits this process's
            # own peak at exec. GNU time's child starts from GNU time's few hundred kB.
            if not Path("/usr/bin/time").exists():
                sys.exit("/usr/bin/time is missing: apt-get install time")
            rss_file = self.work / f"rss-{len(self.rss_files)}"
            self.rss_files.append(rss_file)
            argv = ["/usr/bin/time", "-f", "%M", "-o", str(rss_file), *argv]
        return Command(line, argv, env, lambda: [f() for f in after], rss_file)

    def field(self, spec: str, after: list[Callable[[], None]]) -> str:
        name, _, arg = spec.partition(":")
        if name == "store":
            return str(ensure_store(arg))
        if name == "copy":  # for commands that write: the generated stores stay as generated
            return str(self.copy(arg))
        if name == "busiest":
            return busiest_contact(ensure_store(arg))
        if name == "today":
            return self.today
        if name == "bench":  # a script beside this one
            return str(BENCH / arg)
        if name == "scratch":  # a file the command makes, removed after each run
            path = self.work / arg
            after += [lambda p=p: p.unlink(missing_ok=True) for p in scratch_files(path)]
            return str(path)
        if name == "vcards":
            return str(ensure_vcards(arg))
        if name == "pg":  # the store copied to the server, once per generated store
            return self.on_server(arg)
        if name == "pgcopy":  # for commands that write, as `copy`
            return self.on_server(arg, scratch=True)
        raise ValueError(f"unknown field {{{spec}}}")

    @cache  # noqa: B019 (one Bench per run)
    def on_server(self, label: str, scratch: bool = False) -> str:
        """The URL of a database on --pg's server holding store `label`: copied there by
        `srm db copy` when missing or built from another store (the fingerprint is the
        database's comment); `scratch`, a copy of that made for this run."""
        from urllib.parse import urlsplit, urlunsplit

        import psycopg2

        if self.server is None:
            sys.exit("the pg goals need --pg URL")
        kept = f"srm_bench_{label.lower()}"
        path = ensure_store(label)
        want = path.with_name(path.name + ".built").read_text().strip()
        admin = psycopg2.connect(self.server)
        admin.autocommit = True
        cur = admin.cursor()

        def url(name: str) -> str:
            return urlunsplit(urlsplit(self.server)._replace(path="/" + name))

        cur.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            (kept,),
        )
        row = cur.fetchone()
        if row is None or row[0] != want:
            print(f"copying {path.name} to the server …", file=sys.stderr)
            cur.execute(f'DROP DATABASE IF EXISTS "{kept}" WITH (FORCE)')
            cur.execute(f'CREATE DATABASE "{kept}"')
            copy = [*self.srm, "--db", str(path), "db", "copy", "--to", url(kept)]
            subprocess.run(copy, env=self.env, stdin=subprocess.DEVNULL, check=True)
            cur.execute(f"COMMENT ON DATABASE \"{kept}\" IS '{want}'")
        name = kept
        if scratch:
            name = f"{kept}_scratch"
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cur.execute(f'CREATE DATABASE "{name}" TEMPLATE "{kept}"')
        admin.close()
        return url(name)

    @cache  # noqa: B019 (one Bench per run)
    def copy(self, label: str) -> Path:
        path = self.work / f"copy-{label}.db"
        shutil.copyfile(ensure_store(label), path)
        return path


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


def fingerprint(contacts: int, interactions: int) -> str:
    """What a store was built from: the generator, the schema an empty store gets (tables,
    indexes, triggers, its first rows), the code that computes the derived state and handles,
    and the size. Not srm/store's other code: a change to the PostgreSQL adapter or to backups
    leaves the stores as they are (the 10M one takes minutes to build)."""
    import inspect
    import tempfile

    from srm import cadence, config
    from srm.domain import contacts as dc  # not `contacts`: that is the size asked for
    from srm.domain import schedule, state, summary
    from srm.store.db import Store

    h = hashlib.sha256(f"{contacts}/{interactions}".encode())
    h.update((BENCH / "generate.py").read_bytes())
    for module in (state, summary, schedule, cadence, config):
        h.update(inspect.getsource(module).encode())
    for function in (dc.handle_candidates, dc.slug):
        h.update(inspect.getsource(function).encode())
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder) / "empty.db")
        try:
            for row in store.conn.execute(
                "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
            ):
                h.update(repr(tuple(row)).encode())
            for (table,) in store.conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " AND name NOT IN ('schema_migration', 'undo_command', 'undo_change')"
                " AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name"
            ):
                if table.startswith("search_index_"):
                    continue  # the FTS5 index's shadow tables
                cur = store.conn.execute(f'SELECT * FROM "{table}" ORDER BY 1')
                names = [d[0] for d in cur.description]
                for row in cur:
                    kept = [
                        (k, v)
                        for k, v in zip(names, row, strict=True)
                        if k not in ("created_at", "updated_at")
                    ]
                    h.update(repr(kept).encode())
        finally:
            store.close()
    return h.hexdigest()[:16]


@cache
def ensure_store(label: str) -> Path:
    """The store for `label`, (re)generated when missing or built by another generator/schema."""
    contacts, interactions = STORES[label]
    from generate import size_label

    path = DATA / f"{size_label(contacts)}-{size_label(interactions)}.db"
    stamp = path.with_name(path.name + ".built")
    want = fingerprint(contacts, interactions)
    if path.exists() and stamp.exists() and stamp.read_text().strip() == want:
        return path
    print(f"generating {path.name} …", file=sys.stderr)
    stamp.unlink(missing_ok=True)
    cmd = [sys.executable, str(BENCH / "generate.py"), "--contacts", str(contacts)]
    cmd += ["--interactions", str(interactions), "--out", str(path)]
    subprocess.run(cmd, check=True, stdout=sys.stderr)
    stamp.write_text(want + "\n")
    return path


def scratch_files(path: Path) -> list[Path]:
    """A scratch file and what SQLite may leave beside it."""
    return [path, *(path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal"))]


@cache
def ensure_vcards(label: str) -> Path:
    """bench/data/<label>.vcf, generated when missing (generate_vcards.py)."""
    path = DATA / f"{label}.vcf"
    if not path.exists():
        cards = {"10k": 10_000}[label]
        print(f"generating {path.name} …", file=sys.stderr)
        cmd = [sys.executable, str(BENCH / "generate_vcards.py"), "--cards", str(cards)]
        subprocess.run([*cmd, "--out", str(path)], check=True, stdout=sys.stderr)
    return path


@cache
def busiest_contact(db: Path) -> str:
    """The active contact with the longest history: the worst case for `log` and `show`."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    row = conn.execute(
        "SELECT c.handle FROM contact c JOIN interaction_contact ic ON ic.contact_id = c.id"
        " WHERE c.archived_at IS NULL GROUP BY c.id ORDER BY count(*) DESC, c.id LIMIT 1"
    ).fetchone()
    conn.close()
    return row[0]


@cache
def taskwarrior_rc() -> str:
    """Taskwarrior installed and its 10k-task store built, both by peer-bench's own code.

    peer-bench lives in `shared/tools/` beside the repository (../shared from a checkout).
    """
    found = [p / "shared/tools/peer-bench" for p in BENCH.parents]
    path = next((p for p in found if p.exists()), None)
    if path is None:
        sys.exit("shared/tools/peer-bench not found above the repository")
    loader = importlib.machinery.SourceFileLoader("peer_bench", str(path))
    peer = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
    loader.exec_module(peer)
    peer.ensure_task()
    return peer.ensure_store(PEER_TASKS)


def run_once(c: Command) -> Sample:
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        p = subprocess.Popen(
            c.argv, env=c.env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors
        )
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - start
        p.returncode = code = os.waitstatus_to_exitcode(status)
        c.after()
        if code != 0:
            errors.seek(0)
            tail = errors.read()[-800:].decode(errors="replace")
            sys.exit(f"{shlex.join(c.argv)} exited {code}:\n{tail}")
    rss = int(c.rss_file.read_text().split()[-1]) * 1024 / MIB if c.rss_file else None
    return Sample(wall, usage.ru_utime + usage.ru_stime, rss)


def run_rounds(commands: list[Command], runs: int) -> None:
    for c in commands:  # warm-up: the OS page cache, bytecode
        run_once(c)
    for n in range(runs):
        print(f"round {n + 1}/{runs}", file=sys.stderr)
        for c in commands:
            c.samples.append(run_once(c))


UNITS = {"wall": "s", "cpu": "s CPU", "rss": "MiB"}


def report(
    goals: list[Goal], commands: dict[str, Command], runs: int, bench: Bench, load: tuple
) -> str:
    """The goal table, then each command's medians. Beside a goal on wall time, its CPU time
    (the ratio of CPU times, or the seconds): on a loaded machine, waiting for a core inflates
    wall time, not CPU time."""
    commit = git_commit()
    cache_note = "bytecode cached" if bench.pyc else "no bytecode cache"
    lines = [
        f"commit {commit}, {runs} interleaved rounds after a warm-up ({cache_note}); load"
        f" average {load[0]:.1f} before, {os.getloadavg()[0]:.1f} after",
        "",
        "| goal | metric | median | rounds (min–max) | CPU | goal | met |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    met_all = True
    for g in goals:
        a = commands[g.command]
        cpu = ""
        if g.versus:
            b = commands[g.versus]
            values = ratios(a, b, g.metric)
            fmt = "{:.2f}"
            if g.metric == "wall":
                cpu = f"{statistics.median(ratios(a, b, 'cpu')):.2f}"
        else:
            values = [getattr(x, g.metric) for x in a.samples]
            fmt = "{:.1f}"
            if g.metric == "wall":
                cpu = f"{a.median('cpu'):.1f}"
        value = statistics.median(values)
        spread = f"{fmt.format(min(values))}–{fmt.format(max(values))}"
        if g.limit is None:  # a reference row
            lines.append(
                f"| {g.name} | {g.metric} | {fmt.format(value)} | {spread} | {cpu} | — | — |"
            )
            continue
        met = value <= g.limit
        met_all &= met
        lines.append(
            f"| {g.name} | {g.metric} | {fmt.format(value)} | {spread} | {cpu} | ≤ {g.limit:g}"
            f" | {'yes' if met else '**no**'} |"
        )
    lines += [
        "",
        f"Every goal met: {'yes' if met_all else 'no'}.",
        "",
        "| command | wall (ms) | CPU (ms) | peak RSS (MiB) |",
        "|---|---:|---:|---:|",
    ]
    for c in commands.values():
        rss = c.median("rss")
        lines.append(
            f"| `{c.line}` | {c.median('wall') * 1000:.0f} | {c.median('cpu') * 1000:.0f}"
            f" | {'—' if rss is None else f'{rss:.1f}'} |"
        )
    return "\n".join(lines)


def ratios(a: Command, b: Command, metric: str) -> list[float]:
    """a ÷ b for each round."""
    return [
        getattr(x, metric) / getattr(y, metric) for x, y in zip(a.samples, b.samples, strict=True)
    ]


def git_commit() -> str:
    p = subprocess.run(
        ["git", "-C", str(BENCH), "describe", "--always", "--dirty"],
        capture_output=True,
        text=True,
    )
    return p.stdout.strip() or "unknown"


if __name__ == "__main__":
    main(sys.argv[1:])
