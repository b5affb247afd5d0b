"""The pure schedule: DST gaps and overlaps, half-hour zones, holidays, away days, several teams."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from askwell.standups.schedule import (
    Away,
    Cadence,
    is_holiday,
    next_prompt,
    parse_weekdays,
    prompt_instant,
    prompt_on,
)

WEEKDAYS = frozenset({1, 2, 3, 4, 5})
ZONES = [
    "America/New_York",
    "America/St_Johns",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Australia/Adelaide",
    "Australia/Lord_Howe",
    "Pacific/Auckland",
    "Pacific/Chatham",
    "UTC",
]


def team(team_id: int = 1, at: time = time(9, 30), **kw: object) -> Cadence:
    fields: dict[str, object] = {"weekdays": WEEKDAYS, "window": timedelta(hours=4), **kw}
    return Cadence(team_id=team_id, at=at, **fields)  # type: ignore[arg-type]


class TestDaylightSaving:
    def test_a_time_that_does_not_exist_moves_to_the_jump(self) -> None:
        ny = ZoneInfo("America/New_York")
        at = prompt_instant(date(2026, 3, 8), time(2, 30), ny)
        assert at == datetime(2026, 3, 8, 7, 0, tzinfo=UTC)
        assert at.astimezone(ny).time() == time(3, 0)

    def test_a_time_that_happens_twice_takes_the_first(self) -> None:
        ny = ZoneInfo("America/New_York")
        at = prompt_instant(date(2026, 11, 1), time(1, 30), ny)
        assert at == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # still on summer time (UTC-4)

    def test_half_hour_offsets(self) -> None:
        assert prompt_instant(date(2026, 3, 9), time(9, 30), ZoneInfo("Asia/Kolkata")) == datetime(
            2026, 3, 9, 4, 0, tzinfo=UTC
        )
        # St John's: UTC-2:30 in summer.
        assert prompt_instant(date(2026, 7, 1), time(9, 0), ZoneInfo("America/St_Johns")) == datetime(
            2026, 7, 1, 11, 30, tzinfo=UTC
        )

    def test_lord_howe_jumps_half_an_hour(self) -> None:
        lh = ZoneInfo("Australia/Lord_Howe")
        at = prompt_instant(date(2026, 10, 4), time(2, 15), lh)
        assert at.astimezone(lh).replace(tzinfo=None) == datetime(2026, 10, 4, 2, 30)


class TestDays:
    def test_weekend_is_skipped(self) -> None:
        found = next_prompt([team()], tz=ZoneInfo("UTC"), from_day=date(2026, 3, 7))  # a Saturday
        assert found is not None and found.local_date == date(2026, 3, 9)

    def test_public_holiday_is_skipped(self) -> None:
        cadence = team(country="DE", subdivision="BY")
        assert is_holiday(cadence, date(2026, 1, 6))  # Epiphany in Bavaria
        found = next_prompt([cadence], tz=ZoneInfo("Europe/Berlin"), from_day=date(2026, 1, 6))
        assert found is not None and found.local_date == date(2026, 1, 7)

    def test_holidays_differ_by_subdivision(self) -> None:
        assert not is_holiday(team(country="DE", subdivision="BE"), date(2026, 1, 6))

    def test_unknown_country_has_no_holidays(self) -> None:
        assert not is_holiday(team(country="ZZ"), date(2026, 1, 1))

    def test_away_days_are_skipped(self) -> None:
        away = [Away(date(2026, 3, 9), date(2026, 3, 13))]
        found = next_prompt([team()], tz=ZoneInfo("UTC"), from_day=date(2026, 3, 9), away=away)
        assert found is not None and found.local_date == date(2026, 3, 16)

    def test_several_teams_one_prompt_at_the_earliest_time(self) -> None:
        early = team(1, time(9, 0), window=timedelta(hours=1))
        late = team(2, time(11, 0), window=timedelta(hours=2))
        found = prompt_on([early, late], tz=ZoneInfo("UTC"), day=date(2026, 3, 9))
        assert found is not None
        assert found.team_ids == (1, 2)
        assert found.due_at == datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
        assert found.closes_at == datetime(2026, 3, 9, 13, 0, tzinfo=UTC)

    def test_only_the_teams_meeting_that_day(self) -> None:
        mondays = team(1, weekdays=frozenset({1}))
        fridays = team(2, weekdays=frozenset({5}))
        found = prompt_on([mondays, fridays], tz=ZoneInfo("UTC"), day=date(2026, 3, 13))
        assert found is not None and found.team_ids == (2,)

    def test_no_weekdays_no_prompt(self) -> None:
        assert (
            next_prompt([team(weekdays=frozenset())], tz=ZoneInfo("UTC"), from_day=date(2026, 3, 9)) is None
        )

    def test_weekdays_parse_ignores_nonsense(self) -> None:
        assert parse_weekdays("1, 3,9,x,7") == frozenset({1, 3, 7})


@st.composite
def members(draw: st.DrawFn) -> tuple[str, time, frozenset[int], list[Away], str | None]:
    tz = draw(st.sampled_from(ZONES))
    at = time(draw(st.integers(0, 23)), draw(st.sampled_from([0, 15, 30, 45])))
    weekdays = frozenset(draw(st.sets(st.integers(1, 7), min_size=1)))
    start = date(2026, 1, 1) + timedelta(days=draw(st.integers(0, 360)))
    away = [Away(start, start + timedelta(days=draw(st.integers(0, 20))))]
    country = draw(st.sampled_from([None, "US", "GB", "IN", "AU", "DE", "NZ", "CA", "BR"]))
    return tz, at, weekdays, away, country


@settings(max_examples=25, deadline=None)
@given(members())
def test_one_prompt_per_standup_day_at_local_time_for_a_whole_year(
    member: tuple[str, time, frozenset[int], list[Away], str | None],
) -> None:
    """Walking the year prompt by prompt (as the worker does) gives exactly the stand-up days, once
    each, at the member's local time (or just after a DST jump), never on holidays or away days."""
    name, at, weekdays, away, country = member
    tz = ZoneInfo(name)
    cadence = team(at=at, weekdays=weekdays, country=country)
    first, last = date(2026, 1, 1), date(2026, 12, 31)
    expected = {
        first + timedelta(days=i)
        for i in range((last - first).days + 1)
        if (first + timedelta(days=i)).isoweekday() in weekdays
        and not is_holiday(cadence, first + timedelta(days=i))
        and not away[0].covers(first + timedelta(days=i))
    }
    seen: list[date] = []
    day = first
    for _ in range(400):
        found = next_prompt([cadence], tz=tz, from_day=day, away=away)
        if found is None or found.local_date > last:
            break
        local = found.due_at.astimezone(tz)
        assert local.date() == found.local_date
        wall = datetime.combine(found.local_date, at)
        shown = local.replace(tzinfo=None)
        # On time, or (the time did not exist that day) at the jump, within the gap's length.
        assert shown == wall or wall < shown <= wall + timedelta(hours=1)
        if shown != wall:
            assert (found.due_at - timedelta(seconds=1)).astimezone(tz).replace(tzinfo=None) < wall
        seen.append(found.local_date)
        day = found.local_date + timedelta(days=1)
    assert len(seen) == len(set(seen))
    assert set(seen) == expected
