"""Tables of the calendars domain: each person's private feed address (its secret, hashed)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, ForeignKeyConstraint, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from askwell.core.db import Base, UTCDateTime


class CalendarFeed(Base):
    """A feed address: ``/calendar/{secret}.ics``. Only the SHA-256 of the secret is kept (like API
    tokens), so the database cannot give the address back; the person sees it once, when created,
    and makes a new one (revoking the old) if it is lost or leaked."""

    __tablename__ = "calendar_feeds"
    __table_args__ = (
        ForeignKeyConstraint(["org_id", "person_id"], ["people.org_id", "people.id"], ondelete="CASCADE"),
        Index("ix_calendar_feeds_org_id_person_id", "org_id", "person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(Integer)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    # When a calendar last fetched it (shown on the settings page: "last read ...").
    last_read_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
