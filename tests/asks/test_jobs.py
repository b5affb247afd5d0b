"""Reminders and expiry: each happens once, however often the job runs."""

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from askwell.asks import jobs, repository, service
from askwell.asks.models import Ask, AskStatus, OfferKind
from askwell.asks.schemas import OfferCreate
from askwell.notifications.models import Notification
from tests.conftest import World


def kinds(db: Session, person_id: int) -> list[str]:
    return [n.kind for n in db.scalars(select(Notification).where(Notification.person_id == person_id))]


def test_due_soon_reminds_the_author_once(db: Session, world: World, new_ask: Callable[..., Ask]) -> None:
    author = world.person(world.org())
    new_ask(author, due=world.now + timedelta(hours=20))
    new_ask(author, due=world.now + timedelta(days=5), title="Not due for a while yet")
    assert jobs.remind_due_soon(db, now=world.now) == 1
    assert jobs.remind_due_soon(db, now=world.now) == 0
    assert kinds(db, author.id) == ["ask_due_soon"]


def test_an_overdue_ask_expires_after_the_grace_period(
    db: Session, world: World, new_ask: Callable[..., Ask]
) -> None:
    author = world.person(world.org())
    ask = new_ask(author, due=world.now + timedelta(hours=1))
    assert jobs.expire_overdue(db, now=world.now + timedelta(hours=2)) == 0
    later = world.now + timedelta(hours=1) + jobs.GRACE + timedelta(minutes=1)
    assert jobs.expire_overdue(db, now=later) == 1
    assert jobs.expire_overdue(db, now=later) == 0
    assert repository.get_ask(db, actor=world.actor(author), ask_id=ask.id).status == AskStatus.EXPIRED
    assert kinds(db, author.id) == ["ask_expired"]


def test_an_accepted_offer_not_done_gets_one_reminder(
    db: Session, world: World, new_ask: Callable[..., Ask]
) -> None:
    org = world.org()
    author, helper = world.person(org), world.person(org)
    ask = new_ask(author, due=world.now + timedelta(days=30))
    offer = service.offer_help(
        db,
        actor=world.actor(helper),
        ask_id=ask.id,
        data=OfferCreate(kind=OfferKind.DO, message="on it"),
        now=world.now,
    )
    service.accept_offer(db, actor=world.actor(author), offer_id=offer.id, now=world.now)
    later = world.now + jobs.OFFER_REMINDER_AFTER + timedelta(hours=1)
    assert jobs.remind_accepted_offers(db, now=later) == 1
    assert jobs.remind_accepted_offers(db, now=later + timedelta(days=3)) == 0
    assert kinds(db, helper.id) == ["offer_accepted", "offer_reminder"]
