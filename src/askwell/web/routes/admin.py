"""Administration pages: invitations, teams, roles, activation and erasure, and the CSV import."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from pydantic import ValidationError
from starlette.responses import RedirectResponse, Response

from askwell.accounts import service as accounts
from askwell.accounts.schemas import InvitationCreate
from askwell.core.errors import Conflict, InvalidInput
from askwell.http.deps import Ctx, Db, Now, PageActor
from askwell.http.params import InvitationId, PersonId, parse_id
from askwell.people import repository
from askwell.people import service as people_service
from askwell.people.csv_import import import_people
from askwell.people.errors import NotAllowed, TeamNotFound
from askwell.people.models import Role
from askwell.people.policy import Actor, can_administer
from askwell.people.schemas import TeamCreate
from askwell.privacy import service as privacy
from askwell.web.forms import field_errors
from askwell.web.templating import render

router = APIRouter()

PEOPLE_PER_PAGE = 50


def _admin(actor: Actor) -> Actor:
    if not can_administer(actor):
        raise NotAllowed("use the administration pages")
    return actor


def _back(message: str) -> Response:
    return RedirectResponse(f"/admin?{urlencode({'flash': message})}", status_code=303)


def _admin_page(
    request: Request, db: Db, actor: Actor, now: datetime, *, page: int = 1, status: int = 200, **forms: Any
) -> Response:
    people, total = repository.search_people(
        db, actor=actor, limit=PEOPLE_PER_PAGE, offset=(page - 1) * PEOPLE_PER_PAGE, include_inactive=True
    )
    invitations = [
        i
        for i in accounts.list_invitations(db, actor=actor)
        if i.accepted_at is None and i.revoked_at is None and i.expires_at > now
    ]
    pages = max(1, -(-total // PEOPLE_PER_PAGE))
    context: dict[str, Any] = {
        "people": people,
        "total": total,
        "page": page,
        "prev_url": f"/admin?page={page - 1}" if page > 1 else None,
        "next_url": f"/admin?page={page + 1}" if page < pages else None,
        "invitations": invitations,
        "teams": repository.list_teams(db, actor=actor),
        "roles": [r.value for r in Role],
        "invite": {"values": {"role": Role.MEMBER.value, "teams": []}, "errors": {}},
        "team_form": {"values": {}, "errors": {}},
        **forms,
    }
    return render(request, "admin/index.html", context, status_code=status)


@router.get("/admin")
def admin_home(
    request: Request, db: Db, actor: PageActor, now: Now, page: Annotated[int, Query(ge=1, le=100_000)] = 1
) -> Response:
    return _admin_page(request, db, _admin(actor), now, page=page)


@router.post("/admin/invitations")
def invite(
    request: Request,
    db: Db,
    ctx: Ctx,
    actor: PageActor,
    now: Now,
    email: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = Role.MEMBER.value,
    teams: Annotated[list[str] | None, Form()] = None,
) -> Response:
    _admin(actor)
    team_ids = [i for i in (parse_id(t) for t in teams or []) if i is not None]
    values = {"email": email, "name": name, "role": role, "teams": team_ids}
    try:
        data = InvitationCreate(email=email, name=name, role=role, teams=team_ids)
        accounts.invite(
            db, actor=actor, data=data, settings=ctx.settings, now=now, served_url=str(request.base_url)
        )
    except ValidationError as exc:
        return _admin_page(
            request, db, actor, now, status=422, invite={"values": values, "errors": field_errors(exc)}
        )
    except Conflict as exc:
        return _admin_page(
            request, db, actor, now, status=409, invite={"values": values, "errors": {"email": exc.message}}
        )
    except TeamNotFound as exc:
        return _admin_page(
            request, db, actor, now, status=422, invite={"values": values, "errors": {"teams": exc.message}}
        )
    db.commit()
    return _back(f"Invitation sent to {data.email}.")


@router.post("/admin/invitations/{invitation_id}/revoke")
def revoke_invitation(db: Db, actor: PageActor, now: Now, invitation_id: InvitationId) -> Response:
    accounts.revoke_invitation(db, actor=_admin(actor), invitation_id=invitation_id, now=now)
    db.commit()
    return _back("Invitation revoked.")


@router.post("/admin/teams")
def create_team(
    request: Request,
    db: Db,
    actor: PageActor,
    now: Now,
    name: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
) -> Response:
    _admin(actor)
    values = {"name": name, "description": description}
    try:
        team = people_service.create_team(
            db, actor=actor, data=TeamCreate(name=name, description=description), now=now
        )
    except ValidationError as exc:
        return _admin_page(
            request, db, actor, now, status=422, team_form={"values": values, "errors": field_errors(exc)}
        )
    except Conflict as exc:
        return _admin_page(
            request, db, actor, now, status=409, team_form={"values": values, "errors": {"name": exc.message}}
        )
    db.commit()
    return _back(f"Team {team.name} created.")


@router.post("/admin/people/{person_id}/role")
def change_role(
    db: Db, actor: PageActor, now: Now, person_id: PersonId, role: Annotated[str, Form(max_length=16)] = ""
) -> Response:
    _admin(actor)
    try:
        new_role = Role(role)
    except ValueError:
        raise InvalidInput(
            f"{role!r} is not a role.", fields={"role": "Choose member, lead or admin."}
        ) from None
    person = people_service.change_role(db, actor=actor, person_id=person_id, role=new_role, now=now)
    db.commit()
    return _back(f"{person.name} is now {new_role.value}.")


@router.post("/admin/people/{person_id}/active")
def set_active(
    db: Db, actor: PageActor, now: Now, person_id: PersonId, active: Annotated[str, Form(max_length=5)] = ""
) -> Response:
    _admin(actor)
    person = accounts.set_active(db, actor=actor, person_id=person_id, active=active == "1", now=now)
    db.commit()
    return _back(f"{person.name} is {'active again' if person.is_active else 'deactivated'}.")


@router.post("/admin/people/{person_id}/erase")
def erase_person(db: Db, actor: PageActor, now: Now, person_id: PersonId) -> Response:
    _admin(actor)
    privacy.erase_person(db, actor=actor, person_id=person_id, now=now)
    db.commit()
    return _back(f"Person {person_id} erased: they now appear as a former member.")


def _import_page(
    request: Request,
    ctx: Ctx,
    *,
    report: Any = None,
    error: str = "",
    options: dict[str, bool] | None = None,
    status: int = 200,
) -> Response:
    return render(
        request,
        "admin/import.html",
        {
            "report": report,
            "error": error,
            "options": options or {"dry_run": True, "skip_invalid": False},
            "max_mb": ctx.settings.max_upload_bytes / (1024 * 1024),
        },
        status_code=status,
    )


@router.get("/admin/import")
def import_form(request: Request, ctx: Ctx, actor: PageActor) -> Response:
    _admin(actor)
    return _import_page(request, ctx)


@router.post("/admin/import")
def import_upload(
    request: Request,
    db: Db,
    ctx: Ctx,
    actor: PageActor,
    now: Now,
    file: Annotated[UploadFile | None, File()] = None,
    dry_run: Annotated[str | None, Form()] = None,
    skip_invalid: Annotated[str | None, Form()] = None,
) -> Response:
    _admin(actor)
    options = {"dry_run": dry_run is not None, "skip_invalid": skip_invalid is not None}
    limit = ctx.settings.max_upload_bytes
    if file is None or not file.filename:
        return _import_page(request, ctx, error="Choose a CSV file to upload.", options=options, status=422)
    data = file.file.read(limit + 1)
    if len(data) > limit:
        return _import_page(
            request,
            ctx,
            error=f"The file is larger than the limit of {limit:,} bytes.",
            options=options,
            status=413,
        )
    report = import_people(
        db,
        actor=actor,
        data=data,
        dry_run=options["dry_run"],
        skip_invalid=options["skip_invalid"],
        now=now,
        max_bytes=limit,
    )
    if report.written:
        db.commit()
    failed = bool(report.errors) and not report.created
    return _import_page(request, ctx, report=report, options=options, status=422 if failed else 200)
