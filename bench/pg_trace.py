"""Where an srm command's time goes on a PostgreSQL server: one process, every round trip.

    .venv/bin/python bench/pg_trace.py --db URL due
    .venv/bin/python bench/pg_trace.py --db URL log CONTACT bench --on 2026-11-15

Runs the command in this process (as `srm ARGS`) with psycopg2's cursors timed, and writes to
stderr each round trip (when it started after the command did, its ms, rows, the SQL's start:
statements sent together share a line), then the driver's import, the connection and the
totals. The command's own output is dropped. The rest of the command's time is Python's.
With SRM_TRACE_SQL=FILE, every statement is also written to FILE with its parameters filled
in, one per `;\n`, ready for EXPLAIN (ANALYZE) on a fresh session.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import time

T0 = time.perf_counter()
LOG: list[tuple[float, float, int, str]] = []  # (start, ms, rows, sql)
# With SRM_TRACE_SQL=FILE, every statement sent, its parameters filled in, for EXPLAIN.
DUMP: list[str] = [""] if os.environ.get("SRM_TRACE_SQL") else []


def main() -> None:
    argv = sys.argv[1:]
    t = time.perf_counter()
    import srm.store.postgres  # noqa: F401 (psycopg2, as srm imports it)

    imported = (time.perf_counter() - t) * 1000

    import psycopg2
    import psycopg2.extensions as ext

    class Timed(ext.cursor):
        def execute(self, sql, params=None):  # type: ignore[override]
            if DUMP:
                DUMP.append(self.mogrify(sql, params).decode())
            start = time.perf_counter()
            try:
                return super().execute(sql, params)
            finally:
                text = sql.decode() if isinstance(sql, bytes) else sql
                ms = (time.perf_counter() - start) * 1000
                LOG.append((start, ms, max(self.rowcount, 0), text))

    connect = psycopg2.connect
    connected: list[float] = []

    def timed_connect(*args, **kwargs):
        start = time.perf_counter()
        raw = connect(*args, cursor_factory=Timed, **kwargs)
        connected.append((time.perf_counter() - start) * 1000)
        return raw

    psycopg2.connect = timed_connect
    from srm.cli.app import app

    started = time.perf_counter()
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
        app(argv, prog_name="srm", standalone_mode=False)
    total = (time.perf_counter() - started) * 1000
    if DUMP:
        with open(os.environ["SRM_TRACE_SQL"], "w") as f:
            f.write("".join(f"{one};\n" for one in DUMP[1:]))
    sql_ms = sum(ms for _, ms, _, _ in LOG)
    for start, ms, rows, sql in LOG:
        one = " ".join(sql.split())
        print(
            f"{(start - started) * 1000:7.1f} {ms:6.2f} ms {rows:5d}  {one[:150]}", file=sys.stderr
        )
    print(
        f"import srm.store.postgres {imported:.1f} ms (before the command); connect {sum(connected):.1f} ms;"
        f" {len(LOG)} statements {sql_ms:.1f} ms; command {total:.1f} ms in all"
        f" (python start to here {(started - T0) * 1000:.0f} ms)",
        file=sys.stderr,
    )


if __name__ == "__main__":
    os.environ.setdefault("NO_COLOR", "1")
    main()
