"""Notification emails go out after commit through the worker, with a link back into Askwell."""

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from askwell.core.clock import FrozenClock
from askwell.core.jobs import Job, JobContext, enqueue, run_pending
from askwell.integrations.email import LogEmailSender
from askwell.notifications.models import NotificationKind, NotificationSettings
from askwell.notifications.service import notify
from askwell.worker.registry import build_registry
from tests.conftest import RecordingEmail, World
from tests.notifications.support import choose, tell


def test_a_notification_is_emailed_with_a_link(
    db: Session, world: World, session_factory: sessionmaker[Session], clock: FrozenClock
) -> None:
    person = world.person(world.org())
    notify(
        db,
        recipient=person,
        kind=NotificationKind.THANKS,
        text="Ana thanked you",
        link="/asks/7",
        now=world.now,
    )
    db.commit()
    sent = RecordingEmail()
    ctx = JobContext(clock=clock, services={"email": sent, "base_url": "https://askwell.example"})
    assert run_pending(session_factory, build_registry(), ctx) == 1
    [email] = sent.sent
    assert email.to == person.email
    assert "Ana thanked you" in email.subject
    assert "https://askwell.example/asks/7" in email.body


def test_without_smtp_notifications_stay_in_the_inbox_only(
    db: Session, world: World, session_factory: sessionmaker[Session], clock: FrozenClock, caplog
) -> None:  # type: ignore[no-untyped-def]
    person = world.person(world.org())
    notify(
        db,
        recipient=person,
        kind=NotificationKind.THANKS,
        text="Ana thanked you",
        link="/asks/7",
        now=world.now,
    )
    db.commit()
    ctx = JobContext(clock=clock, services={"email": LogEmailSender()})
    assert run_pending(session_factory, build_registry(), ctx) == 1
    assert "Ana thanked you" not in caplog.text


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
    ctx = JobContext(clock=clock, services={"email": LogEmailSender()})
    assert run_pending(session_factory, build_registry(), ctx) == 1
    db.expire_all()
    assert db.scalar(select(func.count()).where(Job.kind == "notifications.email")) == 0
    settings = db.scalar(select(NotificationSettings).where(NotificationSettings.person_id == person.id))
    assert settings is not None and settings.last_digest_at == world.now - timedelta(hours=24)
