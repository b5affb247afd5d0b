"""Tables of the Slack domain: an organization's installation of the Slack app, the OAuth installs
under way, and which Slack user each person is."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, ForeignKeyConstraint, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from askwell.core.db import Base, UTCDateTime


class LinkSource(StrEnum):
    EMAIL = "email"  # Slack found a user with the person's (verified) email
    MANUAL = "manual"  # an admin said so; matching by email never overrides it


class SlackInstallation(Base):
    """The Slack workspace an organization installed the app into, and its bot token.

    ``team_id`` is unique across organizations: Slack sends us a team id and nothing else, so one
    workspace can belong to one organization only. ``bot_token`` is encrypted (``core.encryption``,
    sealed by the service under ASKWELL_ENCRYPTION_KEYS) and never shown, logged or exported.
    """

    __tablename__ = "slack_installations"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True, unique=True
    )
    team_id: Mapped[str] = mapped_column(String(32), unique=True)
    team_name: Mapped[str] = mapped_column(String(200), default="")
    bot_user_id: Mapped[str] = mapped_column(String(32), default="")
    bot_token: Mapped[str] = mapped_column(Text)
    scopes: Mapped[str] = mapped_column(String(1000), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Why it stopped working (token revoked, app uninstalled), shown on the admin page.
    inactive_reason: Mapped[str | None] = mapped_column(String(300), default=None)
    installed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), default=None
    )
    installed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SlackInstallState(Base):
    """One "Add to Slack" under way: its state (hashed) binds Slack's answer to the admin who asked,
    in their organization, once and for ten minutes."""

    __tablename__ = "slack_install_states"
    __table_args__ = (
        ForeignKeyConstraint(["org_id", "person_id"], ["people.org_id", "people.id"], ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column()
    state_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class SlackLink(Base):
    """A person is this Slack user (in their organization's workspace)."""

    __tablename__ = "slack_links"
    __table_args__ = (
        ForeignKeyConstraint(["org_id", "person_id"], ["people.org_id", "people.id"], ondelete="CASCADE"),
        UniqueConstraint("org_id", "person_id"),
        UniqueConstraint("org_id", "slack_user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column()
    slack_user_id: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(16), default=LinkSource.EMAIL.value)
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SlackSubmission(Base):
    """A modal Slack already turned into an ask: a replayed (or twice-sent) submission of the same view
    opens no second ask. Slack's view ids are unique across workspaces."""

    __tablename__ = "slack_submissions"
    __table_args__ = (UniqueConstraint("org_id", "view_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    view_id: Mapped[str] = mapped_column(String(64))
    ask_id: Mapped[int] = mapped_column(ForeignKey("asks.id", ondelete="CASCADE"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
