"""Tables of the network domain: ties between people, introductions, reconnect nudges."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
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


def _person_fk(column: str) -> ForeignKeyConstraint:
    return ForeignKeyConstraint(["org_id", column], ["people.org_id", "people.id"], ondelete="CASCADE")


class Tie(Base):
    """An undirected relationship, stored once with ``a_id < b_id``.

    ``mass`` is the decayed interaction evidence at ``last_at``; today's strength is derived from it
    by ``network.rules`` (decay since ``last_at``, then saturation), so nothing needs rewriting as
    time passes.
    """

    __tablename__ = "ties"
    __table_args__ = (
        UniqueConstraint("org_id", "a_id", "b_id"),
        CheckConstraint("a_id < b_id", name="ordered_pair"),
        _person_fk("a_id"),
        _person_fk("b_id"),
        Index("ix_ties_org_id_b_id", "org_id", "b_id"),
        # Insights count the ties formed each week (0014_insights_rollups).
        Index("ix_ties_org_id_first_at", "org_id", "first_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    a_id: Mapped[int] = mapped_column()
    b_id: Mapped[int] = mapped_column()
    mass: Mapped[float] = mapped_column(Float, default=0.0)
    interactions: Mapped[int] = mapped_column(Integer, default=0)
    # Where the evidence came from: imported, same_team, offer, help_given, thanks, ring, standup, intro.
    origins: Mapped[list[str]] = mapped_column(JSON, default=list)
    first_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class IntroStatus(StrEnum):
    REQUESTED = "requested"  # waiting for the connector
    CONNECTOR_ACCEPTED = "connector_accepted"  # waiting for the target
    REDIRECTED = "redirected"  # the connector suggested someone else
    CONNECTOR_DECLINED = "connector_declined"
    TARGET_ACCEPTED = "target_accepted"
    TARGET_DECLINED = "target_declined"
    WITHDRAWN = "withdrawn"


class Introduction(Base):
    """asker → connector → target. The target stays hidden from the asker until the connector agrees."""

    __tablename__ = "introductions"
    __table_args__ = (
        UniqueConstraint("org_id", "id"),
        _person_fk("asker_id"),
        _person_fk("connector_id"),
        _person_fk("target_id"),
        Index("ix_introductions_org_id_connector_id_status", "org_id", "connector_id", "status"),
        Index("ix_introductions_org_id_asker_id", "org_id", "asker_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    ask_id: Mapped[int | None] = mapped_column(ForeignKey("asks.id", ondelete="SET NULL"), default=None)
    # A free query ("someone who knows SOC 2 audits") when there is no ask.
    query: Mapped[str] = mapped_column(Text, default="")
    asker_id: Mapped[int] = mapped_column()
    connector_id: Mapped[int] = mapped_column()
    target_id: Mapped[int] = mapped_column()
    suggested_target_id: Mapped[int | None] = mapped_column(default=None)
    status: Mapped[str] = mapped_column(String(24), default=IntroStatus.REQUESTED.value)
    message: Mapped[str] = mapped_column(Text, default="")
    connector_note: Mapped[str] = mapped_column(Text, default="")
    target_note: Mapped[str] = mapped_column(Text, default="")
    score: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    connector_responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    target_responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class ReconnectNudge(Base):
    """A suggestion to reconnect with a dormant tie; at most one a week per person."""

    __tablename__ = "reconnect_nudges"
    __table_args__ = (
        _person_fk("person_id"),
        _person_fk("tie_person_id"),
        Index("ix_reconnect_nudges_org_id_person_id_sent_at", "org_id", "person_id", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column()
    tie_person_id: Mapped[int] = mapped_column()
    ask_id: Mapped[int | None] = mapped_column(ForeignKey("asks.id", ondelete="SET NULL"), default=None)
    message: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())
