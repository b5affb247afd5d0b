"""Live fan-out of a ring: 300 server-sent-event clients on one ring's board, and the time from a
facilitator's action (pause, resume: ``POST /api/v1/rings/{id}/console``) to each client receiving it.

For each action the figure that matters is when the *last* client has it (the room sees the change
when everyone does): p50 / p95 / max of that over the actions, beside the per-delivery latencies and
the events lost (an action's ``ring`` event missing from a client's stream). The baseline, in the same
run and on the same server, is one client alone: what one stream costs without the fan-out.

Two set-ups: SQLite with one app process (the in-memory broadcaster) and, when
``ASKWELL_BENCH_PG_URL`` names a PostgreSQL server (a fresh database is created there and dropped),
two app processes with LISTEN/NOTIFY, the clients split between them and the actions sent to the
first. Every client is on 127.0.0.1; the counts and every wait are bounded (``CLIENTS``, ``ACTIONS``,
``ACTION_WAIT_S``).

What each delivery costs the server: the stream reads the ring's log and renders the board partial
for its reader in a short transaction of its own, so one action is ``CLIENTS`` small reads and
renders, spread over the app's request threads (as many as database connections).

Run: ``python -m benchmarks ring_live`` (or ``python -m benchmarks.bench_ring_live``).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = int(os.environ.get("ASKWELL_BENCH_RING_CLIENTS", "300"))
ACTIONS = int(os.environ.get("ASKWELL_BENCH_RING_ACTIONS", "10"))
ACTION_WAIT_S = 60.0  # a bound on one action reaching every client
CONNECT_WAIT_S = 120.0  # a bound on all clients having their first board
READY_S = 60.0
PG_URL = os.environ.get("ASKWELL_BENCH_PG_URL", "")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Scene:
    ring_id: int
    version: int
    token: str  # the facilitator's API token
    cookies: list[str]  # one signed-in viewer per client


def build(url: str, viewers: int) -> Scene:
    """A fresh organization: a facilitator, ``viewers`` people signed in, an open-call ring under way
    with three requests on its board."""
    from askwell import wiring
    from askwell.accounts import service as accounts
    from askwell.accounts.schemas import ApiTokenCreate
    from askwell.core.clock import Clock
    from askwell.core.config import Settings
    from askwell.core.db import create_db_engine
    from askwell.core.edges import Edges
    from askwell.core.migrations import upgrade
    from askwell.core.uow import unit_of_work
    from askwell.people import service as people_service
    from askwell.people.repository import actor_for
    from askwell.people.schemas import OrganizationCreate, PersonCreate
    from askwell.rings import service
    from askwell.rings.schemas import ConsoleAction, RingCreate, RingRequestCreate

    engine = create_db_engine(url)
    upgrade(engine)
    now = Clock().now()
    settings = Settings()
    try:
        with unit_of_work(wiring.session_factory(engine, Edges())) as db:
            org = people_service.create_organization(
                db, data=OrganizationCreate(name="Fan-out", slug="fan-out"), now=now
            )

            def person(name: str) -> Any:
                return people_service.add_person(
                    db,
                    org_id=org.id,
                    data=PersonCreate(name=name, email=f"{name.lower().replace(' ', '.')}@example.com"),
                    now=now,
                )

            fran = person("Fran Facilitator")
            requesters = [person(f"Requester {i}") for i in range(3)]
            ring = service.create_ring(
                db,
                actor=actor_for(db, fran),
                data=RingCreate(
                    name="Fan-out ring",
                    starts_at=now + timedelta(hours=1),
                    open_call=True,
                    invite=[p.id for p in requesters],
                ),
                now=now,
            )
            for i, p in enumerate(requesters):
                service.join(db, actor=actor_for(db, p), ring_id=ring.id, now=now)
                service.submit_request(
                    db,
                    actor=actor_for(db, p),
                    ring_id=ring.id,
                    data=RingRequestCreate(title=f"Review my change number {i} before Thursday"),
                    now=now,
                )
            started = service.console(
                db,
                actor=actor_for(db, fran),
                ring_id=ring.id,
                data=ConsoleAction(action="start", version=ring.version),
                now=now,
            )
            cookies = [
                accounts.open_session(
                    db, person=person(f"Viewer {i}"), settings=settings, now=now
                ).session_token
                for i in range(viewers)
            ]
            _, token = accounts.create_api_token(
                db,
                actor=actor_for(db, fran),
                data=ApiTokenCreate(name="bench"),
                now=now,
            )
            return Scene(ring_id=ring.id, version=started.version, token=token, cookies=cookies)
    finally:
        engine.dispose()


@contextlib.contextmanager
def servers(url: str, count: int, logs: Path) -> Iterator[list[str]]:
    """``count`` app processes (uvicorn) on ``url``, stopped at the end (SIGTERM, then SIGKILL)."""
    src = str(ROOT / "src")
    env = {
        **os.environ,
        "ASKWELL_DATABASE_URL": url,
        "ASKWELL_IN_PROCESS_WORKER": "false",
        "PYTHONPATH": os.pathsep.join(p for p in (src, str(ROOT), os.environ.get("PYTHONPATH", "")) if p),
    }
    procs: list[subprocess.Popen[bytes]] = []
    bases: list[str] = []
    try:
        for i in range(count):
            port = _free_port()
            command = [sys.executable, "-m", "uvicorn", "askwell.server:create_app_from_env", "--factory"]
            command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
            command += ["--timeout-graceful-shutdown", "2"]
            log = (logs / f"app-{i}.log").open("wb")
            procs.append(
                subprocess.Popen(
                    command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
                )
            )
            bases.append(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + READY_S
        for i, base in enumerate(bases):
            while True:
                if procs[i].poll() is not None:
                    raise SystemExit((logs / f"app-{i}.log").read_text(errors="replace")[-3000:])
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise SystemExit(f"{base} was not ready after {READY_S:.0f} s")
                time.sleep(0.2)
        yield bases
    finally:
        for proc in procs:
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


@dataclass
class Client:
    """One stream: when each ``ring`` event (by sequence number) arrived, and its first board."""

    arrived: dict[int, float] = field(default_factory=dict)
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    error: str = ""


async def _listen(http: httpx.AsyncClient, base: str, ring_id: int, cookie: str, client: Client) -> None:
    headers = {"Accept": "text/event-stream", "Cookie": f"askwell_session={cookie}"}
    try:
        async with http.stream("GET", f"{base}/rings/{ring_id}/board/live", headers=headers) as r:
            if r.status_code != 200:
                client.error = f"HTTP {r.status_code}"
                client.ready.set()
                return
            event = ""
            async for line in r.aiter_lines():
                if line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("id:") and event == "ring":
                    client.arrived.setdefault(int(line[3:].strip()), time.perf_counter())
                elif line.startswith("data:") and event == "board":
                    client.ready.set()
    except (httpx.HTTPError, asyncio.CancelledError) as exc:
        if not isinstance(exc, asyncio.CancelledError):
            client.error = type(exc).__name__
        client.ready.set()
        if isinstance(exc, asyncio.CancelledError):
            raise


@dataclass
class Result:
    clients: int
    last: list[float]  # per action: when the last client had it (seconds after the action was sent)
    each: list[float]  # every delivery
    lost: int
    errors: int


async def _fan_out(
    bases: list[str], scene: Scene, clients: int, version: int, step: int = 0
) -> tuple[Result, int]:
    """``clients`` streams, then ``ACTIONS`` actions one after another (``step``: actions sent before,
    so pause and resume alternate across runs)."""
    limits = httpx.Limits(max_connections=clients + 20, max_keepalive_connections=clients + 20)
    timeout = httpx.Timeout(ACTION_WAIT_S, connect=30.0)
    async with httpx.AsyncClient(limits=limits, timeout=timeout) as http:
        streams = [Client() for _ in range(clients)]
        tasks = [
            asyncio.create_task(_listen(http, bases[i % len(bases)], scene.ring_id, scene.cookies[i], c))
            for i, c in enumerate(streams)
        ]
        try:
            await asyncio.wait_for(asyncio.gather(*(c.ready.wait() for c in streams)), CONNECT_WAIT_S)
            last: list[float] = []
            each: list[float] = []
            lost = 0
            auth = {"Authorization": f"Bearer {scene.token}"}
            for n in range(ACTIONS):
                action = "pause" if (n + step) % 2 == 0 else "resume"
                sent = time.perf_counter()
                r = await http.post(
                    f"{bases[0]}/api/v1/rings/{scene.ring_id}/console",
                    json={"action": action, "version": version},
                    headers=auth,
                )
                r.raise_for_status()
                body = r.json()
                version = int(body["version"])
                seq = int(body["last_seq"])
                deadline = time.monotonic() + ACTION_WAIT_S
                while time.monotonic() < deadline and not all(_has(c, seq) for c in streams if not c.error):
                    await asyncio.sleep(0.005)
                times = [_first_at_or_after(c, seq) for c in streams if not c.error]
                got = [t - sent for t in times if t is not None]
                lost += len(times) - len(got)
                each += got
                if got:
                    last.append(max(got))
            errors = sum(1 for c in streams if c.error)
            return Result(clients=clients, last=last, each=each, lost=lost, errors=errors), version
        finally:
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)


def _has(c: Client, seq: int) -> bool:
    return seq in c.arrived


def _first_at_or_after(c: Client, seq: int) -> float | None:
    return c.arrived.get(seq)


def _ms(values: list[float], q: float) -> str:
    if not values:
        return "–"
    ordered = sorted(values)
    return f"{1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]:.0f}"


def _row(setup: str, r: Result) -> str:
    return (
        f"| {setup} | {r.clients} | {len(r.last)} | {_ms(r.last, 0.5)} | {_ms(r.last, 0.95)} | "
        f"{_ms(r.last, 1.0)} | {_ms(r.each, 0.5)} | {_ms(r.each, 0.95)} | {r.lost} | {r.errors} |"
    )


def measure(url: str, processes: int, logs: Path) -> list[Result]:
    scene = build(url, CLIENTS)
    with servers(url, processes, logs) as bases:
        baseline, version = asyncio.run(_fan_out(bases, scene, 1, scene.version))
        full, _ = asyncio.run(_fan_out(bases, scene, CLIENTS, version, step=ACTIONS))
    return [baseline, full]


@contextlib.contextmanager
def _pg_database() -> Iterator[str]:
    import psycopg

    server = PG_URL.replace("postgresql+psycopg://", "postgresql://", 1)
    name = f"askwell_bench_ring_{os.getpid()}"
    with psycopg.connect(server, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(server, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    started = time.perf_counter()
    rows: list[str] = []
    with tempfile.TemporaryDirectory(prefix="askwell-ring-live-") as tmp:
        logs = Path(tmp)
        sqlite = measure(f"sqlite:///{tmp}/askwell.db", 1, logs)
        rows += [_row("SQLite, 1 process, in-memory broadcaster", r) for r in sqlite]
        if PG_URL:
            with _pg_database() as url:
                pg = measure(url, 2, logs)
            rows += [_row("PostgreSQL, 2 processes, LISTEN/NOTIFY", r) for r in pg]
    print("## Ring live fan-out (server-sent events)\n")
    print(
        f"{ACTIONS} facilitator actions (pause/resume through the API, one after another once every "
        "client had the previous one), each timed from sending the request to a client reading the "
        "ring event for it. *Last client*: per action, when the slowest client had it; *each*: every "
        "delivery. Baseline: one client, same server, same run.\n"
    )
    print(
        "| set-up | clients | actions | last client p50 ms | p95 ms | max ms | each p50 ms | each p95 ms "
        "| events lost | stream errors |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(row)
    if not PG_URL:
        print("\nPostgreSQL not measured in this run (set `ASKWELL_BENCH_PG_URL`).")
    print(
        "\nEach delivery checks the reader's session and access, reads the ring's log after the reader's "
        "position and renders the board for that reader (its own offer buttons and CSRF token), in a short "
        "transaction of its own; the ring's members and board are read once per change and process and "
        "shared by its streams. 300 clients are 300 such checks and renders per action, through as many "
        "request threads as the database pool has connections, so the last client's latency grows with "
        "the number of clients (see docs/rings.md).\n"
    )
    print(
        f"Ran in {time.perf_counter() - started:.0f} s; command: "
        "`ASKWELL_BENCH_PG_URL=postgresql://postgres@127.0.0.1:5432/postgres python -m benchmarks ring_live`."
    )


if __name__ == "__main__":
    main()
