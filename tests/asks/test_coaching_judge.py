"""The learned judgement: the shipped file, its combination with the rules, and the rules-only fallback.

Most tests use a stand-in judge (hand-set coefficients over a deterministic stand-in encoder), so what
they check does not hang on training; the tests that need the real sentence model load it once.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from askwell.asks.coaching import CRITERIA, AskDraft, review
from askwell.asks.coaching.judge import (
    DIMENSION,
    EMBEDDING_VERSION,
    JUDGE_VERSION,
    LEXICAL_FEATURES,
    SHIPPED_PATH,
    CriterionModel,
    Judge,
    JudgeFileInvalid,
    JudgeModel,
    load_model,
)
from askwell.asks.coaching.learn import DEFAULT_SEED, Choice, featurise, train
from askwell.evals.coaching import (
    EVAL_NOW,
    LABEL_FIELDS,
    default_label_files,
    evaluate_coaching,
    labelled_sets,
    read_jsonl,
)
from askwell.matching.embeddings import MODEL_VERSION, EmbeddingModelMissing

TZ = ZoneInfo("America/New_York")
NOW = datetime(2025, 3, 3, 9, 0, tzinfo=TZ)
ROOT = Path(__file__).resolve().parents[2]
WIDTH = len(LEXICAL_FEATURES) + DIMENSION
# A request with its stakes told as a story: no cue word the rules know.
STORY = (
    "We've had to send every STAT sample to the main lab, which adds 40 minutes to each result. "
    "Could someone from biomed look at the analyzer on 4 West by Thursday?"
)


def stand_in_encode(texts: Sequence[str]) -> np.ndarray:
    """Deterministic unit rows: the first dimension says whether the text mentions minutes."""
    rows = np.zeros((len(texts), DIMENSION), dtype=np.float32)
    for i, text in enumerate(texts):
        rows[i, 0 if "minutes" in text else 1] = 1.0
    return rows


def stand_in_model(*, keep_above: float = 0.2, raise_above: float = 0.8) -> JudgeModel:
    """M: very likely met when the first embedding dimension is on; every other criterion: undecided."""
    zero = np.zeros(WIDTH)
    criteria = {c: CriterionModel(zero, 0.0, (-1.0, 0.0), keep_above, raise_above, 1.0) for c in CRITERIA}
    m_weights = zero.copy()
    m_weights[len(LEXICAL_FEATURES)] = 10.0
    criteria["M"] = replace(criteria["M"], weights=m_weights, intercept=-5.0)
    return JudgeModel(version="test", mean=np.zeros(WIDTH), scale=np.ones(WIDTH), criteria=criteria)


def coach(text: str, judge: Judge | None, **parts: object) -> object:
    return review(AskDraft(text, **parts), now=NOW, tz=TZ, judge=judge)  # type: ignore[arg-type]


class TestCombination:
    def test_the_rules_alone_miss_stakes_told_as_a_story(self) -> None:
        assert review(AskDraft(STORY), now=NOW, tz=TZ).status("M") != "met"

    def test_the_judge_raises_it_and_quotes_the_sentence_it_rests_on(self) -> None:
        result = review(AskDraft(STORY), now=NOW, tz=TZ, judge=Judge(stand_in_model(), stand_in_encode))
        m = result.get("M")
        assert m.status == "met"
        assert m.quotes and m.quotes[0].text.startswith("We've had to send every STAT sample")
        assert m.quotes[0].text in m.reason
        assert STORY[m.quotes[0].start : m.quotes[0].end] == m.quotes[0].text
        assert "no_reason" not in result.issues

    def test_a_rules_met_the_model_doubts_becomes_weak_with_a_rewrite(self) -> None:
        text = "Could you review PR #12 by Friday? It's blocking the release."
        assert review(AskDraft(text), now=NOW, tz=TZ).status("M") == "met"
        doubting = Judge(stand_in_model(keep_above=0.99), stand_in_encode)
        m = review(AskDraft(text), now=NOW, tz=TZ, judge=doubting).get("M")
        assert m.status == "weak"
        assert m.rewrite and "because" in m.rewrite
        assert "'blocking the release'" in m.reason

    def test_rules_mode_never_overrules(self) -> None:
        rules_only = Judge(stand_in_model(keep_above=0.0, raise_above=1.01), stand_in_encode)
        with_judge = review(AskDraft(STORY), now=NOW, tz=TZ, judge=rules_only)
        assert with_judge == review(AskDraft(STORY), now=NOW, tz=TZ)

    def test_a_field_the_author_filled_in_is_never_overruled(self) -> None:
        doubting = Judge(stand_in_model(keep_above=0.99), stand_in_encode)
        m = review(
            AskDraft("Could you review PR #12?", why="the release waits on it"),
            now=NOW,
            tz=TZ,
            judge=doubting,
        )
        assert m.get("M").status == "met"

    def test_each_text_is_embedded_once(self) -> None:
        calls: list[list[str]] = []

        def counting(texts: Sequence[str]) -> np.ndarray:
            calls.append(list(texts))
            return stand_in_encode(texts)

        judge = Judge(stand_in_model(keep_above=0.0, raise_above=1.01), counting)
        for _ in range(3):
            review(AskDraft("Could you review PR #12 by Friday?"), now=NOW, tz=TZ, judge=judge)
        assert calls == [["Could you review PR #12 by Friday?"]]


class TestFallback:
    def test_without_the_sentence_model_the_rules_decide_and_the_judge_says_why(self) -> None:
        def missing(texts: Sequence[str]) -> np.ndarray:
            raise EmbeddingModelMissing("The embedding model package is not installed.")

        judge = Judge(stand_in_model(), missing)
        assert review(AskDraft(STORY), now=NOW, tz=TZ, judge=judge) == review(AskDraft(STORY), now=NOW, tz=TZ)
        assert judge.unavailable is not None and "not installed" in judge.unavailable

    def test_a_bug_in_the_encoder_is_not_hidden_as_a_fallback(self) -> None:
        def broken(texts: Sequence[str]) -> np.ndarray:
            raise ZeroDivisionError

        with pytest.raises(ZeroDivisionError):
            review(AskDraft(STORY), now=NOW, tz=TZ, judge=Judge(stand_in_model(), broken))


class TestShippedFile:
    def test_it_loads_and_its_versions_match_this_code(self) -> None:
        model = load_model()
        assert model.version.startswith(f"{JUDGE_VERSION}+")
        assert model.embedding_version == EMBEDDING_VERSION == MODEL_VERSION
        assert model.lexical == LEXICAL_FEATURES
        assert set(model.criteria) == set(CRITERIA)
        assert model.training["seed"] == DEFAULT_SEED

    def test_it_was_trained_on_the_labelled_sets_in_the_repository(self) -> None:
        files = default_label_files(ROOT)
        if not any(p.stem == "smart_dev" for p in files):
            pytest.skip("the development set in ../shared/data is not here")
        trained = load_model().training["sets"]
        now = {s.name: s.sha256 for s in labelled_sets(files)}
        assert {name: entry["sha256"] for name, entry in trained.items()} == now

    @pytest.mark.parametrize(
        "change",
        [
            lambda d: d.update(feature_version=d["feature_version"] + 1),
            lambda d: d.update(embedding_version="another-model"),
            lambda d: d["lexical_features"].pop(),
        ],
        ids=["feature version", "sentence model", "feature list"],
    )
    def test_a_file_for_other_features_or_another_model_is_refused(
        self, tmp_path: Path, change: Callable[[dict[str, object]], None]
    ) -> None:
        data = json.loads(SHIPPED_PATH.read_text(encoding="utf-8"))
        change(data)
        path = tmp_path / "judge.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        with pytest.raises(JudgeFileInvalid):
            load_model(path)

    def test_it_round_trips_through_json_exactly(self) -> None:
        model = load_model()
        again = JudgeModel.from_json(model.to_json())
        for c in CRITERIA:
            assert np.array_equal(again.criteria[c].weights, model.criteria[c].weights)
            assert again.criteria[c].calibration == model.criteria[c].calibration


# --- with the real sentence model -------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_encode() -> Callable[[Sequence[str]], np.ndarray]:
    from askwell.matching.judge import _encode_fp32

    return _encode_fp32


class TestWithTheSentenceModel:
    def test_rebuilding_from_the_seed_gives_the_shipped_coefficients(
        self, real_encode: Callable[[Sequence[str]], np.ndarray]
    ) -> None:
        files = default_label_files(ROOT)
        if not any(p.stem == "smart_dev" for p in files):
            pytest.skip("the development set in ../shared/data is not here")
        shipped = load_model()
        data = featurise(labelled_sets(files), real_encode, now=EVAL_NOW, tz=TZ)
        # The settings as chosen when it was trained (choosing again is the slow part, run by
        # `askwell eval coaching --train`); the fit from them is what must come out the same.
        chosen = {
            c: Choice(s["C"], s["keep_above"], s["raise_above"], s["loso_mean_f1"], s["loso_worst_f1"])
            for c, s in shipped.training["selection"].items()
        }
        rebuilt = train(data, seed=shipped.training["seed"], version=JUDGE_VERSION, chosen=chosen)
        assert rebuilt.version == shipped.version
        assert rebuilt.training["selection"] == shipped.training["selection"]
        # Identical on the machine that trained it; another CPU may round the embeddings differently
        # in the last bits, hence the tolerance far below anything that changes a verdict.
        np.testing.assert_allclose(rebuilt.mean, shipped.mean, rtol=1e-5, atol=1e-6)
        for c in CRITERIA:
            np.testing.assert_allclose(
                rebuilt.criteria[c].weights, shipped.criteria[c].weights, rtol=1e-4, atol=1e-5
            )
            np.testing.assert_allclose(
                rebuilt.criteria[c].calibration, shipped.criteria[c].calibration, rtol=1e-4
            )

    def test_the_combined_coaching_keeps_its_recorded_f1_on_each_set(
        self, real_encode: Callable[[Sequence[str]], np.ndarray]
    ) -> None:
        recorded = json.loads((ROOT / "data" / "asks" / "coaching_f1.json").read_text(encoding="utf-8"))
        judge = Judge(load_model(), real_encode)
        below = {}
        for path in default_label_files(ROOT):
            result = evaluate_coaching(read_jsonl(path, LABEL_FIELDS), judge=judge)
            for c in CRITERIA:
                if result["criteria"][c]["f1"] < recorded[path.stem]["combined"][c] - 0.02:
                    below[(path.stem, c)] = (result["criteria"][c]["f1"], recorded[path.stem]["combined"][c])
        assert below == {}
