"""Training the judge on labelled asks, and choosing its settings by leave-one-set-out cross-validation.

Every choice (the regularisation C, and how far the model must disagree to overrule the rules) is made
by leaving one labelled set out at a time, training on the others and scoring the one left out: sets
are written by different people, so this is how the judgement fares on asks from someone new. The
figures reported for a set come from a choice made without that set (nested: the choice for each left-out
set is itself cross-validated on the remaining sets only).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from askwell.asks.coaching.judge import (
    EMBEDDING_VERSION,
    FEATURE_VERSION,
    CriterionModel,
    Encode,
    JudgeModel,
    features,
)
from askwell.asks.coaching.reading import read
from askwell.asks.coaching.verdicts import CRITERIA, AskDraft, Criterion

# Regularisation tried (small: 500 asks against 412 features).
GRID_C: tuple[float, ...] = (0.003, 0.01, 0.03, 0.1)
# (keep_above, raise_above), simplest first, so a tie keeps the simpler way: the rules alone; the model
# overruling the rules only when sure; the model alone.
GRID_COMBINE: tuple[tuple[float, float], ...] = ((0.0, 1.01), (0.2, 0.8), (0.3, 0.7), (0.5, 0.5))
CALIBRATION_FOLDS = 5
DEFAULT_SEED = 2025


@dataclass(frozen=True)
class LabelledSet:
    """One labelled ask file: its name (``smart_fresh3``) and its rows (``id text S M A R T ...``)."""

    name: str
    rows: list[dict[str, Any]]

    @property
    def sha256(self) -> str:
        """The hash of what training reads from the set: ids, texts and the five labels, in order."""
        digest = hashlib.sha256()
        for row in self.rows:
            kept: dict[str, Any] = {
                "id": row["id"],
                "text": row["text"],
                **{c: bool(row[c]) for c in CRITERIA},
            }
            digest.update((json.dumps(kept, sort_keys=True, ensure_ascii=False) + "\n").encode())
        return digest.hexdigest()


@dataclass
class Featurised:
    """The labelled sets as a matrix: one row an ask, ``groups`` the set each row came from."""

    sets: list[LabelledSet]
    x: np.ndarray
    y: dict[Criterion, np.ndarray]
    rules_met: dict[Criterion, np.ndarray]
    groups: np.ndarray
    _fits: dict[tuple[Any, ...], np.ndarray] = field(default_factory=dict)


def featurise(sets: Sequence[LabelledSet], encode: Encode, *, now: datetime, tz: ZoneInfo) -> Featurised:
    rows = [(i, row) for i, s in enumerate(sets) for row in s.rows]
    readings = [read(AskDraft(str(row["text"])), now=now, tz=tz) for _, row in rows]
    embeddings = np.asarray(encode([r.text for r in readings]), dtype=np.float64)
    x = np.stack([features(r, e) for r, e in zip(readings, embeddings, strict=True)])
    return Featurised(
        sets=list(sets),
        x=x,
        y={c: np.array([bool(row[c]) for _, row in rows]) for c in CRITERIA},
        rules_met={c: np.array([r.verdicts[c].status == "met" for r in readings]) for c in CRITERIA},
        groups=np.array([i for i, _ in rows]),
    )


def _standardiser(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    return mean, np.where(scale > 1e-9, scale, 1.0)


def fit_criterion(
    z: np.ndarray, y: np.ndarray, *, C: float, seed: int
) -> tuple[np.ndarray, float, tuple[float, float]]:
    """A logistic model on standardised rows ``z`` with Platt scaling fitted on out-of-fold scores."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    folds = StratifiedKFold(CALIBRATION_FOLDS, shuffle=True, random_state=seed)
    model = CalibratedClassifierCV(
        LogisticRegression(C=C, max_iter=5000), method="sigmoid", cv=folds, ensemble=False
    )
    model.fit(z, y)
    fitted = model.calibrated_classifiers_[0]
    base = fitted.estimator
    calibrator = fitted.calibrators[0]
    return (
        np.asarray(base.coef_[0], dtype=np.float64),
        float(base.intercept_[0]),
        (float(calibrator.a_), float(calibrator.b_)),
    )


def _probabilities(
    data: Featurised, c: Criterion, C: float, seed: int, train: frozenset[int], test: int
) -> np.ndarray:
    key = (c, C, seed, train, test)
    if key not in data._fits:
        inside = np.isin(data.groups, list(train))
        mean, scale = _standardiser(data.x[inside])
        weights, intercept, (a, b) = fit_criterion(
            (data.x[inside] - mean) / scale, data.y[c][inside], C=C, seed=seed
        )
        z = (data.x[data.groups == test] - mean) / scale
        data._fits[key] = 1.0 / (1.0 + np.exp(np.clip(a * (z @ weights + intercept) + b, -700, 700)))
    return data._fits[key]


def combine(rules_met: np.ndarray, p: np.ndarray, keep_above: float, raise_above: float) -> np.ndarray:
    return np.asarray(np.where(rules_met, p >= keep_above, p >= raise_above))


def f1(predicted: np.ndarray, gold: np.ndarray) -> float:
    """F1 of the class "met", as ``askwell eval coaching`` counts it (1.0 when neither side has any)."""
    tp = int(np.sum(predicted & gold))
    denominator = 2 * tp + int(np.sum(predicted & ~gold)) + int(np.sum(~predicted & gold))
    return 2 * tp / denominator if denominator else 1.0


@dataclass(frozen=True)
class Choice:
    C: float
    keep_above: float
    raise_above: float
    mean_f1: float
    worst_f1: float

    @property
    def way(self) -> str:
        if self.keep_above <= 0 and self.raise_above > 1:
            return "rules"
        if self.keep_above == self.raise_above:
            return f"model (C={self.C:g})"
        return f"model overrules when p<{self.keep_above:g} or p≥{self.raise_above:g} (C={self.C:g})"


def choose(data: Featurised, c: Criterion, sets: Iterable[int], *, seed: int) -> Choice:
    """The setting with the best mean F1 over leaving each of ``sets`` out (then the best worst set;
    then the simpler, listed first)."""
    members = frozenset(sets)
    best: Choice | None = None
    for C in GRID_C:
        held = {h: _probabilities(data, c, C, seed, members - {h}, h) for h in sorted(members)}
        for keep, raise_ in GRID_COMBINE:
            scores = [
                f1(combine(data.rules_met[c][data.groups == h], p, keep, raise_), data.y[c][data.groups == h])
                for h, p in held.items()
            ]
            candidate = Choice(C, keep, raise_, float(np.mean(scores)), float(np.min(scores)))
            if best is None or (candidate.mean_f1, candidate.worst_f1) > (
                best.mean_f1 + 1e-12,
                best.worst_f1,
            ):
                best = candidate
    assert best is not None
    return best


@dataclass(frozen=True)
class LosoResult:
    """Per left-out set and criterion: the F1 of the rules alone and of the combined coaching, and the
    setting chosen without that set."""

    sets: list[str]
    rules: dict[str, dict[Criterion, float]]
    combined: dict[str, dict[Criterion, float]]
    chosen: dict[str, dict[Criterion, str]]

    def summary(self, which: str) -> dict[Criterion, dict[str, float]]:
        table = self.rules if which == "rules" else self.combined
        return {
            c: {
                "mean": round(float(np.mean([table[s][c] for s in self.sets])), 4),
                "worst": round(float(np.min([table[s][c] for s in self.sets])), 4),
            }
            for c in CRITERIA
        }


def loso(data: Featurised, *, seed: int = DEFAULT_SEED) -> LosoResult:
    """Nested leave-one-set-out: for each set, choose on the others (each left out in turn), train on
    all the others, score the one left out."""
    everyone = range(len(data.sets))
    rules: dict[str, dict[Criterion, float]] = {}
    combined: dict[str, dict[Criterion, float]] = {}
    chosen: dict[str, dict[Criterion, str]] = {}
    for o in everyone:
        name = data.sets[o].name
        rules[name], combined[name], chosen[name] = {}, {}, {}
        mask = data.groups == o
        rest = frozenset(everyone) - {o}
        for c in CRITERIA:
            choice = choose(data, c, rest, seed=seed)
            p = _probabilities(data, c, choice.C, seed, rest, o)
            predicted = combine(data.rules_met[c][mask], p, choice.keep_above, choice.raise_above)
            rules[name][c] = round(f1(data.rules_met[c][mask], data.y[c][mask]), 4)
            combined[name][c] = round(f1(predicted, data.y[c][mask]), 4)
            chosen[name][c] = choice.way
    return LosoResult([s.name for s in data.sets], rules, combined, chosen)


def train(
    data: Featurised,
    *,
    seed: int = DEFAULT_SEED,
    version: str,
    chosen: dict[Criterion, Choice] | None = None,
) -> JudgeModel:
    """The judge to ship: settings chosen by leave-one-set-out over every set, then fitted on all asks.

    ``chosen`` skips the choice (a rebuild that only checks the fit reuses the shipped file's settings).
    """
    mean, scale = _standardiser(data.x)
    z = (data.x - mean) / scale
    criteria: dict[Criterion, CriterionModel] = {}
    selection: dict[str, Any] = {}
    for c in CRITERIA:
        choice = chosen[c] if chosen else choose(data, c, range(len(data.sets)), seed=seed)
        weights, intercept, calibration = fit_criterion(z, data.y[c], C=choice.C, seed=seed)
        criteria[c] = CriterionModel(
            weights, intercept, calibration, choice.keep_above, choice.raise_above, choice.C
        )
        selection[c] = {
            "C": choice.C,
            "keep_above": choice.keep_above,
            "raise_above": choice.raise_above,
            "way": choice.way,
            "loso_mean_f1": round(choice.mean_f1, 4),
            "loso_worst_f1": round(choice.worst_f1, 4),
        }
    digest = hashlib.sha256("".join(s.sha256 for s in data.sets).encode()).hexdigest()
    training = {
        "data_sha256": digest,
        "sets": {s.name: {"asks": len(s.rows), "sha256": s.sha256} for s in data.sets},
        "seed": seed,
        "grid": {"C": list(GRID_C), "combine": [list(g) for g in GRID_COMBINE]},
        "selection": selection,
    }
    return JudgeModel(
        version=f"{version}+{digest[:12]}.s{seed}",
        mean=mean,
        scale=scale,
        criteria=criteria,
        training=training,
        feature_version=FEATURE_VERSION,
        embedding_version=EMBEDDING_VERSION,
    )
