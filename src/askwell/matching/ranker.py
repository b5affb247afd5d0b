"""Who can help, learned: features of a candidate and a linear pairwise ranker over them.

The hand-set weights of ``scoring`` were chosen while looking at one community; elsewhere "suggest the
most active people" beat them. Here the same explainable components, plus plain activity counts, are
combined by weights learned from who actually helped with what:

* ``features`` turns one candidate into a row of ``FEATURES`` (all finite, most in [0, 1]).
* ``fit`` learns weights by regularised logistic regression over pairs (helper, non-helper) of the same
  ask, each ask counting once. The penalty pulls the weights towards a prior (``lam`` × ‖w − prior‖²),
  so an organization with little history stays close to the prior fitted across communities and one
  with a long history moves to its own weights.
* ``RankerModel`` is that model as plain data, saved as a small JSON file with a version; the prior
  ships in the package (``prior.json``) and is rebuilt by ``askwell eval routing --build-prior``.

A linear model was preferred to LightGBM lambdarank because it generalised better across sites
(docs/evaluation.md) and because each feature's share of a score is exact, so the reasons shown
still come from the components that contributed most. No I/O here except ``load``/``save``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import TypeVar

import numpy as np
from scipy.optimize import minimize

from askwell.matching import scoring

FORMAT = 1  # bumped when the file's layout changes; a file of another format is refused
PRIOR_FILE = "prior.json"
WINDOWS_DAYS = (30, 90, 365)

# Feature → the scoring component whose reason it supports (reasons are ordered by these sums).
FEATURES: Mapping[str, str] = {
    "lexical": "fit",  # BM25 of the ask against what they wrote and helped with, ÷ best in the pool
    "dense": "fit",  # sentence-embedding cosine (negative as 0) ÷ best in the pool
    "evidence": "evidence",  # past help on similar asks (similarity, thanks and age weighted)
    "track_record": "track_record",
    "recency": "recency",
    "responsiveness": "responsiveness",
    "thanked": "thanked",
    "reach": "reach",
    "helps_30d": "track_record",  # log(1 + helps in the last 30 days of known history)
    "helps_90d": "track_record",
    "helps_365d": "track_record",
    "help_share": "track_record",  # log of their share of the organization's help (floored)
    # log(1 + helps in the last 14 days of known history + open commitments); the load cap acts on top.
    "load": "load",
}
SHARE_FLOOR = 1e-4  # share given to someone who never helped, so that the log stays finite
MIN_SCALE = 1e-6  # below this a feature counts as constant in training
# Log-odds per unit of a feature no community could teach (Stack Exchange has no ties): a direct tie
# (reach 1.0) against no path (0.0) is worth this much, about what reach weighed in the hand-set ranker.
UNLEARNED_WEIGHTS: Mapping[str, float] = {"reach": 0.5}


class RankerFileError(ValueError):
    """The model file is absent, not JSON, of another format, or for other features."""


@dataclass(frozen=True)
class RankingContext:
    """What features need beyond one candidate: when history ends and how much help the org has seen."""

    history_end: datetime
    org_helps: int


def _window(helped_at: Sequence[datetime], end: datetime, days: int) -> int:
    start = end - timedelta(days=days)
    return sum(1 for when in helped_at if start <= when <= end)


def features(
    candidates: Sequence[scoring.CandidateFeatures], *, now: datetime, context: RankingContext
) -> np.ndarray:
    """One row per candidate, columns in ``FEATURES`` order; scaling within the pool makes text fit
    comparable across organizations whose BM25 and cosine levels differ."""
    if not candidates:
        return np.zeros((0, len(FEATURES)))
    lexical = np.array([c.lexical_fit if c.lexical_fit is not None else c.fit for c in candidates])
    dense = np.array([c.dense_fit if c.dense_fit is not None else c.fit for c in candidates])
    lexical = lexical / lexical.max() if lexical.max() > 0 else np.zeros_like(lexical)
    dense = np.maximum(dense, 0.0)
    dense = dense / dense.max() if dense.max() > 0 else np.zeros_like(dense)
    rows = []
    for position, candidate in enumerate(candidates):
        parts = scoring.components(candidate, now=now)
        total = candidate.total_helps or len(candidate.helped_at)
        share = total / context.org_helps if context.org_helps > 0 else 0.0
        values = {
            "lexical": float(lexical[position]),
            "dense": float(dense[position]),
            "evidence": parts["evidence"],
            "track_record": parts["track_record"],
            "recency": parts["recency"],
            "responsiveness": parts["responsiveness"],
            "thanked": parts["thanked"],
            "reach": parts["reach"],
            "help_share": math.log(max(share, SHARE_FLOOR)),
            "load": math.log1p(
                _window(candidate.helped_at, context.history_end, scoring.LOAD_WINDOW.days)
                + candidate.open_commitments
            ),
        }
        for days in WINDOWS_DAYS:
            values[f"helps_{days}d"] = math.log1p(_window(candidate.helped_at, context.history_end, days))
        rows.append([values[name] for name in FEATURES])
    return np.array(rows, dtype=np.float64)


@dataclass(frozen=True)
class RankerModel:
    """A linear score over standardised features: score = Σ weight × (x − mean) ÷ scale."""

    version: str
    weights: Mapping[str, float]
    mean: Mapping[str, float]
    scale: Mapping[str, float]
    trained_on: Mapping[str, object] = field(default_factory=dict)

    def _arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        names = list(FEATURES)
        return (
            np.array([self.weights[n] for n in names]),
            np.array([self.mean[n] for n in names]),
            np.array([self.scale[n] for n in names]),
        )

    def standardise(self, matrix: np.ndarray) -> np.ndarray:
        _w, mean, scale = self._arrays()
        return np.asarray((matrix - mean) / scale, dtype=np.float64)

    def scores(self, matrix: np.ndarray) -> np.ndarray:
        weights, _m, _s = self._arrays()
        return np.asarray(self.standardise(matrix) @ weights, dtype=np.float64)

    def contributions(self, matrix: np.ndarray) -> list[dict[str, float]]:
        """Per candidate, each scoring component's share of the score (features summed by component),
        measured from the pool's average so that "above the others" is what counts."""
        weights, _m, _s = self._arrays()
        z = self.standardise(matrix)
        parts = (z - z.mean(axis=0)) * weights if len(z) else z
        out: list[dict[str, float]] = []
        for row in parts:
            sums: dict[str, float] = {}
            for value, component in zip(row, FEATURES.values(), strict=True):
                sums[component] = sums.get(component, 0.0) + float(value)
            out.append(sums)
        return out

    def to_json(self) -> str:
        body = {
            "format": FORMAT,
            "version": self.version,
            "features": list(FEATURES),
            "weights": {n: round(self.weights[n], 8) for n in FEATURES},
            "mean": {n: round(self.mean[n], 8) for n in FEATURES},
            "scale": {n: round(self.scale[n], 8) for n in FEATURES},
            "trained_on": dict(self.trained_on),
        }
        return json.dumps(body, indent=2, sort_keys=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> RankerModel:
        try:
            body = json.loads(text)
        except json.JSONDecodeError as error:
            raise RankerFileError(f"ranker model is not JSON ({error})") from None
        if not isinstance(body, dict) or body.get("format") != FORMAT:
            raise RankerFileError(f"ranker model format {body.get('format')!r} is not {FORMAT}")
        if body.get("features") != list(FEATURES):
            raise RankerFileError("ranker model was trained on other features; rebuild it")
        try:
            return cls(
                version=str(body["version"]),
                weights={n: float(body["weights"][n]) for n in FEATURES},
                mean={n: float(body["mean"][n]) for n in FEATURES},
                scale={n: float(body["scale"][n]) for n in FEATURES},
                trained_on=dict(body.get("trained_on", {})),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise RankerFileError(f"ranker model is incomplete ({error})") from None


def save(model: RankerModel, path: Path) -> None:
    path.write_text(model.to_json())


def load(path: Path) -> RankerModel:
    if not path.is_file():
        raise RankerFileError(f"{path} not found")
    return RankerModel.from_json(path.read_text())


def load_prior() -> RankerModel:
    """The prior shipped in the package, read offline (no network, no training at start-up)."""
    try:
        text = resources.files("askwell.matching").joinpath(PRIOR_FILE).read_text()
    except FileNotFoundError:
        raise RankerFileError(f"the packaged {PRIOR_FILE} is missing; reinstall askwell") from None
    return RankerModel.from_json(text)


# --- learning --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    """One past ask: its candidates' feature rows and which of them helped."""

    rows: np.ndarray
    helped: np.ndarray  # bool per row

    @property
    def usable(self) -> bool:
        return bool(self.helped.any()) and not bool(self.helped.all())


@dataclass(frozen=True)
class FitSettings:
    """Chosen by leave-one-site-out cross-validation in the routing evaluation, never on a test part."""

    c: float = 1.0  # inverse strength of the L2 penalty of the prior (towards zero)
    lam: float = 10.0  # strength of the pull of an organization's weights towards the prior
    max_negatives: int = 50  # non-helpers paired with each helper, drawn with the seed
    seed: int = 20240611


def _pairs(queries: Sequence[Query], *, settings: FitSettings) -> tuple[np.ndarray, np.ndarray]:
    """Differences helper − non-helper and each pair's weight (every ask weighs 1 in all)."""
    rng = np.random.default_rng(settings.seed)
    diffs: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    for query in queries:
        if not query.usable:
            continue
        positives = query.rows[query.helped]
        negatives = query.rows[~query.helped]
        if len(negatives) > settings.max_negatives:
            pick = np.sort(rng.choice(len(negatives), settings.max_negatives, replace=False))
            negatives = negatives[pick]
        block = (positives[:, None, :] - negatives[None, :, :]).reshape(-1, query.rows.shape[1])
        diffs.append(block)
        weights.append(np.full(len(block), 1.0 / len(block)))
    if not diffs:
        return np.zeros((0, len(FEATURES))), np.zeros(0)
    return np.vstack(diffs), np.concatenate(weights)


def _solve(diffs: np.ndarray, pair_weights: np.ndarray, centre: np.ndarray, strength: float) -> np.ndarray:
    """Minimise Σ pair_weight × log(1 + exp(−w·d)) ÷ Σ pair_weight + strength/2 × ‖w − centre‖²."""
    total = float(pair_weights.sum()) or 1.0

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        margin = diffs @ w
        value = float(pair_weights @ np.logaddexp(0.0, -margin)) / total
        slope = -(pair_weights * (1.0 / (1.0 + np.exp(np.clip(margin, -50, 50))))) @ diffs / total
        gap = w - centre
        return value + 0.5 * strength * float(gap @ gap), slope + strength * gap

    result = minimize(loss, centre.copy(), jac=True, method="L-BFGS-B", options={"maxiter": 500})
    return np.asarray(result.x, dtype=np.float64)


def fit_prior(
    queries: Sequence[Query], *, settings: FitSettings, version: str, trained_on: Mapping[str, object]
) -> RankerModel:
    """Weights learned from scratch (penalised towards zero), standardised on these queries."""
    usable = [q for q in queries if q.usable]
    if not usable:
        raise ValueError("no ask with both a helper and a non-helper to learn from")
    stacked = np.vstack([q.rows for q in usable])
    mean = stacked.mean(axis=0)
    scale = np.maximum(stacked.std(axis=0), MIN_SCALE)
    standard = [Query((q.rows - mean) / scale, q.helped) for q in usable]
    diffs, pair_weights = _pairs(standard, settings=settings)
    weights = _solve(diffs, pair_weights, np.zeros(len(FEATURES)), 1.0 / settings.c / len(usable))
    names = list(FEATURES)
    # A feature that never varied in training (no community records ties) cannot be learned: it keeps
    # the hand-set weight below, on its raw scale, until an organization's own history moves it.
    for position, name in enumerate(names):
        if scale[position] <= MIN_SCALE:
            scale[position], weights[position] = 1.0, UNLEARNED_WEIGHTS.get(name, 0.0)
    return RankerModel(
        version=version,
        weights=dict(zip(names, weights.tolist(), strict=True)),
        mean=dict(zip(names, mean.tolist(), strict=True)),
        scale=dict(zip(names, scale.tolist(), strict=True)),
        trained_on={**trained_on, "queries": len(usable)},
    )


def adapt(
    prior: RankerModel, queries: Sequence[Query], *, settings: FitSettings, version: str
) -> RankerModel:
    """An organization's own weights, pulled towards the prior: with no usable history, the prior."""
    usable = [q for q in queries if q.usable]
    if not usable:
        return prior
    weights, mean, scale = prior._arrays()
    standard = [Query((q.rows - mean) / scale, q.helped) for q in usable]
    diffs, pair_weights = _pairs(standard, settings=settings)
    # The pull is divided by the number of asks: each new ask moves the weights a little further.
    fitted = _solve(diffs, pair_weights, weights, settings.lam / len(usable))
    names = list(FEATURES)
    return RankerModel(
        version=version,
        weights=dict(zip(names, fitted.tolist(), strict=True)),
        mean=dict(prior.mean),
        scale=dict(prior.scale),
        trained_on={"prior": prior.version, "queries": len(usable)},
    )


K = TypeVar("K", bound=Hashable)
BUSY_SHARE = 0.1  # the busiest tenth of helpers: the spread rule and the load measure use the same share


def busiest(helps: Mapping[K, int], *, people: int, share: float = BUSY_SHARE) -> frozenset[K]:
    """The ``share`` of an organization's ``people`` who gave the most help (ties broken by id order of
    first appearance), never anyone who gave none."""
    top = max(1, math.ceil(share * people))
    ranked = sorted((pid for pid, count in helps.items() if count > 0), key=lambda pid: -helps[pid])
    return frozenset(ranked[:top])


@dataclass(frozen=True)
class LearnedScorer:
    """``scoring.Scorer`` for a model: the score, and each component's contribution for the reasons."""

    model: RankerModel
    context: RankingContext

    def __call__(
        self, candidates: Sequence[scoring.CandidateFeatures], *, now: datetime
    ) -> tuple[list[float], list[dict[str, float]]]:
        matrix = features(candidates, now=now, context=self.context)
        return self.model.scores(matrix).tolist(), self.model.contributions(matrix)


__all__ = [
    "FEATURES",
    "FitSettings",
    "LearnedScorer",
    "Query",
    "RankerFileError",
    "RankerModel",
    "RankingContext",
    "adapt",
    "busiest",
    "features",
    "fit_prior",
    "load",
    "load_prior",
    "save",
]
