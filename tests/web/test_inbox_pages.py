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
from askwell.notifications.models import Notification, NotificationKind
from askwell.notifications.service import Notice
from askwell.people.models import Person
from tests.conftest import QueryCounter, World
from tests.notifications.support import tell_notice
from tests.web.conftest import csrf_refused, post

SignIn = Callable[[Person], TestClient]
_BADGE = re.compile(r'class="badge nav-count">(\d+)<')
_ITEM = re.compile(r'<li class="inbox-item .*?</li>', re.S)

ASK = dict(
    title="Review the retry logic in PR #4412",
    body="Could someone review PR #4412 (the Kafka consumer's retry logic) by Thursday?",
)


def badge(html: str) -> int:
    """The unread count in the navigation (0 when there is no badge)."""
    found = _BADGE.findall(html)
    return int(found[0]) if found else 0


def items(html: str) -> list[str]:
    """The inbox items' markup, newest first."""
    return _ITEM.findall(html)


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
        [note] = items(page.text)
        assert note.startswith('<li class="inbox-item unread" id="n-')
        assert 'action="/inbox/' in note and '/open"' in note
        assert "Grace offered to help with" in note
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
        assert csrf_refused(client.post("/inbox/read"))

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


def notes_of(db: Session, person: Person) -> list[Notification]:
    db.expire_all()
    return list(
        db.scalars(select(Notification).where(Notification.person_id == person.id).order_by(Notification.id))
    )


@pytest.fixture
def offered(
    db: Session, world: World, ask_by: Callable[..., Ask]
) -> tuple[Person, Person, Ask, Notification]:
    """Ada's ask with Grace's offer on it: Ada has one unread notification."""
    org = world.org()
    ada, grace = world.person(org, "Ada"), world.person(org, "Grace")
    ask = ask_by(ada)
    offer(db, world, grace, ask)
    [note] = notes_of(db, ada)
    return ada, grace, ask, note


class TestOpenItem:
    """Opening an item is a POST that marks it read and leads on to where it points."""

    def test_opening_marks_it_read_and_leads_to_the_ask(
        self, db: Session, signed_in: SignIn, offered: tuple[Person, Person, Ask, Notification]
    ) -> None:
        ada, _, ask, note = offered
        client = signed_in(ada)
        r = post(client, f"/inbox/{note.id}/open")
        assert r.status_code == 303
        assert r.headers["location"] == f"/asks/{ask.id}"
        [read] = notes_of(db, ada)
        assert read.read_at is not None
        page = client.get("/inbox")
        assert badge(page.text) == 0
        [item] = items(page.text)
        assert item.startswith('<li class="inbox-item read"')
        assert '<span class="read-mark">Read</span>' in item
        assert ">Mark unread</button>" in item
        assert "New" not in item

    def test_reopening_a_read_item_keeps_it_read(
        self, db: Session, signed_in: SignIn, offered: tuple[Person, Person, Ask, Notification]
    ) -> None:
        ada, _, ask, note = offered
        client = signed_in(ada)
        post(client, f"/inbox/{note.id}/open")
        first = notes_of(db, ada)[0].read_at
        r = post(client, f"/inbox/{note.id}/open")
        assert (r.status_code, r.headers["location"]) == (303, f"/asks/{ask.id}")
        assert notes_of(db, ada)[0].read_at == first

    def test_someone_elses_item_is_not_found_and_stays_unread(
        self, db: Session, signed_in: SignIn, offered: tuple[Person, Person, Ask, Notification]
    ) -> None:
        ada, grace, _, note = offered
        r = post(signed_in(grace), f"/inbox/{note.id}/open")
        assert r.status_code == 404
        assert notes_of(db, ada)[0].read_at is None

    def test_needs_the_csrf_token(
        self, db: Session, signed_in: SignIn, offered: tuple[Person, Person, Ask, Notification]
    ) -> None:
        ada, _, _, note = offered
        assert csrf_refused(signed_in(ada).post(f"/inbox/{note.id}/open"))
        assert notes_of(db, ada)[0].read_at is None

    def test_an_item_that_names_no_page_leads_to_the_inbox(
        self, db: Session, world: World, signed_in: SignIn
    ) -> None:
        # Links are built from ids by the web layer (http/links.py): nothing stored can lead off-site.
        ada = world.person(world.org(), "Ada")
        note = tell_notice(db, ada, Notice(kind=NotificationKind.THANKS, text="Thanks"), at=world.now)
        db.commit()
        r = post(signed_in(ada), f"/inbox/{note.id}/open")
        assert (r.status_code, r.headers["location"]) == (303, "/inbox")

    def test_an_item_about_an_ask_no_longer_shared_leads_to_the_inbox(
        self, db: Session, world: World, signed_in: SignIn, ask_by: Callable[..., Ask]
    ) -> None:
        org = world.org()
        ada, grace = world.person(org, "Ada"), world.person(org, "Grace")
        ask = ask_by(ada, title="Confidential reorg question", visibility="people", audience=[grace.id])
        db.execute(delete(AskAudience).where(AskAudience.ask_id == ask.id, AskAudience.person_id == grace.id))
        db.commit()
        [note] = notes_of(db, grace)
        r = post(signed_in(grace), f"/inbox/{note.id}/open")
        assert (r.status_code, r.headers["location"]) == (303, "/inbox")


class TestMarkUnread:
    def test_an_opened_item_can_be_marked_unread_again(
        self, db: Session, signed_in: SignIn, offered: tuple[Person, Person, Ask, Notification]
    ) -> None:
        ada, _, _, note = offered
        client = signed_in(ada)
        post(client, f"/inbox/{note.id}/open")
        r = post(client, f"/inbox/{note.id}/unread")
        assert (r.status_code, r.headers["location"]) == (303, f"/inbox#n-{note.id}")
        assert notes_of(db, ada)[0].read_at is None
        page = client.get("/inbox")
        assert badge(page.text) == 1
        [item] = items(page.text)
        assert '<span class="badge">New</span>' in item
        assert ">Mark read</button>" in item

    def test_mark_one_read_without_opening_it(
        self, db: Session, signed_in: SignIn, offered: tuple[Person, Person, Ask, Notification]
    ) -> None:
        ada, _, _, note = offered
        client = signed_in(ada)
        r = post(client, f"/inbox/{note.id}/read", {"page": "2"})
        assert (r.status_code, r.headers["location"]) == (303, f"/inbox?page=2#n-{note.id}")
        assert badge(client.get("/inbox").text) == 0

    def test_someone_elses_item_cannot_be_marked(
        self, db: Session, world: World, signed_in: SignIn, offered: tuple[Person, Person, Ask, Notification]
    ) -> None:
        ada, _, _, note = offered
        outsider = world.person(world.org("Globex"), "Hank")
        post(signed_in(ada), f"/inbox/{note.id}/open")
        assert post(signed_in(outsider), f"/inbox/{note.id}/unread").status_code == 404
        assert notes_of(db, ada)[0].read_at is not None


class TestTimes:
    """Times are on the reader's clock; the zone is named when someone in the item lives on another."""

    def test_shown_in_the_readers_timezone_named_when_the_other_person_differs(
        self, db: Session, world: World, signed_in: SignIn, offered: tuple[Person, Person, Ask, Notification]
    ) -> None:
        ada, _, _, _ = offered
        ada.timezone = "Europe/Berlin"  # Grace stays on UTC
        db.commit()
        [item] = items(signed_in(ada).get("/inbox").text)
        # world.now is 2 March 09:30 UTC: 10:30 in Berlin, in winter time.
        assert ">2 Mar, 10:30 CET</time>" in item

    def test_no_zone_when_everyone_shares_the_clock(
        self, db: Session, world: World, signed_in: SignIn, offered: tuple[Person, Person, Ask, Notification]
    ) -> None:
        ada, grace, _, _ = offered
        ada.timezone, grace.timezone = "Europe/Berlin", "Europe/Paris"
        db.commit()
        [item] = items(signed_in(ada).get("/inbox").text)
        assert ">2 Mar, 10:30</time>" in item

    def test_a_reminder_about_my_own_ask_names_no_zone(
        self, db: Session, world: World, signed_in: SignIn
    ) -> None:
        ada = world.person(world.org(), "Ada")
        ada.timezone = "America/New_York"
        tell_notice(db, ada, Notice(kind=NotificationKind.ASK_DUE_SOON, text="Due soon"), at=world.now)
        db.commit()
        page = signed_in(ada).get("/inbox").text
        [item] = items(page)
        assert ">2 Mar, 04:30</time>" in item
        assert "America/New York" in page  # the page says whose clock all its times are on


class TestInboxQueries:
    def test_queries_do_not_grow_with_the_page(
        self,
        db: Session,
        world: World,
        signed_in: SignIn,
        ask_by: Callable[..., Ask],
        count_queries: Callable[[], QueryCounter],
    ) -> None:
        org = world.org()
        ada = world.person(org, "Ada")
        client = signed_in(ada)

        def queries_for(n: int) -> int:
            while len(items(client.get("/inbox").text)) < n:
                offer(db, world, world.person(org), ask_by(ada))
            counter = count_queries()
            assert len(items(client.get("/inbox").text)) == n
            return counter.count

        assert queries_for(2) == queries_for(8)
