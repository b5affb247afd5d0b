"""The learned ranker: its features, fitting over pairs, the packaged prior and the reasons it supports."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from askwell.matching import ranker
from askwell.matching.scoring import CandidateFeatures, rank

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CONTEXT = ranker.RankingContext(history_end=NOW, org_helps=100)
LEXICAL = list(ranker.FEATURES).index("lexical")
RECENT = list(ranker.FEATURES).index("helps_30d")


def _queries(seed: int, *, signal: int, count: int = 40) -> list[ranker.Query]:
    """Asks whose helper stands out on one feature column; the others are noise."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        rows = rng.random((8, len(ranker.FEATURES)))
        helped = np.zeros(8, dtype=bool)
        helped[int(rng.integers(8))] = True
        rows[helped, signal] += 1.0
        out.append(ranker.Query(rows, helped))
    return out


class TestFeatures:
    def test_activity_windows_count_back_from_the_end_of_history(self) -> None:
        person = CandidateFeatures(
            person_id="p",
            helped_at=(NOW - timedelta(days=10), NOW - timedelta(days=60), NOW - timedelta(days=400)),
            total_helps=3,
        )
        row = dict(zip(ranker.FEATURES, ranker.features([person], now=NOW, context=CONTEXT)[0], strict=True))
        assert row["helps_30d"] == pytest.approx(np.log1p(1))
        assert row["helps_90d"] == pytest.approx(np.log1p(2))
        assert row["helps_365d"] == pytest.approx(np.log1p(2))
        assert row["help_share"] == pytest.approx(np.log(3 / 100))

    def test_text_fit_is_scaled_by_the_best_in_the_pool(self) -> None:
        people = [
            CandidateFeatures(person_id="a", lexical_fit=8.0, dense_fit=0.6),
            CandidateFeatures(person_id="b", lexical_fit=2.0, dense_fit=-0.1),
        ]
        rows = ranker.features(people, now=NOW, context=CONTEXT)
        assert rows[:, LEXICAL].tolist() == [1.0, 0.25]
        assert rows[:, LEXICAL + 1].tolist() == [1.0, 0.0]


class TestFitting:
    def test_the_feature_that_separates_helpers_gets_the_largest_weight(self) -> None:
        model = ranker.fit_prior(
            _queries(1, signal=RECENT), settings=ranker.FitSettings(), version="t", trained_on={}
        )
        assert max(model.weights, key=lambda name: model.weights[name]) == "helps_30d"

    def test_same_data_and_seed_give_the_same_file(self) -> None:
        settings = ranker.FitSettings(max_negatives=3)
        first = ranker.fit_prior(_queries(2, signal=LEXICAL), settings=settings, version="t", trained_on={})
        again = ranker.fit_prior(_queries(2, signal=LEXICAL), settings=settings, version="t", trained_on={})
        assert first.to_json() == again.to_json()

    def test_without_history_the_prior_is_kept_and_with_history_weights_move_towards_it(self) -> None:
        prior = ranker.fit_prior(
            _queries(3, signal=LEXICAL), settings=ranker.FitSettings(), version="p", trained_on={}
        )
        assert ranker.adapt(prior, [], settings=ranker.FitSettings(), version="o") is prior
        own = _queries(4, signal=RECENT, count=200)
        weak_pull = ranker.adapt(prior, own, settings=ranker.FitSettings(lam=0.1), version="o")
        strong_pull = ranker.adapt(prior, own, settings=ranker.FitSettings(lam=1000.0), version="o")
        assert weak_pull.weights["helps_30d"] > strong_pull.weights["helps_30d"] > prior.weights["helps_30d"]

    def test_a_feature_no_site_varied_keeps_its_hand_set_weight(self) -> None:
        queries = _queries(5, signal=LEXICAL)
        reach = list(ranker.FEATURES).index("reach")
        for query in queries:
            query.rows[:, reach] = 0.5
        model = ranker.fit_prior(queries, settings=ranker.FitSettings(), version="t", trained_on={})
        assert model.weights["reach"] == ranker.UNLEARNED_WEIGHTS["reach"]
        assert model.scale["reach"] == 1.0


class TestPackagedPrior:
    def test_loads_offline_with_a_version_and_the_settings_it_was_chosen_with(self) -> None:
        prior = ranker.load_prior()
        assert prior.version.startswith(f"prior-{ranker.FORMAT}-")
        assert set(prior.weights) == set(ranker.FEATURES)
        assert {"c", "lam", "seed", "sites"} <= set(prior.trained_on)
        assert len(prior.trained_on["sites"]) >= 2  # type: ignore[arg-type]

    def test_round_trips_through_its_file(self, tmp_path: Path) -> None:
        prior = ranker.load_prior()
        ranker.save(prior, tmp_path / "m.json")
        assert ranker.load(tmp_path / "m.json") == prior

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            (lambda body: {**body, "format": 99}, "format"),
            (lambda body: {**body, "features": ["lexical"]}, "other features"),
            (lambda body: {k: v for k, v in body.items() if k != "weights"}, "incomplete"),
        ],
    )
    def test_another_format_or_feature_set_is_refused(self, change, message: str) -> None:  # type: ignore[no-untyped-def]
        body = json.loads(ranker.load_prior().to_json())
        with pytest.raises(ranker.RankerFileError, match=message):
            ranker.RankerModel.from_json(json.dumps(change(body)))

    def test_a_missing_file_is_refused(self, tmp_path: Path) -> None:
        with pytest.raises(ranker.RankerFileError, match="not found"):
            ranker.load(tmp_path / "absent.json")


class TestLearnedRanking:
    def test_reasons_follow_the_components_that_contributed_most(self) -> None:
        model = ranker.RankerModel(
            version="t",
            weights={name: (2.0 if name == "evidence" else 0.0) for name in ranker.FEATURES},
            mean=dict.fromkeys(ranker.FEATURES, 0.0),
            scale=dict.fromkeys(ranker.FEATURES, 1.0),
        )
        expert = CandidateFeatures(
            person_id="x", fit=0.9, matched_terms=("SQL",), similar_helps=2, topic="SQL", evidence=2.0
        )
        other = CandidateFeatures(person_id="y", fit=0.9, matched_terms=("SQL",))
        scorer = ranker.LearnedScorer(model, CONTEXT)
        result = rank([other, expert], now=NOW, scorer=scorer)
        assert [s.person_id for s in result] == ["x", "y"]
        assert result[0].reasons[0] == "Helped with 2 asks about SQL"
        assert 0.0 < result[1].score < result[0].score < 1.0

    def test_the_busiest_are_the_top_tenth_by_help_and_never_someone_who_gave_none(self) -> None:
        helps = {f"p{i}": i for i in range(20)}
        assert ranker.busiest(helps, people=20) == {"p19", "p18"}
        assert ranker.busiest({"a": 0}, people=5) == frozenset()


class TestSpread:
    def test_one_visible_place_goes_to_someone_other_than_the_busiest(self) -> None:
        busy = [CandidateFeatures(person_id=f"b{i}", fit=0.9, busy=True) for i in range(5)]
        fresh = CandidateFeatures(person_id="f", fit=0.8)
        shown = rank([*busy, fresh], now=NOW)
        assert [s.person_id for s in shown][-1] == "f"
        assert "spreads the load" in shown[-1].reasons[0]
        assert "f" not in [s.person_id for s in rank([*busy, fresh], now=NOW, spread=False)]
