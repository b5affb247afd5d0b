"""Time comes from one Clock; tests freeze it instead of patching."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from askwell.core.clock import Clock, FrozenClock


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
