"""Pure bookkeeping of a stored tie's evidence: adding an interaction, and reading strength from it.

A tie stores ``mass`` (decayed evidence at ``last_at``) so that nothing is rewritten as time passes;
these helpers apply ``network.rules`` to that representation (see docs/network.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from askwell.network.rules import (
    DEFAULT_HALF_LIFE_DAYS,
    DEFAULT_SATURATION,
    ORIGIN_WEIGHTS,
    decay,
    saturate,
)

_SECONDS_PER_DAY = 86_400.0
# An imported strength of 1 would need infinite mass; 0.99 is "as strong as a tie gets".
_MAX_IMPORTED_STRENGTH = 0.99


@dataclass(frozen=True)
class Evidence:
    """The stored state of one tie: decayed mass at the last interaction, and that moment."""

    mass: float
    last_at: datetime


def _days(later: datetime, earlier: datetime) -> float:
    return (later - earlier).total_seconds() / _SECONDS_PER_DAY


def add_interaction(
    state: Evidence | None,
    *,
    at: datetime,
    origin: str,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
) -> Evidence:
    """The evidence after one more interaction, in any time order.

    A newer interaction decays the old mass to its moment; an older one (a late ledger entry) is
    decayed to the existing ``last_at`` instead, so the result is the same whatever the order.
    """
    weight = ORIGIN_WEIGHTS.get(origin, 1.0)
    if state is None:
        return Evidence(mass=weight, last_at=at)
    if at >= state.last_at:
        kept = state.mass * float(decay(_days(at, state.last_at), half_life_days))
        return Evidence(mass=kept + weight, last_at=at)
    return Evidence(
        mass=state.mass + weight * float(decay(_days(state.last_at, at), half_life_days)),
        last_at=state.last_at,
    )


def strength_now(
    state: Evidence,
    *,
    now: datetime,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    saturation: float = DEFAULT_SATURATION,
) -> float:
    """Today's strength: the stored mass decayed since the last interaction, then saturated."""
    return float(saturate(state.mass * float(decay(_days(now, state.last_at), half_life_days)), saturation))


def past_strength(state: Evidence, *, saturation: float = DEFAULT_SATURATION) -> float:
    """The strength at the last interaction: what made the tie real, before any silence."""
    return float(saturate(state.mass, saturation))


def mass_for_strength(strength: float, *, saturation: float = DEFAULT_SATURATION) -> float:
    """Invert the saturation so an imported strength (0..1) is stored as the equivalent mass."""
    bounded = min(max(strength, 0.0), _MAX_IMPORTED_STRENGTH)
    return -saturation * math.log1p(-bounded)
