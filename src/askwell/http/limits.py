"""A ceiling on request bodies, counted as the body streams in (declared or chunked).

Pure ASGI rather than ``BaseHTTPMiddleware``: it wraps ``receive`` so that a body sent without a
``Content-Length`` (chunked transfer encoding) is counted too, and the route reading it fails at
the first byte past the limit instead of after the whole body has been buffered.
"""

from __future__ import annotations

import json
import math

import anyio
import anyio.to_thread
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Forms and JSON are small; the largest legitimate body is a CSV upload, limited by settings.
SLACK_BYTES = 64 * 1024


class BodyTooLarge(HTTPException):
    """Raised inside the app by the counting ``receive``; rendered as a 413 by the app's handlers.

    It is an ``HTTPException`` so that FastAPI's body parsing lets it through unchanged instead of
    turning it into a 400 "error parsing the body".
    """

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=too_large_message(limit))


def too_large_message(limit: int) -> str:
    return f"The request is too large (more than {limit // 1024} KiB)."


class BodySizeLimitMiddleware:
    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes + SLACK_BYTES

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._refuse(scope, send)
            return

        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            # Raised where no handler turned it into a response (a read outside a route).
            if started:
                raise
            await self._refuse(scope, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        message = too_large_message(self.max_bytes)
        if str(scope.get("path", "")).startswith("/api/"):
            body = json.dumps({"error": "RequestTooLarge", "detail": message}).encode()
            content_type = b"application/json"
        else:
            body = message.encode()
            content_type = b"text/plain; charset=utf-8"
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", content_type),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            raw = value.decode("latin-1").strip()
            return int(raw) if raw.isascii() and raw.isdigit() else None
    return None


def cap_request_threads(connections: int | None) -> int:
    """Run at most ``connections`` sync routes at once in this event loop, and return the cap.

    Sync routes run in anyio's thread pool (40 threads by default), each holding a database
    connection for the request. With fewer connections than threads, a burst parked the extra
    threads on the pool, which timed out after 30 s with a 500; capped, the extra requests wait for a
    thread instead, in order, and never for a connection. Called at startup, inside the loop (the
    limiter belongs to the running loop).
    """
    limiter = anyio.to_thread.current_default_thread_limiter()
    if connections is not None and connections < limiter.total_tokens:
        limiter.total_tokens = max(1, connections)
    return int(limiter.total_tokens)


BUSY_MESSAGE = "The server is busy. Please try again in a moment."


class ConcurrencyLimitMiddleware:
    """At most ``limit`` requests at once in this process: each may hold a database connection.

    A request holds its connection from its first dependency to its last, across several hops to the
    thread pool, so capping threads alone does not bound connections: with more requests in flight
    than connections, requests that held one waited for a thread while threads waited for a
    connection, until the pool gave up after 30 s with a 500. Here the extra requests wait, in order,
    before they start; one that waits longer than ``wait_s`` gets a 503 with ``Retry-After``.
    Static files, ``/healthz`` and event streams (long-lived, and not holding a connection) pass.
    """

    def __init__(self, app: ASGIApp, *, limit: int | None, wait_s: float = 10.0) -> None:
        self.app = app
        self.limit = limit
        self.wait_s = wait_s
        self._slots: anyio.Semaphore | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.limit is None or _exempt(scope):
            await self.app(scope, receive, send)
            return
        if self._slots is None:
            self._slots = anyio.Semaphore(self.limit)
        slots = self._slots
        acquired = False
        with anyio.move_on_after(self.wait_s):
            await slots.acquire()
            acquired = True
        if not acquired:
            await _busy(scope, send, retry_after=max(1, math.ceil(self.wait_s / 5)))
            return
        try:
            await self.app(scope, receive, send)
        finally:
            slots.release()


def _exempt(scope: Scope) -> bool:
    path = str(scope.get("path", ""))
    if path.startswith("/static/") or path == "/healthz":
        return True
    return any(
        name == b"accept" and b"text/event-stream" in value for name, value in scope.get("headers", ())
    )


async def _busy(scope: Scope, send: Send, *, retry_after: int) -> None:
    if str(scope.get("path", "")).startswith("/api/"):
        body = json.dumps({"error": "ServiceUnavailable", "detail": BUSY_MESSAGE}).encode()
        content_type = b"application/json"
    else:
        body = BUSY_MESSAGE.encode()
        content_type = b"text/plain; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": 503,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
                (b"retry-after", str(retry_after).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
