"""The practice's pure arithmetic: figures with nothing to divide, and the keep / adjust / stop rule
at each of its thresholds (docs/standups.md, "The recommendation")."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from askwell.standups import practice
from askwell.standups.practice import AskFact, Figures, figures, recommend, standup_figures

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _figures(asks_per_person_week: float | None) -> Figures:
    return Figures(
        weeks=6,
        people=5,
        asks=0,
        asks_per_person_week=asks_per_person_week,
        helped_share=None,
        median_hours_to_first_offer=None,
        help_given=0,
        across_teams_share=None,
    )


class TestFigures:
    def test_nothing_to_count(self) -> None:
        f = figures(facts=[], weeks=0, people=0, given_to=[])
        assert f.asks_per_person_week is None and f.helped_share is None
        assert f.median_hours_to_first_offer is None and f.across_teams_share is None
        assert not f.has_data

    def test_counts(self) -> None:
        facts = [
            AskFact(1, T0, T0 + timedelta(hours=1), True),
            AskFact(2, T0, T0 + timedelta(hours=5), False),
            AskFact(3, T0, None, False),
        ]
        f = figures(facts=facts, weeks=2, people=3, given_to=[True, False, False, False])
        assert f.asks_per_person_week == 0.5
        assert f.helped_share == round(1 / 3, 3)
        assert f.median_hours_to_first_offer == 3.0
        assert f.across_teams_share == 0.25 and f.has_data

    def test_participation_is_capped_and_zero_days_is_no_data(self) -> None:
        assert (
            standup_figures(
                standup_days=0, members=4, answered=0, needs_raised=0, needs_resolved=0
            ).participation
            is None
        )
        assert (
            standup_figures(
                standup_days=1, members=1, answered=3, needs_raised=0, needs_resolved=0
            ).participation
            == 1.0
        )


def _verdict(
    participation_answered: int, raised: int, resolved: int, before: float | None, during: float | None
) -> str:
    s = standup_figures(
        standup_days=10,
        members=10,
        answered=participation_answered,
        needs_raised=raised,
        needs_resolved=resolved,
    )
    return recommend(standup=s, before=_figures(before), during=_figures(during)).verdict


class TestRecommendation:
    def test_too_early_is_keep(self) -> None:
        s = standup_figures(standup_days=0, members=5, answered=0, needs_raised=0, needs_resolved=0)
        r = recommend(standup=s, before=_figures(None), during=_figures(None))
        assert r.verdict == "keep" and "too early" in r.reasons[0]

    @pytest.mark.parametrize(
        ("answered", "raised", "resolved", "before", "during", "verdict"),
        [
            (39, 0, 0, 0.5, 0.5, "stop"),  # under 40%, nothing raised
            (40, 0, 0, 0.5, 0.5, "adjust"),  # 40% exactly: not stop
            (39, 1, 0, 0.5, 0.5, "adjust"),  # low, but help was raised
            (60, 2, 1, 0.5, 0.5, "keep"),  # 60% and half resolved
            (59, 2, 1, 0.5, 0.5, "adjust"),  # just under 60%
            (60, 2, 0, 0.5, 0.55, "keep"),  # asks up 10%
            (60, 2, 0, 0.5, 0.54, "adjust"),  # asks up under 10%
            (60, 0, 0, None, 0.5, "adjust"),  # no baseline to compare, nothing resolved
            (60, 0, 0, 0.0, 0.2, "keep"),  # from no asks to some: up
            (90, 0, 0, 0.0, 0.0, "adjust"),  # zero to zero: no change, no division by zero
        ],
    )
    def test_thresholds(
        self,
        answered: int,
        raised: int,
        resolved: int,
        before: float | None,
        during: float | None,
        verdict: str,
    ) -> None:
        assert _verdict(answered, raised, resolved, before, during) == verdict


def test_week_of() -> None:
    start = date(2026, 3, 2)
    assert practice.week_of(start - timedelta(days=1), starts_on=start) == 0
    assert practice.week_of(start, starts_on=start) == 1
    assert practice.week_of(start + timedelta(days=6), starts_on=start) == 1
    assert practice.week_of(start + timedelta(days=7), starts_on=start) == 2


def test_bars_scale_each_pair_on_its_own() -> None:
    pair = practice.bar_pair("Asks that got help", 0.25, 0.5, unit="%")
    assert pair.during.width == practice.BAR_WIDTH and pair.before.width == practice.BAR_WIDTH / 2
    assert (pair.before.text, pair.during.text) == ("25%", "50%")
    empty = practice.bar_pair("Median hours", None, 0.0, unit=" h")
    assert empty.before.text == "no data" and empty.during.width == 0.0
