"""A person's Slack link in their data download and in an erasure; the bot token and the app's secrets
never in the pages, the logs or the organization's jobs."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from askwell.core.config import Settings
from askwell.core.edges import Edges
from askwell.people.models import Organization, Person
from askwell.privacy import service as privacy
from askwell.slack import repository
from askwell.slack.models import LinkSource, SlackLink
from tests.conftest import World
from tests.slack.conftest import SIGNING_SECRET, install, jobs, run_jobs
from tests.slack.fake_slack import BOT_TOKEN, FakeSlack


def test_the_download_names_the_slack_user_and_erasure_forgets_the_link(
    db: Session, world: World, org: Organization, admin: Person, signed_in: Callable[[Person], TestClient]
) -> None:
    install(signed_in(admin))
    bea = world.person(org, "Bea")
    db.add(
        SlackLink(
            org_id=org.id,
            person_id=bea.id,
            slack_user_id="UBEA",
            source=LinkSource.MANUAL.value,
            linked_at=world.now,
        )
    )
    db.commit()
    exported = privacy.export_person(db, actor=world.actor(bea), now=world.now)
    assert exported["slack"]["slack_user_id"] == "UBEA"
    privacy.erase_person(db, actor=world.actor(admin), person_id=bea.id, now=world.now)
    db.commit()
    assert repository.link_of_person(db, org_id=org.id, person_id=bea.id) is None


def test_secrets_stay_out_of_logs_pages_and_jobs(
    db: Session,
    world: World,
    org: Organization,
    admin: Person,
    slack: FakeSlack,
    signed_in: Callable[[Person], TestClient],
    session_factory: sessionmaker[Session],
    edges: Edges,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    slack.add_user("bea@acme.example.com", "UBEA")
    world.person(org, "Bea", email="bea@acme.example.com")
    client = signed_in(admin)
    install(client)
    slack.revoked = True  # a failure path logs too
    run_jobs(session_factory, edges, settings)
    page = client.get("/admin/slack").text
    payloads = " ".join(str(j.payload) + str(j.last_error) for j in jobs(db))
    for secret in (BOT_TOKEN, "slack-client-secret", SIGNING_SECRET, "test-token-key-8c2e"):
        assert secret not in caplog.text and secret not in page and secret not in payloads
