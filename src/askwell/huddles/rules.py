"""Huddles, as pure rules: who is free to help now, and a short slot everyone's working hours share.

No session, no I/O, ``now`` passed in.

* ``choose_helpers``: among people in working hours *now* (never the caller, the inactive or someone
  away), the best who-can-help scores first; with no score at all, the caller's teammates.
* ``plan``: helpers are added best first while a common slot of ``minutes`` still exists within
  ``HORIZON``; the slot starts at the first five-minute mark at least ``LEAD`` from now that lies in
  everyone's working hours. A helper whose hours share no such slot with the others is left out
  rather than making the huddle impossible.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from askwell.core.workhours import DEFAULT_HOURS, WorkingHours, in_working_hours, working_windows

#: A huddle is short: 10 to 15 minutes.
MIN_MINUTES, MAX_MINUTES, DEFAULT_MINUTES = 10, 15, 15
#: How many helpers are invited: a huddle of five is a meeting.
MAX_HELPERS = 3
#: Time to see the invitation and open the link.
LEAD = timedelta(minutes=5)
#: A huddle is for now-ish: a slot later than this is no huddle (call again tomorrow).
HORIZON = timedelta(hours=4)
ROUND = timedelta(minutes=5)
# How far ahead a caller may move a huddle (it is for being stuck now, not for planning weeks ahead).
MAX_RESCHEDULE = timedelta(days=14)


@dataclass(frozen=True)
class Person:
    person_id: int
    tz: ZoneInfo
    hours: WorkingHours = DEFAULT_HOURS


@dataclass(frozen=True)
class HelperCandidate:
    person: Person
    score: float = 0.0
    active: bool = True
    away: bool = False
    teammate: bool = False


def working_now(person: Person, *, now: datetime) -> bool:
    return in_working_hours(now, person.tz, person.hours)


def choose_helpers(
    candidates: Sequence[HelperCandidate], *, caller_id: int, now: datetime, limit: int = MAX_HELPERS * 2
) -> list[HelperCandidate]:
    """People who could help and are working now, best first; an empty list when nobody is working."""
    free = [
        c
        for c in candidates
        if c.person.person_id != caller_id and c.active and not c.away and working_now(c.person, now=now)
    ]
    scored = [c for c in free if c.score > 0]
    pool = scored or [c for c in free if c.teammate]
    pool.sort(key=lambda c: (-c.score, not c.teammate, c.person.person_id))
    return pool[: max(limit, 0)]


def _round_up(at: datetime) -> datetime:
    at = at.astimezone(UTC)
    step = int(ROUND.total_seconds())
    # Whole seconds first, rounding any fraction up: 09:35:00.4 is after the 09:35 mark.
    seconds = int(at.timestamp()) + (1 if at.microsecond else 0)
    up = -(-seconds // step) * step
    return datetime.fromtimestamp(up, UTC)


def _windows(person: Person, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    found = []
    for opens, closes in working_windows(start, person.tz, person.hours):
        if opens >= end:
            break
        begin, finish = max(opens, start), min(closes, end)
        if finish > begin:
            found.append((begin, finish))
    return found


def _intersect(
    a: list[tuple[datetime, datetime]], b: list[tuple[datetime, datetime]]
) -> list[tuple[datetime, datetime]]:
    out = []
    for a0, a1 in a:
        for b0, b1 in b:
            begin, finish = max(a0, b0), min(a1, b1)
            if finish > begin:
                out.append((begin, finish))
    return sorted(out)


def common_slot(
    people: Sequence[Person], *, now: datetime, minutes: int = DEFAULT_MINUTES
) -> tuple[datetime, datetime] | None:
    """The earliest slot of ``minutes`` (UTC, on a five-minute mark, ``LEAD`` from now at the earliest)
    inside everyone's working hours and within ``HORIZON``; None when there is none."""
    length = timedelta(minutes=minutes)
    start = _round_up(now + LEAD)
    end = now + HORIZON
    shared: list[tuple[datetime, datetime]] = [(start, end)]
    for person in people:
        shared = _intersect(shared, _windows(person, start, end))
        if not shared:
            return None
    for begin, finish in shared:
        begin = _round_up(begin)
        if begin + length <= finish:
            return begin, begin + length
    return None


@dataclass(frozen=True)
class Plan:
    helpers: list[int]
    starts_at: datetime
    ends_at: datetime


def plan(
    caller: Person,
    helpers: Sequence[Person],
    *,
    now: datetime,
    minutes: int = DEFAULT_MINUTES,
    limit: int = MAX_HELPERS,
) -> Plan | None:
    """Helpers (best first) kept while a common slot exists; None when nobody can share one with the caller."""
    minutes = min(max(minutes, MIN_MINUTES), MAX_MINUTES)
    kept: list[Person] = []
    slot: tuple[datetime, datetime] | None = None
    for helper in helpers:
        if len(kept) >= limit:
            break
        trial = common_slot([caller, *kept, helper], now=now, minutes=minutes)
        if trial is not None:
            kept.append(helper)
            slot = trial
    if not kept or slot is None:
        return None
    return Plan([p.person_id for p in kept], slot[0], slot[1])
