from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from askwell.core.clock import FrozenClock
from askwell.core.jobs import Job
from askwell.people.models import Person, Role
from tests.conftest import World, csrf

Bearer = Callable[[Person], dict[str, str]]


def _invite(client: TestClient, headers: dict[str, str], email: str = "new@example.com") -> dict[str, object]:
    r = client.post("/api/v1/invitations", json={"email": email, "name": "New"}, headers=headers)
    assert r.status_code == 201
    return r.json()  # type: ignore[no-any-return]


class TestListInvitations:
    def test_anonymous(self, client: TestClient) -> None:
        assert client.get("/api/v1/invitations").status_code == 401

    def test_valid_newest_first_with_status(self, client: TestClient, world: World, bearer: Bearer) -> None:
        headers = bearer(world.person(world.org(), role=Role.ADMIN))
        _invite(client, headers, "a@example.com")
        second = _invite(client, headers, "b@example.com")
        client.delete(f"/api/v1/invitations/{second['id']}", headers=headers)
        body = client.get("/api/v1/invitations", headers=headers).json()
        assert sorted((i["email"], i["status"]) for i in body) == [
            ("a@example.com", "pending"),
            ("b@example.com", "revoked"),
        ]

    def test_an_old_invitation_shows_as_expired(
        self, client: TestClient, world: World, bearer: Bearer, clock: FrozenClock
    ) -> None:
        headers = bearer(world.person(world.org(), role=Role.ADMIN))
        _invite(client, headers)
        clock.advance(timedelta(days=365))
        assert client.get("/api/v1/invitations", headers=headers).json()[0]["status"] == "expired"

    def test_other_org(self, client: TestClient, world: World, bearer: Bearer) -> None:
        _invite(client, bearer(world.person(world.org("Acme"), role=Role.ADMIN)))
        admin = bearer(world.person(world.org("Globex"), role=Role.ADMIN))
        assert client.get("/api/v1/invitations", headers=admin).json() == []

    @pytest.mark.parametrize("role", [Role.MEMBER, Role.LEAD])
    def test_insufficient_role(self, client: TestClient, world: World, bearer: Bearer, role: Role) -> None:
        r = client.get("/api/v1/invitations", headers=bearer(world.person(world.org(), role=role)))
        assert r.status_code == 403


class TestCreateInvitation:
    def test_anonymous(self, client: TestClient) -> None:
        r = client.post("/api/v1/invitations", json={"email": "x@example.com"}, headers=csrf(client))
        assert r.status_code == 401

    def test_valid_queues_the_email_and_hides_the_link(
        self, client: TestClient, world: World, bearer: Bearer, db: Session
    ) -> None:
        headers = bearer(world.person(world.org(), role=Role.ADMIN))
        r = client.post(
            "/api/v1/invitations", json={"email": " New@Example.com ", "role": "lead"}, headers=headers
        )
        assert r.status_code == 201
        assert (r.json()["email"], r.json()["role"], r.json()["status"]) == (
            "new@example.com",
            "lead",
            "pending",
        )
        jobs = db.scalars(select(Job).where(Job.kind == "email.send")).all()
        assert [j.payload["to"] for j in jobs] == ["new@example.com"]
        link = next(line for line in jobs[0].payload["body"].splitlines() if "/invite/" in line)
        assert link.rsplit("/", 1)[-1] not in r.text

    def test_other_org_may_invite_the_same_email(
        self, client: TestClient, world: World, bearer: Bearer
    ) -> None:
        acme = world.org("Acme")
        existing = world.person(acme, "Ada")
        admin = bearer(world.person(world.org("Globex"), role=Role.ADMIN))
        assert (
            client.post("/api/v1/invitations", json={"email": existing.email}, headers=admin).status_code
            == 201
        )

    def test_insufficient_role(self, client: TestClient, world: World, bearer: Bearer, db: Session) -> None:
        r = client.post(
            "/api/v1/invitations", json={"email": "x@example.com"}, headers=bearer(world.person(world.org()))
        )
        assert r.status_code == 403
        assert db.scalars(select(Job)).all() == []

    def test_a_lead_invites_into_the_team_they_lead_only(
        self, client: TestClient, world: World, bearer: Bearer, db: Session
    ) -> None:
        org = world.org()
        platform, design = world.team(org, "Platform"), world.team(org, "Design")
        lead = bearer(world.person(org, role=Role.LEAD, teams=["Platform"], lead_of=["Platform"]))
        mine = {"email": "neo@example.com", "teams": [platform.id]}
        assert client.post("/api/v1/invitations", json=mine, headers=lead).status_code == 201
        theirs = {"email": "trinity@example.com", "teams": [design.id]}
        assert client.post("/api/v1/invitations", json=theirs, headers=lead).status_code == 403
        body = db.scalars(select(Job.payload).where(Job.kind == "email.send")).one()["body"]
        assert "You will join Platform." in body
        assert "http://testserver/invite/" in body

    def test_an_email_already_in_the_org_is_409(
        self, client: TestClient, world: World, bearer: Bearer
    ) -> None:
        org = world.org()
        member = world.person(org)
        admin = bearer(world.person(org, role=Role.ADMIN))
        assert (
            client.post("/api/v1/invitations", json={"email": member.email}, headers=admin).status_code == 409
        )

    @pytest.mark.parametrize(
        "body",
        [{}, {"email": "not-an-email"}, {"email": "a@example.com", "role": "owner"}, {"email": 3}, "a@b.c"],
    )
    def test_bad_input(self, client: TestClient, world: World, bearer: Bearer, body: object) -> None:
        admin = bearer(world.person(world.org(), role=Role.ADMIN))
        r = client.post("/api/v1/invitations", json=body, headers=admin)
        assert r.status_code == 422
        assert r.json()["error"] == "InvalidInput"


class TestRevokeInvitation:
    def test_anonymous(self, client: TestClient, world: World, bearer: Bearer) -> None:
        invitation = _invite(client, bearer(world.person(world.org(), role=Role.ADMIN)))
        assert (
            client.delete(f"/api/v1/invitations/{invitation['id']}", headers=csrf(client)).status_code == 401
        )

    def test_valid(self, client: TestClient, world: World, bearer: Bearer) -> None:
        headers = bearer(world.person(world.org(), role=Role.ADMIN))
        invitation = _invite(client, headers)
        assert client.delete(f"/api/v1/invitations/{invitation['id']}", headers=headers).status_code == 204
        assert client.get("/api/v1/invitations", headers=headers).json()[0]["status"] == "revoked"

    def test_other_org(self, client: TestClient, world: World, bearer: Bearer) -> None:
        acme = bearer(world.person(world.org("Acme"), role=Role.ADMIN))
        invitation = _invite(client, acme)
        globex = bearer(world.person(world.org("Globex"), role=Role.ADMIN))
        assert client.delete(f"/api/v1/invitations/{invitation['id']}", headers=globex).status_code == 404
        assert client.get("/api/v1/invitations", headers=acme).json()[0]["status"] == "pending"

    def test_insufficient_role(self, client: TestClient, world: World, bearer: Bearer) -> None:
        org = world.org()
        admin = bearer(world.person(org, role=Role.ADMIN))
        invitation = _invite(client, admin)
        member = bearer(world.person(org))
        assert client.delete(f"/api/v1/invitations/{invitation['id']}", headers=member).status_code == 403
        assert client.get("/api/v1/invitations", headers=admin).json()[0]["status"] == "pending"

    def test_bad_input(self, client: TestClient, world: World, bearer: Bearer) -> None:
        admin = bearer(world.person(world.org(), role=Role.ADMIN))
        assert client.delete("/api/v1/invitations/-1", headers=admin).status_code == 422
