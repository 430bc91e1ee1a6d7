"""What the report shows, as sections of tables and bar charts: one layout for every rendering.

The text (Rich), Markdown and HTML renderings all draw these sections; cells hold plain,
unescaped text and each rendering escapes it for its medium.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

BLOCKS = " ▏▎▍▌▋▊▉█"  # eighths of a character cell, for bars in text and Markdown


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[str]]
    align: str = ""  # "l" or "r" per column; default: the first left, figures right
    tones: list[str] = field(default_factory=list)  # per row: "good" or "bad" for its last cell

    def alignment(self) -> str:
        return self.align or "l" + "r" * (len(self.columns) - 1)


@dataclass
class Chart:
    """Horizontal bars, one per label."""

    title: str
    bars: list[tuple[str, int]]


@dataclass
class Note:
    text: str


@dataclass
class Tile:
    """One key figure of the headline, with its change and what the change means."""

    label: str
    key: str  # its key path in the report's JSON
    value: str
    detail: str  # what the figure is made of: "17 of 30 tracked contacts"
    change: str  # "+9", "−30.0 pts", "±0" or "—"
    arrow: str  # ▲ up, ▼ down, = unchanged, or "" when there is nothing to compare
    verdict: str  # "better", "worse", "no change", or "" when there is nothing to compare
    before: str  # the previous period's figure


@dataclass
class Tiles:
    tiles: list[Tile]
    now: str  # the two periods' short labels
    before: str
    since: str  # "Since 2026Q3", "Compared with the previous 90 days"

    @property
    def summary(self) -> str:
        """The changes in one line: "Since 2026Q3: 2 better, 3 worse, 1 unchanged."."""
        counts = [
            (n, word)
            for verdict, word in VERDICTS.items()
            if (n := sum(1 for t in self.tiles if t.verdict == verdict))
        ]
        if not counts:
            return f"{self.since}: nothing to compare."
        if len(counts) == 1 and counts[0][0] == len(self.tiles):
            return f"{self.since}, all {len(self.tiles)} key figures are {counts[0][1]}."
        return f"{self.since}: " + ", ".join(f"{n} {word}" for n, word in counts) + "."


VERDICTS = {"better": "better", "worse": "worse", "no change": "unchanged"}


@dataclass
class Series:
    """One key figure over the trend's periods (None where it is undefined)."""

    label: str
    short: str
    key: str  # its key path in the report's JSON
    values: list[float | None]
    show: Callable[[float | None], str]
    better: int  # +1: up is good; -1: down is good


@dataclass
class Trend:
    title: str
    periods: list[str]  # short labels, oldest first
    series: list[Series]


@dataclass
class Compare:
    """Bars of this period beside the previous period's, one pair per label."""

    title: str
    now: str  # the two periods' labels
    before: str
    rows: list[tuple[str, float | None, float | None]]
    show: Callable[[float | None], str]
    better: int


@dataclass
class Pairs:
    """Two opposite counts per label, drawn back to back (asks to the left, gives right)."""

    title: str
    left: str
    right: str
    rows: list[tuple[str, int, int]]
    notes: list[str]  # one per row, shown at its end: "0.50 gives per ask"


Block = Table | Chart | Note | Tiles | Trend | Compare | Pairs


@dataclass
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)
    key: str = ""  # "headline", "trend" …: the part of the review; "details" after the rest


def bar(value: float, top: float, width: int) -> str:
    """A bar of block characters, `width` cells long at `top`, in eighths of a cell."""
    if top <= 0 or value <= 0:
        return ""
    eighths = max(1, round(8 * width * value / top))
    full, part = divmod(eighths, 8)
    return "█" * full + (BLOCKS[part] if part else "")


def title(report: dict) -> str:
    return f"Relationship review: {report['period']['label']}{cut(report, ' — ')}"


def cut(report: dict, sep: str) -> str:
    """The part of the store the report covers: " — partners", " — Ben Bauer's contacts"."""
    parts = [report["segment"]] if report.get("segment") else []
    if report.get("owned_by"):
        parts.append(f"{report['owned_by']}'s contacts")
    return "".join(sep + p for p in parts)


def subtitle(report: dict) -> str:
    now, before = report["period"], report["previous"]["period"]
    return (
        f"{now['from']} to {now['to']} ({now['days']} days), compared with "
        f"{before['label']}: {before['from']} to {before['to']}"
    )


def byline(report: dict) -> str:
    """Whose review it is and when it was made: "For Priya Raman · generated 2026-11-24"."""
    owner = report.get("owner")
    made = f"generated {report['generated_on']}"
    return f"For {owner} · {made}" if owner else made[:1].upper() + made[1:]


MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def long_date(iso: str) -> str:
    """2026-11-24 as 24 Nov 2026 (the same in every locale)."""
    year, month, day = iso.split("-")
    return f"{int(day)} {MONTHS[int(month) - 1]} {year}"


def span_text(period: dict) -> str:
    """A period's days as people write them: 1 Oct – 24 Nov 2026, 15 Dec 2025 – 14 Mar 2026."""
    start, end = long_date(period["from"]), long_date(period["to"])
    if period["from"][:4] == period["to"][:4]:
        start = start.rsplit(" ", 1)[0]
        if period["from"][:7] == period["to"][:7]:
            start = start.split(" ")[0]
    return f"{start} – {end}"


def short_label(period: dict) -> str:
    """A period's name in a chart: 2026Q3, 2026-03, 2026, or the last day of a span of days."""
    if period["kind"] == "days":
        return f"to {period['to']}"
    return period["label"].split(" (")[0]  # not "(first 74 days)"


def since(period: dict) -> str:
    """How a sentence comparing with the previous period starts: "Since 2026Q3", "Compared
    with the previous 90 days"."""
    if period["kind"] == "days":
        return f"Compared with the previous {period['days']} days"
    return f"Since {short_label(period)}"


def number(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:,}" if isinstance(x, int) else f"{x:,.1f}"


def contacts(n: int) -> str:
    return f"{number(n)} contact{'' if n == 1 else 's'}"


def pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.1f}%"


def ratio(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}"


def delta(x: float | None, unit: str = "", digits: int = 1) -> str:
    """A change, signed: +3, −1.5 pts, ±0."""
    if x is None:
        return "—"
    if x == 0:
        return "±0"
    text = f"{abs(x):,}" if isinstance(x, int) else f"{abs(x):,.{digits}f}"
    return f"{'+' if x > 0 else '−'}{text}{unit}"


def _change(x: float | None, show) -> str:
    """A change in the figure's own terms: points for percentages, hundredths for ratios."""
    if show is pct:
        return delta(x, " pts")
    return delta(x, digits=2 if show is ratio else 1)


def _get(data: dict, path: str):
    for key in path.split("."):
        if data is None:
            return None
        data = data.get(key)
    return data


def _with_change(report: dict, path: str, show=number) -> str:
    """'72.0% (+4.0)': the figure and, in brackets, its change since the previous period
    (none where either period has no figure)."""
    change = _get(report["change"], path)
    if change is None:
        return show(_get(report, path))
    return f"{show(_get(report, path))} ({delta(change, digits=2 if show is ratio else 1)})"


# (label, key path, how to show it); percentages change in points.
SUMMARY = [
    ("Interactions", "interactions", number),
    ("Check-ins", "checkins", number),
    ("Asks", "asks", number),
    ("Gives", "gives", number),
    ("Gives per ask", "gives_per_ask", ratio),
    ("Tracked contacts", "coverage.tracked", number),
    ("Touched in the period", "coverage.touched_pct", pct),
    ("Kept on cadence", "coverage.kept_on_cadence_pct", pct),
    ("Overdue at the period's end", "coverage.overdue_pct", pct),
    ("Median days since last touch", "coverage.median_days_since_touch", number),
    ("Neglected (overdue by a full cadence)", "neglected.count", number),
    ("Ideas delivered", "ideas.delivered", number),
    ("Goals confirmed", "goals.confirmed", number),
    ("Follow-ups kept on time", "followups.kept_pct", pct),
    ("Negative interactions", "sentiment.negative", number),
]


@dataclass(frozen=True)
class KeyFigure:
    label: str
    short: str  # a column heading in the trend table
    path: str  # in the report, its `previous` and each point of its `trend`
    show: Callable[[float | None], str]
    better: int  # +1: a rise is good news; -1: a rise is bad news (more overdue)


HEADLINE = [
    KeyFigure("Touched", "touched", "coverage.touched_pct", pct, +1),
    KeyFigure("Kept on cadence", "on cadence", "coverage.kept_on_cadence_pct", pct, +1),
    KeyFigure("Overdue at the end", "overdue", "coverage.overdue", number, -1),
    KeyFigure("Gives per ask", "gives/ask", "gives_per_ask", ratio, +1),
    KeyFigure("Interactions", "interactions", "interactions", number, +1),
    KeyFigure("Negative interactions", "negative", "sentiment.negative", number, -1),
]


def verdict(change: float | None, better: int) -> tuple[str, str]:
    """(arrow, word) for a change: ▲/▼ for its direction, better/worse for what it means."""
    if change is None:
        return "", ""
    if change == 0:
        return "=", "no change"
    return ("▲" if change > 0 else "▼"), ("better" if change * better > 0 else "worse")


def _detail(report: dict, path: str) -> str:
    cov, sentiment = report["coverage"], report["sentiment"]
    tracked = f"{number(cov['tracked'])} tracked contact{'' if cov['tracked'] == 1 else 's'}"
    return {
        "coverage.touched_pct": f"{number(cov['touched'])} of {tracked}",
        "coverage.kept_on_cadence_pct": f"{number(cov['kept_on_cadence'])} of {tracked}",
        "coverage.overdue": f"{pct(cov['overdue_pct'])} of {tracked}",
        "gives_per_ask": f"{number(report['gives'])} gives, {number(report['asks'])} asks",
        "interactions": f"{number(report['checkins'])} check-ins, {number(report['asks'])} asks,"
        f" {number(report['gives'])} gives",
        "sentiment.negative": f"{number(sentiment['repaired'])} repaired,"
        f" {number(sentiment['unrepaired'])} not yet",
    }[path]


def headline(report: dict) -> Tiles:
    """The key figures, each with its change against the previous period and its meaning."""
    tiles = []
    for f in HEADLINE:
        change = _get(report["change"], f.path)
        arrow, word = verdict(change, f.better)
        tiles.append(
            Tile(
                f.label,
                f.path,
                f.show(_get(report, f.path)),
                _detail(report, f.path),
                _change(change, f.show),
                arrow,
                word,
                f.show(_get(report["previous"], f.path)),
            )
        )
    previous = report["previous"]["period"]
    return Tiles(tiles, short_label(report["period"]), short_label(previous), since(previous))


def trend(report: dict) -> Trend:
    points = report["trend"]
    return Trend(
        f"The last {len(points)} periods",
        [short_label(p["period"]) for p in points],
        [
            Series(f.label, f.short, f.path, [_get(p, f.path) for p in points], f.show, f.better)
            for f in HEADLINE
        ],
    )


def _comparison(report: dict, title: str, rows: list[tuple[str, str, object]]) -> Table:
    """Figure | this period | previous | change."""
    previous = report["previous"]
    return Table(
        title,
        ["", report["period"]["label"], previous["period"]["label"], "change"],
        [
            [
                label,
                show(_get(report, path)),
                show(_get(previous, path)),
                _change(_get(report["change"], path), show),
            ]
            for label, path, show in rows
        ],
    )


def sections(report: dict) -> list[Section]:
    """The review in reading order: what a leader reads first, then the details."""
    return [
        Section("Key figures", [Note((tiles := headline(report)).summary), tiles], key="headline"),
        Section(f"Trend over the last {_periods(report)}", [trend(report)], key="trend"),
        _coverage(report),
        *_by_owner(report),
        _give_and_ask(report),
        _neglected(report),
        _sentiment(report),
        _wins(report),
        Section("All figures", [_comparison(report, "", SUMMARY)], key="details"),
        _activity(report),
        _stages(report),
        Section(
            "Follow-ups",
            [
                _comparison(
                    report,
                    "",
                    [
                        ("Made", "followups.created", number),
                        ("Due", "followups.due", number),
                        ("Kept on time", "followups.kept", number),
                        ("Done late", "followups.late", number),
                        ("Dropped", "followups.dropped", number),
                        ("Still open", "followups.open", number),
                        ("Kept on time (of those not dropped)", "followups.kept_pct", pct),
                    ],
                )
            ],
            key="details",
        ),
    ]


def _periods(report: dict) -> str:
    """How many periods of which kind: 4 quarters, 6 months, 3 years, 4 periods of 90 days."""
    n, period = len(report["trend"]), report["period"]
    if period["kind"] == "days":
        return f"{n} periods of {period['days']} days"
    return f"{n} {period['kind']}s"


def _coverage(report: dict) -> Section:
    columns = ["segment", "tracked", "touched", "kept on cadence", "overdue at end"]
    columns += ["median days since touch", "neglected"]

    def row(name: str, prefix: str, neglected: str) -> list[str]:
        return [
            name,
            _with_change(report, f"{prefix}.tracked"),
            _with_change(report, f"{prefix}.touched_pct", pct),
            _with_change(report, f"{prefix}.kept_on_cadence_pct", pct),
            _with_change(report, f"{prefix}.overdue_pct", pct),
            _with_change(report, f"{prefix}.median_days_since_touch"),
            _with_change(report, neglected),
        ]

    previous = report["previous"]["by_segment"]
    rows = [
        row(name, f"by_segment.{name}", f"by_segment.{name}.neglected")
        for name in report["by_segment"]
    ]
    rows.append(row("all tracked contacts", "coverage", "neglected.count"))
    chart = Compare(
        "Touched in the period, by segment",
        short_label(report["period"]),
        short_label(report["previous"]["period"]),
        [
            (name, s["touched_pct"], previous.get(name, {}).get("touched_pct"))
            for name, s in report["by_segment"].items()
            if s["tracked"] or previous.get(name, {}).get("tracked")
        ],
        pct,
        +1,
    )
    return Section(
        "Coverage by segment",
        [
            chart,
            Table("", columns, rows),
            Note(
                "Touched: had an interaction in the period. Kept on cadence: never overdue "
                "during it. Percentages are of tracked contacts; in brackets, the change since "
                "the previous period (in points for percentages)."
            ),
        ],
        key="coverage",
    )


def _by_owner(report: dict) -> list[Section]:
    """Team mode: coverage of each owner's contacts, when the contacts have several owners
    (nobody counting as one); members who own no tracked contact are left out."""
    owners = {name: o for name, o in (report.get("by_owner") or {}).items() if o["tracked"]}
    if len(owners) < 2:
        return []
    before = report["previous"].get("by_owner") or {}
    changes = report["change"].get("by_owner") or {}

    def cell(name: str, key: str, show=number) -> str:
        figure = show(owners[name][key])
        change = (changes.get(name) or {}).get(key)
        return figure if change is None else f"{figure} ({delta(change)})"

    rows = [
        [
            name,
            cell(name, "tracked"),
            cell(name, "touched_pct", pct),
            cell(name, "kept_on_cadence_pct", pct),
            cell(name, "overdue_pct", pct),
            cell(name, "neglected"),
            cell(name, "logged"),
        ]
        for name in owners
    ]
    chart = Compare(
        "Touched in the period, by owner",
        short_label(report["period"]),
        short_label(report["previous"]["period"]),
        [
            (name, o["touched_pct"], (before.get(name) or {}).get("touched_pct"))
            for name, o in owners.items()
        ],
        pct,
        +1,
    )
    columns = ["owner", "tracked", "touched", "kept on cadence", "overdue at end", "neglected"]
    return [
        Section(
            "Coverage by owner",
            [
                chart,
                Table("", [*columns, "logged"], rows),
                Note(
                    "Each team member's contacts (owners as they are today; (unowned): nobody's),"
                    " covered as above. Logged: the interactions they logged in the period."
                ),
            ],
            key="coverage",
        )
    ]


def _activity(report: dict) -> Section:
    unit = report["activity"]["unit"]
    blocks: list[Block] = [
        Chart(
            f"Interactions per {unit}",
            [(b["from"], b["interactions"]) for b in report["activity"]["buckets"]],
        ),
        Chart("By channel", list(report["by_channel"].items())),
        Chart(
            "By segment",
            [(name, s["interactions"]) for name, s in report["by_segment"].items()],
        ),
    ]
    if report["most_engaged"]:
        blocks.append(
            Table(
                "Most engaged",
                ["contact", "interactions"],
                [[e["contact"]["name"], number(e["interactions"])] for e in report["most_engaged"]],
            )
        )
    if report["least_engaged"]:
        blocks.append(
            Table(
                "Least engaged",
                ["contact", "interactions", "last interaction", "days since"],
                [
                    [
                        e["contact"]["name"],
                        number(e["interactions"]),
                        e["last_interaction"] or "never",
                        number(e["days_since_touch"]),
                    ]
                    for e in report["least_engaged"]
                ],
            )
        )
    return Section("Activity", blocks, key="details")


def _give_and_ask(report: dict) -> Section:
    segments = report["by_segment"]
    pairs = Pairs(
        "Asks and gives, by segment",
        "asks",
        "gives",
        [(name, s["asks"], s["gives"]) for name, s in segments.items()],
        [
            f"{ratio(s['gives_per_ask'])} gives per ask" if s["asks"] else "no asks"
            for s in segments.values()
        ],
    )
    rows = [
        [
            name,
            _with_change(report, f"by_segment.{name}.asks"),
            _with_change(report, f"by_segment.{name}.gives"),
            _with_change(report, f"by_segment.{name}.gives_per_ask", ratio),
        ]
        for name in segments
    ]
    rows.append(
        [
            "all",
            _with_change(report, "asks"),
            _with_change(report, "gives"),
            _with_change(report, "gives_per_ask", ratio),
        ]
    )
    blocks: list[Block] = [pairs, Table("", ["segment", "asks", "gives", "gives per ask"], rows)]
    never = report["asked_never_given"]
    if never["count"]:
        blocks.append(
            Table(
                "Asked of, never given to",
                ["contact", "asks in the period"],
                [[e["contact"]["name"], number(e["asks"])] for e in never["contacts"]],
            )
        )
        blocks += _shown(never["count"], len(never["contacts"]))
    else:
        blocks.append(Note("Everyone you asked of in the period has had something from you."))
    return Section("Give and ask", blocks, key="give-ask")


def _shown(total: int, shown: int) -> list[Note]:
    """A note when a list is cut short."""
    return [Note(f"The first {shown} of {total} are shown.")] if total > shown else []


def _wins(report: dict) -> Section:
    """Ideas delivered and goals confirmed: what the relationships got from you."""
    ideas, goals = report["ideas"], report["goals"]
    blocks: list[Block] = []
    if ideas["deliveries"]:
        blocks.append(
            Table(
                f"Ideas delivered ({number(ideas['delivered'])}, "
                f"{delta(report['change']['ideas']['delivered'])})",
                ["delivered", "for", "idea"],
                [[d["delivered_on"], _for(d), d["text"]] for d in ideas["deliveries"]],
                align="lll",
            )
        )
        blocks += _shown(ideas["delivered"], len(ideas["deliveries"]))
    else:
        blocks.append(Note("No ideas delivered in this period."))
    if goals["confirmations"]:
        blocks.append(
            Table(
                f"Partners' goals confirmed ({number(goals['confirmed'])}, "
                f"{delta(report['change']['goals']['confirmed'])})",
                ["confirmed", "with", "goal"],
                [
                    [g["confirmed_on"], g["contact"]["name"], g["text"]]
                    for g in goals["confirmations"]
                ],
                align="lll",
            )
        )
        blocks += _shown(goals["confirmed"], len(goals["confirmations"]))
    else:
        blocks.append(Note("No partner's goal confirmed in this period."))
    blocks.append(
        _comparison(
            report,
            "Ideas and goals",
            [
                ("Ideas added", "ideas.added", number),
                ("Ideas delivered", "ideas.delivered", number),
                ("Ideas dropped", "ideas.dropped", number),
                ("Ideas open at the end", "ideas.open", number),
                ("Goals recorded", "goals.recorded", number),
                ("Goals confirmed", "goals.confirmed", number),
                ("Goals active at the end", "goals.active", number),
                ("Goals gone stale", "goals.stale", number),
            ],
        )
    )
    oldest = ideas["oldest_open"]
    if oldest:
        blocks.append(
            Note(
                f"Oldest open idea: “{oldest['text']}” for {_for(oldest)}, "
                f"since {oldest['created_on']} ({oldest['age_days']} days)."
            )
        )
    return Section("Ideas delivered and goals confirmed", blocks, key="wins")


def _for(idea: dict) -> str:
    return idea["contact"]["name"] if idea["contact"] else f"segment {idea['segment']}"


def _stages(report: dict) -> Section:
    moves = report["stages"]["movements"]
    if not moves:
        return Section("Stages", [Note("No stage changes in this period.")], key="details")
    return Section(
        "Stages",
        [
            Table(
                "",
                ["from", "to", "contacts", "direction"],
                [
                    [m["from"] or "(start)", m["to"], number(m["count"]), m["direction"] or ""]
                    for m in moves
                ],
                align="llrl",
            ),
            Note(f"{contacts(report['stages']['contacts_moved'])} changed stage."),
        ],
        key="details",
    )


def _sentiment(report: dict) -> Section:
    sentiment = report["sentiment"]
    negatives = sentiment["negatives"]
    blocks: list[Block] = []
    if negatives:
        blocks.append(
            Table(
                "",
                ["date", "with", "summary", "repaired"],
                [
                    [
                        n["date"],
                        ", ".join(c["name"] for c in n["contacts"]),
                        n["summary"],
                        f"yes, {n['repaired_on']}" if n["repaired"] else "not yet",
                    ]
                    for n in negatives
                ],
                align="llll",
                tones=["good" if n["repaired"] else "bad" for n in negatives],
            )
        )
        blocks += _shown(sentiment["negative"], len(negatives))
    else:
        blocks.append(Note("No negative interactions in this period."))
    blocks.append(
        _comparison(
            report,
            "Sentiment",
            [
                ("Positive", "sentiment.positive", number),
                ("Neutral", "sentiment.neutral", number),
                ("Negative", "sentiment.negative", number),
                ("… repaired since", "sentiment.repaired", number),
                ("… not yet repaired", "sentiment.unrepaired", number),
            ],
        )
    )
    blocks.append(
        Note("Repaired: everyone in it had a later interaction by the end of the period.")
    )
    return Section("Negative interactions", blocks, key="negatives")


def _neglected(report: dict) -> Section:
    neglected = report["neglected"]
    title = "Most neglected relationships"
    if not neglected["count"]:
        return Section(
            title, [Note("No one is overdue by more than a full cadence.")], key="neglected"
        )
    return Section(
        title,
        [
            Table(
                "",
                ["contact", "cadence", "last touch", "days since last touch", "days overdue"],
                [
                    [
                        n["contact"]["name"],
                        n["cadence"],
                        n["last_interaction"] or "never",
                        number(n["days_since_touch"]),
                        number(n["days_overdue"]),
                    ]
                    for n in neglected["contacts"]
                ],
                align="llrrr",
            ),
            Note(
                f"{contacts(neglected['count'])} overdue by more than a full cadence "
                f"at the end ({delta(report['change']['neglected']['count'])}), longest "
                "overdue for their cadence first."
            ),
            *_shown(neglected["count"], len(neglected["contacts"])),
        ],
        key="neglected",
    )
