"""The signed-in person."""

from __future__ import annotations

from fastapi import APIRouter

from askwell.api.serializers import person_read
from askwell.http.deps import ApiActor, Db
from askwell.people import repository
from askwell.people.schemas import PersonRead

router = APIRouter(tags=["me"])


@router.get("/me", response_model=PersonRead, summary="The person this token or session belongs to")
def get_me(db: Db, actor: ApiActor) -> PersonRead:
    return person_read(repository.get_person(db, actor=actor, person_id=actor.person_id))
