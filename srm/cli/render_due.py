"""Human output of `srm due`: groups by kind of attention, most urgent first within each."""

from __future__ import annotations

from srm.cli.output import esc, message, out, show, table
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


def _when(item) -> str:
    d = item.days_overdue
    if d > 0:
        return f"[red]{d}d late[/]"
    if d == 0:
        return "[yellow]today[/]"
    return f"in {-d}d"


def render(q, items, total: int, explain: bool, next_checkin) -> None:
    if not items:
        nxt = ""
        if next_checkin:
            d, who = next_checkin
            nxt = f" Next check-in: {esc(who['name'])} on {d.isoformat()}."
        message(f"Nothing due on {q.on.isoformat()} (window {q.within}d).{nxt}")
        return
    for type_, status, title, _ in GROUPS:
        group = [i for i in items if i.type == type_ and (status is None or i.status == status)]
        if not group:
            continue
        if type_ == "checkin":
            t = table("contact", "when", "last contact", "cadence", "urgency", "hint", title=title)
            for i in group:
                f = i.fields
                last = (
                    f"{f['last_interaction']} ({f.get('last_channel') or '?'})"
                    if f["last_interaction"]
                    else "never"
                )
                t.add_row(
                    esc(i.contact["name"]),
                    _when(i),
                    esc(last),
                    f["cadence"],
                    f"{i.urgency:.2f}",
                    esc(_hint(f)),
                )
        else:
            t = table("contact", "when", "what", "urgency", title=title)
            for i in group:
                t.add_row(esc(i.contact["name"]), _when(i), esc(_what(i)), f"{i.urgency:.2f}")
        show(t)
        if explain:
            for i in group:
                parts = " × ".join(
                    f"{v:.3g} ({esc(n)})" for n, v in i.terms if not n.startswith("+")
                )
                extra = " ".join(f"{esc(n)}" for n, v in i.terms if n.startswith("+"))
                out().print(f"  {esc(i.contact['name'])}: {parts} {extra} = {i.urgency:.3f}")
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
