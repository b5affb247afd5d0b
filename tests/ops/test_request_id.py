"""Request ids: one per request, echoed in X-Request-ID, on every log record the request writes."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from askwell import wiring
from askwell.core.config import Settings
from askwell.core.edges import Edges
from askwell.core.logs import configure_logging, make_handler
from askwell.http.metrics import REGISTRY
from askwell.http.request_id import MAX_LENGTH, RequestIdMiddleware, accepted_id
from askwell.server import create_app

if TYPE_CHECKING:
    from tests.conftest import TestDatabase

log = logging.getLogger("askwell.tests.request_id")


class TestOnTheApp:
    def test_a_fresh_id_when_none_is_sent(self, client: TestClient) -> None:
        first = client.get("/healthz").headers["x-request-id"]
        second = client.get("/healthz").headers["x-request-id"]
        assert len(first) == 32 and first != second

    def test_a_valid_incoming_id_is_kept(self, client: TestClient) -> None:
        r = client.get("/signin", headers={"X-Request-ID": "proxy-7f3a.01:abc_DEF"})
        assert r.headers["x-request-id"] == "proxy-7f3a.01:abc_DEF"

    @pytest.mark.parametrize(
        "sent", [b"", b"a b", b"x" * (MAX_LENGTH + 1), b"id<script>", b"tab\tin", "é".encode(), b"a;b=c"]
    )
    def test_an_unsafe_incoming_id_is_replaced(self, client: TestClient, sent: bytes) -> None:
        r = client.get("/healthz", headers={"X-Request-ID": sent})
        assert r.status_code == 200
        assert r.headers["x-request-id"].encode() != sent
        assert accepted_id(r.headers["x-request-id"]) == r.headers["x-request-id"]

    def test_errors_and_refusals_carry_it_too(self, client: TestClient) -> None:
        assert client.get("/no/such/page").headers["x-request-id"]
        assert client.post("/signin", data={}).headers["x-request-id"]


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """Log records of the ``askwell`` logger as JSON lines, as ASKWELL_LOG_FORMAT=json writes them."""
    stream = io.StringIO()
    logger = logging.getLogger("askwell")
    handler = make_handler("json", stream)
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield stream
    logger.removeHandler(handler)
    logger.setLevel(level)


def _lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


@pytest.fixture
def small_app() -> FastAPI:
    app = FastAPI()
    app.add_middleware(RequestIdMiddleware)

    @app.get("/sync")
    def sync_route() -> dict[str, str]:  # runs in the thread pool
        log.info("in a sync route")
        return {}

    @app.get("/async")
    async def async_route() -> dict[str, str]:
        log.warning("in an async route")
        return {}

    return app


class TestLogRecords:
    def test_json_lines_carry_the_request_id(self, small_app: FastAPI, captured: io.StringIO) -> None:
        with TestClient(small_app) as c:
            sync_id = c.get("/sync", headers={"X-Request-ID": "req-1"}).headers["x-request-id"]
            async_id = c.get("/async").headers["x-request-id"]

        lines = _lines(captured)
        assert [(line["message"], line["request_id"]) for line in lines] == [
            ("in a sync route", "req-1"),
            ("in an async route", async_id),
        ]
        assert sync_id == "req-1"
        assert set(lines[0]) >= {"time", "level", "logger", "message", "request_id"}
        assert lines[1]["level"] == "WARNING"
        assert lines[1]["logger"] == "askwell.tests.request_id"

    def test_outside_a_request_the_id_is_null(self, captured: io.StringIO) -> None:
        log.info("from a job")
        assert _lines(captured)[0]["request_id"] is None

    def test_exceptions_are_one_line(self, captured: io.StringIO) -> None:
        try:
            raise ValueError("boom")
        except ValueError:
            log.exception("failed")
        (line,) = _lines(captured)
        assert "ValueError: boom" in str(line["exception"])


class TestConfigureLogging:
    def test_text_format_names_the_request_id_and_configuring_twice_does_not_double(self) -> None:
        logger = logging.getLogger("askwell")
        saved = list(logger.handlers)
        for h in saved:
            logger.removeHandler(h)
        stream = io.StringIO()
        try:
            configure_logging("json", stream=stream)
            configure_logging("text", stream=stream)
            log.info("hello")
        finally:
            for h in list(logger.handlers):
                logger.removeHandler(h)
            for h in saved:
                logger.addHandler(h)
        (line,) = stream.getvalue().splitlines()
        assert line.endswith("askwell.tests.request_id [-]: hello")


def test_a_server_error_names_its_request_id_and_is_counted(database: TestDatabase) -> None:
    """The 500 answer is sent from outside the middlewares; it must still carry the id it was logged with."""
    app = create_app(
        Settings(database_url=database.url, in_process_worker=False),
        session_factory=wiring.session_factory(database.engine, Edges()),
    )

    @app.get("/api/v1/test-boom")
    def boom() -> None:
        raise RuntimeError("boom")

    before = REGISTRY.get_sample_value(
        "askwell_http_requests_total", {"method": "GET", "route": "/api/v1/test-boom", "status": "5xx"}
    )
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/api/v1/test-boom", headers={"X-Request-ID": "trace-500"})

    assert r.status_code == 500
    assert r.headers["x-request-id"] == "trace-500"
    after = REGISTRY.get_sample_value(
        "askwell_http_requests_total", {"method": "GET", "route": "/api/v1/test-boom", "status": "5xx"}
    )
    assert (after or 0) - (before or 0) == 1
