"""Training the needs model on labelled stand-up answers, and choosing its settings by leave-one-set-out.

Labelled sets are written by different people, so the honest question is how the model fares on answers
from someone new: each set is left out in turn, the model is trained on the others and scored on the one
left out. The regularisation ``C`` and the answer threshold are chosen the same way, nested: the choice
reported for a left-out set is made by leaving out, in turn, each of the *other* sets (with only one other
set, by five folds inside it), never by looking at the set being scored.

Training is at clause level: a clause of a "help needed" answer is a positive when it overlaps the
labelled need span (half of the clause or half of the span); every clause of an answer without a need is
a negative. An answer labelled "help needed" whose need span is missing is left out of training (it still
counts when scoring).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from askwell.standups.needs import (
    FEATURE_VERSION,
    Clause,
    NeedsModel,
    clause_features,
    clauses,
    need_span,
)

GRID_C: tuple[float, ...] = (0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
GRID_THRESHOLD: tuple[float, ...] = tuple(round(0.2 + 0.05 * i, 2) for i in range(13))  # 0.20 … 0.80
# How sure a neighbouring clause must be to join the need span (above 1: never).
GRID_EXTEND: tuple[float, ...] = (1.01, 0.8, 0.6, 0.4, 0.3, 0.2, 0.1)
DEFAULT_SEED = 2025
INNER_FOLDS = 5
# A feature seen in fewer training clauses than this gets no weight (keeps the shipped file small and
# the model off one-off words).
MIN_COUNT = 2
MODEL_VERSION = "1"
# Clauses that state a need are few among all clauses; weighting them up keeps the cues from being
# drowned by the many status clauses.
CLASS_WEIGHT: str | None = "balanced"

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class LabelledSet:
    """One labelled file of stand-up answers: its name (``standups_set2``) and its rows."""

    name: str
    rows: list[dict[str, Any]]

    @property
    def sha256(self) -> str:
        """The hash of what training reads: texts, labels and need spans, in order."""
        digest = hashlib.sha256()
        for row in self.rows:
            kept = {"text": row["text"], "help_needed": bool(row["help_needed"]), "need": row.get("need")}
            digest.update((json.dumps(kept, sort_keys=True, ensure_ascii=False) + "\n").encode())
        return digest.hexdigest()


def words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def span_overlap(predicted: str, labelled: str) -> float:
    """Token-level Jaccard of two spans: shared lower-cased word tokens over all their word tokens."""
    a, b = words(predicted), words(labelled)
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def clause_labels(text: str, found: Sequence[Clause], need: str | None) -> list[bool] | None:
    """Which clauses state the labelled need (None when the need span is missing)."""
    if not need or not need.strip():
        return None
    at = text.lower().find(need.strip().lower())
    labels: list[bool] = []
    spans = [(c.start, c.end) for c in found]
    if at >= 0:
        n_start, n_end = at, at + len(need.strip())
        for start, end in spans:
            shared = max(0, min(end, n_end) - max(start, n_start))
            labels.append(shared >= 0.5 * (end - start) or shared >= 0.5 * (n_end - n_start))
    else:  # the span is paraphrased or mistyped: match by shared words
        need_words = words(need)
        for start, end in spans:
            clause_words = words(text[start:end])
            shared = len(clause_words & need_words)
            labels.append(
                bool(clause_words) and (shared >= 0.5 * len(clause_words) or shared >= 0.5 * len(need_words))
            )
    if spans and not any(labels):
        best = max(range(len(spans)), key=lambda i: span_overlap(text[slice(*spans[i])], need))
        labels[best] = True
    return labels


@dataclass
class Clauses:
    """Every clause of every labelled answer, featurised once."""

    sets: list[LabelledSet]
    features: list[dict[str, float]]
    y: np.ndarray  # clause states the need
    trainable: np.ndarray  # its answer has a usable label
    answer: np.ndarray  # global answer index of each clause
    spans: list[Clause]
    answer_set: np.ndarray  # set index of each answer
    answer_rows: list[dict[str, Any]]


def featurise(sets: Sequence[LabelledSet]) -> Clauses:
    feats: list[dict[str, float]] = []
    y: list[bool] = []
    trainable: list[bool] = []
    answer: list[int] = []
    spans: list[Clause] = []
    answer_set: list[int] = []
    rows: list[dict[str, Any]] = []
    for s_index, labelled in enumerate(sets):
        for row in labelled.rows:
            a_index = len(rows)
            rows.append(row)
            answer_set.append(s_index)
            text = str(row["text"])
            found = clauses(text)
            needed = bool(row["help_needed"])
            labels = clause_labels(text, found, row.get("need")) if needed else [False] * len(found)
            for i, c in enumerate(found):
                feats.append(clause_features(text[c.start : c.end], i, len(found)))
                y.append(bool(labels[i]) if labels is not None else False)
                trainable.append(labels is not None)
                answer.append(a_index)
                spans.append(c)
    return Clauses(
        sets=list(sets),
        features=feats,
        y=np.array(y, dtype=bool),
        trainable=np.array(trainable, dtype=bool),
        answer=np.array(answer, dtype=np.int64),
        spans=spans,
        answer_set=np.array(answer_set, dtype=np.int64),
        answer_rows=rows,
    )


@dataclass(frozen=True)
class Fit:
    weights: dict[str, float]
    intercept: float


def fit(data: Clauses, answers: np.ndarray, *, C: float, seed: int = DEFAULT_SEED) -> Fit:
    """A logistic regression on the clauses of ``answers`` (a boolean mask over answers)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    mask = answers[data.answer] & data.trainable
    chosen = [f for f, m in zip(data.features, mask, strict=True) if m]
    counts: dict[str, int] = {}
    for f in chosen:
        for k in f:
            counts[k] = counts.get(k, 0) + 1
    kept = [{k: v for k, v in f.items() if counts[k] >= MIN_COUNT} for f in chosen]
    vectorizer = DictVectorizer()
    x = vectorizer.fit_transform(kept)
    model = LogisticRegression(C=C, max_iter=5000, random_state=seed, class_weight=CLASS_WEIGHT)
    model.fit(x, data.y[mask])
    names = vectorizer.get_feature_names_out()
    weights = {
        str(n): round(float(w), 5) for n, w in zip(names, model.coef_[0], strict=True) if abs(w) >= 1e-5
    }
    return Fit(weights, round(float(model.intercept_[0]), 5))


def probabilities(data: Clauses, fitted: Fit, answers: np.ndarray) -> np.ndarray:
    """Each clause's probability of stating the need (NaN for clauses of answers outside the mask)."""
    out = np.full(len(data.features), np.nan)
    for c_index, a_index in enumerate(data.answer):
        if answers[a_index]:
            f = data.features[c_index]
            z = fitted.intercept + sum(v * fitted.weights.get(k, 0.0) for k, v in f.items())
            out[c_index] = 1.0 / (1.0 + float(np.exp(-np.clip(z, -700, 700))))
    return out


def score(rows: Sequence[dict[str, Any]], predicted: Sequence[tuple[int, int] | None]) -> dict[str, Any]:
    """``{"n", "help_needed": {"precision", "recall", "f1"}, "need_span_overlap"}`` for predicted spans
    (None: no need) against the labels; the overlap is the mean token Jaccard over true positives."""
    tp = fp = fn = 0
    overlaps: list[float] = []
    for row, span in zip(rows, predicted, strict=True):
        gold = bool(row["help_needed"])
        if span is not None and gold:
            tp += 1
            need = row.get("need")
            if need:
                overlaps.append(span_overlap(str(row["text"])[span[0] : span[1]], str(need)))
        elif span is not None:
            fp += 1
        elif gold:
            fn += 1
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "n": len(rows),
        "help_needed": {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)},
        "need_span_overlap": round(float(np.mean(overlaps)), 4) if overlaps else None,
    }


def predict(
    data: Clauses, p: np.ndarray, threshold: float, extend_above: float, answers: Iterable[int]
) -> list[tuple[int, int] | None]:
    """The predicted need span of each answer (None: no need), as ``find_need_with`` would give it."""
    out: list[tuple[int, int] | None] = []
    by_answer: dict[int, list[int]] = {}
    for c_index in np.flatnonzero(~np.isnan(p)):
        by_answer.setdefault(int(data.answer[c_index]), []).append(int(c_index))
    for a in answers:
        members = by_answer.get(int(a), [])
        if not members:
            out.append(None)
            continue
        scored = [(data.spans[c], float(p[c])) for c in members]
        best = max(range(len(scored)), key=lambda i: scored[i][1])
        out.append(need_span(scored, best, extend_above) if scored[best][1] >= threshold else None)
    return out


def _held_out_probabilities(data: Clauses, groups: list[np.ndarray], C: float, seed: int) -> list[np.ndarray]:
    """For each group of answers (a mask): clause probabilities from a fit on the other groups."""
    union = np.any(np.stack(groups), axis=0)
    return [probabilities(data, fit(data, union & ~g, C=C, seed=seed), g) for g in groups]


def _inner_groups(data: Clauses, sets: Sequence[int], seed: int) -> list[np.ndarray]:
    """The groups to leave out in turn when choosing: the sets, or five folds when there is one set."""
    if len(sets) >= 2:
        return [data.answer_set == s for s in sets]
    members = np.flatnonzero(data.answer_set == sets[0])
    rng = np.random.default_rng(seed)
    fold = rng.permutation(len(members)) % INNER_FOLDS
    groups = []
    for k in range(INNER_FOLDS):
        g = np.zeros(len(data.answer_rows), dtype=bool)
        g[members[fold == k]] = True
        groups.append(g)
    return groups


@dataclass(frozen=True)
class Choice:
    C: float
    threshold: float
    extend_above: float
    mean_f1: float
    worst_f1: float
    mean_overlap: float


def choose(data: Clauses, sets: Sequence[int], *, seed: int = DEFAULT_SEED) -> Choice:
    """The (C, threshold) with the best mean F1 over leaving each of ``sets`` out (then the best worst),
    then, for those, the span widening with the best mean span overlap."""
    groups = _inner_groups(data, sets, seed)
    indices = [np.flatnonzero(g) for g in groups]
    rows = [[data.answer_rows[a] for a in index] for index in indices]

    def results(held: list[np.ndarray], threshold: float, extend: float) -> list[dict[str, Any]]:
        return [
            score(r, predict(data, p, threshold, extend, index))
            for r, p, index in zip(rows, held, indices, strict=True)
        ]

    best: tuple[float, float, float, float] | None = None  # mean F1, worst F1, C, threshold
    held_by_c: dict[float, list[np.ndarray]] = {}
    for C in GRID_C:
        held_by_c[C] = _held_out_probabilities(data, groups, C, seed)
        for threshold in GRID_THRESHOLD:
            f1s = [r["help_needed"]["f1"] for r in results(held_by_c[C], threshold, 1.01)]
            candidate = (float(np.mean(f1s)), float(np.min(f1s)), C, threshold)
            if best is None or candidate[:2] > (best[0] + 1e-9, best[1]):
                best = candidate
    assert best is not None
    mean_f1, worst_f1, C, threshold = best
    overlaps = {
        extend: float(
            np.mean([r["need_span_overlap"] or 0.0 for r in results(held_by_c[C], threshold, extend)])
        )
        for extend in GRID_EXTEND
    }
    extend = max(GRID_EXTEND, key=lambda e: overlaps[e] - 1e-9 * GRID_EXTEND.index(e))
    return Choice(C, threshold, extend, mean_f1, worst_f1, overlaps[extend])


@dataclass(frozen=True)
class LosoRow:
    name: str
    result: dict[str, Any]
    choice: Choice


def loso(data: Clauses, *, seed: int = DEFAULT_SEED) -> list[LosoRow]:
    """Nested leave-one-set-out: per set, choose on the others, train on the others, score the set."""
    out: list[LosoRow] = []
    everyone = list(range(len(data.sets)))
    for o in everyone:
        rest = [s for s in everyone if s != o]
        choice = choose(data, rest, seed=seed)
        outer = data.answer_set == o
        fitted = fit(data, ~outer, C=choice.C, seed=seed)
        index = np.flatnonzero(outer)
        p = probabilities(data, fitted, outer)
        predicted = predict(data, p, choice.threshold, choice.extend_above, index)
        result = score([data.answer_rows[a] for a in index], predicted)
        out.append(LosoRow(data.sets[o].name, result, choice))
    return out


def summary(rows: Sequence[LosoRow]) -> dict[str, dict[str, float]]:
    """Mean and worst over the left-out sets of P, R, F1 and span overlap."""

    def column(get: Any) -> list[float]:
        return [float(get(r.result)) for r in rows if get(r.result) is not None]

    columns = {
        "precision": column(lambda r: r["help_needed"]["precision"]),
        "recall": column(lambda r: r["help_needed"]["recall"]),
        "f1": column(lambda r: r["help_needed"]["f1"]),
        "need_span_overlap": column(lambda r: r["need_span_overlap"]),
    }
    return {
        "mean": {k: round(float(np.mean(v)), 4) for k, v in columns.items() if v},
        "worst": {k: round(float(np.min(v)), 4) for k, v in columns.items() if v},
    }


def train(data: Clauses, *, seed: int = DEFAULT_SEED, choice: Choice | None = None) -> NeedsModel:
    """The model to ship: (C, threshold) chosen by leaving each set out, then fitted on every answer."""
    choice = choice or choose(data, list(range(len(data.sets))), seed=seed)
    fitted = fit(data, np.ones(len(data.answer_rows), dtype=bool), C=choice.C, seed=seed)
    digest = hashlib.sha256("".join(s.sha256 for s in data.sets).encode()).hexdigest()
    training = {
        "data_sha256": digest,
        "sets": {s.name: {"answers": len(s.rows), "sha256": s.sha256} for s in data.sets},
        "clauses": int(np.sum(data.trainable)),
        "seed": seed,
        "grid": {"C": list(GRID_C), "threshold": list(GRID_THRESHOLD), "extend_above": list(GRID_EXTEND)},
        "min_count": MIN_COUNT,
        "chosen_by": "leave-one-set-out" if len(data.sets) >= 2 else f"{INNER_FOLDS}-fold",
        "loso_mean_f1": round(choice.mean_f1, 4),
        "loso_worst_f1": round(choice.worst_f1, 4),
        "loso_mean_span_overlap": round(choice.mean_overlap, 4),
    }
    return NeedsModel(
        weights=fitted.weights,
        intercept=fitted.intercept,
        threshold=choice.threshold,
        extend_above=choice.extend_above,
        version=f"{MODEL_VERSION}+{digest[:12]}.s{seed}",
        C=choice.C,
        training=training,
        feature_version=FEATURE_VERSION,
    )
