"""A request id for every request: echoed as ``X-Request-ID`` and stamped on its log records.

A reverse proxy or a client may send its own id (so one id follows a request across systems); it is
kept only when short and made of safe characters, since it goes into logs and a response header.
Anything else is replaced by a fresh random id rather than refused: the id is for tracing, never a
reason to turn a request away.

Pure ASGI, like the other middlewares, so streamed responses pass through untouched.
"""

from __future__ import annotations

import re
import uuid

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from askwell.core.logs import request_id_var

HEADER = "X-Request-ID"
MAX_LENGTH = 128
_VALID = re.compile(rf"[A-Za-z0-9._:-]{{1,{MAX_LENGTH}}}")


def accepted_id(value: str | None) -> str | None:
    """The incoming id when it is safe to log and echo, else None."""
    if value is None or not _VALID.fullmatch(value):
        return None
    return value


def new_id() -> str:
    return uuid.uuid4().hex


def _incoming(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            return bytes(value).decode("latin-1")
    return None


class RequestIdMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = accepted_id(_incoming(scope)) or new_id()
        scope.setdefault("state", {})["request_id"] = request_id
        # Each request runs in its own task (and sync routes in a copied context), so the value
        # never leaks into another request. It is deliberately not reset when the app raises: the
        # server-error handler that logs the exception runs after this call returns.
        request_id_var.set(request_id)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[HEADER] = request_id
            await send(message)

        await self.app(scope, receive, send_with_id)
