"""Teams: the list, one team's members, and membership management for admins and the team's leads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from askwell.accounts import service as accounts
from askwell.accounts.schemas import InvitationCreate
from askwell.core.errors import InvalidInput
from askwell.http.deps import Ctx, Db, Now, PageActor
from askwell.http.params import PersonId
from askwell.people import repository
from askwell.people import service as people_service
from askwell.people.models import Person, Role, Team
from askwell.people.policy import (
    Actor,
    MemberFacts,
    TeamAction,
    member_actions,
    require_team_action,
    team_actions,
)
from askwell.people.schemas import normalise_email
from askwell.web.form_action import Refusal, form_action
from askwell.web.templating import redirect, render

router = APIRouter()

Slug = Annotated[str, Path(max_length=80)]


@router.get("/teams")
def teams(request: Request, db: Db, actor: PageActor) -> Response:
    return render(request, "teams/list.html", {"teams": repository.list_teams(db, actor=actor)})


def _team_page(
    request: Request,
    db: Session,
    actor: Actor,
    team: Team,
    *,
    form: str = "",
    refusal: Refusal | None = None,
    values: dict[str, Any] | None = None,
) -> Response:
    """The team; after a refused ``form`` ("add", "invite", or a member's button), its reason in place.

    A reason shows beside the form that was used, or at the top of the members when that form is not
    drawn for this person (a button they could not see).
    """
    members = repository.team_members(db, actor=actor, team_id=team.id)
    # Drawn from the rule the service checks (people/policy.py: team_refusal).
    actions = team_actions(actor, team_id=team.id)
    errors = refusal.errors if refusal is not None else {}
    drawn = {"add": TeamAction.ADD_MEMBER in actions, "invite": TeamAction.INVITE in actions}
    in_place = drawn.get(form, False)
    return render(
        request,
        "teams/detail.html",
        {
            "team": team,
            "members": members,
            "actions": {a.value for a in actions},
            "member_actions": {
                person.id: {
                    a.value for a in member_actions(actor, team_id=team.id, member=_facts(person, lead))
                }
                for person, lead in members
            },
            "top_errors": {} if in_place else errors,
            "errors": errors if in_place and form == "add" else {},
            "values": values if form == "add" else {},
            "invite": {
                "values": values if form == "invite" else {},
                "errors": errors if in_place and form == "invite" else {},
            },
        },
        status_code=refusal.status if refusal is not None else 200,
    )


def _facts(person: Person, is_lead: bool) -> MemberFacts:
    return MemberFacts(person.id, is_lead=is_lead, is_admin=person.role == Role.ADMIN.value)


@router.get("/teams/{slug}")
def team_page(request: Request, db: Db, actor: PageActor, slug: Slug) -> Response:
    return _team_page(request, db, actor, repository.team_by_slug(db, actor=actor, slug=slug))


def _person_by_email(db: Session, actor: Actor, email: str) -> Person | None:
    email = normalise_email(email)
    if not email or " " in email:
        return None
    return repository.person_by_email(db, org_id=actor.org_id, email=email)


def _back(team: Team, message: str) -> Response:
    return redirect(f"/teams/{team.slug}", message)


def _on_team_page(
    request: Request,
    db: Session,
    actor: Actor,
    team: Team,
    *,
    form: str,
    values: dict[str, Any] | None = None,
) -> Callable[[Refusal], Response]:
    def again(refusal: Refusal) -> Response:
        return _team_page(request, db, actor, team, form=form, refusal=refusal, values=values)

    return again


@router.post("/teams/{slug}/members")
def add_member(
    request: Request,
    db: Db,
    actor: PageActor,
    slug: Slug,
    email: Annotated[str, Form(max_length=320)] = "",
    lead: Annotated[str | None, Form(max_length=5)] = None,
) -> Response:
    """Add someone by email; only admins add them as a lead (a lead's attempt is refused, as the API does)."""
    team = repository.team_by_slug(db, actor=actor, slug=slug)

    def act() -> Response:
        person = _person_by_email(db, actor, email)
        if person is None:
            raise InvalidInput(
                "Nobody in your organization has that email.",
                fields={"email": "Nobody in your organization has that email."},
            )
        people_service.set_membership(
            db, actor=actor, team_id=team.id, person_id=person.id, member=True, lead=lead is not None
        )
        return _back(team, f"{person.name} is in {team.name}.")

    values = {"email": email, "lead": lead is not None}
    return form_action(db, act, again=_on_team_page(request, db, actor, team, form="add", values=values))


@router.post("/teams/{slug}/members/{person_id}/remove")
def remove_member(request: Request, db: Db, actor: PageActor, slug: Slug, person_id: PersonId) -> Response:
    team = repository.team_by_slug(db, actor=actor, slug=slug)

    def act() -> Response:
        people_service.set_membership(db, actor=actor, team_id=team.id, person_id=person_id, member=False)
        return _back(team, "Removed from the team.")

    return form_action(db, act, again=_on_team_page(request, db, actor, team, form="member"))


@router.post("/teams/{slug}/members/{person_id}/lead")
def set_lead(
    request: Request,
    db: Db,
    actor: PageActor,
    slug: Slug,
    person_id: PersonId,
    lead: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    team = repository.team_by_slug(db, actor=actor, slug=slug)
    make_lead = lead == "1"

    def act() -> Response:
        # Also checked here because the service leaves a lead flag alone for non-admins (the API's
        # PUT re-adds without changing it); unmaking a lead must not pretend to have worked.
        require_team_action(actor, TeamAction.APPOINT_LEAD, team_id=team.id)
        people_service.set_membership(
            db, actor=actor, team_id=team.id, person_id=person_id, member=True, lead=make_lead
        )
        return _back(team, "Marked as a lead." if make_lead else "No longer a lead.")

    return form_action(db, act, again=_on_team_page(request, db, actor, team, form="member"))


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

    def act() -> Response:
        data = InvitationCreate(email=email, name=name, teams=[team.id])
        accounts.invite(
            db, actor=actor, data=data, settings=ctx.settings, now=now, served_url=str(request.base_url)
        )
        return _back(team, f"Invitation sent to {data.email}; they join {team.name} when they accept.")

    values = {"email": email, "name": name}
    return form_action(db, act, again=_on_team_page(request, db, actor, team, form="invite", values=values))
