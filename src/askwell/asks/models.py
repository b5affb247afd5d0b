"""Tables of the asks domain: asks, their audience and history, offers and thanks."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from askwell.core.db import Base, UTCDateTime
from askwell.people.models import Person


class AskStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    FULFILLED = "fulfilled"
    PARTLY_FULFILLED = "partly_fulfilled"
    UNFULFILLED = "unfulfilled"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


class Visibility(StrEnum):
    PEOPLE = "people"  # only the people named
    TEAM = "team"
    ORG = "org"


class AudienceReason(StrEnum):
    """Why someone is in an ask's audience. Only ``direct`` rows are told "asked you directly" and count
    toward a helper's responsiveness; ``ring`` rows share a ring request with the ring's members."""

    DIRECT = "direct"
    RING = "ring"
    ROUTED = "routed"  # asked through routing (``routing.service``), which tells them itself


class OfferKind(StrEnum):
    DO = "do"
    ADVISE = "advise"
    RESOURCE = "resource"
    INTRODUCE = "introduce"


class OfferStatus(StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    DONE = "done"
    WITHDRAWN = "withdrawn"


def _person_fk(column: str) -> ForeignKeyConstraint:
    return ForeignKeyConstraint(["org_id", column], ["people.org_id", "people.id"], ondelete="CASCADE")


class Ask(Base):
    __tablename__ = "asks"
    __table_args__ = (
        UniqueConstraint("org_id", "id"),
        _person_fk("author_id"),
        Index("ix_asks_org_id_status_created_at", "org_id", "status", "created_at"),
        Index("ix_asks_org_id_author_id", "org_id", "author_id"),
        Index("ix_asks_status_due_at", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(String(140))
    body: Mapped[str] = mapped_column(Text, default="")
    what: Mapped[str] = mapped_column(Text, default="")
    why: Mapped[str] = mapped_column(Text, default="")
    action: Mapped[str] = mapped_column(Text, default="")
    effort_hours: Mapped[float | None] = mapped_column(Float, default=None)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    visibility: Mapped[str] = mapped_column(String(16), default=Visibility.ORG.value)
    # Checked against the author's organization by the service; SET NULL keeps the ask if the team goes.
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), default=None)
    status: Mapped[str] = mapped_column(String(20), default=AskStatus.DRAFT.value)
    coaching_score: Mapped[int] = mapped_column(Integer, default=0)
    # The author's own guess (0-100) that they will get help; shown beside the likely rate.
    own_guess: Mapped[int | None] = mapped_column(Integer, default=None)
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    due_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    tags: Mapped[list[AskTag]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="AskTag.position"
    )
    audience: Mapped[list[AskAudience]] = relationship(lazy="raise", cascade="all, delete-orphan")
    offers: Mapped[list[Offer]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="Offer.id"
    )
    author: Mapped[Person] = relationship(lazy="raise", viewonly=True)

    @property
    def tag_names(self) -> list[str]:
        return [t.name for t in self.tags]


class AskTag(Base):
    __tablename__ = "ask_tags"
    __table_args__ = (
        UniqueConstraint("org_id", "ask_id", "key"),
        ForeignKeyConstraint(["org_id", "ask_id"], ["asks.org_id", "asks.id"], ondelete="CASCADE"),
        Index("ix_ask_tags_org_id_key", "org_id", "key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    ask_id: Mapped[int] = mapped_column(index=True)
    name: Mapped[str] = mapped_column(String(60))
    key: Mapped[str] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(default=0)


class AskAudience(Base):
    """People an ask is shared with: the named people of a private ask, and anyone asked directly."""

    __tablename__ = "ask_audience"
    __table_args__ = (
        UniqueConstraint("org_id", "ask_id", "person_id"),
        ForeignKeyConstraint(["org_id", "ask_id"], ["asks.org_id", "asks.id"], ondelete="CASCADE"),
        _person_fk("person_id"),
        Index("ix_ask_audience_org_id_person_id", "org_id", "person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    ask_id: Mapped[int] = mapped_column(index=True)
    person_id: Mapped[int] = mapped_column()
    asked_directly_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    reason: Mapped[str] = mapped_column(
        String(16), default=AudienceReason.DIRECT.value, server_default=AudienceReason.DIRECT.value
    )


class AskRevision(Base):
    """The ask as it was before an edit: edits are kept as history."""

    __tablename__ = "ask_revisions"
    __table_args__ = (
        UniqueConstraint("org_id", "ask_id", "version"),
        ForeignKeyConstraint(["org_id", "ask_id"], ["asks.org_id", "asks.id"], ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    ask_id: Mapped[int] = mapped_column(index=True)
    version: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    edited_by_id: Mapped[int] = mapped_column()
    edited_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Offer(Base):
    __tablename__ = "offers"
    __table_args__ = (
        UniqueConstraint("org_id", "id"),
        ForeignKeyConstraint(["org_id", "ask_id"], ["asks.org_id", "asks.id"], ondelete="CASCADE"),
        _person_fk("helper_id"),
        Index("ix_offers_org_id_helper_id_status", "org_id", "helper_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    ask_id: Mapped[int] = mapped_column(index=True)
    helper_id: Mapped[int] = mapped_column()
    kind: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(Text, default="")
    hours: Mapped[float | None] = mapped_column(Float, default=None)
    # For an introduction: whom the helper proposes to introduce.
    introduce_id: Mapped[int | None] = mapped_column(default=None)
    status: Mapped[str] = mapped_column(String(16), default=OfferStatus.PROPOSED.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    thanks: Mapped[list[Thanks]] = relationship(lazy="raise", cascade="all, delete-orphan")
    helper: Mapped[Person] = relationship(
        lazy="raise", viewonly=True, foreign_keys="[Offer.org_id, Offer.helper_id]"
    )


class Thanks(Base):
    __tablename__ = "thanks"
    __table_args__ = (
        # One thank-you per offer: thanking twice is a conflict, not a second row.
        UniqueConstraint("org_id", "offer_id"),
        ForeignKeyConstraint(["org_id", "offer_id"], ["offers.org_id", "offers.id"], ondelete="CASCADE"),
        _person_fk("from_id"),
        Index("ix_thanks_org_id_to_id", "org_id", "to_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    offer_id: Mapped[int] = mapped_column()
    from_id: Mapped[int] = mapped_column()
    to_id: Mapped[int] = mapped_column()
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
