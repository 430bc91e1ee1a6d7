"""A sample workspace: about 30 people across segments with a year of history, relative to today."""

from __future__ import annotations

import random
from datetime import date, timedelta

from srm.config import Config
from srm.domain import contacts as dc
from srm.domain import goals, ideas, important_dates, interactions, stages
from srm.store.db import Store

# `PRAGMA application_id` of a demo workspace ("SRMD"): `srm demo` replaces only such a file.
APPLICATION_ID = 0x53524D44

PEOPLE = [
    # name, org, role, segment, tags, extra cadence
    ("Maria García", "Riverside Makers", "Membership lead", "partners", ["chapter"], None),
    ("Tom Okafor", "Riverside Makers", "Events", "partners", ["chapter"], None),
    ("Aiko Tanaka", "Kumo Labs", "CTO", "customers", ["enterprise"], None),
    ("Léa Dubois", "Atelier Nord", "Founder", "customers", [], None),
    ("Sven Olsen", "Fjord Freight", "Account manager", "suppliers", [], None),
    ("Priya Raman", "", "Community manager", "employees", ["internal"], None),
    ("Jonas Becker", "", "Head of sales", "employees", ["internal"], None),
    ("Chloé Martin", "Open Circle", "Organiser", "members", ["volunteer"], None),
    ("Kwame Mensah", "Open Circle", "Member", "members", [], None),
    ("Zoë Schäfer", "Podcast: Builders", "Host", "influencers", ["media"], None),
    ("Rafael Souza", "Tech Weekly", "Editor", "influencers", ["media"], None),
    ("Hannah Lee", "Northwind", "VP Partnerships", "partners", ["strategic"], "monthly"),
    ("Omar Haddad", "Cedar Cloud", "Procurement", "customers", [], None),
    ("Grace Kim", "Bright Path", "Program lead", "partners", [], None),
    ("Luca Rossi", "Officina", "Owner", "suppliers", [], None),
    ("Fatima Zahra", "", "Finance", "employees", ["internal"], None),
    ("Ben Carter", "Open Circle", "Member", "members", [], None),
    ("Ingrid Berg", "Nordic Guild", "Chair", "members", ["board"], None),
    ("Diego Fernández", "Kumo Labs", "Engineer", "customers", [], None),
    ("Mei Chen", "Lotus Foundation", "Director", "partners", ["strategic"], None),
    ("Samuel Adeyemi", "Lagos Hub", "Founder", "members", [], None),
    ("Olivia Brown", "", "Designer", "employees", ["internal"], None),
    ("Noah Wilson", "Wilson & Co", "Partner", "customers", [], "yearly"),
    ("Ana Popescu", "Carpathia Events", "Producer", "suppliers", [], None),
    ("Yusuf Demir", "Bosphorus Dev", "Lead", "members", [], None),
    ("Emma Johansson", "Stockholm Space", "Host", "influencers", [], None),
    ("Arjun Mehta", "Ganges Partners", "MD", "partners", [], None),
    ("Sofia Russo", "", "Support", "employees", ["internal"], None),
    ("Liam O'Brien", "Celtic Collective", "Coordinator", "members", ["volunteer"], None),
    ("Nadia Petrova", "Volga Ventures", "Investor", "influencers", [], "bimonthly"),
]
CHANNELS = ["meeting", "video", "email", "phone", "chat", "event", "social"]
TOPICS = [
    "catch-up on their plans for the year",
    "chapter planning",
    "intro to a possible speaker",
    "feedback on the last event",
    "renewal conversation",
    "coffee: how is the team doing",
    "shared a useful article",
    "asked about their membership goals",
    "co-hosting a webinar",
    "quarterly check-in",
]


def build(store: Store, config: Config, today: date) -> None:
    """Fill an empty store. Deterministic for a given `today`."""
    rnd = random.Random(20261124)
    start = today - timedelta(days=365)
    people = []
    for name, org, role, segment, tags, cadence in PEOPLE:
        people.append(
            dc.add(
                store,
                name,
                since=start + timedelta(days=rnd.randint(0, 30)),
                email=dc.slug(name).replace("-", ".") + "@example.org",
                org=org or None,
                team="Community" if segment == "employees" else None,
                role=role,
                segments=[segment],
                tags=tags,
                cadence=cadence,
            )
        )
    for idx, person in enumerate(people):
        # Most people get a steady rhythm; a few drift so `srm due` has something to say.
        gap = rnd.choice([14, 30, 45, 60, 90])
        day = person.since + timedelta(days=rnd.randint(3, 20))
        stop = today - timedelta(days=rnd.randint(0, 120) if idx % 3 else rnd.randint(0, 20))
        while day <= stop:
            kind = rnd.choices(["checkin", "give", "ask"], weights=[6, 3, 2])[0]
            interactions.log(
                store,
                config,
                [person],
                rnd.choice(TOPICS),
                on=day,
                channel=rnd.choice(CHANNELS),
                kind=kind,
                sentiment=rnd.choices(["positive", "neutral"], weights=[2, 5])[0],
            )
            day += timedelta(days=gap + rnd.randint(-5, 10))
    maria, tom = people[0], people[1]
    interactions.log(
        store,
        config,
        [maria, tom],
        "chapter planning for spring",
        on=today - timedelta(days=3),
        channel="video",
        follow_up="send the venue shortlist",
        follow_up_on=today - timedelta(days=1),
    )
    interactions.log(
        store,
        config,
        [people[2]],
        "renewal pricing: they felt blindsided by the increase",
        on=today - timedelta(days=6),
        channel="phone",
        sentiment="negative",
        follow_up="send a written summary of the options",
        follow_up_on=today + timedelta(days=2),
    )
    interactions.log(
        store,
        config,
        [people[11]],
        "asked for an intro to their CFO",
        on=today - timedelta(days=40),
        channel="email",
        kind="ask",
    )
    interactions.log(
        store,
        config,
        [people[11]],
        "asked them to share our survey",
        on=today - timedelta(days=33),
        channel="email",
        kind="ask",
    )
    _intelligence(store, config, today, people)


def _intelligence(store: Store, config: Config, today: date, people: list) -> None:
    """Ideas to give, partners' goals, stages and birthdays, so every part of srm has data."""
    by = {p.handle: p for p in people}
    max_age = config.goal_max_age_days
    for handle, text, age in [
        ("maria", "Introduce Maria to the city's maker-space network", 50),
        ("arjun", "Share our volunteer-onboarding guide with Arjun's team", 30),
        ("grace", "Feature Bright Path's program in our newsletter", 20),
        ("hannah", "Invite Hannah to speak at the spring summit", 10),
    ]:
        ideas.add(store, text, on=today - timedelta(days=age), contact=by[handle])
    ideas.add(
        store,
        "Send every partner our annual survey results, free of charge",
        on=today - timedelta(days=60),
        segment="partners",
    )
    delivered = ideas.add(
        store,
        "Send Mei the list of grant deadlines",
        on=today - timedelta(days=80),
        contact=by["mei"],
    )
    interactions.log(
        store,
        config,
        [by["mei"]],
        "sent the grant-deadline list",
        on=today - timedelta(days=79),
        channel="email",
        idea_id=delivered["id"],
    )
    for handle, text, age, confirmed in [
        ("maria", "Grow chapter retention to 80% this year", 200, 120),
        ("hannah", "Launch a partner certification by Q3", 60, None),
        ("mei", "Double the foundation's grantee network", 150, 40),
        ("grace", "Find corporate sponsors for the youth program", 100, None),
    ]:
        goal = goals.add(
            store, by[handle], text, on=today - timedelta(days=age), today=today, max_age=max_age
        )
        if confirmed is not None:
            goals.confirm(store, goal["id"], today - timedelta(days=confirmed), today, max_age)
    ladder = list(config.stages)
    for idx, person in enumerate(people):
        reached = 1 + idx % len(ladder)
        for step, stage in enumerate(ladder[:reached]):
            # The latest move falls in the last weeks, so this quarter's report has some.
            on = today - timedelta(days=10 + (11 * idx) % 30 + 45 * (reached - 1 - step))
            stages.set_stage(store, config, person, stage, max(on, person.since))
    for handle, when in [
        ("maria", (today + timedelta(days=3)).strftime("--%m-%d")),
        ("tom", (today + timedelta(days=20)).strftime("1985-%m-%d")),
        ("aiko", "1988-02-29"),
        ("priya", (today + timedelta(days=5)).strftime("1992-%m-%d")),
    ]:
        important_dates.add(store, by[handle], "birthday", when, today)
    important_dates.add(
        store, by["hannah"], "promotion", (today - timedelta(days=360)).isoformat(), today
    )
