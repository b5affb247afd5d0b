"""When a person's stand-up prompt comes: pure rules over plain values, ``now`` passed in.

A prompt is at each team's local prompt time *on the member's own clock* (09:30 in Adelaide and
09:30 in St John's are different instants), on the team's weekdays, except on the team's public
holidays (the ``holidays`` package, by country and subdivision) and on the person's away days.
A person in several teams gets one prompt a day: the earliest of their teams' times that day,
covering every team whose stand-up falls on it.

Daylight saving, explicitly:

* a local time that does not exist (02:30 on a spring-forward day) moves to the first valid instant
  after it: the moment the clocks jump (03:00 in New York). This differs on purpose from
  ``core.clock.local_at`` (which shifts by the jump, to 03:30): a stand-up prompt should come as
  close as possible to the time the team chose, never later than needed.
* an ambiguous local time (01:30 on a fall-back day) takes its first occurrence.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache

import holidays as holiday_calendars

from askwell.core.clock import local_at

#: Far enough to find the next stand-up day after a long holiday season or away period.
HORIZON_DAYS = 400
ISO_WEEKDAYS = frozenset(range(1, 8))
#: A private reminder comes this far into the window (when the person has not answered).
REMIND_AFTER = 0.5


@dataclass(frozen=True)
class Cadence:
    """One team's stand-up as scheduling needs it."""

    team_id: int
    weekdays: frozenset[int]  # ISO weekdays, 1 = Monday
    at: time
    window: timedelta
    country: str | None = None
    subdivision: str | None = None


@dataclass(frozen=True)
class Away:
    """Days a person is away, both ends included."""

    starts_on: date
    ends_on: date

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


@dataclass(frozen=True)
class Prompt:
    """One person's prompt for one local stand-up day."""

    local_date: date
    due_at: datetime  # UTC
    closes_at: datetime  # UTC
    team_ids: tuple[int, ...]

    @property
    def remind_at(self) -> datetime:
        return self.due_at + (self.closes_at - self.due_at) * REMIND_AFTER


def parse_weekdays(text: str) -> frozenset[int]:
    """ "1,2,3,4,5" → {1..5}; anything else than ISO weekdays is ignored (validated at the schema)."""
    days = {int(part) for part in text.split(",") if part.strip().isdigit()}
    return frozenset(days & ISO_WEEKDAYS)


def parse_time(text: str) -> time:
    hours, _, minutes = text.partition(":")
    return time(int(hours), int(minutes or 0))


def prompt_instant(day: date, at: time, tz: tzinfo) -> datetime:
    """The UTC instant a clock in ``tz`` reads ``at`` on ``day`` (DST rules in the module docstring)."""
    first = local_at(day, at, tz).astimezone(UTC)  # ambiguous: fold=0, the first occurrence
    wanted = datetime.combine(day, at.replace(tzinfo=None, fold=0))
    if first.astimezone(tz).replace(tzinfo=None) == wanted:
        return first
    # The reading falls in a gap: ``first`` reads ``wanted`` plus the gap's length, so the jump lies
    # within that length before it; it is the earliest instant reading ``wanted`` or later.
    gap = first.astimezone(tz).replace(tzinfo=None) - wanted
    low, high = first - gap - timedelta(seconds=1), first
    while high - low > timedelta(seconds=1):
        mid = (low + (high - low) / 2).replace(microsecond=0)
        if mid.astimezone(tz).replace(tzinfo=None) >= wanted:
            high = mid
        else:
            low = mid
    return high


@lru_cache(maxsize=256)
def _calendar(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    try:
        found = holiday_calendars.country_holidays(country, subdiv=subdivision, years=year)
    except NotImplementedError:
        return frozenset()  # an unknown country or subdivision: no holidays rather than no stand-ups
    return frozenset(found.keys())


def is_holiday(cadence: Cadence, day: date) -> bool:
    if not cadence.country:
        return False
    return day in _calendar(cadence.country.upper(), cadence.subdivision or None, day.year)


def known_region(country: str, subdivision: str | None) -> bool:
    """Whether the ``holidays`` package knows this country (and subdivision)."""
    try:
        holiday_calendars.country_holidays(country.upper(), subdiv=subdivision or None, years=2026)
    except NotImplementedError:
        return False
    return True


def is_away(away: Iterable[Away], day: date) -> bool:
    return any(a.covers(day) for a in away)


def team_meets(cadence: Cadence, day: date) -> bool:
    """Whether the team holds its stand-up that day (a weekday of its cadence, not a holiday)."""
    return day.isoweekday() in cadence.weekdays and not is_holiday(cadence, day)


def prompt_on(
    cadences: Sequence[Cadence], *, tz: tzinfo, day: date, away: Sequence[Away] = ()
) -> Prompt | None:
    """The person's prompt on their local ``day``, or None (no team meets, or they are away)."""
    if is_away(away, day):
        return None
    meeting = [c for c in cadences if team_meets(c, day)]
    if not meeting:
        return None
    instants = [(prompt_instant(day, c.at, tz), c) for c in meeting]
    due_at = min(at for at, _ in instants)
    closes_at = max(at + c.window for at, c in instants)
    return Prompt(
        local_date=day,
        due_at=due_at,
        closes_at=closes_at,
        team_ids=tuple(sorted(c.team_id for c in meeting)),
    )


def next_prompt(
    cadences: Sequence[Cadence], *, tz: tzinfo, from_day: date, away: Sequence[Away] = ()
) -> Prompt | None:
    """The first prompt on or after the local day ``from_day``; None when there is none in sight."""
    if not any(c.weekdays for c in cadences):
        return None
    for offset in range(HORIZON_DAYS):
        found = prompt_on(cadences, tz=tz, day=from_day + timedelta(days=offset), away=away)
        if found is not None:
            return found
    return None


def local_today(now: datetime, tz: tzinfo) -> date:
    return now.astimezone(tz).date()


def is_late(prompt_closes_at: datetime | None, *, now: datetime) -> bool:
    """Answers after the window are accepted, and marked late."""
    return prompt_closes_at is not None and now > prompt_closes_at
