"""Teams: list, read with members, create (admins), and manage membership (admins and the team's leads)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, status
from sqlalchemy.orm import Session
from starlette.responses import Response

from askwell.api.schemas import MembershipUpdate, TeamDetail
from askwell.api.serializers import team_detail, team_read
from askwell.http.deps import ApiActor, Db, Now
from askwell.http.params import PersonId, TeamId
from askwell.people import repository, service
from askwell.people.policy import Actor
from askwell.people.schemas import TeamCreate, TeamRead

router = APIRouter(tags=["teams"])


def _detail(db: Session, actor: Actor, team_id: int) -> TeamDetail:
    team = repository.get_team(db, actor=actor, team_id=team_id)
    return team_detail(team, repository.team_members(db, actor=actor, team_id=team.id))


@router.get("/teams", response_model=list[TeamRead], summary="Every team in your organization")
def list_teams(db: Db, actor: ApiActor) -> list[TeamRead]:
    return [
        team_read(t, member_count=n, leads=leads) for t, n, leads in repository.list_teams(db, actor=actor)
    ]


@router.get("/teams/{team_id}", response_model=TeamDetail, summary="A team with its members")
def get_team(team_id: TeamId, db: Db, actor: ApiActor) -> TeamDetail:
    return _detail(db, actor, team_id)


@router.post(
    "/teams",
    response_model=TeamRead,
    status_code=status.HTTP_201_CREATED,
    summary="Create a team (admins)",
)
def create_team(body: TeamCreate, db: Db, actor: ApiActor, now: Now) -> TeamRead:
    team = service.create_team(db, actor=actor, data=body, now=now)
    db.commit()
    return team_read(team, member_count=0, leads=[])


@router.put(
    "/teams/{team_id}/members/{person_id}",
    response_model=TeamDetail,
    summary="Add a person to a team, or change their lead flag (admins and the team's leads)",
    description='The body is optional; `{"lead": true}` makes the person a lead, which only admins may do.',
)
def put_member(
    team_id: TeamId,
    person_id: PersonId,
    db: Db,
    actor: ApiActor,
    body: Annotated[MembershipUpdate | None, Body()] = None,
) -> TeamDetail:
    lead = body.lead if body is not None else False
    service.set_membership(db, actor=actor, team_id=team_id, person_id=person_id, member=True, lead=lead)
    db.commit()
    return _detail(db, actor, team_id)


@router.delete(
    "/teams/{team_id}/members/{person_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Remove a person from a team (admins and the team's leads)",
)
def delete_member(team_id: TeamId, person_id: PersonId, db: Db, actor: ApiActor) -> Response:
    service.set_membership(db, actor=actor, team_id=team_id, person_id=person_id, member=False)
    db.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)
