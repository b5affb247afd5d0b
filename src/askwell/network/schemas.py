"""Pydantic shapes of the network domain: what comes in (ties, intro requests, answers) and goes out."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from askwell.core.db import MAX_ID
from askwell.network.models import IntroStatus
from askwell.people.schemas import PersonRef

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# Every length limit of the network's forms, in characters; pages import these.
NOTE_MAX = 2000  # a request's message, an answer's note, a reconnecting message
QUERY_MAX = 300  # what someone needs, in a few words
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=NOTE_MAX)]
Query = Annotated[str, StringConstraints(strip_whitespace=True, max_length=QUERY_MAX)]


class TieCreate(BaseModel):
    """Record that I know someone (an imported tie): optionally how well and when we last worked together."""

    model_config = ConfigDict(extra="forbid")

    person_id: Id
    strength: Annotated[float, Field(ge=0.0, le=1.0)] | None = None
    last_interaction: date | None = None


class IntroRequest(BaseModel):
    """Ask a connector for an introduction, for one of my asks or a free query.

    Pages always send ``target_id`` (the person the asker chose); without it (API, CLI) the
    connector's best match for the need is chosen.
    """

    model_config = ConfigDict(extra="forbid")

    connector_id: Id
    ask_id: Id | None = None
    query: Query = ""
    target_id: Id | None = None
    message: Note = ""

    @model_validator(mode="after")
    def _need(self) -> IntroRequest:
        if self.ask_id is None and not self.query:
            raise ValueError("choose one of your asks or describe what you need in a few words")
        return self


class ConnectorDecision(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"
    REDIRECT = "redirect"


class ConnectorAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: ConnectorDecision
    note: Note = ""
    # For "redirect": whom the connector suggests instead.
    suggested_person_id: Id | None = None

    @model_validator(mode="after")
    def _suggestion(self) -> ConnectorAnswer:
        if self.decision == ConnectorDecision.REDIRECT and self.suggested_person_id is None:
            raise ValueError("say whom you suggest instead")
        return self


class TargetDecision(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"


class TargetAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: TargetDecision
    note: Note = ""


class ReconnectRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ask_id: Id | None = None
    message: Note = ""


class TieRead(BaseModel):
    person: PersonRef
    strength: float
    past_strength: float
    interactions: int
    origins: list[str]
    first_at: datetime
    last_at: datetime
    dormant: bool


class ConnectorRead(BaseModel):
    """A route to help: ask ``connector`` to introduce you to ``target``, who matches the need.

    People two steps away are named when they match a need (docs/network.md, "Two-step privacy").
    """

    connector: PersonRef
    target: PersonRef
    score: float
    your_tie: float
    # The target's own curated terms (skills, "I can help with" phrases) found in the need, as written.
    matched: list[str]


class IntroRole(StrEnum):
    ASKER = "asker"
    CONNECTOR = "connector"
    TARGET = "target"


class IntroRead(BaseModel):
    id: int
    status: IntroStatus
    role: IntroRole
    ask_id: int | None
    ask_title: str | None
    query: str
    asker: PersonRef
    connector: PersonRef
    # None only for a former member who is gone.
    target: PersonRef | None
    suggested: PersonRef | None
    message: str
    connector_note: str
    target_note: str
    created_at: datetime
    connector_responded_at: datetime | None
    target_responded_at: datetime | None


class DormantRead(BaseModel):
    person: PersonRef
    past_strength: float
    last_at: datetime
    months_silent: int
    score: float
    relevance: float
    novelty: float
    # The open ask this tie is most relevant to, if any.
    ask_id: int | None
    ask_title: str | None
    novel_topics: list[str]
    suggested_message: str


class BridgeRead(BaseModel):
    person: PersonRef
    teams_reached: int


class HealthRead(BaseModel):
    """Aggregates of an organization's (or a lead's teams') ties; names only where analytics allow."""

    scope: str
    people: int
    ties: int
    cross_team_share: float
    isolated: int
    isolated_share: float
    bridges_count: int
    bridges: list[BridgeRead]
    individual_analytics: bool


class ImportLine(BaseModel):
    line: int
    message: str


class TieImportRead(BaseModel):
    created: int
    dry_run: bool
    errors: list[ImportLine]
