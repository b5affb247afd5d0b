"""Input and output shapes of the accounts domain."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from askwell.core.db import MAX_ID
from askwell.people.models import Role
from askwell.people.schemas import Email

MAX_INVITE_TEAMS = 20
TokenName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]


class InvitationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email
    name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)] = ""
    role: Role = Role.MEMBER
    # Teams (ids) the person joins on accepting.
    teams: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(
        default_factory=list, max_length=MAX_INVITE_TEAMS
    )


class ApiTokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: TokenName


class ApiTokenRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiTokenCreated(ApiTokenRead):
    """Returned once, at creation: the only time the secret is shown."""

    token: str
