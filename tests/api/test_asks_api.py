"""The asks API: the loop from ask to thanks, and every refusal with its status."""

from datetime import timedelta

from fastapi.testclient import TestClient

from askwell.people.models import Person
from tests.conftest import World

ASK = {
    "title": "Review PR #4412 retry logic before Thursday's release",
    "body": "Could someone who knows Kafka review PR #4412 by Wednesday 4pm? It blocks the payments release.",
    "tags": ["Kafka"],
}


def auth(world: World, person: Person) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.api_token(person)}"}


class TestAskLoop:
    def test_ask_offer_accept_done_thank_close(self, client: TestClient, world: World) -> None:
        org = world.org()
        asker, helper = world.person(org, "Asker"), world.person(org, "Helper")
        a, h = auth(world, asker), auth(world, helper)
        due = (world.now + timedelta(days=2)).isoformat()
        r = client.post("/api/v1/asks", json={**ASK, "due": due}, headers=a)
        assert r.status_code == 201, r.text
        ask = r.json()
        assert ask["status"] == "open"
        assert ask["coaching_score"] > 0
        r = client.post(
            f"/api/v1/asks/{ask['id']}/offers", json={"kind": "advise", "message": "I can"}, headers=h
        )
        assert r.status_code == 201, r.text
        offer_id = r.json()["id"]
        assert client.post(f"/api/v1/offers/{offer_id}/accept", headers=a).json()["status"] == "accepted"
        assert client.post(f"/api/v1/offers/{offer_id}/done", headers=h).json()["status"] == "done"
        r = client.post(f"/api/v1/offers/{offer_id}/thanks", json={"note": "Thank you!"}, headers=a)
        assert r.json()["thanked"] is True
        r = client.post(f"/api/v1/asks/{ask['id']}/close", json={"outcome": "fulfilled"}, headers=a)
        assert r.json()["status"] == "fulfilled"
        inbox = client.get("/api/v1/notifications", headers=h).json()
        assert [n["kind"] for n in inbox["items"]] == ["thanks", "offer_accepted"]
        assert inbox["unread"] == 2
        assert client.post("/api/v1/notifications/read", headers=h).json() == {"marked": 2}


class TestRefusals:
    def test_own_ask_offer_is_422_thanks_twice_409_foreign_ask_404(
        self, client: TestClient, world: World
    ) -> None:
        org = world.org()
        asker, helper = world.person(org), world.person(org)
        outsider = world.person(world.org("Other"))
        a = auth(world, asker)
        ask = client.post("/api/v1/asks", json=ASK, headers=a).json()
        r = client.post(f"/api/v1/asks/{ask['id']}/offers", json={"kind": "do", "message": "me"}, headers=a)
        assert (r.status_code, r.json()["error"]) == (422, "OwnAsk")
        r = client.get(f"/api/v1/asks/{ask['id']}", headers=auth(world, outsider))
        assert (r.status_code, r.json()["error"]) == (404, "AskNotFound")
        r = client.put(f"/api/v1/asks/{ask['id']}", json=ASK, headers=auth(world, helper))
        assert r.status_code == 403

    def test_bad_input_is_422_with_fields(self, client: TestClient, world: World) -> None:
        a = auth(world, world.person(world.org()))
        r = client.post("/api/v1/asks", json={"title": ""}, headers=a)
        assert r.status_code == 422
        assert r.json()["fields"]
        r = client.post(
            "/api/v1/asks", json={**ASK, "due": (world.now - timedelta(days=1)).isoformat()}, headers=a
        )
        assert (r.status_code, r.json()["error"]) == (422, "DueInPast")
        r = client.post(
            "/api/v1/asks", content=b"not json", headers={**a, "content-type": "application/json"}
        )
        assert r.status_code == 422

    def test_huge_ids_and_far_dates_are_422_not_500(self, client: TestClient, world: World) -> None:
        org = world.org()
        a = auth(world, world.person(org))
        huge = 2**63
        bodies = [
            {**ASK, "visibility": "team", "team_id": huge},
            {**ASK, "visibility": "people", "audience": [huge]},
            {**ASK, "due": "9999-12-31T23:00:00-05:00"},
            {**ASK, "due": "9999-12-31"},
            {**ASK, "title": "Review PR 4412\u0000 today"},
            {**ASK, "body": "It blocks\u202e the release."},
        ]
        for body in bodies:
            r = client.post("/api/v1/asks", json=body, headers=a)
            assert r.status_code == 422, (body, r.text)
        ask = client.post("/api/v1/asks", json=ASK, headers=a).json()
        helper = auth(world, world.person(org))
        r = client.post(
            f"/api/v1/asks/{ask['id']}/offers",
            json={"kind": "introduce", "message": "I know someone", "introduce_id": huge},
            headers=helper,
        )
        assert r.status_code == 422
        r = client.post(f"/api/v1/asks/{ask['id']}/ask-directly", json={"person_id": huge}, headers=a)
        assert r.status_code == 422

    def test_a_private_ask_is_invisible_on_the_board_and_by_id(
        self, client: TestClient, world: World
    ) -> None:
        org = world.org()
        asker, named, other = world.person(org), world.person(org), world.person(org)
        body = {**ASK, "visibility": "people", "audience": [named.id]}
        ask = client.post("/api/v1/asks", json=body, headers=auth(world, asker)).json()
        assert client.get(f"/api/v1/asks/{ask['id']}", headers=auth(world, named)).status_code == 200
        o = auth(world, other)
        assert client.get(f"/api/v1/asks/{ask['id']}", headers=o).status_code == 404
        assert client.get("/api/v1/asks?scope=all", headers=o).json()["total"] == 0
        assert client.get("/api/v1/asks?q=Kafka", headers=o).json()["total"] == 0
        assert client.get("/api/v1/notifications", headers=o).json()["items"] == []


class TestCoach:
    def test_coaching_returns_five_criteria_and_a_score(self, client: TestClient, world: World) -> None:
        a = auth(world, world.person(world.org()))
        r = client.post("/api/v1/coach", json={"text": "any thoughts?"}, headers=a)
        assert r.status_code == 200
        body = r.json()
        assert [c["criterion"] for c in body["criteria"]] == ["S", "M", "A", "R", "T"]
        assert 0 <= body["score"] <= 100

    def test_empty_text_is_a_clear_422(self, client: TestClient, world: World) -> None:
        a = auth(world, world.person(world.org()))
        r = client.post("/api/v1/coach", json={"text": "  "}, headers=a)
        assert r.status_code == 422
        assert "nothing to coach" in r.json()["detail"]
