"""Notification emails go out after commit through the worker, with a link back into Askwell."""

from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from askwell.asks import service as asks
from askwell.asks.models import Ask, AskAudience, OfferKind, Visibility
from askwell.asks.schemas import AskCreate, OfferCreate
from askwell.core.clock import FrozenClock
from askwell.core.edges import Edges
from askwell.core.jobs import Job, JobContext, enqueue, run_pending
from askwell.integrations.email import LogEmailSender
from askwell.notifications.models import NotificationKind, NotificationSettings
from askwell.people.models import Person
from askwell.worker.registry import build_registry
from tests.conftest import RecordingEmail, World
from tests.notifications.support import choose, tell


def _offer_on_an_ask(db: Session, world: World) -> tuple[Person, Person, Ask]:
    org = world.org()
    ada, grace = world.person(org, "Ada"), world.person(org, "Grace")
    data = AskCreate(title="Review the retry logic in PR 4412", due=world.now + timedelta(days=3))
    made = asks.create_ask(db, actor=world.actor(ada), data=data, now=world.now)
    offer = OfferCreate(kind=OfferKind.ADVISE, message="I can look at it this afternoon.")
    asks.offer_help(db, actor=world.actor(grace), ask_id=made.id, data=offer, now=world.now)
    db.commit()
    return ada, grace, made


def test_a_notification_is_emailed_with_a_link(
    db: Session, world: World, session_factory: sessionmaker[Session], clock: FrozenClock
) -> None:
    ada, _, ask = _offer_on_an_ask(db, world)
    sent = RecordingEmail()
    ctx = JobContext(edges=Edges(email=sent, clock=clock, base_url="https://askwell.example"))
    assert run_pending(session_factory, build_registry(), ctx) == 1
    [email] = sent.sent
    assert email.to == ada.email
    assert email.subject == "Askwell: Grace offered to help with “Review the retry logic in PR 4412”"
    assert f"https://askwell.example/asks/{ask.id}" in email.body


def test_the_email_is_written_as_the_reader_may_see_the_ask_when_it_is_sent(
    db: Session, world: World, session_factory: sessionmaker[Session], clock: FrozenClock
) -> None:
    org = world.org()
    ada, grace = world.person(org, "Ada"), world.person(org, "Grace")
    data = AskCreate(
        title="Confidential reorg question",
        due=world.now + timedelta(days=3),
        visibility=Visibility.PEOPLE,
        audience=[grace.id],
    )
    ask = asks.create_ask(db, actor=world.actor(ada), data=data, now=world.now)
    db.commit()
    # Taken off the ask before the worker got to the email: it must not carry the title.
    db.execute(delete(AskAudience).where(AskAudience.ask_id == ask.id, AskAudience.person_id == grace.id))
    db.commit()
    sent = RecordingEmail()
    assert (
        run_pending(session_factory, build_registry(), JobContext(edges=Edges(email=sent, clock=clock))) == 1
    )
    assert sent.sent == []


def test_an_email_queued_before_notifications_kept_ids_still_goes(
    db: Session, world: World, session_factory: sessionmaker[Session], clock: FrozenClock
) -> None:
    payload = {"notification_id": 1, "to": "ada@example.com", "subject": "Ana thanked you", "link": "/asks/7"}
    enqueue(db, "notifications.email", payload, now=world.now)
    db.commit()
    sent = RecordingEmail()
    ctx = JobContext(edges=Edges(email=sent, clock=clock, base_url="https://askwell.example"))
    assert run_pending(session_factory, build_registry(), ctx) == 1
    [email] = sent.sent
    assert (email.to, email.subject) == ("ada@example.com", "Askwell: Ana thanked you")
    assert "https://askwell.example/asks/7" in email.body


def test_without_smtp_notifications_stay_in_the_inbox_only(
    db: Session, world: World, session_factory: sessionmaker[Session], clock: FrozenClock, caplog
) -> None:  # type: ignore[no-untyped-def]
    _offer_on_an_ask(db, world)
    ctx = JobContext(edges=Edges(email=LogEmailSender(), clock=clock))
    assert run_pending(session_factory, build_registry(), ctx) == 1
    assert "offered to help" not in caplog.text


def test_the_digest_is_scheduled_with_the_other_jobs() -> None:
    registry = build_registry()
    assert registry.get("notifications.digest") is not None
    assert "notifications.digest" in {s.kind for s in registry.schedules}


def test_without_smtp_the_digest_job_leaves_everything_as_it_was(
    db: Session, world: World, session_factory: sessionmaker[Session], clock: FrozenClock
) -> None:
    person = world.person(world.org())
    person.timezone = "Europe/Berlin"  # 10:30 there: digest time
    db.commit()
    choose(db, world, person, at_hours_ago=24, digest=True)
    tell(db, world, person, NotificationKind.THANKS, "Ana thanked you", hours_ago=1)
    enqueue(db, "notifications.digest", {}, now=world.now)
    db.commit()
    ctx = JobContext(edges=Edges(email=LogEmailSender(), clock=clock))
    assert run_pending(session_factory, build_registry(), ctx) == 1
    db.expire_all()
    assert db.scalar(select(func.count()).where(Job.kind == "notifications.email")) == 0
    settings = db.scalar(select(NotificationSettings).where(NotificationSettings.person_id == person.id))
    assert settings is not None and settings.last_digest_at == world.now - timedelta(hours=24)
