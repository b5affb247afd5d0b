from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from askwell.people.models import Person, Role
from tests.conftest import World, csrf

Bearer = Callable[[Person], dict[str, str]]


class TestListTeams:
    def test_anonymous(self, client: TestClient) -> None:
        assert client.get("/api/v1/teams").status_code == 401

    def test_valid(self, client: TestClient, world: World, bearer: Bearer) -> None:
        org = world.org()
        world.team(org, "Platform")
        world.team(org, "Design")
        me = world.person(org, "Grace", lead_of=["Platform"])
        world.person(org, "Ada", teams=["Platform"])
        body = client.get("/api/v1/teams", headers=bearer(me)).json()
        assert [(t["name"], t["member_count"], t["leads"]) for t in body] == [
            ("Design", 0, []),
            ("Platform", 2, ["Grace"]),
        ]

    def test_other_org(self, client: TestClient, world: World, bearer: Bearer) -> None:
        world.team(world.org("Acme"), "Secret project")
        me = world.person(world.org("Globex"), role=Role.ADMIN)
        assert client.get("/api/v1/teams", headers=bearer(me)).json() == []

    def test_insufficient_role_members_may_list_teams(
        self, client: TestClient, world: World, bearer: Bearer
    ) -> None:
        org = world.org()
        world.team(org, "Platform")
        assert client.get("/api/v1/teams", headers=bearer(world.person(org))).status_code == 200


class TestGetTeam:
    def test_anonymous(self, client: TestClient, world: World) -> None:
        team = world.team(world.org(), "Platform")
        assert client.get(f"/api/v1/teams/{team.id}").status_code == 401

    def test_valid_lists_members_leads_first(self, client: TestClient, world: World, bearer: Bearer) -> None:
        org = world.org()
        team = world.team(org, "Platform")
        me = world.person(org, "Ada", teams=["Platform"])
        world.person(org, "Zed", lead_of=["Platform"])
        body = client.get(f"/api/v1/teams/{team.id}", headers=bearer(me)).json()
        assert (body["name"], body["slug"], body["member_count"], body["leads"]) == (
            "Platform",
            "platform",
            2,
            ["Zed"],
        )
        assert [(m["name"], m["is_lead"]) for m in body["members"]] == [("Zed", True), ("Ada", False)]

    def test_other_org(self, client: TestClient, world: World, bearer: Bearer) -> None:
        team = world.team(world.org("Acme"), "Platform")
        admin = world.person(world.org("Globex"), role=Role.ADMIN)
        r = client.get(f"/api/v1/teams/{team.id}", headers=bearer(admin))
        assert r.status_code == 404
        assert r.json()["error"] == "TeamNotFound"

    def test_insufficient_role_members_may_read_any_team(
        self, client: TestClient, world: World, bearer: Bearer
    ) -> None:
        org = world.org()
        team = world.team(org, "Platform")
        assert client.get(f"/api/v1/teams/{team.id}", headers=bearer(world.person(org))).status_code == 200

    @pytest.mark.parametrize("bad", ["platform", "0", str(2**31)])
    def test_bad_input(self, client: TestClient, world: World, bearer: Bearer, bad: str) -> None:
        assert (
            client.get(f"/api/v1/teams/{bad}", headers=bearer(world.person(world.org()))).status_code == 422
        )


class TestCreateTeam:
    def test_anonymous(self, client: TestClient) -> None:
        assert (
            client.post("/api/v1/teams", json={"name": "Platform"}, headers=csrf(client)).status_code == 401
        )

    def test_valid(self, client: TestClient, world: World, bearer: Bearer) -> None:
        admin = world.person(world.org(), role=Role.ADMIN)
        r = client.post(
            "/api/v1/teams", json={"name": "Data Platform", "description": "Pipelines"}, headers=bearer(admin)
        )
        assert r.status_code == 201
        assert {k: r.json()[k] for k in ("name", "slug", "member_count")} == {
            "name": "Data Platform",
            "slug": "data-platform",
            "member_count": 0,
        }
        assert client.get(f"/api/v1/teams/{r.json()['id']}", headers=bearer(admin)).status_code == 200

    def test_other_org_may_use_the_same_name(self, client: TestClient, world: World, bearer: Bearer) -> None:
        world.team(world.org("Acme"), "Platform")
        admin = world.person(world.org("Globex"), role=Role.ADMIN)
        assert (
            client.post("/api/v1/teams", json={"name": "Platform"}, headers=bearer(admin)).status_code == 201
        )

    @pytest.mark.parametrize("role", [Role.MEMBER, Role.LEAD])
    def test_insufficient_role(self, client: TestClient, world: World, bearer: Bearer, role: Role) -> None:
        org = world.org()
        r = client.post(
            "/api/v1/teams", json={"name": "Platform"}, headers=bearer(world.person(org, role=role))
        )
        assert r.status_code == 403
        assert r.json()["error"] == "NotAllowed"

    def test_duplicate_name_is_409(self, client: TestClient, world: World, bearer: Bearer) -> None:
        org = world.org()
        world.team(org, "Platform")
        r = client.post(
            "/api/v1/teams", json={"name": "platform"}, headers=bearer(world.person(org, role=Role.ADMIN))
        )
        assert r.status_code == 409

    @pytest.mark.parametrize(
        "body", [{}, {"name": ""}, {"name": "x" * 81}, {"name": 5}, {"name": "A", "org_id": 1}, []]
    )
    def test_bad_input(self, client: TestClient, world: World, bearer: Bearer, body: object) -> None:
        r = client.post(
            "/api/v1/teams", json=body, headers=bearer(world.person(world.org(), role=Role.ADMIN))
        )
        assert r.status_code == 422
        assert r.json()["fields"]


class TestPutMember:
    def test_anonymous(self, client: TestClient, world: World) -> None:
        org = world.org()
        team = world.team(org, "Platform")
        person = world.person(org)
        assert (
            client.put(f"/api/v1/teams/{team.id}/members/{person.id}", headers=csrf(client)).status_code
            == 401
        )

    def test_valid_admin_adds_a_member_and_appoints_a_lead(
        self, client: TestClient, world: World, bearer: Bearer
    ) -> None:
        org = world.org()
        team = world.team(org, "Platform")
        admin = world.person(org, role=Role.ADMIN)
        ada = world.person(org, "Ada")
        url = f"/api/v1/teams/{team.id}/members/{ada.id}"
        r = client.put(url, headers=bearer(admin))
        assert r.status_code == 200
        assert [(m["name"], m["is_lead"]) for m in r.json()["members"]] == [("Ada", False)]
        r = client.put(url, json={"lead": True}, headers=bearer(admin))
        assert r.json()["leads"] == ["Ada"]
        assert client.put(url, json={"lead": True}, headers=bearer(admin)).json()["member_count"] == 1

    def test_valid_a_lead_adds_to_their_own_team(
        self, client: TestClient, world: World, bearer: Bearer
    ) -> None:
        org = world.org()
        team = world.team(org, "Platform")
        lead = world.person(org, lead_of=["Platform"])
        ada = world.person(org, "Ada")
        r = client.put(f"/api/v1/teams/{team.id}/members/{ada.id}", headers=bearer(lead))
        assert r.status_code == 200
        assert r.json()["member_count"] == 2

    def test_other_org(self, client: TestClient, world: World, bearer: Bearer) -> None:
        acme = world.org("Acme")
        team = world.team(acme, "Platform")
        ada = world.person(acme, "Ada")
        globex = world.org("Globex")
        admin = world.person(globex, role=Role.ADMIN)
        own_team = world.team(globex, "Ops")
        assert (
            client.put(f"/api/v1/teams/{team.id}/members/{admin.id}", headers=bearer(admin)).status_code
            == 404
        )
        assert (
            client.put(f"/api/v1/teams/{own_team.id}/members/{ada.id}", headers=bearer(admin)).status_code
            == 404
        )

    def test_insufficient_role(self, client: TestClient, world: World, bearer: Bearer) -> None:
        org = world.org()
        team = world.team(org, "Platform")
        world.team(org, "Design")
        member = world.person(org, teams=["Platform"])
        other_lead = world.person(org, lead_of=["Design"])
        lead = world.person(org, lead_of=["Platform"])
        ada = world.person(org, "Ada")
        url = f"/api/v1/teams/{team.id}/members/{ada.id}"
        assert client.put(url, headers=bearer(member)).status_code == 403
        assert client.put(url, headers=bearer(other_lead)).status_code == 403
        r = client.put(url, json={"lead": True}, headers=bearer(lead))
        assert r.status_code == 403
        assert r.json()["detail"] == "You are not allowed to appoint team leads."

    @pytest.mark.parametrize("body", [{"lead": "maybe"}, {"lead": True, "extra": 1}, ["lead"]])
    def test_bad_input(self, client: TestClient, world: World, bearer: Bearer, body: object) -> None:
        org = world.org()
        team = world.team(org, "Platform")
        admin = world.person(org, role=Role.ADMIN)
        r = client.put(f"/api/v1/teams/{team.id}/members/{admin.id}", json=body, headers=bearer(admin))
        assert r.status_code == 422


class TestDeleteMember:
    def test_anonymous(self, client: TestClient, world: World) -> None:
        org = world.org()
        team = world.team(org, "Platform")
        person = world.person(org, teams=["Platform"])
        assert (
            client.delete(f"/api/v1/teams/{team.id}/members/{person.id}", headers=csrf(client)).status_code
            == 401
        )

    def test_valid_lead_removes_a_member_and_it_is_idempotent(
        self, client: TestClient, world: World, bearer: Bearer
    ) -> None:
        org = world.org()
        team = world.team(org, "Platform")
        lead = world.person(org, "Lead", lead_of=["Platform"])
        ada = world.person(org, "Ada", teams=["Platform"])
        url = f"/api/v1/teams/{team.id}/members/{ada.id}"
        assert client.delete(url, headers=bearer(lead)).status_code == 204
        assert client.delete(url, headers=bearer(lead)).status_code == 204
        members = client.get(f"/api/v1/teams/{team.id}", headers=bearer(lead)).json()["members"]
        assert [m["name"] for m in members] == ["Lead"]

    def test_other_org(self, client: TestClient, world: World, bearer: Bearer) -> None:
        acme = world.org("Acme")
        team = world.team(acme, "Platform")
        ada = world.person(acme, "Ada", teams=["Platform"])
        admin = world.person(world.org("Globex"), role=Role.ADMIN)
        assert (
            client.delete(f"/api/v1/teams/{team.id}/members/{ada.id}", headers=bearer(admin)).status_code
            == 404
        )
        assert client.get(f"/api/v1/teams/{team.id}", headers=bearer(ada)).json()["member_count"] == 1

    def test_insufficient_role(self, client: TestClient, world: World, bearer: Bearer) -> None:
        org = world.org()
        team = world.team(org, "Platform")
        member = world.person(org, teams=["Platform"])
        ada = world.person(org, "Ada", teams=["Platform"])
        r = client.delete(f"/api/v1/teams/{team.id}/members/{ada.id}", headers=bearer(member))
        assert r.status_code == 403
        assert client.get(f"/api/v1/teams/{team.id}", headers=bearer(ada)).json()["member_count"] == 2

    def test_bad_input(self, client: TestClient, world: World, bearer: Bearer) -> None:
        org = world.org()
        team = world.team(org, "Platform")
        r = client.delete(
            f"/api/v1/teams/{team.id}/members/me", headers=bearer(world.person(org, role=Role.ADMIN))
        )
        assert r.status_code == 422
