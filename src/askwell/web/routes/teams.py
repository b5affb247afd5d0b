"""Teams: the list, one team's members, and membership management for admins and the team's leads."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Path, Request
from pydantic import ValidationError
from starlette.responses import RedirectResponse, Response

from askwell.accounts import service as accounts
from askwell.accounts.schemas import InvitationCreate
from askwell.core.errors import Conflict
from askwell.http.deps import Ctx, Db, Now, PageActor
from askwell.people import repository
from askwell.people import service as people_service
from askwell.people.errors import NotAllowed
from askwell.people.models import Person, Team
from askwell.people.policy import Actor, can_manage_team
from askwell.people.schemas import normalise_email
from askwell.web.forms import field_errors
from askwell.web.routes.people import PersonId
from askwell.web.templating import render

router = APIRouter()

Slug = Annotated[str, Path(max_length=80)]


@router.get("/teams")
def teams(request: Request, db: Db, actor: PageActor) -> Response:
    return render(request, "teams/list.html", {"teams": repository.list_teams(db, actor=actor)})


def _team_page(
    request: Request,
    db: Db,
    actor: Actor,
    team: Team,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    invite: dict[str, Any] | None = None,
    status: int | None = None,
) -> Response:
    return render(
        request,
        "teams/detail.html",
        {
            "team": team,
            "members": repository.team_members(db, actor=actor, team_id=team.id),
            "can_manage": can_manage_team(actor, team_id=team.id),
            "errors": errors or {},
            "values": values or {},
            "invite": invite or {"values": {}, "errors": {}},
        },
        status_code=status or (422 if errors or (invite and invite["errors"]) else 200),
    )


@router.get("/teams/{slug}")
def team_page(request: Request, db: Db, actor: PageActor, slug: Slug) -> Response:
    return _team_page(request, db, actor, repository.team_by_slug(db, actor=actor, slug=slug))


def _person_by_email(db: Db, actor: Actor, email: str) -> Person | None:
    email = normalise_email(email)
    if not email or " " in email:
        return None
    return repository.person_by_email(db, org_id=actor.org_id, email=email)


def _back(team: Team, message: str) -> Response:
    return RedirectResponse(f"/teams/{team.slug}?{urlencode({'flash': message})}", status_code=303)


@router.post("/teams/{slug}/members")
def add_member(
    request: Request,
    db: Db,
    actor: PageActor,
    slug: Slug,
    email: Annotated[str, Form(max_length=320)] = "",
    lead: Annotated[str | None, Form()] = None,
) -> Response:
    team = repository.team_by_slug(db, actor=actor, slug=slug)
    person = _person_by_email(db, actor, email)
    if person is None:
        return _team_page(
            request,
            db,
            actor,
            team,
            errors={"email": "Nobody in your organization has that email."},
            values={"email": email},
        )
    people_service.set_membership(
        db,
        actor=actor,
        team_id=team.id,
        person_id=person.id,
        member=True,
        lead=lead is not None and actor.is_admin,
    )
    db.commit()
    return _back(team, f"{person.name} is in {team.name}.")


@router.post("/teams/{slug}/members/{person_id}/remove")
def remove_member(db: Db, actor: PageActor, slug: Slug, person_id: PersonId) -> Response:
    team = repository.team_by_slug(db, actor=actor, slug=slug)
    people_service.set_membership(db, actor=actor, team_id=team.id, person_id=person_id, member=False)
    db.commit()
    return _back(team, "Removed from the team.")


@router.post("/teams/{slug}/members/{person_id}/lead")
def set_lead(
    db: Db, actor: PageActor, slug: Slug, person_id: PersonId, lead: Annotated[str, Form(max_length=5)] = ""
) -> Response:
    if not actor.is_admin:
        raise NotAllowed("appoint team leads")
    team = repository.team_by_slug(db, actor=actor, slug=slug)
    make_lead = lead == "1"
    people_service.set_membership(
        db, actor=actor, team_id=team.id, person_id=person_id, member=True, lead=make_lead
    )
    db.commit()
    return _back(team, "Marked as a lead." if make_lead else "No longer a lead.")


@router.post("/teams/{slug}/invitations")
def invite_to_team(
    request: Request,
    db: Db,
    ctx: Ctx,
    actor: PageActor,
    now: Now,
    slug: Slug,
    email: Annotated[str, Form(max_length=320)] = "",
    name: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """A lead (or an admin) invites someone new straight into this team."""
    team = repository.team_by_slug(db, actor=actor, slug=slug)
    values = {"email": email, "name": name}
    try:
        data = InvitationCreate(email=email, name=name, teams=[team.id])  # type: ignore[arg-type]
        accounts.invite(
            db, actor=actor, data=data, settings=ctx.settings, now=now, served_url=str(request.base_url)
        )
    except ValidationError as exc:
        return _team_page(request, db, actor, team, invite={"values": values, "errors": field_errors(exc)})
    except Conflict as exc:
        invite = {"values": values, "errors": {"email": exc.message}}
        return _team_page(request, db, actor, team, invite=invite, status=exc.status_code)
    db.commit()
    return _back(team, f"Invitation sent to {data.email}; they join {team.name} when they accept.")
