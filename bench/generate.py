"""Build a realistic srm store for benchmarks: the real schema, filled fast with executemany.

    .venv/bin/python bench/generate.py                       # 10k contacts, 1M interactions
    .venv/bin/python bench/generate.py --interactions 100000 # the 100k comparison store

The store is created through `Store.open`, so the schema and default segments are the ones a
user gets. Everything is drawn from a seeded generator against a fixed "today", so the same
options always give the same store and `srm due` results are reproducible.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import multiprocessing
import os
import pickle
import random
import sys
import time
import traceback
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TypeVar

from srm.config import DEFAULT_STAGES, Config
from srm.domain import state, summary
from srm.domain.contacts import handle_candidates, slug
from srm.store.db import Store
from srm.store.migrations import SEARCH_SOURCES

DATA = Path(__file__).resolve().parent / "data"
# Columns named, so that a column a later schema step adds (with its default) breaks nothing.
CONTACT_COLUMNS = (
    "id uuid handle name email phone org team role cadence since connected_on note"
    " snoozed_until archived_at created_at updated_at"
)
INTERACTION_COLUMNS = "id uuid occurred_on channel kind sentiment summary note idea_id created_at"
FOLLOWUP_COLUMNS = "id uuid contact_id interaction_id text due_on status created_on closed_on"


def _insert(table: str, columns: str) -> str:
    names = columns.split()
    return f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"


DEFAULT_TODAY = "2026-11-24"
YEARS = 5
BATCH = 50_000
T = TypeVar("T")
# A version-4 UUID is 122 random bits with the version (4) and the variant (0b10) set.
UUID_V4 = 4 << 76 | 2 << 62
UUID_RANDOM = (1 << 128) - 1 ^ (0xF << 76 | 0x3 << 62)

FIRST = (  # noqa: SIM905 (word lists read better as text)
    "Anna Ben Carla David Elena Farid Greta Hugo Ines Jonas Kira Lars Maria Nils Olga Paul "
    "Quinn Rosa Sven Tara Umar Vera Wim Xenia Yusuf Zoe Amelie Bruno Chloe Dario Emma Felix "
    "Hanna Igor Julia Kai Lena Malik Nora Oskar Pia Rafael Sara Tom Ute Viktor Wanda Yara "
    "Aiko Björn Chiara José Łukasz Mónica Søren Zoë"
).split()
LAST = (  # noqa: SIM905 (word lists read better as text)
    "Müller Schmidt Rossi García Novak Kowalski Jensen Dubois Silva Costa Nowak Yilmaz Smith "
    "Jones Brown Taylor Wilson Evans Thomas Roberts Johnson Lee Walker Wright Hall Green Adams "
    "Baker Nelson Hill Moore Clark Lewis Young King Scott Ward Turner Parker Cook Bell Murphy "
    "Bailey Cooper Reed Kelly Howard Cox Diaz Ortiz Nakamura Tanaka O'Brien Van-der-Berg"
).split()
ORGS = [
    f"{w} {s}"
    for w in (
        "Acme",
        "Globex",
        "Initech",
        "Umbrella",
        "Hooli",
        "Vandelay",
        "Stark",
        "Wayne",
        "Tyrell",
        "Cyberdyne",
        "Soylent",
        "Wonka",
        "Aperture",
        "Massive",
        "Nakatomi",
        "Gringotts",
    )
    for s in ("GmbH", "Ltd", "Inc", "AG", "Group")
]
TAGS = (  # noqa: SIM905 (word lists read better as text)
    "board vip alumni mentor donor speaker investor advisor press volunteer champion "
    "beta-tester ambassador procurement legal finance engineering marketing sales hr "
    "berlin london paris remote emea apac americas renewal churn-risk expansion"
).split()
ROLES = ("CEO", "CTO", "Head of Sales", "Engineer", "Buyer", "Director", "Editor", "Founder")
SEGMENTS = {  # default segment -> share of contacts
    "customers": 30,
    "members": 25,
    "employees": 15,
    "partners": 10,
    "suppliers": 10,
    "influencers": 10,
}
OWN_CADENCES = ("weekly", "biweekly", "monthly", "bimonthly", "yearly", "45d", "6w")
CHANNELS = {
    "email": 35,
    "video": 15,
    "meeting": 15,
    "phone": 12,
    "chat": 12,
    "social": 5,
    "event": 3,
    "webinar": 2,
    "letter": 1,
}
TOPICS = (
    "renewal",
    "roadmap",
    "quarterly review",
    "intro call",
    "pricing",
    "conference follow-up",
    "project kickoff",
    "support escalation",
    "coffee",
    "hiring",
    "chapter planning",
    "contract",
    "feedback on draft",
    "partnership terms",
    "newsletter",
    "board prep",
)
IDEA_TEXTS = (
    "intro to a hiring lead",
    "share the benchmark report",
    "invite to the round table",
    "send the onboarding checklist",
    "recommend a speaker slot",
    "connect with our legal contact",
)
GOAL_TEXTS = (
    "retention above 90% this year",
    "launch in two new markets",
    "cut onboarding time in half",
    "hire a head of partnerships",
    "move to annual contracts",
)


@dataclass
class Person:
    id: int
    lo: int  # first possible interaction day (ordinal)
    hi: int  # last possible interaction day: today, or the day the contact was archived
    segments: list[int]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--contacts", type=int, default=10_000, help="number of contacts (10000)")
    ap.add_argument(
        "--interactions", type=int, default=1_000_000, help="number of interactions (1000000)"
    )
    ap.add_argument("--seed", type=int, default=42, help="random seed (42)")
    ap.add_argument("--today", default=DEFAULT_TODAY, help=f"the fixed today ({DEFAULT_TODAY})")
    ap.add_argument("--out", type=Path, help="database file (bench/data/<contacts>-<inter>.db)")
    a = ap.parse_args(argv)
    out = a.out or DATA / f"{size_label(a.contacts)}-{size_label(a.interactions)}.db"
    started = time.perf_counter()
    counts = build(out, a.contacts, a.interactions, a.seed, date.fromisoformat(a.today))
    took = time.perf_counter() - started
    summary = ", ".join(f"{n} {table}" for table, n in counts.items())
    print(f"{out}: {summary} (today {a.today}, seed {a.seed}, {took:.1f} s)")


def size_label(n: int) -> str:
    """10000 -> 10k, 1000000 -> 1m: short, sortable names for the data files."""
    for div, suffix in ((1_000_000, "m"), (1_000, "k")):
        if n >= div and n % div == 0:
            return f"{n // div}{suffix}"
    return str(n)


def build(
    path: Path, n_contacts: int, n_interactions: int, seed: int, today: date, bulk: bool = True
) -> dict:
    """Create the store at `path` (replacing it) and fill it; returns row counts.

    `bulk` (the default) fills the tables with their secondary indexes and their search and undo
    triggers set aside, then builds the indexes and the search index in one pass each and puts
    the triggers back: the same store srm would have made row by row, several times faster
    (tests/test_bench_generate.py compares the two).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    store = Store.open(path)  # the real schema, migrations and default segments
    conn = store.conn
    # A throwaway file being filled once: no journal, no fsync, a big page cache. The rows are
    # valid by construction, so neither foreign keys nor CHECK constraints are tested row by row
    # (the CHECKs' IN lists alone cost 3.5 µs a row, a third of the whole insert).
    conn.row_factory = None
    for pragma in (
        "journal_mode = OFF",
        "synchronous = OFF",
        "cache_size = -1000000",
        "temp_store = MEMORY",
        f"foreign_keys = {'OFF' if bulk else 'ON'}",
        f"ignore_check_constraints = {'ON' if bulk else 'OFF'}",
    ):
        conn.execute(f"PRAGMA {pragma}")
    rnd = random.Random(seed)
    g = Gen(rnd, today, dict(conn.execute("SELECT name, id FROM segment")))
    # As srm's own writes do (the CLI registers this hook): each contact's derived state is
    # computed before the commit, for the empty config the benchmark runs with.
    state.keep(store, Config())
    with store.write():  # srm's own write transaction, with whatever it runs before commit
        # The default segments were made "now": dated today instead, the same options always
        # give the same store.
        conn.execute("UPDATE segment SET created_at = ?", (f"{today.isoformat()}T00:00:00+00:00",))
        set_aside = SetAside(store) if bulk else None
        people = g.contacts(conn, n_contacts)
        delivered = g.ideas(conn, people, n_contacts // 5)
        # Drawn from a generator of their own, in a second process while this one writes.
        draws = random.Random(rnd.getrandbits(64))
        n = max(n_interactions - len(delivered), 0)
        for batch in streamed(g.interactions(draws, people, n, delivered)):
            g.flush(conn, *batch)
        g.goals(conn, people)
        g.stages(conn, people)
        g.important_dates(conn, people)
        if set_aside:
            set_aside.restore()
    conn.execute("PRAGMA journal_mode = WAL")
    tables = ("contact", "interaction", "interaction_contact", "followup", "idea", "goal")
    counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    store.close()
    return counts


class SetAside:
    """Secondary indexes and the search and undo triggers, dropped for a bulk load and restored.

    Indexes are rebuilt by sorting once instead of growing by random inserts; the search index
    is filled with one INSERT … SELECT per source, as its migration step does, and the report's
    kept figures (srm.domain.summary) by one GROUP BY each, as its rebuild does. Undo triggers
    record nothing while no command is being recorded (`undo_state.command_id` is NULL, as it
    is here) but still test that on every row. Any other trigger (derived state a later
    migration keeps in step) stays and runs.
    """

    def __init__(self, store: Store):
        conn = store.conn
        assert conn.execute("SELECT command_id FROM undo_state").fetchone()[0] is None
        self.store, self.conn = store, conn
        self.objects = conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND (type = 'index'"
            " OR (type = 'trigger' AND (name LIKE 'search!_%' ESCAPE '!'"
            " OR name LIKE 'summary!_%' ESCAPE '!' OR name LIKE 'undo!_%' ESCAPE '!')))"
            " ORDER BY rowid"
        ).fetchall()
        for kind, name, _ in self.objects:
            conn.execute(f'DROP {kind.upper()} "{name}"')

    def restore(self) -> None:
        conn = self.conn
        for kind, _, sql in self.objects:
            if kind == "index":
                conn.execute(sql)
        for kind, table, title, body in SEARCH_SOURCES:
            body = body or "''"
            conn.execute(
                "INSERT INTO search_index (rowid, title, body)"
                f" SELECT id * 8 + {kind}, {title}, {body} FROM {table}"
            )
        summary.rebuild(self.store)  # the report's kept figures, one GROUP BY each
        for kind, _, sql in self.objects:
            if kind == "trigger":
                conn.execute(sql)


def streamed(items: Iterator[T]) -> Iterator[T]:
    """The items, made in a child process while this one uses them.

    Drawing the interactions is a third of a build's CPU time; in a second process it overlaps
    with SQLite writing the batch before (and on a busy machine it gets a share of its own).
    The child is forked, so it starts with this process's state and sends pickles back.
    """
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_send_all, args=(items, send))
    child.start()
    send.close()
    try:
        while data := receive.recv_bytes():  # b"": the child is done
            yield pickle.loads(data)
    except EOFError:
        raise RuntimeError("the process drawing the rows died (its error is above)") from None
    finally:
        receive.close()
        child.join()


def _send_all(items: Iterator, send: Connection) -> None:
    code = 0
    try:
        for item in items:
            send.send_bytes(pickle.dumps(item, pickle.HIGHEST_PROTOCOL))
        send.send_bytes(b"")
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        # No interpreter shutdown: nothing of the parent's (its open database) is touched.
        os._exit(code)


def ordered_uuids(r: random.Random, n: int) -> Iterator[str]:
    """n random version-4 UUIDs in rising order: the i-th drawn in the i-th of n equal slices.

    Rising with the ids they go with, they fill the unique index in order, 2-3× faster than
    random keys at 10M rows; nothing in srm reads UUIDs in order.
    """
    step = (1 << 128) // max(n, 1)
    bits = step.bit_length() - 1
    getrandbits = r.getrandbits
    for i in range(n):
        yield v4(i * step + getrandbits(bits))


def v4(bits: int) -> str:
    """A version-4 UUID from 128 random bits (the version and variant bits are set)."""
    h = f"{bits & UUID_RANDOM | UUID_V4:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class Gen:
    """The random choices, each kept close to what a busy user's store holds."""

    def __init__(self, rnd: random.Random, today: date, segment_ids: dict[str, int]):
        self.rnd = rnd
        self.today = today.toordinal()
        self.start = (today - timedelta(days=round(YEARS * 365.25))).toordinal()
        self.segment_ids = segment_ids

    def uuid(self) -> str:
        return v4(self.rnd.getrandbits(128))

    def day(self, lo: int, hi: int, recent: float = 1.0) -> int:
        """A day in [lo, hi]; recent > 1 leans towards hi (use grows over the years)."""
        return lo + int((hi - lo + 1) * self.rnd.random() ** (1 / recent)) if hi > lo else lo

    @staticmethod
    def iso(ordinal: int) -> str:
        return date.fromordinal(ordinal).isoformat()

    def stamp(self, ordinal: int) -> str:
        r = self.rnd
        return f"{self.iso(ordinal)}T{r.randrange(7, 20):02d}:{r.randrange(60):02d}:00+00:00"

    def contacts(self, conn, n: int) -> list[Person]:
        r = self.rnd
        seg_names = list(SEGMENTS)
        seg_cum = list(itertools.accumulate(SEGMENTS.values()))
        taken: set[str] = set()
        rows, seg_rows, tag_rows, people = [], [], [], []
        for cid in range(1, n + 1):
            name = f"{r.choice(FIRST)} {r.choice(LAST)}"
            if r.random() < 0.08:
                name = f"{name.split()[0]} {r.choice(FIRST)} {name.split()[1]}"
            org = r.choice(ORGS) if r.random() < 0.85 else None
            local = ".".join(slug(w) for w in name.split())
            domain = (org or "mail example").split()[0].lower() + ".example"
            email = f"{local}{cid}@{domain}" if r.random() < 0.9 else None
            since = self.day(self.start - 400, self.today - 7, recent=1.3)
            lo = max(since, self.start)
            archived = self.day(min(lo + 30, self.today), self.today) if r.random() < 0.04 else None
            cadence = (
                r.choice(OWN_CADENCES)
                if r.random() < 0.06
                else "none"
                if r.random() < 0.02
                else None
            )
            snoozed = (
                self.today + r.randint(1, 21) if archived is None and r.random() < 0.015 else None
            )
            created = self.stamp(since)
            rows.append(
                (
                    cid,
                    self.uuid(),
                    unique_handle(name, email, taken),
                    name,
                    email,
                    f"+49 30 {r.randrange(1000000, 9999999)}" if r.random() < 0.6 else None,
                    org,
                    r.choice(("Sales", "Product", "Ops", None)),
                    r.choice(ROLES) if r.random() < 0.7 else None,
                    cadence,
                    self.iso(since),
                    self.iso(since - r.randint(0, 900)) if r.random() < 0.2 else None,
                    "Met at a conference; prefers email." if r.random() < 0.1 else "",
                    self.iso(snoozed) if snoozed else None,
                    self.stamp(archived) if archived else None,
                    created,
                    self.stamp(archived) if archived else created,
                )
            )
            k = 0 if r.random() < 0.05 else 2 if r.random() < 0.16 else 1
            segs = {
                self.segment_ids[seg_names[bisect.bisect(seg_cum, r.random() * seg_cum[-1])]]
                for _ in range(k)
            }
            seg_rows += [(cid, s) for s in segs]
            tag_rows += [(cid, t) for t in set(r.sample(TAGS, r.choice((0, 0, 1, 1, 2, 3))))]
            people.append(Person(cid, lo, archived or self.today, sorted(segs)))
        conn.executemany(_insert("contact", CONTACT_COLUMNS), rows)
        # Their email and phone as srm keeps them (contact.email/phone repeat the preferred).
        conn.executemany(
            "INSERT INTO contact_detail (contact_id, kind, label, value, preferred, position)"
            " VALUES (?, ?, '', ?, 1, 0)",
            [
                (row[0], kind, row[i])
                for row in rows
                for kind, i in (("email", 4), ("phone", 5))
                if row[i]
            ],  # fmt: skip
        )
        conn.executemany("INSERT INTO contact_segment VALUES (?, ?)", seg_rows)
        conn.executemany("INSERT INTO contact_tag VALUES (?, ?)", tag_rows)
        return people

    def ideas(self, conn, people: list[Person], n: int) -> list[tuple[int, int, int]]:
        """Non-ask ideas; each delivered one to a contact becomes a give on its closing day."""
        r = self.rnd
        rows, delivered = [], []
        for iid in range(1, n + 1):
            p = r.choice(people)
            on_segment = r.random() < 0.15 and p.segments
            created = self.day(p.lo, p.hi)
            status = r.choices(("open", "delivered", "dropped"), (40, 45, 15))[0]
            closed = min(created + r.randint(1, 120), p.hi) if status != "open" else None
            rows.append(
                (
                    iid,
                    self.uuid(),
                    None if on_segment else p.id,
                    p.segments[0] if on_segment else None,
                    r.choice(IDEA_TEXTS),
                    status,
                    self.iso(created),
                    self.iso(closed) if closed else None,
                )
            )
            if status == "delivered" and not on_segment:
                delivered.append((closed, p.id, iid))
        conn.executemany("INSERT INTO idea VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        return delivered

    def interactions(
        self, r: random.Random, people: list[Person], n: int, delivered: list
    ) -> Iterator[tuple[list, list, list]]:
        """n interactions, heavily skewed: a few contacts are seen weekly, many once a year, in
        batches of (interaction rows, their links to contacts, follow-ups), drawn from `r`.

        The hot loop of a 10M-interaction store: random draws are `random()` against cumulative
        weights, and dates and time stamps come from tables built once.
        """
        rand, bisect_ = r.random, bisect.bisect
        weights = []
        for p in people:
            u = rand()
            # 3% never logged, 15% dormant, the rest Pareto (80/20), capped so no one dominates.
            w = 0.0 if u < 0.03 else 0.05 if u < 0.18 else min(r.paretovariate(1.16), 50.0)
            weights.append(w * (p.hi - p.lo + 1) / 1826)
        cum = list(itertools.accumulate(weights))
        total = cum[-1]
        # Draw (day, contact) for every interaction first so ids rise with dates, as in real
        # use; kept per day in compact arrays (a list of 10M tuples would take gigabytes).
        start, span = self.start, self.today - self.start + 1
        by_day = [array("i") for _ in range(span)]
        los = [p.lo for p in people]
        widths = [p.hi - p.lo + 1 for p in people]
        ids = [p.id for p in people]
        his = [p.hi for p in people]
        for _ in range(n):
            k = bisect_(cum, rand() * total)
            # Use grows over the years: days lean towards the end of each contact's span.
            by_day[los[k] + int(widths[k] * rand() ** (1 / 1.2)) - start].append(k)
        gives: dict[int, list[tuple[int, int]]] = {}
        for day, cid, idea_id in delivered:
            gives.setdefault(day, []).append((cid, idea_id))
        index_of = {p.id: k for k, p in enumerate(people)}

        channels = list(CHANNELS)
        channel_cum = list(itertools.accumulate(CHANNELS.values()))
        channel_total = channel_cum[-1]
        # Time of day 07:00-19:59, whole minutes.
        clock = [f"T{h:02d}:{m:02d}:00+00:00" for h in range(7, 20) for m in range(60)]
        notes = [f"Notes on {t}: next steps agreed." for t in TOPICS]
        n_topics, n_clock = len(TOPICS), len(clock)
        uuids = ordered_uuids(r, n + len(delivered))
        fu = self.followups(r)
        rows, links, followups = [], [], []
        iid = 0
        for day in range(start, start + span):
            on = date.fromordinal(day).isoformat()
            todays = [(k, None) for k in by_day[day - start]]
            todays += [(index_of[cid], idea_id) for cid, idea_id in gives.get(day, ())]
            by_day[day - start] = None  # free as we go
            for k, idea_id in todays:
                iid += 1
                cid = ids[k]
                if idea_id:
                    kind = "give"
                else:
                    u = rand()
                    kind = "checkin" if u < 0.8 else "ask" if u < 0.9 else "give"
                u = rand()
                sentiment = "negative" if u < 0.02 else "positive" if u < 0.32 else "neutral"
                t = int(rand() * n_topics)
                rows.append(
                    (
                        iid,
                        next(uuids),
                        on,
                        channels[bisect_(channel_cum, rand() * channel_total)],
                        kind,
                        sentiment,
                        f"delivered idea #{idea_id}" if idea_id else TOPICS[t],
                        notes[t] if rand() < 0.1 else "",
                        idea_id,
                        on + clock[int(rand() * n_clock)],
                    )
                )
                if rand() < 0.07:  # meetings with several people: one record, linked to each
                    who = {cid}
                    for _ in range(1 + int(rand() * 3)):
                        j = bisect_(cum, rand() * total)
                        if los[j] <= day <= his[j]:
                            who.add(ids[j])
                    links += [(iid, c, on) for c in sorted(who)]
                else:
                    links.append((iid, cid, on))
                if rand() < 0.02:
                    followups.append(fu(iid, cid, day))
                if len(rows) >= BATCH:
                    yield rows, links, followups
                    rows, links, followups = [], [], []
        yield rows, links, followups

    def followups(self, r: random.Random) -> Callable[[int, int, int], tuple]:
        """Follow-ups on 2% of interactions, made by the returned function, one per call."""
        rand, today = r.random, self.today
        fids = itertools.count(1)
        offsets = (3, 7, 7, 7, 14, 30)
        texts = ("send the deck", "share pricing", "intro to Maria", "book a call")
        iso = self.iso

        def followup(iid: int, cid: int, day: int) -> tuple:
            """A promise a week or so out; old ones are mostly closed, a few forgotten."""
            due = day + offsets[int(rand() * 6)]
            u = rand()
            if due < today - 30:
                status = "done" if u < 0.83 else "dropped" if u < 0.98 else "open"
            else:
                status = "open" if u < 0.7 else "done"
            closed = None
            if status != "open":
                closed = iso(min(max(due - 5 + int(rand() * 16), day), today))
            text = texts[int(rand() * 4)]
            uid = v4(r.getrandbits(128))
            return (next(fids), uid, cid, iid, text, iso(due), status, iso(day), closed)

        return followup

    @staticmethod
    def flush(conn, rows: list, links: list, followups: list) -> None:
        conn.executemany(_insert("interaction", INTERACTION_COLUMNS), rows)
        conn.executemany("INSERT INTO interaction_contact VALUES (?, ?, ?)", links)
        conn.executemany(_insert("followup", FOLLOWUP_COLUMNS), followups)

    def goals(self, conn, people: list[Person]) -> None:
        """Partners' goals, some confirmed since, a few done or dropped."""
        r = self.rnd
        partners = self.segment_ids["partners"]
        goals, confirmations = [], []
        for p in people:
            if partners not in p.segments or r.random() < 0.4:
                continue
            for _ in range(r.randint(1, 2)):
                gid = len(goals) + 1
                recorded = self.day(p.lo, p.hi)
                status = r.choices(("active", "done", "dropped"), (70, 20, 10))[0]
                closed = self.day(recorded, p.hi) if status != "active" else None
                goals.append(
                    (
                        gid,
                        self.uuid(),
                        p.id,
                        r.choice(GOAL_TEXTS),
                        status,
                        self.iso(recorded),
                        self.iso(closed) if closed else None,
                    )
                )
                for _ in range(r.randint(0, 3)):
                    on = self.day(recorded, closed or p.hi)
                    confirmations.append((len(confirmations) + 1, self.uuid(), gid, self.iso(on)))
        conn.executemany("INSERT INTO goal VALUES (?, ?, ?, ?, ?, ?, ?)", goals)
        conn.executemany("INSERT INTO goal_confirmation VALUES (?, ?, ?, ?)", confirmations)

    def stages(self, conn, people: list[Person]) -> None:
        """A third of contacts move along the stages, one step at a time."""
        r = self.rnd
        rows = []
        for p in people:
            if r.random() > 0.35:
                continue
            day, prev = p.lo, None
            for stage in DEFAULT_STAGES[: r.randint(1, 4)]:
                day = self.day(day, p.hi)
                rows.append((len(rows) + 1, self.uuid(), p.id, prev, stage, self.iso(day)))
                prev = stage
        conn.executemany("INSERT INTO stage_change VALUES (?, ?, ?, ?, ?, ?)", rows)

    def important_dates(self, conn, people: list[Person]) -> None:
        """Birthdays (some without a year) and work anniversaries."""
        r = self.rnd
        rows = []
        for p in people:
            for label, share, with_year in (("birthday", 0.4, 0.6), ("work anniversary", 0.08, 1)):
                if r.random() < share:
                    year = r.randint(1950, 2003) if r.random() < with_year else None
                    month, day = r.randint(1, 12), r.randint(1, 28)
                    rows.append((len(rows) + 1, self.uuid(), p.id, label, year, month, day))
        conn.executemany("INSERT INTO important_date VALUES (?, ?, ?, ?, ?, ?, ?)", rows)


def unique_handle(name: str, email: str | None, taken: set[str]) -> str:
    """srm's own handle rules (first, first-l, first-last, …, then -2, -3), kept in memory."""
    candidates = handle_candidates(name, email)
    handle = next((c for c in candidates if c not in taken), None)
    if handle is None:
        n = 2
        while f"{candidates[-1]}-{n}" in taken:
            n += 1
        handle = f"{candidates[-1]}-{n}"
    taken.add(handle)
    return handle


if __name__ == "__main__":
    main(sys.argv[1:])
