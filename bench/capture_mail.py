"""Peak memory and time of `srm capture mail` on a 100,000-message mbox.

    .venv/bin/python bench/capture_mail.py              # generates bench/data/100k.mbox once
    .venv/bin/python bench/capture_mail.py --messages 20000 --runs 3

The mbox is shaped like a Gmail Takeout of a busy inbox, every message within the 90 days a
capture reads by default (the worst case: nothing is skipped for its date): a third sent by
you to one to three of 2,000 correspondents (half of them contacts) in threads of replies,
half received from them, the rest mailing-list and bulk mail; bodies of 1–6 KB and one
message in a thousand carrying a 3 MB attachment, which a capture must skip over without
holding it. The store has the 1,000 contacts. Each run is `srm capture mail --received
--dry-run` (reads and matches everything, writes nothing), then one real capture on a copy of
the store, under GNU time (`/usr/bin/time -v`) for the peak resident memory.
"""

from __future__ import annotations

import argparse
import base64
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from generate import DATA, DEFAULT_TODAY

BUDGET_MIB = 100
ME = "me@example.org"


def build_mbox(path: Path, n: int, seed: int, today: date) -> None:
    rng = random.Random(seed)
    people = [f"person{i}@corp{i % 97}.example" for i in range(2000)]
    start = datetime.combine(today - timedelta(days=89), datetime.min.time(), UTC)
    span = 89 * 86400
    threads: list[tuple[str, str, str]] = []  # (root id, subject, correspondent)
    filler = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 100
    attachment = base64.encodebytes(rng.randbytes(3 << 20))
    tmp = path.with_suffix(".part")
    with tmp.open("wb") as out:
        for i in range(n):
            when = start + timedelta(seconds=span * i // n)
            mid = f"<m{i}.{seed}@mail.example.org>"
            kind = rng.random()
            refs = ""
            if kind < 0.8 and threads and rng.random() < 0.6:
                root, subject, other = rng.choice(threads[-500:])
                subject, refs = "Re: " + subject, f"References: {root}\nIn-Reply-To: {root}\n"
            else:
                root, subject, other = mid, f"Topic {i}", rng.choice(people)
                threads.append((root, subject, other))
            if kind < 0.33:
                to = [other] + rng.sample(people, rng.randint(0, 2))
                head = f"From: Me <{ME}>\nTo: {', '.join(to)}\n"
            elif kind < 0.8:
                head = f"From: Person <{other}>\nTo: Me <{ME}>\n"
            else:
                head = (
                    f"From: News <news@list{i % 7}.example>\nTo: {ME}\n"
                    f"List-Id: <list{i % 7}.example>\nPrecedence: list\n"
                )
            separator = f"From {ME} {when.strftime('%a %b %d %H:%M:%S %Y')}\n"
            header = (
                f"{separator}Received: from mx.example.org by mail.example.org; "
                f"{format_datetime(when)}\n{head}Subject: {subject}\nDate: {format_datetime(when)}\n"
                f"Message-ID: {mid}\n{refs}MIME-Version: 1.0\n"
                'Content-Type: multipart/mixed; boundary="b"\nX-Gmail-Labels: Inbox\n\n'
            )
            body = f"--b\nContent-Type: text/plain\n\n{filler[: rng.randint(1000, 6000)]}\n"
            if i % 1000 == 999:
                body += "--b\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n\n"
                out.write(header.encode() + body.encode())
                out.write(attachment)
                body = ""
            out.write(header.encode() + body.encode() + b"--b--\n\n")
    tmp.replace(path)


def build_store(path: Path, today: str) -> None:
    """1,000 contacts, each with one of the correspondents' addresses."""
    import os

    if path.exists():
        path.unlink()
    csv = path.with_suffix(".csv")
    csv.write_text(
        "name,email\n"
        + "".join(f"Person {i},person{i}@corp{i % 97}.example\n" for i in range(1000))
    )
    env = {**os.environ, "SRM_TODAY": today, "SRM_CONFIG": str(path.with_suffix(".toml"))}
    path.with_suffix(".toml").write_text(f'me = "Me <{ME}>"\n')
    subprocess.run(
        [srm_command(), "--db", str(path), "import", str(csv), "--format", "csv"],
        check=True,
        env=env,
        capture_output=True,
    )


def srm_command() -> str:
    venv = Path(sys.executable).parent / "srm"
    return str(venv) if venv.exists() else shutil.which("srm") or "srm"


def timed(args: list[str], env: dict) -> tuple[float, float, str]:
    """(seconds, peak MiB, stdout) of one run under GNU time."""
    t0 = time.perf_counter()
    p = subprocess.run(
        ["/usr/bin/time", "-v", *args], env=env, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"srm failed ({p.returncode}): {p.stderr[-2000:]}")
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1))
    return elapsed, peak / 1024, p.stdout


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--messages", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3, help="timed dry runs (3)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--today", default=DEFAULT_TODAY)
    a = ap.parse_args(argv)
    import json
    import os

    DATA.mkdir(exist_ok=True)
    mbox = DATA / f"{a.messages // 1000}k.mbox"
    if not mbox.exists():
        print(f"generating {mbox} …", file=sys.stderr)
        build_mbox(mbox, a.messages, a.seed, date.fromisoformat(a.today))
    work = Path(tempfile.mkdtemp(prefix="srm-bench-capture-"))
    try:
        store = work / "srm.db"
        build_store(store, a.today)
        env = {
            **os.environ,
            "SRM_TODAY": a.today,
            "SRM_CONFIG": str(store.with_suffix(".toml")),
            "NO_COLOR": "1",
        }
        base = [srm_command(), "--db", str(store), "capture", "mail", str(mbox), "--received"]
        runs = [timed([*base, "--dry-run", "--json"], env) for _ in range(a.runs)]
        seconds, peak, out = timed([*base, "--json"], env)
        result = json.loads(out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    size = mbox.stat().st_size / (1 << 20)
    worst = max([peak, *(r[1] for r in runs)])
    print(
        f"| `srm capture mail` | {a.messages:,} messages, {size:,.0f} MiB | time (median) | peak |"
    )
    print("|---|---|---|---|")
    print(
        f"| `--received --dry-run` | {result['read']:,} read, {result['occasions']:,} thread-days"
        f" | {statistics.median(r[0] for r in runs):.1f} s"
        f" | {max(r[1] for r in runs):.0f} MiB |"
    )
    print(
        f"| `--received` (writes) | {result['created']:,} interactions created"
        f" | {seconds:.1f} s | {peak:.0f} MiB |"
    )
    print(
        f"\npeak {worst:.0f} MiB, budget {BUDGET_MIB} MiB: {'ok' if worst < BUDGET_MIB else 'OVER'}"
    )
    if worst >= BUDGET_MIB:
        sys.exit(1)


if __name__ == "__main__":
    main()
