"""The signed-in person's start page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from askwell.http.deps import Db, PageActor
from askwell.people import repository
from askwell.web.templating import render

router = APIRouter()


@router.get("/")
def home(request: Request, db: Db, actor: PageActor) -> Response:
    me = repository.get_person(db, actor=actor, person_id=actor.person_id)
    memberships = sorted(me.memberships, key=lambda m: m.team.name.casefold())
    return render(request, "home/index.html", {"profile": me, "memberships": memberships})
