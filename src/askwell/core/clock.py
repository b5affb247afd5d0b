"""The one source of "now", so that tests can freeze time without patching; and local wall-clock
times turned into instants (``local_at``), the one place that is done."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, tzinfo


class Clock:
    """Wall-clock time in UTC; `FrozenClock` replaces it in tests."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock(Clock):
    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FrozenClock needs a timezone-aware datetime")
        self._at = at

    def now(self) -> datetime:
        return self._at

    def advance(self, delta: timedelta) -> None:
        self._at += delta


Now = Callable[[], datetime]


def local_at(day: date, at: time, tz: tzinfo) -> datetime:
    """The instant a clock in ``tz`` reads ``at`` on ``day``, as an aware datetime in ``tz``.

    Daylight-saving changes make some readings impossible and others double; both get one answer:

    * **Nonexistent** (the clocks jump, e.g. 02:00 → 03:00 in New York on a spring-forward day):
      02:30 moves forward by the jump, to 03:30, the instant an unchanged clock would have read 02:30.
    * **Ambiguous** (the clocks fall back and 01:30 happens twice): the first occurrence, still on
      summer time (``fold=0``).

    The result is normalised (read back through UTC), so it never shows a time that did not exist.
    As with any aware datetimes sharing one tzinfo, Python subtracts them by wall clock: measure
    durations after ``.astimezone(UTC)``. ``at``'s own tzinfo and fold are ignored: it is a reading
    of the local clock.
    """
    reading = datetime.combine(day, at.replace(tzinfo=None, fold=0), tzinfo=tz)
    return reading.astimezone(UTC).astimezone(tz)
