"""What routing shows and accepts: route requests as their addressee sees them, answers and settings."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from askwell.core.db import MAX_ID
from askwell.routing.rules import DEFAULT_ESCALATE_HOURS, MAX_PEERS, MIN_PEERS


class RouteRead(BaseModel):
    id: int
    ask_id: int
    ask_title: str
    author_id: int
    author_name: str
    reason: str
    state: str
    suggested_id: int | None = None
    offer_id: int | None = None
    asked_at: datetime
    answered_at: datetime | None = None


class RouteClaim(BaseModel):
    message: str = Field(default="", max_length=2000)


class RouteCant(BaseModel):
    #: Ask one more candidate in my place.
    ask_next: bool = True


class RouteSuggest(BaseModel):
    person_id: int = Field(ge=1, le=MAX_ID)


class RoutingSettingsRead(BaseModel):
    team_id: int
    escalate_after_hours: int
    peers_per_ask: int


class RoutingSettingsUpdate(BaseModel):
    escalate_after_hours: int = Field(default=DEFAULT_ESCALATE_HOURS, ge=1, le=40)
    peers_per_ask: int = Field(default=MIN_PEERS, ge=MIN_PEERS, le=MAX_PEERS)


class AskRouteRead(BaseModel):
    """One person asked about the author's own ask, as the author sees it."""

    person_id: int
    person_name: str
    reason: str
    state: str
    asked_at: datetime
