"""Validated input and output shapes of the asks domain, shared by pages, API and CLI."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from askwell.asks.coaching import CRITERION_NAMES, Review
from askwell.asks.models import Ask, AskStatus, Offer, OfferKind, Visibility
from askwell.core.validation import EntityId, SaneDate, SingleLine, VisibleText
from askwell.people.schemas import PersonRef

MAX_TAGS = 10
MAX_AUDIENCE = 50
# Every length limit of the asks domain, in characters. Forms and templates import these (a page's
# ``maxlength`` is the schema's), so the page, the API and the CLI refuse the same text.
TITLE_MAX = 140
BODY_MAX = 4000
PART_MAX = 1000  # what, why, action
TAG_MAX = 60
NOTE_MAX = 2000  # how it went; the thanks sent on finishing
OFFER_MESSAGE_MAX = 2000
THANKS_MAX = 2000
COACH_TEXT_MAX = 5000

Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=3, max_length=TITLE_MAX), SingleLine
]
Body = Annotated[str, StringConstraints(strip_whitespace=True, max_length=BODY_MAX), VisibleText]
Part = Annotated[str, StringConstraints(strip_whitespace=True, max_length=PART_MAX), VisibleText]
TagName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=TAG_MAX), SingleLine
]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=NOTE_MAX), VisibleText]


def _clean_tags(values: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for v in values:
        v = " ".join(v.split()).lstrip("#")
        if v and v.casefold() not in seen:
            seen[v.casefold()] = v
    if len(seen) > MAX_TAGS:
        raise ValueError(f"at most {MAX_TAGS} tags")
    return list(seen.values())


Tags = Annotated[list[TagName], AfterValidator(_clean_tags)]


class AskWrite(BaseModel):
    """An ask as its author writes it. ``due`` is a date or a time in the author's timezone."""

    model_config = ConfigDict(extra="forbid")

    title: Title
    body: Body = ""
    what: Part = ""
    why: Part = ""
    action: Part = ""
    effort_hours: float | None = Field(default=None, gt=0, le=1000)
    due: Annotated[datetime | date | None, SaneDate] = None
    tags: Tags = Field(default_factory=list)
    visibility: Visibility = Visibility.ORG
    team_id: EntityId | None = None
    audience: list[EntityId] = Field(default_factory=list, max_length=MAX_AUDIENCE)
    own_guess: int | None = Field(default=None, ge=0, le=100)

    @model_validator(mode="after")
    def _visibility_needs_its_target(self) -> AskWrite:
        if self.visibility == Visibility.TEAM and self.team_id is None:
            raise ValueError("a team-visible ask needs a team")
        if self.visibility == Visibility.PEOPLE and not self.audience:
            raise ValueError("an ask for specific people needs at least one person")
        return self


class AskCreate(AskWrite):
    publish: bool = True


class AskClose(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: AskStatus
    note: Note = ""

    @model_validator(mode="after")
    def _is_an_outcome(self) -> AskClose:
        if self.outcome not in (AskStatus.FULFILLED, AskStatus.PARTLY_FULFILLED, AskStatus.UNFULFILLED):
            raise ValueError("outcome must be fulfilled, partly_fulfilled or unfulfilled")
        return self


class AskFinish(BaseModel):
    """ "I got what I needed": thank everyone whose help was accepted, and close the ask as fulfilled."""

    model_config = ConfigDict(extra="forbid")

    note: Note = ""


class AskExtend(BaseModel):
    model_config = ConfigDict(extra="forbid")

    due: Annotated[datetime | date, SaneDate]


class OfferCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: OfferKind
    message: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=OFFER_MESSAGE_MAX)
    ]
    hours: float | None = Field(default=None, gt=0, le=200)
    introduce_id: EntityId | None = None

    @model_validator(mode="after")
    def _introduction_names_someone(self) -> OfferCreate:
        if self.kind == OfferKind.INTRODUCE and self.introduce_id is None:
            raise ValueError("an introduction names the person to introduce")
        return self


class ThanksCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=THANKS_MAX)]


class OfferRead(BaseModel):
    id: int
    helper: PersonRef
    kind: str
    message: str
    hours: float | None
    introduce: PersonRef | None
    status: str
    created_at: datetime
    done_at: datetime | None
    thanked: bool


class AskSummary(BaseModel):
    id: int
    title: str
    status: str
    author: PersonRef
    visibility: str
    tags: list[str]
    due_at: datetime | None
    created_at: datetime
    offer_count: int
    coaching_score: int


class AskRead(AskSummary):
    body: str
    what: str
    why: str
    action: str
    effort_hours: float | None
    team_id: int | None
    own_guess: int | None
    outcome_note: str
    version: int
    offers: list[OfferRead]


# --- read models built from rows and reviews ------------------------------------------------------


class CriterionRead(BaseModel):
    criterion: str
    name: str
    status: str
    reason: str
    rewrite: str | None


class DeadlineRead(BaseModel):
    text: str
    kind: str
    when: datetime | None
    past: bool


class SignalRead(BaseModel):
    name: str
    present: bool
    hint: str


class CoachingRead(BaseModel):
    """The SMART review: per criterion, the signals that help requests succeed, and the score."""

    score: int
    criteria: list[CriterionRead]
    deadline: DeadlineRead | None
    signals: list[SignalRead]
    issues: list[str]
    effort_hours: float | None
    likely_rate: float
    own_guess: float | None

    def next_fix(self) -> CriterionRead | None:
        """The one thing to improve next: the first missing criterion, else the first weak one."""
        for status in ("missing", "weak"):
            for c in self.criteria:
                if c.status == status:
                    return c
        return None


class CoachRequest(BaseModel):
    """Live coaching input: free text, or the ask form's fields."""

    model_config = ConfigDict(extra="forbid")

    text: Annotated[str, StringConstraints(max_length=COACH_TEXT_MAX)] = ""
    title: Annotated[str, StringConstraints(max_length=TITLE_MAX)] = ""
    what: Part = ""
    why: Part = ""
    action: Part = ""
    effort_hours: float | None = Field(default=None, gt=0, le=1000)
    due: Annotated[datetime | date | None, SaneDate] = None
    own_guess: int | None = Field(default=None, ge=0, le=100)
    timezone: str | None = None


def coaching_read(review: Review) -> CoachingRead:
    deadline = review.deadline
    return CoachingRead(
        score=review.score,
        criteria=[
            CriterionRead(
                criterion=c.criterion,
                name=CRITERION_NAMES[c.criterion],
                status=c.status,
                reason=c.reason,
                rewrite=c.rewrite,
            )
            for c in review.criteria
        ],
        deadline=DeadlineRead(text=deadline.text, kind=deadline.kind, when=deadline.when, past=deadline.past)
        if deadline
        else None,
        signals=[SignalRead(name=s.name, present=s.present, hint=s.hint) for s in review.signals],
        issues=list(review.issues),
        effort_hours=review.effort_hours,
        likely_rate=review.likely_rate,
        own_guess=review.own_guess,
    )


def _ref(person: object) -> PersonRef:
    return PersonRef(id=person.id, name=person.name, title=person.title)  # type: ignore[attr-defined]  # a Person or a profile row: both carry id, name and title


def offer_read(offer: Offer, *, names: dict[int, str] | None = None) -> OfferRead:
    intro = None
    if offer.introduce_id is not None:
        intro = PersonRef(id=offer.introduce_id, name=(names or {}).get(offer.introduce_id, ""))
    return OfferRead(
        id=offer.id,
        helper=_ref(offer.helper),
        kind=offer.kind,
        message=offer.message,
        hours=offer.hours,
        introduce=intro,
        status=offer.status,
        created_at=offer.created_at,
        done_at=offer.done_at,
        thanked=bool(offer.thanks),
    )


def ask_summary(ask: Ask, *, offer_count: int) -> AskSummary:
    return AskSummary(
        id=ask.id,
        title=ask.title,
        status=ask.status,
        author=_ref(ask.author),
        visibility=ask.visibility,
        tags=ask.tag_names,
        due_at=ask.due_at,
        created_at=ask.created_at,
        offer_count=offer_count,
        coaching_score=ask.coaching_score,
    )


def ask_read(ask: Ask, *, names: dict[int, str] | None = None) -> AskRead:
    return AskRead(
        **ask_summary(ask, offer_count=len(ask.offers)).model_dump(),
        body=ask.body,
        what=ask.what,
        why=ask.why,
        action=ask.action,
        effort_hours=ask.effort_hours,
        team_id=ask.team_id,
        own_guess=ask.own_guess,
        outcome_note=ask.outcome_note,
        version=ask.version,
        offers=[offer_read(o, names=names) for o in ask.offers],
    )
