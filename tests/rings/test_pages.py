"""Ring pages through the app: setting up, the ring page and board, offers, the console, the
projector, the assignment, the report (page, CSV, print) and the event log."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import replace

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from askwell.people.models import Person
from askwell.rings import repository
from askwell.rings.models import RingStatus
from tests.matching.conftest import FakeEncoder
from tests.rings.conftest import RingMaker, RingScene
from tests.web.conftest import post

SignIn = Callable[[Person], TestClient]


@pytest.fixture(autouse=True)
def _fake_encoder(app: FastAPI) -> None:
    """Suggestions for requests without offers use a small deterministic encoder, not the model."""
    app.state.ctx = replace(app.state.ctx, edges=replace(app.state.ctx.edges, encode=FakeEncoder()))


class TestSetupPage:
    def test_facilitator_sets_up_a_ring(self, signed_in: SignIn, ring_scene: RingScene, db: Session) -> None:
        client = signed_in(ring_scene.facilitator)
        assert client.get("/rings/new").status_code == 200
        r = post(
            client,
            "/rings/new",
            {
                "name": "Cross-team ring",
                "mode": "live",
                "date": "2026-03-10",
                "time": "15:00",
                "duration_minutes": "45",
                "request_minutes": "3",
                "capacity": "12",
                "invite": ring_scene.ada.email,
                "participate": "1",
            },
        )
        assert r.status_code == 303, r.text
        page = client.get(r.headers["location"])
        assert "Cross-team ring" in page.text and "Ada Lovelace" in page.text

    def test_bad_input_comes_back_with_messages(self, signed_in: SignIn, ring_scene: RingScene) -> None:
        client = signed_in(ring_scene.facilitator)
        r = post(
            client,
            "/rings/new",
            {"name": "x", "date": "not a date", "capacity": "100000", "invite": "ghost@example.com"},
        )
        assert r.status_code == 422
        assert "ghost@example.com" in r.text
        r = post(client, "/rings/new", {"name": "Past ring", "date": "2020-01-01", "time": "10:00"})
        assert r.status_code == 422 and "in the past" in r.text


class TestRingPage:
    def test_participant_sees_the_board_and_offers_in_one_click(
        self, signed_in: SignIn, rings: RingMaker, ring_scene: RingScene
    ) -> None:
        ring, reqs = rings.running()
        client = signed_in(ring_scene.grace)
        page = client.get(f"/rings/{ring.id}")
        assert page.status_code == 200
        assert "I know someone" in page.text and "I have a resource" in page.text
        r = post(
            client,
            f"/rings/{ring.id}/requests/{reqs['ada'].id}/offers",
            {"offer": "resource", "note": "A runbook"},
        )
        assert r.status_code == 303 and "Offer+sent" in r.headers["location"]
        board = client.get(f"/rings/{ring.id}/board", headers={"HX-Request": "true"})
        assert 'id="ring-board"' in board.text and "I have a resource: A runbook" in board.text
        assert "<html" not in board.text
        again = post(client, f"/rings/{ring.id}/requests/{reqs['ada'].id}/offers", {"offer": "help"})
        assert "already+offered" in again.headers["location"]
        own = post(client, f"/rings/{ring.id}/requests/{reqs['grace'].id}/offers", {"offer": "help"})
        assert "your+own+request" in own.headers["location"]

    def test_other_organization_and_strangers_get_404(
        self, signed_in: SignIn, rings: RingMaker, ring_scene: RingScene
    ) -> None:
        ring, reqs = rings.running()
        for person in (ring_scene.outsider_org_admin, ring_scene.stranger):
            client = signed_in(person)
            assert client.get(f"/rings/{ring.id}").status_code == 404
            assert client.get(f"/rings/{ring.id}/events").status_code == 404
            assert (
                post(
                    client, f"/rings/{ring.id}/requests/{reqs['ada'].id}/offers", {"offer": "help"}
                ).status_code
                == 404
            )

    def test_events_as_json_after_a_sequence_number(
        self, signed_in: SignIn, rings: RingMaker, ring_scene: RingScene
    ) -> None:
        ring, reqs = rings.running()
        client = signed_in(ring_scene.ada)
        everything = client.get(f"/rings/{ring.id}/events").json()["events"]
        last = everything[-1]["seq"]
        rings.offer(ring, ring_scene.grace, reqs["ada"])
        fresh = client.get(f"/rings/{ring.id}/events", params={"after": last}).json()["events"]
        assert [e["kind"] for e in fresh] == ["ring.offer_made"]
        assert fresh[0]["seq"] == last + 1
        assert client.get(f"/rings/{ring.id}/events", params={"after": "-1"}).status_code == 422

    def test_request_form_coaches_and_saves(
        self, signed_in: SignIn, rings: RingMaker, ring_scene: RingScene
    ) -> None:
        ring = rings.create()
        rings.join(ring, ring_scene.ada)
        client = signed_in(ring_scene.ada)
        assert 'hx-post="/asks/coach"' in client.get(f"/rings/{ring.id}/request").text
        bad = post(client, f"/rings/{ring.id}/request", {"title": "x"})
        assert bad.status_code == 422
        r = post(
            client,
            f"/rings/{ring.id}/request",
            {
                "title": "Review my Kafka consumer by Friday",
                "body": "It blocks the release. 30 minutes would do.",
                "tags": "Kafka",
            },
        )
        assert r.status_code == 303
        assert "Review my Kafka consumer by Friday" in client.get(f"/rings/{ring.id}").text

    def test_join_and_leave(
        self, signed_in: SignIn, rings: RingMaker, ring_scene: RingScene, db: Session
    ) -> None:
        ring = rings.create()
        client = signed_in(ring_scene.linus)
        assert post(client, f"/rings/{ring.id}/join").status_code == 303
        assert post(client, f"/rings/{ring.id}/leave").status_code == 303
        assert repository.member(db, ring=ring, person_id=ring_scene.linus.id).status == "left"  # type: ignore[union-attr]


class TestConsolePage:
    def test_two_facilitators_pressing_next_on_the_same_console(
        self, signed_in: SignIn, rings: RingMaker, ring_scene: RingScene, db: Session
    ) -> None:
        ring, _ = rings.running()
        db.refresh(ring)
        client = signed_in(ring_scene.facilitator)
        page = client.get(f"/rings/{ring.id}/console")
        assert page.status_code == 200 and 'name="version"' in page.text
        first = post(client, f"/rings/{ring.id}/console", {"action": "next", "version": str(ring.version)})
        second = post(client, f"/rings/{ring.id}/console", {"action": "next", "version": str(ring.version)})
        assert "Next+request" in first.headers["location"]
        assert "Another+facilitator" in second.headers["location"]
        db.refresh(ring)
        assert ring.current_position == 2

    def test_members_get_403_on_the_console_and_the_assignment(
        self, signed_in: SignIn, rings: RingMaker, ring_scene: RingScene
    ) -> None:
        ring, _ = rings.running()
        client = signed_in(ring_scene.ada)
        assert client.get(f"/rings/{ring.id}/console").status_code == 403
        assert (
            post(client, f"/rings/{ring.id}/console", {"action": "next", "version": "1"}).status_code == 403
        )
        assert client.get(f"/rings/{ring.id}/assignment").status_code == 403

    def test_projector_shows_the_current_request(
        self, signed_in: SignIn, rings: RingMaker, ring_scene: RingScene
    ) -> None:
        ring, _ = rings.running()
        page = signed_in(ring_scene.grace).get(f"/rings/{ring.id}/projector")
        assert page.status_code == 200 and "data-ring-timer" in page.text


class TestAssignmentPage:
    def test_propose_adjust_confirm(
        self, signed_in: SignIn, rings: RingMaker, ring_scene: RingScene, db: Session
    ) -> None:
        ring, reqs = rings.running()
        rings.offer(ring, ring_scene.grace, reqs["ada"])
        client = signed_in(ring_scene.facilitator)
        r = post(client, f"/rings/{ring.id}/assignment")
        assert r.status_code == 303
        page = client.get(f"/rings/{ring.id}/assignment")
        assert "Grace Hopper" in page.text and "Offered" in page.text
        added = post(
            client,
            f"/rings/{ring.id}/pairings",
            {"request_id": str(reqs["ada"].id), "helper_id": str(ring_scene.linus.id)},
        )
        assert "Pairing+added" in added.headers["location"]
        twice = post(
            client,
            f"/rings/{ring.id}/pairings",
            {"request_id": str(reqs["ada"].id), "helper_id": str(ring_scene.linus.id)},
        )
        assert "already+paired" in twice.headers["location"]
        confirmed = post(client, f"/rings/{ring.id}/assignment/confirm")
        assert "Confirmed+" in confirmed.headers["location"]
        assert (
            "Linus Torvalds</strong> helps <strong>Ada Lovelace"
            in client.get(f"/rings/{ring.id}/assignment").text
        )
        nothing = post(client, f"/rings/{ring.id}/assignment/confirm")
        assert "no+proposed+pairing" in nothing.headers["location"]

    def test_no_feasible_pairing_is_said_on_the_page(
        self, signed_in: SignIn, rings: RingMaker, ring_scene: RingScene
    ) -> None:
        ring = rings.create()
        rings.join(ring, ring_scene.ada, ring_scene.grace)
        rings.request(
            ring, ring_scene.ada, "Find a venue for the offsite in Lisbon", "Somewhere with a garden.", ()
        )
        rings.request(
            ring, ring_scene.grace, "Book a caterer for the offsite dinner", "Vegetarian options welcome.", ()
        )
        rings.act(ring, "start")
        client = signed_in(ring_scene.facilitator)
        r = post(client, f"/rings/{ring.id}/assignment")
        assert r.status_code == 303 and "No+feasible+pairing" in r.headers["location"]
        assert "No feasible pairing" in client.get(f"/rings/{ring.id}/assignment").text


class TestReport:
    def test_page_csv_and_print(self, signed_in: SignIn, rings: RingMaker, ring_scene: RingScene) -> None:
        ring, reqs = rings.running()
        rings.offer(ring, ring_scene.grace, reqs["ada"])
        rings.act(ring, "close")
        client = signed_in(ring_scene.facilitator)
        page = client.get(f"/rings/{ring.id}/report")
        assert page.status_code == 200 and "<svg" in page.text and "33 %" in page.text
        printable = client.get(f"/rings/{ring.id}/report/print")
        assert "<svg" in printable.text
        data = client.get(f"/rings/{ring.id}/report.csv")
        assert data.headers["content-type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(data.text)))
        assert rows[0] == ["measure", "ring", "ordinary asks"]
        assert ["requests", "3", "0"] in rows
        assert ring.status == RingStatus.CLOSED.value
