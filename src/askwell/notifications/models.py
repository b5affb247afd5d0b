"""The in-app inbox, and what each person chose to hear about by email."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, ForeignKeyConstraint, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from askwell.core.db import Base, UTCDateTime


class NotificationKind(StrEnum):
    NEW_OFFER = "new_offer"
    OFFER_ACCEPTED = "offer_accepted"
    OFFER_DECLINED = "offer_declined"
    OFFER_DONE = "offer_done"
    THANKS = "thanks"
    ASK_DUE_SOON = "ask_due_soon"
    ASK_EXPIRED = "ask_expired"
    ASKED_DIRECTLY = "asked_directly"
    OFFER_REMINDER = "offer_reminder"
    INTRO_REQUESTED = "intro_requested"
    INTRO_ACCEPTED = "intro_connector_accepted"
    INTRO_REDIRECTED = "intro_redirected"
    INTRO_DECLINED = "intro_declined"
    INTRO_TARGET_ACCEPTED = "intro_target_accepted"
    INTRO_TARGET_DECLINED = "intro_target_declined"
    INTRO_REMINDER = "intro_reminder"
    RECONNECT = "reconnect"
    RECONNECT_NUDGE = "reconnect_nudge"
    RING_INVITED = "ring_invited"
    RING_NUDGE = "ring_nudge"
    RING_DIGEST = "ring_digest"
    RING_FOLLOW_UP = "ring_follow_up"
    WEBHOOK_DISABLED = "webhook_disabled"
    STANDUP_PROMPT = "standup_prompt"
    STANDUP_REMINDER = "standup_reminder"
    STANDUP_DIGEST = "standup_digest"
    PRACTICE_REMINDER = "practice_reminder"
    PRACTICE_RETRO = "practice_retro"
    PRACTICE_REPORT = "practice_report"
    ROUTE_REQUESTED = "route_requested"
    ROUTE_DECLINED = "route_declined"
    HUDDLE_INVITED = "huddle_invited"
    HUDDLE_CANCELLED = "huddle_cancelled"


class Notification(Base):
    """One item of someone's inbox: what happened (``kind``) and the ids it is about, never its words.

    The text is written when the item is read (``notifications.inbox``), from the rows the ids name and
    through the reader's own access functions: an ask no longer shared with the reader shows no
    title, an erased person shows as erased, on the page and in the API alike. ``text`` holds words
    only for rows written before that (migration 0004) or imported from an older export.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        ForeignKeyConstraint(["org_id", "person_id"], ["people.org_id", "people.id"], ondelete="CASCADE"),
        Index("ix_notifications_org_id_person_id_read_at", "org_id", "person_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column()
    kind: Mapped[str] = mapped_column(String(32))
    # Rows are referred to by id only (no foreign keys): an inbox outlives the asks and people it names.
    actor_id: Mapped[int | None] = mapped_column(default=None)
    ask_id: Mapped[int | None] = mapped_column(default=None)
    offer_id: Mapped[int | None] = mapped_column(default=None)
    intro_id: Mapped[int | None] = mapped_column(default=None)
    ring_id: Mapped[int | None] = mapped_column(default=None)
    # Another person the item names (the dormant tie of a reconnect nudge).
    subject_id: Mapped[int | None] = mapped_column(default=None)
    # Words that exist nowhere else (a reconnect message); erased with their author.
    note: Mapped[str | None] = mapped_column(Text, default=None)
    text: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class NotificationSettings(Base):
    """One row per person who changed something; without a row every default holds."""

    __tablename__ = "notification_settings"
    __table_args__ = (
        ForeignKeyConstraint(["org_id", "person_id"], ["people.org_id", "people.id"], ondelete="CASCADE"),
        UniqueConstraint("org_id", "person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column()
    # One email a day instead of one per notification.
    digest: Mapped[bool] = mapped_column(Boolean, default=False)
    # With ``digest``: one email a week (on the person's Monday) instead of one a day.
    digest_weekly: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # When the last digest went out: the next one covers what came after, and at most one goes a day.
    last_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class NotificationChannel(Base):
    """A person's channel for one event (``preferences.Event``); events without a row keep the default."""

    __tablename__ = "notification_channels"
    __table_args__ = (
        ForeignKeyConstraint(["org_id", "person_id"], ["people.org_id", "people.id"], ondelete="CASCADE"),
        UniqueConstraint("org_id", "person_id", "event"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column()
    event: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(16))
