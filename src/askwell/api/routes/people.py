"""The directory: search people in your organization and read one profile."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from askwell.api.serializers import person_read, person_summary
from askwell.http.deps import ApiActor, Db
from askwell.http.params import MAX_ID, Limit, Offset, PersonId
from askwell.people import repository
from askwell.people.schemas import Page, PersonRead, PersonSummary

router = APIRouter(tags=["people"])


@router.get("/people", response_model=Page[PersonSummary], summary="Search the directory")
def list_people(
    db: Db,
    actor: ApiActor,
    q: Annotated[
        str, Query(max_length=200, description="Words matched against name, title, email, skills")
    ] = "",
    team: Annotated[int | None, Query(ge=1, le=MAX_ID, description="Only members of this team id")] = None,
    skill: Annotated[str, Query(max_length=60, description="Only people with this exact skill")] = "",
    limit: Limit = 20,
    offset: Offset = 0,
) -> Page[PersonSummary]:
    people, total = repository.search_people(
        db, actor=actor, query=q, team_id=team, skill=skill, limit=limit, offset=offset
    )
    return Page[PersonSummary](
        items=[person_summary(p) for p in people], total=total, limit=limit, offset=offset
    )


@router.get("/people/{person_id}", response_model=PersonRead, summary="One person's profile")
def get_person(person_id: PersonId, db: Db, actor: ApiActor) -> PersonRead:
    return person_read(repository.get_person(db, actor=actor, person_id=person_id))
