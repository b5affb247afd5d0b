"""Single sign-on pages: ``/auth/oidc/{org_slug}/login`` sends the browser to the organization's
identity provider; ``/auth/oidc/{org_slug}/callback`` brings it back signed in.

Both are public and answer bad input (an unknown organization, a forged or replayed state, a
provider's error) with the sign-in page and a 4xx, never a 5xx; only a provider that cannot be
reached is a 502. The state also travels in a cookie limited to these paths, so a callback is
finished only by the browser that started it (no login CSRF)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import RedirectResponse, Response

from askwell.core.errors import AskwellError
from askwell.http.deps import Ctx, Db, Now
from askwell.sso import service
from askwell.web.routes.auth import safe_next, signed_in_response
from askwell.web.templating import redirect, render

router = APIRouter()

STATE_COOKIE = "askwell_oidc_state"
COOKIE_PATH = "/auth/oidc/"
OrgSlug = Annotated[str, Path(min_length=1, max_length=60, pattern=r"^[a-z0-9-]+$")]


def _callback_url(request: Request, ctx: Ctx, org_slug: str) -> str:
    return f"{ctx.settings.public_url(str(request.base_url))}/auth/oidc/{org_slug}/callback"


def _refused(request: Request, exc: AskwellError, org_slug: str = "") -> Response:
    context = {"error": exc.message, "next": "/", "email": "", "organization": "", "sso_org": org_slug}
    response = render(request, "auth/signin.html", context, status_code=exc.status_code)
    response.delete_cookie(STATE_COOKIE, path=COOKIE_PATH)
    return response


@router.get("/auth/oidc/start")
def choose_organization(organization: Annotated[str, Query(max_length=60)] = "") -> Response:
    """The sign-in page's form: from an organization's short name to its login address."""
    slug = organization.strip().lower()
    if not slug or not slug.replace("-", "").isalnum() or not slug.isascii():
        return redirect("/signin", "Give your organization's short name to use single sign-on.")
    return RedirectResponse(f"/auth/oidc/{quote(slug)}/login", status_code=303)


@router.get("/auth/oidc/{org_slug}/login")
def login(
    request: Request,
    db: Db,
    ctx: Ctx,
    now: Now,
    org_slug: OrgSlug,
    next: Annotated[str, Query(max_length=500)] = "/",
) -> Response:
    try:
        started = service.start_login(
            db,
            org_slug=org_slug,
            redirect_uri=_callback_url(request, ctx, org_slug),
            next_path=safe_next(next),
            settings=ctx.settings,
            now=now,
        )
    except AskwellError as exc:
        db.rollback()
        return _refused(request, exc)
    db.commit()
    response = RedirectResponse(started.url, status_code=303)
    response.set_cookie(
        STATE_COOKIE,
        started.state,
        max_age=service.LOGIN_MINUTES * 60,
        httponly=True,
        # Lax: the provider's redirect back is a top-level GET, which carries it.
        samesite="lax",
        secure=ctx.settings.cookie_secure,
        path=COOKIE_PATH,
    )
    return response


@router.get("/auth/oidc/{org_slug}/callback")
def callback(
    request: Request,
    db: Db,
    ctx: Ctx,
    now: Now,
    org_slug: OrgSlug,
    code: Annotated[str, Query(max_length=2000)] = "",
    state: Annotated[str, Query(max_length=200)] = "",
    error: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    try:
        finished = service.finish_login(
            db,
            org_slug=org_slug,
            state=state,
            browser_state=request.cookies.get(STATE_COOKIE, ""),
            code=code,
            error=error,
            redirect_uri=_callback_url(request, ctx, org_slug),
            settings=ctx.settings,
            now=now,
        )
    except AskwellError as exc:
        db.rollback()
        return _refused(request, exc, org_slug)
    db.commit()
    welcome = (
        "Welcome to Askwell: your account was created through single sign-on." if finished.created else None
    )
    response = signed_in_response(
        redirect(safe_next(finished.next_path), welcome),
        finished.signed,
        secure=ctx.settings.cookie_secure,
        now=now,
    )
    response.delete_cookie(STATE_COOKIE, path=COOKIE_PATH)
    return response
