import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from askwell.people.models import Person
from tests.conftest import QueryCounter, World
from tests.web.conftest import csrf_refused, post

_NAME = re.compile(r'class="person-name" href="/people/\d+">([^<]+)</a>')


def listed(html: str) -> list[str]:
    """The names in the directory's results, in order (the top bar also names the signed-in person)."""
    return _NAME.findall(html)


class TestDirectory:
    def test_anonymous(self, client: TestClient) -> None:
        r = client.get("/people?q=x")
        assert r.status_code == 303
        assert r.headers["location"].startswith("/signin?next=/people")

    def test_search_by_name_title_and_skill_words(
        self, world: World, signed_in: Callable[[Person], TestClient]
    ) -> None:
        org = world.org()
        me = world.person(org, "Ada Lovelace", skills=["Kubernetes"])
        world.person(org, "Grace Hopper", title="Compiler designer")
        world.person(org, "Linus Pauling", skills=["Chemistry"])
        client = signed_in(me)
        by_skill = client.get("/people?q=kube")
        by_title = client.get("/people?q=compiler")
        assert listed(by_skill.text) == ["Ada Lovelace"]
        assert listed(by_title.text) == ["Grace Hopper"]

    def test_filters_by_team_and_by_skill(
        self, world: World, signed_in: Callable[[Person], TestClient]
    ) -> None:
        org = world.org()
        platform = world.team(org, "Platform")
        world.team(org, "Design")
        me = world.person(org, "Ada Lovelace", teams=["Platform"], skills=["SQL"])
        world.person(org, "Grace Hopper", teams=["Design"], skills=["sql"])
        client = signed_in(me)
        by_team = client.get(f"/people?team={platform.id}")
        by_skill = client.get("/people?skill=SQL")
        assert listed(by_team.text) == ["Ada Lovelace"]
        assert listed(by_skill.text) == ["Ada Lovelace", "Grace Hopper"]

    def test_other_org(self, world: World, signed_in: Callable[[Person], TestClient]) -> None:
        me = world.person(world.org("Acme"), "Ada Lovelace")
        world.person(world.org("Globex"), "Hank Scorpio")
        r = signed_in(me).get("/people?q=hank")
        assert listed(r.text) == []
        assert "Nobody matches" in r.text

    def test_paginates_twenty_a_page(self, world: World, signed_in: Callable[[Person], TestClient]) -> None:
        org = world.org()
        me = world.person(org, "Aaron First")
        for i in range(24):
            world.person(org, f"Zed {i:02d}")
        client = signed_in(me)
        first = client.get("/people")
        second = client.get("/people?page=2")
        assert "25 people" in first.text
        assert len(listed(first.text)) == 20
        assert listed(first.text)[0] == "Aaron First"
        assert 'href="/people?page=2"' in first.text and 'rel="prev"' not in first.text
        assert listed(second.text) == [f"Zed {i:02d}" for i in range(19, 24)]
        assert 'href="/people"' in second.text and 'rel="next"' not in second.text

    def test_htmx_gets_only_the_results(
        self, world: World, signed_in: Callable[[Person], TestClient]
    ) -> None:
        me = world.person(world.org(), "Ada Lovelace")
        client = signed_in(me)
        partial = client.get("/people?q=ada", headers={"HX-Request": "true"})
        restore = client.get(
            "/people?q=ada", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
        )
        assert listed(partial.text) == ["Ada Lovelace"]
        assert "<html" not in partial.text
        assert "<html" in restore.text
        assert partial.headers["vary"] == "HX-Request"

    def test_works_without_javascript(self, world: World, signed_in: Callable[[Person], TestClient]) -> None:
        r = signed_in(world.person(world.org(), "Ada Lovelace")).get("/people")
        assert '<form method="get" action="/people"' in r.text
        assert 'hx-trigger="input changed delay:300ms, search"' in r.text

    def test_query_count_does_not_grow_with_results(
        self,
        world: World,
        signed_in: Callable[[Person], TestClient],
        count_queries: Callable[[], QueryCounter],
    ) -> None:
        org = world.org()
        for name in ("Platform", "Design", "Data"):
            world.team(org, name)
        me = world.person(org, "Aaron First", teams=["Platform"], skills=["Go"])
        for i in range(25):
            world.person(
                org, f"Zed {i:02d}", teams=["Platform", "Data"], lead_of=["Data"], skills=["Go", "SQL"]
            )
        client = signed_in(me)
        counter = count_queries()
        r = client.get("/people")
        assert len(listed(r.text)) == 20
        assert counter.count <= 12

    def test_bad_page_number(self, world: World, signed_in: Callable[[Person], TestClient]) -> None:
        r = signed_in(world.person(world.org())).get("/people?page=0")
        assert r.status_code == 422


class TestProfile:
    def test_anonymous(self, client: TestClient, world: World) -> None:
        person = world.person(world.org())
        assert client.get(f"/people/{person.id}").status_code == 303

    def test_other_org(self, world: World, signed_in: Callable[[Person], TestClient]) -> None:
        me = world.person(world.org("Acme"))
        stranger = world.person(world.org("Globex"))
        r = signed_in(me).get(f"/people/{stranger.id}")
        assert r.status_code == 404

    def test_huge_id_is_not_found_not_a_crash(
        self, world: World, signed_in: Callable[[Person], TestClient]
    ) -> None:
        r = signed_in(world.person(world.org())).get(f"/people/{2**40}")
        assert r.status_code == 422

    def test_valid_shows_the_local_time_and_profile(
        self, world: World, db, signed_in: Callable[[Person], TestClient]
    ) -> None:
        org = world.org()
        world.team(org, "Platform")
        me = world.person(org, "Ada Lovelace")
        kenji = world.person(org, "Kenji Sato", skills=["Rust"], teams=["Platform"], lead_of=["Platform"])
        kenji.timezone = "Asia/Tokyo"
        kenji.can_help_with = "Reviewing Rust code"
        db.commit()
        r = signed_in(me).get(f"/people/{kenji.id}")
        assert r.status_code == 200
        # NOW is 09:30 UTC: 18:30 in Tokyo.
        assert "18:30" in r.text
        assert "Asia/Tokyo" in r.text
        assert "Reviewing Rust code" in r.text
        assert "Platform</a> (lead)" in r.text
        assert "Edit profile" not in r.text


class TestEditProfile:
    def _form(self, **overrides: str) -> dict[str, str]:
        return {
            "name": "Ada Lovelace",
            "title": "Analyst",
            "timezone": "Europe/London",
            "skills": "Maths, Engines",
            "can_help_with": "Algorithms",
            "learning": "Poetry",
            "away_until": "",
            "suggestible": "1",
            **overrides,
        }

    def test_anonymous(self, client: TestClient, world: World) -> None:
        person = world.person(world.org())
        assert client.get(f"/people/{person.id}/edit").status_code == 303

    def test_other_org(self, world: World, signed_in: Callable[[Person], TestClient]) -> None:
        admin = world.person(world.org("Acme"), role="admin")
        stranger = world.person(world.org("Globex"))
        client = signed_in(admin)
        assert client.get(f"/people/{stranger.id}/edit").status_code == 404
        assert post(client, f"/people/{stranger.id}/edit", self._form()).status_code == 404

    def test_member_forbidden_on_someone_else(
        self, world: World, signed_in: Callable[[Person], TestClient]
    ) -> None:
        org = world.org()
        me = world.person(org)
        other = world.person(org, "Other Person")
        client = signed_in(me)
        assert client.get(f"/people/{other.id}/edit").status_code == 403
        assert post(client, f"/people/{other.id}/edit", self._form()).status_code == 403

    def test_valid_saves_and_shows_the_profile(
        self, world: World, signed_in: Callable[[Person], TestClient]
    ) -> None:
        me = world.person(world.org(), "Ada")
        client = signed_in(me)
        form = client.get(f"/people/{me.id}/edit")
        assert 'name="name"' in form.text and 'value="Ada"' in form.text
        r = post(client, f"/people/{me.id}/edit", self._form(away_until="2026-03-20"))
        assert r.status_code == 303
        assert r.headers["location"].startswith(f"/people/{me.id}?flash=")
        page = client.get(r.headers["location"])
        assert "Ada Lovelace" in page.text and "Analyst" in page.text
        assert "Engines" in page.text and "Algorithms" in page.text
        assert "Away until 20 March 2026" in page.text
        assert "Profile saved." in page.text

    def test_admin_may_edit_anyone(self, world: World, signed_in: Callable[[Person], TestClient]) -> None:
        org = world.org()
        admin = world.person(org, role="admin")
        other = world.person(org, "Other Person")
        client = signed_in(admin)
        assert post(client, f"/people/{other.id}/edit", self._form(name="Renamed")).status_code == 303
        assert "Renamed" in client.get(f"/people/{other.id}").text

    def test_invalid_timezone(self, world: World, signed_in: Callable[[Person], TestClient]) -> None:
        me = world.person(world.org(), "Ada")
        client = signed_in(me)
        r = post(client, f"/people/{me.id}/edit", self._form(timezone="Mars/Olympus", title="Kept title"))
        assert r.status_code == 422
        assert "is not an IANA timezone" in r.text
        assert 'value="Kept title"' in r.text
        assert 'aria-invalid="true"' in r.text
        assert "Ada" in client.get(f"/people/{me.id}").text

    def test_overlong_fields(self, world: World, signed_in: Callable[[Person], TestClient]) -> None:
        me = world.person(world.org())
        r = post(signed_in(me), f"/people/{me.id}/edit", self._form(title="x" * 121, learning="y" * 2001))
        assert r.status_code == 422
        assert "at most 120 characters" in r.text
        assert "at most 2000 characters" in r.text

    def test_too_many_skills(self, world: World, signed_in: Callable[[Person], TestClient]) -> None:
        me = world.person(world.org())
        skills = ", ".join(f"skill {i}" for i in range(31))
        r = post(signed_in(me), f"/people/{me.id}/edit", self._form(skills=skills))
        assert r.status_code == 422
        assert "At most 30 skills" in r.text
        assert "skill 30" in r.text

    def test_empty_name_and_bad_date(self, world: World, signed_in: Callable[[Person], TestClient]) -> None:
        me = world.person(world.org())
        r = post(signed_in(me), f"/people/{me.id}/edit", self._form(name="  ", away_until="next week"))
        assert r.status_code == 422
        assert 'id="f-name-error"' in r.text
        assert 'id="f-away_until-error"' in r.text

    def test_without_csrf_token_nothing_changes(
        self, world: World, signed_in: Callable[[Person], TestClient]
    ) -> None:
        me = world.person(world.org(), "Ada")
        client = signed_in(me)
        r = client.post(f"/people/{me.id}/edit", data=self._form(name="Hijacked"))
        assert csrf_refused(r)
        assert "Hijacked" not in client.get(f"/people/{me.id}").text
