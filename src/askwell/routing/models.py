"""Tables of routing: each routed ask, each person asked about it, and each team's routing settings."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, ForeignKeyConstraint, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from askwell.core.db import Base, UTCDateTime
from askwell.routing.rules import DEFAULT_ESCALATE_HOURS, MIN_PEERS


class RouteState(StrEnum):
    ASKED = "asked"  # waiting for their answer
    CLAIMED = "claimed"  # they took it: an offer was made through the asks flow
    CANT = "cant"  # they cannot help
    SUGGESTED = "suggested"  # they named someone better placed (``suggested_id``)


class RouteReason(StrEnum):
    PEER = "peer"  # chosen among the peers when the ask was routed
    NEXT = "next"  # the next candidate, after someone said "can't"
    SUGGESTED = "suggested"  # named by someone who was asked
    LEAD = "lead"  # the team's lead, after the peers stayed silent


def _person_fk(column: str) -> ForeignKeyConstraint:
    return ForeignKeyConstraint(["org_id", column], ["people.org_id", "people.id"], ondelete="CASCADE")


class RoutedAsk(Base):
    """An ask that was routed sideways: when, for which team, and when (and whether) the lead is asked."""

    __tablename__ = "routed_asks"
    __table_args__ = (
        UniqueConstraint("org_id", "ask_id"),
        UniqueConstraint("org_id", "id"),
        _person_fk("author_id"),
        ForeignKeyConstraint(["org_id", "ask_id"], ["asks.org_id", "asks.id"], ondelete="CASCADE"),
        ForeignKeyConstraint(["org_id", "team_id"], ["teams.org_id", "teams.id"], ondelete="CASCADE"),
        Index("ix_routed_asks_escalate_at", "escalated_at", "escalate_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    ask_id: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int] = mapped_column(Integer)
    team_id: Mapped[int] = mapped_column(Integer)
    # The stand-up check-in the need came from (an id only: stand-ups are a sibling domain).
    checkin_id: Mapped[int | None] = mapped_column(Integer, default=None)
    routed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # N working hours after ``routed_at`` in the author's timezone.
    escalate_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Set once, by a conditional UPDATE: two workers escalate an ask once.
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class RouteRequest(Base):
    """One person asked about one routed ask, and their answer."""

    __tablename__ = "route_requests"
    __table_args__ = (
        UniqueConstraint("org_id", "ask_id", "person_id"),
        ForeignKeyConstraint(
            ["org_id", "routed_id"], ["routed_asks.org_id", "routed_asks.id"], ondelete="CASCADE"
        ),
        _person_fk("person_id"),
        Index("ix_route_requests_org_id_person_id_asked_at", "org_id", "person_id", "asked_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    routed_id: Mapped[int] = mapped_column(Integer, index=True)
    ask_id: Mapped[int] = mapped_column(Integer)
    person_id: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(16), default=RouteReason.PEER.value)
    # Who named this person, for a suggested request (an id only: they may be erased later).
    suggested_by_id: Mapped[int | None] = mapped_column(Integer, default=None)
    state: Mapped[str] = mapped_column(String(16), default=RouteState.ASKED.value)
    # For SUGGESTED: the person they named.
    suggested_id: Mapped[int | None] = mapped_column(Integer, default=None)
    # For CLAIMED: the offer made through the asks flow.
    offer_id: Mapped[int | None] = mapped_column(Integer, default=None)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class RoutingSettings(Base):
    """A team's routing choices; a team without a row has the defaults."""

    __tablename__ = "routing_settings"
    __table_args__ = (
        UniqueConstraint("org_id", "team_id"),
        ForeignKeyConstraint(["org_id", "team_id"], ["teams.org_id", "teams.id"], ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int] = mapped_column(Integer)
    escalate_after_hours: Mapped[int] = mapped_column(Integer, default=DEFAULT_ESCALATE_HOURS)
    peers_per_ask: Mapped[int] = mapped_column(Integer, default=MIN_PEERS)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
