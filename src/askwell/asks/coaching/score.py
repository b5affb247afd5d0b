"""The signals research links to help, and the score that weighs them with the SMART verdicts."""

from __future__ import annotations

import re

from askwell.asks import lexicon as lx
from askwell.asks.coaching.text import _I
from askwell.asks.coaching.verdicts import _STATUS_VALUE, Criterion, CriterionReview, Signal

# A few sentences of background count as context for the helper.
CONTEXT_WORDS = 60
# The score estimates the chance of help, so the SMART structure and the published predictors of success
# weigh the same, 50 points each. Within SMART a reason weighs most: a stated need is the strongest text
# predictor of help (Althoff et al., ICWSM 2014; Langer et al.'s "because", 1978); realism weighs least,
# as an oversized ask is also flagged on its own. Among the signals evidence and detail weigh most: in
# Althoff et al. length and evidence were among the strongest text predictors of help.
WEIGHTS: dict[Criterion, float] = {"S": 10, "M": 15, "A": 10, "R": 5, "T": 10}
SIGNAL_WEIGHTS = {"gratitude": 10.0, "reciprocity": 10.0, "evidence": 15.0}
# Detail is graded rather than a threshold: each word of background helps, up to about 150 words.
DETAIL_WEIGHT = 15.0
DETAIL_FULL_WORDS = 150
_GRATITUDE = re.compile(lx.GRATITUDE, _I)
_RECIPROCITY = re.compile(lx.RECIPROCITY, _I)
_EVIDENCE = re.compile(lx.EVIDENCE, _I)


def likely_rate(score: int) -> float:
    """A readable prior for "will someone help", rising with ask quality; not a calibrated probability.

    Askers typically guess about half of the help they actually get (Flynn & Lake 2008), so the
    review shows this beside the author's own guess rather than replacing it.
    """
    return round(0.2 + 0.7 * score / 100, 2)


# Per signal: what a person reads when the ask has it, and what to add when it has not.
_SIGNAL_TEXT: dict[str, tuple[str, str]] = {
    "reason": (
        "It says why you need it: a stated need is the strongest signal of success.",
        "Say why you need it: a stated need is the strongest signal of success.",
    ),
    "gratitude": ("It thanks people in advance.", "Thank people in advance; gratitude raises response."),
    "reciprocity": ("It offers something back.", "Offer something back ('happy to return the favour')."),
    "evidence": (
        "It gives evidence: a link, a figure or what you already tried.",
        "Add evidence: a link, a figure, what you already tried.",
    ),
    "context": (
        "It gives a few sentences of background.",
        "Add a few sentences of background: longer, situated requests get help more often.",
    ),
}


def _signals(text: str, has_reason: bool) -> tuple[Signal, ...]:
    present = {
        "reason": has_reason,
        "gratitude": bool(_GRATITUDE.search(text)),
        "reciprocity": bool(_RECIPROCITY.search(text)),
        "evidence": bool(_EVIDENCE.search(text)),
        "context": len(text.split()) >= CONTEXT_WORDS,
    }
    return tuple(
        Signal(name, found, _SIGNAL_TEXT[name][0 if found else 1]) for name, found in present.items()
    )


def _score(criteria: tuple[CriterionReview, ...], signals: tuple[Signal, ...], *, words: int) -> int:
    total = sum(WEIGHTS[c.criterion] * _STATUS_VALUE[c.status] for c in criteria)
    total += sum(SIGNAL_WEIGHTS.get(s.name, 0.0) for s in signals if s.present)
    total += DETAIL_WEIGHT * min(1.0, words / DETAIL_FULL_WORDS)
    return round(total)
