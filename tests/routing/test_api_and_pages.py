"""/api/v1/routing and the "Asked of me" page: the addressee answers; anyone else gets 404; twice is 409."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from askwell.asks.models import Offer
from askwell.people.models import Person
from askwell.routing.models import RouteRequest
from tests.conftest import World
from tests.routing.conftest import Crew, confirm, open_ask
from tests.web.conftest import post

Bearer = Callable[[Person], dict[str, str]]


def _first_route(db: Session, world: World, crew: Crew) -> tuple[RouteRequest, Person]:
    ask = open_ask(db, world, crew.author)
    confirm(db, world, crew, ask)
    route = db.scalars(
        select(RouteRequest).where(RouteRequest.ask_id == ask.id).order_by(RouteRequest.id)
    ).first()
    assert route is not None
    person = db.get(Person, route.person_id)
    assert person is not None
    return route, person


class TestApi:
    def test_list_claim_and_claim_again(
        self, client: TestClient, bearer: Bearer, db: Session, world: World, crew: Crew
    ) -> None:
        route, person = _first_route(db, world, crew)
        mine = client.get("/api/v1/routing/requests", headers=bearer(person))
        assert mine.status_code == 200 and [r["id"] for r in mine.json()] == [route.id]
        claimed = client.post(
            f"/api/v1/routing/requests/{route.id}/claim",
            json={"message": "Happy to pair."},
            headers=bearer(person),
        )
        assert claimed.status_code == 200, claimed.text
        assert claimed.json()["state"] == "claimed" and claimed.json()["offer_id"]
        again = client.post(f"/api/v1/routing/requests/{route.id}/claim", json={}, headers=bearer(person))
        assert again.status_code == 409 and again.json()["error"] == "RouteAlreadyAnswered"

    def test_someone_elses_request_is_not_found(
        self, client: TestClient, bearer: Bearer, db: Session, world: World, crew: Crew
    ) -> None:
        route, _ = _first_route(db, world, crew)
        for stranger in (crew.author, crew.lead, crew.outsider):
            r = client.post(f"/api/v1/routing/requests/{route.id}/cant", json={}, headers=bearer(stranger))
            assert r.status_code == 404, stranger.name
        assert client.get("/api/v1/routing/requests", headers=bearer(crew.outsider)).json() == []

    def test_team_settings_are_the_leads(
        self, client: TestClient, bearer: Bearer, db: Session, world: World, crew: Crew
    ) -> None:
        url = f"/api/v1/routing/teams/{crew.team.id}/settings"
        assert client.get(url, headers=bearer(crew.author)).json() == {
            "team_id": crew.team.id,
            "escalate_after_hours": 4,
            "peers_per_ask": 2,
        }
        body = {"escalate_after_hours": 8, "peers_per_ask": 3}
        assert client.put(url, json=body, headers=bearer(crew.author)).status_code == 403
        assert client.put(url, json=body, headers=bearer(crew.outsider)).status_code == 404
        changed = client.put(url, json=body, headers=bearer(crew.lead))
        assert changed.status_code == 200 and changed.json()["peers_per_ask"] == 3
        assert client.put(url, json={"peers_per_ask": 7}, headers=bearer(crew.lead)).status_code == 422


class TestPage:
    def test_asked_of_me_lists_the_request_and_a_claim_makes_the_offer(
        self,
        client: TestClient,
        signed_in: Callable[[Person], TestClient],
        db: Session,
        world: World,
        crew: Crew,
    ) -> None:
        route, person = _first_route(db, world, crew)
        page = signed_in(person).get("/routing")
        assert page.status_code == 200
        assert "Kafka consumer retries keep failing" in page.text
        assert f'action="/routing/{route.id}/claim"' in page.text
        done = post(client, f"/routing/{route.id}/claim", {"message": "On it"})
        assert done.status_code == 303 and done.headers["location"].startswith(f"/asks/{route.ask_id}")
        db.expire_all()
        assert db.scalars(select(Offer).where(Offer.ask_id == route.ask_id)).one().helper_id == person.id
        twice = post(client, f"/routing/{route.id}/claim", {})
        assert twice.status_code == 303 and "already+answered" in twice.headers["location"]

    def test_another_members_request_is_404_on_the_page(
        self,
        client: TestClient,
        signed_in: Callable[[Person], TestClient],
        db: Session,
        world: World,
        crew: Crew,
    ) -> None:
        route, _ = _first_route(db, world, crew)
        signed_in(crew.lead)
        assert post(client, f"/routing/{route.id}/claim", {}).status_code == 404
        assert (
            post(client, f"/routing/{route.id}/suggest", {"person_id": str(crew.linux.id)}).status_code == 404
        )

    def test_suggest_from_the_page(
        self,
        client: TestClient,
        signed_in: Callable[[Person], TestClient],
        db: Session,
        world: World,
        crew: Crew,
    ) -> None:
        route, person = _first_route(db, world, crew)
        signed_in(person)
        bad = post(client, f"/routing/{route.id}/suggest", {"person_id": "abc"})
        assert bad.status_code == 303 and "Choose" in bad.headers["location"]
        ok = post(client, f"/routing/{route.id}/suggest", {"person_id": str(crew.lead.id)})
        assert ok.status_code == 303
        db.expire_all()
        asked = set(db.scalars(select(RouteRequest.person_id).where(RouteRequest.ask_id == route.ask_id)))
        assert crew.lead.id in asked
