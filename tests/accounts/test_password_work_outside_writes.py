"""Argon2 never runs while a write transaction is open (issue 16: writes answered 503 from 50 users).

On SQLite a write transaction holds the database's only write lock, so a hash computed inside one
makes every other writer wait for it. The pages that hash or verify a password (sign-in, accepting an
invitation, resetting a password) run here on a committed database, with a ``Passwords`` edge that,
each time it is called, looks from its own connection for a transaction of the app: on SQLite it tries
to take the write lock without waiting; on PostgreSQL it looks for any other open transaction in the
database (stricter: reads included).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from askwell.accounts import service as accounts
from askwell.accounts.models import LoginFailure
from askwell.accounts.schemas import InvitationCreate
from askwell.accounts.secrets import ARGON2
from askwell.core.clock import FrozenClock
from askwell.core.config import Settings
from askwell.core.db import create_session_factory
from askwell.core.edges import Edges
from askwell.core.jobs import Job
from askwell.core.uow import unit_of_work
from askwell.people import service as people_service
from askwell.people.models import Role
from askwell.people.repository import actor_for
from askwell.people.schemas import OrganizationCreate, PersonCreate
from askwell.server import create_app
from tests.conftest import NOW, PASSWORD

if TYPE_CHECKING:
    from tests.conftest import TestDatabase


def app_transaction_open(engine: Engine) -> bool:
    """Whether another connection holds SQLite's write lock, or any open transaction on PostgreSQL."""
    if engine.dialect.name == "sqlite":
        raw = sqlite3.connect(str(engine.url.database), timeout=0, isolation_level=None)
        try:
            raw.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            assert "locked" in str(exc)
            return True
        else:
            raw.execute("ROLLBACK")
            return False
        finally:
            raw.close()
    with engine.connect() as conn:
        others = conn.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND xact_start IS NOT NULL"
            )
        )
        conn.rollback()
    return bool(others)


@dataclass
class ProbedPasswords:
    """Argon2id, recording for every call whether a transaction of the app was open at that moment."""

    engine: Engine
    calls: list[tuple[str, bool]] = field(default_factory=list)

    def hash(self, password: str) -> str:
        self.calls.append(("hash", app_transaction_open(self.engine)))
        return ARGON2.hash(password)

    def verify(self, stored: str | None, password: str) -> bool:
        self.calls.append(("verify", app_transaction_open(self.engine)))
        return ARGON2.verify(stored, password)

    def needs_rehash(self, stored: str) -> bool:
        return ARGON2.needs_rehash(stored)


@dataclass
class Committed:
    factory: sessionmaker[Session]
    probe: ProbedPasswords
    client: TestClient
    email: str
    invitation: str
    reset: str


@pytest.fixture
def committed(database: TestDatabase) -> Iterator[Committed]:
    fresh = database.fresh()
    try:
        factory = create_session_factory(fresh.engine)
        settings = Settings(database_url=fresh.url, in_process_worker=False)
        with unit_of_work(factory) as db:
            org = people_service.create_organization(
                db, data=OrganizationCreate(name="Acme", slug="acme"), now=NOW
            )
            admin = people_service.add_person(
                db,
                org_id=org.id,
                data=PersonCreate(name="Ada", email="ada@example.com", role=Role.ADMIN),
                now=NOW,
                password_hash=ARGON2.hash(PASSWORD),
            )
            _, invitation = accounts.invite(
                db,
                actor=actor_for(db, admin),
                data=InvitationCreate(email="neo@example.com", name="Neo"),
                settings=settings,
                now=NOW,
            )
            accounts.request_reset(db, email="ada@example.com", settings=settings, now=NOW)
            [body] = [p["body"] for p in db.scalars(select(Job.payload)) if "/reset/" in p.get("body", "")]
            reset = body.split("/reset/")[1].split()[0]
        probe = ProbedPasswords(fresh.engine)
        app = create_app(
            settings, session_factory=factory, edges=Edges(clock=FrozenClock(NOW), passwords=probe)
        )
        with TestClient(app, base_url="http://testserver", follow_redirects=False) as client:
            client.get("/signin")
            yield Committed(factory, probe, client, "ada@example.com", invitation, reset)
    finally:
        fresh.drop()


def _post(c: Committed, url: str, data: dict[str, str]) -> int:
    return c.client.post(
        url, data={**data, "csrf_token": c.client.cookies.get("askwell_csrf") or ""}
    ).status_code


def test_the_probe_sees_a_write_transaction(committed: Committed) -> None:
    """The check the page tests rely on can fail: a flushed write is seen."""
    with committed.factory() as db:
        db.add(LoginFailure(key="email:probe@example.com", at=NOW))
        db.flush()
        assert committed.probe.verify(None, "anything") is False
        db.rollback()
    assert committed.probe.calls == [("verify", True)]


def test_sign_in_verifies_with_no_transaction_open(committed: Committed) -> None:
    wrong = _post(committed, "/signin", {"email": committed.email, "password": "not the password"})
    right = _post(committed, "/signin", {"email": committed.email, "password": PASSWORD})
    unknown = _post(committed, "/signin", {"email": "ghost@example.com", "password": PASSWORD})

    assert (wrong, right, unknown) == (401, 303, 401)
    # Exactly one hash checked per attempt, each with nothing of the app's open.
    assert committed.probe.calls == [("verify", False)] * 3


def test_accepting_an_invitation_hashes_with_no_transaction_open(committed: Committed) -> None:
    status = _post(
        committed, f"/invite/{committed.invitation}", {"name": "Neo", "password": PASSWORD, "timezone": "UTC"}
    )

    assert status == 303
    assert committed.probe.calls == [("hash", False)]


def test_resetting_a_password_hashes_with_no_transaction_open(committed: Committed) -> None:
    new = "a brand new secret"
    status = _post(committed, f"/reset/{committed.reset}", {"password": new, "confirm": new})
    signed_in = _post(committed, "/signin", {"email": committed.email, "password": new})

    assert (status, signed_in) == (303, 303)
    assert committed.probe.calls == [("hash", False), ("verify", False)]


def test_a_dead_reset_link_costs_no_hash(committed: Committed) -> None:
    new = "a brand new secret"
    status = _post(committed, "/reset/not-a-real-token", {"password": new, "confirm": new})

    assert status == 404
    assert committed.probe.calls == []
