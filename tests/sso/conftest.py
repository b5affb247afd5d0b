"""Single sign-on tests against a real OpenID Connect provider on loopback (``oidc-provider-mock``,
a Flask app built on authlib's server, run in a thread for the module). Its tokens carry real
``iat``/``exp``, so these tests run on the wall clock."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from oidc_provider_mock import run_server_in_thread
from sqlalchemy.orm import Session

from askwell.core.clock import FrozenClock
from askwell.core.config import Settings
from askwell.people.models import Organization, Person, Role
from askwell.sso import service
from askwell.sso.schemas import SsoSettingsUpdate
from tests.conftest import TestDatabase, World

CLIENT_ID = "askwell-test"
CLIENT_SECRET = "oidc-client-secret-7f3e9a1c"
DOMAIN = "acme.example.com"
# A bound on each call to the local provider (it answers at once; a hang must fail, not block).
TIMEOUT = 10.0


@dataclass
class Provider:
    issuer: str

    def user(self, sub: str, **claims: object) -> None:
        response = httpx.put(f"{self.issuer}/users/{sub}", json=claims, timeout=TIMEOUT)
        response.raise_for_status()

    def authorize(self, url: str, sub: str) -> str:
        """What the person does at the provider (picks their account): returns where it sends the
        browser back to, as a path with its query (the code and the state)."""
        response = httpx.post(url, data={"sub": sub}, timeout=TIMEOUT, follow_redirects=False)
        assert response.status_code == 302, response.text
        back = urlsplit(response.headers["location"])
        return f"{back.path}?{back.query}"


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    with run_server_in_thread() as server:
        yield Provider(issuer=f"http://localhost:{server.server_port}")


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
def settings(database: TestDatabase) -> Settings:
    # The provider listens on loopback: allowed explicitly, as for an on-premises provider.
    return Settings(
        database_url=database.url,
        in_process_worker=False,
        oidc_allow_private_issuers=True,
        oidc_timeout_seconds=5,
    )


@pytest.fixture
def org(world: World) -> Organization:
    return world.org("Acme")


@pytest.fixture
def admin(world: World, org: Organization) -> Person:
    return world.person(org, "Ada Admin", role=Role.ADMIN, email=f"ada@{DOMAIN}")


def configure(
    db: Session,
    world: World,
    admin: Person,
    provider: Provider,
    *,
    sso_only: bool = False,
    domains: list[str] | None = None,
) -> None:
    service.configure(
        db,
        actor=world.actor(admin),
        data=SsoSettingsUpdate(
            issuer=provider.issuer,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            allowed_domains=domains or [DOMAIN],
            sso_only=sso_only,
        ),
        now=world.now,
    )
    db.commit()


def start(client: TestClient, slug: str) -> str:
    """Open the login address; returns the provider's authorization URL it redirects to."""
    response = client.get(f"/auth/oidc/{slug}/login", params={"next": "/asks"})
    assert response.status_code == 303, response.text
    url = response.headers["location"]
    query = parse_qs(urlsplit(url).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["client_id"] == [CLIENT_ID] and query["nonce"][0] and query["state"][0]
    assert "code_verifier" not in query
    return url
