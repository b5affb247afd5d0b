"""Validated input and output shapes of the asks domain, shared by pages, API and CLI."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from askwell.asks.models import AskStatus, OfferKind, Visibility

MAX_TAGS = 10
MAX_AUDIENCE = 50

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=140)]
Body = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)]
Part = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)]
TagName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]


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
    due: datetime | date | None = None
    tags: Tags = Field(default_factory=list)
    visibility: Visibility = Visibility.ORG
    team_id: int | None = None
    audience: list[int] = Field(default_factory=list, max_length=MAX_AUDIENCE)
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


class AskExtend(BaseModel):
    model_config = ConfigDict(extra="forbid")

    due: datetime | date


class OfferCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: OfferKind
    message: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
    hours: float | None = Field(default=None, gt=0, le=200)
    introduce_id: int | None = None

    @model_validator(mode="after")
    def _introduction_names_someone(self) -> OfferCreate:
        if self.kind == OfferKind.INTRODUCE and self.introduce_id is None:
            raise ValueError("an introduction names the person to introduce")
        return self


class ThanksCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class PersonRef(BaseModel):
    id: int
    name: str


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
