"""Who may manage webhooks (admins of the organization only) and where they may point (SSRF)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from askwell.core.config import Settings
from askwell.core.edges import Edges
from askwell.integrations import outbound, webhook_http
from askwell.people.errors import NotAllowed
from askwell.people.models import Person, Role
from askwell.webhooks import service
from askwell.webhooks.errors import TargetNotAllowed
from askwell.webhooks.schemas import EndpointCreate
from tests.conftest import World
from tests.webhooks.receiver import Receiver
from tests.webhooks.test_delivery import add_endpoint, attempts, deliveries, open_ask, run_jobs

STRICT = Settings(database_url="sqlite://")  # the default: no private targets
STRICT_NOW = datetime(2026, 3, 2, tzinfo=UTC)

REFUSED_URLS = [
    "http://127.0.0.1:8080/hook",
    "http://10.1.2.3/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://localhost:9/hook",  # a host name that resolves to loopback
    "http://[::1]/hook",
    "http://192.168.0.10/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://0.0.0.0/hook",
]


class TestSsrf:
    @pytest.mark.parametrize("url", REFUSED_URLS)
    def test_private_targets_are_refused_without_the_setting(
        self, db: Session, world: World, url: str
    ) -> None:
        org = world.org()
        admin = world.actor(world.person(org, role=Role.ADMIN))
        with pytest.raises(TargetNotAllowed):
            service.create_endpoint(
                db,
                actor=admin,
                data=EndpointCreate(url=url, events=["ask.opened"]),
                settings=STRICT,
                now=world.now,
            )

    @pytest.mark.parametrize(
        "url", ["ftp://example.com/x", "http://user:pw@93.184.216.34/", "http:///nohost"]
    )
    def test_malformed_urls_are_refused(self, url: str) -> None:
        with pytest.raises(outbound.TargetRefused):
            outbound.checked_address(url, allow_private=True)

    def test_a_public_address_is_accepted(self) -> None:
        assert (
            str(outbound.checked_address("https://93.184.216.34/hook", allow_private=False))
            == "93.184.216.34"
        )

    def test_the_check_is_made_again_at_delivery(
        self,
        db: Session,
        world: World,
        hook: Receiver,
        session_factory: sessionmaker[Session],
        edges: Edges,
        settings: Settings,
    ) -> None:
        """An endpoint saved while private targets were allowed is not posted to once they are not."""
        org = world.org()
        admin, member = world.person(org, role=Role.ADMIN), world.person(org)
        endpoint, _ = add_endpoint(db, world, admin, hook.url, settings)
        open_ask(db, world, member)
        run_jobs(session_factory, edges, STRICT.model_copy(update={"webhook_max_attempts": 3}))
        assert hook.requests == []
        [delivery] = deliveries(db, endpoint)
        [attempt] = attempts(db, delivery)
        assert attempt.ok is False and attempt.error is not None and "private" in attempt.error

    def test_the_sender_refuses_too(self) -> None:
        sent = webhook_http.post(
            "http://127.0.0.1:9/x",
            secret=webhook_http.new_secret(),
            msg_id="msg_1",
            at=STRICT_NOW,
            body="{}",
            timeout=1,
            allow_private=False,
        )
        assert not sent.ok and sent.status_code is None


class TestApiAccess:
    def _people(self, world: World) -> tuple[Person, Person, Person]:
        org = world.org("Acme")
        return (
            world.person(org, "Ada Admin", role=Role.ADMIN),
            world.person(org, "Max Member"),
            world.person(world.org("Globex"), "Oscar Outsider", role=Role.ADMIN),
        )

    def test_members_are_refused(self, client: TestClient, world: World) -> None:
        _, member, _ = self._people(world)
        auth = {"Authorization": f"Bearer {world.api_token(member)}"}
        assert client.get("/api/v1/webhooks", headers=auth).status_code == 403
        created = client.post(
            "/api/v1/webhooks",
            json={"url": "https://93.184.216.34/h", "events": ["ask.opened"]},
            headers=auth,
        )
        assert created.status_code == 403

    def test_another_organization_sees_nothing(
        self,
        client: TestClient,
        db: Session,
        world: World,
        hook: Receiver,
        session_factory: sessionmaker[Session],
        edges: Edges,
        settings: Settings,
    ) -> None:
        admin, _member, outsider = self._people(world)
        endpoint, _ = add_endpoint(db, world, admin, hook.url, settings)
        auth = {"Authorization": f"Bearer {world.api_token(outsider)}"}
        assert client.get(f"/api/v1/webhooks/{endpoint.id}", headers=auth).status_code == 404
        assert client.post(f"/api/v1/webhooks/{endpoint.id}/test", headers=auth).status_code == 404
        assert client.get(f"/api/v1/webhooks/{endpoint.id}/deliveries", headers=auth).status_code == 404
        assert client.delete(f"/api/v1/webhooks/{endpoint.id}", headers=auth).status_code == 404
        assert client.get("/api/v1/webhooks", headers=auth).json() == []
        # Globex's events never reach Acme's endpoint.
        open_ask(db, world, world.person(world.org("Initech"), "Ina"))
        run_jobs(session_factory, edges, settings)
        assert hook.requests == []

    def test_admin_manages_and_the_secret_is_shown_once(self, client: TestClient, world: World) -> None:
        admin, _, _ = self._people(world)
        auth = {"Authorization": f"Bearer {world.api_token(admin)}"}
        created = client.post(
            "/api/v1/webhooks",
            json={"url": "https://93.184.216.34/hook", "events": ["ask.opened", "ring.finished"]},
            headers=auth,
        )
        assert created.status_code == 201
        body = created.json()
        assert body["secret"].startswith("whsec_")
        listed = client.get("/api/v1/webhooks", headers=auth).json()
        assert [e["id"] for e in listed] == [body["id"]]
        assert all("secret" not in e for e in listed)
        patched = client.patch(f"/api/v1/webhooks/{body['id']}", json={"enabled": False}, headers=auth)
        assert patched.status_code == 200 and patched.json()["enabled"] is False
        bad = client.post(
            "/api/v1/webhooks", json={"url": "https://93.184.216.34/h", "events": ["nope"]}, headers=auth
        )
        assert bad.status_code == 422
        assert client.delete(f"/api/v1/webhooks/{body['id']}", headers=auth).status_code == 204

    def test_service_refuses_members(self, db: Session, world: World) -> None:
        _, member, _ = self._people(world)
        with pytest.raises(NotAllowed):
            service.list_endpoints(db, actor=world.actor(member))
