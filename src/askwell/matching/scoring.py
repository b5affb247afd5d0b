"""Who can help: the pure, explainable ranker over candidates that retrieval already found.

Score = weighted sum of components in [0, 1], then multiplied by availability and load factors:

| component      | weight | from                                                                  |
|----------------|--------|-----------------------------------------------------------------------|
| fit            | 0.35   | retrieval relevance of what they say and did (hybrid, caller-scaled)  |
| evidence       | 0.25   | past help on similar asks, thanks counting extra; saturates at 2      |
| track_record   | 0.10   | help given, each decayed by age (90 days); saturates at 2 recent helps |
| responsiveness | 0.10   | answer rate and typical reply time                                    |
| thanked        | 0.05   | share of their help that was thanked / accepted                       |
| recency        | 0.05   | how lately they helped anyone (90-day decay)                          |
| reach          | 0.10   | direct tie > two steps via a connector > dormant tie > no path        |

Any optional feature left as ``None`` takes the neutral value 0.5 for everyone, so the ordering is then
decided by the other components alone: network reach and responsiveness can plug in later.
Fit and evidence carry 60 % because being able to help is the point; the remaining signals only
separate people who could. Where history exists, ``rank(weights=...)`` takes calibrated weights (the
routing evaluation picks the text share per site from its training part).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

WEIGHTS: Mapping[str, float] = {
    "fit": 0.35,
    "evidence": 0.25,
    "track_record": 0.10,
    "responsiveness": 0.10,
    "thanked": 0.05,
    "recency": 0.05,
    "reach": 0.10,
}
NEUTRAL = 0.5
EVIDENCE_HALF = 2.0  # similar helps at which evidence reaches one half
TRACK_HALF = 10.0  # helps overall at which the track record reaches one half (no dates known)
RECENT_TRACK_HALF = 2.0  # recency-weighted helps at which the track record reaches one half
REPLY_HALF = timedelta(hours=24)  # typical reply time at which speed reaches one half
RECENCY_DAYS = 90.0
LOAD_WINDOW = timedelta(days=14)  # help given this recently still counts as load

# Load: beyond LOAD_FREE helps in flight or lately each one costs LOAD_STEP; at LOAD_CAP the person is
# capped (score × LOAD_CAPPED) so that the generous few are not handed every ask.
LOAD_FREE = 2
LOAD_STEP = 0.1
LOAD_CAP = 5
LOAD_CAPPED = 0.4

AWAY_FACTOR = 0.15  # away past the due date (or no due date): shown only if nobody else fits
BACK_BEFORE_DUE_FACTOR = 0.6  # away now but back before the ask is due

DIVERSITY_WINDOW = 5  # the suggestions a person actually sees
DIVERSITY_FLOOR = 0.6  # an outsider must score at least this share of the best to be swapped in

REACH_VALUES: Mapping[str, float] = {"direct": 1.0, "two_step": 0.7, "dormant": 0.6, "none": 0.0}


class Tie(StrEnum):
    DIRECT = "direct"
    TWO_STEP = "two_step"
    DORMANT = "dormant"
    NONE = "none"


@dataclass(frozen=True)
class CandidateFeatures:
    """What is known about one candidate for one ask; everything beyond ``person_id`` is optional."""

    person_id: Hashable
    fit: float = 0.0
    # The two halves of ``fit`` when the caller has them apart (the learned ranker weighs them apart).
    lexical_fit: float | None = None
    dense_fit: float | None = None
    matched_terms: tuple[str, ...] = ()
    topic: str | None = None
    similar_helps: int = 0
    similar_thanks: int = 0
    # Similarity-weighted strength of the similar helps when the caller has it; else counts are used.
    evidence: float | None = None
    total_helps: int = 0
    # When each help happened; with it the track record counts recent help more than old help.
    helped_at: tuple[datetime, ...] = ()
    last_helped_at: datetime | None = None
    response_rate: float | None = None
    median_reply: timedelta | None = None
    thanked_share: float | None = None
    recent_helps: int = 0  # help given within the caller's load window (e.g. the last 14 days)
    open_commitments: int = 0  # accepted offers not yet done
    away_until: datetime | None = None
    # Among the organization's busiest helpers (the top tenth by help given lately): the spread rule
    # keeps one visible place for someone else when all the first places go to them.
    busy: bool = False
    team: str | None = None
    tie: Tie | None = None
    connector: str | None = None


@dataclass(frozen=True)
class Suggestion:
    person_id: Hashable
    score: float
    reasons: tuple[str, ...]
    components: Mapping[str, float] = field(default_factory=dict)


def _times(count: int) -> str:
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _clip(value: float) -> float:
    return min(max(value, 0.0), 1.0)


def _saturate(value: float, half: float) -> float:
    return value / (value + half) if value > 0 else 0.0


def _responsiveness(candidate: CandidateFeatures) -> float:
    parts: list[float] = []
    if candidate.response_rate is not None:
        parts.append(_clip(candidate.response_rate))
    if candidate.median_reply is not None:
        hours = max(candidate.median_reply.total_seconds(), 0.0) / 3600
        parts.append(1.0 / (1.0 + hours / (REPLY_HALF.total_seconds() / 3600)))
    return sum(parts) / len(parts) if parts else NEUTRAL


def _decay(when: datetime, now: datetime) -> float:
    return math.exp(-max((now - when).total_seconds(), 0.0) / 86400 / RECENCY_DAYS)


def _recency(candidate: CandidateFeatures, now: datetime) -> float:
    last = candidate.last_helped_at or (max(candidate.helped_at) if candidate.helped_at else None)
    return NEUTRAL if last is None else _decay(last, now)


def _track_record(candidate: CandidateFeatures, now: datetime) -> float:
    if candidate.helped_at:
        return _saturate(sum(_decay(when, now) for when in candidate.helped_at), RECENT_TRACK_HALF)
    return _saturate(candidate.total_helps, TRACK_HALF)


def components(candidate: CandidateFeatures, *, now: datetime) -> dict[str, float]:
    """Each component in [0, 1]; exposed so that callers and tests can see why a score is what it is."""
    evidence = (
        candidate.evidence
        if candidate.evidence is not None
        else candidate.similar_helps + 0.5 * candidate.similar_thanks
    )
    return {
        "fit": _clip(candidate.fit),
        "evidence": _saturate(evidence, EVIDENCE_HALF),
        "track_record": _track_record(candidate, now),
        "responsiveness": _responsiveness(candidate),
        "thanked": NEUTRAL if candidate.thanked_share is None else _clip(candidate.thanked_share),
        "recency": _recency(candidate, now),
        "reach": NEUTRAL if candidate.tie is None else REACH_VALUES[candidate.tie.value],
    }


def load_factor(candidate: CandidateFeatures) -> float:
    load = candidate.recent_helps + candidate.open_commitments
    if load >= LOAD_CAP:
        return LOAD_CAPPED
    return 1.0 - LOAD_STEP * max(0, load - LOAD_FREE)


def availability_factor(candidate: CandidateFeatures, *, now: datetime, due: datetime | None) -> float:
    if candidate.away_until is None or candidate.away_until <= now:
        return 1.0
    if due is not None and candidate.away_until <= due:
        return BACK_BEFORE_DUE_FACTOR
    return AWAY_FACTOR


TOPICAL_PREFIXES = ("Helped with", "Knows about")
"""The reasons that say what a person knows about the ask (evidence of past help, curated terms)."""


def _reasons(
    candidate: CandidateFeatures,
    parts: Mapping[str, float],
    *,
    now: datetime,
    due: datetime | None,
    strengths: Mapping[str, float] | None = None,
) -> list[str]:
    """Warnings first (the asker must know), then the strongest positive reasons by contribution.

    ``strengths`` (component → its share of this candidate's score) comes from a learned scorer; without
    it a component's contribution is its hand-set weight times its value.
    """
    warnings: list[str] = []
    if candidate.away_until is not None and candidate.away_until > now:
        back = f"{candidate.away_until:%-d %b}"
        before_due = due is not None and candidate.away_until <= due
        warnings.append(f"Away until {back}" + (", back before your due date" if before_due else ""))
    load = candidate.recent_helps + candidate.open_commitments
    if load >= LOAD_CAP:
        warnings.append(f"Already helping with {load} asks, so suggested sparingly")

    positive: list[tuple[float, str]] = []

    def add(component: str, text: str) -> None:
        if strengths is not None:
            positive.append((strengths.get(component, 0.0), text))
        else:
            positive.append((WEIGHTS[component] * parts[component], text))

    if candidate.similar_helps > 0:
        about = f" about {candidate.topic}" if candidate.topic else " like this one"
        text = f"Helped with {_plural(candidate.similar_helps, 'ask')}{about}"
        if candidate.similar_thanks > 0:
            text += f", thanked {_times(candidate.similar_thanks)}"
        add("evidence", text)
    if candidate.matched_terms and parts["fit"] > 0:
        terms = list(candidate.matched_terms[:3])
        listed = terms[0] if len(terms) == 1 else ", ".join(terms[:-1]) + f" and {terms[-1]}"
        add("fit", f"Knows about {listed}")
    if candidate.tie is Tie.DIRECT:
        add("reach", "You already know each other")
    elif candidate.tie is Tie.TWO_STEP:
        add("reach", f"Two steps away: {candidate.connector or 'someone you know'} can introduce you")
    elif candidate.tie is Tie.DORMANT:
        add("reach", "You worked together before; a chance to reconnect")
    if candidate.median_reply is not None and parts["responsiveness"] >= NEUTRAL:
        hours = max(1, round(candidate.median_reply.total_seconds() / 3600))
        add("responsiveness", f"Usually replies within {_plural(hours, 'hour')}")
    if candidate.total_helps >= TRACK_HALF:
        add("track_record", f"Has helped {_times(candidate.total_helps)} in all")
    positive.sort(key=lambda pair: -pair[0])
    ordered = [text for _value, text in positive]
    # What they know about this ask leads whenever there is something to name: a learned scorer may
    # credit reach or responsiveness more, but an asker judges a suggestion first by its fit, and the
    # reasons are cut to three (a "Two steps away" list says nothing about why this person).
    topical = next((text for _value, text in positive if text.startswith(TOPICAL_PREFIXES)), None)
    if topical is not None:
        ordered.remove(topical)
        ordered.insert(0, topical)
    return warnings + ordered


class Scorer(Protocol):
    """A learned replacement for the weighted sum: log-odds of helping per candidate and, for the reasons,
    each component's contribution to them (``matching.ranker.LearnedScorer``). The load and availability
    factors then multiply the odds, so that a penalty moves a person by the same amount of evidence
    whatever the scale of the scores."""

    def __call__(
        self, candidates: Sequence[CandidateFeatures], *, now: datetime
    ) -> tuple[Sequence[float], Sequence[Mapping[str, float]]]: ...


_Scored = tuple[float, int, CandidateFeatures, dict[str, float], list[str]]


def _logistic(value: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(min(value, 50.0), -50.0)))


def _swap_in(
    scored: list[_Scored],
    *,
    inside: Callable[[CandidateFeatures], bool],
    outside: Callable[[CandidateFeatures], bool],
    note: Callable[[CandidateFeatures], str],
) -> None:
    """If every visible place is ``inside`` while an ``outside`` person scores at least
    ``DIVERSITY_FLOOR`` of the best, that person takes the last visible place, with ``note`` as a reason."""
    window = min(DIVERSITY_WINDOW, len(scored))
    if not scored or not all(inside(item[2]) for item in scored[:window]):
        return
    best = scored[0][0]
    found = next(
        (position for position, item in enumerate(scored[window:], start=window) if outside(item[2])), None
    )
    if found is not None and scored[found][0] >= DIVERSITY_FLOOR * best:
        item = scored.pop(found)
        scored.insert(window - 1, (*item[:4], [note(item[2]), *item[4]]))


def rank(
    candidates: Iterable[CandidateFeatures],
    *,
    now: datetime,
    due: datetime | None = None,
    asker_team: str | None = None,
    limit: int | None = DIVERSITY_WINDOW,
    weights: Mapping[str, float] | None = None,
    scorer: Scorer | None = None,
    constrain_load: bool = True,
    spread: bool = True,
) -> list[Suggestion]:
    """Suggestions best first, each with at most three reasons in words.

    Diversity: if every one of the first ``DIVERSITY_WINDOW`` shares the asker's team while someone from
    another team scores at least ``DIVERSITY_FLOOR`` of the best, that person takes the last visible
    place, so an ask does not stay inside the asker's inner circle when good help exists outside it.
    Spread (with the load constraint): likewise when every visible place goes to the organization's
    busiest helpers, so that the same few people are not handed every ask.
    ``weights`` replaces ``WEIGHTS`` where a caller has calibrated them on its own history; ``scorer``
    replaces the weighted sum altogether (the learned ranker). Load and availability act after either,
    as constraints (``constrain_load=False`` and ``spread=False`` only let the evaluation measure what the
    load cap and the spread rule cost).
    """
    chosen = WEIGHTS if weights is None else weights
    listed = list(candidates)
    learned = scorer(listed, now=now) if scorer is not None and listed else None
    scored: list[_Scored] = []
    for order, candidate in enumerate(listed):
        parts = components(candidate, now=now)
        strengths = learned[1][order] if learned is not None else None
        factor = availability_factor(candidate, now=now, due=due)
        if constrain_load:
            factor *= load_factor(candidate)
        if learned is not None:
            score = _logistic(learned[0][order] + math.log(factor))
        else:
            score = factor * sum(chosen[name] * value for name, value in parts.items())
        reasons = _reasons(candidate, parts, now=now, due=due, strengths=strengths)
        scored.append((score, order, candidate, parts, reasons))
    scored.sort(key=lambda item: (-item[0], item[1]))

    if asker_team is not None:
        _swap_in(
            scored,
            inside=lambda c: c.team == asker_team,
            outside=lambda c: c.team is not None and c.team != asker_team,
            note=lambda c: f"From outside your team ({c.team}), for a fresh view",
        )
    if spread:
        _swap_in(
            scored,
            inside=lambda c: c.busy,
            outside=lambda c: not c.busy,
            note=lambda _c: "Asked less often than the usual few, which spreads the load",
        )

    suggestions = [
        Suggestion(person_id=c.person_id, score=round(score, 6), reasons=tuple(reasons[:3]), components=parts)
        for score, _order, c, parts, reasons in scored
    ]
    return suggestions if limit is None else suggestions[:limit]


__all__ = [
    "LOAD_WINDOW",
    "WEIGHTS",
    "CandidateFeatures",
    "Scorer",
    "Suggestion",
    "Tie",
    "availability_factor",
    "components",
    "load_factor",
    "rank",
]
