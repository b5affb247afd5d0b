"""Live coaching writes nothing, so it must not wait for SQLite's write lock (issue 16).

Coaching is a POST (its input is the form) called on every pause in typing. A POST's transaction
took the write lock at BEGIN, so while anything else wrote (a sign-in hashing, the worker), live
coaching waited, and 50 people typing queued behind each other. Here another connection holds the
write lock while coaching is asked for, by the API and by the page; a route that takes the lock would
wait for SQLite's busy timeout and answer 503.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient

from askwell.accounts import service as accounts
from askwell.accounts.schemas import ApiTokenCreate
from askwell.accounts.secrets import ARGON2
from askwell.core.clock import FrozenClock
from askwell.core.config import Settings
from askwell.core.db import create_session_factory
from askwell.core.edges import Edges
from askwell.core.uow import unit_of_work
from askwell.people import service as people_service
from askwell.people.models import Role
from askwell.people.repository import actor_for
from askwell.people.schemas import OrganizationCreate, PersonCreate
from askwell.server import create_app
from tests.conftest import NOW, PASSWORD

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from tests.conftest import TestDatabase

COACH = {"title": "Review my launch plan", "body": "Could you read the plan and mark risks by Friday?"}
COACH_API = {"text": "Could you read my launch plan and mark the risks by Friday?"}


@dataclass
class Served:
    client: TestClient
    engine: Engine
    token: str


@pytest.fixture
def served(database: TestDatabase) -> Iterator[Served]:
    if database.dialect != "sqlite":
        pytest.skip("SQLite's single write lock; PostgreSQL readers never wait for writers")
    fresh = database.fresh()
    try:
        factory = create_session_factory(fresh.engine)
        with unit_of_work(factory) as db:
            org = people_service.create_organization(
                db, data=OrganizationCreate(name="Acme", slug="acme"), now=NOW
            )
            ada = people_service.add_person(
                db,
                org_id=org.id,
                data=PersonCreate(name="Ada", email="ada@example.com", role=Role.MEMBER),
                now=NOW,
                password_hash=ARGON2.hash(PASSWORD),
            )
            _, token = accounts.create_api_token(
                db, actor=actor_for(db, ada), data=ApiTokenCreate(name="probe"), now=NOW
            )
        settings = Settings(database_url=fresh.url, in_process_worker=False)
        app = create_app(settings, session_factory=factory, edges=Edges(clock=FrozenClock(NOW)))
        with TestClient(app, base_url="http://testserver", follow_redirects=False) as client:
            yield Served(client, fresh.engine, token)
    finally:
        fresh.drop()


@pytest.fixture
def write_lock(served: Served) -> Iterator[None]:
    """Another connection holds SQLite's write lock for the whole test."""
    raw = sqlite3.connect(str(served.engine.url.database), timeout=0, isolation_level=None)
    raw.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        raw.execute("ROLLBACK")
        raw.close()


def _sign_in(served: Served) -> None:
    served.client.get("/signin")
    csrf = served.client.cookies.get("askwell_csrf") or ""
    response = served.client.post(
        "/signin", data={"email": "ada@example.com", "password": PASSWORD, "csrf_token": csrf}
    )
    assert response.status_code == 303


class TestCoachingUnderAWriteLock:
    def test_the_lock_is_real(self, served: Served, write_lock: None) -> None:
        """A route that writes does wait and give up: the check below can fail."""
        response = served.client.post(
            "/api/v1/tokens",
            json={"name": "second"},
            headers={"Authorization": f"Bearer {served.token}"},
        )
        assert response.status_code == 503

    def test_api_coaching_answers(self, served: Served, write_lock: None) -> None:
        response = served.client.post(
            "/api/v1/coach", json=COACH_API, headers={"Authorization": f"Bearer {served.token}"}
        )
        assert response.status_code == 200
        assert response.json()["criteria"]

    def test_page_coaching_answers(self, served: Served) -> None:
        _sign_in(served)
        raw = sqlite3.connect(str(served.engine.url.database), timeout=0, isolation_level=None)
        raw.execute("BEGIN IMMEDIATE")
        try:
            csrf = served.client.cookies.get("askwell_csrf") or ""
            response = served.client.post("/asks/coach", data={**COACH, "csrf_token": csrf})
        finally:
            raw.execute("ROLLBACK")
            raw.close()
        assert response.status_code == 200
        assert "Specific" in response.text
