"""Tables of the people domain. Every organization-owned row carries ``org_id``."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from askwell.core.db import Base, UTCDateTime
from askwell.core.workhours import WorkingHours

# Erased people get an address here: unique, and never deliverable (RFC 2606 reserves .invalid).
ERASED_EMAIL_DOMAIN = "erased.invalid"


class Role(StrEnum):
    MEMBER = "member"
    LEAD = "lead"
    ADMIN = "admin"


class Organization(Base):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    # An organization may switch individual analytics off (DESIGN.md §7).
    individual_analytics: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Person(Base):
    __tablename__ = "people"
    __table_args__ = (
        UniqueConstraint("org_id", "email"),
        # (org_id, id) is unique so that child tables can reference a person *within* an org.
        UniqueConstraint("org_id", "id"),
        Index("ix_people_org_id_sort_name", "org_id", "sort_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(120))
    # Lower-cased name for sorting and prefix search without a function index.
    sort_name: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(120), default="")
    # Case-folded name, title, email and skills in one column: one LIKE per search word, one scan.
    search_text: Mapped[str] = mapped_column(Text, default="")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    can_help_with: Mapped[str] = mapped_column(Text, default="")
    learning: Mapped[str] = mapped_column(Text, default="")
    away_until: Mapped[date | None] = mapped_column(Date, default=None)
    # Working hours on the person's own clock ("HH:MM") and ISO weekdays ("1,2,3,4,5"): routing
    # measures overlap and escalation time with them, huddles pick who is working now.
    work_start: Mapped[str] = mapped_column(String(5), default="09:00", server_default="09:00")
    work_end: Mapped[str] = mapped_column(String(5), default="17:00", server_default="17:00")
    work_days: Mapped[str] = mapped_column(String(20), default="1,2,3,4,5", server_default="1,2,3,4,5")
    role: Mapped[str] = mapped_column(String(16), default=Role.MEMBER.value)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # People may opt out of being suggested as helpers.
    suggestible: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str | None] = mapped_column(String(255), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    skills: Mapped[list[PersonSkill]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="PersonSkill.position"
    )
    memberships: Mapped[list[TeamMembership]] = relationship(
        lazy="raise", cascade="all, delete-orphan", overlaps="members"
    )

    @property
    def working_hours(self) -> WorkingHours:
        """The hours as ``core.workhours`` reads them; a malformed stored value falls back to 09–17."""
        try:
            start, end = time.fromisoformat(self.work_start), time.fromisoformat(self.work_end)
            days = frozenset(int(d) - 1 for d in self.work_days.split(",") if d.strip())
        except ValueError:
            return WorkingHours()
        return WorkingHours(start=start, end=end, days=days)

    @staticmethod
    def make_search_text(*, name: str, title: str, email: str, skills: list[str]) -> str:
        return " ".join([name, title, email, *skills]).casefold()

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN.value

    @property
    def is_erased(self) -> bool:
        """Erased on request (see ``people.privacy``): the row stays so that counts add up."""
        return self.email.endswith(f"@{ERASED_EMAIL_DOMAIN}")

    @property
    def skill_names(self) -> list[str]:
        return [s.name for s in self.skills]


class PersonSkill(Base):
    """One skill of one person; normalised so that the directory can search by skill."""

    __tablename__ = "person_skills"
    __table_args__ = (
        UniqueConstraint("org_id", "person_id", "key"),
        Index("ix_person_skills_org_id_key", "org_id", "key"),
        ForeignKeyConstraint(["org_id", "person_id"], ["people.org_id", "people.id"], ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(index=True)
    name: Mapped[str] = mapped_column(String(60))
    # Case-folded name: "Kubernetes" and "kubernetes" are one skill.
    key: Mapped[str] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(default=0)


class Team(Base):
    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("org_id", "slug"), UniqueConstraint("org_id", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    slug: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    memberships: Mapped[list[TeamMembership]] = relationship(
        lazy="raise", cascade="all, delete-orphan", overlaps="memberships"
    )


class TeamMembership(Base):
    __tablename__ = "team_memberships"
    __table_args__ = (
        UniqueConstraint("org_id", "team_id", "person_id"),
        ForeignKeyConstraint(["org_id", "team_id"], ["teams.org_id", "teams.id"], ondelete="CASCADE"),
        ForeignKeyConstraint(["org_id", "person_id"], ["people.org_id", "people.id"], ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int] = mapped_column(index=True)
    person_id: Mapped[int] = mapped_column(index=True)
    is_lead: Mapped[bool] = mapped_column(Boolean, default=False)

    team: Mapped[Team] = relationship(lazy="raise", viewonly=True)
    person: Mapped[Person] = relationship(lazy="raise", viewonly=True)
