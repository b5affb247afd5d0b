"""Sign-in latency while the startup embedding job runs on a fresh demo (SQLite file, real model).

What `make run` does, measured: a fresh 80-person demo organization, the server (uvicorn, its own
engine) and the in-process worker (its own engine) started together, and people signing in: once
each time the job starts encoding after its first stored vectors (the moment the issue's 503 came
from), and, in a second pair of runs, four times a second from startup. Each scenario is run twice,
each time on a fresh database:

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
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import uvicorn
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from askwell.asks.models import Ask
from askwell.core.clock import Clock
from askwell.core.config import Settings
from askwell.core.db import DEFERRED, create_db_engine, create_session_factory
from askwell.core.jobs import JobContext, JobRegistry
from askwell.core.migrations import upgrade
from askwell.core.uow import unit_of_work
from askwell.demo.build import DEMO_PASSWORD, create_demo
from askwell.integrations.email import sender_from_settings
from askwell.matching import jobs as matching_jobs
from askwell.matching import service
from askwell.matching.embeddings import encode, load_model
from askwell.matching.models import Embedding
from askwell.matching.service import ENCODE_SERVICE
from askwell.people.models import Person
from askwell.server import create_app
from askwell.worker.registry import build_registry
from askwell.worker.runner import Worker

SIZE = int(os.environ.get("ASKWELL_BENCH_STARTUP_SIZE", "80"))
PACE = 0.25  # seconds between the starts of two sign-ins (steady)
CAP = 90.0  # a run stops here even if the embedding has not finished
STEADY, DURING = "steady", "during"


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


class SignallingEncoder:
    """The packaged model, announcing each encode call after the first: by then the job has stored
    vectors (in steps: committed; in one transaction: flushed, so it holds the write lock)."""

    def __init__(self) -> None:
        self.calls = 0
        self.encoding = threading.Event()

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        if self.calls >= 2:
            self.encoding.set()
        return encode(texts)


def measure(*, baseline: bool, mode: str) -> Run:
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
        encoder = SignallingEncoder()
        settings = Settings(database_url=url, worker_poll_seconds=0.2)
        worker = Worker(
            create_session_factory(worker_engine),
            registry(baseline=baseline),
            settings=settings,
            services={
                ENCODE_SERVICE: encoder,
                "email": sender_from_settings(settings),
                "base_url": f"http://127.0.0.1:{port}",
            },
        )
        server_thread.start()
        started = time.perf_counter()
        worker_thread = worker.run_in_thread()
        try:
            while time.perf_counter() - started < CAP:
                tick = time.perf_counter()
                if mode == DURING and not encoder.encoding.wait(timeout=PACE):
                    pass
                else:
                    encoder.encoding.clear()
                    status, seconds = _sign_in(f"http://127.0.0.1:{port}", email)
                    run.statuses.append(status)
                    run.latencies.append(seconds)
                # A read that takes no write lock, like a page view: counting must not queue behind the job.
                with engine.connect().execution_options(**{DEFERRED: True}) as conn:
                    run.vectors = conn.scalar(select(func.count(Embedding.id))) or 0
                if run.vectors >= run.expected:
                    run.embedded_after = time.perf_counter() - started
                    break
                if mode == STEADY:
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
    runs = {
        (mode, baseline): measure(baseline=baseline, mode=mode)
        for mode in (DURING, STEADY)
        for baseline in (False, True)
    }
    print("## Sign-in during the startup embedding")
    print()
    print(
        f"`python -m benchmarks.bench_startup`: a fresh {SIZE}-person demo (seed 7) in a SQLite file, the "
        "server (uvicorn) and the in-process worker started together with the packaged model already "
        "loaded; each sign-in is a first visit (the page, then the form; the latency is the form's). "
        "A 503 is SQLite's 5 s busy timeout running out. *In steps* is the job today (read, encode with no "
        "transaction open, store 32 vectors per short transaction); *one transaction* is the job before."
    )
    for mode, title in (
        (DURING, "A sign-in each time the job starts encoding, after it has stored its first vectors"),
        (STEADY, f"A sign-in every {PACE:.2f} s from startup until every profile and ask has its vector"),
    ):
        print()
        print(f"### {title}")
        print()
        print(
            "| matching.embed | sign-ins | 503 | p50 ms | p95 ms | max ms | job attempts failed "
            "| all vectors stored after |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---|")
        print(_row("in steps", runs[(mode, False)]))
        print(_row("one transaction (baseline)", runs[(mode, True)]))


if __name__ == "__main__":
    main()
