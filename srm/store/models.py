"""The schema of record, as SQLModel models.

The runtime talks SQL through the stdlib driver (importing SQLModel costs ~0.4 s per command);
these models define what the migrations must produce, and `tests/test_migrations.py` compares
a freshly migrated database with them. Change the schema here first, then add a migration.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel


class SchemaMigration(SQLModel, table=True):
    __tablename__ = "schema_migration"
    version: int = Field(primary_key=True)
    name: str
    applied_at: str


class Segment(SQLModel, table=True):
    __tablename__ = "segment"
    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(unique=True)
    name: str = Field(unique=True)  # stored lower-case
    cadence: str | None = None  # NULL: no opinion, contacts fall back to the default
    weight: float = 1.0
    description: str = ""
    created_at: str


class Member(SQLModel, table=True):
    """A person on the team sharing the store, known by their address (the config's `me`)."""

    __tablename__ = "member"
    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(unique=True)
    name: str
    email: str = Field(unique=True)  # lower-case
    created_at: str


class Contact(SQLModel, table=True):
    __tablename__ = "contact"
    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(unique=True)
    handle: str = Field(unique=True)
    name: str
    email: str | None = Field(default=None, index=True)
    phone: str | None = None
    org: str | None = None
    team: str | None = None
    role: str | None = None
    cadence: str | None = None  # NULL: inherit from segments/default; 'none': not tracked
    since: date  # when tracking started: a never-logged contact is due one cadence after it
    connected_on: date | None = None  # e.g. LinkedIn "Connected On"
    note: str = ""
    snoozed_until: date | None = None
    archived_at: str | None = None
    created_at: str
    updated_at: str
    # Later steps added the columns below, in this order, at the end of the table.
    nickname: str | None = None
    # The UID of the vCard the contact came from (a phone's, khard's), when it isn't srm's own
    # urn:uuid:<uuid>: exports write the contact under it, so a sync updates that card.
    card_uid: str | None = None
    # The team member who looks after them (default: who added them); NULL: nobody.
    owner_id: int | None = Field(
        default=None, foreign_key="member.id", index=True, ondelete="SET NULL"
    )

    __table_args__ = (Index("ux_contact_card_uid", "card_uid", unique=True),)


class ContactDetail(SQLModel, table=True):
    """One email, phone, web page or social profile of a contact (a social's label: its service).

    Each kind has at most one preferred entry; contact.email/phone repeat the preferred (else
    first) email and phone, kept in step by triggers (migration step "contact details").
    """

    __tablename__ = "contact_detail"
    __table_args__ = (
        CheckConstraint("kind IN ('email', 'phone', 'url', 'social')", name="contact_detail_kind"),
        Index("ix_contact_detail_contact", "contact_id", "kind", "position"),
        # `contacts.by_emails` and duplicate checks find a contact by any of its addresses.
        Index("ix_contact_detail_email", text("lower(value)"), sqlite_where=text("kind = 'email'")),
        Index(
            "ux_contact_detail_preferred",
            "contact_id",
            "kind",
            unique=True,
            sqlite_where=text("preferred"),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", ondelete="CASCADE")
    kind: str
    label: str = ""  # work, home, mobile, a label of one's own; for a social: linkedin, github …
    value: str
    preferred: bool = False
    position: int = 0


class ContactAddress(SQLModel, table=True):
    """A postal address, structured as vCard's ADR (its PO box and extended parts join street)."""

    __tablename__ = "contact_address"
    __table_args__ = (Index("ix_contact_address_contact", "contact_id", "position"),)
    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", ondelete="CASCADE")
    label: str = ""
    street: str = ""
    locality: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = ""
    preferred: bool = False
    position: int = 0


class ContactSegment(SQLModel, table=True):
    __tablename__ = "contact_segment"
    contact_id: int = Field(foreign_key="contact.id", primary_key=True, ondelete="CASCADE")
    segment_id: int = Field(
        foreign_key="segment.id", primary_key=True, index=True, ondelete="CASCADE"
    )


class ContactTag(SQLModel, table=True):
    __tablename__ = "contact_tag"
    contact_id: int = Field(foreign_key="contact.id", primary_key=True, ondelete="CASCADE")
    tag: str = Field(primary_key=True, index=True)  # stored lower-case


class Idea(SQLModel, table=True):
    """A way to help someone that brings you nothing in return ("non-ask")."""

    __tablename__ = "idea"
    __table_args__ = (
        CheckConstraint("contact_id IS NOT NULL OR segment_id IS NOT NULL", name="idea_target"),
        CheckConstraint("status IN ('open', 'delivered', 'dropped')", name="idea_status"),
    )
    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(unique=True)
    contact_id: int | None = Field(
        default=None, foreign_key="contact.id", index=True, ondelete="CASCADE"
    )
    segment_id: int | None = Field(
        default=None, foreign_key="segment.id", index=True, ondelete="CASCADE"
    )
    text: str
    status: str = "open"
    created_on: date
    closed_on: date | None = None


class Interaction(SQLModel, table=True):
    __tablename__ = "interaction"
    __table_args__ = (
        CheckConstraint("kind IN ('checkin', 'ask', 'give')", name="interaction_kind"),
        CheckConstraint(
            "sentiment IN ('positive', 'neutral', 'negative')", name="interaction_sentiment"
        ),
        # Partial: negative interactions are rare, and `srm due` looks for them on every run.
        Index(
            "ix_interaction_negative", "occurred_on", sqlite_where=text("sentiment = 'negative'")
        ),
        # `srm team`: each member's latest interaction is one seek.
        Index("ix_interaction_logged_by", "logged_by_id", "occurred_on"),
        # Asks and gives (a fifth of the history) by date, for the ledger's last 90 days
        # without reading the check-ins around them; and by id, to tell a contact's asks and
        # gives from the narrow index instead of each wide row. Both covering (the kind).
        Index(
            "ix_interaction_ask_give_date",
            "occurred_on",
            "kind",
            sqlite_where=text("kind != 'checkin'"),
        ),
        Index("ix_interaction_ask_give_id", "id", "kind", sqlite_where=text("kind != 'checkin'")),
    )
    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(unique=True)
    occurred_on: date = Field(index=True)
    channel: str
    kind: str = "checkin"
    sentiment: str = "neutral"
    summary: str
    note: str = ""
    idea_id: int | None = Field(
        default=None, foreign_key="idea.id", index=True, ondelete="SET NULL"
    )
    created_at: str
    captured: str | None = None  # 'calendar' or 'mail' when `srm capture` made it; NULL: logged
    # Who logged it (team mode); NULL: logged before, or without `me` in the config.
    logged_by_id: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")


class CaptureSource(SQLModel, table=True):
    """That `srm capture` has seen a calendar event or a mail thread for a contact.

    `source` is 'calendar:<UID>' (with '/<original date>' for a recurring event's occurrence) or
    'mail:<thread>/<day>'. One row per source and contact, so capturing again, or an export that
    overlaps, adds nothing. `interaction_id` is the interaction it made, or the one logged by
    hand that it was linked to; NULL once that interaction was removed: a capture won't add back
    what a person took out.
    """

    __tablename__ = "capture_source"
    __table_args__ = (UniqueConstraint("source", "contact_id"),)
    id: int | None = Field(default=None, primary_key=True)
    source: str
    contact_id: int = Field(foreign_key="contact.id", index=True, ondelete="CASCADE")
    interaction_id: int | None = Field(
        default=None, foreign_key="interaction.id", index=True, ondelete="SET NULL"
    )


class InteractionContact(SQLModel, table=True):
    """Links one interaction to each contact in it.

    `occurred_on` repeats the interaction's date so that (contact_id, occurred_on,
    interaction_id) is one index: a contact's last interaction (same day: the highest id) is
    one seek, and their history is read from the index alone, never the table.
    """

    __tablename__ = "interaction_contact"
    __table_args__ = (
        Index("ix_interaction_contact_contact_date", "contact_id", "occurred_on", "interaction_id"),
    )
    interaction_id: int = Field(foreign_key="interaction.id", primary_key=True, ondelete="CASCADE")
    contact_id: int = Field(foreign_key="contact.id", primary_key=True, ondelete="CASCADE")
    occurred_on: date


class FollowUp(SQLModel, table=True):
    __tablename__ = "followup"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'done', 'dropped')", name="followup_status"),
        # Covering for `srm due`: open ones by due date, with whose they are.
        Index("ix_followup_status_due", "status", "due_on", "contact_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(unique=True)
    contact_id: int = Field(foreign_key="contact.id", index=True, ondelete="CASCADE")
    interaction_id: int | None = Field(
        default=None, foreign_key="interaction.id", index=True, ondelete="SET NULL"
    )
    text: str
    due_on: date
    status: str = "open"
    created_on: date
    closed_on: date | None = None
    # Who promised it (team mode); NULL: unknown, the contact's owner sees it.
    made_by_id: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")


class Goal(SQLModel, table=True):
    """A partner's own goal ("retention this year"), to check back on as priorities change."""

    __tablename__ = "goal"
    __table_args__ = (
        CheckConstraint("status IN ('active', 'done', 'dropped')", name="goal_status"),
    )
    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(unique=True)
    contact_id: int = Field(foreign_key="contact.id", index=True, ondelete="CASCADE")
    text: str
    status: str = "active"
    recorded_on: date
    closed_on: date | None = None


class GoalConfirmation(SQLModel, table=True):
    """Each time a partner confirmed a goal is still their priority; the latest dates it."""

    __tablename__ = "goal_confirmation"
    __table_args__ = (Index("ix_goal_confirmation_goal_date", "goal_id", "confirmed_on"),)
    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(unique=True)
    goal_id: int = Field(foreign_key="goal.id", ondelete="CASCADE")
    confirmed_on: date


class StageChange(SQLModel, table=True):
    """A move along know → like → trust → try → buy → repeat → refer; the latest is current."""

    __tablename__ = "stage_change"
    __table_args__ = (Index("ix_stage_change_contact_date", "contact_id", "changed_on"),)
    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(unique=True)
    contact_id: int = Field(foreign_key="contact.id", ondelete="CASCADE")
    from_stage: str | None = None
    stage: str
    changed_on: date = Field(index=True)


class ImportantDate(SQLModel, table=True):
    """A date that matters (birthday, anniversary, promotion …), recurring yearly; year optional."""

    __tablename__ = "important_date"
    __table_args__ = (
        CheckConstraint("month BETWEEN 1 AND 12 AND day BETWEEN 1 AND 31", name="date_valid"),
        # The month-day as MMDD: the dates of a window (`srm due`, `srm dates --within`) by
        # range instead of reading them all.
        Index("ix_important_date_month_day", text("(month * 100 + day)")),
    )
    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(unique=True)
    contact_id: int = Field(foreign_key="contact.id", index=True, ondelete="CASCADE")
    label: str
    year: int | None = None
    month: int
    day: int


class UndoCommand(SQLModel, table=True):
    """One srm command that changed the store, newest last; `srm undo` reverts them in turn."""

    __tablename__ = "undo_command"
    id: int | None = Field(default=None, primary_key=True)
    command: str  # as typed, e.g. log maria "venue shortlist"
    created_at: str
    undone_at: str | None = None
    # Who ran it (team mode): `srm undo` reverts only your own; NULL: run without `me`.
    member_id: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")


class UndoChange(SQLModel, table=True):
    """A row a command changed, as JSON images before and after (NULL: absent), written by triggers."""

    __tablename__ = "undo_change"
    __table_args__ = (Index("ix_undo_change_row", "tbl", "pk"),)
    id: int | None = Field(default=None, primary_key=True)
    command_id: int = Field(foreign_key="undo_command.id", index=True, ondelete="CASCADE")
    tbl: str
    pk: str  # JSON array of the primary key's values
    row_before: str | None = None
    row_after: str | None = None


class UndoState(SQLModel, table=True):
    """One row: the command being recorded, or NULL when nothing is (writers outside srm)."""

    __tablename__ = "undo_state"
    __table_args__ = (CheckConstraint("id = 1", name="undo_state_single"),)
    id: int = Field(primary_key=True)
    command_id: int | None = None


class Erasure(SQLModel, table=True):
    """That a person was erased (`srm rm`, GDPR art. 17) and when: never their name.

    `contact_uuid` is kept so that `srm restore` can erase them again from an older backup.
    """

    __tablename__ = "erasure"
    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(unique=True)
    contact_uuid: str = Field(unique=True)
    erased_on: date
    interactions: int  # interactions only about them, erased with them
    mentions: int  # other records whose text still named them when they were erased
    redacted: bool  # whether those mentions were replaced (and are again after a restore)
    created_at: str


class Handoff(SQLModel, table=True):
    """A contact passed from one team member to another (`srm handoff`), with a note."""

    __tablename__ = "handoff"
    __table_args__ = (Index("ix_handoff_contact_date", "contact_id", "handed_on"),)
    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(unique=True)
    contact_id: int = Field(foreign_key="contact.id", ondelete="CASCADE")
    from_member_id: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    to_member_id: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    by_member_id: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    note: str = ""
    handed_on: date
    created_at: str


class DistinctPair(SQLModel, table=True):
    """Two contacts the user said are different people (`srm distinct`): `srm duplicates`
    doesn't pair them again. One row a pair, the lower id first."""

    __tablename__ = "distinct_pair"
    __table_args__ = (
        CheckConstraint("contact_id < other_id", name="distinct_pair_ordered"),
        UniqueConstraint("contact_id", "other_id", name="distinct_pair_once"),
    )
    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(unique=True)
    contact_id: int = Field(foreign_key="contact.id", ondelete="CASCADE")
    other_id: int = Field(foreign_key="contact.id", index=True, ondelete="CASCADE")
    decided_on: date
    created_at: str


class ContactState(SQLModel, table=True):
    """What each contact's history implies now, kept by srm's write path (srm.domain.state).

    Derived, never edited: triggers mark a contact in `contact_state_dirty` whenever a change
    can move its state, and every srm write recomputes the marked contacts before it commits.
    `archived` and `snoozed_until` repeat the contact's so that `srm due` ranks from these
    narrow rows and indexes alone, reading contacts only for the twenty it shows.
    """

    __tablename__ = "contact_state"
    __table_args__ = (
        # Check-ins: every column the urgency and the filters need, in due-date order
        # (covering), for contacts not archived.
        Index(
            "ix_contact_state_next_due",
            "next_due",
            "weight",
            "cadence_days",
            "open_followups",
            "last_on",
            "snoozed_until",
            "archived",
            sqlite_where=text("archived = 0"),
        ),
        # Repairs: the few contacts whose latest interaction went badly (covering).
        Index(
            "ix_contact_state_repair",
            "last_on",
            "weight",
            "last_sentiment",
            "archived",
            sqlite_where=text("last_sentiment = 'negative' AND archived = 0"),
        ),
        # A contact's weight by id, from a narrow index (follow-ups, goals, dates).
        Index("ix_contact_state_weight", "contact_id", "weight", "archived"),
    )
    contact_id: int = Field(foreign_key="contact.id", primary_key=True, ondelete="CASCADE")
    last_on: date | None = Field(default=None, index=True)  # the latest interaction …
    last_id: int | None = None  # … (same day: the highest id)
    last_sentiment: str | None = None
    last_channel: str | None = None
    cadence: str | None = None  # effective cadence as shown; NULL: not tracked
    cadence_days: float | None = None  # its length in days, to scale lateness
    cadence_default: bool  # it came from the config's default_cadence
    weight: float  # the largest weight among its segments (1 without one)
    next_due: date | None = None  # NULL: not tracked
    open_followups: int
    asks: int  # interactions that were asks, all time
    gives: int  # … and gives
    asks_since_give: int  # asks logged after the latest give
    archived: bool  # the contact's archived_at is set
    snoozed_until: date | None = None  # the contact's


class ContactStateDirty(SQLModel, table=True):
    """Contacts whose state a change may have moved, until the write recomputes them."""

    __tablename__ = "contact_state_dirty"
    contact_id: int = Field(primary_key=True)


class ContactStateMeta(SQLModel, table=True):
    """One row: the default cadence the state was computed with (it comes from a config)."""

    __tablename__ = "contact_state_meta"
    __table_args__ = (CheckConstraint("id = 1", name="contact_state_meta_single"),)
    id: int = Field(primary_key=True)
    default_cadence: str


class InteractionDay(SQLModel, table=True):
    """Interactions per day, kind, sentiment and channel: the report's counts of a period
    (srm.domain.summary). Kept by triggers on `interaction` that add and take away one."""

    __tablename__ = "interaction_day"
    __table_args__ = {"sqlite_with_rowid": False}  # read by key ranges: the key is the table
    day: date = Field(primary_key=True)
    kind: str = Field(primary_key=True)
    sentiment: str = Field(primary_key=True)
    channel: str = Field(primary_key=True)
    interactions: int


class ContactMonth(SQLModel, table=True):
    """Each contact's interactions in each calendar month it had any (srm.domain.summary):
    the report's per-contact figures of a period read a row per contact and month, not each
    interaction. Derived like contact_state: triggers mark (contact, month) in
    `contact_month_dirty`, every srm write recomputes the marked ones before it commits."""

    __tablename__ = "contact_month"
    __table_args__ = {"sqlite_with_rowid": False}  # read by key ranges: the key is the table
    month: str = Field(primary_key=True)  # YYYY-MM of interaction_contact.occurred_on
    contact_id: int = Field(
        foreign_key="contact.id", primary_key=True, index=True, ondelete="CASCADE"
    )
    interactions: int
    asks: int
    gives: int
    first_on: date  # its first and last interaction in the month
    last_on: date


class SharedSegment(SQLModel, table=True):
    """For each interaction and each segment holding more than one of its contacts, how many
    (srm.domain.summary), with the interaction's date and kind: a report sums a segment's
    members' figures, then takes away what two members shared, reading one short date range of
    these. Kept by triggers on `interaction_contact`, `contact_segment` and `interaction`."""

    __tablename__ = "shared_segment"
    __table_args__ = (
        Index("ix_shared_segment_interaction", "interaction_id"),
        {"sqlite_with_rowid": False},  # read by date ranges: the key is the table
    )
    occurred_on: date = Field(primary_key=True)  # the interaction's
    interaction_id: int = Field(foreign_key="interaction.id", primary_key=True, ondelete="CASCADE")
    segment_id: int = Field(primary_key=True)
    kind: str  # the interaction's
    members: int  # its contacts in the segment (two or more)


class ContactMonthDirty(SQLModel, table=True):
    """(contact, month) pairs a change may have moved, until the write recomputes them."""

    __tablename__ = "contact_month_dirty"
    contact_id: int = Field(primary_key=True)
    month: str = Field(primary_key=True)
