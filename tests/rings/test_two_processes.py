"""Two real app processes on one PostgreSQL database: an offer posted through process A reaches a board
stream opened on process B (the broadcast goes through LISTEN/NOTIFY; the board is read from the
shared database). Every wait is bounded."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from askwell import wiring
from askwell.accounts import service as accounts
from askwell.accounts.schemas import ApiTokenCreate
from askwell.core.clock import Clock
from askwell.core.config import Settings
from askwell.core.edges import Edges
from askwell.core.uow import unit_of_work
from askwell.people import service as people_service
from askwell.people.repository import actor_for
from askwell.people.schemas import OrganizationCreate, PersonCreate
from askwell.rings import service
from askwell.rings.schemas import ConsoleAction, RingCreate, RingRequestCreate
from tests.conftest import create_test_database
from tests.rings.test_live import parse, until

if TYPE_CHECKING:
    from tests.conftest import TestDatabase

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        not os.environ.get("ASKWELL_TEST_DATABASE_URL"),
        reason="several app processes share live updates through PostgreSQL's LISTEN/NOTIFY; set "
        "ASKWELL_TEST_DATABASE_URL to run it",
    ),
]

ROOT = Path(__file__).resolve().parents[2]
READY_S = 90  # a bound on an app process starting (a loaded 2-core machine imports slowly)
WAIT = 20  # a bound on each stream read


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def app_processes(url: str, count: int, logs: Path) -> Iterator[list[str]]:
    """``count`` uvicorn processes serving the app on ``url``; yields their base URLs."""
    env = {
        **os.environ,
        "ASKWELL_DATABASE_URL": url,
        "ASKWELL_IN_PROCESS_WORKER": "false",
        "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p),
    }
    procs: list[subprocess.Popen[bytes]] = []
    bases = []
    try:
        for i in range(count):
            port = _free_port()
            command = [sys.executable, "-m", "uvicorn", "askwell.server:create_app_from_env", "--factory"]
            command += ["--host", "127.0.0.1", "--port", str(port), "--timeout-graceful-shutdown", "2"]
            log = (logs / f"app-{i}.log").open("wb")
            procs.append(subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT))
            bases.append(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + READY_S
        for base, proc in zip(bases, procs, strict=True):
            while True:
                assert proc.poll() is None, (logs / "app-0.log").read_text(errors="replace")
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                        break
                assert time.monotonic() < deadline, f"{base} did not start in {READY_S} s"
                time.sleep(0.1)
        yield bases
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


@pytest.fixture
def fresh_db(tmp_path: Path) -> Iterator[TestDatabase]:
    db = create_test_database(tmp_path)
    yield db
    db.drop()


def test_an_offer_through_one_process_reaches_a_stream_on_the_other(
    fresh_db: TestDatabase, tmp_path: Path
) -> None:
    factory = wiring.session_factory(fresh_db.engine, Edges())
    now = Clock().now()  # the app processes run on the real clock: sessions and the ring are current
    with unit_of_work(factory) as db:
        org = people_service.create_organization(
            db, data=OrganizationCreate(name="Acme", slug="acme"), now=now
        )
        fran, ada, grace = (
            people_service.add_person(
                db, org_id=org.id, data=PersonCreate(name=n, email=f"{n.lower()}@example.com"), now=now
            )
            for n in ("Fran", "Ada", "Grace")
        )
        ring = service.create_ring(
            db,
            actor=actor_for(db, fran),
            data=RingCreate(
                name="Two processes", starts_at=now + timedelta(days=1), invite=[ada.id, grace.id]
            ),
            now=now,
        )
        for p in (ada, grace):
            service.join(db, actor=actor_for(db, p), ring_id=ring.id, now=now)
        request = service.submit_request(
            db,
            actor=actor_for(db, ada),
            ring_id=ring.id,
            data=RingRequestCreate(title="Review my retry change before Thursday"),
            now=now,
        )
        service.console(
            db,
            actor=actor_for(db, fran),
            ring_id=ring.id,
            data=ConsoleAction(action="start", version=1),
            now=now,
        )
        ring_id, request_id = ring.id, request.id
        cookie = accounts.open_session(db, person=ada, settings=Settings(), now=now).session_token
        _, token = accounts.create_api_token(
            db, actor=actor_for(db, grace), data=ApiTokenCreate(name="test"), now=now
        )

    with app_processes(fresh_db.url, 2, tmp_path) as (a, b):
        with (
            httpx.Client(base_url=b, cookies={"askwell_session": cookie}, timeout=WAIT) as on_b,
            on_b.stream("GET", f"/rings/{ring_id}/board/live", headers={"Accept": "text/event-stream"}) as r,
        ):
            assert r.status_code == 200, r.read()
            events = parse(r.iter_lines())
            _, board = until(events, "board")
            assert "Grace" not in board.data

            made = httpx.post(
                f"{a}/api/v1/rings/{ring_id}/requests/{request_id}/offers",
                json={"kind": "help", "note": "From the other process"},
                headers={"Authorization": f"Bearer {token}"},
                timeout=WAIT,
            )
            assert made.status_code == 201, made.text

            news, board = until(events, "board")
        assert [json.loads(e.data)["kind"] for e in news] == ["ring.offer_made"]
        assert "From the other process" in board.data and "Grace" in board.data
