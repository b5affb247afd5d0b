"""CSRF protection by double submit: a random cookie that forms and htmx must echo back.

Every page response carries the ``askwell_csrf`` cookie (HttpOnly, SameSite=Lax); templates put
the same value in a hidden ``csrf_token`` field and in ``hx-headers``. An unsafe request that is
authenticated by cookie (every page form, and API calls made from pages) must echo it; API calls
with a bearer token are exempt because a browser never attaches one by itself.
"""

from __future__ import annotations

import secrets

from fastapi import Request
from starlette.datastructures import FormData, MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from askwell.core.errors import PermissionDenied

CSRF_COOKIE = "askwell_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CsrfFailed(PermissionDenied):
    def __init__(self) -> None:
        super().__init__("The form expired or came from another site. Reload the page and try again.")


class CsrfCookieMiddleware:
    """Makes sure each browser has a CSRF cookie and that templates can read its value.

    Pure ASGI: it reads the cookie from the scope, puts the token in ``request.state`` and adds the
    cookie to the ``http.response.start`` message, so request bodies and streamed responses pass
    through untouched.
    """

    def __init__(self, app: ASGIApp, *, secure: bool) -> None:
        self.app = app
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        existing = Request(scope).cookies.get(CSRF_COOKIE)
        token = existing or secrets.token_urlsafe(32)
        scope.setdefault("state", {})["csrf_token"] = token

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and existing is None:
                cookie = Response()
                cookie.set_cookie(
                    CSRF_COOKIE, token, httponly=True, samesite="lax", secure=self.secure, path="/"
                )
                headers = MutableHeaders(scope=message)
                for name, value in cookie.raw_headers:
                    if name == b"set-cookie":
                        headers.append("set-cookie", value.decode("latin-1"))
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, or None (no header, another scheme,
    or an empty value)."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


async def csrf_protect(request: Request) -> None:
    """Router dependency: reject unsafe cookie-authenticated requests that do not echo the token.

    Only a request that carries a real bearer token is exempt, and such a request is authenticated by
    that token alone (``http.deps.optional_person`` never falls back to the cookie when an
    Authorization header is present), so the exemption can never cover a cookie-authenticated write.
    """
    if request.method in SAFE_METHODS:
        return
    if bearer_token(request) is not None:
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
