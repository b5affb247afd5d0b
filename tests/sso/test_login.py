"""Signing in through an organization's OpenID Connect provider, end to end on loopback."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from askwell.core.clock import FrozenClock
from askwell.integrations import oidc
from askwell.people.models import Organization, Person, Role
from askwell.sso.models import SsoLogin
from tests.conftest import PASSWORD, World
from tests.sso.conftest import CLIENT_ID, DOMAIN, TIMEOUT, Provider, configure, start

# The provider stand-in is built on authlib's server, which warns about its own deprecated calls.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:authlib.*")


def people_with(db: Session, email: str) -> list[Person]:
    db.expire_all()
    return list(db.scalars(select(Person).where(Person.email == email)))


class TestSignIn:
    def test_first_sign_in_creates_a_member(
        self,
        client: TestClient,
        db: Session,
        world: World,
        org: Organization,
        admin: Person,
        provider: Provider,
    ) -> None:
        configure(db, world, admin, provider)
        provider.user("grace", email=f"grace@{DOMAIN}", email_verified=True, name="Grace Hopper")

        back = provider.authorize(start(client, org.slug), "grace")
        response = client.get(back)

        assert response.status_code == 303, response.text
        assert response.headers["location"].startswith("/asks")
        assert client.cookies.get("askwell_session")
        [person] = people_with(db, f"grace@{DOMAIN}")
        assert (person.org_id, person.name, person.role, person.password_hash) == (
            org.id,
            "Grace Hopper",
            "member",
            None,
        )
        me = client.get("/api/v1/me")
        assert me.status_code == 200 and me.json()["email"] == f"grace@{DOMAIN}"

    def test_an_existing_person_signs_in_as_themselves(
        self,
        client: TestClient,
        db: Session,
        world: World,
        org: Organization,
        admin: Person,
        provider: Provider,
    ) -> None:
        configure(db, world, admin, provider)
        provider.user("ada", email=f"ADA@{DOMAIN}", email_verified=True)

        response = client.get(provider.authorize(start(client, org.slug), "ada"))

        assert response.status_code == 303
        assert [p.id for p in people_with(db, f"ada@{DOMAIN}")] == [admin.id]
        assert client.get("/api/v1/me").json()["id"] == admin.id

    def test_an_unverified_email_is_refused(
        self,
        client: TestClient,
        db: Session,
        world: World,
        org: Organization,
        admin: Person,
        provider: Provider,
    ) -> None:
        configure(db, world, admin, provider)
        provider.user("eve", email=f"eve@{DOMAIN}", email_verified=False)

        response = client.get(provider.authorize(start(client, org.slug), "eve"))

        assert response.status_code == 401
        assert "not verified" in response.text
        assert people_with(db, f"eve@{DOMAIN}") == []
        assert not client.cookies.get("askwell_session")

    def test_a_domain_that_is_not_allowed_is_refused(
        self,
        client: TestClient,
        db: Session,
        world: World,
        org: Organization,
        admin: Person,
        provider: Provider,
    ) -> None:
        configure(db, world, admin, provider)
        provider.user("mallory", email="mallory@evil.example.org", email_verified=True)

        response = client.get(provider.authorize(start(client, org.slug), "mallory"))

        assert response.status_code == 401
        assert "evil.example.org" in response.text
        assert people_with(db, "mallory@evil.example.org") == []


class TestTamperedCallbacks:
    def test_a_state_that_this_browser_did_not_start_is_refused(
        self,
        client: TestClient,
        db: Session,
        world: World,
        org: Organization,
        admin: Person,
        provider: Provider,
    ) -> None:
        configure(db, world, admin, provider)
        provider.user("grace", email=f"grace@{DOMAIN}", email_verified=True)
        back = provider.authorize(start(client, org.slug), "grace")
        client.cookies.delete("askwell_oidc_state")

        assert client.get(back).status_code == 400
        assert people_with(db, f"grace@{DOMAIN}") == []

    def test_a_forged_state_is_refused(
        self,
        client: TestClient,
        db: Session,
        world: World,
        org: Organization,
        admin: Person,
        provider: Provider,
    ) -> None:
        configure(db, world, admin, provider)
        provider.user("grace", email=f"grace@{DOMAIN}", email_verified=True)
        back = urlsplit(provider.authorize(start(client, org.slug), "grace"))
        query = parse_qs(back.query)
        forged = urlencode({"code": query["code"][0], "state": "forged-state"})
        client.cookies.set("askwell_oidc_state", "forged-state", path="/auth/oidc/")

        assert client.get(f"{back.path}?{forged}").status_code == 400

    def test_a_callback_is_good_once(
        self,
        client: TestClient,
        db: Session,
        world: World,
        org: Organization,
        admin: Person,
        provider: Provider,
    ) -> None:
        configure(db, world, admin, provider)
        provider.user("grace", email=f"grace@{DOMAIN}", email_verified=True)
        url = start(client, org.slug)
        state = parse_qs(urlsplit(url).query)["state"][0]
        back = provider.authorize(url, "grace")
        assert client.get(back).status_code == 303
        client.cookies.set("askwell_oidc_state", state, path="/auth/oidc/")
        assert client.get(back).status_code == 400

    def test_a_nonce_other_than_the_one_sent_is_refused(
        self,
        client: TestClient,
        db: Session,
        world: World,
        org: Organization,
        admin: Person,
        provider: Provider,
    ) -> None:
        configure(db, world, admin, provider)
        provider.user("grace", email=f"grace@{DOMAIN}", email_verified=True)
        back = provider.authorize(start(client, org.slug), "grace")
        db.execute(update(SsoLogin).values(nonce="another-nonce"))
        db.commit()

        response = client.get(back)

        assert response.status_code == 401
        assert "nonce" in response.text
        assert people_with(db, f"grace@{DOMAIN}") == []

    def test_an_expired_sign_in_is_refused(
        self,
        client: TestClient,
        db: Session,
        world: World,
        org: Organization,
        admin: Person,
        provider: Provider,
        clock: FrozenClock,
    ) -> None:
        configure(db, world, admin, provider)
        provider.user("grace", email=f"grace@{DOMAIN}", email_verified=True)
        back = provider.authorize(start(client, org.slug), "grace")
        clock.advance(timedelta(minutes=11))
        assert client.get(back).status_code == 400

    def test_another_organizations_slug_cannot_finish_it(
        self,
        client: TestClient,
        db: Session,
        world: World,
        org: Organization,
        admin: Person,
        provider: Provider,
    ) -> None:
        """A sign-in started for Acme, brought back to Globex's callback (Globex uses the same provider
        and allows the domain): it is Acme's state, so Globex refuses it, and nobody joins Globex."""
        configure(db, world, admin, provider)
        globex = world.org("Globex")
        globex_admin = world.person(globex, "Gus", role=Role.ADMIN, email="gus@globex.example.net")
        configure(db, world, globex_admin, provider, domains=[DOMAIN, "globex.example.net"])
        provider.user("grace", email=f"grace@{DOMAIN}", email_verified=True)
        back = urlsplit(provider.authorize(start(client, org.slug), "grace"))

        response = client.get(f"/auth/oidc/{globex.slug}/callback?{back.query}")

        assert response.status_code == 400
        assert people_with(db, f"grace@{DOMAIN}") == []

    def test_the_providers_error_is_shown_not_a_500(
        self,
        client: TestClient,
        db: Session,
        world: World,
        org: Organization,
        admin: Person,
        provider: Provider,
    ) -> None:
        configure(db, world, admin, provider)
        url = start(client, org.slug)
        state = parse_qs(urlsplit(url).query)["state"][0]
        response = client.get(
            f"/auth/oidc/{org.slug}/callback", params={"error": "access_denied", "state": state}
        )
        assert response.status_code == 401 and "access_denied" in response.text

    @pytest.mark.parametrize(
        "path",
        [
            "/auth/oidc/no-such-org/login",
            "/auth/oidc/no-such-org/callback?code=x&state=y",
            "/auth/oidc/UPPER/login",
            "/auth/oidc/acme-1/callback",
            "/auth/oidc/acme-1/callback?state=" + "x" * 300,
            "/auth/oidc/start?organization=%00%ff",
            "/auth/oidc/start",
        ],
    )
    def test_bad_input_never_answers_5xx(self, client: TestClient, org: Organization, path: str) -> None:
        response = client.get(path)
        assert response.status_code < 500
        assert response.status_code in {303, 400, 404, 422}


class TestIdTokenValidation:
    def _token_for(self, provider: Provider, *, client_id: str, nonce: str) -> str:
        """An ID token the provider issues to ``client_id`` (driven directly, as another app would)."""
        provider.user("grace", email=f"grace@{DOMAIN}", email_verified=True)
        redirect_uri = "http://other.test/cb"
        authorize = httpx.post(
            f"{provider.issuer}/oauth2/authorize",
            params={
                "client_id": client_id,
                "redirect_uri": redirect_uri,
                "response_type": "code",
                "scope": "openid email",
                "nonce": nonce,
            },
            data={"sub": "grace"},
            timeout=TIMEOUT,
        )
        code = parse_qs(urlsplit(authorize.headers["location"]).query)["code"][0]
        token = httpx.post(
            f"{provider.issuer}/oauth2/token",
            data={"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri},
            auth=(client_id, "whatever"),
            timeout=TIMEOUT,
        )
        return str(token.json()["id_token"])

    def test_a_token_for_another_audience_is_refused(self, provider: Provider, clock: FrozenClock) -> None:
        found = oidc.discover(provider.issuer, timeout=TIMEOUT, allow_private=True)
        token = self._token_for(provider, client_id="some-other-app", nonce="n-1")
        kwargs = {
            "provider": found,
            "nonce": "n-1",
            "now": clock.now(),
            "timeout": TIMEOUT,
            "allow_private": True,
        }
        assert oidc.validate(token, client_id="some-other-app", **kwargs)["email"] == f"grace@{DOMAIN}"
        with pytest.raises(oidc.OidcError, match="aud"):
            oidc.validate(token, client_id=CLIENT_ID, **kwargs)

    def test_expired_wrong_issuer_and_bad_signature_are_refused(
        self, provider: Provider, clock: FrozenClock
    ) -> None:
        found = oidc.discover(provider.issuer, timeout=TIMEOUT, allow_private=True)
        token = self._token_for(provider, client_id=CLIENT_ID, nonce="n-2")
        jwks = httpx.get(found.jwks_uri, timeout=TIMEOUT).json()
        args = {"jwks": jwks, "client_id": CLIENT_ID, "nonce": "n-2"}
        assert oidc.validate_with_keys(token, issuer=found.issuer, now=clock.now(), **args)["sub"] == "grace"
        with pytest.raises(oidc.OidcError, match="exp"):
            oidc.validate_with_keys(token, issuer=found.issuer, now=clock.now() + timedelta(days=2), **args)
        with pytest.raises(oidc.OidcError, match="iss"):
            oidc.validate_with_keys(token, issuer="https://idp.example.com", now=clock.now(), **args)
        with pytest.raises(oidc.OidcError, match="nonce"):
            oidc.validate_with_keys(token, issuer=found.issuer, now=clock.now(), **{**args, "nonce": "other"})
        head, body, signature = token.split(".")
        forged = f"{head}.{body}.{signature[:-4]}AAAA"
        with pytest.raises(oidc.OidcError, match="signature"):
            oidc.validate_with_keys(forged, issuer=found.issuer, now=clock.now(), **args)


class TestSsoOnly:
    def test_password_sign_in_is_refused_with_a_clear_message(
        self,
        client: TestClient,
        db: Session,
        world: World,
        org: Organization,
        admin: Person,
        provider: Provider,
    ) -> None:
        person = world.person(org, "Pat", email=f"pat@{DOMAIN}", password=PASSWORD)
        configure(db, world, admin, provider, sso_only=True)
        client.get("/signin")
        response = client.post(
            "/signin",
            data={
                "email": person.email,
                "password": PASSWORD,
                "csrf_token": client.cookies.get("askwell_csrf") or "",
            },
        )
        assert response.status_code == 403
        assert "single sign-on only" in response.text
        assert "/auth/oidc/start" in response.text
        assert not client.cookies.get("askwell_session")

    def test_without_sso_only_passwords_still_work(
        self,
        client: TestClient,
        db: Session,
        world: World,
        org: Organization,
        admin: Person,
        provider: Provider,
    ) -> None:
        person = world.person(org, "Pat", email=f"pat@{DOMAIN}", password=PASSWORD)
        configure(db, world, admin, provider, sso_only=False)
        client.get("/signin")
        response = client.post(
            "/signin",
            data={
                "email": person.email,
                "password": PASSWORD,
                "csrf_token": client.cookies.get("askwell_csrf") or "",
            },
        )
        assert response.status_code == 303
