"""Liveness and readiness: public, uncached, and honest about what is missing."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from askwell import wiring
from askwell.core.config import Settings
from askwell.core.edges import Edges
from askwell.server import create_app


def test_healthz_answers_without_signing_in(client: TestClient) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}
    assert r.headers["cache-control"] == "no-store"


def test_readyz_on_a_migrated_database(client: TestClient) -> None:
    r = client.get("/readyz")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "ready"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["migrations"] == "ok"
    assert body["checks"]["model"] in ("injected", "loaded", "available")


def test_readyz_on_an_empty_database_says_migrations_are_pending(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    app = create_app(
        Settings(database_url=url, in_process_worker=False),
        session_factory=wiring.session_factory(create_engine(url), Edges()),
    )
    with TestClient(app) as c:
        r = c.get("/readyz")
    assert r.status_code == 503
    assert r.json()["checks"]["migrations"].startswith("pending")


def _app_on_a_missing_database(tmp_path: Path) -> TestClient:
    url = f"sqlite:///{tmp_path / 'missing-dir' / 'x.db'}"
    app = create_app(
        Settings(database_url=url, in_process_worker=False),
        session_factory=wiring.session_factory(create_engine(url), Edges()),
    )
    return TestClient(app)


def test_unreachable_database_is_not_ready_and_not_a_500(tmp_path: Path) -> None:
    with _app_on_a_missing_database(tmp_path) as c:
        r = c.get("/readyz")
    assert r.status_code == 503
    assert r.json()["checks"]["database"].startswith("unreachable")


def test_an_unreachable_database_does_not_make_the_process_unhealthy(tmp_path: Path) -> None:
    with _app_on_a_missing_database(tmp_path) as c:
        assert c.get("/healthz").status_code == 200
