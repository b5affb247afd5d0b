"""What the insights views return: the API's JSON and the pages' context, one shape for both."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel


class WindowCounts(BaseModel):
    """One person's counts over the last ``days`` days."""

    days: int
    asks: int
    help_received: int
    offers: int
    help_given: int
    thanks_given: int
    thanks_received: int


class WeekPoint(BaseModel):
    """One week (starting Monday) of one person's gives (offers + help given) and asks."""

    week: date
    gives: int
    asks: int


class NudgeRead(BaseModel):
    text: str
    action: str
    label: str
    href: str


class BalanceRead(BaseModel):
    """A person's balance: private to them, or to their lead when they chose to share it."""

    person_id: int
    name: str
    empty: bool
    windows: list[WindowCounts]
    weeks: list[WeekPoint]
    pattern: str
    pattern_words: str
    nudge: NudgeRead
    shared_with_lead: bool


class SharingUpdate(BaseModel):
    with_lead: bool


class Marker(BaseModel):
    """A before/after marker on a trend: a ring (or, later, a stand-up practice) that started then."""

    at: datetime
    kind: str
    label: str


class WeekTrend(BaseModel):
    """One week of a group's help. Every figure is None when fewer than 5 people made up the group."""

    week: date
    people: int
    suppressed: bool
    asks: int | None = None
    asks_per_person_week: float | None = None
    offered_share: float | None = None
    fulfilled_share: float | None = None
    median_hours_to_first_offer: float | None = None
    unanswered: int | None = None
    new_ties: int | None = None


class FlowCell(BaseModel):
    """Help given by one group's members to another's (groups under 5 people merged or left out)."""

    giver: str
    receiver: str
    help: int


class GroupInsight(BaseModel):
    """A team's or the organization's trends: aggregates only, never a person's figures."""

    scope: str
    team_id: int | None
    name: str
    people: int
    suppressed: bool
    weeks: list[WeekTrend]
    matrix: list[FlowCell]
    patterns: dict[str, float] | None
    markers: list[Marker]


class MonthAsks(BaseModel):
    month: str
    asks: int
    public: int


class MirrorRead(BaseModel):
    """A lead's private mirror: do they model asking for help?"""

    months: list[MonthAsks]
    my_asks_per_month: float
    team_asks_per_person_month: float | None
    rings_with_request: int
    rings_asked_first: int
    prompt: str
    example_title: str
    example_body: str
    example_href: str
