"""The "Asked of me" page: help needs routed to me, each with Claim / Can't / Suggest someone.

Phone-friendly on purpose: a peer usually answers from a notification, on the move. A refused answer
(already answered, the ask closed, an invalid suggestion) comes back to the page as a message;
someone else's request is a 404 like any id that is not the reader's.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from starlette.responses import Response

from askwell.core.db import MAX_ID
from askwell.core.errors import AskwellError, NotFound, PermissionDenied
from askwell.http.deps import Db, Now, PageActor
from askwell.http.params import parse_id
from askwell.routing import service
from askwell.routing.errors import InvalidSuggestion
from askwell.routing.schemas import RouteCant, RouteClaim, RouteSuggest
from askwell.web.templating import redirect, render

router = APIRouter()

RouteId = Annotated[int, Path(ge=1, le=MAX_ID, description="A route request's id")]
PAGE = "/routing"


def _back(db: Db, exc: AskwellError) -> Response:
    if isinstance(exc, NotFound | PermissionDenied):
        raise exc
    db.rollback()
    return redirect(PAGE, exc.message)


@router.get("/routing")
def asked_of_me(request: Request, db: Db, actor: PageActor) -> Response:
    routes = service.my_requests(db, actor=actor)
    people = service.teammates(db, actor=actor)
    return render(
        request,
        "routing/asked.html",
        {
            "waiting": [r for r in routes if r.state == "asked"],
            "answered": [r for r in routes if r.state != "asked"],
            "people": people,
        },
    )


@router.post("/routing/{route_id}/claim")
def claim(
    route_id: RouteId,
    db: Db,
    actor: PageActor,
    now: Now,
    message: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    try:
        route = service.claim(db, actor=actor, route_id=route_id, data=RouteClaim(message=message), now=now)
    except AskwellError as exc:
        return _back(db, exc)
    db.commit()
    return redirect(f"/asks/{route.ask_id}", "You claimed it: your offer is on the ask. Thank you!")


@router.post("/routing/{route_id}/cant")
def cant(route_id: RouteId, db: Db, actor: PageActor, now: Now) -> Response:
    try:
        service.cant(db, actor=actor, route_id=route_id, data=RouteCant(ask_next=True), now=now)
    except AskwellError as exc:
        return _back(db, exc)
    db.commit()
    return redirect(PAGE, "Thanks for saying so: someone else has been asked.")


@router.post("/routing/{route_id}/suggest")
def suggest(
    route_id: RouteId,
    db: Db,
    actor: PageActor,
    now: Now,
    person_id: Annotated[str, Form(max_length=20)],
) -> Response:
    try:
        target = parse_id(person_id)
        if target is None:
            raise InvalidSuggestion("Choose someone to suggest.")
        service.suggest(db, actor=actor, route_id=route_id, data=RouteSuggest(person_id=target), now=now)
    except AskwellError as exc:
        return _back(db, exc)
    db.commit()
    return redirect(PAGE, "Thanks: they have been asked, with your name on it.")
