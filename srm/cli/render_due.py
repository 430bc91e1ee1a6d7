"""Human output of `srm due`: groups by kind of attention, most urgent first within each.

On a terminal a group is a Rich table; piped, or too long for one (`--all` on a big store),
it is plain aligned rows.
"""

from __future__ import annotations

import sys

from srm.cli.output import RICH_ROWS, esc, message, out, safe, show, show_rows, table
from srm.domain.common import plural

GROUPS = (
    ("repair", None, "Repair", "negative last interaction"),
    ("checkin", "overdue", "Overdue", None),
    ("checkin", "today", "Today", None),
    ("checkin", "upcoming", "Upcoming", None),
    ("followup", None, "Follow-ups", None),
    ("goal", None, "Goals to re-check", None),
    ("date", None, "Dates that matter", None),
)
CHECKIN_COLUMNS = ["contact", "when", "last contact", "cadence", "urgency", "hint"]
OTHER_COLUMNS = ["contact", "when", "what", "urgency"]


def _when(item) -> str:
    d = item.days_overdue
    if d > 0:
        return f"{d}d late"
    if d == 0:
        return "today"
    return f"in {-d}d"


_WHEN_STYLE = {"late": "red", "today": "yellow"}


def _cells(item) -> list[str]:
    """The row of one item as plain text."""
    f = item.fields
    if item.type != "checkin":
        return [item.contact["name"], _when(item), _what(item), f"{item.urgency:.2f}"]
    last = (
        f"{f['last_interaction']} ({f.get('last_channel') or '?'})"
        if f["last_interaction"]
        else "never"
    )
    return [item.contact["name"], _when(item), last, f["cadence"], f"{item.urgency:.2f}", _hint(f)]


def _explanation(item) -> str:
    parts = " × ".join(f"{v:.3g} ({n})" for n, v in item.terms if not n.startswith("+"))
    extra = " ".join(n for n, v in item.terms if n.startswith("+"))
    return f"  {item.contact['name']}: {parts} {extra} = {item.urgency:.3f}"


def render(q, items, total: int, explain: bool, next_checkin) -> None:
    if not items:
        nxt = ""
        if next_checkin:
            d, who = next_checkin
            nxt = f" Next check-in: {esc(who['name'])} on {d.isoformat()}."
        message(f"Nothing due on {q.on.isoformat()} (window {q.within}d).{nxt}")
        return
    rich = sys.stdout.isatty()
    gap = ""  # plain groups are separated by a blank line
    for type_, status, title, _ in GROUPS:
        group = [i for i in items if i.type == type_ and (status is None or i.status == status)]
        if not group:
            continue
        columns = CHECKIN_COLUMNS if type_ == "checkin" else OTHER_COLUMNS
        if rich and len(group) <= RICH_ROWS:
            t = table(*columns, title=title)
            for i in group:
                cells = [esc(c) for c in _cells(i)]
                style = _WHEN_STYLE.get(cells[1].split()[-1])
                if style:
                    cells[1] = f"[{style}]{cells[1]}[/]"
                t.add_row(*cells)
            show(t)
            if explain:
                for i in group:
                    out().print(esc(_explanation(i)))
        else:
            sys.stdout.write(gap)
            show_rows(columns, map(_cells, group), title=title)
            if explain:
                sys.stdout.write("".join(safe(_explanation(i)) + "\n" for i in group))
        gap = "\n"
    if total > len(items):
        message(f"… and {total - len(items)} more (srm due --all shows them).")


def _hint(f: dict) -> str:
    hints = []
    n = f.get("asks_since_give") or 0
    if n:
        hints.append(f"{plural(n, 'ask')} since your last give")
    idea = f.get("idea")
    if idea:
        hints.append(f"offer: {idea['text']} (idea #{idea['id']})")
    return "; ".join(hints)


def _what(i) -> str:
    f = i.fields
    if i.type == "followup":
        return f"#{f['id']} {f['text']}"
    return f.get("text") or f.get("summary") or f.get("label") or ""
