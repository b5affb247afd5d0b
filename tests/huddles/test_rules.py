"""Pure huddle rules: who is working now, and a slot inside everyone's working hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from askwell.core.workhours import in_working_hours
from askwell.huddles.rules import HelperCandidate, Person, choose_helpers, common_slot, plan

BERLIN, TOKYO, KOLKATA, NEW_YORK = (
    ZoneInfo("Europe/Berlin"),
    ZoneInfo("Asia/Tokyo"),
    ZoneInfo("Asia/Kolkata"),
    ZoneInfo("America/New_York"),
)
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)  # Monday: 10:30 Berlin, 18:30 Tokyo, 15:00 Kolkata


def _h(pid: int, tz: ZoneInfo, score: float = 0.5, **extra: object) -> HelperCandidate:
    return HelperCandidate(person=Person(pid, tz), score=score, **extra)  # type: ignore[arg-type]


class TestChooseHelpers:
    def test_only_people_working_now_best_first(self) -> None:
        chosen = choose_helpers(
            [_h(1, BERLIN, 0.9), _h(2, TOKYO, 0.99), _h(3, KOLKATA, 0.7), _h(4, BERLIN, 0.8, away=True)],
            caller_id=1,
            now=NOW,
        )
        assert [c.person.person_id for c in chosen] == [3]

    def test_with_no_fit_at_all_teammates_working_now(self) -> None:
        chosen = choose_helpers(
            [_h(2, BERLIN, 0.0, teammate=True), _h(3, BERLIN, 0.0), _h(4, TOKYO, 0.0, teammate=True)],
            caller_id=1,
            now=NOW,
        )
        assert [c.person.person_id for c in chosen] == [2]

    def test_nobody_working_on_a_saturday(self) -> None:
        saturday = datetime(2026, 3, 7, 11, 0, tzinfo=UTC)
        assert choose_helpers([_h(2, BERLIN), _h(3, KOLKATA)], caller_id=1, now=saturday) == []


class TestSlot:
    def test_first_five_minute_mark_after_the_lead(self) -> None:
        slot = common_slot([Person(1, BERLIN), Person(2, KOLKATA)], now=NOW + timedelta(minutes=2))
        assert slot == (datetime(2026, 3, 2, 9, 40, tzinfo=UTC), datetime(2026, 3, 2, 9, 55, tzinfo=UTC))

    def test_a_fraction_of_a_second_past_a_mark_moves_to_the_next_mark(self) -> None:
        slot = common_slot([Person(1, BERLIN)], now=NOW + timedelta(microseconds=1))
        assert slot is not None and slot[0] == NOW + timedelta(minutes=10)

    def test_a_helper_who_shares_no_slot_is_left_out(self) -> None:
        # Kolkata stops at 11:30 UTC; New York starts at 14:00 UTC: they never overlap.
        later = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)
        found = plan(Person(1, BERLIN), [Person(2, KOLKATA), Person(3, NEW_YORK)], now=later)
        assert found is not None
        assert found.helpers == [3]

    def test_no_plan_when_the_callers_day_is_over(self) -> None:
        evening = datetime(2026, 3, 2, 16, 50, tzinfo=UTC)  # 17:50 in Berlin
        assert plan(Person(1, BERLIN), [Person(2, NEW_YORK)], now=evening) is None


ZONES = [BERLIN, TOKYO, KOLKATA, NEW_YORK, ZoneInfo("UTC"), ZoneInfo("Australia/Adelaide")]


class TestSlotProperties:
    @settings(max_examples=150, deadline=None)
    @given(
        now=st.datetimes(
            min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
        ),
        zones=st.lists(st.sampled_from(ZONES), min_size=1, max_size=4),
        minutes=st.integers(min_value=10, max_value=15),
    )
    def test_a_slot_lies_in_everyones_working_hours(
        self, now: datetime, zones: list[ZoneInfo], minutes: int
    ) -> None:
        people = [Person(i, tz) for i, tz in enumerate(zones)]
        slot = common_slot(people, now=now, minutes=minutes)
        assert slot is None or (
            slot[1] - slot[0] == timedelta(minutes=minutes)
            and slot[0] >= now + timedelta(minutes=5)
            and slot[0].minute % 5 == 0
            and all(
                in_working_hours(slot[0], p.tz) and in_working_hours(slot[1] - timedelta(seconds=1), p.tz)
                for p in people
            )
        )
