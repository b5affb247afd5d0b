"""One review: the rules' reading, the learned judgement when one is given, then issues, signals and score."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from askwell.asks.coaching.criteria import _vague
from askwell.asks.coaching.reading import read
from askwell.asks.coaching.score import _score, _signals, likely_rate
from askwell.asks.coaching.text import _shift_quote
from askwell.asks.coaching.verdicts import CRITERIA, AskDraft, CriterionReview, Review

if TYPE_CHECKING:
    from askwell.asks.coaching.judge import Judge


def review(
    draft: AskDraft,
    *,
    now: datetime,
    tz: ZoneInfo,
    own_guess: float | None = None,
    judge: Judge | None = None,
) -> Review:
    """Coach one ask against the five SMART criteria and the signals that make help more likely.

    Without a ``judge`` the rules decide every criterion (the explicit fallback when the embedding
    model is not available); with one, the judge decides where the rules read poorly.
    """
    reading = read(draft, now=now, tz=tz)
    verdicts = reading.verdicts if judge is None else judge.decide(reading)
    s, m, a, r, t = (verdicts[c] for c in CRITERIA)
    issues: list[str] = []
    if s.status != "met" and any(_vague(q.sentence) for q in reading.requests):
        issues.append("vague")
    if m.status == "missing":
        issues.append("no_reason")
    if a.status != "met":
        issues.append("no_action")
    if reading.bundled:
        issues.append("bundled")
    if r.status != "met" and not reading.bundled:
        issues.append("unrealistic")
    deadline = reading.deadline
    if deadline is not None and deadline.past:
        issues.append("past_deadline")

    text = reading.text
    criteria: tuple[CriterionReview, ...] = (s, m, a, r, t)
    signals = _signals(text, m.status == "met")
    score = _score(criteria, signals, words=len(text.split()))
    # Spans so far count from the stripped text; the review reports them in the draft as typed.
    lead = len(draft.text) - len(draft.text.lstrip())
    deliverables = list(reading.deliverables)
    if lead:
        criteria = tuple(replace(c, quotes=tuple(_shift_quote(q, lead) for q in c.quotes)) for c in criteria)
        deliverables = [replace(d, start=d.start + lead, end=d.end + lead) for d in deliverables]
        if deadline is not None:
            deadline = replace(deadline, start=deadline.start + lead, end=deadline.end + lead)
    effort = reading.effort
    return Review(
        criteria=criteria,
        deadline=deadline,
        deliverables=tuple(deliverables),
        effort_hours=None if effort is None or math.isinf(effort) else effort,
        capacity_hours=reading.capacity,
        signals=signals,
        issues=tuple(issues),
        score=score,
        likely_rate=likely_rate(score),
        own_guess=own_guess,
    )
