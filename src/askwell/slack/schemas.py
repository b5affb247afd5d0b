"""Shapes of the Slack domain: what the admin page shows, a manual link, and Slack's inbound fields."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

#: Slack ids (T…, U…, W…): upper-case letters and digits.
SlackId = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Z0-9]{2,32}$")]
#: The text after ``/ask`` (Slack allows 4,000 characters in a command).
COMMAND_TEXT_MAX = 4000


class InstallationRead(BaseModel):
    """What the admin page says about the installation (never the token)."""

    model_config = ConfigDict(from_attributes=True)

    team_id: str
    team_name: str
    active: bool
    inactive_reason: str | None
    installed_at: datetime
    scopes: str


class LinkRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    person_id: int
    slack_user_id: str
    source: str


class LinkWrite(BaseModel):
    """An admin's manual override: this person is that Slack user."""

    person_id: int = Field(ge=1, le=2**31 - 1)
    slack_user_id: SlackId


class SlashCommand(BaseModel):
    """The fields of a slash command we read (Slack posts them form-encoded)."""

    command: str = Field(max_length=40)
    team_id: SlackId
    user_id: SlackId
    trigger_id: str = Field(max_length=200)
    text: str = Field(default="", max_length=COMMAND_TEXT_MAX)
