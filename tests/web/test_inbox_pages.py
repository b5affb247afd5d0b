import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from askwell.asks import service
from askwell.asks.models import Ask, AskAudience, OfferKind
from askwell.asks.schemas import AskCreate, OfferCreate
from askwell.notifications.models import Notification
from askwell.people.models import Person
from tests.conftest import World
from tests.web.conftest import post

SignIn = Callable[[Person], TestClient]
_BADGE = re.compile(r'class="badge nav-count">(\d+)<')

ASK = dict(
    title="Review the retry logic in PR #4412",
    body="Could someone review PR #4412 (the Kafka consumer's retry logic) by Thursday?",
)


def badge(html: str) -> int:
    """The unread count in the navigation (0 when there is no badge)."""
    found = _BADGE.findall(html)
    return int(found[0]) if found else 0


@pytest.fixture
def ask_by(db: Session, world: World) -> Callable[..., Ask]:
    def make(author: Person, **overrides: object) -> Ask:
        data = AskCreate(**{**ASK, "due": world.now + timedelta(days=3), **overrides})
        ask = service.create_ask(db, actor=world.actor(author), data=data, now=world.now)
        db.commit()
        return ask

    return make


def offer(db: Session, world: World, helper: Person, ask: Ask) -> None:
    data = OfferCreate(kind=OfferKind.ADVISE, message="I can look at it this afternoon.")
    service.offer_help(db, actor=world.actor(helper), ask_id=ask.id, data=data, now=world.now)
    db.commit()


class TestInbox:
    def test_anonymous(self, client: TestClient) -> None:
        r = client.get("/inbox")
        assert r.status_code == 303
        assert r.headers["location"] == "/signin?next=/inbox"

    def test_new_offer_shows_with_a_link_and_an_unread_badge(
        self, db: Session, world: World, signed_in: SignIn, ask_by: Callable[..., Ask]
    ) -> None:
        org = world.org()
        ada, grace = world.person(org, "Ada"), world.person(org, "Grace")
        ask = ask_by(ada)
        client = signed_in(ada)
        assert badge(client.get("/asks").text) == 0
        offer(db, world, grace, ask)
        page = client.get("/inbox")
        assert page.status_code == 200
        assert f'<a href="/asks/{ask.id}">Grace offered to help with' in page.text
        assert badge(page.text) == 1

    def test_asked_directly(
        self, db: Session, world: World, signed_in: SignIn, ask_by: Callable[..., Ask]
    ) -> None:
        org = world.org()
        ada, grace = world.person(org, "Ada"), world.person(org, "Grace")
        ask_by(ada, visibility="people", audience=[grace.id])
        page = signed_in(grace).get("/inbox")
        assert "Ada asked you directly" in page.text
        assert badge(page.text) == 1

    def test_mark_all_read_clears_the_badge(
        self, db: Session, world: World, signed_in: SignIn, ask_by: Callable[..., Ask]
    ) -> None:
        org = world.org()
        ada, grace = world.person(org, "Ada"), world.person(org, "Grace")
        offer(db, world, grace, ask_by(ada))
        client = signed_in(ada)
        r = post(client, "/inbox/read")
        assert r.status_code == 303
        assert r.headers["location"] == "/inbox?flash=Marked+1+as+read."
        assert badge(client.get("/inbox").text) == 0
        unread = select(func.count()).where(Notification.person_id == ada.id, Notification.read_at.is_(None))
        assert db.scalar(unread) == 0

    def test_mark_read_needs_the_csrf_token(self, world: World, signed_in: SignIn) -> None:
        client = signed_in(world.person(world.org()))
        r = client.post("/inbox/read")
        assert r.status_code == 303 and r.headers["location"].startswith("/signin?next=")  # refused

    def test_only_my_own_notifications(
        self, db: Session, world: World, signed_in: SignIn, ask_by: Callable[..., Ask]
    ) -> None:
        org = world.org()
        ada, grace = world.person(org, "Ada"), world.person(org, "Grace")
        offer(db, world, grace, ask_by(ada))
        outsider = world.person(world.org("Globex"), "Hank")
        assert "offered to help" not in signed_in(grace).get("/inbox").text
        assert "offered to help" not in signed_in(outsider).get("/inbox").text

    def test_an_ask_no_longer_shared_with_me_keeps_its_title_hidden(
        self, db: Session, world: World, signed_in: SignIn, ask_by: Callable[..., Ask]
    ) -> None:
        org = world.org()
        ada, grace, linus = world.person(org, "Ada"), world.person(org, "Grace"), world.person(org, "Linus")
        ask = ask_by(
            ada, title="Confidential reorg question", visibility="people", audience=[grace.id, linus.id]
        )
        # Grace is taken off the ask after she was told about it.
        db.execute(delete(AskAudience).where(AskAudience.ask_id == ask.id, AskAudience.person_id == grace.id))
        db.commit()
        page = signed_in(grace).get("/inbox")
        assert "Confidential reorg question" in signed_in(linus).get("/inbox").text
        assert "Confidential reorg question" not in page.text
        assert "no longer shared with you" in page.text
