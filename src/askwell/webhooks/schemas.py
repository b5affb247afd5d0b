"""Validated input and output shapes of the webhooks domain, shared by pages and API.

No read shape has a ``secret`` field: the secret leaves the server once, in ``EndpointCreated``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from askwell.core.validation import SingleLine

Url = Annotated[str, StringConstraints(strip_whitespace=True, min_length=8, max_length=2000), SingleLine]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200), SingleLine]
EventName = Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)]


class EndpointCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: Url
    events: list[EventName] = Field(min_length=1, max_length=20)
    description: Description = ""


class EndpointUpdate(BaseModel):
    """What an admin may change; a field left out stays as it is. Re-enabling clears the reason."""

    model_config = ConfigDict(extra="forbid")

    events: list[EventName] | None = Field(default=None, min_length=1, max_length=20)
    description: Description | None = None
    enabled: bool | None = None


class EndpointRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    url: str
    description: str
    events: list[str]
    enabled: bool
    disabled_reason: str | None
    disabled_at: datetime | None
    created_at: datetime


class EndpointCreated(EndpointRead):
    """The one answer that carries the signing secret: store it now, it is never shown again."""

    secret: str


class AttemptRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    attempt: int
    at: datetime
    ok: bool
    status_code: int | None
    duration_ms: int
    error: str | None


class DeliveryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    msg_id: str
    event_type: str
    status: str
    attempts: int
    created_at: datetime
    next_attempt_at: datetime | None
    finished_at: datetime | None
    log: list[AttemptRead] = Field(default_factory=list)
