"""Pages reached from an email link: accepting an invitation and resetting a password."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Path, Request
from pydantic import ValidationError
from starlette.responses import RedirectResponse, Response

from askwell.accounts import service as accounts
from askwell.accounts.errors import WeakPassword
from askwell.accounts.models import Invitation
from askwell.accounts.secrets import MAX_PASSWORD, MIN_PASSWORD, check_password_rules, passwords
from askwell.core.db import begin_read
from askwell.core.errors import Conflict
from askwell.http.deps import Ctx, Db, Now
from askwell.people import repository
from askwell.people.schemas import ProfileUpdate
from askwell.web.forms import field_errors, timezone_choices
from askwell.web.routes.auth import set_session_cookie
from askwell.web.templating import render

router = APIRouter()

Token = Annotated[str, Path(min_length=1, max_length=200)]


def _invite_page(
    request: Request,
    db: Db,
    inv: Invitation,
    values: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    return render(
        request,
        "accounts/invite.html",
        {
            "organization": repository.get_organization(db, inv.org_id),
            "invitation": inv,
            "teams": accounts.invitation_teams(db, invitation=inv),
            "values": values,
            "errors": errors,
            "timezones": timezone_choices(str(values.get("timezone", ""))),
            "min_password": MIN_PASSWORD,
            "max_password": MAX_PASSWORD,
        },
        status_code=status,
    )


@router.get("/invite/{token}")
def invitation(request: Request, db: Db, now: Now, token: Token) -> Response:
    inv = accounts.pending_invitation(db, token=token, now=now)
    return _invite_page(request, db, inv, {"name": inv.name, "timezone": "UTC"}, {})


@router.post("/invite/{token}")
def accept_invitation(
    request: Request,
    db: Db,
    ctx: Ctx,
    now: Now,
    token: Token,
    name: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    timezone: Annotated[str, Form()] = "UTC",
) -> Response:
    begin_read(db)
    inv = accounts.pending_invitation(db, token=token, now=now)
    values = {"name": name, "timezone": timezone}
    errors: dict[str, str] = {}
    profile: ProfileUpdate | None = None
    try:
        profile = ProfileUpdate(name=name, timezone=timezone)
    except ValidationError as exc:
        errors.update(field_errors(exc))
    try:
        check_password_rules(password)
    except WeakPassword as exc:
        errors["password"] = exc.message
    if errors or profile is None:
        return _invite_page(request, db, inv, values, errors, status=422)
    # The hash is made between the read and the write: no transaction is open while Argon2 runs.
    db.commit()
    password_hash = passwords(ctx.edges).hash(password)
    try:
        signed = accounts.accept_invitation(
            db, token=token, profile=profile, password_hash=password_hash, settings=ctx.settings, now=now
        )
    except Conflict as exc:
        return _invite_page(request, db, inv, values, {"__all__": exc.message}, status=409)
    organization = repository.get_organization(db, inv.org_id)
    db.commit()
    response = RedirectResponse(
        f"/?{urlencode({'flash': f'Welcome to {organization.name}!'})}", status_code=303
    )
    set_session_cookie(response, signed, secure=ctx.settings.cookie_secure, now=now)
    return response


@router.get("/reset")
def reset_request_form(request: Request) -> Response:
    return render(request, "accounts/reset_request.html", {"sent": False, "email": ""})


@router.post("/reset")
def reset_request(
    request: Request, db: Db, ctx: Ctx, now: Now, email: Annotated[str, Form(max_length=320)] = ""
) -> Response:
    if email.strip():
        accounts.request_reset(
            db, email=email, settings=ctx.settings, now=now, served_url=str(request.base_url)
        )
        db.commit()
    # The same answer whether or not the account exists: the page must not reveal who has one.
    return render(request, "accounts/reset_request.html", {"sent": True, "email": email})


def _reset_page(request: Request, token: str, errors: dict[str, str], status: int = 200) -> Response:
    return render(
        request,
        "accounts/reset.html",
        {"token": token, "errors": errors, "min_password": MIN_PASSWORD, "max_password": MAX_PASSWORD},
        status_code=status,
    )


@router.get("/reset/{token}")
def reset_form(request: Request, token: Token) -> Response:
    return _reset_page(request, token, {})


@router.post("/reset/{token}")
def reset(
    request: Request,
    db: Db,
    ctx: Ctx,
    now: Now,
    token: Token,
    password: Annotated[str, Form()] = "",
    confirm: Annotated[str, Form()] = "",
) -> Response:
    if password != confirm:
        return _reset_page(request, token, {"confirm": "The two passwords differ."}, status=422)
    begin_read(db)
    accounts.pending_reset(db, token=token, now=now)  # a dead link costs no hash
    db.commit()  # ends the read: no transaction is open while Argon2 runs
    try:
        password_hash = passwords(ctx.edges).hash(password)
    except WeakPassword as exc:
        return _reset_page(request, token, {"password": exc.message}, status=422)
    accounts.reset_password(db, token=token, password_hash=password_hash, now=now)
    db.commit()
    flash = "Your password has been changed. Sign in with the new one."
    return RedirectResponse(f"/signin?{urlencode({'flash': flash})}", status_code=303)
