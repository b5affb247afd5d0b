"""Tables of huddles: a huddle someone called, and each helper invited to it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from askwell.core.db import Base, UTCDateTime


class HuddleStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
    DONE = "done"  # its outcome was recorded


class InviteState(StrEnum):
    INVITED = "invited"
    JOINED = "joined"
    CANT = "cant"


def _person_fk(column: str) -> ForeignKeyConstraint:
    return ForeignKeyConstraint(["org_id", column], ["people.org_id", "people.id"], ondelete="CASCADE")


class Huddle(Base):
    __tablename__ = "huddles"
    __table_args__ = (
        UniqueConstraint("org_id", "id"),
        _person_fk("caller_id"),
        Index("ix_huddles_org_id_caller_id", "org_id", "caller_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    caller_id: Mapped[int] = mapped_column(Integer)
    topic: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default=HuddleStatus.SCHEDULED.value)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The calendar's identity of this huddle (stable) and its revision (grows on each change).
    uid: Mapped[str] = mapped_column(String(200))
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    link: Mapped[str] = mapped_column(String(500))
    resolved: Mapped[bool | None] = mapped_column(Boolean, default=None)
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class HuddleInvite(Base):
    __tablename__ = "huddle_invites"
    __table_args__ = (
        UniqueConstraint("org_id", "huddle_id", "person_id"),
        ForeignKeyConstraint(["org_id", "huddle_id"], ["huddles.org_id", "huddles.id"], ondelete="CASCADE"),
        _person_fk("person_id"),
        Index("ix_huddle_invites_org_id_person_id", "org_id", "person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    huddle_id: Mapped[int] = mapped_column(Integer, index=True)
    person_id: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16), default=InviteState.INVITED.value)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    # Thanked in the huddle's outcome (the thanks itself is a ledger entry).
    thanked: Mapped[bool] = mapped_column(Boolean, default=False)
