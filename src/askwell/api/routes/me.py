"""The signed-in person: read and edit their own profile, and download all their data."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import ValidationError
from starlette.responses import Response

from askwell.api.schemas import ProfilePatch
from askwell.api.serializers import person_read
from askwell.core.errors import InvalidInput
from askwell.http.deps import ApiActor, Db, Now
from askwell.http.downloads import personal_data_response
from askwell.people import repository, service
from askwell.people.schemas import PersonRead, ProfileUpdate, work_days_list
from askwell.privacy import service as privacy

router = APIRouter(tags=["me"])


@router.get("/me", response_model=PersonRead, summary="The person this token or session belongs to")
def get_me(db: Db, actor: ApiActor) -> PersonRead:
    return person_read(repository.get_person(db, actor=actor, person_id=actor.person_id))


@router.patch(
    "/me",
    response_model=PersonRead,
    summary="Change your own profile",
    description=(
        "Send only the fields to change. `away_until: null` clears an absence. Working hours: "
        "`work_start` and `work_end` as `HH:MM` on your own clock (`timezone`, an IANA zone), the end "
        "at least an hour after the start; `work_days` as ISO weekdays (1 = Monday ... 7 = Sunday)."
    ),
)
def patch_me(body: ProfilePatch, db: Db, actor: ApiActor, now: Now) -> PersonRead:
    person = repository.get_person(db, actor=actor, person_id=actor.person_id)
    current = {
        "name": person.name,
        "title": person.title,
        "timezone": person.timezone,
        "skills": person.skill_names,
        "can_help_with": person.can_help_with,
        "learning": person.learning,
        "away_until": person.away_until,
        "suggestible": person.suggestible,
        "work_start": person.work_start,
        "work_end": person.work_end,
        "work_days": work_days_list(person.work_days),
    }
    try:
        data = ProfileUpdate.model_validate({**current, **body.changes()})
    except ValidationError as exc:
        # Fields that only make sense together (a working day ending before it starts), or a stored
        # value that predates today's rules (e.g. an imported long title).
        fields = {".".join(str(p) for p in e["loc"]): e["msg"] for e in exc.errors()}
        raise InvalidInput("The profile is not valid.", fields=fields) from None
    updated = service.update_profile(db, actor=actor, person_id=actor.person_id, data=data, now=now)
    db.commit()
    return person_read(updated)


@router.get(
    "/me/export",
    summary="Download all your own data",
    description=(
        "Everything Askwell holds about you as one JSON document: profile, asks you wrote (with the "
        "offers made on them), offers, thanks given and received, notifications, ties, ledger entries "
        "and API token names. Never other people's private data."
    ),
    responses={200: {"content": {"application/json": {"schema": {"type": "object"}}}}},
    response_class=Response,
)
def export_me(db: Db, actor: ApiActor, now: Now) -> Response:
    return personal_data_response(privacy.export_person(db, actor=actor, now=now), now=now)
