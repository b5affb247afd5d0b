"""Tables of the stand-ups domain: each team's settings, people's away periods, the one prompt a
person gets per local stand-up day, their next scheduled prompt, and check-ins with their answers."""

from __future__ import annotations

from datetime import date, datetime
from enum import IntEnum
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


class PracticeLength(IntEnum):
    """A practice lasts long enough for the skepticism to wear off: 30 or 45 days."""

    THIRTY = 30
    FORTY_FIVE = 45


class StandupPractice(Base):
    """A lead's commitment to hold the team's stand-up for 30 or 45 days, and see whether it helped.

    The baseline (the team's figures over the weeks before ``starts_on``) is computed once, at the
    start, and stored: the report compares against what the team was, not what the history says after
    later edits. ``active`` is cleared when the practice ends or is stopped; the partial unique index
    makes "one active practice per team" hold even when two leads press Start at once.

    The practice goes with its team (like the team's settings and check-ins): a team deleted
    mid-practice leaves no report behind, and nothing for the reminder job to send."""

    __tablename__ = "standup_practices"
    __table_args__ = (
        UniqueConstraint("org_id", "id"),
        _team_fk(),
        Index("ix_standup_practices_active", "active"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int] = mapped_column(Integer)
    # Who started it (kept as a plain id: the practice outlives their account).
    started_by: Mapped[int | None] = mapped_column(Integer, default=None)
    days: Mapped[int] = mapped_column(Integer)
    starts_on: Mapped[date] = mapped_column(Date)
    # The last day of the practice (starts_on + days - 1).
    ends_on: Mapped[date] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # {"weeks": 6, "people": 7, "asks": 12, "asks_per_person_week": 0.29, ...}: see practice.Figures.
    baseline: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The last practice week (1, 2, ...) whose gentle reminder went out: the exactly-once claim.
    reminded_week: Mapped[int] = mapped_column(Integer, default=0)
    retro_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


# One active practice per team, whoever presses Start (a partial unique index: finished ones repeat).
Index(
    "uq_standup_practices_active_team",
    StandupPractice.org_id,
    StandupPractice.team_id,
    unique=True,
    sqlite_where=StandupPractice.active,
    postgresql_where=StandupPractice.active,
)


class RetroVote(Base):
    """One member's keep / change / drop for one stand-up question at the practice's mid-point retro.

    The person is kept only so that voting again replaces their vote; every read aggregates."""

    __tablename__ = "standup_retro_votes"
    __table_args__ = (
        UniqueConstraint("org_id", "practice_id", "person_id", "question_key"),
        ForeignKeyConstraint(
            ["org_id", "practice_id"],
            ["standup_practices.org_id", "standup_practices.id"],
            ondelete="CASCADE",
        ),
        _person_fk(),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    practice_id: Mapped[int] = mapped_column(Integer, index=True)
    person_id: Mapped[int] = mapped_column(Integer)
    question_key: Mapped[str] = mapped_column(String(40))
    choice: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
