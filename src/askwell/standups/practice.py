"""The 30–45-day practice's arithmetic, pure: the figures of a period (baseline or during), the
stand-up figures, the recommendation rule, and the layout of the report's SVG bars.

Nothing here reads the database or the clock, so each rule is tested on plain values, and a period
with nothing in it gives "no data" (None), never a division by zero.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

#: How many weeks before the start the baseline looks at.
BASELINE_WEEKS = 6
#: Practice lengths a lead may choose.
LENGTHS = (30, 45)

# The recommendation rule's thresholds (docs/standups.md, "The recommendation").
#: Under this share of stand-up days answered, the routine has not taken hold.
LOW_PARTICIPATION = 0.4
#: From this share on, it has.
GOOD_PARTICIPATION = 0.6
#: From this share of needs raised at the stand-up resolved, the stand-up produces help.
GOOD_RESOLVED = 0.5
#: A change in asks per person-week of less than this (relative) counts as "no change".
CHANGE = 0.1


@dataclass(frozen=True)
class AskFact:
    """One ask of a team member: when it opened, its first offer, whether it got help given."""

    ask_id: int
    opened_at: datetime
    first_offer_at: datetime | None
    helped: bool


@dataclass(frozen=True)
class Figures:
    """A period's help-seeking: None where there is nothing to count (no people, no asks)."""

    weeks: float
    people: int
    asks: int
    asks_per_person_week: float | None
    helped_share: float | None
    median_hours_to_first_offer: float | None
    help_given: int
    across_teams_share: float | None

    @property
    def has_data(self) -> bool:
        return self.people > 0 and (self.asks > 0 or self.help_given > 0)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def figures(*, facts: Sequence[AskFact], weeks: float, people: int, given_to: Iterable[bool]) -> Figures:
    """The figures of a period. ``given_to`` holds, for each help given by a member in the period,
    whether the person helped was outside the team (help given across teams)."""
    hours = [
        (f.first_offer_at - f.opened_at).total_seconds() / 3600 for f in facts if f.first_offer_at is not None
    ]
    across = list(given_to)
    person_weeks = people * weeks
    return Figures(
        weeks=round(weeks, 2),
        people=people,
        asks=len(facts),
        asks_per_person_week=round(len(facts) / person_weeks, 3) if person_weeks > 0 else None,
        helped_share=_share(sum(f.helped for f in facts), len(facts)),
        median_hours_to_first_offer=round(max(0.0, statistics.median(hours)), 1) if hours else None,
        help_given=len(across),
        across_teams_share=_share(sum(across), len(across)),
    )


@dataclass(frozen=True)
class StandupFigures:
    """What the stand-up itself did during the practice."""

    standup_days: int
    possible: int  # members × stand-up days
    answered: int
    participation: float | None
    needs_raised: int
    needs_resolved: int
    resolved_share: float | None


def standup_figures(
    *, standup_days: int, members: int, answered: int, needs_raised: int, needs_resolved: int
) -> StandupFigures:
    possible = standup_days * members
    return StandupFigures(
        standup_days=standup_days,
        possible=possible,
        answered=answered,
        participation=_share(min(answered, possible), possible),
        needs_raised=needs_raised,
        needs_resolved=needs_resolved,
        resolved_share=_share(needs_resolved, needs_raised),
    )


@dataclass(frozen=True)
class Recommendation:
    verdict: str  # "keep", "adjust" or "stop"
    reasons: list[str]


def recommend(*, standup: StandupFigures, before: Figures, during: Figures) -> Recommendation:
    """Keep, adjust or stop, by a rule anyone can check against the report's own figures:

    * no stand-up day yet: **keep** (too early to say anything else);
    * **stop** when fewer than 40% of stand-up days were answered and no help was raised at the
      stand-up: the routine did not take hold and produced nothing;
    * **keep** when at least 60% were answered and either half or more of the needs raised were
      resolved, or asks per person-week rose by 10% or more over the baseline;
    * **adjust** otherwise (some of it works: the retro's keep / change / drop says what to change).
    """
    if standup.standup_days == 0 or standup.participation is None:
        return Recommendation("keep", ["No stand-up day has passed yet: too early to judge."])
    reasons = [f"{round(standup.participation * 100)}% of stand-up days were answered."]
    if standup.needs_raised:
        reasons.append(
            f"{standup.needs_raised} need(s) raised at the stand-up, {standup.needs_resolved} resolved."
        )
    else:
        reasons.append("No help needed was raised at the stand-up.")
    rose = _rose(before.asks_per_person_week, during.asks_per_person_week)
    if rose is not None:
        reasons.append(
            "Asks per person-week "
            + ("rose" if rose >= CHANGE else "fell" if rose <= -CHANGE else "held steady")
            + " against the baseline."
        )
    else:
        reasons.append("No baseline to compare asks with.")
    if standup.participation < LOW_PARTICIPATION and standup.needs_raised == 0:
        return Recommendation("stop", reasons)
    resolved_well = standup.resolved_share is not None and standup.resolved_share >= GOOD_RESOLVED
    asking_more = rose is not None and rose >= CHANGE
    if standup.participation >= GOOD_PARTICIPATION and (resolved_well or asking_more):
        return Recommendation("keep", reasons)
    return Recommendation("adjust", reasons)


def _rose(before: float | None, during: float | None) -> float | None:
    """Relative change from ``before`` to ``during``; None without both (or from zero to zero)."""
    if before is None or during is None:
        return None
    if before == 0:
        return None if during == 0 else 1.0
    return (during - before) / before


def week_of(day: date, *, starts_on: date) -> int:
    """The practice week a day falls in (1 on the first day; 0 before the start)."""
    return (day - starts_on).days // 7 + 1 if day >= starts_on else 0


# --- the report's bars (SVG coordinates; drawn by the template, no script) -------------------------

BAR_WIDTH = 240
BAR_HEIGHT = 18


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    text: str
    width: float


@dataclass(frozen=True)
class BarPair:
    """One figure before and during, on its own scale (the figures have different units)."""

    name: str
    before: Bar
    during: Bar


def bar_pair(name: str, before: float | None, during: float | None, *, unit: str = "") -> BarPair:
    top = max(v for v in (before, during, 0.0) if v is not None) or 1.0

    def bar(label: str, v: float | None) -> Bar:
        if v is None:
            return Bar(label, None, "no data", 0.0)
        text = f"{round(v * 100)}%" if unit == "%" else f"{v:g}{unit}"
        return Bar(label, v, text, round(BAR_WIDTH * v / top, 1))

    return BarPair(name, bar("Before", before), bar("During", during))
