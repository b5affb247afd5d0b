"""Tables of the insights domain: daily rollups of the ledger, membership history, sharing choices.

Every row is derived from the ledger (``insights rebuild`` recreates them exactly) except
``InsightSpell`` (the membership history the job records, so that a person who moves teams keeps
their past in the old team) and ``InsightShare`` (the person's own choice).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from askwell.core.db import Base, UTCDateTime

#: The counters every rollup row carries, in one order (rows, CSV, API and the pure rules agree).
COUNTERS: tuple[str, ...] = (
    "asks",
    "offers",
    "help_given",
    "help_received",
    "thanks_given",
    "thanks_received",
)


class InsightSpell(Base):
    """One stretch of one person's membership of one team. ``since`` None: from the beginning (the
    membership the job found the first time it looked); ``until`` None: still a member."""

    __tablename__ = "insight_spells"
    __table_args__ = (
        Index("ix_insight_spells_org_id_person_id", "org_id", "person_id"),
        # A team's spells, and team sizes (grouped by team, counting people) without a scan of the org's.
        Index("ix_insight_spells_org_id_team_id_person_id", "org_id", "team_id", "person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(Integer)
    team_id: Mapped[int] = mapped_column(Integer)
    since: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    until: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class PersonDay(Base):
    """What one person did and received on one (UTC) day. Absent when the organization has switched
    individual analytics off."""

    __tablename__ = "insight_person_days"
    __table_args__ = (
        UniqueConstraint("org_id", "person_id", "day"),
        Index("ix_insight_person_days_org_id_day", "org_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(Integer)
    day: Mapped[date] = mapped_column(Date)
    asks: Mapped[int] = mapped_column(Integer, default=0)
    offers: Mapped[int] = mapped_column(Integer, default=0)
    help_given: Mapped[int] = mapped_column(Integer, default=0)
    help_received: Mapped[int] = mapped_column(Integer, default=0)
    thanks_given: Mapped[int] = mapped_column(Integer, default=0)
    thanks_received: Mapped[int] = mapped_column(Integer, default=0)


class TeamDay(Base):
    """What the members of one team (members on that day) did on one day. ``team_id`` 0 is the
    organization as a whole (every entry once, whatever the teams)."""

    __tablename__ = "insight_team_days"
    __table_args__ = (
        UniqueConstraint("org_id", "team_id", "day"),
        Index("ix_insight_team_days_org_id_day", "org_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(Integer)
    day: Mapped[date] = mapped_column(Date)
    asks: Mapped[int] = mapped_column(Integer, default=0)
    offers: Mapped[int] = mapped_column(Integer, default=0)
    help_given: Mapped[int] = mapped_column(Integer, default=0)
    help_received: Mapped[int] = mapped_column(Integer, default=0)
    thanks_given: Mapped[int] = mapped_column(Integer, default=0)
    thanks_received: Mapped[int] = mapped_column(Integer, default=0)


class TeamFlow(Base):
    """Help given by members of one team to members of another (or the same) team on one day."""

    __tablename__ = "insight_team_flows"
    __table_args__ = (
        UniqueConstraint("org_id", "day", "giver_team_id", "receiver_team_id"),
        # A team's own row and column of the matrix, without reading the whole organization's.
        Index("ix_insight_team_flows_org_id_giver_team_id_day", "org_id", "giver_team_id", "day"),
        Index("ix_insight_team_flows_org_id_receiver_team_id_day", "org_id", "receiver_team_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)
    giver_team_id: Mapped[int] = mapped_column(Integer)
    receiver_team_id: Mapped[int] = mapped_column(Integer)
    help: Mapped[int] = mapped_column(Integer, default=0)


class AskFact(Base):
    """One ask's course as a group's trends need it: when it opened, first got an offer, got help. One
    row per team the author was in when it opened, and one for the organization (``team_id`` 0). The
    job keeps ``AskWeek`` from these rows; views read only ``AskWeek``."""

    __tablename__ = "insight_ask_facts"
    __table_args__ = (
        UniqueConstraint("org_id", "team_id", "ask_id"),
        # The job's lookups by ask; views read ``AskWeek``, never these rows.
        Index("ix_insight_ask_facts_org_id_ask_id", "org_id", "ask_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(Integer)
    ask_id: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int] = mapped_column(Integer)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    first_offer_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    helped_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class AskWeek(Base):
    """The asks a team's members (team 0: anyone) opened in one week, by their delay to a first offer.

    ``delay_minutes`` is the delay rounded down to its bucket (``rollup.delay_bucket``: a minute under
    2 hours, 10 minutes under 2 days, an hour under 2 weeks, a day beyond), or -1 for asks without an
    offer yet. Counting asks per bucket lets a view take a week's median time to a first offer, its
    offered, fulfilled and unanswered shares from a few hundred rows at most, whatever the number of
    asks; the rows are kept from the ``AskFact`` rows a batch changed (its old course out, its new in).
    """

    __tablename__ = "insight_ask_weeks"
    __table_args__ = (UniqueConstraint("org_id", "team_id", "week", "delay_minutes"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(Integer)
    #: The Monday (UTC) of the week the asks opened.
    week: Mapped[date] = mapped_column(Date)
    delay_minutes: Mapped[int] = mapped_column(Integer)
    asks: Mapped[int] = mapped_column(Integer, default=0)
    #: Of ``asks``, those that got help.
    helped: Mapped[int] = mapped_column(Integer, default=0)


class InsightShare(Base):
    """A person's choice to let the leads of their teams read their balance (absent: private)."""

    __tablename__ = "insight_shares"
    __table_args__ = (UniqueConstraint("org_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(Integer)
    with_lead: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
