"""Sign-in latency while the startup embedding job runs on a fresh demo (SQLite file, real model).

What `make run` does, measured: a fresh 80-person demo organization, the server (uvicorn, its own
engine) and the in-process worker (its own engine) started together, and a person signing in four
times a second until every profile and ask has its vector. Two runs on two fresh databases:

* **in steps** (``matching.jobs.embed_in_steps``, the job today): read, encode with no transaction
  open, store each chunk of 32 vectors in a short write transaction;
* **one transaction** (the job before, kept as the baseline): the same reads, encoding and writes
  in the job's one transaction, which holds SQLite's write lock from its first stored vector until
  it commits, and dies on that first write when a sign-in has committed since it began reading.

The model is loaded before both runs, so neither pays for loading it.
"""

from __future__ import annotations

import logging
import os
import socket
import statistics
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from askwell.asks.models import Ask
from askwell.core.clock import Clock
from askwell.core.config import Settings
from askwell.core.db import create_db_engine, create_session_factory
from askwell.core.jobs import JobContext, JobRegistry
from askwell.core.migrations import upgrade
from askwell.core.uow import unit_of_work
from askwell.demo.build import DEMO_PASSWORD, create_demo
from askwell.matching import jobs as matching_jobs
from askwell.matching import service
from askwell.matching.embeddings import load_model
from askwell.matching.models import Embedding
from askwell.people.models import Person
from askwell.server import create_app
from askwell.worker.registry import build_registry
from askwell.worker.runner import Worker

SIZE = int(os.environ.get("ASKWELL_BENCH_STARTUP_SIZE", "80"))
PACE = 0.25  # seconds between the starts of two sign-ins
CAP = 120.0  # a run stops here even if the embedding has not finished


def _one_transaction(db: Session, payload: dict[str, Any], ctx: JobContext) -> None:
    """The handler before the change: everything inside the job's one transaction."""
    matching_jobs.embed_stale(db, now=ctx.clock.now(), encode=service.encoder(ctx.services))


def registry(*, baseline: bool) -> JobRegistry:
    """The product's registry, with ``matching.embed`` run the old way for the baseline."""
    product = build_registry()
    if not baseline:
        return product
    out = JobRegistry()
    for kind in product.kinds:
        if kind == matching_jobs.EMBED:
            out.add(kind, _one_transaction, deferred=True)
        else:
            handler = product.get(kind)
            assert handler is not None
            out.add(kind, handler, deferred=product.is_deferred(kind))
    out.schedules.extend(product.schedules)
    return out


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    vectors: int = 0
    expected: int = 0
    embedded_after: float | None = None
    job_failures: int = 0


def _sign_in(url: str, email: str) -> tuple[int, float]:
    with httpx.Client(base_url=url, timeout=60) as client:
        client.get("/signin")
        token = client.cookies["askwell_csrf"]
        started = time.perf_counter()
        response = client.post(
            "/signin", data={"email": email, "password": DEMO_PASSWORD, "next": "/", "csrf_token": token}
        )
        return response.status_code, time.perf_counter() - started


class _CountFailures(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "matching.embed" in record.getMessage() and "not completed" in record.getMessage():
            self.count += 1


def measure(*, baseline: bool) -> Run:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'askwell.db'}"
        engine = create_db_engine(url)
        upgrade(engine)
        with unit_of_work(create_session_factory(engine)) as db:
            email = create_demo(db, now=Clock().now(), size=SIZE, seed=7).known[0].email
        run = Run()
        with engine.connect() as conn:
            people = conn.scalar(select(func.count(Person.id)).where(Person.is_active.is_(True))) or 0
            run.expected = people + (conn.scalar(select(func.count(Ask.id))) or 0)

        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        port = sock.getsockname()[1]
        app = create_app(Settings(database_url=url, in_process_worker=False))
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical", lifespan="off")
        )
        server_thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        failures = _CountFailures()
        logging.getLogger("askwell.worker.runner").addHandler(failures)
        worker_engine = create_db_engine(url)
        worker = Worker(
            create_session_factory(worker_engine),
            registry(baseline=baseline),
            settings=Settings(database_url=url, worker_poll_seconds=0.2),
        )
        server_thread.start()
        started = time.perf_counter()
        worker_thread = worker.run_in_thread()
        try:
            while time.perf_counter() - started < CAP:
                tick = time.perf_counter()
                status, seconds = _sign_in(f"http://127.0.0.1:{port}", email)
                run.statuses.append(status)
                run.latencies.append(seconds)
                with engine.connect() as conn:
                    run.vectors = conn.scalar(select(func.count(Embedding.id))) or 0
                if run.vectors >= run.expected:
                    run.embedded_after = time.perf_counter() - started
                    break
                time.sleep(max(0.0, PACE - (time.perf_counter() - tick)))
        finally:
            worker.stop()
            worker_thread.join(timeout=300)
            server.should_exit = True
            server_thread.join(timeout=30)
            sock.close()
            logging.getLogger("askwell.worker.runner").removeHandler(failures)
            run.job_failures = failures.count
            worker_engine.dispose()
            engine.dispose()
        return run


def _row(name: str, run: Run) -> str:
    ms = sorted(x * 1000 for x in run.latencies)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    busy = sum(1 for s in run.statuses if s == 503)
    done = (
        f"{run.embedded_after:.1f} s"
        if run.embedded_after is not None
        else f"not within {CAP:.0f} s ({run.vectors} of {run.expected})"
    )
    return (
        f"| {name} | {len(ms)} | {busy} | {statistics.median(ms):.0f} | {p95:.0f} | {ms[-1]:.0f} "
        f"| {run.job_failures} | {done} |"
    )


def main() -> None:
    load_model()
    steps = measure(baseline=False)
    before = measure(baseline=True)
    print("## Sign-in during the startup embedding")
    print()
    print(
        f"`python -m benchmarks.bench_startup`: a fresh {SIZE}-person demo (seed 7) in a SQLite file, the "
        "server (uvicorn) and the in-process worker started together with the packaged model already "
        f"loaded, and one sign-in every {PACE:.2f} s (each a first visit: the page, then the form) until "
        "every profile and ask has its vector. A 503 is SQLite's 5 s busy timeout running out."
    )
    print()
    print(
        "| matching.embed | sign-ins | 503 | p50 ms | p95 ms | max ms | job attempts failed "
        "| all vectors stored after |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    print(_row("in steps: encode outside transactions, store 32 per transaction", steps))
    print(_row("one transaction (baseline, the job before)", before))


if __name__ == "__main__":
    main()
