"""Sign-in while the startup embedding job runs on a fresh demo (SQLite file, the packaged model).

What `make run` does, measured: a fresh 80-person demo organization, the server (uvicorn, its own
engine) and the in-process worker (its own engine) started together. Each time the job starts an
encode call after its first (by then it has stored vectors), a person signs in (a first visit: the
page, then the form) and, at the same moment, a probe on its own connection asks SQLite for the write
lock (``BEGIN IMMEDIATE`` with a 60 s busy timeout), which is what the sign-in's transaction waits
for, without the password hashing's CPU time. Two runs, each on a fresh database:

* **in steps** (``matching.jobs.embed_in_steps``, the job today): read, encode with no transaction
  open, store each chunk of 64 vectors in a short write transaction;
* **one transaction** (the job before, kept here as the baseline): the same reads, encoding and
  writes in the job's one transaction, which holds the write lock from its first stored vector
  until it commits.

The model is loaded before both runs, so neither pays for loading it.
"""

from __future__ import annotations

import logging
import os
import socket
import sqlite3
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
CAP = 180.0  # a run stops here even if the embedding has not finished


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
    lock_waits: list[float] = field(default_factory=list)
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


def _lock_wait(path: str) -> float:
    """Seconds until this connection holds SQLite's write lock (released at once)."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=60)
    try:
        started = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        waited = time.perf_counter() - started
        conn.execute("ROLLBACK")
        return waited
    finally:
        conn.close()


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


def measure(*, baseline: bool) -> Run:
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "askwell.db")
        url = f"sqlite:///{path}"
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
                if encoder.encoding.wait(timeout=0.2):
                    encoder.encoding.clear()
                    prober = threading.Thread(target=lambda: run.lock_waits.append(_lock_wait(path)))
                    prober.start()
                    status, seconds = _sign_in(f"http://127.0.0.1:{port}", email)
                    prober.join()
                    run.statuses.append(status)
                    run.latencies.append(seconds)
                # A read that takes no write lock, like a page view: counting must not queue behind the job.
                with engine.connect().execution_options(**{DEFERRED: True}) as conn:
                    run.vectors = conn.scalar(select(func.count(Embedding.id))) or 0
                if run.vectors >= run.expected:
                    run.embedded_after = time.perf_counter() - started
                    break
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


def _ms(values: list[float]) -> tuple[float, float]:
    ordered = sorted(v * 1000 for v in values)
    return statistics.median(ordered), ordered[-1]


def _row(name: str, run: Run) -> str:
    busy = sum(1 for s in run.statuses if s == 503)
    sign_p50, sign_max = _ms(run.latencies)
    lock_p50, lock_max = _ms(run.lock_waits)
    done = (
        f"{run.embedded_after:.1f} s"
        if run.embedded_after is not None
        else f"not within {CAP:.0f} s ({run.vectors} of {run.expected})"
    )
    return (
        f"| {name} | {len(run.latencies)} | {busy} | {sign_p50:.0f} | {sign_max:.0f} | {lock_p50:.0f} "
        f"| {lock_max:.0f} | {run.job_failures} | {done} |"
    )


def main() -> None:
    load_model()
    steps = measure(baseline=False)
    before = measure(baseline=True)
    print("## Sign-in during the startup embedding")
    print()
    print(
        f"`python -m benchmarks.bench_startup`: a fresh {SIZE}-person demo (seed 7) in a SQLite file; the "
        "server (uvicorn) and the in-process worker start together with the packaged model loaded. Each "
        "time the `matching.embed` job starts encoding after it has stored its first vectors, a person "
        "signs in (a first visit; the time is the form's POST) while a probe on its own connection waits "
        "for SQLite's write lock, the wait a sign-in's transaction has before it can write. A 503 is "
        "SQLite's 5 s busy timeout running out. *In steps* is the job today (read, encode with no "
        "transaction open, store 64 vectors per short transaction); *one transaction* is the job before. "
        "Sign-in times include the password hash and share the CPU with the model, so they move with the "
        "machine's load (and the in-steps run served more sign-ins meanwhile); the lock wait is the part this "
        "change is about."
    )
    print()
    print(
        "| matching.embed | sign-ins | 503 | sign-in p50 ms | sign-in max ms | lock wait p50 ms "
        "| lock wait max ms | job attempts failed | all vectors stored after |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    print(_row("in steps", steps))
    print(_row("one transaction (baseline)", before))


if __name__ == "__main__":
    main()
