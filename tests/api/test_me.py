from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from askwell.people.models import Person
from tests.conftest import World, csrf

Bearer = Callable[[Person], dict[str, str]]
SignIn = Callable[[Person], TestClient]


class TestGetMe:
    def test_anonymous(self, client: TestClient) -> None:
        r = client.get("/api/v1/me")
        assert r.status_code == 401
        assert r.json()["error"] == "NotAuthenticated"
        assert r.headers["www-authenticate"] == "Bearer"

    def test_valid(self, client: TestClient, world: World, bearer: Bearer) -> None:
        person = world.person(world.org(), "Grace Hopper", skills=["COBOL", "Compilers"])
        r = client.get("/api/v1/me", headers=bearer(person))
        assert r.status_code == 200
        assert r.json()["name"] == "Grace Hopper"
        assert r.json()["skills"] == ["COBOL", "Compilers"]
        assert r.json()["role"] == "member"

    def test_other_org(self, client: TestClient, world: World, bearer: Bearer) -> None:
        world.person(world.org("Acme"), "Ada")
        person = world.person(world.org("Globex"), "Grace")
        assert client.get("/api/v1/me", headers=bearer(person)).json()["name"] == "Grace"

    def test_insufficient_role_deactivated_account_is_refused(
        self, client: TestClient, world: World, bearer: Bearer, db: Session
    ) -> None:
        person = world.person(world.org(), "Grace")
        headers = bearer(person)
        person.is_active = False
        db.commit()
        assert client.get("/api/v1/me", headers=headers).status_code == 401

    def test_unknown_token_is_401(self, client: TestClient) -> None:
        r = client.get("/api/v1/me", headers={"Authorization": "Bearer aw_nonsense"})
        assert r.status_code == 401

    def test_session_cookie_works_too(self, client: TestClient, world: World, signed_in: SignIn) -> None:
        signed_in(world.person(world.org(), "Grace"))
        assert client.get("/api/v1/me").json()["name"] == "Grace"


class TestPatchMe:
    def test_anonymous(self, client: TestClient) -> None:
        r = client.patch("/api/v1/me", json={"title": "Admiral"}, headers=csrf(client))
        assert r.status_code == 401

    def test_valid_changes_only_the_fields_sent(
        self, client: TestClient, world: World, bearer: Bearer
    ) -> None:
        person = world.person(world.org(), "Grace", skills=["COBOL"], title="Engineer")
        r = client.patch(
            "/api/v1/me",
            json={"title": "Rear Admiral", "skills": ["Compilers", "compilers", " COBOL "]},
            headers=bearer(person),
        )
        assert r.status_code == 200
        body = r.json()
        assert body["title"] == "Rear Admiral"
        assert body["skills"] == ["Compilers", "COBOL"]
        assert body["name"] == "Grace"
        assert client.get("/api/v1/me", headers=bearer(person)).json()["title"] == "Rear Admiral"

    def test_away_until_null_clears_the_absence(
        self, client: TestClient, world: World, bearer: Bearer
    ) -> None:
        headers = bearer(world.person(world.org()))
        assert (
            client.patch("/api/v1/me", json={"away_until": "2026-04-01"}, headers=headers).json()[
                "away_until"
            ]
            == "2026-04-01"
        )
        assert (
            client.patch("/api/v1/me", json={"away_until": None}, headers=headers).json()["away_until"]
            is None
        )

    def test_other_org_profile_is_untouched(self, client: TestClient, world: World, bearer: Bearer) -> None:
        mine = world.person(world.org("Globex"), "Grace")
        theirs = world.person(world.org("Acme"), "Ada", title="Countess")
        client.patch("/api/v1/me", json={"title": "Admiral"}, headers=bearer(mine))
        assert client.get("/api/v1/me", headers=bearer(theirs)).json()["title"] == "Countess"

    def test_insufficient_role_cannot_change_role_or_email(
        self, client: TestClient, world: World, bearer: Bearer
    ) -> None:
        headers = bearer(world.person(world.org()))
        for body in ({"role": "admin"}, {"email": "me@evil.example"}):
            r = client.patch("/api/v1/me", json=body, headers=headers)
            assert r.status_code == 422
        assert client.get("/api/v1/me", headers=headers).json()["role"] == "member"

    def test_bad_input_names_the_field(self, client: TestClient, world: World, bearer: Bearer) -> None:
        headers = bearer(world.person(world.org()))
        r = client.patch("/api/v1/me", json={"timezone": "Mars/Olympus", "name": ""}, headers=headers)
        assert r.status_code == 422
        assert r.json()["error"] == "InvalidInput"
        assert {f["field"] for f in r.json()["fields"]} == {"body.timezone", "body.name"}

    def test_null_name_is_refused(self, client: TestClient, world: World, bearer: Bearer) -> None:
        r = client.patch("/api/v1/me", json={"name": None}, headers=bearer(world.person(world.org())))
        assert r.status_code == 422
        assert "may not be null" in r.text

    def test_non_json_and_wrong_types_are_422(self, client: TestClient, world: World, bearer: Bearer) -> None:
        headers = bearer(world.person(world.org()))
        not_json = client.patch(
            "/api/v1/me", content=b"name=Grace", headers={**headers, "Content-Type": "text/plain"}
        )
        broken = client.patch(
            "/api/v1/me", content=b"{not json", headers={**headers, "Content-Type": "application/json"}
        )
        wrong = client.patch(
            "/api/v1/me", json={"skills": "COBOL", "suggestible": "perhaps"}, headers=headers
        )
        listed = client.patch("/api/v1/me", json=["name"], headers=headers)
        assert [r.status_code for r in (not_json, broken, wrong, listed)] == [422, 422, 422, 422]

    def test_session_without_csrf_token_is_refused(
        self, client: TestClient, world: World, signed_in: SignIn
    ) -> None:
        signed_in(world.person(world.org()))
        r = client.patch("/api/v1/me", json={"title": "Admiral"})
        assert r.status_code == 403
        assert r.json()["error"] == "CsrfFailed"
        assert client.patch("/api/v1/me", json={"title": "Admiral"}, headers=csrf(client)).status_code == 200
