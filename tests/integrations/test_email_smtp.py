"""Email over a real SMTP server (aiosmtpd on 127.0.0.1): the outbox delivers only what was committed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from askwell.accounts import service as accounts
from askwell.accounts.schemas import InvitationCreate
from askwell.core.clock import FrozenClock
from askwell.core.config import Settings
from askwell.core.jobs import DONE, FAILED, QUEUED, Job, JobRegistry
from askwell.core.uow import unit_of_work
from askwell.integrations.email import Email, SmtpEmailSender, register_email_jobs
from askwell.people.models import Role
from askwell.worker.runner import Worker
from tests.conftest import World
from tests.integrations.smtp_server import SmtpServer


def _invite(
    factory: sessionmaker[Session], world: World, settings: Settings, *, email: str, fail_after: bool = False
) -> str:
    org = world.org()
    admin = world.actor(world.person(org, "Ada Admin", role=Role.ADMIN))
    with unit_of_work(factory) as db:
        _, token = accounts.invite(
            db,
            actor=admin,
            data=InvitationCreate(email=email, name="Grace"),
            settings=settings,
            now=world.now,
        )
        if fail_after:
            raise RuntimeError("something later in the request failed")
    return token


def _worker(factory: sessionmaker[Session], settings: Settings, clock: FrozenClock) -> Worker:
    """The real worker and email handler, without the product's schedules (their jobs are not counted here)."""
    registry = JobRegistry()
    register_email_jobs(registry)
    return Worker(factory, registry, settings=settings, clock=clock)


def _email_jobs(db: Session) -> list[Job]:
    db.expire_all()
    return list(db.scalars(select(Job).where(Job.kind == "email.send")))


class TestInvitationEmail:
    def test_committed_invitation_arrives_over_smtp_with_its_link(
        self,
        smtp: SmtpServer,
        session_factory: sessionmaker[Session],
        world: World,
        clock: FrozenClock,
        db: Session,
    ) -> None:
        settings = smtp.settings()
        token = _invite(session_factory, world, settings, email="grace@example.com")
        assert smtp.handler.messages == []  # nothing is sent inline, only queued

        result = _worker(session_factory, settings, clock).run_once()

        assert (result.completed, result.failed) == (1, 0)
        (message,) = smtp.handler.messages
        assert smtp.handler.recipients == [["grace@example.com"]]
        assert message["To"] == "grace@example.com"
        assert message["From"] == "Askwell <noreply@askwell.test>"
        assert message["Subject"].startswith("You're invited to Acme")
        assert message["Date"] and message["Message-ID"]
        body = message.get_content()
        assert f"{settings.base_url}/invite/{token}" in body
        assert [j.status for j in _email_jobs(db)] == [DONE]

    def test_rolled_back_invitation_sends_nothing(
        self,
        smtp: SmtpServer,
        session_factory: sessionmaker[Session],
        world: World,
        clock: FrozenClock,
        db: Session,
    ) -> None:
        settings = smtp.settings()
        with pytest.raises(RuntimeError):
            _invite(session_factory, world, settings, email="grace@example.com", fail_after=True)

        _worker(session_factory, settings, clock).run_once()

        assert smtp.handler.messages == []
        assert _email_jobs(db) == []


class TestRefusingServer:
    def test_send_is_retried_with_back_off_then_failed_with_the_error_kept(
        self,
        refusing_smtp: SmtpServer,
        session_factory: sessionmaker[Session],
        world: World,
        clock: FrozenClock,
        db: Session,
    ) -> None:
        settings = refusing_smtp.settings()
        _invite(session_factory, world, settings, email="grace@example.com")
        worker = _worker(session_factory, settings, clock)

        assert worker.run_once().failed == 1
        (job,) = _email_jobs(db)
        assert (job.status, job.attempts) == (QUEUED, 1)
        assert "554" in (job.last_error or "")
        assert worker.run_once().failed == 0  # waiting out its back-off

        waits = []
        for _ in range(job.max_attempts - 1):
            (job,) = _email_jobs(db)
            waits.append(job.run_at - clock.now())
            clock.advance(job.run_at - clock.now())
            assert worker.run_once().failed == 1

        (job,) = _email_jobs(db)
        assert waits == [timedelta(seconds=s) for s in (10, 20, 40, 80)]
        assert (job.status, job.attempts, job.finished_at) == (FAILED, 5, clock.now())
        assert "554" in (job.last_error or "")
        assert "relay refused" in (job.last_error or "")
        assert refusing_smtp.handler.messages == []


class TestSmtpEmailSender:
    def test_needs_a_host(self) -> None:
        with pytest.raises(ValueError, match="ASKWELL_SMTP_HOST"):
            SmtpEmailSender(Settings(smtp_host=None))

    def test_sends_utf8_text(self, smtp: SmtpServer) -> None:
        SmtpEmailSender(smtp.settings()).send(
            Email(to="zoe@example.com", subject="Merci, Zoë ✓", body="Thanks for the help — really.")
        )

        (message,) = smtp.handler.messages
        assert message["Subject"] == "Merci, Zoë ✓"
        assert message.get_content().strip() == "Thanks for the help — really."
