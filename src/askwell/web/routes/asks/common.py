"""What several ask pages share: dates as typed, due moments as read, coaching, teams and chosen people."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fastapi import Request
from pydantic import ValidationError
from sqlalchemy.orm import Session

from askwell.asks import rules, service
from askwell.asks.coaching.judge import Judge
from askwell.asks.due_text import DueText, describe_due
from askwell.asks.models import Ask
from askwell.asks.schemas import (
    COACH_TEXT_MAX,
    MAX_AUDIENCE,
    PART_MAX,
    TITLE_MAX,
    CoachingRead,
    CoachRequest,
    coaching_read,
)
from askwell.core.errors import InvalidInput
from askwell.core.localtime import zone
from askwell.matching.judge import coaching_judge
from askwell.people import repository as people_repo
from askwell.people.models import Person
from askwell.people.policy import Actor
from askwell.web.forms import blank_to_none, field_label, human_message


def parse_date(raw: str, errors: dict[str, str], name: str = "due") -> date | None:
    """Dates arrive as YYYY-MM-DD from the date input; a bare date means the end of that working day."""
    raw = raw.strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[name] = human_message({"type": "date_parsing"}, label=field_label(name))
        return None


def due_text(ask: Ask, viewer: Person, now: datetime) -> DueText:
    """The due moment as this viewer reads it (see ``asks.due_text``); every ask page uses this."""
    assert ask.due_at is not None
    return describe_due(
        ask.due_at,
        viewer_tz=viewer.timezone,
        author_tz=ask.author.timezone,
        author_name=ask.author.name,
        viewer_is_author=ask.author_id == viewer.id,
        now=now,
        overdue=rules.is_overdue(ask.status, ask.due_at, now=now),
    )


def my_teams(db: Session, actor: Actor) -> list[tuple[int, str]]:
    teams = people_repo.teams_by_name(db, org_id=actor.org_id).values()
    return sorted(((t.id, t.name) for t in teams if t.id in actor.teams), key=lambda t: t[1].casefold())


def people_named(db: Session, actor: Actor, ids: list[int]) -> list[Person]:
    """The chosen people of a private ask, for showing them again; unknown ids are simply left out."""
    people = []
    for person_id in ids[:MAX_AUDIENCE]:
        person = people_repo.person_in_org(db, org_id=actor.org_id, person_id=person_id)
        if person is not None:
            people.append(person)
    return people


def judge_of(request: Request) -> Judge | None:
    """The coaching judge the composition root handed in, else the packaged one (None: the rules alone)."""
    return coaching_judge(request.app.state.ctx.edges)


def coach_values(
    values: dict[str, Any],
    person: Person,
    now: datetime,
    *,
    judge: Judge | None,
    due: datetime | date | None = None,
) -> CoachingRead | None:
    """The review shown beside the form; nothing when there is not enough to coach or the values are invalid."""
    if due is None:
        due = parse_date(values.get("due", ""), {})
    try:
        data = CoachRequest(
            **blank_to_none(
                {
                    "title": values.get("title", "")[:TITLE_MAX],
                    "text": values.get("body", "")[:COACH_TEXT_MAX],
                    "what": values.get("what", "")[:PART_MAX],
                    "why": values.get("why", "")[:PART_MAX],
                    "action": values.get("action", "")[:PART_MAX],
                    "effort_hours": values.get("effort_hours", ""),
                    "own_guess": values.get("own_guess", ""),
                },
                ("effort_hours", "own_guess"),
            ),
            due=due,
        )
        return coaching_read(service.coach_request(data, tz=zone(person.timezone), now=now, judge=judge))
    except (ValidationError, InvalidInput):
        return None
