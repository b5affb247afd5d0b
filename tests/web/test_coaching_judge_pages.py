"""The live coaching on the ask form and the API coach with the learned judgement the app was handed,
and with the rules alone when it was handed none."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from fastapi import FastAPI
from fastapi.testclient import TestClient

from askwell.asks.coaching.judge import Judge
from askwell.core.edges import Edges
from askwell.matching.judge import coaching_judge
from askwell.people.models import Person
from tests.api.conftest import bearer
from tests.asks.test_coaching_judge import STORY, stand_in_encode, stand_in_model
from tests.conftest import World
from tests.web.conftest import post

__all__ = ["bearer"]
SignIn = Callable[[Person], TestClient]
STAKES = "It says what is at stake"


def with_judge(app: FastAPI) -> None:
    ctx = app.state.ctx
    app.state.ctx = replace(
        ctx, edges=replace(ctx.edges, coaching_judge=Judge(stand_in_model(), stand_in_encode))
    )


class TestLiveCoaching:
    def test_the_form_coaches_with_the_judge_it_was_handed(
        self, app: FastAPI, world: World, signed_in: SignIn
    ) -> None:
        with_judge(app)
        r = post(signed_in(world.person(world.org())), "/asks/coach", {"title": "", "body": STORY})
        assert r.status_code == 200
        assert STAKES in r.text and "We&#39;ve had to send every STAT sample" in r.text

    def test_without_one_the_rules_decide(self, world: World, signed_in: SignIn) -> None:
        r = post(signed_in(world.person(world.org())), "/asks/coach", {"title": "", "body": STORY})
        assert r.status_code == 200
        assert STAKES not in r.text


class TestApiCoach:
    def test_the_api_coaches_with_the_judge_it_was_handed(
        self, app: FastAPI, client: TestClient, world: World, bearer: Callable[[Person], dict[str, str]]
    ) -> None:
        with_judge(app)
        r = client.post("/api/v1/coach", json={"text": STORY}, headers=bearer(world.person(world.org())))
        assert r.status_code == 200
        m = next(c for c in r.json()["criteria"] if c["criterion"] == "M")
        assert m["status"] == "met" and m["reason"].startswith(STAKES)


class TestWhichJudge:
    def test_none_handed_in_means_the_rules_alone(self) -> None:
        assert coaching_judge(Edges(coaching_judge=None)) is None

    def test_a_stand_in_encoder_means_the_rules_alone(self) -> None:
        # A judge trained on the real model's vectors would read nonsense from a stand-in's.
        assert coaching_judge(Edges(encode=stand_in_encode)) is None
