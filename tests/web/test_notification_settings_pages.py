import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from askwell.notifications import repository
from askwell.notifications.preferences import Channel, Event
from askwell.people.models import Person
from tests.conftest import World
from tests.web.conftest import csrf_refused, post

SignIn = Callable[[Person], TestClient]
URL = "/settings/notifications"
EVERY_EVENT_BY_EMAIL = {f"event_{e.value}": "email" for e in Event}


def checked(html: str) -> set[tuple[str, str]]:
    """(name, value) of every checked radio button."""
    return set(re.findall(r'name="([\w]+)" value="(\w+)" checked', html))


class TestPage:
    def test_anonymous(self, client: TestClient) -> None:
        r = client.get(URL)
        assert (r.status_code, r.headers["location"]) == (303, f"/signin?next={URL}")

    def test_shows_every_event_with_its_choice_and_the_delivery(
        self, world: World, signed_in: SignIn
    ) -> None:
        r = signed_in(world.person(world.org())).get(URL)
        assert r.status_code == 200
        for label in (
            "Offers on my asks",
            "Answers to my offers",
            "Help marked done",
            "Thanks",
            "Introductions",
        ):
            assert f"<legend>{label}</legend>" in r.text
        assert checked(r.text) == {*EVERY_EVENT_BY_EMAIL.items(), ("delivery", "each")}
        assert "does not send email yet" in r.text  # the test app has no SMTP server

    def test_reachable_from_the_layout_and_the_other_settings_page(
        self, world: World, signed_in: SignIn
    ) -> None:
        client = signed_in(world.person(world.org()))
        assert f'href="{URL}"' in client.get("/inbox").text
        tokens = client.get("/settings/tokens").text
        assert f'href="{URL}"' in tokens
        assert 'aria-label="Settings"' in tokens


class TestSave:
    def test_saves_and_shows_what_was_chosen(self, db: Session, world: World, signed_in: SignIn) -> None:
        ada = world.person(world.org(), "Ada")
        client = signed_in(ada)
        form = {**EVERY_EVENT_BY_EMAIL, "event_thanks": "inbox", "delivery": "daily"}
        r = post(client, URL, form)
        assert (r.status_code, r.headers["location"]) == (
            303,
            f"{URL}?flash=Your+notification+settings+are+saved.",
        )
        prefs = repository.preferences(db, org_id=ada.org_id, person_id=ada.id)
        assert prefs.digest
        assert prefs.channel(Event.THANKS) is Channel.INBOX
        assert prefs.channel(Event.OFFERS) is Channel.EMAIL
        page = client.get(URL).text
        assert ("event_thanks", "inbox") in checked(page)
        assert ("delivery", "daily") in checked(page)

    def test_a_tampered_choice_is_explained_in_words_and_nothing_is_lost(
        self, db: Session, world: World, signed_in: SignIn
    ) -> None:
        ada = world.person(world.org(), "Ada")
        form = {
            **EVERY_EVENT_BY_EMAIL,
            "event_thanks": "pigeon",
            "event_offers": "inbox",
            "delivery": "hourly",
        }
        r = post(signed_in(ada), URL, form)
        assert r.status_code == 422
        assert "Choose “Inbox only” or “Inbox and email”." in r.text
        assert "Choose one email per notification, one a day, or one a week." in r.text
        assert "Input should be" not in r.text
        assert ("event_offers", "inbox") in checked(r.text)  # the valid choices made are kept on the page
        prefs = repository.preferences(db, org_id=ada.org_id, person_id=ada.id)
        assert prefs.channel(Event.OFFERS) is Channel.EMAIL  # nothing saved from a refused form

    def test_needs_the_csrf_token(self, world: World, signed_in: SignIn) -> None:
        client = signed_in(world.person(world.org()))
        assert csrf_refused(client.post(URL, data={"delivery": "daily"}))
