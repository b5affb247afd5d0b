"""Tables of the accounts domain. Every secret is stored as a SHA-256 hash, never in clear."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, ForeignKeyConstraint, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from askwell.core.db import Base, UTCDateTime


def _person_fk() -> ForeignKeyConstraint:
    return ForeignKeyConstraint(["org_id", "person_id"], ["people.org_id", "people.id"], ondelete="CASCADE")


class WebSession(Base):
    """A signed-in browser. The cookie holds the token; the table holds its hash."""

    __tablename__ = "web_sessions"
    __table_args__ = (_person_fk(),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ApiToken(Base):
    """A personal API token for /api/v1; revocable, shown once at creation."""

    __tablename__ = "api_tokens"
    __table_args__ = (_person_fk(),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(index=True)
    name: Mapped[str] = mapped_column(String(80))
    # The first characters, shown in lists so a person can tell tokens apart.
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class Invitation(Base):
    """A single-use, expiring link an admin sends to bring someone into the organization."""

    __tablename__ = "invitations"
    __table_args__ = (Index("ix_invitations_org_id_email", "org_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class InvitationTeam(Base):
    """A team the invited person joins on accepting. The team is referenced within the invitation's
    organization, so an invitation can never put someone into another organization's team."""

    __tablename__ = "invitation_teams"
    __table_args__ = (
        UniqueConstraint("org_id", "invitation_id", "team_id"),
        ForeignKeyConstraint(["org_id", "team_id"], ["teams.org_id", "teams.id"], ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitations.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int] = mapped_column(index=True)


class PasswordReset(Base):
    __tablename__ = "password_resets"
    __table_args__ = (_person_fk(),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


def account_key(email: str) -> str:
    """The key of an account's sign-in failures: its email, whatever the organization."""
    return f"email:{email.strip().lower()[:254]}"


def client_key(client: str) -> str:
    """The key of a client address's sign-in failures."""
    return f"client:{client}"[:300]


class LoginFailure(Base):
    """A failed sign-in, keyed by email and by client address, for rate limiting across processes."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
