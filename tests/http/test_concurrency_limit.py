"""Requests past the number of database connections wait their turn, then get a 503 with Retry-After."""

from __future__ import annotations

import anyio
from starlette.types import Message, Receive, Scope, Send

from askwell.http.limits import ConcurrencyLimitMiddleware


def _scope(path: str, *, accept: bytes = b"text/html") -> Scope:
    return {"type": "http", "method": "GET", "path": path, "headers": [(b"accept", accept)]}


async def _call(app: ConcurrencyLimitMiddleware, scope: Scope) -> list[Message]:
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent


def test_a_request_past_the_limit_waits_then_gets_a_503() -> None:
    release = anyio.Event()
    started = anyio.Event()

    async def slow(scope: Scope, receive: Receive, send: Send) -> None:
        started.set()
        await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    app = ConcurrencyLimitMiddleware(slow, limit=1, wait_s=0.05)

    async def main() -> tuple[list[Message], list[Message], list[Message]]:
        first: list[Message] = []
        async with anyio.create_task_group() as tg:

            async def run_first() -> None:
                first.extend(await _call(app, _scope("/asks")))

            tg.start_soon(run_first)
            await started.wait()
            refused = await _call(app, _scope("/api/v1/asks"))
            # Event streams and the liveness probe are not counted: they pass while the slot is taken.
            release_stream = await _call(ConcurrencyLimitMiddleware(_ok, limit=1), _scope("/healthz"))
            release.set()
        return first, refused, release_stream

    first, refused, passed = anyio.run(main)
    assert first[0]["status"] == 200
    assert refused[0]["status"] == 503
    assert (b"retry-after", b"1") in refused[0]["headers"]
    assert b"ServiceUnavailable" in refused[1]["body"]
    assert passed[0]["status"] == 200


def test_exempt_requests_pass_while_every_slot_is_taken() -> None:
    async def main() -> list[Message]:
        app = ConcurrencyLimitMiddleware(_ok, limit=1, wait_s=0.05)
        assert app._slots is None
        await _call(app, _scope("/asks"))  # creates the slots
        assert app._slots is not None
        await app._slots.acquire()  # the one slot is now taken
        stream = await _call(app, _scope("/inbox/stream", accept=b"text/event-stream"))
        health = await _call(app, _scope("/healthz"))
        page = await _call(app, _scope("/asks"))
        return [stream[0], health[0], page[0]]

    stream, health, page = anyio.run(main)
    assert stream["status"] == 200 and health["status"] == 200
    assert page["status"] == 503


async def _ok(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})
