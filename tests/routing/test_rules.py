"""The pure rules of routing: choosing peers, and working-hours arithmetic across DST (examples and properties)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from askwell.core.workhours import (
    WorkingHours,
    add_working_hours,
    in_working_hours,
    overlap,
    working_time_between,
)
from askwell.routing.rules import Candidate, RecentRequest, choose_peers, escalate_at, peers_count

UTC_ZONE = ZoneInfo("UTC")
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
KOLKATA = ZoneInfo("Asia/Kolkata")  # a half-hour offset
TOKYO = ZoneInfo("Asia/Tokyo")
ZONES = [
    UTC_ZONE,
    BERLIN,
    NEW_YORK,
    KOLKATA,
    TOKYO,
    ZoneInfo("Australia/Adelaide"),
    ZoneInfo("America/Sao_Paulo"),
]
# Monday 2 March 2026, 10:00 UTC (11:00 in Berlin, 05:00 in New York).
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def _c(pid: int, *, tz: ZoneInfo = BERLIN, score: float = 0.5, **extra: object) -> Candidate:
    return Candidate(person_id=pid, tz=tz, score=score, **extra)  # type: ignore[arg-type]


class TestChoosePeers:
    def test_best_scores_first_and_never_the_author_or_the_inactive(self) -> None:
        candidates = [
            _c(1, score=0.99),  # the author
            _c(2, score=0.9, active=False),
            _c(3, score=0.8),
            _c(4, score=0.2),
            _c(5, score=0.6),
        ]
        chosen = choose_peers(candidates, author_id=1, author_tz=BERLIN, now=NOW, count=2)
        assert [c.person_id for c in chosen] == [3, 5]

    def test_nobody_is_asked_twice_on_the_same_local_day(self) -> None:
        asked_this_morning = (RecentRequest(NOW - timedelta(hours=2), open=False),)
        candidates = [_c(2, score=0.9, recent=asked_this_morning), _c(3, score=0.1), _c(4, score=0.05)]
        chosen = choose_peers(candidates, author_id=1, author_tz=BERLIN, now=NOW, count=3)
        assert [c.person_id for c in chosen] == [3, 4]

    def test_yesterday_is_today_for_someone_whose_day_has_not_turned(self) -> None:
        # 10:00 UTC on Monday is still Sunday nowhere here, but 23:30 UTC on Sunday is Monday in Tokyo.
        sunday_night = (RecentRequest(datetime(2026, 3, 1, 23, 30, tzinfo=UTC), open=False),)
        tokyo = _c(2, tz=TOKYO, score=0.9, recent=sunday_night)
        london = _c(3, tz=UTC_ZONE, score=0.9, recent=sunday_night)
        chosen = choose_peers([tokyo, london], author_id=1, author_tz=BERLIN, now=NOW, count=2)
        assert [c.person_id for c in chosen] == [3]  # Tokyo was asked "today"; London yesterday

    def test_not_two_days_running_while_others_are_free(self) -> None:
        yesterday = (RecentRequest(NOW - timedelta(days=1), open=False),)
        candidates = [_c(2, score=0.9, recent=yesterday), _c(3, score=0.3), _c(4, score=0.2)]
        chosen = choose_peers(candidates, author_id=1, author_tz=BERLIN, now=NOW, count=2)
        assert [c.person_id for c in chosen] == [3, 4]
        # ... but when too few others are free, yesterday's helper is asked again.
        chosen = choose_peers(candidates[:2], author_id=1, author_tz=BERLIN, now=NOW, count=2)
        assert [c.person_id for c in chosen] == [3, 2]

    def test_todays_load_and_overlap_weigh_against_a_slightly_better_score(self) -> None:
        busy = tuple(RecentRequest(NOW - timedelta(minutes=m), open=True) for m in (1,))
        # Person 2 (slightly better) already has an open request today; person 3 does not.
        chosen = choose_peers(
            [_c(2, score=0.6, recent=busy), _c(3, score=0.5)], author_id=1, author_tz=BERLIN, now=NOW, count=1
        )
        assert [c.person_id for c in chosen] == [3]
        asleep = _c(4, tz=TOKYO, score=0.55)  # no overlap with Berlin in the next day
        awake = _c(5, tz=BERLIN, score=0.5)
        chosen = choose_peers([asleep, awake], author_id=1, author_tz=BERLIN, now=NOW, count=1)
        assert chosen[0].person_id == 5

    def test_count_is_two_or_three(self) -> None:
        assert [peers_count(n) for n in (0, 1, 2, 3, 9)] == [2, 2, 2, 3, 3]


class TestWorkingHours:
    def test_friday_afternoon_waits_for_monday(self) -> None:
        friday_four = datetime(2026, 3, 6, 15, 0, tzinfo=UTC)  # 16:00 in Berlin
        assert escalate_at(friday_four, hours=4, tz=BERLIN) == datetime(2026, 3, 9, 11, 0, tzinfo=UTC)

    def test_before_the_day_starts_counts_from_nine(self) -> None:
        early = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # 07:00 Berlin
        assert escalate_at(early, hours=4, tz=BERLIN) == datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # 13:00

    def test_spring_forward_day_still_runs_nine_to_five_local(self) -> None:
        # New York springs forward on Sunday 8 March 2026; Monday 9 March is on EDT (UTC-4).
        friday = datetime(2026, 3, 6, 21, 0, tzinfo=UTC)  # Fri 16:00 EST
        due = escalate_at(friday, hours=4, tz=NEW_YORK)
        assert due.astimezone(NEW_YORK).replace(tzinfo=None) == datetime(2026, 3, 9, 12, 0)
        assert due == datetime(2026, 3, 9, 16, 0, tzinfo=UTC)

    def test_in_working_hours_half_hour_zone(self) -> None:
        assert in_working_hours(datetime(2026, 3, 2, 3, 30, tzinfo=UTC), KOLKATA)  # 09:00 IST
        assert not in_working_hours(datetime(2026, 3, 2, 3, 29, tzinfo=UTC), KOLKATA)
        assert not in_working_hours(datetime(2026, 3, 2, 11, 30, tzinfo=UTC), KOLKATA)  # 17:00 IST

    def test_overlap_of_berlin_and_new_york(self) -> None:
        # Berlin 09–17 CET is 08–16 UTC; New York 09–17 EST is 14–22 UTC: two hours shared.
        shared = overlap(
            (BERLIN, WorkingHours()), (NEW_YORK, WorkingHours()), now=NOW, span=timedelta(days=1)
        )
        assert shared == timedelta(hours=2)

    def test_no_working_days_never_loops(self) -> None:
        none = WorkingHours(days=frozenset())
        assert add_working_hours(NOW, timedelta(hours=1), BERLIN, none) > NOW
        assert not in_working_hours(NOW, BERLIN, none)


instants = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
)


class TestWorkingHoursProperties:
    @settings(max_examples=150, deadline=None)
    @given(start=instants, hours=st.integers(min_value=1, max_value=40), tz=st.sampled_from(ZONES))
    def test_adding_working_hours_adds_exactly_that_much_working_time(
        self, start: datetime, hours: int, tz: ZoneInfo
    ) -> None:
        due = add_working_hours(start, timedelta(hours=hours), tz)
        assert due > start
        assert working_time_between(start, due, tz) == timedelta(hours=hours)
        # It ends inside working hours, or exactly at a window's close.
        assert in_working_hours(due, tz) or in_working_hours(due - timedelta(seconds=1), tz)

    @settings(max_examples=150, deadline=None)
    @given(
        now=instants,
        scores=st.lists(st.floats(min_value=0, max_value=1), min_size=0, max_size=8),
        asked=st.lists(st.integers(min_value=0, max_value=72), max_size=8),
        inactive=st.sets(st.integers(min_value=0, max_value=7)),
        count=st.integers(min_value=2, max_value=3),
        tz=st.sampled_from(ZONES),
    )
    def test_never_the_author_the_inactive_or_someone_asked_today(
        self,
        now: datetime,
        scores: list[float],
        asked: list[int],
        inactive: set[int],
        count: int,
        tz: ZoneInfo,
    ) -> None:
        candidates = [
            Candidate(
                person_id=i,
                tz=tz,
                score=s,
                active=i not in inactive,
                recent=(RecentRequest(now - timedelta(hours=asked[i]), open=True),) if i < len(asked) else (),
            )
            for i, s in enumerate(scores)
        ]
        chosen = choose_peers(candidates, author_id=0, author_tz=tz, now=now, count=count)
        ids = [c.person_id for c in chosen]
        today = now.astimezone(tz).date()
        eligible = [
            c
            for c in candidates
            if c.person_id != 0
            and c.active
            and not any(r.at.astimezone(tz).date() == today for r in c.recent)
        ]
        assert len(ids) == len(set(ids)) == min(count, len(eligible))
        assert set(ids) <= {c.person_id for c in eligible}
        # Someone asked yesterday is chosen only when the rested were not enough.
        rested = [
            c
            for c in eligible
            if not any(r.at.astimezone(tz).date() == today - timedelta(days=1) for r in c.recent)
        ]
        assert len(rested) < count or set(ids) <= {c.person_id for c in rested}
