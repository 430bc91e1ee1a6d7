"""Everything `srm show` and `srm brief` say about one contact, as JSON-ready dicts."""

from __future__ import annotations

from datetime import date

from srm.config import Config
from srm.domain import (
    extras,
    followups,
    goals,
    ideas,
    important_dates,
    interactions,
    schedule,
    stages,
    team,
)
from srm.domain.contacts import Contact
from srm.store.db import Store


def build(store: Store, config: Config, contact: Contact, on: date, limit: int | None) -> dict:
    plan = schedule.one(store, config, contact.id, on)
    items, total = interactions.timeline(store, contact.id, limit)
    extra = extras.for_contacts(store, [contact.id], on)[contact.id]
    data = contact.as_json()
    data.update(
        {
            "effective_cadence": str(plan.cadence) if plan.cadence else None,
            "last_interaction": plan.last.isoformat() if plan.last else None,
            "next_due": plan.due.isoformat() if plan.due else None,
            "interactions_total": total,
            "interactions": items,
            "followups": followups.list_followups(store, contact_id=contact.id),
            "goals": goals.list_goals(
                store, on, config.goal_max_age_days, contact_id=contact.id, include_closed=True
            ),
            "ideas": ideas.list_ideas(store, open_only=True, contact=contact),
            "dates": important_dates.upcoming(store, on, contact_id=contact.id),
            "handoffs": team.handoffs_of(store, contact.id),
            "strongest_link": team.strongest(store, config, contact.id, on),
            **extra,
        }
    )
    return data


BRIEF_INTERACTIONS = 3


def brief(store: Store, config: Config, contact: Contact, on: date) -> dict:
    """What to read before meeting them: the profile cut to what is open and current."""
    data = build(store, config, contact, on, limit=BRIEF_INTERACTIONS)
    data["followups"] = [f for f in data["followups"] if f["status"] == "open"]
    data["goals"] = [g for g in data["goals"] if g["status"] == "active"]
    current = stages.current(store, contact.id)
    data["stage_since"] = current["changed_on"] if current else None
    return data
