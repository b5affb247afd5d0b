"""Shapes only the API needs: partial updates, team details, invitations as admins see them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

from askwell.people.schemas import (
    ClockTime,
    LongText,
    Name,
    PersonSummary,
    ShortText,
    Skills,
    TeamRead,
    Timezone,
)


class ProfilePatch(BaseModel):
    """A partial profile update: only the fields sent change."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    title: ShortText | None = None
    timezone: Timezone | None = None
    skills: Skills | None = None
    can_help_with: LongText | None = None
    learning: LongText | None = None
    away_until: date | None = None
    suggestible: bool | None = None
    work_start: ClockTime | None = None
    work_end: ClockTime | None = None
    work_days: list[int] | None = None

    @model_validator(mode="after")
    def _no_null_except_away(self) -> ProfilePatch:
        # null means "clear" only where clearing makes sense; a profile always has a name, a timezone...
        nulls = [f for f in self.model_fields_set if f != "away_until" and getattr(self, f) is None]
        if nulls:
            raise ValueError(f"{', '.join(sorted(nulls))} may not be null")
        return self

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)


class TeamMember(PersonSummary):
    is_lead: bool


class TeamDetail(TeamRead):
    members: list[TeamMember]


class MembershipUpdate(BaseModel):
    """Body of PUT /teams/{id}/members/{person_id}; optional. Only admins may appoint leads."""

    model_config = ConfigDict(extra="forbid")

    lead: bool = False


class InvitationStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REVOKED = "revoked"
    EXPIRED = "expired"


class InvitationRead(BaseModel):
    """An invitation as admins see it; the link's secret is only ever in the email."""

    id: int
    email: str
    name: str
    role: str
    status: InvitationStatus
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None
    revoked_at: datetime | None


class FieldError(BaseModel):
    field: str
    message: str
    type: str = ""


class ApiError(BaseModel):
    """Every error the API answers with; ``fields`` only on 422."""

    error: str
    detail: str
    fields: list[FieldError] | dict[str, str] | None = None
