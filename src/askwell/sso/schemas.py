"""Validated shapes of single sign-on's settings. The client secret is written, never read back."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from askwell.core.validation import SingleLine

Issuer = Annotated[str, StringConstraints(strip_whitespace=True, min_length=8, max_length=500), SingleLine]
ClientId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300), SingleLine]
Secret = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500), SingleLine]


class SsoSettingsUpdate(BaseModel):
    """An admin's form. An empty ``client_secret`` keeps the stored one (the form never shows it)."""

    model_config = ConfigDict(extra="forbid")

    issuer: Issuer
    client_id: ClientId
    client_secret: Secret = ""
    allowed_domains: list[Annotated[str, StringConstraints(max_length=253)]] = Field(
        min_length=1, max_length=50
    )
    sso_only: bool = False
    enabled: bool = True


class SsoSettingsRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    issuer: str
    client_id: str
    allowed_domains: list[str]
    sso_only: bool
    enabled: bool
    has_client_secret: bool = True
