"""What huddles show and accept."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from askwell.core.db import MAX_ID
from askwell.huddles.rules import DEFAULT_MINUTES, MAX_MINUTES, MIN_MINUTES


class HuddleCreate(BaseModel):
    topic: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=200)]
    minutes: int = Field(default=DEFAULT_MINUTES, ge=MIN_MINUTES, le=MAX_MINUTES)
    #: Look for helpers in this team only (default: the whole organization).
    team_id: int | None = Field(default=None, ge=1, le=MAX_ID)


class HuddleReschedule(BaseModel):
    """A new start for a huddle (its length stays). A naive time is in the caller's timezone."""

    starts_at: datetime


class HuddleAnswer(BaseModel):
    join: bool


class HuddleOutcome(BaseModel):
    resolved: bool
    #: Invitees to thank; each thanks is a ledger entry like any other.
    thank: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(default_factory=list, max_length=10)
    note: str = Field(default="", max_length=2000)


class InviteRead(BaseModel):
    person_id: int
    name: str
    state: str
    thanked: bool


class HuddleRead(BaseModel):
    id: int
    topic: str
    status: str
    caller_id: int
    caller_name: str
    starts_at: datetime
    ends_at: datetime
    link: str
    sequence: int
    resolved: bool | None
    outcome_note: str
    invites: list[InviteRead]
    #: The reader's own invitation state, when invited.
    my_state: str | None = None
