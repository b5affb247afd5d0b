from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from askwell.people.models import Person
from tests.conftest import QueryCounter, World

Bearer = Callable[[Person], dict[str, str]]


class TestListPeople:
    def test_anonymous(self, client: TestClient) -> None:
        assert client.get("/api/v1/people").status_code == 401

    def test_valid_lists_the_organization_sorted_by_name(
        self, client: TestClient, world: World, bearer: Bearer
    ) -> None:
        org = world.org()
        me = world.person(org, "Carol")
        world.person(org, "alice")
        world.person(org, "Bob")
        r = client.get("/api/v1/people", headers=bearer(me))
        assert r.status_code == 200
        assert [p["name"] for p in r.json()["items"]] == ["alice", "Bob", "Carol"]
        assert (r.json()["total"], r.json()["limit"], r.json()["offset"]) == (3, 20, 0)

    def test_other_org_people_never_appear(self, client: TestClient, world: World, bearer: Bearer) -> None:
        world.person(world.org("Acme"), "Ada", skills=["Python"])
        me = world.person(world.org("Globex"), "Grace")
        body = client.get("/api/v1/people", params={"q": "ada"}, headers=bearer(me)).json()
        assert body == {"items": [], "total": 0, "limit": 20, "offset": 0}
        assert (
            client.get("/api/v1/people", params={"skill": "python"}, headers=bearer(me)).json()["total"] == 0
        )

    def test_insufficient_role_a_member_sees_the_directory_without_private_fields(
        self, client: TestClient, world: World, bearer: Bearer
    ) -> None:
        org = world.org()
        me = world.person(org, "Member")
        item = client.get("/api/v1/people", headers=bearer(me)).json()["items"][0]
        assert "role" not in item
        assert "password_hash" not in item

    def test_filters_by_words_team_and_skill(self, client: TestClient, world: World, bearer: Bearer) -> None:
        org = world.org()
        platform = world.team(org, "Platform")
        world.team(org, "Design")
        me = world.person(org, "Grace Hopper", skills=["COBOL"], teams=["Platform"])
        world.person(org, "Ada Lovelace", skills=["Maths", "cobol"], teams=["Design"])
        world.person(org, "Alan Turing", skills=["Maths"], teams=["Platform"])
        headers = bearer(me)

        def names(**params: object) -> list[str]:
            return [
                p["name"]
                for p in client.get("/api/v1/people", params=params, headers=headers).json()["items"]
            ]

        assert names(q="lovelace") == ["Ada Lovelace"]
        assert names(q="cob") == ["Ada Lovelace", "Grace Hopper"]
        assert names(team=platform.id) == ["Alan Turing", "Grace Hopper"]
        assert names(skill="MATHS") == ["Ada Lovelace", "Alan Turing"]
        assert names(team=platform.id, skill="maths") == ["Alan Turing"]

    def test_pagination(self, client: TestClient, world: World, bearer: Bearer) -> None:
        org = world.org()
        people = [world.person(org, f"Person {i:02d}") for i in range(7)]
        headers = bearer(people[0])
        pages = [
            client.get("/api/v1/people", params={"limit": 3, "offset": off}, headers=headers).json()
            for off in (0, 3, 6, 9)
        ]
        assert [len(p["items"]) for p in pages] == [3, 3, 1, 0]
        assert {p["total"] for p in pages} == {7}
        seen = [item["name"] for p in pages for item in p["items"]]
        assert seen == sorted(p.name for p in people)

    @pytest.mark.parametrize(
        "params",
        [
            {"limit": 0},
            {"limit": 101},
            {"limit": 10**30},
            {"offset": -1},
            {"offset": 10**30},
            {"limit": "many"},
            {"team": 10**30},
            {"team": "x"},
            {"q": "x" * 201},
        ],
    )
    def test_bad_input_is_422_with_the_field(
        self, client: TestClient, world: World, bearer: Bearer, params: dict[str, object]
    ) -> None:
        r = client.get("/api/v1/people", params=params, headers=bearer(world.person(world.org())))
        assert r.status_code == 422
        assert r.json()["fields"][0]["field"] == f"query.{next(iter(params))}"

    def test_odd_search_text_is_matched_literally(
        self, client: TestClient, world: World, bearer: Bearer
    ) -> None:
        org = world.org()
        me = world.person(org, "Grace")
        world.person(org, "100% Ada")
        r = client.get("/api/v1/people", params={"q": "%"}, headers=bearer(me))
        assert [p["name"] for p in r.json()["items"]] == ["100% Ada"]
        assert client.get("/api/v1/people", params={"q": "\\_'\";--"}, headers=bearer(me)).status_code == 200

    def test_query_count_is_the_same_whatever_the_page_size(
        self, client: TestClient, world: World, bearer: Bearer, count_queries: Callable[[], QueryCounter]
    ) -> None:
        org = world.org()
        world.team(org, "Platform")
        world.team(org, "Design")

        def add(n: int) -> list[Person]:
            return [
                world.person(org, skills=["Python", f"Skill {i}"], teams=["Platform", "Design"])
                for i in range(n)
            ]

        headers = bearer(add(2)[0])
        counts = []
        for extra in (0, 40):
            add(extra)
            counter = count_queries()
            r = client.get("/api/v1/people", params={"limit": 100}, headers=headers)
            assert len(r.json()["items"]) == 2 + extra
            counts.append(counter.count)
        assert counts[0] == counts[1]
        assert counts[0] <= 11


class TestGetPerson:
    def test_anonymous(self, client: TestClient, world: World) -> None:
        person = world.person(world.org())
        assert client.get(f"/api/v1/people/{person.id}").status_code == 401

    def test_valid(self, client: TestClient, world: World, bearer: Bearer) -> None:
        org = world.org()
        world.team(org, "Platform")
        me = world.person(org)
        ada = world.person(org, "Ada", skills=["Maths"], lead_of=["Platform"])
        r = client.get(f"/api/v1/people/{ada.id}", headers=bearer(me))
        assert r.status_code == 200
        assert r.json()["name"] == "Ada"
        assert r.json()["teams"] == [
            {"id": r.json()["teams"][0]["id"], "name": "Platform", "slug": "platform", "is_lead": True}
        ]

    def test_other_org(self, client: TestClient, world: World, bearer: Bearer) -> None:
        ada = world.person(world.org("Acme"), "Ada")
        admin = world.person(world.org("Globex"), role="admin")
        r = client.get(f"/api/v1/people/{ada.id}", headers=bearer(admin))
        assert r.status_code == 404
        assert r.json() == {"error": "PersonNotFound", "detail": "No such person in your organization."}

    def test_insufficient_role_deactivated_people_are_hidden(
        self, client: TestClient, world: World, bearer: Bearer, db: Session
    ) -> None:
        org = world.org()
        me = world.person(org)
        gone = world.person(org, "Gone")
        gone.is_active = False
        db.commit()
        assert client.get(f"/api/v1/people/{gone.id}", headers=bearer(me)).status_code == 404

    @pytest.mark.parametrize("bad", ["abc", "0", "-3", str(10**30), "1.5"])
    def test_bad_input(self, client: TestClient, world: World, bearer: Bearer, bad: str) -> None:
        r = client.get(f"/api/v1/people/{bad}", headers=bearer(world.person(world.org())))
        assert r.status_code == 422
