"""Oversized bodies are refused before anything reads them."""

from fastapi.testclient import TestClient

from tests.conftest import World


def test_a_huge_body_is_413_with_a_clear_message(client: TestClient, world: World) -> None:
    person = world.person(world.org())
    headers = {"Authorization": f"Bearer {world.api_token(person)}", "content-type": "application/json"}
    r = client.post("/api/v1/asks", content=b"x" * (6 * 1024 * 1024), headers=headers)
    assert r.status_code == 413
    assert r.json()["error"] == "RequestTooLarge"
