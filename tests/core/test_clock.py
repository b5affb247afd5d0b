"""Time comes from one Clock; tests freeze it instead of patching."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from askwell.core.clock import Clock, FrozenClock, local_at


def test_clock_gives_aware_utc_now() -> None:
    before = datetime.now(UTC)
    now = Clock().now()

    assert now.utcoffset() == timedelta(0)
    assert before <= now <= datetime.now(UTC)


def test_frozen_clock_stands_still_until_advanced() -> None:
    start = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    clock = FrozenClock(start)

    assert clock.now() == clock.now() == start
    clock.advance(timedelta(minutes=90))
    assert clock.now() == start + timedelta(minutes=90)


def test_frozen_clock_refuses_a_naive_datetime() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        FrozenClock(datetime(2026, 3, 2, 9, 30))


class TestLocalAt:
    """Local readings on the days New York changes its clocks (2026: 8 March forward, 1 November back)."""

    NEW_YORK = ZoneInfo("America/New_York")

    def test_an_ordinary_reading_is_that_local_time(self) -> None:
        at = local_at(date(2026, 3, 2), time(9, 30), self.NEW_YORK)
        assert (at.hour, at.minute, at.utcoffset()) == (9, 30, timedelta(hours=-5))
        assert at.astimezone(UTC) == datetime(2026, 3, 2, 14, 30, tzinfo=UTC)

    def test_a_time_that_does_not_exist_moves_forward_by_the_jump(self) -> None:
        at = local_at(date(2026, 3, 8), time(2, 30), self.NEW_YORK)
        assert (at.hour, at.minute, at.utcoffset()) == (3, 30, timedelta(hours=-4))
        assert at.astimezone(UTC) == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)

    def test_a_time_that_happens_twice_is_its_first_occurrence(self) -> None:
        at = local_at(date(2026, 11, 1), time(1, 30), self.NEW_YORK)
        assert at.astimezone(UTC) == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
        assert at.utcoffset() == timedelta(hours=-4)

    def test_a_fold_on_the_reading_is_ignored(self) -> None:
        second = time(1, 30, fold=1)
        assert local_at(date(2026, 11, 1), second, self.NEW_YORK) == local_at(
            date(2026, 11, 1), time(1, 30), self.NEW_YORK
        )

    def test_a_reading_in_the_gap_is_as_long_after_the_last_real_one_as_it_says(self) -> None:
        # 01:00 → "02:30" on the jump day: an hour and a half passes, and the clock then reads 03:30.
        before = local_at(date(2026, 3, 8), time(1, 0), self.NEW_YORK)
        after = local_at(date(2026, 3, 8), time(2, 30), self.NEW_YORK)
        assert after.astimezone(UTC) - before.astimezone(UTC) == timedelta(hours=1, minutes=30)

    def test_a_midnight_that_does_not_exist_moves_to_one_o_clock(self) -> None:
        # Santiago moves its clocks forward at midnight (2026-09-06).
        at = local_at(date(2026, 9, 6), time(0, 0), ZoneInfo("America/Santiago"))
        assert (at.day, at.hour) == (6, 1)
