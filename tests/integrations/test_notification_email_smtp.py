"""Notification emails over a real SMTP server: settings decide what is sent, the digest is one email."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from askwell.asks import service as asks
from askwell.asks.schemas import AskCreate
from askwell.core.clock import FrozenClock
from askwell.core.config import Settings
from askwell.core.jobs import JobRegistry
from askwell.http.links import path_for
from askwell.integrations.edges import edges_from_settings
from askwell.notifications import jobs as notifications_jobs
from askwell.notifications.models import NotificationKind
from askwell.worker.runner import Worker
from tests.conftest import World
from tests.integrations.smtp_server import SmtpServer
from tests.notifications.support import choose, tell


def _worker(factory: sessionmaker[Session], settings: Settings, clock: FrozenClock) -> Worker:
    """The real worker with the notification jobs and their schedule (the digest), nothing else."""
    registry = JobRegistry()
    notifications_jobs.register(registry, path_for=path_for)
    return Worker(factory, registry, settings=settings, edges=edges_from_settings(settings, clock=clock))


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
        org = world.org()
        ada = world.person(org, "Ada Lovelace")
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
        grace = world.person(org, "Grace")
        budget = AskCreate(
            title="Budget for the offsite", due=world.now + timedelta(days=3), audience=[ada.id]
        )
        ask = asks.create_ask(db, actor=world.actor(grace), data=budget, now=world.now)
        db.commit()
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
        for text in (
            "Linus offered to help",
            "Linus marked his help done",
            "Grace asked you directly: “Budget for the offsite”",
        ):
            assert text in body
        assert "Hank thanked you" not in body
        assert f"{smtp.settings().public_url()}/asks/{ask.id}\r\n" in body

        clock.advance(timedelta(minutes=15))  # the next slot of the schedule: no second digest today
        worker.run_once()
        assert len(smtp.handler.messages) == 1
