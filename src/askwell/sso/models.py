"""Tables of the single sign-on domain: an organization's OpenID Connect provider, and the sign-ins
under way (state, nonce and PKCE verifier between the redirect to the provider and its callback)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from askwell.core.db import Base, UTCDateTime
from askwell.core.encryption import EncryptedText


class SsoConfig(Base):
    """One organization's identity provider. ``client_secret`` is written by an admin and read only by
    the code exchange: no page, API answer, log line or export shows it, and the column holds it
    encrypted (``EncryptedText``)."""

    __tablename__ = "sso_configs"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), unique=True)
    issuer: Mapped[str] = mapped_column(String(500))
    client_id: Mapped[str] = mapped_column(String(300))
    client_secret: Mapped[str] = mapped_column(EncryptedText())
    # Lower-case email domains whose people may sign in (and be created on first sign-in).
    allowed_domains: Mapped[list[str]] = mapped_column(JSON, default=list)
    # People of this organization may no longer sign in with a password.
    sso_only: Mapped[bool] = mapped_column(Boolean, default=False)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SsoLogin(Base):
    """A sign-in sent to the provider and not back yet. Keyed by the hash of its ``state``; used once."""

    __tablename__ = "sso_logins"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    state_hash: Mapped[str] = mapped_column(String(64), unique=True)
    nonce: Mapped[str] = mapped_column(String(100))
    code_verifier: Mapped[str] = mapped_column(String(200))
    next_path: Mapped[str] = mapped_column(String(500), default="/")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
