from fastapi.testclient import TestClient

from tests.conftest import World


class TestMe:
    def test_anonymous_gets_401_as_json(self, client: TestClient) -> None:
        r = client.get("/api/v1/me")
        assert r.status_code == 401
        assert r.json()["error"] == "NotAuthenticated"

    def test_token_identifies_the_person(self, client: TestClient, world: World) -> None:
        person = world.person(world.org(), "Grace Hopper", skills=["COBOL", "Compilers"])
        r = client.get("/api/v1/me", headers={"Authorization": f"Bearer {world.api_token(person)}"})
        assert r.status_code == 200
        assert r.json()["name"] == "Grace Hopper"
        assert r.json()["skills"] == ["COBOL", "Compilers"]

    def test_unknown_token_is_401(self, client: TestClient) -> None:
        r = client.get("/api/v1/me", headers={"Authorization": "Bearer aw_nonsense"})
        assert r.status_code == 401
