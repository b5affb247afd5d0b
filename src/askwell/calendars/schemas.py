"""What the calendars domain hands to pages and the API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class FeedRead(BaseModel):
    """A person's active feed, without its address (the secret is only known at creation)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    created_at: datetime
    last_read_at: datetime | None


class FeedCreated(FeedRead):
    """The one answer carrying the feed's address: copy it into a calendar now."""

    url: str
