"""Integration secrets never leave: a webhook's signing secret, the OIDC client secret and a calendar
feed's address appear in no log line (every logger captured at DEBUG through a whole run: set-up, deliveries that fail and
succeed, a full sign-in, the admin pages and the API) and in no organization export."""

from __future__ import annotations

import json
import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from askwell.calendars import service as calendars
from askwell.cli.transfer import SECTIONS
from askwell.core.config import Settings
from askwell.core.edges import Edges
from askwell.people.models import Organization, Person
from askwell.people.transfer import export_org
from tests import conftest as base
from tests.conftest import World
from tests.sso.conftest import CLIENT_SECRET, DOMAIN, Provider, configure, start
from tests.webhooks.receiver import receiver
from tests.webhooks.test_delivery import add_endpoint, open_ask, run_jobs

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:authlib.*")


@pytest.fixture
def settings(database: base.TestDatabase) -> Settings:
    return Settings(
        database_url=database.url,
        in_process_worker=False,
        oidc_allow_private_issuers=True,
        webhooks_allow_private_targets=True,
        webhook_timeout_seconds=2,
        webhook_max_attempts=2,
    )


def test_no_secret_in_logs_pages_api_or_the_export(
    client: TestClient,
    db: Session,
    world: World,
    org: Organization,
    admin: Person,
    provider: Provider,
    session_factory: sessionmaker[Session],
    edges: Edges,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    with receiver() as hook:
        configure(db, world, admin, provider)
        endpoint, webhook_secret = add_endpoint(db, world, admin, hook.url, settings)
        failing, failing_secret = add_endpoint(db, world, admin, "http://127.0.0.1:9/closed", settings)
        hook.statuses = [500]
        open_ask(db, world, world.person(org, "Max Member"))
        for _ in range(3):
            run_jobs(session_factory, edges, settings)

        assert hook.requests, "the run posted webhooks"

        provider.user("grace", email=f"grace@{DOMAIN}", email_verified=True, name="Grace")
        assert client.get(provider.authorize(start(client, org.slug), "grace")).status_code == 303

        client.cookies.clear()
        client.cookies.set("askwell_session", world.session_cookie(admin))
        client.get("/signin")
        pages = [
            client.get(path).text
            for path in (
                "/admin/webhooks",
                f"/admin/webhooks/{endpoint.id}",
                f"/admin/webhooks/{failing.id}",
                "/admin/sso",
            )
        ]
        auth = {"Authorization": f"Bearer {world.api_token(admin)}"}
        api = [
            client.get("/api/v1/webhooks", headers=auth).text,
            client.get(f"/api/v1/webhooks/{endpoint.id}/deliveries", headers=auth).text,
        ]

        _feed, feed_secret = calendars.create(db, actor=world.actor(admin), now=world.now)
        db.commit()
        assert client.get(calendars.feed_path(feed_secret)).status_code == 200

    exported = json.dumps(export_org(db, org_id=org.id, sections=SECTIONS), default=str)
    # What the columns hold (encrypted secrets, the feed's hash) is not exported either.
    stored = [
        *db.execute(text("SELECT secret FROM webhook_endpoints")).scalars(),
        *db.execute(text("SELECT client_secret FROM sso_configs")).scalars(),
        *db.execute(text("SELECT secret_hash FROM calendar_feeds")).scalars(),
    ]
    assert len(stored) >= 4
    for value in stored:
        assert value not in exported
    assert webhook_secret not in "".join(stored) and CLIENT_SECRET not in "".join(stored)
    logs = caplog.text + "\n".join(r.getMessage() for r in caplog.records)
    assert "webhook delivery" in logs and "sso:" in logs, "the run did log what it did"
    app_logs = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("httpx"))
    assert feed_secret not in app_logs and feed_secret not in exported
    for secret in (webhook_secret, failing_secret, CLIENT_SECRET):
        assert secret not in logs
        assert secret not in exported
        assert all(secret not in page for page in pages)
        assert all(secret not in answer for answer in api)
    # Nor their base64 body (a receiver's library may strip the prefix).
    assert webhook_secret.removeprefix("whsec_") not in logs + exported


def test_the_secret_is_on_the_creation_page_only(
    client: TestClient, world: World, org: Organization, admin: Person, settings: Settings
) -> None:
    client.cookies.set("askwell_session", world.session_cookie(admin))
    client.get("/signin")
    created = client.post(
        "/admin/webhooks",
        data={
            "url": "https://93.184.216.34/hook",
            "events": ["ask.opened", "offer.made"],
            "csrf_token": client.cookies.get("askwell_csrf") or "",
        },
    )
    assert created.status_code == 200
    marker = 'data-testid="webhook-secret">'
    secret = created.text.split(marker, 1)[1].split("<", 1)[0]
    assert secret.startswith("whsec_")
    assert secret not in client.get("/admin/webhooks").text
    endpoint_page = client.get("/admin/webhooks")
    assert "93.184.216.34" in endpoint_page.text
