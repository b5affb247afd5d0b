from datetime import UTC, datetime, timedelta

import pytest

from askwell.network.rules import (
    DEFAULT_HALF_LIFE_DAYS,
    ConnectorLeg,
    Interaction,
    combine_paths,
    decay,
    dormant_score,
    is_dormant,
    novelty,
    past_strength,
    saturate,
    tie_strength,
    two_step_score,
)

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def days_ago(days: float, origin: str = "help_given") -> Interaction:
    return Interaction(at=NOW - timedelta(days=days), origin=origin)


class TestTieStrength:
    def test_no_interactions_is_no_tie(self) -> None:
        assert tie_strength([], now=NOW) == 0.0

    def test_recent_help_counts_more_than_old_help(self) -> None:
        assert tie_strength([days_ago(1)], now=NOW) > tie_strength([days_ago(200)], now=NOW)

    def test_evidence_halves_after_one_half_life(self) -> None:
        old = tie_strength([days_ago(DEFAULT_HALF_LIFE_DAYS)], now=NOW)
        assert old == pytest.approx(float(saturate(2.0 * 0.5)))

    def test_help_given_outweighs_sharing_a_team(self) -> None:
        assert tie_strength([days_ago(5, "help_given")], now=NOW) > tie_strength(
            [days_ago(5, "same_team")], now=NOW
        )

    def test_one_chatty_pair_saturates_below_one(self) -> None:
        assert tie_strength([days_ago(1, "message")] * 10, now=NOW) < 1.0
        assert tie_strength([days_ago(1, "message")] * 1000, now=NOW) <= 1.0
        few_gain = tie_strength([days_ago(1)] * 2, now=NOW) - tie_strength([days_ago(1)], now=NOW)
        many_gain = tie_strength([days_ago(1)] * 11, now=NOW) - tie_strength([days_ago(1)] * 10, now=NOW)
        assert few_gain > 10 * many_gain

    def test_unknown_origin_counts_like_a_message(self) -> None:
        unknown = tie_strength([days_ago(3, "carrier_pigeon")], now=NOW)
        assert unknown == tie_strength([days_ago(3, "message")], now=NOW)

    def test_past_strength_ignores_the_silence_since(self) -> None:
        history = [days_ago(500), days_ago(520)]
        assert past_strength(history) > tie_strength(history, now=NOW)
        assert past_strength(history) == pytest.approx(tie_strength(history, now=NOW - timedelta(days=500)))

    def test_nonsensical_parameters_are_refused(self) -> None:
        with pytest.raises(ValueError):
            decay(1.0, 0.0)
        with pytest.raises(ValueError):
            saturate(1.0, -1.0)


class TestIsDormant:
    def test_long_silent_strong_tie_is_dormant(self) -> None:
        assert is_dormant(last_interaction=NOW - timedelta(days=400), past_strength=0.6, now=NOW)

    def test_recent_tie_is_not_dormant(self) -> None:
        assert not is_dormant(last_interaction=NOW - timedelta(days=300), past_strength=0.6, now=NOW)

    def test_weak_tie_that_faded_is_not_dormant(self) -> None:
        assert not is_dormant(last_interaction=NOW - timedelta(days=400), past_strength=0.1, now=NOW)

    def test_threshold_is_configurable(self) -> None:
        last = NOW - timedelta(days=100)
        assert is_dormant(last_interaction=last, past_strength=0.6, now=NOW, threshold_days=90)
        assert not is_dormant(last_interaction=last, past_strength=0.6, now=NOW, threshold_days=120)


class TestTwoStepScore:
    def test_single_route_is_the_product_of_strengths_and_fit(self) -> None:
        assert two_step_score([ConnectorLeg(0.8, 0.5)], target_fit=0.5) == pytest.approx(0.8 * 0.5 * 0.5)

    def test_no_connector_means_no_introduction(self) -> None:
        assert two_step_score([], target_fit=1.0) == 0.0

    def test_a_second_connector_helps_but_less_than_the_first(self) -> None:
        one = two_step_score([ConnectorLeg(0.6, 0.6)])
        two = two_step_score([ConnectorLeg(0.6, 0.6)] * 2)
        assert one < two < 2 * one

    def test_many_strong_routes_stay_bounded(self) -> None:
        assert two_step_score([ConnectorLeg(0.99, 0.99)] * 50) <= 1.0

    def test_a_busy_connector_carries_less_than_a_focused_one(self) -> None:
        focused = two_step_score([ConnectorLeg(0.7, 0.7, connector_reach=1.0)])
        busy = two_step_score([ConnectorLeg(0.7, 0.7, connector_reach=10.0)])
        assert busy == pytest.approx(focused / 10)

    def test_combine_paths_is_noisy_or(self) -> None:
        assert combine_paths([0.5, 0.5]) == pytest.approx(0.75)


class TestNovelty:
    def test_tie_who_knows_only_what_the_circle_knows_adds_nothing(self) -> None:
        assert novelty({"sql", "python"}, [{"sql"}, {"python", "go"}]) == 0.0

    def test_share_of_unknown_topics(self) -> None:
        assert novelty({"sql", "tax law"}, [{"sql"}]) == 0.5

    def test_only_topics_of_the_ask_count_when_given(self) -> None:
        assert novelty({"sql", "tax law", "golf"}, [{"sql"}], ask_topics={"tax law", "sql"}) == 0.5

    def test_tie_with_no_known_topics_brings_no_novelty(self) -> None:
        assert novelty(set(), [{"sql"}]) == 0.0


class TestDormantScore:
    def test_relevant_novel_acquaintance_beats_irrelevant_old_friend(self) -> None:
        acquaintance = dormant_score(relevance=0.9, novelty=1.0, past_strength=0.3)
        old_friend = dormant_score(relevance=0.2, novelty=0.0, past_strength=1.0)
        assert acquaintance > old_friend

    def test_novelty_raises_the_score(self) -> None:
        assert dormant_score(relevance=0.5, novelty=0.8, past_strength=0.5) > dormant_score(
            relevance=0.5, novelty=0.1, past_strength=0.5
        )

    def test_irrelevant_tie_scores_zero(self) -> None:
        assert dormant_score(relevance=0.0, novelty=1.0, past_strength=1.0) == 0.0

    def test_past_closeness_is_only_a_light_prior(self) -> None:
        close = dormant_score(relevance=0.5, novelty=0.5, past_strength=1.0)
        distant = dormant_score(relevance=0.5, novelty=0.5, past_strength=0.0)
        assert distant < close <= distant * 1.25 + 1e-12
