"""The network over JSON: ties, CSV import, connectors, introductions, dormant ties, health."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from askwell.network.models import Introduction, Tie
from askwell.people.models import Person, Role
from tests.conftest import World
from tests.network import conftest as fixtures
from tests.network.conftest import Circle, Tied

# The network tests' fixtures, used here too.
circle, tie = fixtures.circle, fixtures.tie

Bearer = Callable[[Person], dict[str, str]]


class TestTies:
    def test_anonymous(self, client: TestClient) -> None:
        assert client.get("/api/v1/network/ties").status_code == 401

    def test_add_and_list(self, client: TestClient, world: World, bearer: Bearer) -> None:
        org = world.org()
        me, other = world.person(org), world.person(org, "Olu Other")
        created = client.post(
            "/api/v1/network/ties",
            json={"person_id": other.id, "strength": 0.5, "last_interaction": "2026-02-01"},
            headers=bearer(me),
        )
        assert created.status_code == 201
        assert created.json()["person"]["name"] == "Olu Other"
        [listed] = client.get("/api/v1/network/ties", headers=bearer(me)).json()
        assert listed["past_strength"] == 0.5 and listed["dormant"] is False

    def test_to_oneself_other_org_and_duplicate(
        self, client: TestClient, world: World, bearer: Bearer
    ) -> None:
        org = world.org()
        me, other = world.person(org), world.person(org)
        stranger = world.person(world.org("Globex"))
        headers = bearer(me)
        assert (
            client.post("/api/v1/network/ties", json={"person_id": me.id}, headers=headers).status_code == 422
        )
        assert (
            client.post("/api/v1/network/ties", json={"person_id": stranger.id}, headers=headers).status_code
            == 404
        )
        assert (
            client.post("/api/v1/network/ties", json={"person_id": other.id}, headers=headers).status_code
            == 201
        )
        again = client.post("/api/v1/network/ties", json={"person_id": other.id}, headers=headers)
        assert again.status_code == 409 and again.json()["error"] == "TieExists"

    def test_strength_out_of_range(self, client: TestClient, world: World, bearer: Bearer) -> None:
        org = world.org()
        me, other = world.person(org), world.person(org)
        body = {"person_id": other.id, "strength": 3}
        assert client.post("/api/v1/network/ties", json=body, headers=bearer(me)).status_code == 422


class TestImport:
    def _csv(self, *rows: str) -> bytes:
        return ("email_a,email_b,strength,last_interaction\n" + "\n".join(rows) + "\n").encode()

    def test_admin_imports_all_or_nothing(
        self, client: TestClient, world: World, bearer: Bearer, db: Session
    ) -> None:
        org = world.org()
        admin = world.person(org, role=Role.ADMIN)
        a, b, c = world.person(org), world.person(org), world.person(org)
        headers = {**bearer(admin), "Content-Type": "text/csv"}
        bad = self._csv(f"{a.email},{b.email},0.4,2025-01-01", f"{a.email},nobody@example.com,,")
        answer = client.post("/api/v1/network/ties/import", content=bad, headers=headers)
        assert answer.status_code == 422
        assert "nobody@example.com" in answer.json()["fields"]["3"]
        assert db.scalar(select(func.count()).select_from(Tie).where(Tie.org_id == org.id)) == 0
        good = self._csv(f"{a.email},{b.email},0.4,2025-01-01", f"{c.email},{a.email},,")
        dry = client.post("/api/v1/network/ties/import?dry_run=true", content=good, headers=headers)
        assert dry.json() == {"created": 2, "dry_run": True, "errors": []}
        assert db.scalar(select(func.count()).select_from(Tie).where(Tie.org_id == org.id)) == 0
        assert (
            client.post("/api/v1/network/ties/import", content=good, headers=headers).json()["created"] == 2
        )
        assert client.post("/api/v1/network/ties/import", content=good, headers=headers).status_code == 422

    def test_members_may_not_import(self, client: TestClient, world: World, bearer: Bearer) -> None:
        org = world.org()
        me = world.person(org)
        answer = client.post("/api/v1/network/ties/import", content=b"email_a,email_b\n", headers=bearer(me))
        assert answer.status_code == 403


class TestIntroductions:
    def test_full_flow_for_the_person_chosen_through_the_connector_chosen(
        self,
        client: TestClient,
        circle: Circle,
        bearer: Bearer,
    ) -> None:
        found = client.get(
            "/api/v1/network/connectors", params={"q": "SOC 2 audits"}, headers=bearer(circle.ana)
        )
        [route] = found.json()
        assert route["connector"]["id"] == circle.carl.id
        assert route["target"]["id"] == circle.tess.id  # named where they match a need (docs/network.md)
        made = client.post(
            "/api/v1/network/intros",
            json={
                "connector_id": circle.carl.id,
                "target_id": circle.tess.id,
                "query": "SOC 2 audits",
                "message": "Please!",
            },
            headers=bearer(circle.ana),
        )
        assert made.status_code == 201 and made.json()["target"]["id"] == circle.tess.id
        intro_id = made.json()["id"]
        assert (
            client.get(f"/api/v1/network/intros/{intro_id}", headers=bearer(circle.tess)).status_code == 404
        )
        accepted = client.post(
            f"/api/v1/network/intros/{intro_id}/connector",
            json={"decision": "accept", "note": "Happy to"},
            headers=bearer(circle.carl),
        )
        assert accepted.json()["status"] == "connector_accepted"
        seen = client.get(f"/api/v1/network/intros/{intro_id}", headers=bearer(circle.ana)).json()
        assert seen["target"]["id"] == circle.tess.id
        done = client.post(
            f"/api/v1/network/intros/{intro_id}/target",
            json={"decision": "accept"},
            headers=bearer(circle.tess),
        )
        assert done.json()["status"] == "target_accepted"
        again = client.post(
            f"/api/v1/network/intros/{intro_id}/target",
            json={"decision": "accept"},
            headers=bearer(circle.tess),
        )
        assert again.status_code == 409

    def test_bad_requests(self, client: TestClient, circle: Circle, bearer: Bearer, db: Session) -> None:
        headers = bearer(circle.ana)
        body = {"connector_id": circle.carl.id, "query": "SOC 2 audits"}
        assert (
            client.post(
                "/api/v1/network/intros", json={"connector_id": circle.carl.id}, headers=headers
            ).status_code
            == 422
        )
        no_tie = {**body, "connector_id": circle.dan.id}
        assert client.post("/api/v1/network/intros", json=no_tie, headers=headers).status_code == 422
        assert client.post("/api/v1/network/intros", json=body, headers=headers).status_code == 201
        duplicate = client.post("/api/v1/network/intros", json=body, headers=headers)
        assert duplicate.status_code == 409 and duplicate.json()["error"] == "IntroAlreadyPending"
        assert db.scalar(select(func.count()).select_from(Introduction)) == 1

    def test_other_organization(
        self, client: TestClient, circle: Circle, world: World, bearer: Bearer
    ) -> None:
        made = client.post(
            "/api/v1/network/intros",
            json={"connector_id": circle.carl.id, "query": "SOC 2"},
            headers=bearer(circle.ana),
        )
        outsider = world.person(world.org("Globex"), role=Role.ADMIN)
        answer = client.get(f"/api/v1/network/intros/{made.json()['id']}", headers=bearer(outsider))
        assert answer.status_code == 404


class TestDormantAndHealth:
    def test_dormant_and_reconnect(self, client: TestClient, world: World, bearer: Bearer, tie: Tied) -> None:
        org = world.org()
        me, old = world.person(org), world.person(org, "Olga Old")
        tie(me, old, days_ago=400)
        [found] = client.get("/api/v1/network/dormant", headers=bearer(me)).json()
        assert found["person"]["name"] == "Olga Old" and found["suggested_message"].startswith("Hi Olga")
        assert client.get("/api/v1/network/dormant?months=24", headers=bearer(me)).json() == []
        woke = client.post(f"/api/v1/network/dormant/{old.id}/reconnect", headers=bearer(me))
        assert woke.status_code == 200 and woke.json()["dormant"] is False

    def test_health_for_admins_not_members(self, client: TestClient, world: World, bearer: Bearer) -> None:
        org = world.org()
        member = world.person(org)
        admin = world.person(org, role=Role.ADMIN)
        for _ in range(4):
            world.person(org)
        assert client.get("/api/v1/network/health", headers=bearer(member)).status_code == 403
        health = client.get("/api/v1/network/health", headers=bearer(admin)).json()
        assert health["people"] == 6 and health["isolated"] == 6
