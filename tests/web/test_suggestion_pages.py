"""The "Who can help" panel on the ask page, and asking a suggested person directly in one click."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from askwell.asks.models import AskAudience
from askwell.notifications.models import Notification
from askwell.people.models import Person
from tests.conftest import World
from tests.matching.conftest import FakeEncoder, NewAsk, _fresh_indexes, new_ask
from tests.web.conftest import csrf_refused, post

__all__ = ["_fresh_indexes", "new_ask"]

K8S = "Our Kubernetes ingress drops websocket connections after an upgrade"
SignIn = Callable[[Person], TestClient]


@pytest.fixture
def app(app: FastAPI) -> FastAPI:
    app.state.ctx = replace(app.state.ctx, edges=replace(app.state.ctx.edges, encode=FakeEncoder()))
    return app


class TestPanel:
    def test_the_ask_page_loads_the_panel_for_the_asker_only(
        self, world: World, new_ask: NewAsk, signed_in: SignIn
    ) -> None:
        org = world.org()
        asker, colleague = world.person(org, "Asker"), world.person(org, "Colleague")
        ask = new_ask(asker, K8S)

        page = signed_in(asker).get(f"/asks/{ask.id}").text
        assert f'hx-get="/asks/{ask.id}/suggestions" hx-trigger="load"' in page
        assert f'hx-get="/asks/{ask.id}/suggestions"' not in signed_in(colleague).get(f"/asks/{ask.id}").text

    def test_the_panel_lists_people_with_reasons_and_a_button_to_ask_them(
        self, world: World, new_ask: NewAsk, signed_in: SignIn
    ) -> None:
        org = world.org()
        asker = world.person(org, "Asker")
        kim = world.person(org, "Kim", skills=["Kubernetes", "Ingress"])
        ask = new_ask(asker, K8S, tags=["Kubernetes"])

        r = signed_in(asker).get(f"/asks/{ask.id}/suggestions", headers={"HX-Request": "true"})

        assert r.status_code == 200
        assert "Kim" in r.text and "Knows about Kubernetes" in r.text
        assert f'action="/asks/{ask.id}/suggestions/{kim.id}/ask"' in r.text
        assert "<script" not in r.text and "style=" not in r.text

    def test_someone_else_gets_403_and_another_org_404(
        self, world: World, new_ask: NewAsk, signed_in: SignIn
    ) -> None:
        org = world.org()
        asker, colleague = world.person(org, "Asker"), world.person(org, "Colleague")
        outsider = world.person(world.org("Other"), "Outsider")
        ask = new_ask(asker, K8S)

        assert signed_in(colleague).get(f"/asks/{ask.id}/suggestions").status_code == 403
        assert signed_in(outsider).get(f"/asks/{ask.id}/suggestions").status_code == 404

    def test_anonymous_is_sent_to_sign_in(self, client: TestClient) -> None:
        r = client.get("/asks/1/suggestions")
        assert r.status_code == 303 and r.headers["location"].startswith("/signin")


class TestAskDirectly:
    def test_one_click_shares_the_ask_and_notifies_once(
        self, db: Session, world: World, new_ask: NewAsk, signed_in: SignIn
    ) -> None:
        org = world.org()
        asker = world.person(org, "Asker")
        kim = world.person(org, "Kim", skills=["Kubernetes"])
        ask = new_ask(asker, K8S)
        client = signed_in(asker)

        for _ in range(2):
            r = post(client, f"/asks/{ask.id}/suggestions/{kim.id}/ask")
            assert r.status_code == 303 and r.headers["location"].startswith(f"/asks/{ask.id}?flash=Asked")

        shared = db.scalars(select(AskAudience).where(AskAudience.ask_id == ask.id)).all()
        assert [a.person_id for a in shared] == [kim.id]
        told = db.scalars(select(Notification).where(Notification.person_id == kim.id)).all()
        assert len(told) == 1
        panel = client.get(f"/asks/{ask.id}/suggestions").text
        assert f'action="/asks/{ask.id}/suggestions/{kim.id}/ask"' not in panel

    def test_without_the_csrf_token_nothing_happens(
        self, db: Session, world: World, new_ask: NewAsk, signed_in: SignIn
    ) -> None:
        org = world.org()
        asker, kim = world.person(org, "Asker"), world.person(org, "Kim")
        ask = new_ask(asker, K8S)

        r = signed_in(asker).post(f"/asks/{ask.id}/suggestions/{kim.id}/ask")

        assert csrf_refused(r)
        assert db.scalars(select(AskAudience).where(AskAudience.ask_id == ask.id)).all() == []

    def test_asking_yourself_is_refused_with_a_message(
        self, world: World, new_ask: NewAsk, signed_in: SignIn
    ) -> None:
        org = world.org()
        asker = world.person(org, "Asker")
        ask = new_ask(asker, K8S)

        r = post(signed_in(asker), f"/asks/{ask.id}/suggestions/{asker.id}/ask")

        assert r.status_code == 303 and "yourself" in r.headers["location"]
