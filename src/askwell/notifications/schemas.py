"""Shapes of notification settings, shared by the settings page and the API."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from askwell.notifications.preferences import Channel, Event


class EventSettingRead(BaseModel):
    event: Event
    label: str
    description: str
    channel: Channel = Field(description="`inbox`: the inbox only; `email`: the inbox and email")


class NotificationSettingsRead(BaseModel):
    digest: bool = Field(description="One email a day with what is unread, instead of one email each")
    digest_hour: int = Field(description="The hour on your own clock at which the digest is sent")
    email_available: bool = Field(description="Whether this server sends email at all")
    events: list[EventSettingRead]


class NotificationSettingsUpdate(BaseModel):
    """Only what changes: events left out keep their channel, a missing ``digest`` keeps its value."""

    model_config = ConfigDict(extra="forbid")

    digest: bool | None = None
    events: dict[Event, Channel] = Field(default_factory=dict)
