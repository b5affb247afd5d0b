"""Shapes of notification settings, shared by the settings page and the API."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from askwell.notifications.preferences import Channel, DigestFrequency, Event


class EventSettingRead(BaseModel):
    event: Event
    label: str
    description: str
    channel: Channel = Field(description="`inbox`: the inbox only; `email`: the inbox and email")


class NotificationSettingsRead(BaseModel):
    digest: bool = Field(description="Emails come as one digest (daily or weekly) instead of one email each")
    digest_frequency: DigestFrequency = Field(
        description="`off`: one email per notification; `daily`: one digest a day; `weekly`: one on Mondays"
    )
    digest_hour: int = Field(description="The hour on your own clock at which the digest is sent")
    email_available: bool = Field(description="Whether this server sends email at all")
    events: list[EventSettingRead]


class NotificationSettingsUpdate(BaseModel):
    """Only what changes: events left out keep their channel, a missing ``digest`` keeps its value.

    ``digest_frequency`` is the full choice; ``digest`` (true: daily) is kept for older clients. When
    both are sent, ``digest_frequency`` wins."""

    model_config = ConfigDict(extra="forbid")

    digest: bool | None = None
    digest_frequency: DigestFrequency | None = None
    events: dict[Event, Channel] = Field(default_factory=dict)
