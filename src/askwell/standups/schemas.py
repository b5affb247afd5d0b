"""Validated input and output shapes of the stand-ups domain, shared by pages, API and CLI."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from askwell.asks.schemas import Body, Part, Title
from askwell.core.validation import EntityId, SaneDate, SingleLine, VisibleText

#: One answer: long enough for a real update, short enough to stay a stand-up (and a page).
ANSWER_MAX = 2000
MAX_CUSTOM = 5
MAX_ROTATING = 20

QuestionText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=3, max_length=200), SingleLine
]
AnswerText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=ANSWER_MAX), VisibleText]
QuestionKey = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
ClockTime = Annotated[str, StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]


class Question(BaseModel):
    key: str
    text: str
    optional: bool = False


class StandupSettingsWrite(BaseModel):
    """A team's stand-up as its lead sets it up."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    weekdays: list[int] = Field(default_factory=lambda: [1, 2, 3, 4, 5], max_length=7)
    prompt_time: ClockTime = "09:30"
    window_minutes: int = Field(default=240, ge=15, le=24 * 60)
    # "What could you help others with today?" is asked unless the lead turns it off.
    ask_help_others: bool = True
    custom_questions: list[QuestionText] = Field(default_factory=list, max_length=MAX_CUSTOM)
    rotating_questions: list[QuestionText] = Field(default_factory=list, max_length=MAX_ROTATING)
    holiday_country: Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2}$")] | None = None
    holiday_subdivision: Annotated[str, StringConstraints(max_length=10)] | None = None

    @field_validator("weekdays")
    @classmethod
    def _iso_weekdays(cls, value: list[int]) -> list[int]:
        if any(day < 1 or day > 7 for day in value):
            raise ValueError("weekdays are 1 (Monday) to 7 (Sunday)")
        return sorted(set(value))


class StandupSettingsRead(BaseModel):
    team_id: int
    team_name: str
    enabled: bool
    weekdays: list[int]
    prompt_time: str
    window_minutes: int
    questions: list[Question]
    rotating_questions: list[str]
    holiday_country: str | None
    holiday_subdivision: str | None


class CheckinWrite(BaseModel):
    """A person's answers, by question key (``worked_on``, ``working_on``, ``help_needed``, ...)."""

    model_config = ConfigDict(extra="forbid")

    answers: dict[QuestionKey, AnswerText] = Field(max_length=30)
    private: bool = False
    team_id: EntityId | None = None
    local_date: Annotated[date, SaneDate] | None = None


class AnswerRead(BaseModel):
    key: str
    question: str
    text: str


class NeedRead(BaseModel):
    """The need found in an answer and the ask drafted from it, with the coaching's kind pointers."""

    ask_id: int
    ask_status: str
    title: str
    need: str
    score: int
    gaps: list[str]
    offers: int = 0


class CheckinRead(BaseModel):
    id: int
    person_id: int
    person_name: str
    team_id: int
    local_date: date
    late: bool
    private: bool
    submitted_at: datetime
    answers: list[AnswerRead]
    need: NeedRead | None = None


class TeamLine(BaseModel):
    id: int
    name: str


class TodayRead(BaseModel):
    """Today's prompt for the person asking: the questions of all their teams, once."""

    local_date: date
    due_at: datetime | None
    closes_at: datetime | None
    window_open: bool
    teams: list[TeamLine]
    questions: list[Question]
    checkin: CheckinRead | None


class NeedConfirm(BaseModel):
    """The drafted ask as the member confirms it: edited in the same step, or as drafted."""

    model_config = ConfigDict(extra="forbid")

    title: Title | None = None
    body: Body | None = None
    what: Part | None = None
    why: Part | None = None
    action: Part | None = None


class ResolvedLine(BaseModel):
    ask_id: int
    title: str
    author_name: str
    helpers: list[str]
    thanks: list[str]


class BoardRead(BaseModel):
    """A team's stand-up board: who answered is shown; who did not is only counted, never named."""

    team_id: int
    team_name: str
    local_date: date
    answered: int
    members: int
    checkins: list[CheckinRead]
    resolved: list[ResolvedLine]


class AwayWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    starts_on: Annotated[date, SaneDate]
    ends_on: Annotated[date, SaneDate]


# --- the 30–45-day practice --------------------------------------------------------------------------

RetroChoice = Literal["keep", "change", "drop"]


class PracticeStart(BaseModel):
    """A lead starts a practice: 30 or 45 days, from a day (today when left out)."""

    model_config = ConfigDict(extra="forbid")

    days: Literal[30, 45] = 30
    starts_on: Annotated[date, SaneDate] | None = None


class FiguresRead(BaseModel):
    """A period's help-seeking; None where there is no data (no people, no asks)."""

    weeks: float
    people: int
    asks: int
    asks_per_person_week: float | None
    helped_share: float | None
    median_hours_to_first_offer: float | None
    help_given: int
    across_teams_share: float | None
    has_data: bool


class PracticeRead(BaseModel):
    id: int
    team_id: int
    team_name: str
    days: int
    starts_on: date
    ends_on: date
    # "upcoming", "running", "finished" or "stopped"
    status: str
    # Day n of the practice (0 before it starts; capped at its length).
    day: int
    retro_open: bool
    baseline: FiguresRead


class StandupFiguresRead(BaseModel):
    standup_days: int
    possible: int
    answered: int
    participation: float | None
    needs_raised: int
    needs_resolved: int
    resolved_share: float | None


class PracticeWeek(BaseModel):
    week: int
    starts_on: date
    standup_days: int
    participation: float | None
    needs_raised: int


class RetroTally(BaseModel):
    """How many members would keep, change or drop one question: counts only, never who."""

    key: str
    question: str
    keep: int = 0
    change: int = 0
    drop: int = 0


class RecommendationRead(BaseModel):
    verdict: str
    reasons: list[str]
    # False while the practice runs: the "so far" view's verdict may still change.
    final: bool


class PracticeReport(BaseModel):
    """The day-30 / day-45 report (or the "so far" view while the practice runs)."""

    practice: PracticeRead
    as_of: date
    final: bool
    before: FiguresRead
    during: FiguresRead
    standup: StandupFiguresRead
    weeks: list[PracticeWeek]
    retro: list[RetroTally]
    retro_voters: int
    recommendation: RecommendationRead
    # The lead's own modelling of help-seeking, for the lead alone ("you raised help needed on 2 of
    # 20 days"); None for everyone else.
    you: str | None = None


class RetroWrite(BaseModel):
    """A member's keep / change / drop, per stand-up question key."""

    model_config = ConfigDict(extra="forbid")

    votes: dict[QuestionKey, RetroChoice] = Field(min_length=1, max_length=30)
