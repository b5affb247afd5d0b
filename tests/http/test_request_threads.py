"""An app process runs no more request threads than its database pool has connections."""

from __future__ import annotations

from pathlib import Path

import anyio.to_thread
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from askwell.core.config import Settings
from askwell.core.db import create_session_factory, pool_capacity
from askwell.server import create_app


def _limit(client: TestClient) -> int:
    def read() -> int:
        return int(anyio.to_thread.current_default_thread_limiter().total_tokens)

    assert client.portal is not None
    return client.portal.call(read)


def test_request_threads_are_capped_to_the_pool(tmp_path: Path) -> None:
    # A pool of 3 + 2 connections, well under anyio's 40 threads.
    engine = create_engine(f"sqlite:///{tmp_path}/threads.db", pool_size=3, max_overflow=2)
    assert pool_capacity(engine) == 5
    app = create_app(
        Settings(database_url=str(engine.url), in_process_worker=False),
        session_factory=create_session_factory(engine),
    )
    try:
        with TestClient(app) as client:
            assert _limit(client) == 5
            assert app.state.request_threads == 5
    finally:
        engine.dispose()


def test_a_shared_connection_leaves_the_default(tmp_path: Path) -> None:
    # In-memory SQLite shares one connection between threads: no pool to match, the default stays.
    engine = create_engine("sqlite://")
    assert pool_capacity(engine) is None
    app = create_app(
        Settings(database_url="sqlite://", in_process_worker=False),
        session_factory=create_session_factory(engine),
    )
    try:
        with TestClient(app) as client:
            assert _limit(client) == 40
    finally:
        engine.dispose()
