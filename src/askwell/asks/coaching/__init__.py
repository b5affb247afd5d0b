"""SMART coaching of an ask as it is written: per-criterion verdicts, reasons, rewrites and success signals.

Rules where language is regular (requests, dates, effort), in plain functions over plain data: no I/O,
``now`` and the author's timezone passed in, precompiled regex so a review runs while the author types.
A learned judgement (``judge``) may be handed in to decide the criteria the rules read poorly; without
one the rules decide alone.

- ``text``: sentences and quotes of the author's own words;
- ``requests``: the ordered table of rules that find the request in a sentence;
- ``effort``: the separate jobs an ask hands over and their size;
- ``criteria``: the five verdicts from the rules;
- ``score``: the signals of success and the score;
- ``judge``: the learned per-criterion judgement and how it combines with the rules;
- ``reviewing``: one review, start to finish.
"""

from askwell.asks.coaching.reviewing import review
from askwell.asks.coaching.score import likely_rate
from askwell.asks.coaching.verdicts import (
    CRITERIA,
    CRITERION_NAMES,
    AskDraft,
    Criterion,
    CriterionReview,
    Deliverable,
    Quote,
    Review,
    Signal,
    Status,
)

__all__ = [
    "CRITERIA",
    "CRITERION_NAMES",
    "AskDraft",
    "Criterion",
    "CriterionReview",
    "Deliverable",
    "Quote",
    "Review",
    "Signal",
    "Status",
    "likely_rate",
    "review",
]
