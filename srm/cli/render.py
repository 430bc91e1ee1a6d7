"""Human renderings shared by several commands (a contact's profile)."""

from __future__ import annotations

from srm.cli.output import esc, message, show, table


def profile(p: dict) -> None:
    from rich.table import Table

    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold")
    head.add_column()
    rows = [
        ("Name", p["name"] + ("  (archived)" if p["archived"] else "")),
        ("Handle", f"{p['handle']}  (id {p['id']})"),
        ("Email", p["email"]),
        ("Phone", p["phone"]),
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
        ("Note", p["note"]),
    ]
    for label, value in rows:
        if value:
            head.add_row(label, esc(value))
    show(head)
    if p["interactions"]:
        t = table("date", "channel", "kind", "summary", title="Interactions")
        for i in p["interactions"]:
            mark = " [red](negative)[/]" if i["sentiment"] == "negative" else ""
            with_ = f" [dim](with {esc(', '.join(i['with']))})[/]" if i["with"] else ""
            t.add_row(i["date"], i["channel"], i["kind"], esc(i["summary"]) + mark + with_)
        show(t)
        hidden = p["interactions_total"] - len(p["interactions"])
        if hidden > 0:
            message(f"{hidden} older interaction(s) not shown (--all shows them).")
    open_f = [f for f in p["followups"] if f["status"] == "open"]
    if open_f:
        t = table("id", "due", "follow-up", title="Open follow-ups")
        for f in open_f:
            t.add_row(str(f["id"]), f["due"], esc(f["text"]))
        show(t)


def _cadence(p: dict) -> str:
    eff = p["effective_cadence"] or "none (not tracked)"
    return eff if p["cadence"] else f"{eff} (from segments/default)"


def _ledger(led: dict | None) -> str | None:
    if not led:
        return None
    text = f"{led['gives']} gives, {led['asks']} asks"
    if led["asks_since_give"]:
        text += f"; {led['asks_since_give']} ask(s) since your last give"
    return text
