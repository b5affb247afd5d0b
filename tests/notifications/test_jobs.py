"""Notification emails go out after commit through the worker, with a link back into Askwell."""

from sqlalchemy.orm import Session, sessionmaker

from askwell.core.clock import FrozenClock
from askwell.core.jobs import JobContext, run_pending
from askwell.integrations.email import LogEmailSender
from askwell.notifications.models import NotificationKind
from askwell.notifications.service import notify
from askwell.worker.registry import build_registry
from tests.conftest import RecordingEmail, World


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
