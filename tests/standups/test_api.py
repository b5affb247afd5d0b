"""/api/v1/standups: today's prompt, answering, confirming the drafted ask, the board, settings."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from askwell.people.models import Person
from tests.conftest import World
from tests.standups.conftest import Scene

NEED = "Blocked on the Stripe webhook signature, no idea who knows their API"


def bearer(world: World, person: Person) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.api_token(person)}"}


class TestToday:
    def test_anonymous(self, client: TestClient) -> None:
        assert client.get("/api/v1/standups/today").status_code == 401

    def test_questions_of_my_teams(self, standup: Scene, client: TestClient, world: World) -> None:
        got = client.get("/api/v1/standups/today", headers=bearer(world, standup.bob))
        assert got.status_code == 200
        keys = [q["key"] for q in got.json()["questions"]]
        assert keys == ["worked_on", "working_on", "help_needed", "help_others"]
        assert got.json()["teams"] == [{"id": standup.team.id, "name": "Platform"}]


class TestAnswer:
    def test_valid_with_a_need_then_confirm(self, standup: Scene, client: TestClient, world: World) -> None:
        headers = bearer(world, standup.bob)
        made = client.post(
            "/api/v1/standups/checkins",
            json={"answers": {"worked_on": "the deploy", "help_needed": NEED}},
            headers=headers,
        )
        assert made.status_code == 201, made.text
        body = made.json()
        assert body["need"]["ask_status"] == "draft" and body["need"]["gaps"]
        confirmed = client.post(
            f"/api/v1/standups/checkins/{body['id']}/confirm",
            json={"title": "Who knows Stripe webhooks?"},
            headers=headers,
        )
        assert confirmed.status_code == 200, confirmed.text
        assert confirmed.json()["need"]["ask_status"] == "open"

    def test_empty(self, standup: Scene, client: TestClient, world: World) -> None:
        got = client.post(
            "/api/v1/standups/checkins",
            json={"answers": {"worked_on": ""}},
            headers=bearer(world, standup.bob),
        )
        assert got.status_code == 422
        assert got.json()["error"] == "EmptyCheckin"

    def test_huge(self, standup: Scene, client: TestClient, world: World) -> None:
        got = client.post(
            "/api/v1/standups/checkins",
            json={"answers": {"worked_on": "x" * 2001}},
            headers=bearer(world, standup.bob),
        )
        assert got.status_code == 422

    def test_someone_elses_checkin_cannot_be_confirmed(
        self, standup: Scene, client: TestClient, world: World
    ) -> None:
        made = client.post(
            "/api/v1/standups/checkins",
            json={"answers": {"help_needed": NEED}},
            headers=bearer(world, standup.bob),
        )
        got = client.post(
            f"/api/v1/standups/checkins/{made.json()['id']}/confirm",
            json={},
            headers=bearer(world, standup.ada),
        )
        assert got.status_code == 404


class TestBoard:
    def test_member_sees_it_stranger_does_not(self, standup: Scene, client: TestClient, world: World) -> None:
        url = f"/api/v1/standups/teams/{standup.team.id}/board"
        assert client.get(url, headers=bearer(world, standup.ada)).status_code == 200
        assert client.get(url, headers=bearer(world, standup.stranger)).status_code == 403
        assert client.get(url, headers=bearer(world, standup.other_admin)).status_code == 404

    def test_query_count(
        self,
        standup: Scene,
        client: TestClient,
        world: World,
        db: Session,
        count_queries: Callable[[], object],
    ) -> None:
        for person in (standup.lead, standup.ada, standup.bob):
            client.post(
                "/api/v1/standups/checkins",
                json={"answers": {"worked_on": "things", "help_needed": NEED}},
                headers=bearer(world, person),
            )
        headers = bearer(world, standup.lead)
        counter = count_queries()
        got = client.get(f"/api/v1/standups/teams/{standup.team.id}/board", headers=headers)
        assert got.status_code == 200 and len(got.json()["checkins"]) == 3
        # Authentication, then the board: a fixed number, however many check-ins and needs.
        assert counter.count <= 15  # type: ignore[attr-defined]


class TestSettings:
    def test_a_member_cannot_change_them(self, standup: Scene, client: TestClient, world: World) -> None:
        url = f"/api/v1/standups/teams/{standup.team.id}/settings"
        assert (
            client.put(url, json={"prompt_time": "08:00"}, headers=bearer(world, standup.ada)).status_code
            == 403
        )

    def test_the_lead_can(self, standup: Scene, client: TestClient, world: World) -> None:
        url = f"/api/v1/standups/teams/{standup.team.id}/settings"
        got = client.put(
            url,
            json={
                "prompt_time": "08:00",
                "weekdays": [1, 3, 5],
                "custom_questions": ["Any demo today?"],
                "holiday_country": "de",
                "holiday_subdivision": "by",
            },
            headers=bearer(world, standup.lead),
        )
        assert got.status_code == 200, got.text
        assert got.json()["weekdays"] == [1, 3, 5]
        assert got.json()["holiday_country"] == "DE"
        assert got.json()["questions"][-1] == {
            "key": "custom_1",
            "text": "Any demo today?",
            "optional": False,
        }

    def test_unknown_holiday_region(self, standup: Scene, client: TestClient, world: World) -> None:
        url = f"/api/v1/standups/teams/{standup.team.id}/settings"
        got = client.put(url, json={"holiday_country": "ZZ"}, headers=bearer(world, standup.lead))
        assert got.status_code == 422

    def test_bad_time(self, standup: Scene, client: TestClient, world: World) -> None:
        url = f"/api/v1/standups/teams/{standup.team.id}/settings"
        assert (
            client.put(url, json={"prompt_time": "25:00"}, headers=bearer(world, standup.lead)).status_code
            == 422
        )
