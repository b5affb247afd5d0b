"""Sign-in and sign-out pages."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from askwell.accounts import service as accounts
from askwell.accounts.errors import BadCredentials, SlowDown, TooManyAttempts
from askwell.accounts.secrets import passwords
from askwell.http.deps import SESSION_COOKIE, Ctx, Db, Now, OptionalPerson, client_address
from askwell.http.params import parse_id
from askwell.people import repository as people_repo
from askwell.sso import service as sso
from askwell.web.templating import redirect, render

router = APIRouter()

LAST_ORG_COOKIE = "askwell_org"


def safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect would let a phishing link borrow our sign-in page."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def signed_in_response(
    response: Response, signed: accounts.SignedIn, *, secure: bool, now: datetime
) -> Response:
    """The session cookie, and which organization this browser last signed in to (the default next
    time, nothing secret): what every way of signing in (password, single sign-on) sets."""
    set_session_cookie(response, signed, secure=secure, now=now)
    response.set_cookie(
        LAST_ORG_COOKIE,
        str(signed.person.org_id),
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
    )
    return response


def set_session_cookie(response: Response, signed: accounts.SignedIn, *, secure: bool, now: datetime) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        signed.session_token,
        # Seconds from now (Max-Age, and Expires computed from it): Starlette reads an int ``expires``
        # as seconds from now, so passing the expiry's timestamp once put it in 2083. A relative age
        # also holds when the browser's clock differs from ours.
        max_age=max(0, int((signed.expires_at - now).total_seconds())),
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
    )


@router.get("/signin")
def signin_page(request: Request, me: OptionalPerson, next: str = "/") -> Response:
    if me is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "auth/signin.html", {"next": safe_next(next), "email": "", "organization": ""})


@router.post("/signin")
def signin(
    request: Request,
    db: Db,
    ctx: Ctx,
    now: Now,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1024)],
    next: Annotated[str, Form(max_length=2000)] = "/",
    organization: Annotated[str, Form(max_length=120)] = "",
) -> Response:
    client = client_address(request)
    form = {"email": email, "organization": organization, "next": safe_next(next)}
    try:
        attempt = accounts.start_sign_in(
            db,
            email=email,
            client=client,
            settings=ctx.settings,
            now=now,
            organization=organization,
            preferred_org_id=parse_id(request.cookies.get(LAST_ORG_COOKIE, "")),
        )
        if attempt.org_id is not None and not sso.password_sign_in_allowed(db, org_id=attempt.org_id):
            db.rollback()
            org = people_repo.get_organization(db, attempt.org_id)
            message = (
                f"{org.name} signs in with single sign-on only: passwords are switched off. "
                "Use the single sign-on button below."
            )
            return render(
                request, "auth/signin.html", {"error": message, "sso_org": org.slug, **form}, status_code=403
            )
        # Ends the read: the password hash is checked with no transaction open, so no other writer
        # waits for it (on SQLite, a write transaction holds the only write lock).
        db.commit()
        check = accounts.check_password(attempt, password, passwords=passwords(ctx.edges))
        signed = accounts.finish_sign_in(db, attempt=attempt, check=check, settings=ctx.settings, now=now)
    except BadCredentials as exc:
        accounts.record_failure(db, email=email, client=client, now=now)
        db.commit()
        return render(request, "auth/signin.html", {"error": exc.message, **form}, status_code=401)
    except (TooManyAttempts, SlowDown) as exc:
        db.rollback()
        response: Response = render(
            request, "auth/signin.html", {"error": exc.message, **form}, status_code=429
        )
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    db.commit()
    # Said without naming the other organization: only the one signed in to is known to be theirs.
    elsewhere = (
        "This email also has an account in another organization. To sign in there, sign out "
        "and name that organization under “Organization” on the sign-in page."
    )
    response = redirect(safe_next(next), elsewhere if signed.elsewhere else None)
    return signed_in_response(response, signed, secure=ctx.settings.cookie_secure, now=now)


@router.post("/signout")
def signout(request: Request, db: Db) -> Response:
    if token := request.cookies.get(SESSION_COOKIE):
        accounts.sign_out(db, token=token)
        db.commit()
    response = RedirectResponse("/signin?flash=You+are+signed+out.", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
