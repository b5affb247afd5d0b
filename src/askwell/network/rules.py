"""Pure rules for ties: strength, dormancy, two-step introduction scores and dormant-tie ranking.

Everything here takes plain data and ``now``; nothing reads a database or the clock. The formulas are
repeated, with the reasons for each constant, in ``docs/network.md``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

import numpy as np

Num = TypeVar("Num", float, np.ndarray)

#: How much one interaction of each origin says about a relationship. Help actually given and thanks
#: are the strongest evidence; merely sharing a team or a stand-up, or an imported tie, the weakest.
ORIGIN_WEIGHTS: Mapping[str, float] = {
    "imported": 0.5,
    "same_team": 0.5,
    "standup": 0.5,
    "ring": 1.0,
    "offer": 1.0,
    "message": 1.0,
    "thanks": 1.5,
    "help_given": 2.0,
}

#: A tie's evidence loses half its weight in this many days: three months without contact roughly
#: halves how readily one can ask someone, a common finding in tie-decay studies (Burt 2000).
DEFAULT_HALF_LIFE_DAYS = 90.0
#: Decayed interaction mass at which a tie reaches 1 - 1/e of full strength. Saturation keeps one
#: very chatty pair from dominating sums over ties (paths, reach).
DEFAULT_SATURATION = 3.0
#: The product default for "dormant": twelve months without interaction.
DEFAULT_DORMANT_DAYS = 365.0
#: A dormant tie must once have been real: at least about two help-equivalent interactions.
DEFAULT_MIN_PAST_STRENGTH = 0.3
#: Share of the dormant-tie score kept when the tie knows nothing the inner circle does not.
NOVELTY_FLOOR = 0.25
#: How much past closeness may move the dormant-tie score (a light prior, not the ranking itself).
PAST_STRENGTH_PRIOR = 0.2

_SECONDS_PER_DAY = 86_400.0


@dataclass(frozen=True)
class Interaction:
    """One piece of evidence about a tie, e.g. help given or thanks, at a moment in time."""

    at: datetime
    origin: str


@dataclass(frozen=True)
class ConnectorLeg:
    """One route asker → connector → target, as the strengths along it and the connector's reach.

    ``connector_reach`` is the sum of the connector's tie strengths: a connector with many ties has
    less attention for each introduction, the same reasoning as resource allocation.
    """

    asker_connector: float
    connector_target: float
    connector_reach: float = 1.0


def decay(age_days: Num, half_life_days: float = DEFAULT_HALF_LIFE_DAYS) -> Num:
    """Weight left after ``age_days``: ``2 ** (-age / half_life)``; future events count as fresh."""
    if half_life_days <= 0:
        raise ValueError("half_life_days must be positive")
    weight: Num = np.exp2(-np.maximum(age_days, 0.0) / half_life_days)
    return weight


def saturate(mass: Num, saturation: float = DEFAULT_SATURATION) -> Num:
    """Map decayed interaction mass to a strength in [0, 1): ``1 - exp(-mass / saturation)``."""
    if saturation <= 0:
        raise ValueError("saturation must be positive")
    strength: Num = -np.expm1(-np.maximum(mass, 0.0) / saturation)
    return strength


def _age_days(then: datetime, now: datetime) -> float:
    return (now - then).total_seconds() / _SECONDS_PER_DAY


def tie_strength(
    interactions: Iterable[Interaction],
    *,
    now: datetime,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    saturation: float = DEFAULT_SATURATION,
    weights: Mapping[str, float] = ORIGIN_WEIGHTS,
) -> float:
    """Strength now: ``saturate(sum_i weight(origin_i) * decay(now - t_i))``.

    Unknown origins count as weight 1 rather than failing, so a new origin never breaks scoring.
    """
    mass = sum(
        weights.get(item.origin, 1.0) * float(decay(_age_days(item.at, now), half_life_days))
        for item in interactions
    )
    return float(saturate(mass, saturation))


def past_strength(
    interactions: Collection[Interaction],
    *,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    saturation: float = DEFAULT_SATURATION,
    weights: Mapping[str, float] = ORIGIN_WEIGHTS,
) -> float:
    """Strength the tie had at its last interaction, before the silence that may make it dormant."""
    if not interactions:
        return 0.0
    last = max(item.at for item in interactions)
    return tie_strength(
        interactions, now=last, half_life_days=half_life_days, saturation=saturation, weights=weights
    )


def is_dormant(
    *,
    last_interaction: datetime,
    past_strength: float,
    now: datetime,
    threshold_days: float = DEFAULT_DORMANT_DAYS,
    min_past_strength: float = DEFAULT_MIN_PAST_STRENGTH,
) -> bool:
    """A tie is dormant when silent for at least ``threshold_days`` yet once at least ``min_past_strength``.

    Weak ties that simply faded are not dormant: there is nothing to reactivate.
    """
    return _age_days(last_interaction, now) >= threshold_days and past_strength >= min_past_strength


def path_score(leg: ConnectorLeg) -> float:
    """Chance one connector carries the introduction: ``s_ac * s_ct / max(1, reach_c)``."""
    return leg.asker_connector * leg.connector_target / max(1.0, leg.connector_reach)


def combine_paths(scores: Iterable[float]) -> float:
    """Noisy-or over connectors, ``1 - prod(1 - p_c)``: any one willing connector is enough.

    Unlike a plain sum, a second route adds less than the first, and the result stays in [0, 1].
    """
    remaining = 1.0
    for score in scores:
        remaining *= 1.0 - min(max(score, 0.0), 1.0)
    return 1.0 - remaining


def two_step_score(legs: Iterable[ConnectorLeg], *, target_fit: float = 1.0) -> float:
    """Two-step introduction score: ``fit(t) * (1 - prod_c (1 - s_ac * s_ct / max(1, reach_c)))``.

    Fit multiplies once, outside the noisy-or, because it belongs to the target, not to the route.
    """
    return target_fit * combine_paths(path_score(leg) for leg in legs)


def novelty(
    tie_topics: Collection[str],
    inner_circle_topics: Iterable[Collection[str]],
    *,
    ask_topics: Collection[str] | None = None,
) -> float:
    """Share of what the tie knows (about the ask, when given) that nobody in the inner circle knows.

    A dormant tie is worth waking when it brings something the person's current circle cannot.
    """
    known = set(tie_topics) if ask_topics is None else set(tie_topics) & set(ask_topics)
    if not known:
        return 0.0
    covered: set[str] = set()
    for topics in inner_circle_topics:
        covered.update(topics)
    return len(known - covered) / len(known)


def dormant_score(
    *,
    relevance: float,
    novelty: float,
    past_strength: float,
    novelty_floor: float = NOVELTY_FLOOR,
    prior: float = PAST_STRENGTH_PRIOR,
) -> float:
    """Rank a dormant tie for an ask: ``relevance * (f + (1 - f) * novelty) * ((1 - p) + p * past)``.

    Relevance to the ask leads; novelty versus the inner circle scales it (never below the floor
    ``f``, since a relevant old contact is still useful); past strength is only a light prior ``p``.
    """
    bounded_novelty = min(max(novelty, 0.0), 1.0)
    bounded_past = min(max(past_strength, 0.0), 1.0)
    novelty_factor = novelty_floor + (1.0 - novelty_floor) * bounded_novelty
    prior_factor = (1.0 - prior) + prior * bounded_past
    return max(relevance, 0.0) * novelty_factor * prior_factor
