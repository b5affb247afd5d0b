"""The people directory, profiles and profile editing."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import Response

from askwell.core.localtime import zone
from askwell.http.deps import Db, Now, PageActor
from askwell.http.params import PersonId, parse_id
from askwell.people import repository
from askwell.people import service as people_service
from askwell.people.errors import NotAllowed
from askwell.people.models import Person
from askwell.people.policy import Actor, can_edit_profile
from askwell.people.schemas import (
    LONG_TEXT_MAX,
    MAX_SKILLS,
    NAME_MAX,
    SHORT_TEXT_MAX,
    ProfileUpdate,
    work_days_list,
)
from askwell.web.form_action import Refusal, form_action
from askwell.web.forms import SKILLS_TEXT_MAX, form_cap, split_list, timezone_choices
from askwell.web.templating import is_partial, page_url, redirect, render

router = APIRouter()

PAGE_SIZE = 20


def _page_url(q: str, team: str, skill: str, page: int) -> str:
    return page_url("/people", {"q": q, "team": team, "skill": skill}, page)


@router.get("/people")
def directory(
    request: Request,
    db: Db,
    actor: PageActor,
    q: Annotated[str, Query(max_length=200)] = "",
    team: Annotated[str, Query(max_length=12)] = "",
    skill: Annotated[str, Query(max_length=60)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    team_id = parse_id(team)
    people, total = repository.search_people(
        db, actor=actor, query=q, team_id=team_id, skill=skill, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    pages = max(1, -(-total // PAGE_SIZE))
    context: dict[str, Any] = {
        "people": people,
        "total": total,
        "page": page,
        "pages": pages,
        "q": q,
        "team": str(team_id) if team_id else "",
        "skill": skill,
        "prev_url": _page_url(q, team, skill, page - 1) if page > 1 else None,
        "next_url": _page_url(q, team, skill, page + 1) if page < pages else None,
    }
    if is_partial(request):
        response = render(request, "people/_results.html", context)
    else:
        teams = repository.teams_by_name(db, org_id=actor.org_id).values()
        context["teams"] = sorted(teams, key=lambda t: t.name.casefold())
        response = render(request, "people/directory.html", context)
    # The same URL answers with a fragment for htmx and a page otherwise; caches must keep both.
    response.headers["Vary"] = "HX-Request"
    return response


def _local_time(person: Person, now: datetime) -> datetime:
    return now.astimezone(zone(person.timezone))


@router.get("/people/{person_id}")
def profile(request: Request, db: Db, actor: PageActor, now: Now, person_id: PersonId) -> Response:
    person = repository.get_person(db, actor=actor, person_id=person_id)
    return render(
        request,
        "people/profile.html",
        {
            "person": person,
            "memberships": sorted(person.memberships, key=lambda m: m.team.name.casefold()),
            "local_time": _local_time(person, now),
            "away": person.away_until is not None and person.away_until >= _local_time(person, now).date(),
            "can_edit": can_edit_profile(actor, person_id=person.id, org_id=person.org_id),
        },
    )


WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _editable(db: Db, actor: Actor, person_id: int) -> Person:
    person = repository.get_person(db, actor=actor, person_id=person_id)
    if not can_edit_profile(actor, person_id=person.id, org_id=person.org_id):
        raise NotAllowed("edit someone else's profile")
    return person


def _edit_page(
    request: Request, person: Person, values: dict[str, Any], errors: dict[str, str], status: int = 200
) -> Response:
    return render(
        request,
        "people/edit.html",
        {
            "person": person,
            "values": values,
            "errors": errors,
            "timezones": timezone_choices(str(values.get("timezone", ""))),
            "max_skills": MAX_SKILLS,
            "weekday_names": WEEKDAY_NAMES,
        },
        status_code=status,
    )


@router.get("/people/{person_id}/edit")
def edit_form(request: Request, db: Db, actor: PageActor, person_id: PersonId) -> Response:
    person = _editable(db, actor, person_id)
    values = {
        "name": person.name,
        "title": person.title,
        "timezone": person.timezone,
        "skills": ", ".join(person.skill_names),
        "can_help_with": person.can_help_with,
        "learning": person.learning,
        "away_until": person.away_until.isoformat() if person.away_until else "",
        "suggestible": person.suggestible,
        "work_start": person.work_start,
        "work_end": person.work_end,
        "work_days": work_days_list(person.work_days),
    }
    return _edit_page(request, person, values, {})


Name = Annotated[str, Form(max_length=form_cap(NAME_MAX))]
Title = Annotated[str, Form(max_length=form_cap(SHORT_TEXT_MAX))]
Skills = Annotated[str, Form(max_length=form_cap(SKILLS_TEXT_MAX))]
LongText = Annotated[str, Form(max_length=form_cap(LONG_TEXT_MAX))]


@router.post("/people/{person_id}/edit")
def edit(
    request: Request,
    db: Db,
    actor: PageActor,
    now: Now,
    person_id: PersonId,
    name: Name = "",
    title: Title = "",
    timezone: Annotated[str, Form(max_length=64)] = "UTC",
    skills: Skills = "",
    can_help_with: LongText = "",
    learning: LongText = "",
    away_until: Annotated[str, Form(max_length=20)] = "",
    suggestible: Annotated[str | None, Form(max_length=5)] = None,
    work_start: Annotated[str | None, Form(max_length=8)] = None,
    work_end: Annotated[str | None, Form(max_length=8)] = None,
    work_days: Annotated[list[str] | None, Form()] = None,
    work_days_shown: Annotated[str | None, Form(max_length=1)] = None,
) -> Response:
    person = _editable(db, actor, person_id)
    # A form without the working-hours fields (an older page, a script) keeps the stored hours; the
    # page's own form marks that its day checkboxes were shown, so none ticked is a refusal.
    days = (
        [int(d) for d in (work_days or [])[:7] if d.strip().isdigit() and len(d.strip()) == 1]
        if work_days_shown is not None
        else work_days_list(person.work_days)
    )
    work_start = person.work_start if work_start is None else work_start
    work_end = person.work_end if work_end is None else work_end
    values: dict[str, Any] = {
        "name": name,
        "title": title,
        "timezone": timezone,
        "skills": skills,
        "can_help_with": can_help_with,
        "learning": learning,
        "away_until": away_until,
        "suggestible": suggestible is not None,
        "work_start": work_start,
        "work_end": work_end,
        "work_days": days,
    }

    def act() -> Response:
        data = ProfileUpdate(
            **{**values, "skills": split_list(skills), "away_until": away_until.strip() or None}
        )
        people_service.update_profile(db, actor=actor, person_id=person.id, data=data, now=now)
        return redirect(f"/people/{person.id}", "Profile saved.")

    def again(refusal: Refusal) -> Response:
        return _edit_page(request, person, values, refusal.errors, status=refusal.status)

    return form_action(db, act, again=again)
