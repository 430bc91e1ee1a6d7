"""What the report shows, as sections of tables and bar charts: one layout for every rendering.

The text (Rich), Markdown and HTML renderings all draw these sections; cells hold plain,
unescaped text and each rendering escapes it for its medium.
"""

from __future__ import annotations

from dataclasses import dataclass, field

BLOCKS = " ▏▎▍▌▋▊▉█"  # eighths of a character cell, for bars in text and Markdown


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[str]]
    align: str = ""  # "l" or "r" per column; default: the first left, figures right

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
class Section:
    title: str
    blocks: list[Table | Chart | Note] = field(default_factory=list)


def bar(value: float, top: float, width: int) -> str:
    """A bar of block characters, `width` cells long at `top`, in eighths of a cell."""
    if top <= 0 or value <= 0:
        return ""
    eighths = max(1, round(8 * width * value / top))
    full, part = divmod(eighths, 8)
    return "█" * full + (BLOCKS[part] if part else "")


def title(report: dict) -> str:
    segment = f" — {report['segment']}" if report.get("segment") else ""
    return f"Relationship review: {report['period']['label']}{segment}"


def subtitle(report: dict) -> str:
    now, before = report["period"], report["previous"]["period"]
    return (
        f"{now['from']} to {now['to']} ({now['days']} days), compared with "
        f"{before['label']}: {before['from']} to {before['to']}"
    )


def number(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:,}" if isinstance(x, int) else f"{x:,.1f}"


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
    """'72.0% (+4.0)': the figure and, in brackets, its change since the previous period."""
    return f"{show(_get(report, path))} ({delta(_get(report['change'], path))})"


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
    return [
        Section("Summary", [_comparison(report, "", SUMMARY)]),
        _coverage(report),
        _activity(report),
        _give_and_ask(report),
        _ideas(report),
        Section(
            "Partners' goals",
            [
                _comparison(
                    report,
                    "",
                    [
                        ("Recorded", "goals.recorded", number),
                        ("Confirmed", "goals.confirmed", number),
                        ("Active at the end", "goals.active", number),
                        ("Gone stale", "goals.stale", number),
                    ],
                )
            ],
        ),
        _stages(report),
        _sentiment(report),
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
        ),
        _neglected(report),
    ]


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

    rows = [
        row(name, f"by_segment.{name}", f"by_segment.{name}.neglected")
        for name in report["by_segment"]
    ]
    rows.append(row("all tracked contacts", "coverage", "neglected.count"))
    return Section(
        "Coverage",
        [
            Table("", columns, rows),
            Note(
                "Kept on cadence: never overdue during the period. Percentages are of tracked "
                "contacts; in brackets, the change since the previous period (in points for "
                "percentages)."
            ),
        ],
    )


def _activity(report: dict) -> Section:
    unit = report["activity"]["unit"]
    blocks: list[Table | Chart | Note] = [
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
    return Section("Activity", blocks)


def _give_and_ask(report: dict) -> Section:
    rows = [
        [
            name,
            _with_change(report, f"by_segment.{name}.asks"),
            _with_change(report, f"by_segment.{name}.gives"),
            ratio(s["gives_per_ask"]),
        ]
        for name, s in report["by_segment"].items()
    ]
    rows.append(
        [
            "all",
            _with_change(report, "asks"),
            _with_change(report, "gives"),
            ratio(report["gives_per_ask"]),
        ]
    )
    blocks: list[Table | Chart | Note] = [
        Table("", ["segment", "asks", "gives", "gives per ask"], rows)
    ]
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
    return Section("Give and ask", blocks)


def _shown(total: int, shown: int) -> list[Note]:
    """A note when a list is cut short."""
    return [Note(f"The first {shown} of {total} are shown.")] if total > shown else []


def _ideas(report: dict) -> Section:
    blocks: list[Table | Chart | Note] = [
        _comparison(
            report,
            "",
            [
                ("Added", "ideas.added", number),
                ("Delivered", "ideas.delivered", number),
                ("Dropped", "ideas.dropped", number),
                ("Open at the end", "ideas.open", number),
            ],
        )
    ]
    oldest = report["ideas"]["oldest_open"]
    if oldest:
        whom = oldest["contact"]["name"] if oldest["contact"] else f"segment {oldest['segment']}"
        blocks.append(
            Note(
                f"Oldest open idea: “{oldest['text']}” for {whom}, "
                f"since {oldest['created_on']} ({oldest['age_days']} days)."
            )
        )
    return Section("Non-ask ideas", blocks)


def _stages(report: dict) -> Section:
    moves = report["stages"]["movements"]
    if not moves:
        return Section("Stages", [Note("No stage changes in this period.")])
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
            Note(f"{report['stages']['contacts_moved']} contact(s) changed stage."),
        ],
    )


def _sentiment(report: dict) -> Section:
    blocks: list[Table | Chart | Note] = [
        _comparison(
            report,
            "",
            [
                ("Positive", "sentiment.positive", number),
                ("Neutral", "sentiment.neutral", number),
                ("Negative", "sentiment.negative", number),
                ("… repaired since", "sentiment.repaired", number),
                ("… not yet repaired", "sentiment.unrepaired", number),
            ],
        )
    ]
    negatives = report["sentiment"]["negatives"]
    if negatives:
        blocks.append(
            Table(
                "Negative interactions",
                ["date", "with", "summary", "repaired"],
                [
                    [
                        n["date"],
                        ", ".join(c["name"] for c in n["contacts"]),
                        n["summary"],
                        n["repaired_on"] or "not yet",
                    ]
                    for n in negatives
                ],
                align="llll",
            )
        )
        blocks += _shown(report["sentiment"]["negative"], len(negatives))
    return Section("Sentiment", blocks)


def _neglected(report: dict) -> Section:
    neglected = report["neglected"]
    if not neglected["count"]:
        return Section("Neglected", [Note("No one is overdue by more than a full cadence.")])
    return Section(
        "Neglected",
        [
            Table(
                "",
                ["contact", "cadence", "last interaction", "due", "days overdue"],
                [
                    [
                        n["contact"]["name"],
                        n["cadence"],
                        n["last_interaction"] or "never",
                        n["due"],
                        number(n["days_overdue"]),
                    ]
                    for n in neglected["contacts"]
                ],
                align="llrrr",
            ),
            *_shown(neglected["count"], len(neglected["contacts"])),
        ],
    )
