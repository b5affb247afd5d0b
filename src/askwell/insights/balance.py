"""The give/ask balance: which pattern a person's recent activity shows, and a kind nudge for it.

Pure rules over plain numbers, so that the page, the API, the CLI, the team view and the Stack
Exchange evaluation all classify the same way.

**The rule** (documented in ``docs/insights.md``). Over a window (90 days in the product), a person
*gives* when they make an offer or give help, and *asks* when they open an ask. Among the
organization's *active* people (at least one give or ask in the window) take the quantiles of
gives and of asks:

- ``quiet``: no give and no ask, or total activity below the organization's 25th percentile of
  total activity (and below the median of both);
- ``generous_giver`` (gives generously, rarely asks): gives at or above the median give count and
  asks at or below the 25th percentile of asks;
- ``frequent_asker`` (asks often, rarely gives): asks at or above the median ask count and gives
  at or below the 25th percentile of gives;
- ``balanced``: everyone else who is active.

Thresholds are quantiles of the organization's own distribution, never fixed counts, so a busy
organization and a quiet one are each measured against themselves. A quantile is never below 1
for "at or above" tests (a person who never gives is never "at or above the median" of givers),
and the rule never divides.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum


class Pattern(StrEnum):
    BALANCED = "balanced"
    GENEROUS_GIVER = "generous_giver"
    FREQUENT_ASKER = "frequent_asker"
    QUIET = "quiet"


#: Words the product shows for each pattern: kind, and about behaviour, never about the person.
PATTERN_WORDS: dict[Pattern, str] = {
    Pattern.BALANCED: "Balanced: you give and ask in good measure",
    Pattern.GENEROUS_GIVER: "Generous giver: you help a lot and rarely ask",
    Pattern.FREQUENT_ASKER: "Frequent asker: you ask often and give less often",
    Pattern.QUIET: "Quiet lately",
}


@dataclass(frozen=True)
class Activity:
    """One person's gives (offers made + help given) and asks (asks opened) in a window."""

    gives: int
    asks: int

    @property
    def total(self) -> int:
        return self.gives + self.asks

    @property
    def active(self) -> bool:
        return self.total > 0


@dataclass(frozen=True)
class Thresholds:
    """The organization's own quantiles among its active people."""

    give_median: float
    give_low: float
    ask_median: float
    ask_low: float
    total_low: float
    active_people: int


def quantile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile by linear interpolation (numpy's default); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def thresholds(activities: Sequence[Activity]) -> Thresholds:
    """The quantiles the rule compares with, over active people only (the inactive would pull every
    threshold to zero in an organization where most people are quiet)."""
    active = [a for a in activities if a.active]
    gives = [float(a.gives) for a in active]
    asks = [float(a.asks) for a in active]
    totals = [float(a.total) for a in active]
    return Thresholds(
        give_median=max(1.0, quantile(gives, 0.5)),
        give_low=quantile(gives, 0.25),
        ask_median=max(1.0, quantile(asks, 0.5)),
        ask_low=quantile(asks, 0.25),
        total_low=quantile(totals, 0.25),
        active_people=len(active),
    )


def classify(activity: Activity, limits: Thresholds) -> Pattern:
    """The pattern of one person against their organization's thresholds (the module docstring)."""
    if not activity.active:
        return Pattern.QUIET
    gives_much = activity.gives >= limits.give_median
    asks_much = activity.asks >= limits.ask_median
    if activity.total < limits.total_low and not gives_much and not asks_much:
        return Pattern.QUIET
    if gives_much and activity.asks <= limits.ask_low:
        return Pattern.GENEROUS_GIVER
    if asks_much and activity.gives <= limits.give_low:
        return Pattern.FREQUENT_ASKER
    return Pattern.BALANCED


def classify_all(activities: Mapping[int, Activity]) -> dict[int, Pattern]:
    """Every person's pattern against the thresholds of the same group."""
    limits = thresholds(list(activities.values()))
    return {key: classify(a, limits) for key, a in activities.items()}


def shares(patterns: Mapping[int, Pattern]) -> dict[str, float]:
    """The share of people in each pattern (every pattern present, zeros included)."""
    n = len(patterns)
    counts = {p: 0 for p in Pattern}
    for p in patterns.values():
        counts[p] += 1
    return {p.value: (counts[p] / n if n else 0.0) for p in Pattern}


class NudgeAction(StrEnum):
    """Where a nudge leads: the coached ask form, or open asks that match what the person knows."""

    ASK = "ask"
    MATCHING_ASKS = "matching_asks"


@dataclass(frozen=True)
class Nudge:
    text: str
    action: NudgeAction
    label: str


def _times(n: int) -> str:
    return "once" if n == 1 else "twice" if n == 2 else f"{n} times"


def nudge(
    pattern: Pattern, *, helped: int, asked: int, received: int, matching_asks: int, period: str
) -> Nudge:
    """A kind, specific sentence with one action. ``helped`` people helped, ``asked`` asks made and
    ``received`` times helped, all in ``period`` ("this quarter"); ``matching_asks`` open asks that
    match what the person knows."""
    if pattern == Pattern.GENEROUS_GIVER:
        asked_text = "haven't asked yet" if asked == 0 else f"asked {_times(asked)}"
        return Nudge(
            f"You helped out {_times(helped)} {period} and {asked_text}. What would help you this week?",
            NudgeAction.ASK,
            "Ask for something",
        )
    if pattern == Pattern.FREQUENT_ASKER:
        matches = (
            f"{matching_asks} open {'ask matches' if matching_asks == 1 else 'asks match'} what you know."
            if matching_asks
            else "Someone may be stuck on something you know well."
        )
        return Nudge(
            f"You've had help {_times(received)} {period}. {matches}",
            NudgeAction.MATCHING_ASKS,
            "See where you could help",
        )
    if pattern == Pattern.QUIET:
        return Nudge(
            "It's been quiet lately. A small ask is a good way back in: what are you stuck on?",
            NudgeAction.ASK,
            "Ask for something small",
        )
    return Nudge(
        f"You gave and asked in good measure {period}. Keep it going: "
        + (
            f"{matching_asks} open {'ask matches' if matching_asks == 1 else 'asks match'} what you know."
            if matching_asks
            else "what would help you next?"
        ),
        NudgeAction.MATCHING_ASKS if matching_asks else NudgeAction.ASK,
        "See where you could help" if matching_asks else "Ask for something",
    )
