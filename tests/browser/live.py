"""Serving the real app to a real browser: uvicorn in a thread on a free port, and a fresh demo to serve."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session

from askwell import wiring
from askwell.core.clock import Clock
from askwell.core.config import Settings
from askwell.core.edges import Edges
from askwell.core.uow import unit_of_work
from askwell.demo.build import DEMO_PASSWORD, create_demo
from askwell.people.models import Team, TeamMembership
from askwell.server import create_app
from tests.conftest import create_test_database

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# Big enough for several teams with leads, asks and ties; small enough to build in about a second.
DEMO_SIZE = 30


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    """Serve ``app`` on a free local port until the block ends; yields its base URL."""
    port = _free_port()
    server = uvicorn.Server(
        # Open event streams (the live inbox badge) never end by themselves: on shutdown they get two
        # seconds, then are cancelled, so a test's server stops even while a browser still listens.
        uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", lifespan="off", timeout_graceful_shutdown=2
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    name: str
    person_id: int
    # (team name, URL slug, whether this person leads it), in name order.
    teams: tuple[tuple[str, str, bool], ...]


@dataclass(frozen=True)
class DemoApp:
    """A freshly built demo organization served live, with its well-known sign-ins by role."""

    url: str
    password: str
    accounts: dict[str, DemoAccount]
    # The served database and settings, for a test that sets something up behind the browser's back
    # (an invitation whose token only an email would carry) or reads what a walk must have written.
    org_id: int = 0
    session_factory: Any = field(default=None, repr=False)
    settings: Settings | None = field(default=None, repr=False)

    @property
    def member(self) -> DemoAccount:
        return self.accounts["member"]

    @property
    def lead(self) -> DemoAccount:
        return self.accounts["lead"]

    @property
    def admin(self) -> DemoAccount:
        return self.accounts["admin"]


def _teams_of(db: Session, person_id: int) -> tuple[tuple[str, str, bool], ...]:
    rows = db.execute(
        select(Team.name, Team.slug, TeamMembership.is_lead)
        .join(TeamMembership, TeamMembership.team_id == Team.id)
        .where(TeamMembership.person_id == person_id)
        .order_by(Team.name)
    ).all()
    return tuple((name, slug, bool(lead)) for name, slug, lead in rows)


@contextmanager
def serve_demo(tmp: Path, *, size: int = DEMO_SIZE) -> Iterator[DemoApp]:
    """Build the demo exactly as ``askwell demo`` does into a fresh database and serve it."""
    database = create_test_database(tmp)
    edges = Edges()  # one broadcaster for the app and what a test writes behind its back
    factory = wiring.session_factory(database.engine, edges)
    with unit_of_work(factory) as db:
        ctx = create_demo(db, now=Clock().now(), size=size)
        org_id = ctx.org.id
        accounts = {
            a.role: DemoAccount(
                role=a.role,
                email=a.email,
                name=a.name,
                person_id=ctx.person_ids[a.email],
                teams=_teams_of(db, ctx.person_ids[a.email]),
            )
            for a in ctx.known
        }
    settings = Settings(database_url=database.url, in_process_worker=False)
    app = create_app(settings, session_factory=factory, edges=edges)
    try:
        with serve(app) as url:
            yield DemoApp(
                url=url,
                password=DEMO_PASSWORD,
                accounts=accounts,
                org_id=org_id,
                session_factory=factory,
                settings=settings,
            )
    finally:
        database.drop()
