"""/api/v1/rings: create, join, request, offer, console, assignment proposal and confirm, report, events."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from fastapi.testclient import TestClient

from askwell.people.models import Person
from tests.conftest import NOW
from tests.rings.conftest import RingScene

Bearer = Callable[[Person], dict[str, str]]


def test_a_ring_end_to_end_over_the_api(client: TestClient, bearer: Bearer, ring_scene: RingScene) -> None:
    s = ring_scene
    fran, ada, grace = bearer(s.facilitator), bearer(s.ada), bearer(s.grace)
    r = client.post(
        "/api/v1/rings",
        json={
            "name": "API ring",
            "starts_at": (NOW + timedelta(days=1)).isoformat(),
            "invite": [s.ada.id, s.grace.id],
        },
        headers=fran,
    )
    assert r.status_code == 201, r.text
    ring = r.json()
    rid = ring["id"]
    assert client.post(f"/api/v1/rings/{rid}/join", headers=ada).status_code == 200
    assert client.post(f"/api/v1/rings/{rid}/join", headers=grace).status_code == 200
    made = client.post(
        f"/api/v1/rings/{rid}/requests", json={"title": "Review my dbt model by Friday"}, headers=ada
    )
    assert made.status_code == 201, made.text
    request_id = made.json()["id"]
    started = client.post(
        f"/api/v1/rings/{rid}/console", json={"action": "start", "version": ring["version"]}, headers=fran
    )
    assert started.status_code == 200 and started.json()["status"] == "live"
    stale = client.post(
        f"/api/v1/rings/{rid}/console", json={"action": "next", "version": ring["version"]}, headers=fran
    )
    assert stale.status_code == 409 and stale.json()["error"] == "RingChanged"
    offer = client.post(
        f"/api/v1/rings/{rid}/requests/{request_id}/offers",
        json={"kind": "know_someone", "note": "Our analytics lead"},
        headers=grace,
    )
    assert offer.status_code == 201 and offer.json()["label"] == "I know someone"
    again = client.post(f"/api/v1/rings/{rid}/requests/{request_id}/offers", json={}, headers=grace)
    assert again.status_code == 409
    own = client.post(f"/api/v1/rings/{rid}/requests/{request_id}/offers", json={}, headers=ada)
    assert own.status_code == 422
    assert client.post(f"/api/v1/rings/{rid}/assignment", headers=ada).status_code == 403
    proposal = client.post(f"/api/v1/rings/{rid}/assignment", headers=fran)
    assert proposal.status_code == 200
    assert [(p["helper"]["id"], p["source"]) for p in proposal.json()["pairings"]] == [(s.grace.id, "offer")]
    confirmed = client.post(f"/api/v1/rings/{rid}/assignment/confirm", headers=fran)
    assert confirmed.json()["pairings"][0]["status"] == "confirmed"
    closed = client.post(
        f"/api/v1/rings/{rid}/console",
        json={"action": "close", "version": started.json()["version"]},
        headers=fran,
    )
    assert closed.json()["status"] == "closed"
    late = client.post(f"/api/v1/rings/{rid}/requests/{request_id}/offers", json={}, headers=fran)
    assert late.status_code == 409 and late.json()["error"] == "RingClosed"
    report = client.get(f"/api/v1/rings/{rid}/report", headers=ada).json()
    assert (report["requests"], report["offers"], report["pairings_confirmed"]) == (1, 1, 1)
    assert report["ring_figures"]["with_offer"] == 1.0
    events = client.get(f"/api/v1/rings/{rid}/events", params={"after": 0}, headers=ada).json()
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert events[-1]["kind"] == "ring.closed"


def test_outsiders_get_404_and_strangers_cannot_join_an_invitation_ring(
    client: TestClient, bearer: Bearer, ring_scene: RingScene
) -> None:
    s = ring_scene
    r = client.post(
        "/api/v1/rings",
        json={
            "name": "Private ring",
            "starts_at": (NOW + timedelta(days=1)).isoformat(),
            "invite": [s.ada.id],
        },
        headers=bearer(s.facilitator),
    )
    rid = r.json()["id"]
    for person in (s.outsider_org_admin, s.stranger):
        got = client.get(f"/api/v1/rings/{rid}", headers=bearer(person))
        assert got.status_code == 404 and got.json()["error"] == "RingNotFound"
        assert client.post(f"/api/v1/rings/{rid}/join", headers=bearer(person)).status_code == 404


def test_full_ring(client: TestClient, bearer: Bearer, ring_scene: RingScene) -> None:
    s = ring_scene
    r = client.post(
        "/api/v1/rings",
        json={
            "name": "Tiny ring",
            "starts_at": (NOW + timedelta(days=1)).isoformat(),
            "open_call": True,
            "capacity": 2,
        },
        headers=bearer(s.facilitator),
    )
    rid = r.json()["id"]
    assert client.post(f"/api/v1/rings/{rid}/join", headers=bearer(s.ada)).status_code == 200
    full = client.post(f"/api/v1/rings/{rid}/join", headers=bearer(s.grace))
    assert full.status_code == 409 and full.json()["error"] == "RingFull"
