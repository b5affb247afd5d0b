"""/metrics: who may read it, what it counts (by route template), the job queue, several processes."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.orm import Session, sessionmaker

from askwell.core.clock import FrozenClock
from askwell.core.config import Settings
from askwell.core.edges import Edges
from askwell.core.jobs import RUNNING, JobContext, JobRegistry, enqueue
from askwell.http.metrics import REGISTRY
from askwell.worker.runner import Worker
from tests.conftest import World

if TYPE_CHECKING:
    from tests.conftest import TestDatabase

TOKEN = "metrics-token-for-tests"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def metrics_app(app: FastAPI, settings: Settings) -> FastAPI:
    app.state.ctx = replace(
        app.state.ctx, settings=settings.model_copy(update={"metrics_token": SecretStr(TOKEN)})
    )
    return app


def scrape(client: TestClient) -> str:
    r = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain")
    return r.text


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


class TestAccess:
    def test_not_found_when_no_token_is_configured(self, client: TestClient) -> None:
        r = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert r.status_code == 404
        assert "askwell_" not in r.text

    def test_without_credentials(self, metrics_app: FastAPI, client: TestClient) -> None:
        r = client.get("/metrics")
        assert r.status_code == 401
        assert r.headers["www-authenticate"].startswith("Bearer")
        assert "askwell_" not in r.text

    @pytest.mark.parametrize(
        "header",
        [f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}", "Bearer wrong", f"Bearer {TOKEN.upper()}"],
    )
    def test_wrong_token(self, metrics_app: FastAPI, client: TestClient, header: str) -> None:
        r = client.get("/metrics", headers={"Authorization": header})
        assert r.status_code == 403
        assert "askwell_" not in r.text

    def test_other_schemes_are_not_the_token(self, metrics_app: FastAPI, client: TestClient) -> None:
        r = client.get("/metrics", headers={"Authorization": f"Basic {TOKEN}"})
        assert r.status_code == 401

    def test_a_session_cookie_is_not_enough(
        self, metrics_app: FastAPI, client: TestClient, world: World
    ) -> None:
        admin = world.person(world.org(), role="admin")
        client.cookies.set("askwell_session", world.session_cookie(admin))
        assert client.get("/metrics").status_code == 401

    def test_right_token(self, metrics_app: FastAPI, client: TestClient) -> None:
        r = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert r.status_code == 200
        assert r.headers["cache-control"] == "no-store"
        assert "# TYPE askwell_http_requests_total counter" in r.text


class TestRequests:
    def test_counted_by_route_template_never_by_raw_path(
        self, metrics_app: FastAPI, client: TestClient
    ) -> None:
        before = sample("askwell_http_requests_total", method="GET", route="/asks/{ask_id}", status="3xx")
        client.get("/asks/123")  # anonymous: redirected to sign in
        client.get("/asks/456")
        text = scrape(client)
        after = sample("askwell_http_requests_total", method="GET", route="/asks/{ask_id}", status="3xx")
        assert after - before == 2
        assert "/asks/123" not in text and "/asks/456" not in text
        assert 'route="/asks/{ask_id}"' in text

    def test_unknown_paths_share_one_label(self, metrics_app: FastAPI, client: TestClient) -> None:
        before = sample("askwell_http_requests_total", method="GET", route="unmatched", status="4xx")
        client.get("/no/such/page/9f1c2")
        after = sample("askwell_http_requests_total", method="GET", route="unmatched", status="4xx")
        assert after - before == 1
        assert "9f1c2" not in scrape(client)

    def test_invented_methods_share_one_label(self, metrics_app: FastAPI, client: TestClient) -> None:
        before = sample("askwell_http_requests_total", method="other", route="/signin", status="4xx")
        client.request("BREW", "/signin")
        after = sample("askwell_http_requests_total", method="other", route="/signin", status="4xx")
        assert after - before == 1
        assert "BREW" not in scrape(client)

    def test_latency_is_observed(self, metrics_app: FastAPI, client: TestClient) -> None:
        before = sample("askwell_http_request_duration_seconds_count", method="GET", route="/healthz")
        client.get("/healthz")
        after = sample("askwell_http_request_duration_seconds_count", method="GET", route="/healthz")
        assert after - before == 1


class TestJobs:
    def test_queue_depth_and_oldest_age_are_read_at_scrape_time(
        self, metrics_app: FastAPI, client: TestClient, db: Session, clock: FrozenClock
    ) -> None:
        now = clock.now()
        enqueue(db, "test.a", {}, now=now, run_at=now - timedelta(minutes=10))
        enqueue(db, "test.b", {}, now=now, run_at=now - timedelta(minutes=1))
        enqueue(db, "test.later", {}, now=now, run_at=now + timedelta(hours=1))
        running = enqueue(db, "test.c", {}, now=now)
        assert running is not None
        running.status = RUNNING
        db.commit()

        text = scrape(client)

        assert "askwell_job_queue_depth 2.0" in text
        assert "askwell_job_queue_oldest_age_seconds 600.0" in text
        assert "askwell_jobs_running 1.0" in text

    def test_empty_queue(self, metrics_app: FastAPI, client: TestClient) -> None:
        text = scrape(client)
        assert "askwell_job_queue_depth 0.0" in text
        assert "askwell_job_queue_oldest_age_seconds 0.0" in text

    def test_failures_counted_by_kind_where_the_worker_marks_them(
        self, session_factory: sessionmaker[Session], clock: FrozenClock
    ) -> None:
        def broken(_db: Session, _payload: dict[str, Any], _ctx: JobContext) -> None:
            raise ValueError("bad payload")

        registry = JobRegistry()
        registry.add("test.metrics_broken", broken)
        registry.add("test.metrics_fine", lambda _db, _p, _ctx: None)
        with session_factory() as s:
            enqueue(s, "test.metrics_broken", {}, now=clock.now())
            enqueue(s, "test.metrics_fine", {}, now=clock.now())
            s.commit()
        before = sample("askwell_job_failures_total", kind="test.metrics_broken")

        result = Worker(session_factory, registry, settings=Settings(), edges=Edges(clock=clock)).run_once()

        assert (result.completed, result.failed) == (1, 1)
        assert sample("askwell_job_failures_total", kind="test.metrics_broken") - before == 1
        assert sample("askwell_job_failures_total", kind="test.metrics_fine") == 0

    def test_sse_gauge_is_exposed(self, metrics_app: FastAPI, client: TestClient) -> None:
        assert "# TYPE askwell_sse_connections gauge" in scrape(client)


_COUNT_IN_A_PROCESS = """
from askwell.http import metrics
metrics.record_job_failure("test.multiprocess")
"""

_SCRAPE_IN_A_PROCESS = """
import sys
from datetime import UTC, datetime
from askwell.core.db import create_db_engine, create_session_factory
from askwell.http import metrics
factory = create_session_factory(create_db_engine(sys.argv[1]))
sys.stdout.write(metrics.render(factory, now=datetime.now(UTC)).decode())
"""


def test_multiprocess_mode_sums_every_process(tmp_path: Path, database: TestDatabase) -> None:
    """With PROMETHEUS_MULTIPROC_DIR, a scrape of one process reports what all of them counted."""
    env = {
        **os.environ,
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    }
    for _ in range(2):
        subprocess.run([sys.executable, "-c", _COUNT_IN_A_PROCESS], env=env, check=True, timeout=120)
    scraped = subprocess.run(
        [sys.executable, "-c", _SCRAPE_IN_A_PROCESS, database.url],
        env=env,
        check=True,
        timeout=120,
        capture_output=True,
        text=True,
    ).stdout

    assert list(tmp_path.glob("*.db")), "each process keeps its values in the shared directory"
    assert 'askwell_job_failures_total{kind="test.multiprocess"} 2.0' in scraped
    assert "askwell_job_queue_depth" in scraped
