"""What the rules read in an ask: its sentences, requests, deadline, jobs and the five verdicts they give.

One pass feeds both the review and the learned judgement, so the judgement sees exactly what the rules saw.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from askwell.asks.coaching.criteria import (
    _action,
    _helper_deadline,
    _meaningful,
    _realistic,
    _specific,
    _time_bound,
)
from askwell.asks.coaching.effort import _deliverables, _is_bundle, _split
from askwell.asks.coaching.requests import _Request, _request
from askwell.asks.coaching.text import _sentences
from askwell.asks.coaching.verdicts import CRITERIA, AskDraft, Criterion, CriterionReview, Deliverable
from askwell.asks.deadlines import Deadline


@dataclass(frozen=True)
class Reading:
    """The rules' pass over the stripped text; spans count from ``text``, not from the draft as typed."""

    draft: AskDraft
    text: str
    sentences: tuple[tuple[str, int], ...]
    requests: tuple[_Request, ...]
    deadline: Deadline | None
    deliverables: tuple[Deliverable, ...]
    verdicts: dict[Criterion, CriterionReview]
    effort: float | None
    capacity: float | None
    bundled: bool
    now: datetime
    tz: ZoneInfo

    @property
    def effort_ratio(self) -> float | None:
        """How many times the helper's time the work would take (log scale later); None when unknown."""
        if self.effort is None or not self.capacity:
            return None
        return math.inf if math.isinf(self.effort) else self.effort / self.capacity


def read(draft: AskDraft, *, now: datetime, tz: ZoneInfo) -> Reading:
    text = draft.text.strip()
    sentences = _sentences(text)
    requests = [found for s, start in sentences if (found := _request(s, start)) is not None]
    deadline = _helper_deadline(text, requests, now=now, tz=tz)
    deliverables = _deliverables(text, requests)
    a = _action(draft, requests)
    s = _specific(draft, text, requests, deadline)
    m = _meaningful(draft, text, requests)
    t = _time_bound(draft, text, requests, deadline, now=now, tz=tz)
    r, effort, capacity = _realistic(draft, text, requests, deliverables, deadline, now=now, tz=tz)
    bundled = len(deliverables) >= 2 and _is_bundle(text, deliverables)
    if bundled and r.rewrite is None:
        # Two jobs joined by "and also" may fit the time, but each still lands better on its own.
        split, jobs = _split(deliverables)
        r = replace(
            r,
            reason=f"{r.reason} It bundles {len(deliverables)} separate jobs.",
            rewrite=split,
            quotes=(*r.quotes, *jobs),
        )
    verdicts = dict(zip(CRITERIA, (s, m, a, r, t), strict=True))
    return Reading(
        draft=draft,
        text=text,
        sentences=tuple(sentences),
        requests=tuple(requests),
        deadline=deadline,
        deliverables=tuple(deliverables),
        verdicts=verdicts,
        effort=effort,
        capacity=capacity,
        bundled=bundled,
        now=now,
        tz=tz,
    )
