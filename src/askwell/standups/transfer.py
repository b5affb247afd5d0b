"""The stand-ups' sections of an organization export: each team's settings, people's away periods,
their next prompt, the prompts they were sent and their check-ins with answers and drafted needs.

People are referred to by email, teams by slug and asks by their ``ref`` in the asks section, so these
sections load after people, teams and asks. A check-in names its prompt by the prompt's natural key
(the same person and day); the routing section names a check-in the same way. Nothing here is a secret.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter
from sqlalchemy.orm import Session

from askwell.asks.transfer import ask_refs
from askwell.people.transfer import ImportContext, Section
from askwell.standups import repository
from askwell.standups.models import (
    Checkin,
    CheckinAnswer,
    StandupAway,
    StandupPrompt,
    StandupSchedule,
    StandupSettings,
)
from askwell.standups.schemas import ANSWER_MAX, ClockTime

Email = Annotated[str, StringConstraints(max_length=320)]
Slug = Annotated[str, StringConstraints(max_length=120)]
Weekdays = Annotated[str, StringConstraints(pattern=r"^[1-7](,[1-7]){0,6}$|^$")]


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")


class QuestionDoc(_Doc):
    key: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    text: Annotated[str, StringConstraints(max_length=200)]
    optional: bool = False


class StandupDoc(_Doc):
    team: Slug
    enabled: bool = True
    weekdays: Weekdays = "1,2,3,4,5"
    prompt_time: ClockTime = "09:30"
    window_minutes: int = Field(default=240, ge=15, le=24 * 60)
    questions: list[QuestionDoc] = Field(default_factory=list, max_length=40)
    rotating: list[Annotated[str, StringConstraints(max_length=200)]] = Field(
        default_factory=list, max_length=40
    )
    holiday_country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] | None = None
    holiday_subdivision: Annotated[str, StringConstraints(max_length=10)] | None = None
    created_at: AwareDatetime
    updated_at: AwareDatetime


class AwayDoc(_Doc):
    person: Email
    starts_on: date
    ends_on: date
    created_at: AwareDatetime


class ScheduleDoc(_Doc):
    person: Email
    next_at: AwareDatetime | None = None
    local_date: date | None = None
    closes_at: AwareDatetime | None = None
    updated_at: AwareDatetime


class PromptDoc(_Doc):
    person: Email
    local_date: date
    teams: list[Slug] = Field(default_factory=list, max_length=100)
    due_at: AwareDatetime
    closes_at: AwareDatetime
    remind_at: AwareDatetime | None = None
    reminded_at: AwareDatetime | None = None
    digest_at: AwareDatetime | None = None
    created_at: AwareDatetime


class AnswerDoc(_Doc):
    question_key: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    question: Annotated[str, StringConstraints(max_length=200)]
    text: Annotated[str, StringConstraints(max_length=ANSWER_MAX * 2)]
    position: int = Field(default=0, ge=0)


class CheckinDoc(_Doc):
    person: Email
    team: Slug
    local_date: date
    prompted: bool = False  # answered the prompt of the same person and day
    late: bool = False
    private: bool = False
    ask: int | None = Field(default=None, ge=1)  # the drafted (or confirmed) ask's ref
    need_text: Annotated[str, StringConstraints(max_length=ANSWER_MAX * 2)] | None = None
    submitted_at: AwareDatetime
    updated_at: AwareDatetime
    answers: list[AnswerDoc] = Field(default_factory=list, max_length=50)


def checkin_key(email: str, day: date) -> str:
    """A check-in's natural key (one a person a day), by which other sections name it."""
    return f"{email}:{day.isoformat()}"


def _iso(value: Any) -> Any:
    return value.isoformat() if value is not None else None


def _export_settings(db: Session, org_id: int) -> list[dict[str, Any]]:
    found = repository.org_standups(db, org_id=org_id)
    return [
        {
            "team": found.team_slugs[s.team_id],
            "enabled": s.enabled,
            "weekdays": s.weekdays,
            "prompt_time": s.prompt_time,
            "window_minutes": s.window_minutes,
            "questions": s.questions,
            "rotating": s.rotating,
            "holiday_country": s.holiday_country,
            "holiday_subdivision": s.holiday_subdivision,
            "created_at": _iso(s.created_at),
            "updated_at": _iso(s.updated_at),
        }
        for s in sorted(found.settings, key=lambda s: found.team_slugs[s.team_id])
    ]


def _load_settings(db: Session, ctx: ImportContext, docs: list[StandupDoc]) -> None:
    teams = ctx.ids.get("teams", {})
    repository.insert_rows(
        db,
        StandupSettings,
        [
            {
                "org_id": ctx.org_id,
                **d.model_dump(exclude={"team", "questions"}),
                "team_id": teams[d.team],
                "questions": [q.model_dump() for q in d.questions],
            }
            for d in docs
        ],
    )


def _export_people_rows(db: Session, org_id: int) -> list[dict[str, Any]]:
    """One object: away periods, schedules and prompts (all keyed by person), in a stable order."""
    found = repository.org_standups(db, org_id=org_id)
    email = found.emails
    return [
        {
            "away": [
                {
                    "person": email[a.person_id],
                    "starts_on": _iso(a.starts_on),
                    "ends_on": _iso(a.ends_on),
                    "created_at": _iso(a.created_at),
                }
                for a in sorted(found.away, key=lambda a: (email[a.person_id], a.starts_on, a.id))
            ],
            "schedules": [
                {
                    "person": email[s.person_id],
                    "next_at": _iso(s.next_at),
                    "local_date": _iso(s.local_date),
                    "closes_at": _iso(s.closes_at),
                    "updated_at": _iso(s.updated_at),
                }
                for s in sorted(found.schedules, key=lambda s: email[s.person_id])
            ],
            "prompts": [
                {
                    "person": email[p.person_id],
                    "local_date": _iso(p.local_date),
                    "teams": sorted(found.team_slugs[t] for t in p.team_ids if t in found.team_slugs),
                    "due_at": _iso(p.due_at),
                    "closes_at": _iso(p.closes_at),
                    "remind_at": _iso(p.remind_at),
                    "reminded_at": _iso(p.reminded_at),
                    "digest_at": _iso(p.digest_at),
                    "created_at": _iso(p.created_at),
                }
                for p in sorted(found.prompts, key=lambda p: (p.local_date, email[p.person_id]))
            ],
        }
    ]


class PeopleRowsDoc(_Doc):
    away: list[AwayDoc] = Field(default_factory=list)
    schedules: list[ScheduleDoc] = Field(default_factory=list)
    prompts: list[PromptDoc] = Field(default_factory=list)


def _load_people_rows(db: Session, ctx: ImportContext, docs: list[PeopleRowsDoc]) -> None:
    people, teams = ctx.ids.get("people", {}), ctx.ids.get("teams", {})
    prompt_ids: dict[str, int] = {}
    for doc in docs:
        repository.insert_rows(
            db,
            StandupAway,
            [
                {"org_id": ctx.org_id, **a.model_dump(exclude={"person"}), "person_id": people[a.person]}
                for a in doc.away
            ],
        )
        repository.insert_rows(
            db,
            StandupSchedule,
            [
                {"org_id": ctx.org_id, **s.model_dump(exclude={"person"}), "person_id": people[s.person]}
                for s in doc.schedules
            ],
        )
        ids = repository.insert_rows(
            db,
            StandupPrompt,
            [
                {
                    "org_id": ctx.org_id,
                    **p.model_dump(exclude={"person", "teams"}),
                    "person_id": people[p.person],
                    "team_ids": [teams[t] for t in p.teams],
                }
                for p in doc.prompts
            ],
        )
        prompt_ids.update(
            {checkin_key(p.person, p.local_date): i for p, i in zip(doc.prompts, ids, strict=True)}
        )
    ctx.ids["standup_prompts"] = prompt_ids


def _export_checkins(db: Session, org_id: int) -> list[dict[str, Any]]:
    found = repository.org_standups(db, org_id=org_id)
    email = found.emails
    asks = ask_refs(db, org_id)
    prompts = {p.id for p in found.prompts}
    answers: dict[int, list[CheckinAnswer]] = {}
    for a in found.answers:
        answers.setdefault(a.checkin_id, []).append(a)
    return [
        {
            "person": email[c.person_id],
            "team": found.team_slugs[c.team_id],
            "local_date": _iso(c.local_date),
            "prompted": c.prompt_id in prompts,
            "late": c.late,
            "private": c.private,
            "ask": asks.get(c.ask_id) if c.ask_id is not None else None,
            "need_text": c.need_text,
            "submitted_at": _iso(c.submitted_at),
            "updated_at": _iso(c.updated_at),
            "answers": [
                {
                    "question_key": a.question_key,
                    "question": a.question,
                    "text": a.text,
                    "position": a.position,
                }
                for a in answers.get(c.id, [])
            ],
        }
        for c in sorted(found.checkins, key=lambda c: (c.local_date, email[c.person_id]))
    ]


def _load_checkins(db: Session, ctx: ImportContext, docs: list[CheckinDoc]) -> None:
    people, teams = ctx.ids.get("people", {}), ctx.ids.get("teams", {})
    asks, prompts = ctx.ids.get("asks", {}), ctx.ids.get("standup_prompts", {})
    ids = repository.insert_rows(
        db,
        Checkin,
        [
            {
                "org_id": ctx.org_id,
                **c.model_dump(exclude={"person", "team", "prompted", "ask", "answers"}),
                "person_id": people[c.person],
                "team_id": teams[c.team],
                "prompt_id": prompts.get(checkin_key(c.person, c.local_date)) if c.prompted else None,
                "ask_id": asks[str(c.ask)] if c.ask is not None else None,
            }
            for c in docs
        ],
    )
    repository.insert_rows(
        db,
        CheckinAnswer,
        [
            {"org_id": ctx.org_id, "checkin_id": checkin_id, **a.model_dump()}
            for c, checkin_id in zip(docs, ids, strict=True)
            for a in c.answers
        ],
    )
    ctx.ids["standup_checkins"] = {
        checkin_key(c.person, c.local_date): i for c, i in zip(docs, ids, strict=True)
    }


def _people_and_teams(doc: dict[str, Any]) -> tuple[set[str], set[str]]:
    return {p.email for p in doc.get("people", [])}, {t.slug for t in doc.get("teams", [])}


def _check_settings(doc: dict[str, Any]) -> list[str]:
    _, teams = _people_and_teams(doc)
    named = [s.team for s in doc.get("standups", [])]
    problems = [f"standups.{i}: no team {t!r} in the document" for i, t in enumerate(named) if t not in teams]
    if len(set(named)) != len(named):
        problems.append("standups: a team has more than one stand-up")
    return problems


def _check_people_rows(doc: dict[str, Any]) -> list[str]:
    emails, teams = _people_and_teams(doc)
    problems: list[str] = []
    for block in doc.get("standup_people", []):
        for kind, rows in (("away", block.away), ("schedules", block.schedules), ("prompts", block.prompts)):
            problems += [
                f"standup_people.{kind}.{i}: no person {r.person!r} in the document"
                for i, r in enumerate(rows)
                if r.person not in emails
            ]
        problems += [
            f"standup_people.prompts.{i}: no team {t!r} in the document"
            for i, p in enumerate(block.prompts)
            for t in p.teams
            if t not in teams
        ]
        problems += [
            f"standup_people.away.{i}: the last day away comes before the first"
            for i, a in enumerate(block.away)
            if a.ends_on < a.starts_on
        ]
        keys = [(s.person,) for s in block.schedules] + [(p.person, p.local_date) for p in block.prompts]
        if len(set(keys)) != len(keys):
            problems.append("standup_people: a person has two schedules or two prompts on one day")
    return problems


def _check_checkins(doc: dict[str, Any]) -> list[str]:
    emails, teams = _people_and_teams(doc)
    refs = {a.ref for a in doc.get("asks", [])}
    problems: list[str] = []
    for i, c in enumerate(doc.get("standup_checkins", [])):
        where = f"standup_checkins.{i}"
        if c.person not in emails:
            problems.append(f"{where}: no person {c.person!r} in the document")
        if c.team not in teams:
            problems.append(f"{where}: no team {c.team!r} in the document")
        if c.ask is not None and c.ask not in refs:
            problems.append(f"{where}: no ask {c.ask} in the document")
    keys = [(c.person, c.local_date) for c in doc.get("standup_checkins", [])]
    if len(set(keys)) != len(keys):
        problems.append("standup_checkins: a person has two check-ins on one day")
    return problems


SECTIONS: list[Section] = [
    Section("standups", TypeAdapter(list[StandupDoc]), _export_settings, _load_settings, _check_settings),
    Section(
        "standup_people",
        TypeAdapter(list[PeopleRowsDoc]),
        _export_people_rows,
        _load_people_rows,
        _check_people_rows,
    ),
    Section(
        "standup_checkins", TypeAdapter(list[CheckinDoc]), _export_checkins, _load_checkins, _check_checkins
    ),
]
