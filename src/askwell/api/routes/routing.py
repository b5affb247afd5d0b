"""Routing sideways: the help needs routed to me, and my answer (claim, can't, suggest someone); team settings."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from askwell.core.db import MAX_ID
from askwell.http.deps import ApiActor, Db, Now
from askwell.routing import service
from askwell.routing.schemas import (
    RouteCant,
    RouteClaim,
    RouteRead,
    RouteSuggest,
    RoutingSettingsRead,
    RoutingSettingsUpdate,
)

router = APIRouter(tags=["routing"])

RouteId = Annotated[int, Path(ge=1, le=MAX_ID, description="A route request's id")]
TeamId = Annotated[int, Path(ge=1, le=MAX_ID, description="A team's id")]


@router.get("/routing/requests", response_model=list[RouteRead], summary="Help needs routed to me")
def my_requests(db: Db, actor: ApiActor) -> list[RouteRead]:
    return service.my_requests(db, actor=actor)


@router.get("/routing/requests/{route_id}", response_model=RouteRead, summary="One request routed to me")
def my_request(route_id: RouteId, db: Db, actor: ApiActor) -> RouteRead:
    return service.my_request(db, actor=actor, route_id=route_id)


@router.post(
    "/routing/requests/{route_id}/claim",
    response_model=RouteRead,
    summary="Claim it: an offer on the ask, which its author accepts as any offer",
)
def claim(route_id: RouteId, data: RouteClaim, db: Db, actor: ApiActor, now: Now) -> RouteRead:
    service.claim(db, actor=actor, route_id=route_id, data=data, now=now)
    db.commit()
    return service.my_request(db, actor=actor, route_id=route_id)


@router.post("/routing/requests/{route_id}/cant", response_model=RouteRead, summary="I can't help this time")
def cant(route_id: RouteId, data: RouteCant, db: Db, actor: ApiActor, now: Now) -> RouteRead:
    service.cant(db, actor=actor, route_id=route_id, data=data, now=now)
    db.commit()
    return service.my_request(db, actor=actor, route_id=route_id)


@router.post(
    "/routing/requests/{route_id}/suggest",
    response_model=RouteRead,
    summary="Ask someone better placed instead",
)
def suggest(route_id: RouteId, data: RouteSuggest, db: Db, actor: ApiActor, now: Now) -> RouteRead:
    service.suggest(db, actor=actor, route_id=route_id, data=data, now=now)
    db.commit()
    return service.my_request(db, actor=actor, route_id=route_id)


@router.get(
    "/routing/teams/{team_id}/settings",
    response_model=RoutingSettingsRead,
    summary="A team's routing settings",
)
def team_settings(team_id: TeamId, db: Db, actor: ApiActor) -> RoutingSettingsRead:
    return service.settings_for(db, actor=actor, team_id=team_id)


@router.put(
    "/routing/teams/{team_id}/settings",
    response_model=RoutingSettingsRead,
    summary="Change a team's routing (its leads and admins)",
)
def update_settings(
    team_id: TeamId, data: RoutingSettingsUpdate, db: Db, actor: ApiActor, now: Now
) -> RoutingSettingsRead:
    found = service.update_settings(db, actor=actor, team_id=team_id, data=data, now=now)
    db.commit()
    return found
