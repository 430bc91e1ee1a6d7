"""Versioned schema migrations: ordered steps, each applied with its record in one transaction.

Never edit a step that has shipped; append a new one. `PRAGMA user_version` holds the number of
steps applied, so the check on every start is one pragma read. Each step has a PostgreSQL form
of the same name in `srm.store.migrations_pg`, applied under the same migration record. The DDL of step 1 was generated
from `srm.store.models` and frozen here; `tests/test_migrations.py` keeps them in agreement.
"""

from __future__ import annotations

import re
import sqlite3
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from srm.store.dialect import dialect_of

# Fixed namespace so a default segment has the same UUID in every store (exports agree).
SEGMENT_NAMESPACE = uuid.UUID("6b0b7c52-8f1e-4c63-9f43-2a7d1d0b5e11")

# How organisations group stakeholders, with a sensible cadence and weight for each.
DEFAULT_SEGMENTS = (
    ("customers", "quarterly", 1.5, "People and organisations who buy from you"),
    ("members", "quarterly", 1.0, "Members of your community or association"),
    (
        "employees",
        "monthly",
        1.0,
        "Internal peers: relationships inside the organisation matter too",
    ),
    ("partners", "bimonthly", 1.5, "Partners: check back on their goals as priorities change"),
    ("suppliers", "semiannual", 0.8, "Suppliers and vendors"),
    ("influencers", "quarterly", 1.0, "Voices who shape opinion in your field"),
)


def segment_uuid(name: str) -> str:
    return str(uuid.uuid5(SEGMENT_NAMESPACE, name.strip().lower()))


def now_utc() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


SCHEMA_1 = """
CREATE TABLE contact (
    id INTEGER NOT NULL,
    uuid VARCHAR NOT NULL,
    handle VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    email VARCHAR,
    phone VARCHAR,
    org VARCHAR,
    team VARCHAR,
    role VARCHAR,
    cadence VARCHAR,
    since DATE NOT NULL,
    connected_on DATE,
    note VARCHAR NOT NULL,
    snoozed_until DATE,
    archived_at VARCHAR,
    created_at VARCHAR NOT NULL,
    updated_at VARCHAR NOT NULL,
    PRIMARY KEY (id),
    UNIQUE (uuid),
    UNIQUE (handle)
);
CREATE INDEX ix_contact_email ON contact (email);
CREATE TABLE schema_migration (
    version INTEGER NOT NULL,
    name VARCHAR NOT NULL,
    applied_at VARCHAR NOT NULL,
    PRIMARY KEY (version)
);
CREATE TABLE segment (
    id INTEGER NOT NULL,
    uuid VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    cadence VARCHAR,
    weight FLOAT NOT NULL,
    description VARCHAR NOT NULL,
    created_at VARCHAR NOT NULL,
    PRIMARY KEY (id),
    UNIQUE (uuid),
    UNIQUE (name)
);
CREATE TABLE contact_segment (
    contact_id INTEGER NOT NULL,
    segment_id INTEGER NOT NULL,
    PRIMARY KEY (contact_id, segment_id),
    FOREIGN KEY(contact_id) REFERENCES contact (id) ON DELETE CASCADE,
    FOREIGN KEY(segment_id) REFERENCES segment (id) ON DELETE CASCADE
);
CREATE INDEX ix_contact_segment_segment_id ON contact_segment (segment_id);
CREATE TABLE contact_tag (
    contact_id INTEGER NOT NULL,
    tag VARCHAR NOT NULL,
    PRIMARY KEY (contact_id, tag),
    FOREIGN KEY(contact_id) REFERENCES contact (id) ON DELETE CASCADE
);
CREATE INDEX ix_contact_tag_tag ON contact_tag (tag);
CREATE TABLE goal (
    id INTEGER NOT NULL,
    uuid VARCHAR NOT NULL,
    contact_id INTEGER NOT NULL,
    text VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    recorded_on DATE NOT NULL,
    closed_on DATE,
    PRIMARY KEY (id),
    CONSTRAINT goal_status CHECK (status IN ('active', 'done', 'dropped')),
    UNIQUE (uuid),
    FOREIGN KEY(contact_id) REFERENCES contact (id) ON DELETE CASCADE
);
CREATE INDEX ix_goal_contact_id ON goal (contact_id);
CREATE TABLE idea (
    id INTEGER NOT NULL,
    uuid VARCHAR NOT NULL,
    contact_id INTEGER,
    segment_id INTEGER,
    text VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    created_on DATE NOT NULL,
    closed_on DATE,
    PRIMARY KEY (id),
    CONSTRAINT idea_target CHECK (contact_id IS NOT NULL OR segment_id IS NOT NULL),
    CONSTRAINT idea_status CHECK (status IN ('open', 'delivered', 'dropped')),
    UNIQUE (uuid),
    FOREIGN KEY(contact_id) REFERENCES contact (id) ON DELETE CASCADE,
    FOREIGN KEY(segment_id) REFERENCES segment (id) ON DELETE CASCADE
);
CREATE INDEX ix_idea_contact_id ON idea (contact_id);
CREATE INDEX ix_idea_segment_id ON idea (segment_id);
CREATE TABLE important_date (
    id INTEGER NOT NULL,
    uuid VARCHAR NOT NULL,
    contact_id INTEGER NOT NULL,
    label VARCHAR NOT NULL,
    year INTEGER,
    month INTEGER NOT NULL,
    day INTEGER NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT date_valid CHECK (month BETWEEN 1 AND 12 AND day BETWEEN 1 AND 31),
    UNIQUE (uuid),
    FOREIGN KEY(contact_id) REFERENCES contact (id) ON DELETE CASCADE
);
CREATE INDEX ix_important_date_contact_id ON important_date (contact_id);
CREATE TABLE stage_change (
    id INTEGER NOT NULL,
    uuid VARCHAR NOT NULL,
    contact_id INTEGER NOT NULL,
    from_stage VARCHAR,
    stage VARCHAR NOT NULL,
    changed_on DATE NOT NULL,
    PRIMARY KEY (id),
    UNIQUE (uuid),
    FOREIGN KEY(contact_id) REFERENCES contact (id) ON DELETE CASCADE
);
CREATE INDEX ix_stage_change_changed_on ON stage_change (changed_on);
CREATE INDEX ix_stage_change_contact_date ON stage_change (contact_id, changed_on);
CREATE TABLE goal_confirmation (
    id INTEGER NOT NULL,
    uuid VARCHAR NOT NULL,
    goal_id INTEGER NOT NULL,
    confirmed_on DATE NOT NULL,
    PRIMARY KEY (id),
    UNIQUE (uuid),
    FOREIGN KEY(goal_id) REFERENCES goal (id) ON DELETE CASCADE
);
CREATE INDEX ix_goal_confirmation_goal_date ON goal_confirmation (goal_id, confirmed_on);
CREATE TABLE interaction (
    id INTEGER NOT NULL,
    uuid VARCHAR NOT NULL,
    occurred_on DATE NOT NULL,
    channel VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    sentiment VARCHAR NOT NULL,
    summary VARCHAR NOT NULL,
    note VARCHAR NOT NULL,
    idea_id INTEGER,
    created_at VARCHAR NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT interaction_kind CHECK (kind IN ('checkin', 'ask', 'give')),
    CONSTRAINT interaction_sentiment CHECK (sentiment IN ('positive', 'neutral', 'negative')),
    UNIQUE (uuid),
    FOREIGN KEY(idea_id) REFERENCES idea (id) ON DELETE SET NULL
);
CREATE INDEX ix_interaction_idea_id ON interaction (idea_id);
CREATE INDEX ix_interaction_occurred_on ON interaction (occurred_on);
CREATE INDEX ix_interaction_negative ON interaction (occurred_on) WHERE sentiment = 'negative';
CREATE TABLE followup (
    id INTEGER NOT NULL,
    uuid VARCHAR NOT NULL,
    contact_id INTEGER NOT NULL,
    interaction_id INTEGER,
    text VARCHAR NOT NULL,
    due_on DATE NOT NULL,
    status VARCHAR NOT NULL,
    created_on DATE NOT NULL,
    closed_on DATE,
    PRIMARY KEY (id),
    CONSTRAINT followup_status CHECK (status IN ('open', 'done', 'dropped')),
    UNIQUE (uuid),
    FOREIGN KEY(contact_id) REFERENCES contact (id) ON DELETE CASCADE,
    FOREIGN KEY(interaction_id) REFERENCES interaction (id) ON DELETE SET NULL
);
CREATE INDEX ix_followup_contact_id ON followup (contact_id);
CREATE INDEX ix_followup_interaction_id ON followup (interaction_id);
CREATE INDEX ix_followup_status_due ON followup (status, due_on);
CREATE TABLE interaction_contact (
    interaction_id INTEGER NOT NULL,
    contact_id INTEGER NOT NULL,
    occurred_on DATE NOT NULL,
    PRIMARY KEY (interaction_id, contact_id),
    FOREIGN KEY(interaction_id) REFERENCES interaction (id) ON DELETE CASCADE,
    FOREIGN KEY(contact_id) REFERENCES contact (id) ON DELETE CASCADE
);
CREATE INDEX ix_interaction_contact_contact_date ON interaction_contact (contact_id, occurred_on);
"""


# The tables every srm store has had since step 1: a store missing one is damaged.
CORE_TABLES = frozenset(re.findall(r"^CREATE TABLE (\w+)", SCHEMA_1, re.MULTILINE))


def _initial(conn: sqlite3.Connection) -> None:
    for statement in SCHEMA_1.split(";"):
        if statement.strip():
            conn.execute(statement)
    now = now_utc()
    conn.executemany(
        "INSERT INTO segment (uuid, name, cadence, weight, description, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [(segment_uuid(n), n, c, w, d, now) for n, c, w, d in DEFAULT_SEGMENTS],
    )


SCHEMA_2 = """
CREATE TABLE undo_command (
    id INTEGER NOT NULL,
    command VARCHAR NOT NULL,
    created_at VARCHAR NOT NULL,
    undone_at VARCHAR,
    PRIMARY KEY (id)
);
CREATE TABLE undo_change (
    id INTEGER NOT NULL,
    command_id INTEGER NOT NULL,
    tbl VARCHAR NOT NULL,
    pk VARCHAR NOT NULL,
    row_before VARCHAR,
    row_after VARCHAR,
    PRIMARY KEY (id),
    FOREIGN KEY(command_id) REFERENCES undo_command (id) ON DELETE CASCADE
);
CREATE INDEX ix_undo_change_command_id ON undo_change (command_id);
CREATE INDEX ix_undo_change_row ON undo_change (tbl, pk);
CREATE TABLE undo_state (
    id INTEGER NOT NULL,
    command_id INTEGER,
    PRIMARY KEY (id),
    CONSTRAINT undo_state_single CHECK (id = 1)
);
INSERT INTO undo_state (id, command_id) VALUES (1, NULL);
"""
# From this step on, every step ends by (re)generating the undo triggers of the tables it left
# (srm.store.undo.sync_triggers), so a new table or column is recorded without a step of its own.
UNDO_SINCE = 2


def _undo_log(conn: sqlite3.Connection) -> None:
    _run(conn, SCHEMA_2)


# The full-text index of `srm search`: one FTS5 table over every kind of free text, kept in step
# by triggers. rowid = record id * 8 + kind (srm.domain.search.KINDS), so a change finds its
# entry by rowid instead of scanning the index.
SEARCH_SOURCES = (
    # (kind, table, title column, body column or NULL)
    (1, "interaction", "summary", "note"),
    (2, "contact", "name", "note"),
    (3, "followup", "text", None),
    (4, "idea", "text", None),
    (5, "goal", "text", None),
)


def _search_index(conn: sqlite3.Connection) -> None:
    conn.execute(
        "CREATE VIRTUAL TABLE search_index USING fts5(title, body,"
        " tokenize = 'unicode61 remove_diacritics 2')"
    )
    for kind, table, title, body in SEARCH_SOURCES:
        new_body = f"NEW.{body}" if body else "''"
        row = f"NEW.id * 8 + {kind}"
        conn.execute(
            f"CREATE TRIGGER search_{table}_insert AFTER INSERT ON {table} BEGIN"
            f" INSERT INTO search_index (rowid, title, body) VALUES ({row}, NEW.{title}, {new_body});"
            " END"
        )
        conn.execute(
            f"CREATE TRIGGER search_{table}_delete AFTER DELETE ON {table} BEGIN"
            f" DELETE FROM search_index WHERE rowid = OLD.id * 8 + {kind}; END"
        )
        watched = f"{title}, {body}" if body else title
        conn.execute(
            f"CREATE TRIGGER search_{table}_update AFTER UPDATE OF id, {watched} ON {table} BEGIN"
            f" DELETE FROM search_index WHERE rowid = OLD.id * 8 + {kind};"
            f" INSERT INTO search_index (rowid, title, body) VALUES ({row}, NEW.{title}, {new_body});"
            " END"
        )
        old_body = body or "''"
        conn.execute(
            f"INSERT INTO search_index (rowid, title, body)"
            f" SELECT id * 8 + {kind}, {title}, {old_body} FROM {table}"
        )


def _run(conn: sqlite3.Connection, script: str) -> None:
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def _erasure_record(conn: sqlite3.Connection) -> None:
    """`srm rm` records that an erasure happened, and when; never who (GDPR art. 17)."""
    conn.execute(
        """
CREATE TABLE erasure (
    id INTEGER NOT NULL,
    uuid VARCHAR NOT NULL,
    contact_uuid VARCHAR NOT NULL,
    erased_on DATE NOT NULL,
    interactions INTEGER NOT NULL,
    mentions INTEGER NOT NULL,
    redacted BOOLEAN NOT NULL,
    created_at VARCHAR NOT NULL,
    PRIMARY KEY (id),
    UNIQUE (uuid),
    UNIQUE (contact_uuid)
)"""
    )


def _capture_sources(conn: sqlite3.Connection) -> None:
    """`srm capture`: which interactions it made, and which events and mail threads it has seen
    for whom (so capturing again adds nothing)."""
    _run(
        conn,
        """
ALTER TABLE interaction ADD COLUMN captured VARCHAR;
CREATE TABLE capture_source (
    id INTEGER NOT NULL,
    source VARCHAR NOT NULL,
    contact_id INTEGER NOT NULL,
    interaction_id INTEGER,
    PRIMARY KEY (id),
    UNIQUE (source, contact_id),
    FOREIGN KEY(contact_id) REFERENCES contact (id) ON DELETE CASCADE,
    FOREIGN KEY(interaction_id) REFERENCES interaction (id) ON DELETE SET NULL
);
CREATE INDEX ix_capture_source_contact_id ON capture_source (contact_id);
CREATE INDEX ix_capture_source_interaction_id ON capture_source (interaction_id)
""",
    )


SCHEMA_6 = """
CREATE TABLE contact_state (
    contact_id INTEGER NOT NULL,
    last_on DATE,
    last_id INTEGER,
    last_sentiment VARCHAR,
    last_channel VARCHAR,
    cadence VARCHAR,
    cadence_days FLOAT,
    cadence_default BOOLEAN NOT NULL,
    weight FLOAT NOT NULL,
    next_due DATE,
    open_followups INTEGER NOT NULL,
    asks INTEGER NOT NULL,
    gives INTEGER NOT NULL,
    asks_since_give INTEGER NOT NULL,
    archived BOOLEAN NOT NULL,
    snoozed_until DATE,
    PRIMARY KEY (contact_id),
    FOREIGN KEY(contact_id) REFERENCES contact (id) ON DELETE CASCADE
);
CREATE INDEX ix_contact_state_last_on ON contact_state (last_on);
CREATE INDEX ix_contact_state_next_due ON contact_state (next_due, weight, cadence_days, open_followups, last_on, snoozed_until, archived) WHERE archived = 0;
CREATE INDEX ix_contact_state_repair ON contact_state (last_on, weight, last_sentiment, archived) WHERE last_sentiment = 'negative' AND archived = 0;
CREATE INDEX ix_contact_state_weight ON contact_state (contact_id, weight, archived);
CREATE TABLE contact_state_dirty (
    contact_id INTEGER NOT NULL,
    PRIMARY KEY (contact_id)
);
CREATE TABLE contact_state_meta (
    id INTEGER NOT NULL,
    default_cadence VARCHAR NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT contact_state_meta_single CHECK (id = 1)
);
INSERT INTO contact_state_dirty (contact_id) SELECT id FROM contact;
CREATE INDEX ix_interaction_ask_give_date ON interaction (occurred_on, kind) WHERE kind != 'checkin';
CREATE INDEX ix_interaction_ask_give_id ON interaction (id, kind) WHERE kind != 'checkin';
DROP INDEX ix_interaction_contact_contact_date;
CREATE INDEX ix_interaction_contact_contact_date ON interaction_contact (contact_id, occurred_on, interaction_id);
DROP INDEX ix_followup_status_due;
CREATE INDEX ix_followup_status_due ON followup (status, due_on, contact_id);
CREATE INDEX ix_important_date_month_day ON important_date ((month * 100 + day))
"""
# Every change that can move a contact's state marks the contact; srm's write path recomputes
# the marked ones before it commits (srm.domain.state). Writers outside srm mark too, so srm
# never trusts a state they made stale. Cascades (an interaction or segment deleted) fire the
# link tables' triggers.
_MARK = "INSERT OR IGNORE INTO contact_state_dirty (contact_id)"
STATE_TRIGGERS = {
    # (table, event, WHEN or None, the contacts to mark)
    "state_link_insert": ("interaction_contact", "INSERT", None, "VALUES (NEW.contact_id)"),
    "state_link_delete": ("interaction_contact", "DELETE", None, "VALUES (OLD.contact_id)"),
    "state_link_update": (
        "interaction_contact",
        "UPDATE",
        None,
        "VALUES (OLD.contact_id), (NEW.contact_id)",
    ),
    "state_interaction_update": (
        "interaction",
        "UPDATE OF id, occurred_on, channel, kind, sentiment",
        None,
        "SELECT contact_id FROM interaction_contact WHERE interaction_id IN (OLD.id, NEW.id)",
    ),
    "state_contact_insert": ("contact", "INSERT", None, "VALUES (NEW.id)"),
    "state_contact_update": (
        "contact",
        "UPDATE OF id, cadence, since, archived_at, snoozed_until",
        "OLD.id IS NOT NEW.id OR OLD.cadence IS NOT NEW.cadence OR OLD.since IS NOT NEW.since"
        " OR (OLD.archived_at IS NULL) IS NOT (NEW.archived_at IS NULL)"
        " OR OLD.snoozed_until IS NOT NEW.snoozed_until",
        "VALUES (OLD.id), (NEW.id)",
    ),
    "state_membership_insert": ("contact_segment", "INSERT", None, "VALUES (NEW.contact_id)"),
    "state_membership_delete": ("contact_segment", "DELETE", None, "VALUES (OLD.contact_id)"),
    "state_membership_update": (
        "contact_segment",
        "UPDATE",
        None,
        "VALUES (OLD.contact_id), (NEW.contact_id)",
    ),
    "state_segment_update": (
        "segment",
        "UPDATE OF id, cadence, weight",
        "OLD.id IS NOT NEW.id OR OLD.cadence IS NOT NEW.cadence OR OLD.weight IS NOT NEW.weight",
        "SELECT contact_id FROM contact_segment WHERE segment_id IN (OLD.id, NEW.id)",
    ),
    "state_followup_insert": ("followup", "INSERT", None, "VALUES (NEW.contact_id)"),
    "state_followup_delete": ("followup", "DELETE", None, "VALUES (OLD.contact_id)"),
    "state_followup_update": (
        "followup",
        "UPDATE OF contact_id, status",
        "OLD.contact_id IS NOT NEW.contact_id OR OLD.status IS NOT NEW.status",
        "VALUES (OLD.contact_id), (NEW.contact_id)",
    ),
}


def state_trigger_sql(name: str) -> str:
    table, event, when, contacts = STATE_TRIGGERS[name]
    cond = f" WHEN {when}" if when else ""
    return f"CREATE TRIGGER {name} AFTER {event} ON {table}{cond} BEGIN {_MARK} {contacts}; END"


def _contact_state(conn: sqlite3.Connection) -> None:
    _run(conn, SCHEMA_6)
    for name in STATE_TRIGGERS:
        conn.execute(state_trigger_sql(name))


# A contact's nickname; the UID of the vCard it was imported from, when that isn't srm's own
# (urn:uuid:<uuid>), so that an export writes the phone's or khard's card back under its UID.
# Its emails, phones, web pages and social profiles (kind: email, phone, url, social;
# a social profile's label is its service), and postal addresses. Each kind has at most one
# preferred entry; contact.email and contact.phone repeat the preferred (else first) email and
# phone, kept in step by triggers, so every query that wants "the" email stays one column read.
SCHEMA_DETAILS = """
ALTER TABLE contact ADD COLUMN nickname VARCHAR;
ALTER TABLE contact ADD COLUMN card_uid VARCHAR;
CREATE UNIQUE INDEX ux_contact_card_uid ON contact (card_uid);
CREATE TABLE contact_detail (
    id INTEGER NOT NULL,
    contact_id INTEGER NOT NULL,
    kind VARCHAR NOT NULL,
    label VARCHAR NOT NULL,
    value VARCHAR NOT NULL,
    preferred BOOLEAN NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT contact_detail_kind CHECK (kind IN ('email', 'phone', 'url', 'social')),
    FOREIGN KEY(contact_id) REFERENCES contact (id) ON DELETE CASCADE
);
CREATE INDEX ix_contact_detail_contact ON contact_detail (contact_id, kind, position);
CREATE INDEX ix_contact_detail_email ON contact_detail (lower(value)) WHERE kind = 'email';
CREATE UNIQUE INDEX ux_contact_detail_preferred ON contact_detail (contact_id, kind)
    WHERE preferred;
CREATE TABLE contact_address (
    id INTEGER NOT NULL,
    contact_id INTEGER NOT NULL,
    label VARCHAR NOT NULL,
    street VARCHAR NOT NULL,
    locality VARCHAR NOT NULL,
    region VARCHAR NOT NULL,
    postal_code VARCHAR NOT NULL,
    country VARCHAR NOT NULL,
    preferred BOOLEAN NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(contact_id) REFERENCES contact (id) ON DELETE CASCADE
);
CREATE INDEX ix_contact_address_contact ON contact_address (contact_id, position);
INSERT INTO contact_detail (contact_id, kind, label, value, preferred, position)
    SELECT id, 'email', '', email, 1, 0 FROM contact WHERE coalesce(email, '') != '';
INSERT INTO contact_detail (contact_id, kind, label, value, preferred, position)
    SELECT id, 'phone', '', phone, 1, 0 FROM contact WHERE coalesce(phone, '') != ''
"""


def _primary_sync(row: str) -> str:
    """SQL that sets the email or phone (as `row`.kind says) of `row`'s contact to its
    preferred (else first) one, if that differs. Each statement is a no-op for the other kind."""
    out = []
    for kind in ("email", "phone"):
        first = (
            f"(SELECT value FROM contact_detail WHERE contact_id = {row}.contact_id"
            f" AND kind = '{kind}' ORDER BY preferred DESC, position, id LIMIT 1)"
        )
        out.append(
            f"UPDATE contact SET {kind} = {first} WHERE {row}.kind = '{kind}'"
            f" AND id = {row}.contact_id AND {kind} IS NOT {first};"
        )
    return " ".join(out)


def _contact_details(conn: sqlite3.Connection) -> None:
    _run(conn, SCHEMA_DETAILS)
    # A new entry can only become the first if it is preferred or none before it is: the
    # common case (an import adding a contact's second, third … address) costs one seek.
    earlier = (
        "SELECT 1 FROM contact_detail d WHERE d.contact_id = NEW.contact_id AND d.kind = NEW.kind"
        " AND d.id != NEW.id AND (d.preferred OR d.position <= NEW.position)"
    )
    conn.execute(
        "CREATE TRIGGER contact_detail_primary_insert AFTER INSERT ON contact_detail"
        f" WHEN NEW.kind IN ('email', 'phone') AND (NEW.preferred OR NOT EXISTS ({earlier}))"
        f" BEGIN {_primary_sync('NEW')} END"
    )
    conn.execute(
        "CREATE TRIGGER contact_detail_primary_delete AFTER DELETE ON contact_detail"
        f" WHEN OLD.kind IN ('email', 'phone') BEGIN {_primary_sync('OLD')} END"
    )
    conn.execute(
        "CREATE TRIGGER contact_detail_primary_update AFTER UPDATE ON contact_detail"
        " WHEN OLD.kind IN ('email', 'phone') OR NEW.kind IN ('email', 'phone') BEGIN"
        f" {_primary_sync('OLD')} {_primary_sync('NEW')} END"
    )


# Team mode: the people who share a store (known by their address), who owns each contact,
# who logged each interaction and made each follow-up, and the contact's hand-offs between
# them. Rows from before stay without an author or owner (NULL): srm doesn't guess.
SCHEMA_TEAM = """
CREATE TABLE member (
    id INTEGER NOT NULL,
    uuid VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    email VARCHAR NOT NULL,
    created_at VARCHAR NOT NULL,
    PRIMARY KEY (id),
    UNIQUE (uuid),
    UNIQUE (email)
);
ALTER TABLE contact ADD COLUMN owner_id INTEGER REFERENCES member (id) ON DELETE SET NULL;
CREATE INDEX ix_contact_owner_id ON contact (owner_id);
ALTER TABLE interaction ADD COLUMN logged_by_id INTEGER REFERENCES member (id) ON DELETE SET NULL;
CREATE INDEX ix_interaction_logged_by ON interaction (logged_by_id, occurred_on);
ALTER TABLE followup ADD COLUMN made_by_id INTEGER REFERENCES member (id) ON DELETE SET NULL;
ALTER TABLE undo_command ADD COLUMN member_id INTEGER REFERENCES member (id) ON DELETE SET NULL;
CREATE TABLE handoff (
    id INTEGER NOT NULL,
    uuid VARCHAR NOT NULL,
    contact_id INTEGER NOT NULL,
    from_member_id INTEGER,
    to_member_id INTEGER,
    by_member_id INTEGER,
    note VARCHAR NOT NULL,
    handed_on DATE NOT NULL,
    created_at VARCHAR NOT NULL,
    PRIMARY KEY (id),
    UNIQUE (uuid),
    FOREIGN KEY(contact_id) REFERENCES contact (id) ON DELETE CASCADE,
    FOREIGN KEY(from_member_id) REFERENCES member (id) ON DELETE SET NULL,
    FOREIGN KEY(to_member_id) REFERENCES member (id) ON DELETE SET NULL,
    FOREIGN KEY(by_member_id) REFERENCES member (id) ON DELETE SET NULL
);
CREATE INDEX ix_handoff_contact_date ON handoff (contact_id, handed_on);
"""


def _team(conn: sqlite3.Connection) -> None:
    _run(conn, SCHEMA_TEAM)


# Two contacts the user said are different people (`srm distinct`): `srm duplicates` no longer
# pairs them. Kept as (lower id, higher id), so a pair is one row whichever way it was named.
SCHEMA_DISTINCT = """
CREATE TABLE distinct_pair (
    id INTEGER NOT NULL,
    uuid VARCHAR NOT NULL,
    contact_id INTEGER NOT NULL,
    other_id INTEGER NOT NULL,
    decided_on DATE NOT NULL,
    created_at VARCHAR NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT distinct_pair_ordered CHECK (contact_id < other_id),
    CONSTRAINT distinct_pair_once UNIQUE (contact_id, other_id),
    UNIQUE (uuid),
    FOREIGN KEY(contact_id) REFERENCES contact (id) ON DELETE CASCADE,
    FOREIGN KEY(other_id) REFERENCES contact (id) ON DELETE CASCADE
);
CREATE INDEX ix_distinct_pair_other_id ON distinct_pair (other_id);
"""


def _distinct_pairs(conn: sqlite3.Connection) -> None:
    _run(conn, SCHEMA_DISTINCT)


# The report's figures of a period, kept by the writes (srm.domain.summary). Interactions per
# day, kind, sentiment and channel: triggers add and take away one, so the counts are exact
# under any writer. Each contact's interactions per month (count, asks, gives, first and last
# day): triggers mark (contact, month) in contact_month_dirty, as the contact state's do, and
# srm's write path recomputes the marked pairs before it commits (a link's row alone can't say
# the kind of an interaction a cascade already deleted). Interactions with more than one contact,
# by date: triggers on the links add and remove them, and move them with the interaction's date.
SCHEMA_SUMMARY = """
CREATE TABLE interaction_day (
    day DATE NOT NULL,
    kind VARCHAR NOT NULL,
    sentiment VARCHAR NOT NULL,
    channel VARCHAR NOT NULL,
    interactions INTEGER NOT NULL,
    PRIMARY KEY (day, kind, sentiment, channel)
) WITHOUT ROWID;
CREATE TABLE contact_month (
    month VARCHAR NOT NULL,
    contact_id INTEGER NOT NULL,
    interactions INTEGER NOT NULL,
    asks INTEGER NOT NULL,
    gives INTEGER NOT NULL,
    first_on DATE NOT NULL,
    last_on DATE NOT NULL,
    PRIMARY KEY (month, contact_id),
    FOREIGN KEY(contact_id) REFERENCES contact (id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX ix_contact_month_contact_id ON contact_month (contact_id);
CREATE TABLE contact_month_dirty (
    contact_id INTEGER NOT NULL,
    month VARCHAR NOT NULL,
    PRIMARY KEY (contact_id, month)
);
CREATE TABLE interaction_shared (
    interaction_id INTEGER NOT NULL,
    occurred_on DATE NOT NULL,
    PRIMARY KEY (interaction_id),
    FOREIGN KEY(interaction_id) REFERENCES interaction (id) ON DELETE CASCADE
);
CREATE INDEX ix_interaction_shared_date ON interaction_shared (occurred_on, interaction_id);
INSERT INTO interaction_shared (interaction_id, occurred_on)
SELECT i.id, i.occurred_on FROM interaction i WHERE i.id IN
    (SELECT interaction_id FROM interaction_contact GROUP BY interaction_id HAVING count(*) > 1);
INSERT INTO interaction_day (day, kind, sentiment, channel, interactions)
SELECT occurred_on, kind, sentiment, channel, count(*) FROM interaction
GROUP BY occurred_on, kind, sentiment, channel;
INSERT INTO contact_month (month, contact_id, interactions, asks, gives, first_on, last_on)
SELECT substr(ic.occurred_on, 1, 7), ic.contact_id, count(*),
       count(*) FILTER (WHERE i.kind = 'ask'), count(*) FILTER (WHERE i.kind = 'give'),
       min(ic.occurred_on), max(ic.occurred_on)
FROM interaction_contact ic JOIN interaction i ON i.id = ic.interaction_id
GROUP BY ic.contact_id, substr(ic.occurred_on, 1, 7)
"""
_DAY_KEY = "day = {r}.occurred_on AND kind = {r}.kind AND sentiment = {r}.sentiment AND channel = {r}.channel"
_DAY_ADD = (
    "INSERT INTO interaction_day (day, kind, sentiment, channel, interactions)"
    " VALUES (NEW.occurred_on, NEW.kind, NEW.sentiment, NEW.channel, 1)"
    " ON CONFLICT (day, kind, sentiment, channel) DO UPDATE SET interactions = interactions + 1;"
)
_DAY_TAKE = (
    f"UPDATE interaction_day SET interactions = interactions - 1 WHERE {_DAY_KEY.format(r='OLD')};"
    f" DELETE FROM interaction_day WHERE {_DAY_KEY.format(r='OLD')} AND interactions = 0;"
)
_MONTH_MARK = "INSERT OR IGNORE INTO contact_month_dirty (contact_id, month)"
_LINKS = "(SELECT count(*) FROM interaction_contact WHERE interaction_id = {r}.interaction_id)"
_SHARED_ADD = (
    "INSERT OR IGNORE INTO interaction_shared (interaction_id, occurred_on)"
    " SELECT id, occurred_on FROM interaction WHERE id = NEW.interaction_id"
    f" AND {_LINKS.format(r='NEW')} > 1;"
)
_SHARED_TAKE = (
    "DELETE FROM interaction_shared WHERE interaction_id = OLD.interaction_id"
    f" AND {_LINKS.format(r='OLD')} < 2;"
)
SUMMARY_TRIGGERS = {
    "summary_day_insert": f"AFTER INSERT ON interaction BEGIN {_DAY_ADD} END",
    "summary_day_delete": f"AFTER DELETE ON interaction BEGIN {_DAY_TAKE} END",
    "summary_day_update": (
        "AFTER UPDATE OF occurred_on, kind, sentiment, channel ON interaction"
        " WHEN OLD.occurred_on IS NOT NEW.occurred_on OR OLD.kind IS NOT NEW.kind"
        " OR OLD.sentiment IS NOT NEW.sentiment OR OLD.channel IS NOT NEW.channel"
        f" BEGIN {_DAY_TAKE} {_DAY_ADD} END"
    ),
    "summary_link_insert": (
        "AFTER INSERT ON interaction_contact BEGIN"
        f" {_MONTH_MARK} VALUES (NEW.contact_id, substr(NEW.occurred_on, 1, 7)); END"
    ),
    "summary_link_delete": (
        "AFTER DELETE ON interaction_contact BEGIN"
        f" {_MONTH_MARK} VALUES (OLD.contact_id, substr(OLD.occurred_on, 1, 7)); END"
    ),
    "summary_link_update": (
        "AFTER UPDATE ON interaction_contact BEGIN"
        f" {_MONTH_MARK} VALUES (OLD.contact_id, substr(OLD.occurred_on, 1, 7)),"
        " (NEW.contact_id, substr(NEW.occurred_on, 1, 7)); END"
    ),
    "summary_shared_insert": f"AFTER INSERT ON interaction_contact BEGIN {_SHARED_ADD} END",
    "summary_shared_delete": f"AFTER DELETE ON interaction_contact BEGIN {_SHARED_TAKE} END",
    "summary_shared_update": (
        "AFTER UPDATE OF interaction_id ON interaction_contact"
        f" WHEN OLD.interaction_id IS NOT NEW.interaction_id BEGIN {_SHARED_TAKE} {_SHARED_ADD} END"
    ),
    "summary_shared_date": (
        "AFTER UPDATE OF occurred_on ON interaction WHEN OLD.occurred_on IS NOT NEW.occurred_on"
        " BEGIN UPDATE interaction_shared SET occurred_on = NEW.occurred_on"
        " WHERE interaction_id = NEW.id; END"
    ),
    "summary_interaction_kind": (
        "AFTER UPDATE OF id, kind ON interaction"
        " WHEN OLD.id IS NOT NEW.id OR OLD.kind IS NOT NEW.kind BEGIN"
        f" {_MONTH_MARK} SELECT contact_id, substr(occurred_on, 1, 7) FROM interaction_contact"
        " WHERE interaction_id IN (OLD.id, NEW.id); END"
    ),
}


def summary_trigger_sql(name: str) -> str:
    return f"CREATE TRIGGER {name} {SUMMARY_TRIGGERS[name]}"


def _report_summary(conn: sqlite3.Connection) -> None:
    _run(conn, SCHEMA_SUMMARY)
    for name in SUMMARY_TRIGGERS:
        conn.execute(summary_trigger_sql(name))


# Step "shared segments": a report sums a segment's members' figures, then takes away what two
# members shared; it read each shared interaction's row, links and their contacts' segments
# (random reads: 0.35 s a quarter at 10M interactions). Kept instead: for each interaction and
# each segment with more than one of its contacts, how many (with the interaction's date and
# kind), in date order, so that a period's are one short range. Triggers recompute an
# interaction's rows when its links change, and a contact's interactions' rows for a segment
# when it joins or leaves it (a deleted segment's rows go at once); the interaction's date and
# kind follow it.
SCHEMA_SHARED_SEGMENTS = """
DROP TRIGGER summary_shared_insert;
DROP TRIGGER summary_shared_delete;
DROP TRIGGER summary_shared_update;
DROP TRIGGER summary_shared_date;
DROP TABLE interaction_shared;
CREATE TABLE shared_segment (
    occurred_on DATE NOT NULL,
    interaction_id INTEGER NOT NULL,
    segment_id INTEGER NOT NULL,
    kind VARCHAR NOT NULL,
    members INTEGER NOT NULL,
    PRIMARY KEY (occurred_on, interaction_id, segment_id),
    FOREIGN KEY(interaction_id) REFERENCES interaction (id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX ix_shared_segment_interaction ON shared_segment (interaction_id);
INSERT INTO shared_segment (occurred_on, interaction_id, segment_id, kind, members)
SELECT i.occurred_on, i.id, cs.segment_id, i.kind, count(*)
FROM interaction i JOIN interaction_contact ic ON ic.interaction_id = i.id
JOIN contact_segment cs ON cs.contact_id = ic.contact_id
GROUP BY i.id, cs.segment_id HAVING count(*) > 1;
"""
_SHARED_SEGMENTS_OF = (
    "DELETE FROM shared_segment WHERE interaction_id = {r}.interaction_id;"
    " INSERT INTO shared_segment (occurred_on, interaction_id, segment_id, kind, members)"
    " SELECT i.occurred_on, i.id, cs.segment_id, i.kind, count(*) FROM interaction i"
    " JOIN interaction_contact ic ON ic.interaction_id = i.id"
    " JOIN contact_segment cs ON cs.contact_id = ic.contact_id"
    " WHERE i.id = {r}.interaction_id GROUP BY cs.segment_id HAVING count(*) > 1;"
)
_SHARED_SEGMENTS_MEMBER = (
    "DELETE FROM shared_segment WHERE segment_id = {r}.segment_id AND interaction_id IN"
    " (SELECT interaction_id FROM interaction_contact WHERE contact_id = {r}.contact_id);"
    " INSERT INTO shared_segment (occurred_on, interaction_id, segment_id, kind, members)"
    " SELECT i.occurred_on, i.id, {r}.segment_id, i.kind, count(*)"
    " FROM interaction_contact me JOIN interaction_contact ic ON ic.interaction_id = me.interaction_id"
    " JOIN contact_segment cs ON cs.contact_id = ic.contact_id AND cs.segment_id = {r}.segment_id"
    " JOIN interaction i ON i.id = me.interaction_id WHERE me.contact_id = {r}.contact_id"
    " GROUP BY i.id HAVING count(*) > 1;"
)
SHARED_SEGMENT_TRIGGERS = {
    "summary_shared_segment_link_insert": (
        f"AFTER INSERT ON interaction_contact BEGIN {_SHARED_SEGMENTS_OF.format(r='NEW')} END"
    ),
    "summary_shared_segment_link_delete": (
        f"AFTER DELETE ON interaction_contact BEGIN {_SHARED_SEGMENTS_OF.format(r='OLD')} END"
    ),
    "summary_shared_segment_link_update": (
        "AFTER UPDATE OF interaction_id, contact_id ON interaction_contact"
        " WHEN OLD.interaction_id IS NOT NEW.interaction_id OR OLD.contact_id IS NOT NEW.contact_id"
        f" BEGIN {_SHARED_SEGMENTS_OF.format(r='OLD')} {_SHARED_SEGMENTS_OF.format(r='NEW')} END"
    ),
    "summary_shared_segment_interaction": (
        "AFTER UPDATE OF occurred_on, kind ON interaction"
        " WHEN OLD.occurred_on IS NOT NEW.occurred_on OR OLD.kind IS NOT NEW.kind"
        " BEGIN UPDATE shared_segment SET occurred_on = NEW.occurred_on, kind = NEW.kind"
        " WHERE interaction_id = NEW.id; END"
    ),
    "summary_shared_segment_member_insert": (
        f"AFTER INSERT ON contact_segment BEGIN {_SHARED_SEGMENTS_MEMBER.format(r='NEW')} END"
    ),
    # A segment deleted: its rows go at once, not member by member as its memberships go.
    "summary_shared_segment_member_delete": (
        "AFTER DELETE ON contact_segment"
        " WHEN EXISTS (SELECT 1 FROM segment WHERE id = OLD.segment_id)"
        f" BEGIN {_SHARED_SEGMENTS_MEMBER.format(r='OLD')} END"
    ),
    "summary_shared_segment_segment_delete": (
        "AFTER DELETE ON segment BEGIN DELETE FROM shared_segment WHERE segment_id = OLD.id; END"
    ),
    "summary_shared_segment_member_update": (
        "AFTER UPDATE ON contact_segment BEGIN"
        f" {_SHARED_SEGMENTS_MEMBER.format(r='OLD')} {_SHARED_SEGMENTS_MEMBER.format(r='NEW')} END"
    ),
}


def _shared_segments(conn: sqlite3.Connection) -> None:
    _run(conn, SCHEMA_SHARED_SEGMENTS)
    for name, body in SHARED_SEGMENT_TRIGGERS.items():
        conn.execute(f"CREATE TRIGGER {name} {body}")


# Step "covering indexes": PostgreSQL's indexes for the morning list's check-ins and follow-ups
# gain the row's id (srm.store.migrations_pg); SQLite's carry every row's rowid, which is that
# id, so they cover those statements already: nothing to do here.
def _covering_indexes(conn: sqlite3.Connection) -> None:
    pass


MIGRATIONS: list[tuple[str, Callable[[sqlite3.Connection], None]]] = [
    ("initial schema", _initial),
    ("undo log", _undo_log),
    ("search index", _search_index),
    ("erasure record", _erasure_record),
    ("capture sources", _capture_sources),
    ("contact state", _contact_state),
    ("contact details", _contact_details),
    ("team", _team),
    ("distinct pairs", _distinct_pairs),
    ("report summary", _report_summary),
    ("shared segments", _shared_segments),
    ("covering indexes", _covering_indexes),
]


def apply(conn: sqlite3.Connection, number: int) -> None:
    """Run step `number` (1-based) and record it, inside the caller's transaction."""
    name, step = MIGRATIONS[number - 1]
    dialect_of(conn).migration_step(name, step)(conn)
    conn.execute(
        "INSERT INTO schema_migration (version, name, applied_at) VALUES (?, ?, ?)",
        (number, name, now_utc()),
    )
    if number >= UNDO_SINCE:
        from srm.store.undo import sync_triggers

        # Tables a step added or changed get their undo triggers in the same step.
        sync_triggers(conn)
    dialect_of(conn).set_schema_version(conn, number)
