"""Signed-in people using Askwell: a weighted mix of pages, live coaching and /api/v1 reads and writes.

Run by ``benchmarks/load/run.py`` (``make load``), which prepares the database and hands over the
accounts in ``ASKWELL_LOAD_ACCOUNTS`` (a JSON file: ``{"members": [...], "admins": [...], "password"}``).
Each simulated person signs in once through the form (as a browser does: the page, then the post
with the CSRF field), then browses with a think time of 1 to 4 s between requests. Weights follow
what people do most: read the board and asks, look people up, check the inbox; write less often.

Every status of 500 or more is a failure, and so is any unexpected 4xx. Expected refusals (an offer
on an ask that closed meanwhile, say) are named and counted as successes under their own name.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import threading
from pathlib import Path
from typing import Any

from locust import HttpUser, between, task
from locust.exception import StopUser

_ACCOUNTS: dict[str, Any] = json.loads(Path(os.environ["ASKWELL_LOAD_ACCOUNTS"]).read_text())
_PASSWORD: str = _ACCOUNTS["password"]
_LOCK = threading.Lock()
_MEMBERS = itertools.cycle(_ACCOUNTS["members"])
_ADMINS = itertools.cycle(_ACCOUNTS["admins"])

COACH_TEXTS = [
    "I need help with the quarterly report, it's due soon",
    "Could someone review my PostgreSQL migration plan before Friday? About 2 hours. "
    "It unblocks the billing release.",
    "Looking for an intro to someone who knows accessibility testing for our signup form",
    "help with python",
]


def _next_account(pool: itertools.cycle[str]) -> str:
    with _LOCK:
        return next(pool)


class _Person(HttpUser):
    abstract = True
    # Under uvicorn's 5 s keep-alive: an idle connection reused just as the server closes it is reset.
    wait_time = between(1, 4)
    accounts: itertools.cycle[str] = _MEMBERS

    def on_start(self) -> None:
        self.email = _next_account(self.accounts)
        # A busy server answers 503 + Retry-After: a browser's person tries again, a few times.
        for _ in range(3):
            if self._sign_in():
                break
        else:
            raise StopUser()
        self.csrf = self.client.cookies.get("askwell_csrf", "")
        me = self.client.get("/api/v1/me", name="GET /api/v1/me").json()
        self.me_id = int(me["id"])
        self.open_asks: list[dict[str, Any]] = []
        self.my_asks: list[int] = []
        self.people: list[int] = []
        self._refresh_board()

    def _sign_in(self) -> bool:
        self.client.get("/signin", name="GET /signin")
        csrf = self.client.cookies.get("askwell_csrf", "")
        with self.client.post(
            "/signin",
            data={"email": self.email, "password": _PASSWORD, "next": "/", "csrf_token": csrf},
            name="POST /signin",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 303 or "askwell_session" not in self.client.cookies:
                response.failure(f"sign-in answered {response.status_code} without a session")
                return False
            response.success()
            return True

    # Helpers ---------------------------------------------------------------------------------

    def _api_headers(self) -> dict[str, str]:
        return {"X-CSRF-Token": self.csrf}

    def _refresh_board(self) -> None:
        response = self.client.get("/api/v1/asks?scope=open&limit=50", name="GET /api/v1/asks")
        if response.ok:
            self.open_asks = response.json()["items"]

    def _some_ask(self) -> int | None:
        return random.choice(self.open_asks)["id"] if self.open_asks else None

    # Pages -----------------------------------------------------------------------------------

    @task(10)
    def board(self) -> None:
        self.client.get("/", name="GET / (board)")

    @task(4)
    def asks_list(self) -> None:
        self.client.get("/asks", name="GET /asks")

    @task(10)
    def ask_page(self) -> None:
        if (ask_id := self._some_ask()) is not None:
            self.client.get(f"/asks/{ask_id}", name="GET /asks/{id}")

    @task(5)
    def directory(self) -> None:
        query = random.choice(["", "", "data", "design", "python"])
        self.client.get(f"/people?q={query}", name="GET /people")

    @task(2)
    def person_page(self) -> None:
        if not self.people:
            response = self.client.get("/api/v1/people?limit=50", name="GET /api/v1/people")
            if response.ok:
                self.people = [p["id"] for p in response.json()["items"]]
        if self.people:
            self.client.get(f"/people/{random.choice(self.people)}", name="GET /people/{id}")

    @task(4)
    def inbox(self) -> None:
        self.client.get("/inbox", name="GET /inbox")

    @task(2)
    def suggestions(self) -> None:
        if self.my_asks:
            self.client.get(
                f"/asks/{random.choice(self.my_asks)}/suggestions", name="GET /asks/{id}/suggestions"
            )

    # Live coaching and the API ---------------------------------------------------------------

    @task(4)
    def coaching(self) -> None:
        self.client.post(
            "/api/v1/coach",
            json={"text": random.choice(COACH_TEXTS)},
            headers=self._api_headers(),
            name="POST /api/v1/coach",
        )

    @task(4)
    def api_reads(self) -> None:
        choice = random.random()
        if choice < 0.4:
            self._refresh_board()
        elif choice < 0.6:
            self.client.get("/api/v1/notifications", name="GET /api/v1/notifications")
        elif choice < 0.8:
            self.client.get("/api/v1/people?q=data", name="GET /api/v1/people")
        elif (ask_id := self._some_ask()) is not None:
            self.client.get(f"/api/v1/asks/{ask_id}", name="GET /api/v1/asks/{id}")

    @task(1)
    def write_ask(self) -> None:
        response = self.client.post(
            "/api/v1/asks",
            json={
                "title": f"Load test: a second pair of eyes on {random.choice(['a query', 'a plan', 'a deck'])}",
                "what": "Review it and point out what is unclear.",
                "why": "It unblocks the next release.",
                "action": "Comment on the document.",
                "effort_hours": 1,
                "tags": ["review"],
            },
            headers=self._api_headers(),
            name="POST /api/v1/asks",
        )
        if response.status_code == 201:
            self.my_asks.append(int(response.json()["id"]))

    @task(1)
    def offer(self) -> None:
        others = [a for a in self.open_asks if a["author"]["id"] != self.me_id]
        if not others:
            return
        ask = random.choice(others)
        with self.client.post(
            f"/api/v1/asks/{ask['id']}/offers",
            json={"kind": "advise", "message": "Happy to take a look this week."},
            headers=self._api_headers(),
            name="POST /api/v1/asks/{id}/offers",
            catch_response=True,
        ) as response:
            if response.status_code in (200, 201):
                response.success()
            elif response.status_code == 409:
                # Already offered, or the ask closed meanwhile: the app's answer, not a failure.
                response.success()
                self.open_asks = [a for a in self.open_asks if a["id"] != ask["id"]]
            else:
                response.failure(f"offer answered {response.status_code}")


class Member(_Person):
    weight = 9
    accounts = _MEMBERS


class Admin(_Person):
    weight = 1
    accounts = _ADMINS

    @task(2)
    def admin_page(self) -> None:
        self.client.get("/admin", name="GET /admin")
