"""When the database fails under a request: a clear answer, nothing half-written, and recovery.

SQLite out of space (``PRAGMA max_page_count``) and a PostgreSQL connection killed in the middle of
a request (``pg_terminate_backend``), each against the real app and a real database.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select, text
from starlette.responses import Response

from askwell import wiring
from askwell.accounts import service as accounts
from askwell.accounts.schemas import ApiTokenCreate
from askwell.asks.models import Ask
from askwell.core.clock import FrozenClock
from askwell.core.config import Settings
from askwell.core.db import create_db_engine
from askwell.core.edges import Edges
from askwell.core.uow import unit_of_work
from askwell.http.deps import Db
from askwell.people import service as people_service
from askwell.people.repository import actor_for
from askwell.people.schemas import OrganizationCreate, PersonCreate
from askwell.server import create_app
from tests.conftest import NOW

if TYPE_CHECKING:
    from tests.conftest import TestDatabase

ASK = {"title": "Review the retry logic in PR 4412", "body": "It blocks the payments release. " * 20}


@pytest.fixture
def committed(database: TestDatabase) -> Iterator[TestDatabase]:
    fresh = database.fresh()
    try:
        yield fresh
    finally:
        fresh.drop()


def _token(committed: TestDatabase) -> str:
    with unit_of_work(wiring.session_factory(committed.engine, Edges())) as db:
        org = people_service.create_organization(
            db, data=OrganizationCreate(name="Acme", slug="acme"), now=NOW
        )
        person = people_service.add_person(
            db, org_id=org.id, data=PersonCreate(name="Ada", email="ada@example.com"), now=NOW
        )
        _, token = accounts.create_api_token(
            db, actor=actor_for(db, person), data=ApiTokenCreate(name="t"), now=NOW
        )
    return token


def _asks(engine_url: str) -> int:
    engine = create_db_engine(engine_url)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(Ask)) or 0)
    finally:
        engine.dispose()


@pytest.mark.skipif(bool(os.environ.get("ASKWELL_TEST_DATABASE_URL")), reason="SQLite's page limit")
def test_sqlite_out_of_space_answers_clearly_and_keeps_the_file_sound(committed: TestDatabase) -> None:
    token = _token(committed)
    with committed.engine.connect() as conn:
        pages = int(conn.exec_driver_sql("PRAGMA page_count").scalar() or 0)
    engine = create_db_engine(committed.url)

    @event.listens_for(engine, "connect")
    def _small_disk(dbapi_connection: object, _record: object) -> None:
        cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
        cursor.execute(f"PRAGMA max_page_count = {pages + 8}")
        cursor.close()

    app = create_app(
        Settings(database_url=committed.url, in_process_worker=False),
        session_factory=wiring.session_factory(engine, Edges()),
        edges=Edges(clock=FrozenClock(NOW)),
    )
    statuses: list[int] = []
    with TestClient(app, raise_server_exceptions=False) as client:
        for _ in range(200):  # bounded: the disk fills within a few dozen asks
            r = client.post("/api/v1/asks", json=ASK, headers={"Authorization": f"Bearer {token}"})
            statuses.append(r.status_code)
            if r.status_code != 201:
                break
        assert statuses[-1] == 503, statuses
        assert "out of space" in r.json()["detail"]
        assert r.headers["Retry-After"] == "60"
        assert client.get("/healthz").status_code == 200
    engine.dispose()
    assert 500 not in statuses
    with committed.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    assert _asks(committed.url) == statuses.count(201)


@pytest.mark.postgres_only
@pytest.mark.skipif(not os.environ.get("ASKWELL_TEST_DATABASE_URL"), reason="a PostgreSQL backend to kill")
def test_a_connection_killed_mid_request_fails_cleanly_and_the_pool_recovers(committed: TestDatabase) -> None:
    token = _token(committed)
    engine = create_db_engine(committed.url)
    app = create_app(
        Settings(database_url=committed.url, in_process_worker=False),
        session_factory=wiring.session_factory(engine, Edges()),
        edges=Edges(clock=FrozenClock(NOW)),
    )

    @app.post("/__tests__/write-then-lose-the-connection")
    def write_then_lose(db: Db) -> Response:
        db.execute(text("UPDATE organizations SET name = 'Half-written'"))
        # The server ends this very session, as a restart or an administrator would.
        db.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
        db.commit()
        return Response("committed")

    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(app, raise_server_exceptions=False) as client:
        r = client.post("/__tests__/write-then-lose-the-connection", headers=headers)
        assert r.status_code == 503, r.text
        assert "connection to the database was lost" in r.text
        # The pool has dropped the dead connection: the next requests work.
        for _ in range(3):
            assert client.get("/api/v1/me", headers=headers).status_code == 200
            assert client.post("/api/v1/asks", json=ASK, headers=headers).status_code == 201
    engine.dispose()
    with committed.engine.connect() as conn:
        assert conn.scalar(text("SELECT name FROM organizations")) == "Acme"
    assert _asks(committed.url) == 3
