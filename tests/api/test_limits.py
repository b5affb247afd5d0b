"""Oversized bodies are refused before anything reads them."""

from fastapi.testclient import TestClient

from tests.conftest import World


def test_a_huge_body_is_413_with_a_clear_message(client: TestClient, world: World) -> None:
    person = world.person(world.org())
    headers = {"Authorization": f"Bearer {world.api_token(person)}", "content-type": "application/json"}
    r = client.post("/api/v1/asks", content=b"x" * (6 * 1024 * 1024), headers=headers)
    assert r.status_code == 413
    assert r.json()["error"] == "RequestTooLarge"


def _chunks(total: int, size: int = 64 * 1024):
    sent = 0
    while sent < total:
        yield b"x" * size
        sent += size


def test_a_chunked_body_without_length_is_counted_and_refused(client: TestClient, world: World) -> None:
    person = world.person(world.org())
    headers = {"Authorization": f"Bearer {world.api_token(person)}", "content-type": "application/json"}
    r = client.post("/api/v1/asks", content=_chunks(8 * 1024 * 1024), headers=headers)
    assert r.status_code == 413
    assert r.json()["error"] == "RequestTooLarge"


def test_an_anonymous_chunked_form_is_refused_before_it_is_read(client: TestClient) -> None:
    headers = {"content-type": "application/x-www-form-urlencoded"}
    r = client.post("/signin", content=_chunks(8 * 1024 * 1024), headers=headers)
    assert r.status_code == 413
    assert "too large" in r.text


def test_a_small_chunked_body_still_works(client: TestClient, world: World) -> None:
    person = world.person(world.org())
    headers = {"Authorization": f"Bearer {world.api_token(person)}", "content-type": "application/json"}
    body = b'{"title": "Review the retry logic in PR 4412", "body": "It blocks the release."}'
    r = client.post("/api/v1/asks", content=iter([body[:20], body[20:]]), headers=headers)
    assert r.status_code != 413
    assert r.status_code < 500
