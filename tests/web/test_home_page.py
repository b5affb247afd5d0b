"""The start page: a landing page for visitors; for people, a dashboard and, while needed, onboarding."""

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from askwell.asks import service as asks_service
from askwell.asks.models import Ask, OfferKind, Visibility
from askwell.asks.schemas import AskCreate, OfferCreate
from askwell.notifications.models import NotificationKind
from askwell.notifications.service import Notice
from askwell.people.models import Person
from tests.conftest import QueryCounter, World
from tests.notifications.support import tell_notice
from tests.web.conftest import post

SignIn = Callable[[Person], TestClient]
BODY = "It blocks the release on Thursday; a 30-minute review of the approach would unblock me."


def section(html: str, heading_id: str) -> str:
    """The HTML of the dashboard card whose heading has this id."""
    match = re.search(rf'aria-labelledby="{heading_id}".*?</section>', html, re.S)
    assert match, f"no section {heading_id}"
    return match.group(0)


@pytest.fixture
def make_ask(db: Session, world: World) -> Callable[..., Ask]:
    def make(author: Person, title: str, **fields: object) -> Ask:
        data = AskCreate(title=title, body=BODY, due=world.now + timedelta(days=3), **fields)  # type: ignore[arg-type]
        ask = asks_service.create_ask(db, actor=world.actor(author), data=data, now=world.now)
        db.commit()
        return ask

    return make


class TestLanding:
    def test_visitors_learn_what_askwell_is_and_can_sign_in(self, client: TestClient) -> None:
        r = client.get("/")
        assert r.status_code == 200
        assert "ask for help, and give it" in r.text
        assert "more competent" in r.text
        assert "more willing to help than we think" in r.text
        assert 'href="/signin"' in r.text
        assert 'href="/people"' not in r.text

    def test_sign_in_page_says_a_word_about_the_product(self, client: TestClient) -> None:
        r = client.get("/signin")
        assert "Accounts come by invitation" in r.text
        assert 'href="/"' in r.text


class TestLoginAndRegister:
    @pytest.mark.parametrize(
        ("url", "location"),
        [
            ("/login", "/signin"),
            ("/login?next=/asks", "/signin?next=/asks"),
            ("/login?next=//evil.example", "/signin"),
        ],
    )
    def test_login_is_the_sign_in_page(self, client: TestClient, url: str, location: str) -> None:
        r = client.get(url)
        assert r.status_code == 307
        assert r.headers["location"] == location

    def test_register_explains_that_accounts_come_by_invitation(self, client: TestClient) -> None:
        r = client.get("/register")
        assert r.status_code == 303
        assert r.headers["location"].startswith("/signin?flash=")
        page = client.get(r.headers["location"])
        assert "accounts come by invitation" in page.text

    def test_register_with_an_invitation_token_goes_to_the_invitation(self, client: TestClient) -> None:
        r = client.get("/register?token=abc-DEF_123")
        assert (r.status_code, r.headers["location"]) == (303, "/invite/abc-DEF_123")

    def test_register_with_a_strange_token_does_not_build_a_path(self, client: TestClient) -> None:
        r = client.get("/register?token=../admin")
        assert r.headers["location"].startswith("/signin?flash=")


class TestDashboard:
    def test_ask_for_help_comes_first(self, world: World, signed_in: SignIn) -> None:
        r = signed_in(world.person(world.org(), "Ada Lovelace")).get("/")
        assert r.status_code == 200
        assert "Hello, Ada" in r.text
        assert r.text.index('href="/asks/new">Ask for help</a>') < r.text.index('id="could-help"')

    def test_my_teams_only(self, world: World, signed_in: SignIn) -> None:
        org = world.org()
        world.team(org, "Platform")
        world.team(org, "Design")
        ada = world.person(org, "Ada Lovelace", teams=["Platform"], lead_of=["Platform"])
        card = section(signed_in(ada).get("/").text, "your-teams")
        assert 'href="/teams/platform"' in card and "lead" in card
        assert "Design" not in card

    def test_api_tokens_are_not_a_place_to_go_next(self, world: World, signed_in: SignIn) -> None:
        r = signed_in(world.person(world.org())).get("/")
        assert "/settings/tokens" not in section(r.text, "shortcuts")

    def test_asks_i_could_help_with_say_why(
        self, world: World, signed_in: SignIn, make_ask: Callable[..., Ask]
    ) -> None:
        org, other = world.org(), world.org("Globex")
        world.team(org, "Platform")
        me = world.person(org, "Ada", skills=["Kubernetes", "SQL"], teams=["Platform"])
        grace = world.person(org, "Grace")
        teammate = world.person(org, "Tim", teams=["Platform"])
        make_ask(grace, "Upgrade our Kubernetes cluster before the freeze", tags=["kubernetes"])
        make_ask(grace, "Speed up a slow SQL report for finance")
        make_ask(teammate, "Pick a venue for the offsite")
        make_ask(grace, "Choose a font for the brochure")
        make_ask(me, "My own ask about Kubernetes", tags=["Kubernetes"])
        make_ask(
            world.person(other, "Hank", skills=["Kubernetes"]), "Kubernetes at Globex", tags=["Kubernetes"]
        )
        make_ask(
            world.person(org, "Pia"),
            "Private Kubernetes question",
            visibility=Visibility.PEOPLE,
            audience=[grace.id],
        )

        card = section(signed_in(me).get("/").text, "could-help")

        assert "Upgrade our Kubernetes cluster before the freeze" in card and "needs Kubernetes" in card
        assert "Speed up a slow SQL report for finance" in card and "needs SQL" in card
        assert "Pick a venue for the offsite" in card and "from your team" in card
        for absent in ("Choose a font", "My own ask", "Globex", "Private Kubernetes"):
            assert absent not in card

    def test_skills_match_whole_words_only(
        self, world: World, signed_in: SignIn, make_ask: Callable[..., Ask]
    ) -> None:
        org = world.org()
        me = world.person(org, skills=["Java"])
        make_ask(world.person(org), "Help with JavaScript bundling")
        assert "JavaScript bundling" not in section(signed_in(me).get("/").text, "could-help")

    def test_shared_with_me_comes_first(
        self, world: World, signed_in: SignIn, make_ask: Callable[..., Ask]
    ) -> None:
        org = world.org()
        me = world.person(org, skills=["SQL"])
        grace = world.person(org, "Grace")
        make_ask(grace, "A SQL question for anyone")
        make_ask(grace, "Only Ada can answer this", visibility=Visibility.PEOPLE, audience=[me.id])
        card = section(signed_in(me).get("/").text, "could-help")
        assert card.index("Only Ada can answer this") < card.index("A SQL question for anyone")
        assert "shared with you" in card

    def test_my_open_asks_and_my_offers(
        self, db: Session, world: World, signed_in: SignIn, make_ask: Callable[..., Ask]
    ) -> None:
        org = world.org()
        me, grace = world.person(org, "Ada", skills=["SQL"]), world.person(org, "Grace")
        make_ask(me, "My question about caching")
        theirs = make_ask(grace, "Their SQL question")
        asks_service.offer_help(
            db,
            actor=world.actor(me),
            ask_id=theirs.id,
            data=OfferCreate(kind=OfferKind.ADVISE, message="Happy to look"),
            now=world.now,
        )
        db.commit()
        html = signed_in(me).get("/").text
        assert "My question about caching" in section(html, "my-asks")
        assert "0 offers" in section(html, "my-asks")
        assert "Their SQL question" in section(html, "my-offers")
        assert "proposed" in section(html, "my-offers")
        assert "Their SQL question" not in section(html, "could-help")

    def test_inbox_summary_counts_unread_and_shows_the_latest(
        self, db: Session, world: World, signed_in: SignIn
    ) -> None:
        me = world.person(world.org())
        for i in range(5):
            tell_notice(
                db,
                me,
                Notice(kind=NotificationKind.THANKS, text=f"Thanks number {i}"),
                at=world.now + timedelta(minutes=i),
            )
        db.commit()
        card = section(signed_in(me).get("/").text, "inbox-summary")
        assert "5 new" in card
        assert "Thanks number 4" in card and "Thanks number 2" in card
        assert "Thanks number 1" not in card

    def test_queries_do_not_grow_with_asks_or_inbox(
        self,
        db: Session,
        world: World,
        signed_in: SignIn,
        make_ask: Callable[..., Ask],
        count_queries: Callable[[], QueryCounter],
    ) -> None:
        org = world.org()
        world.team(org, "Platform")
        me = world.person(org, "Ada", skills=["SQL", "Kafka"], teams=["Platform"])
        others = [world.person(org, f"P{i}", teams=["Platform"]) for i in range(3)]
        client = signed_in(me)

        def queries_with(n: int) -> int:
            for i in range(n):
                author = others[i % len(others)]
                make_ask(author, f"SQL and Kafka question {n}-{i}", tags=["Kafka"])
                make_ask(me, f"My ask {n}-{i}")
                tell_notice(db, me, Notice(kind=NotificationKind.THANKS, text=f"t{i}"), at=world.now)
            db.commit()
            counter = count_queries()
            assert client.get("/").status_code == 200
            return counter.count

        small, large = queries_with(1), queries_with(8)
        assert small == large
        assert large <= 20


class TestOnboarding:
    def test_a_new_person_sees_what_matching_needs(self, world: World, signed_in: SignIn) -> None:
        me = world.person(world.org(), "Neo")
        card = section(signed_in(me).get("/").text, "setup-title")
        assert "0 of 4 done" in card
        for step in ("Your skills", "What you can help with", "Your team", "Your timezone"):
            assert step in card
        assert f'href="/people/{me.id}/edit"' in card
        assert "matching" in card.lower() or "suggests helpers" in card

    def test_progress_follows_the_profile(self, world: World, signed_in: SignIn) -> None:
        org = world.org()
        world.team(org, "Platform")
        me = world.person(org, "Neo")
        client = signed_in(me)
        form = {
            "name": "Neo",
            "title": "",
            "timezone": "UTC",
            "skills": "Python",
            "can_help_with": "",
            "learning": "",
        }
        post(client, f"/people/{me.id}/edit", form)
        assert "1 of 4 done" in client.get("/").text
        post(
            client,
            f"/people/{me.id}/edit",
            {**form, "can_help_with": "Data pipelines", "timezone": "Africa/Lagos"},
        )
        card = section(client.get("/").text, "setup-title")
        assert "3 of 4 done" in card
        assert 'data-step="team"' in card and 'href="/teams"' in card

    def test_a_complete_profile_shows_no_card(self, db: Session, world: World, signed_in: SignIn) -> None:
        org = world.org()
        world.team(org, "Platform")
        me = world.person(org, "Ada", skills=["SQL"], teams=["Platform"])
        me.can_help_with = "Reporting"
        me.timezone = "Europe/London"
        db.commit()
        assert 'id="onboarding"' not in signed_in(me).get("/").text


class TestNavigation:
    def test_members_see_no_admin_link(self, world: World, signed_in: SignIn) -> None:
        member = world.person(world.org(), "Max Member")
        r = signed_in(member).get("/")
        assert 'href="/admin"' not in r.text
        assert "Sign out" in r.text

    def test_admins_see_the_admin_link(self, world: World, signed_in: SignIn) -> None:
        admin = world.person(world.org(), "Ana Admin", role="admin")
        r = signed_in(admin).get("/")
        assert 'href="/admin"' in r.text

    def test_anonymous_pages_show_no_navigation(self, client: TestClient) -> None:
        r = client.get("/signin")
        assert 'href="/people"' not in r.text
