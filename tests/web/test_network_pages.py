"""The network pages: my network, finding connectors, introductions, dormant ties, health."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from askwell.asks.models import Ask
from askwell.network.actions import IntroAction, IntroFacts, intro_actions, intro_refusal
from askwell.network.models import Introduction, IntroStatus
from askwell.people.models import Person, Role
from tests.conftest import World
from tests.matching.conftest import FakeEncoder, _fresh_indexes
from tests.network import conftest as fixtures
from tests.network.conftest import Circle, Tied
from tests.web.conftest import csrf_refused, post

# The network tests' fixtures, used here too.
ask_for, circle, tie = fixtures.ask_for, fixtures.circle, fixtures.tie
__all__ = ["_fresh_indexes"]


@pytest.fixture
def app(app: FastAPI) -> FastAPI:
    """An ask's introductions come from matching's ranking: a deterministic encoder stands in for the model."""
    app.state.ctx = replace(app.state.ctx, edges=replace(app.state.ctx.edges, encode=FakeEncoder()))
    return app


SignedIn = Callable[[Person], TestClient]


class TestMyNetwork:
    def test_anonymous_goes_to_sign_in(self, client: TestClient) -> None:
        answer = client.get("/network")
        assert answer.status_code == 303 and answer.headers["location"].startswith("/signin")

    def test_picture_and_lists(self, signed_in: SignedIn, world: World, tie: Tied) -> None:
        org = world.org()
        me, friend, their_friend, old = (
            world.person(org, n) for n in ("Me Me", "Fay Friend", "Tom Two", "Olly Old")
        )
        tie(me, friend)
        tie(friend, their_friend)
        tie(me, old, days_ago=400)
        page = signed_in(me).get("/network")
        assert page.status_code == 200
        html = page.text
        assert "<svg" in html and "style=" not in html and "<script>" not in html
        assert "Fay Friend" in html and "1 person through" in html and "Olly Old" in html
        assert "Tom Two" not in html  # whom a tie knows is theirs to share
        # Strength in words from the tie's evidence (three help-given interactions), never a percentage.
        assert "3 times in the last 2 days, most recently today, through help given" in html
        assert "strength" not in html.lower() and not re.search(r">[^<]*\d%[^<]*<", html)

    def test_query_names_the_person_who_matches_and_who_can_introduce_them(
        self, signed_in: SignedIn, circle: Circle
    ) -> None:
        html = signed_in(circle.ana).get("/network", params={"q": "SOC 2 audits"}).text
        assert "Ask Carl Connector to introduce you to Tess Target" in html
        assert f'name="target_id" value="{circle.tess.id}"' in html
        assert '<span class="chip">SOC 2 audits</span>' in html  # her skill as written


class TestRequestIntroForm:
    def test_valid_request_goes_to_the_introduction(
        self, signed_in: SignedIn, circle: Circle, db: Session
    ) -> None:
        client = signed_in(circle.ana)
        answer = post(
            client, "/network/intros", {"connector_id": str(circle.carl.id), "query": "SOC 2 audits"}
        )
        assert answer.status_code == 303
        intro = db.scalar(select(Introduction))
        assert intro is not None and answer.headers["location"].startswith(f"/network/intros/{intro.id}")

    def test_errors_are_shown_in_place(self, signed_in: SignedIn, circle: Circle, db: Session) -> None:
        client = signed_in(circle.ana)
        answer = post(
            client,
            "/network/intros",
            {"connector_id": str(circle.dan.id), "query": "SOC 2 audits", "message": "kept text"},
        )
        assert answer.status_code == 422
        assert "You have no tie with this person" in answer.text
        assert db.scalar(select(Introduction)) is None

    def test_without_csrf(self, signed_in: SignedIn, circle: Circle) -> None:
        client = signed_in(circle.ana)
        answer = client.post("/network/intros", data={"connector_id": str(circle.carl.id), "query": "SOC 2"})
        assert csrf_refused(answer)


class TestIntroPages:
    def test_connector_then_target_accept(
        self, client: TestClient, world: World, circle: Circle, db: Session
    ) -> None:
        client.cookies.set("askwell_session", world.session_cookie(circle.ana))
        post(
            client,
            "/network/intros",
            {"connector_id": str(circle.carl.id), "target_id": str(circle.tess.id), "query": "SOC 2 audits"},
        )
        intro = db.scalar(select(Introduction))
        assert intro is not None
        assert "Ana Asker → Carl Connector → Tess Target" in client.get(f"/network/intros/{intro.id}").text
        client.cookies.set("askwell_session", world.session_cookie(circle.carl))
        page = client.get(f"/network/intros/{intro.id}")
        assert "Will you introduce Ana Asker to Tess Target?" in page.text
        answer = post(client, f"/network/intros/{intro.id}/connector", {"decision": "accept", "note": "Go!"})
        assert answer.status_code == 303
        client.cookies.set("askwell_session", world.session_cookie(circle.tess))
        assert "would like to introduce you to Ana Asker" in client.get(f"/network/intros/{intro.id}").text
        assert post(client, f"/network/intros/{intro.id}/target", {"decision": "accept"}).status_code == 303
        db.refresh(intro)
        assert intro.status == IntroStatus.TARGET_ACCEPTED
        listing = client.get("/network/intros").text
        assert "Carl Connector introduces Ana Asker" in listing

    def test_invalid_decision_is_a_422_in_place(
        self, signed_in: SignedIn, world: World, circle: Circle, db: Session
    ) -> None:
        client = signed_in(circle.ana)
        post(client, "/network/intros", {"connector_id": str(circle.carl.id), "query": "SOC 2 audits"})
        intro = db.scalar(select(Introduction))
        assert intro is not None
        client.cookies.set("askwell_session", world.session_cookie(circle.carl))
        answer = post(client, f"/network/intros/{intro.id}/connector", {"decision": "maybe"})
        assert answer.status_code == 422 and "Will you introduce" in answer.text

    def test_someone_elses_introduction(
        self, signed_in: SignedIn, world: World, circle: Circle, db: Session
    ) -> None:
        post(
            signed_in(circle.ana), "/network/intros", {"connector_id": str(circle.carl.id), "query": "SOC 2"}
        )
        intro = db.scalar(select(Introduction))
        assert intro is not None
        assert signed_in(circle.dan).get(f"/network/intros/{intro.id}").status_code == 404


class TestIntroPageAgreesWithTheService:
    """Each party sees exactly the form for their step; a step posted out of turn is refused in place."""

    _FORMS = re.compile(r'action="/network/intros/\d+/(connector|target|withdraw)"')
    _STEP = {
        "connector": IntroAction.ANSWER_AS_CONNECTOR,
        "target": IntroAction.ANSWER_AS_TARGET,
        "withdraw": IntroAction.WITHDRAW,
    }

    def test_forms_drawn_are_the_steps_allowed(
        self, signed_in: SignedIn, world: World, circle: Circle, db: Session
    ) -> None:
        post(
            signed_in(circle.ana),
            "/network/intros",
            {"connector_id": str(circle.carl.id), "target_id": str(circle.tess.id), "query": "SOC 2 audits"},
        )
        intro = db.scalar(select(Introduction))
        assert intro is not None
        for status in (IntroStatus.REQUESTED, IntroStatus.CONNECTOR_ACCEPTED, IntroStatus.TARGET_ACCEPTED):
            intro.status = status.value
            db.commit()
            facts = IntroFacts(intro.asker_id, intro.connector_id, intro.target_id, intro.status)
            for person in (circle.ana, circle.carl, circle.tess):
                client = signed_in(person)
                page = client.get(f"/network/intros/{intro.id}")
                if person is circle.tess and status == IntroStatus.REQUESTED:
                    assert page.status_code == 404  # the target learns of it once the connector agrees
                    continue
                drawn = {self._STEP[m] for m in self._FORMS.findall(page.text)}
                allowed = intro_actions(facts, viewer_id=person.id)
                assert drawn == allowed, (status, person.name)
                for step, path in (
                    (IntroAction.ANSWER_AS_CONNECTOR, "connector"),
                    (IntroAction.ANSWER_AS_TARGET, "target"),
                    (IntroAction.WITHDRAW, "withdraw"),
                ):
                    if step in allowed:
                        continue
                    refused = post(client, f"/network/intros/{intro.id}/{path}", {"decision": "accept"})
                    refusal = intro_refusal(facts, step, viewer_id=person.id)
                    assert refusal is not None
                    assert refused.status_code == refusal.status_code, (status, person.name, step)
                    assert refusal.message in refused.text.replace("&#39;", "'")


class TestDormantPage:
    def test_reconnect(
        self, signed_in: SignedIn, world: World, tie: Tied, ask_for: Callable[..., Ask]
    ) -> None:
        org = world.org()
        me, old = world.person(org, "Mia Me"), world.person(org, "Kim Kube", skills=["Kubernetes"])
        tie(me, old, days_ago=400)
        ask_for(me, "Kubernetes capacity planning", tags=["kubernetes"])
        client = signed_in(me)
        html = client.get("/network/dormant").text
        assert "Kim Kube" in html and "Kubernetes capacity planning" in html and "Hi Kim" in html
        answer = post(client, f"/network/dormant/{old.id}/reconnect", {"message": "Hi Kim, coffee?"})
        assert answer.status_code == 303
        assert "Kim Kube" not in client.get("/network/dormant").text


class TestHealthPage:
    def test_admin_sees_aggregates_member_is_refused(self, signed_in: SignedIn, world: World) -> None:
        org = world.org()
        member = world.person(org)
        admin = world.person(org, role=Role.ADMIN)
        for _ in range(4):
            world.person(org)
        assert signed_in(member).get("/network/health").status_code == 403
        page = signed_in(admin).get("/network/health")
        assert page.status_code == 200 and "Ties across teams" in page.text

    def test_lead_of_a_small_team_is_told_why_not_refused(self, signed_in: SignedIn, world: World) -> None:
        """The network page offers leads this link: a small team gets the reason, not "Not allowed"."""
        org = world.org()
        world.team(org, "Red")
        lead = world.person(org, "Lead", lead_of=["Red"], teams=["Red"])
        world.person(org, "Red 1", teams=["Red"])
        client = signed_in(lead)
        assert 'href="/network/health"' in client.get("/network").text
        page = client.get("/network/health")
        assert page.status_code == 200
        assert "at least 5 people" in page.text and "Ties across teams" not in page.text


def test_ask_connectors_partial(signed_in: SignedIn, circle: Circle, ask_for: Callable[..., Ask]) -> None:
    ask = ask_for(circle.ana, "Prepare SOC 2 audit evidence", tags=["SOC 2"])
    answer = signed_in(circle.ana).get(f"/asks/{ask.id}/connectors", headers={"HX-Request": "true"})
    assert answer.status_code == 200
    assert "<html" not in answer.text and f'name="ask_id" value="{ask.id}"' in answer.text


def test_connector_suggests_someone_they_know(
    signed_in: SignedIn, world: World, circle: Circle, db: Session
) -> None:
    post(signed_in(circle.ana), "/network/intros", {"connector_id": str(circle.carl.id), "query": "SOC 2"})
    intro = db.scalar(select(Introduction))
    assert intro is not None
    client = signed_in(circle.carl)
    page = client.get(f"/network/intros/{intro.id}").text
    assert f'<option value="{circle.dan.id}">Dan Dev' in page
    assert f'<option value="{circle.ana.id}">' not in page
    answer = post(
        client,
        f"/network/intros/{intro.id}/connector",
        {"decision": "redirect", "suggested_person_id": str(circle.dan.id)},
    )
    assert answer.status_code == 303
    db.refresh(intro)
    assert intro.status == IntroStatus.REDIRECTED and intro.suggested_target_id == circle.dan.id


class TestAskPageOffersIntroductions:
    def test_the_ask_page_loads_the_connectors_partial(self, client, world) -> None:  # type: ignore[no-untyped-def]
        from askwell.asks import service
        from askwell.asks.schemas import AskCreate

        org = world.org()
        author = world.person(org, "Asker")
        ask = service.create_ask(
            world.db,
            actor=world.actor(author),
            data=AskCreate(title="Someone who knows SOC 2 audits", body="Need an intro to an auditor."),
            now=world.now,
        )
        world.db.commit()
        client.cookies.set("askwell_session", world.session_cookie(author))
        page = client.get(f"/asks/{ask.id}")
        assert page.status_code == 200
        assert f'hx-get="/asks/{ask.id}/connectors"' in page.text
        partial = client.get(f"/asks/{ask.id}/connectors", headers={"HX-Request": "true"})
        assert partial.status_code == 200
        assert 'id="connectors"' in partial.text


class TestIntroductionsForAnAsk:
    """The "Who can help" panel and the introductions below it come from one ranking and agree."""

    def test_the_panel_links_to_exactly_that_person_through_exactly_that_connector(
        self, signed_in: SignedIn, circle: Circle, ask_for: Callable[..., Ask]
    ) -> None:
        ask = ask_for(circle.ana, "Prepare SOC 2 audit evidence", tags=["SOC 2"])
        client = signed_in(circle.ana)
        panel = client.get(f"/asks/{ask.id}/suggestions", headers={"HX-Request": "true"}).text
        route = f"intro-{circle.carl.id}-{circle.tess.id}"
        assert f'href="/asks/{ask.id}/connectors#{route}"' in panel
        assert "Ask Carl Connector to introduce you to Tess Target" in panel
        section = client.get(f"/asks/{ask.id}/connectors", headers={"HX-Request": "true"}).text
        assert f'id="{route}"' in section
        assert f'name="target_id" value="{circle.tess.id}"' in section
        assert "Nobody you know is tied" not in section

    def test_nobody_in_either_when_no_two_step_match(
        self, signed_in: SignedIn, circle: Circle, ask_for: Callable[..., Ask]
    ) -> None:
        ask = ask_for(circle.ana, "Tune our Kafka consumer lag", tags=["Kafka"])
        client = signed_in(circle.ana)
        panel = client.get(f"/asks/{ask.id}/suggestions", headers={"HX-Request": "true"}).text
        section = client.get(f"/asks/{ask.id}/connectors", headers={"HX-Request": "true"}).text
        assert "introduce you" not in panel
        assert "Nobody you know is tied" in section

    def test_the_request_is_for_the_chosen_person(
        self, signed_in: SignedIn, circle: Circle, ask_for: Callable[..., Ask], db: Session
    ) -> None:
        ask = ask_for(circle.ana, "Prepare SOC 2 audit evidence", tags=["SOC 2"])
        form = {"connector_id": str(circle.carl.id), "target_id": str(circle.dan.id), "ask_id": str(ask.id)}
        assert post(signed_in(circle.ana), "/network/intros", form).status_code == 303
        intro = db.scalar(select(Introduction))
        assert intro is not None and (intro.connector_id, intro.target_id) == (circle.carl.id, circle.dan.id)

    @pytest.mark.parametrize("target", ["admin", "garbage"])
    def test_a_target_the_connector_does_not_know_is_refused_in_place(
        self, signed_in: SignedIn, circle: Circle, ask_for: Callable[..., Ask], db: Session, target: str
    ) -> None:
        ask = ask_for(circle.ana, "Prepare SOC 2 audit evidence", tags=["SOC 2"])
        target_id = str(circle.admin.id) if target == "admin" else "x1"
        form = {
            "connector_id": str(circle.carl.id),
            "target_id": target_id,
            "ask_id": str(ask.id),
            "message": "kept text",
        }
        answer = post(signed_in(circle.ana), "/network/intros", form)
        assert answer.status_code == 422
        assert "Who could introduce you" in answer.text and db.scalar(select(Introduction)) is None
        assert "kept text" in answer.text  # a person's typing is never thrown away
