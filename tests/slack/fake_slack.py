"""A local stand-in for ``slack.com/api/*``: a small ASGI app served by uvicorn on 127.0.0.1 in a
thread, answering the methods Askwell calls as Slack does (``{"ok": true, ...}`` or ``{"ok": false,
"error": ...}``, HTTP 429 with ``Retry-After`` when rate limited). It records every call, and tests
script its answers: users by email, revoked tokens, a number of 429s."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import uvicorn

BOT_TOKEN = "xoxb-fake-bot-token-0001"
# A bound on the server's start (it starts at once; a hang must fail the test, not block it).
START_WAIT = 10.0


@dataclass
class Called:
    method: str
    token: str | None
    args: dict[str, Any]


@dataclass
class FakeSlack:
    url: str = ""
    calls: list[Called] = field(default_factory=list)
    team_id: str = "T0ACME"
    team_name: str = "Acme"
    #: email → Slack user (as users.lookupByEmail answers it).
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: codes oauth.v2.access accepts.
    codes: set[str] = field(default_factory=lambda: {"good-code"})
    revoked: bool = False
    #: how many of the next calls answer 429, and with which Retry-After.
    rate_limited: int = 0
    retry_after: int = 7

    def add_user(self, email: str, user_id: str, **extra: Any) -> None:
        self.users[email] = {"id": user_id, "team_id": self.team_id, "profile": {"email": email}, **extra}

    def methods(self) -> list[str]:
        return [c.method for c in self.calls]

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        method = scope["path"].removeprefix("/api/")
        if headers.get("content-type", "").startswith("application/json"):
            args = json.loads(body or b"{}")
        else:
            args = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        auth = headers.get("authorization", "")
        token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else None
        if auth.startswith("Basic "):  # oauth.v2.access: the client's id and secret, HTTP basic
            client_id, _, secret = base64.b64decode(auth.removeprefix("Basic ")).decode().partition(":")
            args.setdefault("client_id", client_id)
            args.setdefault("client_secret", secret)
        self.calls.append(Called(method, token, args))
        status, answer, extra = self.answer(method, token, args)
        payload = json.dumps(answer).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"application/json"), *extra],
            }
        )
        await send({"type": "http.response.body", "body": payload})

    def answer(
        self, method: str, token: str | None, args: dict[str, Any]
    ) -> tuple[int, dict[str, Any], list]:
        if method == "oauth.v2.access":
            if args.get("code") not in self.codes or args.get("client_secret") != "slack-client-secret":
                return 200, {"ok": False, "error": "invalid_code"}, []
            return (
                200,
                {
                    "ok": True,
                    "access_token": BOT_TOKEN,
                    "token_type": "bot",
                    "scope": "commands,chat:write,users:read,users:read.email",
                    "bot_user_id": "UBOT",
                    "app_id": "AFAKE",
                    "team": {"id": self.team_id, "name": self.team_name},
                },
                [],
            )
        if self.rate_limited > 0:
            self.rate_limited -= 1
            return (
                429,
                {"ok": False, "error": "ratelimited"},
                [(b"retry-after", str(self.retry_after).encode())],
            )
        if token != BOT_TOKEN:
            return 200, {"ok": False, "error": "not_authed" if not token else "invalid_auth"}, []
        if self.revoked:
            return 200, {"ok": False, "error": "token_revoked"}, []
        if method == "auth.test":
            return 200, {"ok": True, "team_id": self.team_id, "user_id": "UBOT"}, []
        if method == "users.lookupByEmail":
            user = self.users.get(str(args.get("email", "")))
            if user is None:
                return 200, {"ok": False, "error": "users_not_found"}, []
            return 200, {"ok": True, "user": user}, []
        if method == "views.open":
            if not args.get("trigger_id"):
                return 200, {"ok": False, "error": "invalid_trigger_id"}, []
            return 200, {"ok": True, "view": {"id": "VFAKE", **args.get("view", {})}}, []
        if method == "views.update":
            if not args.get("view_id"):
                return 200, {"ok": False, "error": "not_found"}, []
            return 200, {"ok": True, "view": {"id": args["view_id"], **args.get("view", {})}}, []
        if method == "views.publish":
            return 200, {"ok": True, "view": {"id": "VHOME", **args.get("view", {})}}, []
        if method == "chat.postMessage":
            return 200, {"ok": True, "channel": "DFAKE", "ts": f"1700000000.{len(self.calls):06d}"}, []
        if method == "chat.update":
            return 200, {"ok": True, "channel": args.get("channel"), "ts": args.get("ts")}, []
        return 200, {"ok": False, "error": "unknown_method"}, []


@contextmanager
def fake_slack() -> Iterator[FakeSlack]:
    state = FakeSlack()
    config = uvicorn.Config(state, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    started = threading.Event()

    def wait() -> bool:
        return server.started

    # uvicorn sets ``started`` once it listens; poll its flag with a bounded wait.
    for _ in range(int(START_WAIT / 0.01)):
        if wait():
            started.set()
            break
        started.wait(0.01)
    assert server.started, "the fake Slack did not start"
    port = server.servers[0].sockets[0].getsockname()[1]
    state.url = f"http://127.0.0.1:{port}/api/"
    try:
        yield state
    finally:
        server.should_exit = True
        thread.join(timeout=START_WAIT)
