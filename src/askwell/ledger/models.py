"""The ledger table: one row per thing that happened; rows are never updated or deleted."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from askwell.core.db import Base, UTCDateTime


class EntryKind(StrEnum):
    ASK_OPENED = "ask_opened"
    ASK_CLOSED = "ask_closed"
    ASKED_DIRECTLY = "asked_directly"
    OFFER_MADE = "offer_made"
    OFFER_ACCEPTED = "offer_accepted"
    OFFER_DECLINED = "offer_declined"
    HELP_GIVEN = "help_given"
    THANKS = "thanks"
    INTRODUCTION = "introduction"
    # A ring's facilitator paired a helper with a request (network.learn: tie origin "ring").
    RING_MATCH = "ring_match"


class LedgerEntry(Base):
    """Who did what for whom, when. ``actor`` acts; ``subject`` is the other person, if any."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        Index("ix_ledger_entries_org_id_actor_id_at", "org_id", "actor_id", "at"),
        Index("ix_ledger_entries_org_id_subject_id_at", "org_id", "subject_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    # People are referenced by id only: the ledger outlives deactivation and must never block it.
    actor_id: Mapped[int] = mapped_column()
    subject_id: Mapped[int | None] = mapped_column(default=None)
    ask_id: Mapped[int | None] = mapped_column(default=None, index=True)
    offer_id: Mapped[int | None] = mapped_column(default=None)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
