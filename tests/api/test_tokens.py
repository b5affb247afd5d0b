from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from askwell.people.models import Person, Role
from tests.conftest import World, csrf

Bearer = Callable[[Person], dict[str, str]]
SignIn = Callable[[Person], TestClient]


class TestListTokens:
    def test_anonymous(self, client: TestClient) -> None:
        assert client.get("/api/v1/tokens").status_code == 401

    def test_valid_never_shows_secrets(self, client: TestClient, world: World, bearer: Bearer) -> None:
        headers = bearer(world.person(world.org()))
        secret = headers["Authorization"].removeprefix("Bearer ")
        r = client.get("/api/v1/tokens", headers=headers)
        assert r.status_code == 200
        assert [t["name"] for t in r.json()] == ["test"]
        assert "token" not in r.json()[0]
        assert secret not in r.text
        assert secret.startswith(r.json()[0]["prefix"])

    def test_other_org(self, client: TestClient, world: World, bearer: Bearer) -> None:
        bearer(world.person(world.org("Acme")))
        headers = bearer(world.person(world.org("Globex"), role=Role.ADMIN))
        assert len(client.get("/api/v1/tokens", headers=headers).json()) == 1

    def test_insufficient_role_even_admins_see_only_their_own(
        self, client: TestClient, world: World, bearer: Bearer
    ) -> None:
        org = world.org()
        bearer(world.person(org))
        headers = bearer(world.person(org, role=Role.ADMIN))
        assert len(client.get("/api/v1/tokens", headers=headers).json()) == 1


class TestCreateToken:
    def test_anonymous(self, client: TestClient) -> None:
        assert client.post("/api/v1/tokens", json={"name": "ci"}, headers=csrf(client)).status_code == 401

    def test_valid_returns_the_secret_once_and_it_works(
        self, client: TestClient, world: World, bearer: Bearer, signed_in: SignIn
    ) -> None:
        person = world.person(world.org(), "Grace")
        signed_in(person)
        r = client.post("/api/v1/tokens", json={"name": "laptop"}, headers=csrf(client))
        assert r.status_code == 201
        secret = r.json()["token"]
        assert secret.startswith("aw_")
        assert (
            client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).json()["name"] == "Grace"
        )
        listed = client.get("/api/v1/tokens", headers=bearer(person))
        assert secret not in listed.text

    def test_a_token_cannot_mint_another(self, client: TestClient, world: World, bearer: Bearer) -> None:
        headers = bearer(world.person(world.org()))
        r = client.post("/api/v1/tokens", json={"name": "shadow"}, headers=headers)
        assert (r.status_code, r.json()["error"]) == (403, "NotAllowed")
        assert len(client.get("/api/v1/tokens", headers=headers).json()) == 1

    def test_other_org_token_stays_in_its_org(
        self, client: TestClient, world: World, signed_in: SignIn
    ) -> None:
        world.person(world.org("Acme"), "Ada")
        me = world.person(world.org("Globex"), "Grace")
        signed_in(me)
        secret = client.post("/api/v1/tokens", json={"name": "x"}, headers=csrf(client)).json()["token"]
        client.cookies.clear()
        body = client.get("/api/v1/people", headers={"Authorization": f"Bearer {secret}"}).json()
        assert [p["name"] for p in body["items"]] == ["Grace"]

    def test_insufficient_role_a_session_needs_the_csrf_token(
        self, client: TestClient, world: World, signed_in: SignIn
    ) -> None:
        signed_in(world.person(world.org()))
        assert client.post("/api/v1/tokens", json={"name": "x"}).status_code == 403
        assert client.post("/api/v1/tokens", json={"name": "x"}, headers=csrf(client)).status_code == 201

    @pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "x" * 81}, {"name": ["a"]}])
    def test_bad_input(self, client: TestClient, world: World, bearer: Bearer, body: object) -> None:
        assert (
            client.post("/api/v1/tokens", json=body, headers=bearer(world.person(world.org()))).status_code
            == 422
        )


class TestRevokeToken:
    def test_anonymous(self, client: TestClient, world: World, bearer: Bearer) -> None:
        headers = bearer(world.person(world.org()))
        token_id = client.get("/api/v1/tokens", headers=headers).json()[0]["id"]
        assert client.delete(f"/api/v1/tokens/{token_id}", headers=csrf(client)).status_code == 401

    def test_valid_revocation_takes_effect_immediately(
        self, client: TestClient, world: World, bearer: Bearer
    ) -> None:
        person = world.person(world.org())
        keep = bearer(person)
        doomed = bearer(person)
        secret = doomed["Authorization"].removeprefix("Bearer ")
        [created] = [
            t for t in client.get("/api/v1/tokens", headers=keep).json() if secret.startswith(t["prefix"])
        ]
        assert client.get("/api/v1/me", headers=doomed).status_code == 200
        assert client.delete(f"/api/v1/tokens/{created['id']}", headers=keep).status_code == 204
        assert client.get("/api/v1/me", headers=doomed).status_code == 401
        assert client.get("/api/v1/me", headers=keep).status_code == 200
        listed = {t["id"]: t for t in client.get("/api/v1/tokens", headers=keep).json()}
        assert listed[created["id"]]["revoked_at"] is not None

    def test_a_token_may_revoke_itself(self, client: TestClient, world: World, bearer: Bearer) -> None:
        headers = bearer(world.person(world.org()))
        token_id = client.get("/api/v1/tokens", headers=headers).json()[0]["id"]
        assert client.delete(f"/api/v1/tokens/{token_id}", headers=headers).status_code == 204
        assert client.get("/api/v1/tokens", headers=headers).status_code == 401

    def test_other_org(self, client: TestClient, world: World, bearer: Bearer) -> None:
        victim = bearer(world.person(world.org("Acme")))
        token_id = client.get("/api/v1/tokens", headers=victim).json()[0]["id"]
        admin = bearer(world.person(world.org("Globex"), role=Role.ADMIN))
        assert client.delete(f"/api/v1/tokens/{token_id}", headers=admin).status_code == 404
        assert client.get("/api/v1/me", headers=victim).status_code == 200

    def test_insufficient_role_an_admin_cannot_revoke_a_colleagues_token(
        self, client: TestClient, world: World, bearer: Bearer
    ) -> None:
        org = world.org()
        colleague = bearer(world.person(org))
        token_id = client.get("/api/v1/tokens", headers=colleague).json()[0]["id"]
        admin = bearer(world.person(org, role=Role.ADMIN))
        assert client.delete(f"/api/v1/tokens/{token_id}", headers=admin).status_code == 404
        assert client.get("/api/v1/me", headers=colleague).status_code == 200

    def test_bad_input(self, client: TestClient, world: World, bearer: Bearer) -> None:
        headers = bearer(world.person(world.org()))
        assert client.delete("/api/v1/tokens/all", headers=headers).status_code == 422
        assert client.delete(f"/api/v1/tokens/{10**40}", headers=headers).status_code == 422
