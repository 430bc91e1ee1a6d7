"""Human renderings shared by several commands (a contact's profile and brief, goal and date tables)."""

from __future__ import annotations

import sys

from srm.cli.output import RICH_ROWS, esc, grid, message, show, show_rows, table
from srm.domain.common import plural
from srm.domain.details import one_line_address


def _details(rows: list[tuple[str, str | None]]) -> None:
    """Label/value lines, skipping empty values."""
    head = grid(padding=2)
    for label, value in rows:
        if value:
            head.add_row(label, esc(value))
    show(head)


def _interactions(items: list[dict], title: str, *, full_notes: bool = False) -> None:
    """Interactions newest first, with their ids and notes; negative ones marked, shared ones
    name the others. A note shows its first line (… when there is more) unless `full_notes`.

    A Rich table on a terminal; plain rows when piped or long (`srm show C --all`)."""
    if len(items) > RICH_ROWS or not sys.stdout.isatty():
        # On a team's store, who logged each one (as the terminal's "· name").
        by = any(i.get("logged_by") for i in items)
        show_rows(
            ["id", "date", "channel", "kind", "summary", "note"] + (["by"] if by else []),
            (_plain_interaction(i, full_notes, by) for i in items),
            title=title,
        )
        return
    t = table("id", "date", "channel", "kind", "summary", title=title)
    t.columns[0].no_wrap = t.columns[1].no_wrap = True
    for i in items:
        mark = " [red](negative)[/]" if i["sentiment"] == "negative" else ""
        if i.get("captured"):
            mark += f" [dim](captured from {i['captured']})[/]"
        with_ = f" [dim](with {esc(', '.join(i['with']))})[/]" if i.get("with") else ""
        by = f" [dim]· {esc(i['logged_by']['name'])}[/]" if i.get("logged_by") else ""
        text = esc(i["summary"]) + mark + with_ + by
        note = (i.get("note") or "").strip()
        if note:
            shown = note if full_notes else note.splitlines()[0]
            more = "" if full_notes or shown == note else " …"
            text += f"\n[dim]{esc(shown)}{more}[/]"
        t.add_row(str(i["id"]), i["date"], esc(i["channel"]), i["kind"], text)
    show(t)


def _listed(what: str, entries: list[dict], text, labelled: bool = True) -> list[tuple[str, str]]:
    """One line per entry, its label after it; the preferred one marked when there are several."""
    rows = []
    for n, e in enumerate(entries):
        line = text(e)
        if labelled and e.get("label"):
            line += f"  ({e['label']})"
        if e["preferred"] and len(entries) > 1:
            line += "  ★ preferred"
        rows.append((what if n == 0 else "", line))
    return rows


def _plain_interaction(i: dict, full_notes: bool, by: bool = False) -> list[str]:
    summary = i["summary"] + (" (negative)" if i["sentiment"] == "negative" else "")
    if i.get("captured"):
        summary += f" (captured from {i['captured']})"
    if i.get("with"):
        summary += f" (with {', '.join(i['with'])})"
    lines = (i.get("note") or "").strip().splitlines() or [""]
    note = " / ".join(lines) if full_notes else lines[0] + (" …" if len(lines) > 1 else "")
    row = [str(i["id"]), i["date"], i["channel"], i["kind"], summary, note]
    if by:
        row.append(i["logged_by"]["name"] if i.get("logged_by") else "")
    return row


def profile(p: dict) -> None:
    _details(
        [
            ("Name", p["name"] + ("  (archived)" if p["archived"] else "")),
            ("Handle", f"{p['handle']}  (id {p['id']})"),
            ("Nickname", p.get("nickname")),
            *_listed("Email", p["emails"], lambda e: e["value"]),
            *_listed("Phone", p["phones"], lambda e: e["value"]),
            *_listed("Address", p["addresses"], one_line_address),
            *_listed("Web", p["urls"], lambda e: e["value"]),
            *_listed("Profile", p["socials"], lambda e: f"{e['service']}: {e['value']}", False),
            ("Org", " / ".join(x for x in (p["org"], p["team"], p["role"]) if x)),
            ("Segments", ", ".join(p["segments"])),
            ("Tags", ", ".join(p["tags"])),
            ("Stage", p.get("stage")),
            ("Since", p["since"]),
            ("Connected", p["connected_on"]),
            ("Cadence", _cadence(p)),
            ("Last", p["last_interaction"] or "never"),
            ("Next due", p["next_due"] or "not tracked"),
            ("Snoozed until", p["snoozed_until"]),
            ("Give/ask", _ledger(p.get("ledger"))),
            ("Owner", _owner(p)),
            ("Knows best", _strongest(p)),
            ("Note", p["note"]),
        ]
    )
    if p["interactions"]:
        _interactions(p["interactions"], "Interactions")
        hidden = p["interactions_total"] - len(p["interactions"])
        if hidden > 0:
            message(f"{plural(hidden, 'older interaction')} not shown (--all shows them).")
    _followups(p)
    _relationship(p)
    _handoffs(p)


def _owner(p: dict) -> str | None:
    """Who looks after them (team mode), and since the latest hand-off."""
    if not p.get("owner"):
        return None
    handed = p.get("handoffs") or []
    since = f" (since {handed[-1]['date']})" if handed else ""
    return p["owner"]["name"] + since


def _strongest(p: dict) -> str | None:
    """The team member with the strongest relationship, as `srm who` ranks them."""
    best = p.get("strongest_link")
    if not best:
        return None
    return (
        f"{best['member']['name']} (score {best['score']:.2f}:"
        f" {plural(best['interactions'], 'interaction')}, last {best['last']})"
    )


def _handoffs(p: dict) -> None:
    if not p.get("handoffs"):
        return
    t = table("date", "from", "to", "note", title="Hand-offs")
    for h in p["handoffs"]:
        t.add_row(
            h["date"],
            esc(h["from"]["name"]) if h["from"] else "nobody",
            esc(h["to"]["name"]) if h["to"] else "nobody",
            esc(h["note"]),
        )
    show(t)


def _followups(p: dict) -> None:
    open_f = [f for f in p["followups"] if f["status"] == "open"]
    if open_f:
        t = table("id", "due", "follow-up", title="Open follow-ups")
        for f in open_f:
            by = f" [dim]· {esc(f['made_by']['name'])}[/]" if f.get("made_by") else ""
            t.add_row(str(f["id"]), f["due"], esc(f["text"]) + by)
        show(t)


def _relationship(p: dict) -> None:
    """Goals, ideas to offer and dates coming up: shown by `srm show` and `srm brief`."""
    if p["goals"]:
        show(goals_table(p["goals"], with_contact=False, title="Goals"))
    if p["ideas"]:
        t = table("id", "idea", "for", "since", title="Ideas to offer")
        for i in p["ideas"]:
            t.add_row(
                str(i["id"]),
                esc(i["text"]),
                "them" if i["contact"] else f"segment {esc(i['segment'])}",
                i["created_on"],
            )
        show(t)
    if p["dates"]:
        show(dates_table(p["dates"], with_contact=False, title="Dates"))


def goals_table(found: list[dict], *, with_contact: bool, title: str | None = None):
    """Goals with how fresh each is: a goal unconfirmed for too long is marked to re-check."""
    t = table(
        "id",
        *(["contact"] if with_contact else []),
        "goal",
        "status",
        "last confirmed",
        title=title,
    )
    for g in found:
        fresh = f"{g['last_confirmed']} ({g['days_since_confirmed']}d ago)"
        if g["stale"]:
            fresh = f"[red]{fresh}, re-check[/]"
        status = g["status"] if g["status"] == "active" else f"{g['status']} {g['closed_on']}"
        who = [esc(g["contact"]["name"])] if with_contact else []
        t.add_row(str(g["id"]), *who, esc(g["text"]), status, fresh)
    return t


def date_rows(found: list[dict], *, with_contact: bool) -> tuple[list[str], list[list[str]]]:
    """Dates that matter by next occurrence; the stored form shows whether the year is known."""
    columns = ["id", "next", "in", *(["contact"] if with_contact else []), "what", "date"]
    rows = []
    for d in found:
        stored = f"{d['month']:02d}-{d['day']:02d}"
        stored = f"{d['year']}-{stored}" if d["year"] else f"--{stored}"
        when = "today" if d["days_until"] == 0 else f"{d['days_until']}d"
        who = [d["contact"]["name"]] if with_contact else []
        rows.append([str(d["id"]), d["date"], when, *who, d["text"], stored])
    return columns, rows


def dates_table(found: list[dict], *, with_contact: bool, title: str | None = None):
    columns, rows = date_rows(found, with_contact=with_contact)
    t = table(*columns, title=title)
    for r in rows:
        t.add_row(*(esc(cell) for cell in r))
    return t


def brief(p: dict) -> None:
    """The screen before a meeting: who, since when, recent talks, then what is open."""
    stage = p.get("stage")
    _details(
        [
            ("Who", " · ".join(x for x in (p["name"], p["role"], p["team"], p["org"]) if x)),
            ("Segments", ", ".join(p["segments"])),
            ("Stage", f"{stage} (since {p['stage_since']})" if stage else None),
            ("Known since", p["connected_on"] or p["since"]),
            ("Last", p["last_interaction"] or "never"),
            ("Next due", p["next_due"]),
            ("Give/ask", _ledger(p.get("ledger"))),
            ("Owner", _owner(p)),
            ("Knows best", _strongest(p)),
            ("Note", p["note"]),
        ]
    )
    if p["interactions"]:
        _interactions(p["interactions"], "Last interactions", full_notes=True)
    _followups(p)
    _relationship(p)
    _handoffs(p)


def _cadence(p: dict) -> str:
    eff = p["effective_cadence"] or "none (not tracked)"
    return eff if p["cadence"] else f"{eff} (from segments/default)"


def _ledger(led: dict | None) -> str | None:
    if not led:
        return None
    text = f"{plural(led['gives'], 'give')}, {plural(led['asks'], 'ask')}"
    if led["asks_since_give"]:
        text += f"; {plural(led['asks_since_give'], 'ask')} since your last give"
    return text
