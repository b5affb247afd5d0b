"""Prometheus metrics: what every process counts, and how one scrape renders them.

Requests are labelled by *route template* (``/asks/{ask_id}``), never the raw path, so the number of
series stays bounded whatever ids clients send; a request no route matched is labelled
``unmatched``. Status is reduced to its class (``2xx`` ... ``5xx``) for the same reason.

Several processes (``askwell serve --workers N``, separate ``askwell worker`` processes): when
``PROMETHEUS_MULTIPROC_DIR`` names a writable, empty directory shared by all of them *before they
start*, prometheus-client keeps each process's values in files there and a scrape of any process
sums them (docs/operations.md). Without it each process reports only its own counts.

The job queue is not counted but read from the database at scrape time, so it is right whichever
process answers and however many workers run.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from datetime import datetime

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy.orm import Session, sessionmaker
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from askwell.core.db import DEFERRED
from askwell.core.job_upkeep import QueueStats, queue_stats

CONTENT_TYPE = CONTENT_TYPE_LATEST
UNMATCHED = "unmatched"
# Any other method a client invents is counted as "other": labels must not grow with client input.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

# This process's metrics. Not prometheus-client's global registry: a library that registers its own
# metrics there must not change what Askwell exposes.
REGISTRY = CollectorRegistry(auto_describe=True)

HTTP_REQUESTS = Counter(
    "askwell_http_requests",
    "HTTP requests answered, by method, route template and status class.",
    ("method", "route", "status"),
    registry=REGISTRY,
)
# Buckets from a cheap page (a few ms) to the point where a person gives up.
HTTP_LATENCY = Histogram(
    "askwell_http_request_duration_seconds",
    "Time from the request's arrival to the end of its response, by method and route template.",
    ("method", "route"),
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
    registry=REGISTRY,
)
JOB_FAILURES = Counter(
    "askwell_job_failures",
    "Job runs that did not complete (the handler raised, or the lease was lost), by job kind.",
    ("kind",),
    registry=REGISTRY,
)
# Live server-sent-event streams; "livesum" adds the processes that are still alive.
SSE_CONNECTIONS = Gauge(
    "askwell_sse_connections",
    "Server-sent-event streams open now.",
    registry=REGISTRY,
    multiprocess_mode="livesum",
)


def status_class(status: int) -> str:
    return f"{status // 100}xx"


def route_template(scope: Scope) -> str:
    """The template of the route that answered (``/asks/{ask_id}``), or ``unmatched``."""
    route = scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    return str(template) if template else UNMATCHED


def record_job_failure(kind: str) -> None:
    JOB_FAILURES.labels(kind=kind).inc()


class RequestMetricsMiddleware:
    """Counts each HTTP request and times it until its response has been sent in full."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client gets if the app raises before answering

        async def send_counting(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_counting)
        finally:
            method = str(scope.get("method", "GET"))
            method = method if method in METHODS else "other"
            route = route_template(scope)
            HTTP_REQUESTS.labels(method=method, route=route, status=status_class(status)).inc()
            HTTP_LATENCY.labels(method=method, route=route).observe(time.perf_counter() - started)


class _JobQueueCollector:
    """The job queue as the database holds it at the moment of the scrape."""

    def __init__(self, stats: QueueStats) -> None:
        self.stats = stats

    def collect(self) -> Iterable[GaugeMetricFamily]:
        yield GaugeMetricFamily(
            "askwell_job_queue_depth", "Queued jobs that are due now.", value=self.stats.due
        )
        yield GaugeMetricFamily(
            "askwell_job_queue_oldest_age_seconds",
            "How long the oldest due job has waited past its run time (0 when none waits).",
            value=self.stats.oldest_due_age_seconds,
        )
        yield GaugeMetricFamily(
            "askwell_jobs_running", "Jobs a worker holds a lease on now.", value=self.stats.running
        )


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def render(session_factory: sessionmaker[Session], *, now: datetime) -> bytes:
    """The exposition text for one scrape: every process's counters, then the job queue."""
    if multiprocess_dir():
        counted = CollectorRegistry()
        multiprocess.MultiProcessCollector(counted)  # type: ignore[no-untyped-call]  # prometheus-client leaves its __init__ unannotated
    else:
        counted = REGISTRY
    with session_factory() as db:
        # A read: on SQLite it must not take the write lock (see core.db).
        db.connection(execution_options={DEFERRED: True})
        stats = queue_stats(db, now=now)
    queue = CollectorRegistry(auto_describe=True)
    queue.register(_JobQueueCollector(stats))
    return generate_latest(counted) + generate_latest(queue)
