"""Validated input and output shapes of the rings domain, shared by pages, API and CLI."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from askwell.asks.schemas import Body, Part, Tags, Title
from askwell.core.validation import EntityId, SaneDate, SingleLine, VisibleText
from askwell.rings.models import RingMode, RingOfferKind

MAX_INVITES = 500
MAX_TEAMS = 50
MAX_CAPACITY = 1000

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=120), SingleLine]
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000), VisibleText]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500), VisibleText]


class RingCreate(BaseModel):
    """A ring as its facilitator sets it up. A naive ``starts_at`` is in the facilitator's timezone."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    purpose: Text = ""
    guidelines: Text = ""
    mode: RingMode = RingMode.LIVE
    starts_at: Annotated[datetime, SaneDate]
    duration_minutes: int = Field(default=60, ge=10, le=8 * 60)
    window_days: int = Field(default=5, ge=1, le=60)
    request_minutes: int = Field(default=3, ge=1, le=30)
    capacity: int = Field(default=30, ge=2, le=MAX_CAPACITY)
    open_call: bool = False
    leader_first: bool = False
    leader_id: EntityId | None = None
    invite: list[EntityId] = Field(default_factory=list, max_length=MAX_INVITES)
    teams: list[EntityId] = Field(default_factory=list, max_length=MAX_TEAMS)
    facilitators: list[EntityId] = Field(default_factory=list, max_length=10)
    # The creator takes part with a request of their own (else they only host).
    participate: bool = True


class RingInvite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    people: list[EntityId] = Field(default_factory=list, max_length=MAX_INVITES)
    teams: list[EntityId] = Field(default_factory=list, max_length=MAX_TEAMS)


class RingRequestCreate(BaseModel):
    """A ring request as its author writes it: the ask's SMART fields (coached like any ask)."""

    model_config = ConfigDict(extra="forbid")

    title: Title
    body: Body = ""
    what: Part = ""
    why: Part = ""
    action: Part = ""
    effort_hours: float | None = Field(default=None, gt=0, le=1000)
    due: Annotated[datetime | date | None, SaneDate] = None
    tags: Tags = Field(default_factory=list)


class RingOfferCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: RingOfferKind = RingOfferKind.HELP
    note: Note = ""


ConsoleVerb = Literal["start", "next", "pause", "resume", "close"]


class ConsoleAction(BaseModel):
    """A facilitator's console button, sent with the version of the ring the console showed."""

    model_config = ConfigDict(extra="forbid")

    action: ConsoleVerb
    version: int = Field(ge=1, le=2**31 - 1)


class PairingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    request_id: EntityId
    helper_id: EntityId


class RoleChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Literal["facilitator", "leader"]


# --- read shapes -----------------------------------------------------------------------------------


class PersonRef(BaseModel):
    id: int
    name: str


class RingSummary(BaseModel):
    id: int
    name: str
    purpose: str
    mode: str
    status: str
    starts_at: datetime
    ends_at: datetime
    open_call: bool
    participants: int
    capacity: int


class MemberRead(BaseModel):
    person: PersonRef
    status: str
    facilitator: bool
    ready: bool  # has brought a request


class RingOfferRead(BaseModel):
    id: int  # the ask's offer id
    helper: PersonRef
    kind: str
    label: str
    note: str
    status: str


class RingRequestRead(BaseModel):
    id: int
    ask_id: int
    title: str
    requester: PersonRef
    position: int
    status: str
    offers: list[RingOfferRead]


class RingRead(RingSummary):
    guidelines: str
    leader_first: bool
    leader: PersonRef | None
    version: int
    last_seq: int
    current_request_id: int | None
    remaining_seconds: int | None
    request_seconds: int
    members: list[MemberRead]
    requests: list[RingRequestRead]


class PairingRead(BaseModel):
    id: int
    request_id: int
    ask_id: int
    title: str
    requester: PersonRef
    helper: PersonRef
    source: str
    explanation: str
    status: str


class AssignmentRead(BaseModel):
    ring_id: int
    pairings: list[PairingRead]
    unfilled: list[int]  # request ids with no helper
    message: str | None


class RingEventRead(BaseModel):
    seq: int
    kind: str
    payload: dict[str, Any]
    created_at: datetime


class FiguresRead(BaseModel):
    count: int
    with_offer: float | None
    fulfilled_7: float | None
    fulfilled_30: float | None
    final_7: bool
    final_30: bool


class RingReport(BaseModel):
    ring: RingSummary
    participants: int
    requests: int
    offers: int
    pairings_confirmed: int
    ring_figures: FiguresRead
    ordinary_figures: FiguresRead
    new_ties: int
    cross_team_ties: int
    leaders_participating: int
    leaders_requesting: int
    leader_first: bool
    leader_opened: bool
    period_start: datetime
    period_end: datetime
