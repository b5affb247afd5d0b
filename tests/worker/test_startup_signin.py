"""Startup never blocks sign-in: the first embedding of a fresh demo runs while people sign in.

The real server (uvicorn in a thread, its own engine, as `askwell serve` runs it) beside the worker
that `askwell serve` runs in-process (its own engine), on a committed database with a fresh demo
organization. The encoder the worker is given (the app's ``matching.encode`` seam) stops inside every
encode call until a sign-in has been answered: a job that held the write lock while encoding would
make that sign-in wait for SQLite's busy timeout and answer 503.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import numpy as np
import pytest
import uvicorn
from sqlalchemy import func, select

from askwell import wiring
from askwell.core.clock import Clock
from askwell.core.config import Settings
from askwell.core.db import create_db_engine
from askwell.core.edges import Edges
from askwell.core.uow import unit_of_work
from askwell.demo.build import DEMO_PASSWORD, create_demo
from askwell.matching.models import Embedding
from askwell.server import create_app
from askwell.worker.registry import build_registry
from askwell.worker.runner import Worker
from tests.conftest import RecordingEmail, create_test_database
from tests.matching.conftest import FakeEncoder

if TYPE_CHECKING:
    from tests.conftest import TestDatabase

# Safety nets only, so that a broken build fails instead of hanging; nothing is timed against them.
GIVE_UP = 120.0


class GatedEncoder:
    """Encodes like the matching tests' fake, but each call waits until the test lets it go."""

    def __init__(self) -> None:
        self.inner = FakeEncoder()
        self.changed = threading.Condition()
        self.calls = 0
        self.released = 0

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        with self.changed:
            self.calls += 1
            mine = self.calls
            self.changed.notify_all()
            if not self.changed.wait_for(lambda: self.released >= mine, timeout=GIVE_UP):
                raise TimeoutError("the test never released this encode call")
        return self.inner(texts)

    def release(self) -> None:
        with self.changed:
            self.released += 1
            self.changed.notify_all()


@dataclass
class Startup:
    url: str
    email: str
    database: TestDatabase


@pytest.fixture
def fresh_demo(tmp_path: Path) -> Iterator[Startup]:
    """`askwell demo` on an empty database, then the server, as `make run` does (no vectors yet)."""
    database = create_test_database(tmp_path)
    with unit_of_work(wiring.session_factory(database.engine, Edges())) as db:
        demo = create_demo(db, now=Clock().now(), size=12, seed=7)
        email = demo.known[0].email
    app = create_app(Settings(database_url=database.url, in_process_worker=False))
    # The socket listens before uvicorn runs, so a request made at once waits in the backlog.
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    port = int(sock.getsockname()[1])
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    yield Startup(url=f"http://127.0.0.1:{port}", email=email, database=database)
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()
    database.drop()


def _sign_in(url: str, email: str) -> httpx.Response:
    """A first visit: the sign-in page, then the form posted with its CSRF token."""
    with httpx.Client(base_url=url, timeout=GIVE_UP) as client:
        assert client.get("/signin").status_code == 200
        token = client.cookies["askwell_csrf"]
        return client.post(
            "/signin", data={"email": email, "password": DEMO_PASSWORD, "next": "/", "csrf_token": token}
        )


@pytest.mark.parametrize(
    "first_sign_in",
    [
        # From the first call: a job that kept one read snapshot across its encoding died on its
        # first write once a sign-in had committed, and started over after a back-off.
        pytest.param(1, id="from-the-first-encode"),
        # From the second call: a job that had stored the first vectors held the write lock while
        # encoding the rest, and the sign-in answered 503 after SQLite's busy timeout.
        pytest.param(2, id="after-the-first-vectors"),
    ],
)
def test_sign_in_succeeds_while_the_startup_embedding_job_encodes(
    fresh_demo: Startup, first_sign_in: int
) -> None:
    gate = GatedEncoder()
    engine = create_db_engine(fresh_demo.database.url)
    worker = Worker(
        wiring.session_factory(engine, Edges()),
        build_registry(),
        settings=Settings(database_url=fresh_demo.database.url),
        edges=Edges(encode=gate, email=RecordingEmail(), base_url=fresh_demo.url),
    )
    finished = threading.Event()

    def run_worker() -> None:
        try:
            worker.drain()
        finally:
            finished.set()
            with gate.changed:
                gate.changed.notify_all()

    thread = threading.Thread(target=run_worker, daemon=True)
    thread.start()
    answers: list[int] = []
    try:
        while True:
            with gate.changed:
                assert gate.changed.wait_for(
                    lambda: gate.calls > gate.released or finished.is_set(), timeout=GIVE_UP
                ), "the worker neither encoded nor finished"
                encoding = gate.calls > gate.released
            if not encoding:
                break
            if gate.calls >= first_sign_in:
                # The job is inside an encode call right now: a sign-in must not wait for it.
                answers.append(_sign_in(fresh_demo.url, fresh_demo.email).status_code)
            gate.release()
    finally:
        worker.stop()
        while gate.calls > gate.released:
            gate.release()
        thread.join(timeout=GIVE_UP)
    with engine.connect() as conn:
        vectors = conn.scalar(select(func.count(Embedding.id)))
    engine.dispose()

    assert answers and set(answers) == {303}, answers
    # Profiles and asks alike were encoded (more than one call), and every one of them got its vector.
    assert gate.calls >= 2
    assert vectors == sum(len(call) for call in gate.inner.calls) > 12
