"""Slack tests against a local fake Slack (``fake_slack``) on loopback: the app's Web API base URL
points at it, and requests "from Slack" are signed with the test signing secret on the test clock."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from askwell.core.clock import FrozenClock
from askwell.core.config import Settings
from askwell.core.edges import Edges
from askwell.core.jobs import Job, JobContext, JobRegistry, run_pending
from askwell.integrations.slack_api import sign
from askwell.people.models import Organization, Person, Role
from askwell.slack import jobs as slack_jobs
from tests.conftest import TestDatabase, World, csrf
from tests.slack.fake_slack import FakeSlack, fake_slack

SIGNING_SECRET = "slack-signing-secret-5f1d"
TEAM = "T0ACME"


@pytest.fixture(scope="module")
def slack_server() -> Iterator[FakeSlack]:
    with fake_slack() as fake:
        yield fake


@pytest.fixture
def slack(slack_server: FakeSlack) -> FakeSlack:
    """The module's fake Slack, reset for this test."""
    slack_server.calls.clear()
    slack_server.users.clear()
    slack_server.revoked = False
    slack_server.rate_limited = 0
    slack_server.team_id = TEAM
    return slack_server


@pytest.fixture
def settings(database: TestDatabase, slack: FakeSlack) -> Settings:
    return Settings(
        database_url=database.url,
        in_process_worker=False,
        slack_client_id="1111.2222",
        slack_client_secret="slack-client-secret",
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack.url,
        slack_timeout_seconds=5,
        slack_max_rate_limited=4,
    )


@pytest.fixture
def org(world: World) -> Organization:
    return world.org("Acme")


@pytest.fixture
def admin(world: World, org: Organization) -> Person:
    return world.person(org, "Ada Admin", role=Role.ADMIN, email="ada@acme.example.com")


def run_jobs(factory: sessionmaker[Session], edges: Edges, settings: Settings) -> int:
    registry = JobRegistry()
    slack_jobs.register(registry)
    return run_pending(factory, registry, JobContext(edges=edges, settings=settings))


def jobs(db: Session, kind: str = "slack.call") -> list[Job]:
    db.expire_all()
    return list(db.scalars(select(Job).where(Job.kind == kind).order_by(Job.id)))


def install(client: TestClient, *, code: str = "good-code") -> TestClient:
    """The admin's "Add to Slack", Slack's consent, and the callback (the client is signed in)."""
    started = client.post("/admin/slack/install", headers=csrf(client))
    assert started.status_code == 303, started.text
    query = parse_qs(urlsplit(started.headers["location"]).query)
    assert query["client_id"] == ["1111.2222"] and "commands" in query["scope"][0]
    done = client.get("/admin/slack/callback", params={"code": code, "state": query["state"][0]})
    return done


def signed(
    clock: FrozenClock, body: bytes, *, age: timedelta = timedelta(0), secret: str = SIGNING_SECRET
) -> dict[str, str]:
    ts = int((clock.now() - age).timestamp())
    return {
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": sign(secret=secret, body=body, timestamp=ts),
    }


Post = Callable[..., object]


def post_form(client: TestClient, clock: FrozenClock, path: str, fields: dict[str, str], **kw: object):  # type: ignore[no-untyped-def]
    body = urlencode(fields).encode()
    headers = {"content-type": "application/x-www-form-urlencoded", **signed(clock, body, **kw)}  # type: ignore[arg-type]
    return client.post(path, content=body, headers=headers)


def post_interaction(client: TestClient, clock: FrozenClock, payload: dict[str, object]):  # type: ignore[no-untyped-def]
    return post_form(client, clock, "/integrations/slack/interactions", {"payload": json.dumps(payload)})
