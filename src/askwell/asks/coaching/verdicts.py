"""The verdict types of a coaching review: the draft, quotes of the author, per-criterion verdicts, the review."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from askwell.asks.deadlines import Deadline

Criterion = Literal["S", "M", "A", "R", "T"]
Status = Literal["met", "weak", "missing"]
CRITERIA: tuple[Criterion, ...] = ("S", "M", "A", "R", "T")
CRITERION_NAMES: dict[Criterion, str] = {
    "S": "Specific",
    "M": "Meaningful",
    "A": "Action-oriented",
    "R": "Realistic",
    "T": "Time-bound",
}

_STATUS_VALUE: dict[Status, float] = {"met": 1.0, "weak": 0.5, "missing": 0.0}


@dataclass(frozen=True)
class AskDraft:
    """The ask as typed; structured parts, when the form provides them, count as stated."""

    text: str
    what: str | None = None
    why: str | None = None
    action: str | None = None
    effort_hours: float | None = None
    due: datetime | None = None


@dataclass(frozen=True)
class Quote:
    """The author's words as written: ``text == draft.text[start:end]``, whole words, on one line."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class CriterionReview:
    """A verdict with its reason and rewrite, both sentences for people; ``quotes`` are the words they cite."""

    criterion: Criterion
    status: Status
    reason: str
    rewrite: str | None = None
    quotes: tuple[Quote, ...] = ()


@dataclass(frozen=True)
class Signal:
    """A feature research on altruistic requests links to success (Althoff et al. 2014).

    ``name`` is a machine key; ``hint`` is the sentence a person sees: what the ask does when the signal
    is present, what to add when it is not.
    """

    name: str
    present: bool
    hint: str


@dataclass(frozen=True)
class Deliverable:
    """One piece of work the ask hands over; ``text`` is the author's words for it (``draft.text[start:end]``)."""

    verb: str
    text: str
    hours: float
    start: int = 0
    end: int = 0


@dataclass(frozen=True)
class Review:
    """The verdicts plus what they rest on; ``effort_hours`` is None when unknown or open-ended (a role)."""

    criteria: tuple[CriterionReview, ...]
    deadline: Deadline | None
    deliverables: tuple[Deliverable, ...]
    effort_hours: float | None
    capacity_hours: float | None
    signals: tuple[Signal, ...]
    issues: tuple[str, ...]
    score: int
    likely_rate: float
    own_guess: float | None

    def status(self, criterion: Criterion) -> Status:
        return self.get(criterion).status

    def get(self, criterion: Criterion) -> CriterionReview:
        return next(c for c in self.criteria if c.criterion == criterion)

    @property
    def bundled(self) -> bool:
        return "bundled" in self.issues
