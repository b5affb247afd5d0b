"""Notification emails over a real SMTP server: settings decide what is sent, the digest is one email."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from askwell.core.clock import FrozenClock
from askwell.core.config import Settings
from askwell.core.jobs import JobRegistry
from askwell.notifications import jobs as notifications_jobs
from askwell.notifications.models import NotificationKind
from askwell.worker.runner import Worker
from tests.conftest import World
from tests.integrations.smtp_server import SmtpServer
from tests.notifications.support import LINK, choose, tell


def _worker(factory: sessionmaker[Session], settings: Settings, clock: FrozenClock) -> Worker:
    """The real worker with the notification jobs and their schedule (the digest), nothing else."""
    registry = JobRegistry()
    notifications_jobs.register(registry)
    return Worker(factory, registry, settings=settings, clock=clock)


class TestNotificationSettingsOverSmtp:
    def test_an_opted_out_event_sends_no_email(
        self,
        smtp: SmtpServer,
        session_factory: sessionmaker[Session],
        world: World,
        clock: FrozenClock,
        db: Session,
    ) -> None:
        ada = world.person(world.org(), "Ada")
        choose(db, world, ada, at_hours_ago=2, events={"thanks": "inbox"})
        tell(db, world, ada, NotificationKind.THANKS, "Grace thanked you", hours_ago=1)
        tell(db, world, ada, NotificationKind.NEW_OFFER, "Linus offered to help", hours_ago=1)

        result = _worker(session_factory, smtp.settings(), clock).run_once()

        assert result.failed == 0
        (message,) = smtp.handler.messages
        assert message["Subject"] == "Askwell: Linus offered to help"
        assert smtp.handler.recipients == [[ada.email]]

    def test_the_daily_digest_is_one_email_with_several_items(
        self,
        smtp: SmtpServer,
        session_factory: sessionmaker[Session],
        world: World,
        clock: FrozenClock,
        db: Session,
    ) -> None:
        ada = world.person(world.org(), "Ada Lovelace")
        ada.timezone = "Europe/Berlin"  # the clock reads 10:30 there: digest time
        db.commit()
        choose(db, world, ada, at_hours_ago=24, digest=True, events={"thanks": "inbox"})
        tell(
            db,
            world,
            ada,
            NotificationKind.NEW_OFFER,
            "Linus offered to help with “Kafka retries”",
            hours_ago=5,
        )
        tell(db, world, ada, NotificationKind.OFFER_DONE, "Linus marked his help done", hours_ago=3)
        tell(
            db, world, ada, NotificationKind.ASKED_DIRECTLY, "Grace asked you directly: “Budget”", hours_ago=2
        )
        tell(db, world, ada, NotificationKind.THANKS, "Hank thanked you", hours_ago=1)  # inbox only
        assert smtp.handler.messages == []  # nothing one by one

        worker = _worker(session_factory, smtp.settings(), clock)
        result = worker.run_once()

        assert result.failed == 0
        (message,) = smtp.handler.messages
        assert smtp.handler.recipients == [[ada.email]]
        assert message["Subject"] == "Askwell: 3 unread notifications today"
        body = message.get_content()
        assert body.startswith("Hello Ada,")
        for text in ("Linus offered to help", "Linus marked his help done", "Grace asked you directly"):
            assert text in body
        assert "Hank thanked you" not in body
        assert f"{smtp.settings().public_url()}{LINK}" in body

        clock.advance(timedelta(minutes=15))  # the next slot of the schedule: no second digest today
        worker.run_once()
        assert len(smtp.handler.messages) == 1
