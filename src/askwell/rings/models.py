"""Tables of the rings domain: rings, their members, requests (asks linked to a ring), ring offers,
the facilitator's pairings and the per-ring event log."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
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


class RingMode(StrEnum):
    LIVE = "live"  # one session at a date and time, request after request
    ASYNC = "async"  # open over a window of days


class RingStatus(StrEnum):
    PREPARING = "preparing"  # set up; participants write their requests
    LIVE = "live"  # the live session runs
    PAUSED = "paused"  # the live session is paused (the timer stops)
    OPEN = "open"  # an async ring takes requests and offers
    CLOSED = "closed"  # over: assignment, follow-ups and the report remain


class MemberStatus(StrEnum):
    INVITED = "invited"
    JOINED = "joined"
    LEFT = "left"
    HOSTING = "hosting"  # a facilitator who does not bring a request


class RequestStatus(StrEnum):
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"  # its author left the ring


class RingOfferKind(StrEnum):
    HELP = "help"  # "I can help"
    KNOW_SOMEONE = "know_someone"  # "I know someone"
    RESOURCE = "resource"  # "I have a resource"


class PairingStatus(StrEnum):
    PROPOSED = "proposed"
    REMOVED = "removed"
    CONFIRMED = "confirmed"


def _person_fk(column: str) -> ForeignKeyConstraint:
    return ForeignKeyConstraint(["org_id", column], ["people.org_id", "people.id"], ondelete="CASCADE")


def _ring_fk() -> ForeignKeyConstraint:
    return ForeignKeyConstraint(["org_id", "ring_id"], ["rings.org_id", "rings.id"], ondelete="CASCADE")


class Ring(Base):
    __tablename__ = "rings"
    __table_args__ = (
        UniqueConstraint("org_id", "id"),
        _person_fk("created_by_id"),
        Index("ix_rings_org_id_status_starts_at", "org_id", "status", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    purpose: Mapped[str] = mapped_column(Text, default="")
    guidelines: Mapped[str] = mapped_column(Text, default="")
    mode: Mapped[str] = mapped_column(String(16), default=RingMode.LIVE.value)
    status: Mapped[str] = mapped_column(String(16), default=RingStatus.PREPARING.value)
    # Live: when the session starts and ends. Async: the window the ring is open.
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    capacity: Mapped[int] = mapped_column(Integer, default=30)
    # Anyone in the organization may see and join the ring, not only the people invited.
    open_call: Mapped[bool] = mapped_column(Boolean, default=False)
    leader_first: Mapped[bool] = mapped_column(Boolean, default=False)
    leader_id: Mapped[int | None] = mapped_column(Integer, default=None)
    # Live session: seconds each request gets on the facilitator's timer.
    request_seconds: Mapped[int] = mapped_column(Integer, default=180)
    current_position: Mapped[int | None] = mapped_column(Integer, default=None)
    current_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    # Optimistic concurrency for the console: two facilitators pressing "next" advance it once.
    version: Mapped[int] = mapped_column(Integer, default=1)
    # The last sequence number written to ring_events (monotonic per ring).
    event_seq: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class RingMember(Base):
    """A person invited to, taking part in, or facilitating a ring (one row per person and ring)."""

    __tablename__ = "ring_members"
    __table_args__ = (
        UniqueConstraint("org_id", "ring_id", "person_id"),
        _ring_fk(),
        _person_fk("person_id"),
        Index("ix_ring_members_org_id_person_id", "org_id", "person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    ring_id: Mapped[int] = mapped_column(Integer, index=True)
    person_id: Mapped[int] = mapped_column(Integer)
    facilitator: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default=MemberStatus.INVITED.value)
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime())
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    nudged_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    # Async rings: the last digest of new requests sent to this member.
    digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class RingRequest(Base):
    """A participant's one request: an ask (with its SMART coaching) linked to the ring."""

    __tablename__ = "ring_requests"
    __table_args__ = (
        UniqueConstraint("org_id", "id"),
        UniqueConstraint("org_id", "ring_id", "person_id"),
        UniqueConstraint("org_id", "ask_id"),
        _ring_fk(),
        _person_fk("person_id"),
        ForeignKeyConstraint(["org_id", "ask_id"], ["asks.org_id", "asks.id"], ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    ring_id: Mapped[int] = mapped_column(Integer, index=True)
    person_id: Mapped[int] = mapped_column(Integer)
    ask_id: Mapped[int] = mapped_column(Integer)
    # Order in the live session (leader first when the ring says so); set when the ring starts.
    position: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default=RequestStatus.ACTIVE.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RingOffer(Base):
    """An offer made in the ring: the ask's own offer, with the ring's one-click kind beside it."""

    __tablename__ = "ring_offers"
    __table_args__ = (
        UniqueConstraint("org_id", "offer_id"),
        _ring_fk(),
        _person_fk("helper_id"),
        ForeignKeyConstraint(
            ["org_id", "request_id"], ["ring_requests.org_id", "ring_requests.id"], ondelete="CASCADE"
        ),
        ForeignKeyConstraint(["org_id", "offer_id"], ["offers.org_id", "offers.id"], ondelete="CASCADE"),
        Index("ix_ring_offers_org_id_ring_id_request_id", "org_id", "ring_id", "request_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    ring_id: Mapped[int] = mapped_column(Integer)
    request_id: Mapped[int] = mapped_column(Integer)
    offer_id: Mapped[int] = mapped_column(Integer)
    helper_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RingPairing(Base):
    """A helper paired with a request: proposed by the assignment, adjusted, then confirmed."""

    __tablename__ = "ring_pairings"
    __table_args__ = (
        UniqueConstraint("org_id", "ring_id", "request_id", "helper_id"),
        _ring_fk(),
        _person_fk("helper_id"),
        ForeignKeyConstraint(
            ["org_id", "request_id"], ["ring_requests.org_id", "ring_requests.id"], ondelete="CASCADE"
        ),
        Index("ix_ring_pairings_status_confirmed_at", "status", "confirmed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    ring_id: Mapped[int] = mapped_column(Integer, index=True)
    request_id: Mapped[int] = mapped_column(Integer)
    helper_id: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(16))  # offer | suggestion | facilitator
    explanation: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=PairingStatus.PROPOSED.value)
    # The accepted offer on the ask once confirmed: the asks' done/thanks flow carries it from there.
    offer_id: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    # Follow-up reminders (requester and helper), each claimed once by a conditional update.
    followup_7_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    followup_30_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class RingEvent(Base):
    """Every change to a ring, in order: the source for live pages and ``Last-Event-ID`` replay.

    Written in the same transaction as the change, so a rolled-back change leaves no event.
    """

    __tablename__ = "ring_events"
    __table_args__ = (UniqueConstraint("org_id", "ring_id", "seq"), _ring_fk())

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    ring_id: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
