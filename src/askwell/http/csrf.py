"""CSRF protection by double submit: a random cookie that forms and htmx must echo back.

Every page response carries the ``askwell_csrf`` cookie (HttpOnly, SameSite=Lax); templates put
the same value in a hidden ``csrf_token`` field and in ``hx-headers``. An unsafe request that is
authenticated by cookie (every page form, and API calls made from pages) must echo it; API calls
with a bearer token are exempt because a browser never attaches one by itself.
"""

from __future__ import annotations

import secrets

from fastapi import Request
from starlette.datastructures import FormData
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.responses import Response

from askwell.core.errors import PermissionDenied

CSRF_COOKIE = "askwell_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CsrfFailed(PermissionDenied):
    def __init__(self) -> None:
        super().__init__("The form expired or came from another site. Reload the page and try again.")


class CsrfCookieMiddleware(BaseHTTPMiddleware):
    """Makes sure each browser has a CSRF cookie and that templates can read its value."""

    def __init__(self, app: object, *, secure: bool) -> None:
        super().__init__(app)  # type: ignore[arg-type]
        self.secure = secure

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        existing = request.cookies.get(CSRF_COOKIE)
        request.state.csrf_token = existing or secrets.token_urlsafe(32)
        response = await call_next(request)
        if existing is None:
            response.set_cookie(
                CSRF_COOKIE,
                request.state.csrf_token,
                httponly=True,
                samesite="lax",
                secure=self.secure,
                path="/",
            )
        return response


async def csrf_protect(request: Request) -> None:
    """Router dependency: reject unsafe cookie-authenticated requests that do not echo the token."""
    if request.method in SAFE_METHODS:
        return
    if request.headers.get("authorization", "").lower().startswith("bearer "):
        return
    expected = request.cookies.get(CSRF_COOKIE)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form: FormData = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not expected or not sent or not secrets.compare_digest(expected, sent):
        raise CsrfFailed()
