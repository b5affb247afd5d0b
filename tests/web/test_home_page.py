from collections.abc import Callable

from fastapi.testclient import TestClient

from askwell.people.models import Person
from tests.conftest import World


class TestHome:
    def test_anonymous(self, client: TestClient) -> None:
        r = client.get("/")
        assert r.status_code == 303
        assert r.headers["location"] == "/signin?next=/"

    def test_valid(self, world: World, signed_in: Callable[[Person], TestClient]) -> None:
        org = world.org()
        world.team(org, "Platform")
        world.team(org, "Design")
        ada = world.person(org, "Ada Lovelace", teams=["Platform"], lead_of=["Platform"])
        r = signed_in(ada).get("/")
        assert r.status_code == 200
        assert "Hello, Ada" in r.text
        assert 'href="/teams/platform"' in r.text
        assert "Design" not in r.text
        assert f'href="/people/{ada.id}"' in r.text
        assert 'href="/people"' in r.text


class TestNavigation:
    def test_members_see_no_admin_link(self, world: World, signed_in: Callable[[Person], TestClient]) -> None:
        member = world.person(world.org(), "Max Member")
        r = signed_in(member).get("/")
        assert 'href="/admin"' not in r.text
        assert "Sign out" in r.text

    def test_admins_see_the_admin_link(self, world: World, signed_in: Callable[[Person], TestClient]) -> None:
        admin = world.person(world.org(), "Ana Admin", role="admin")
        r = signed_in(admin).get("/")
        assert 'href="/admin"' in r.text

    def test_anonymous_pages_show_no_navigation(self, client: TestClient) -> None:
        r = client.get("/signin")
        assert 'href="/people"' not in r.text
