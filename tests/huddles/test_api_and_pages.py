"""/api/v1/huddles and the huddle pages: call, answer, calendar file, cancel, outcome; isolation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy.orm import Session

from askwell.core.clock import FrozenClock
from askwell.people.models import Person
from tests.huddles.conftest import Huddlers
from tests.web.conftest import post

Bearer = Callable[[Person], dict[str, str]]


class TestApi:
    def test_call_answer_ics_and_outcome(
        self, client: TestClient, bearer: Bearer, huddlers: Huddlers, clock: FrozenClock
    ) -> None:
        made = client.post(
            "/api/v1/huddles", json={"topic": "Kafka retries loop"}, headers=bearer(huddlers.caller)
        )
        assert made.status_code == 201, made.text
        huddle = made.json()
        assert {i["person_id"] for i in huddle["invites"]} == {
            huddlers.kafka_berlin.id,
            huddlers.kafka_kolkata.id,
        }
        hid = huddle["id"]
        bea = bearer(huddlers.kafka_berlin)
        joined = client.post(f"/api/v1/huddles/{hid}/answer", json={"join": True}, headers=bea)
        assert joined.status_code == 200 and joined.json()["my_state"] == "joined"
        ics = client.get(f"/api/v1/huddles/{hid}/invite.ics", headers=bea)
        assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar")
        assert str(Calendar.from_ical(ics.text)["method"]) == "REQUEST"
        early = client.post(
            f"/api/v1/huddles/{hid}/outcome", json={"resolved": True}, headers=bearer(huddlers.caller)
        )
        assert early.status_code == 409
        clock.advance(timedelta(minutes=30))
        done = client.post(
            f"/api/v1/huddles/{hid}/outcome",
            json={"resolved": True, "thank": [huddlers.kafka_berlin.id]},
            headers=bearer(huddlers.caller),
        )
        assert done.status_code == 200 and done.json()["status"] == "done"
        assert [
            i["thanked"] for i in done.json()["invites"] if i["person_id"] == huddlers.kafka_berlin.id
        ] == [True]

    def test_other_organization_and_strangers_get_404(
        self, client: TestClient, bearer: Bearer, huddlers: Huddlers
    ) -> None:
        hid = client.post(
            "/api/v1/huddles", json={"topic": "Kafka retries"}, headers=bearer(huddlers.caller)
        ).json()["id"]
        for stranger in (huddlers.outsider, huddlers.kafka_tokyo):
            assert client.get(f"/api/v1/huddles/{hid}", headers=bearer(stranger)).status_code == 404
            assert client.post(f"/api/v1/huddles/{hid}/cancel", headers=bearer(stranger)).status_code == 404

    def test_nobody_working_is_409_with_the_reason(
        self, client: TestClient, bearer: Bearer, huddlers: Huddlers, clock: FrozenClock
    ) -> None:
        clock.advance(timedelta(days=5))  # Saturday
        r = client.post("/api/v1/huddles", json={"topic": "Kafka retries"}, headers=bearer(huddlers.caller))
        assert r.status_code == 409 and r.json()["error"] == "NobodyInWorkingHours"

    def test_bad_input_is_422(self, client: TestClient, bearer: Bearer, huddlers: Huddlers) -> None:
        for body in ({"topic": ""}, {"topic": "Kafka", "minutes": 60}, {"topic": "x" * 201}):
            assert (
                client.post("/api/v1/huddles", json=body, headers=bearer(huddlers.caller)).status_code == 422
            )


class TestPages:
    def test_call_from_the_page_then_join_from_the_invitees_page(
        self, client: TestClient, signed_in: Callable[[Person], TestClient], huddlers: Huddlers, db: Session
    ) -> None:
        signed_in(huddlers.caller)
        assert client.get("/huddles").status_code == 200
        called = post(client, "/huddles", {"topic": "Kafka retries loop", "minutes": "10"})
        assert called.status_code == 303 and called.headers["location"].startswith("/huddles/")
        url = called.headers["location"].split("?")[0]
        page = client.get(url)
        assert "Kafka retries loop" in page.text and "Record the outcome" in page.text
        signed_in(huddlers.kafka_berlin)
        assert "Join" in client.get(url).text
        assert post(client, f"{url}/answer", {"join": "yes"}).status_code == 303
        assert "joining" in client.get(url).text

    def test_nobody_working_is_a_message_on_the_page(
        self,
        client: TestClient,
        signed_in: Callable[[Person], TestClient],
        huddlers: Huddlers,
        clock: FrozenClock,
    ) -> None:
        clock.advance(timedelta(days=5))
        signed_in(huddlers.caller)
        r = post(client, "/huddles", {"topic": "Kafka retries"})
        assert r.status_code == 303 and "Nobody+who+could+help" in r.headers["location"]
        short = post(client, "/huddles", {"topic": "x"})
        assert short.status_code == 303 and "flash=" in short.headers["location"]


class TestReschedule:
    def test_api_and_page_move_the_huddle_and_others_cannot(
        self,
        client: TestClient,
        bearer: Bearer,
        signed_in: Callable[[Person], TestClient],
        huddlers: Huddlers,
    ) -> None:
        made = client.post(
            "/api/v1/huddles", json={"topic": "Kafka retries"}, headers=bearer(huddlers.caller)
        )
        hid = made.json()["id"]
        moved = client.post(
            f"/api/v1/huddles/{hid}/reschedule",
            json={"starts_at": "2026-03-03T14:00:00Z"},
            headers=bearer(huddlers.caller),
        )
        assert moved.status_code == 200, moved.text
        assert moved.json()["starts_at"].startswith("2026-03-03T14:00") and moved.json()["sequence"] == 1
        invitee = client.post(
            f"/api/v1/huddles/{hid}/reschedule",
            json={"starts_at": "2026-03-03T15:00:00Z"},
            headers=bearer(huddlers.kafka_berlin),
        )
        assert invitee.status_code == 403
        outsider = client.post(
            f"/api/v1/huddles/{hid}/reschedule",
            json={"starts_at": "2026-03-03T15:00:00Z"},
            headers=bearer(huddlers.outsider),
        )
        assert outsider.status_code == 404
        bad = client.post(
            f"/api/v1/huddles/{hid}/reschedule", json={"starts_at": "soon"}, headers=bearer(huddlers.caller)
        )
        assert bad.status_code == 422
        too_far = client.post(
            f"/api/v1/huddles/{hid}/reschedule",
            json={"starts_at": "2026-06-01T10:00:00Z"},
            headers=bearer(huddlers.caller),
        )
        assert too_far.status_code == 422 and "starts_at" in too_far.json()["fields"]

        signed_in(huddlers.caller)
        assert "Move the huddle" in client.get(f"/huddles/{hid}").text
        # The page's datetime-local field: the caller's own time (Berlin, CET): 16:30 is 15:30 UTC.
        page = post(client, f"/huddles/{hid}/reschedule", {"starts_at": "2026-03-03T16:30"})
        assert page.status_code == 303 and "Huddle+moved" in page.headers["location"]
        shown = client.get(f"/api/v1/huddles/{hid}", headers=bearer(huddlers.caller)).json()
        assert shown["starts_at"].startswith("2026-03-03T15:30") and shown["sequence"] == 2
        nonsense = post(client, f"/huddles/{hid}/reschedule", {"starts_at": "tomorrow-ish"})
        assert nonsense.status_code == 303 and "flash=Give+the+new+start" in nonsense.headers["location"]
