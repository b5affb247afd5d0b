"""Working hours: when a person works, DST-safe, as pure functions over zones and instants.

Shared by routing (escalate after "N working hours", overlap between two people) and huddles (who
is working now, a slot everyone can make). Working hours are 09:00–17:00 local, Monday to Friday,
unless a ``WorkingHours`` says otherwise. Each window's ends are local readings turned into instants
by ``core.clock.local_at``, so a day with a daylight-saving change still runs 09:00 to 17:00 on the
local clock, and durations are measured in UTC.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from askwell.core.clock import local_at

#: The default working day; a profile with other hours passes its own ``WorkingHours``.
WORK_START = time(9, 0)
WORK_END = time(17, 0)
WORK_DAYS = frozenset({0, 1, 2, 3, 4})  # Monday..Friday

#: The longest span working-hours arithmetic walks through (a year): a person with no working days
#: at all must not loop forever.
MAX_DAYS = 366


@dataclass(frozen=True)
class WorkingHours:
    start: time = WORK_START
    end: time = WORK_END
    days: frozenset[int] = WORK_DAYS


DEFAULT_HOURS = WorkingHours()


def working_windows(
    start: datetime, tz: ZoneInfo, hours: WorkingHours = DEFAULT_HOURS
) -> Iterator[tuple[datetime, datetime]]:
    """The working windows (UTC, start < end) from ``start``'s local day on, in order, for a year at most.

    A window that already ended before ``start`` is still yielded; callers clip it.
    """
    if hours.end <= hours.start or not hours.days:
        return
    day = start.astimezone(tz).date()
    for offset in range(MAX_DAYS + 1):
        current = day + timedelta(days=offset)
        if current.weekday() not in hours.days:
            continue
        opens = local_at(current, hours.start, tz).astimezone(UTC)
        closes = local_at(current, hours.end, tz).astimezone(UTC)
        if closes > opens:
            yield opens, closes


def in_working_hours(at: datetime, tz: ZoneInfo, hours: WorkingHours = DEFAULT_HOURS) -> bool:
    for opens, closes in working_windows(at - timedelta(days=1), tz, hours):
        if opens > at:
            return False
        if opens <= at < closes:
            return True
    return False


def add_working_hours(
    start: datetime, amount: timedelta, tz: ZoneInfo, hours: WorkingHours = DEFAULT_HOURS
) -> datetime:
    """The instant when ``amount`` of working time has passed since ``start`` (UTC).

    Time outside working hours does not count: 4 working hours after Friday 16:00 is Monday 12:00.
    With no working hours at all, the answer is a year on (never an endless loop).
    """
    start = start.astimezone(UTC)
    left = amount
    if left <= timedelta(0):
        return start
    for opens, closes in working_windows(start, tz, hours):
        begin = max(opens, start)
        if closes <= begin:
            continue
        if begin + left <= closes:
            return begin + left
        left -= closes - begin
    return start + timedelta(days=MAX_DAYS)


def working_time_between(
    start: datetime, end: datetime, tz: ZoneInfo, hours: WorkingHours = DEFAULT_HOURS
) -> timedelta:
    """Working time in [start, end): the inverse of ``add_working_hours`` (for tests and reports)."""
    total = timedelta(0)
    if end <= start:
        return total
    for opens, closes in working_windows(start, tz, hours):
        if opens >= end:
            break
        begin, finish = max(opens, start), min(closes, end)
        if finish > begin:
            total += finish - begin
    return total


def overlap(
    a: tuple[ZoneInfo, WorkingHours], b: tuple[ZoneInfo, WorkingHours], *, now: datetime, span: timedelta
) -> timedelta:
    """How long both are in working hours at once during [now, now + span)."""
    end = now + span
    mine = _clip(working_windows(now, a[0], a[1]), now, end)
    theirs = _clip(working_windows(now, b[0], b[1]), now, end)
    total = timedelta(0)
    for a_open, a_close in mine:
        for b_open, b_close in theirs:
            begin, finish = max(a_open, b_open), min(a_close, b_close)
            if finish > begin:
                total += finish - begin
    return total


def _clip(
    windows: Iterator[tuple[datetime, datetime]], start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    clipped = []
    for opens, closes in windows:
        if opens >= end:
            break
        begin, finish = max(opens, start), min(closes, end)
        if finish > begin:
            clipped.append((begin, finish))
    return clipped
