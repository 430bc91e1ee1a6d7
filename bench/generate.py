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
import random
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from srm.config import DEFAULT_STAGES, Config
from srm.domain import state
from srm.domain.contacts import handle_candidates, slug
from srm.store.db import Store

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


def build(path: Path, n_contacts: int, n_interactions: int, seed: int, today: date) -> dict:
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    store = Store.open(path)
    conn = store.conn
    # A throwaway file being filled once: no journal, no fsync, a big page cache.
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -1000000")
    rnd = random.Random(seed)
    g = Gen(rnd, today, dict(conn.execute("SELECT name, id FROM segment")))
    # As srm's own writes do (the CLI registers this hook): each contact's derived state is
    # computed before the commit, for the empty config the benchmark runs with.
    state.keep(store, Config())
    with store.write():
        people = g.contacts(conn, n_contacts)
        delivered = g.ideas(conn, people, n_contacts // 5)
        g.interactions(conn, people, max(n_interactions - len(delivered), 0), delivered)
        g.goals(conn, people)
        g.stages(conn, people)
        g.important_dates(conn, people)
    conn.execute("PRAGMA journal_mode = WAL")
    tables = ("contact", "interaction", "interaction_contact", "followup", "idea", "goal")
    counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    store.close()
    return counts


class Gen:
    """The random choices, each kept close to what a busy user's store holds."""

    def __init__(self, rnd: random.Random, today: date, segment_ids: dict[str, int]):
        self.rnd = rnd
        self.today = today.toordinal()
        self.start = (today - timedelta(days=round(YEARS * 365.25))).toordinal()
        self.segment_ids = segment_ids

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rnd.getrandbits(128), version=4))

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
            archived = self.day(lo + 30, self.today) if r.random() < 0.04 else None
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

    def interactions(self, conn, people: list[Person], n: int, delivered: list) -> None:
        """n interactions, heavily skewed: a few contacts are seen weekly, many once a year."""
        r = self.rnd
        weights = []
        for p in people:
            u = r.random()
            # 3% never logged, 15% dormant, the rest Pareto (80/20), capped so no one dominates.
            w = 0.0 if u < 0.03 else 0.05 if u < 0.18 else min(r.paretovariate(1.16), 50.0)
            weights.append(w * (p.hi - p.lo + 1) / 1826)
        cum = list(itertools.accumulate(weights))
        total = cum[-1]
        # Draw (day, contact) for every interaction first so ids rise with dates, as in real use.
        events = []
        for _ in range(n):
            p = people[bisect.bisect(cum, r.random() * total)]
            events.append((self.day(p.lo, p.hi, recent=1.2), p.id, None))
        events += delivered
        events.sort(key=lambda e: e[0])
        by_id = {p.id: p for p in people}
        channels, channel_w = list(CHANNELS), list(CHANNELS.values())
        rows, links, followups = [], [], []
        fids = itertools.count(1)
        for iid, (day, cid, idea_id) in enumerate(events, start=1):
            on = self.iso(day)
            kind = "give" if idea_id else r.choices(("checkin", "ask", "give"), (80, 10, 10))[0]
            u = r.random()
            sentiment = "negative" if u < 0.02 else "positive" if u < 0.32 else "neutral"
            topic = r.choice(TOPICS)
            rows.append(
                (
                    iid,
                    self.uuid(),
                    on,
                    r.choices(channels, channel_w)[0],
                    kind,
                    sentiment,
                    f"delivered idea #{idea_id}" if idea_id else topic,
                    f"Notes on {topic}: next steps agreed." if r.random() < 0.1 else "",
                    idea_id,
                    self.stamp(day),
                )
            )
            who = {cid}
            if r.random() < 0.07:  # meetings with several people: one record, linked to each
                for _ in range(r.randint(1, 3)):
                    other = people[bisect.bisect(cum, r.random() * total)]
                    if other.lo <= day <= other.hi:
                        who.add(other.id)
            links += [(iid, c, on) for c in sorted(who)]
            if r.random() < 0.02:
                followups.append(self.followup(next(fids), iid, cid, day, by_id[cid]))
            if len(rows) >= BATCH:
                self._flush(conn, rows, links, followups)
        self._flush(conn, rows, links, followups)

    def followup(self, fid: int, iid: int, cid: int, day: int, p: Person) -> tuple:
        """A promise a week or so out; old ones are mostly closed, a few forgotten."""
        r = self.rnd
        due = day + r.choice((3, 7, 7, 7, 14, 30))
        if due < self.today - 30:
            status = r.choices(("done", "dropped", "open"), (83, 15, 2))[0]
        else:
            status = r.choices(("open", "done"), (70, 30))[0]
        closed = None if status == "open" else min(max(due + r.randint(-5, 10), day), self.today)
        text = r.choice(("send the deck", "share pricing", "intro to Maria", "book a call"))
        return (
            fid,
            self.uuid(),
            cid,
            iid,
            text,
            self.iso(due),
            status,
            self.iso(day),
            self.iso(closed) if closed else None,
        )

    @staticmethod
    def _flush(conn, rows: list, links: list, followups: list) -> None:
        conn.executemany(_insert("interaction", INTERACTION_COLUMNS), rows)
        conn.executemany("INSERT INTO interaction_contact VALUES (?, ?, ?)", links)
        conn.executemany(_insert("followup", FOLLOWUP_COLUMNS), followups)
        rows.clear()
        links.clear()
        followups.clear()

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
