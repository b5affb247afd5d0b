"""Sign-in and sign-out pages."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from askwell.accounts import service as accounts
from askwell.accounts.errors import BadCredentials, TooManyAttempts
from askwell.http.deps import SESSION_COOKIE, Ctx, Db, Now, OptionalPerson, client_address
from askwell.web.templating import render

router = APIRouter()


def safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect would let a phishing link borrow our sign-in page."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


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
    return render(request, "auth/signin.html", {"next": safe_next(next), "email": ""})


@router.post("/signin")
def signin(
    request: Request,
    db: Db,
    ctx: Ctx,
    now: Now,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1024)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    client = client_address(request)
    try:
        signed = accounts.sign_in(
            db, email=email, password=password, client=client, settings=ctx.settings, now=now
        )
    except BadCredentials as exc:
        accounts.record_failure(db, email=email, client=client, now=now)
        db.commit()
        return render(
            request,
            "auth/signin.html",
            {"error": exc.message, "email": email, "next": safe_next(next)},
            status_code=401,
        )
    except TooManyAttempts as exc:
        return render(
            request,
            "auth/signin.html",
            {"error": exc.message, "email": email, "next": safe_next(next)},
            status_code=429,
        )
    db.commit()
    response = RedirectResponse(safe_next(next), status_code=303)
    set_session_cookie(response, signed, secure=ctx.settings.cookie_secure, now=now)
    return response


@router.post("/signout")
def signout(request: Request, db: Db) -> Response:
    if token := request.cookies.get(SESSION_COOKIE):
        accounts.sign_out(db, token=token)
        db.commit()
    response = RedirectResponse("/signin?flash=You+are+signed+out.", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
