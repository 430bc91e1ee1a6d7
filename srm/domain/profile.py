"""Everything `srm show` says about one contact, as one JSON-ready dict."""

from __future__ import annotations

from datetime import date

from srm.config import Config
from srm.domain import extras, followups, interactions, schedule
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
            **extra,
        }
    )
    return data
