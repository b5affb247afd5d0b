"""Tables of the stand-ups domain: each team's settings, people's away periods, the one prompt a
person gets per local stand-up day, their next scheduled prompt, and check-ins with their answers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from askwell.core.db import Base, UTCDateTime


def _person_fk(column: str = "person_id") -> ForeignKeyConstraint:
    return ForeignKeyConstraint(["org_id", column], ["people.org_id", "people.id"], ondelete="CASCADE")


def _team_fk() -> ForeignKeyConstraint:
    return ForeignKeyConstraint(["org_id", "team_id"], ["teams.org_id", "teams.id"], ondelete="CASCADE")


class StandupSettings(Base):
    """A team's stand-up: on which weekdays, at what local time (each member's own clock), for how
    long answers are on time, and which questions. One row per team; no row, no stand-up."""

    __tablename__ = "standup_settings"
    __table_args__ = (UniqueConstraint("org_id", "team_id"), UniqueConstraint("org_id", "id"), _team_fk())

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int] = mapped_column(Integer)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # ISO weekdays (1 = Monday ... 7 = Sunday) as "1,2,3,4,5": readable in a dump, easy to edit.
    weekdays: Mapped[str] = mapped_column(String(20), default="1,2,3,4,5")
    # "HH:MM" on each member's own clock.
    prompt_time: Mapped[str] = mapped_column(String(5), default="09:30")
    window_minutes: Mapped[int] = mapped_column(Integer, default=240)
    # [{"key": "worked_on", "text": "What did you work on?", "optional": false}, ...]
    questions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # Optional questions of which one is asked a day, in turn.
    rotating: Mapped[list[str]] = mapped_column(JSON, default=list)
    holiday_country: Mapped[str | None] = mapped_column(String(2), default=None)
    holiday_subdivision: Mapped[str | None] = mapped_column(String(10), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class StandupAway(Base):
    """A period a person is away (both days included): no prompt, no reminder, no nagging."""

    __tablename__ = "standup_away"
    __table_args__ = (_person_fk(), Index("ix_standup_away_org_id_person_id", "org_id", "person_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(Integer)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class StandupSchedule(Base):
    """A person's next prompt, computed ahead (``schedule.next_prompt``) so that the worker's tick
    finds what is due through one index on ``next_at`` instead of recomputing every person's clock.

    One row per person, whatever the number of their teams: that is what makes one prompt cover them
    all. Recomputed when a team's settings change and after each prompt; ``standups.sync`` adds rows
    for new members and drops those of people no longer in a stand-up team."""

    __tablename__ = "standup_schedules"
    __table_args__ = (
        UniqueConstraint("org_id", "person_id"),
        _person_fk(),
        Index("ix_standup_schedules_next_at", "next_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(Integer)
    # None: no stand-up day ahead (every team paused, or away for good).
    next_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    local_date: Mapped[date | None] = mapped_column(Date, default=None)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class StandupPrompt(Base):
    """The one prompt of one person for one local stand-up day, covering all their teams.

    The unique key is the exactly-once guarantee: two workers (or a tick that catches up) may both
    try to insert it; one wins, and only the winner writes the inbox item and the email."""

    __tablename__ = "standup_prompts"
    __table_args__ = (
        UniqueConstraint("org_id", "person_id", "local_date"),
        UniqueConstraint("org_id", "id"),
        _person_fk(),
        Index("ix_standup_prompts_remind_at", "remind_at"),
        Index("ix_standup_prompts_digest_at", "digest_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(Integer)
    local_date: Mapped[date] = mapped_column(Date)
    # The team ids the prompt covers.
    team_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # A private reminder before the window closes; cleared once answered or sent.
    remind_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    # The team's digest for this person, once their window closes; cleared when sent.
    digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Checkin(Base):
    """A person's answers for one stand-up day; seen by their teams, or only by the lead (``private``)."""

    __tablename__ = "standup_checkins"
    __table_args__ = (
        UniqueConstraint("org_id", "person_id", "local_date"),
        UniqueConstraint("org_id", "id"),
        _person_fk(),
        _team_fk(),
        Index("ix_standup_checkins_org_id_team_id_local_date", "org_id", "team_id", "local_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(Integer)
    # The team the check-in is filed under (its board shows it); the person's other teams see it too.
    team_id: Mapped[int] = mapped_column(Integer)
    prompt_id: Mapped[int | None] = mapped_column(Integer, default=None)
    local_date: Mapped[date] = mapped_column(Date)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    private: Mapped[bool] = mapped_column(Boolean, default=False)
    # The ask drafted from a need found in the answers (a draft until the member confirms it).
    ask_id: Mapped[int | None] = mapped_column(Integer, default=None)
    need_text: Mapped[str | None] = mapped_column(Text, default=None)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CheckinAnswer(Base):
    __tablename__ = "standup_answers"
    __table_args__ = (
        UniqueConstraint("org_id", "checkin_id", "question_key"),
        ForeignKeyConstraint(
            ["org_id", "checkin_id"], ["standup_checkins.org_id", "standup_checkins.id"], ondelete="CASCADE"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    checkin_id: Mapped[int] = mapped_column(Integer, index=True)
    question_key: Mapped[str] = mapped_column(String(40))
    # The question as it was asked that day (settings may change later).
    question: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
