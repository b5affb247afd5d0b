"""Email over a real SMTP server (aiosmtpd on 127.0.0.1): the outbox delivers only what was committed."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from askwell.accounts import service as accounts
from askwell.accounts.schemas import InvitationCreate
from askwell.core.clock import FrozenClock
from askwell.core.config import Settings
from askwell.core.jobs import DONE, FAILED, QUEUED, Job, JobRegistry
from askwell.core.uow import unit_of_work
from askwell.integrations.edges import edges_from_settings
from askwell.integrations.email import Email, SmtpEmailSender, register_email_jobs
from askwell.people.models import Role
from askwell.worker.runner import Worker
from tests.conftest import World
from tests.integrations.smtp_server import SmtpServer
from tests.web.conftest import post


def _invite(
    factory: sessionmaker[Session],
    world: World,
    settings: Settings,
    *,
    email: str,
    name: str = "Grace",
    fail_after: bool = False,
    served_url: str | None = None,
) -> str:
    org = world.org()
    admin = world.actor(world.person(org, "Ada Admin", role=Role.ADMIN))
    with unit_of_work(factory) as db:
        _, token = accounts.invite(
            db,
            actor=admin,
            data=InvitationCreate(email=email, name=name),
            settings=settings,
            now=world.now,
            served_url=served_url,
        )
        if fail_after:
            raise RuntimeError("something later in the request failed")
    return token


def _worker(factory: sessionmaker[Session], settings: Settings, clock: FrozenClock) -> Worker:
    """The real worker and email handler, without the product's schedules (their jobs are not counted here)."""
    registry = JobRegistry()
    register_email_jobs(registry)
    return Worker(factory, registry, settings=settings, edges=edges_from_settings(settings, clock=clock))


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
        settings = smtp.settings().model_copy(update={"base_url": "https://askwell.example.org/"})
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
        assert body.startswith("Hello Grace,")
        assert f"https://askwell.example.org/invite/{token}" in body
        assert [j.status for j in _email_jobs(db)] == [DONE]

    def test_without_a_name_the_greeting_stays_a_sentence(
        self, smtp: SmtpServer, session_factory: sessionmaker[Session], world: World, clock: FrozenClock
    ) -> None:
        settings = smtp.settings()
        _invite(session_factory, world, settings, email="grace@example.com", name="")

        _worker(session_factory, settings, clock).run_once()

        (message,) = smtp.handler.messages
        body = message.get_content()
        assert body.startswith("Hello,")
        assert "Hello ," not in body

    def test_without_a_base_url_the_link_points_at_the_served_address(
        self, smtp: SmtpServer, session_factory: sessionmaker[Session], world: World, clock: FrozenClock
    ) -> None:
        settings = smtp.settings()
        assert settings.base_url is None
        token = _invite(
            session_factory, world, settings, email="grace@example.com", served_url="http://10.0.0.7:8123/"
        )

        _worker(session_factory, settings, clock).run_once()

        (message,) = smtp.handler.messages
        assert f"http://10.0.0.7:8123/invite/{token}" in message.get_content()

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


class TestEmailsCausedByARequest:
    """Without ASKWELL_BASE_URL, links point at the address the page was served on, not a default."""

    def test_invitation_from_the_admin_page(
        self,
        smtp: SmtpServer,
        app: FastAPI,
        session_factory: sessionmaker[Session],
        world: World,
        clock: FrozenClock,
    ) -> None:
        org = world.org()
        admin = world.person(org, "Ada Admin", role=Role.ADMIN)
        with TestClient(app, base_url="http://askwell.lan:8080", follow_redirects=False) as client:
            client.cookies.set("askwell_session", world.session_cookie(admin))
            client.get("/signin")
            r = post(client, "/admin/invitations", {"email": "grace@example.com", "name": ""})
        assert r.status_code == 303

        _worker(session_factory, smtp.settings(), clock).run_once()

        (message,) = smtp.handler.messages
        body = message.get_content()
        assert body.startswith("Hello,")
        assert "http://askwell.lan:8080/invite/" in body
        assert "127.0.0.1:8000" not in body

    def test_password_reset_from_the_reset_page(
        self,
        smtp: SmtpServer,
        app: FastAPI,
        session_factory: sessionmaker[Session],
        world: World,
        clock: FrozenClock,
    ) -> None:
        person = world.person(world.org(), "Grace Hopper")
        with TestClient(app, base_url="https://help.acme.test", follow_redirects=False) as client:
            client.get("/signin")
            r = post(client, "/reset", {"email": person.email})
        assert r.status_code == 200

        _worker(session_factory, smtp.settings(), clock).run_once()

        (message,) = smtp.handler.messages
        assert "https://help.acme.test/reset/" in message.get_content()


class TestRefusingServer:
    def test_a_temporary_refusal_is_retried_with_back_off_then_failed_with_the_error_kept(
        self,
        busy_smtp: SmtpServer,
        session_factory: sessionmaker[Session],
        world: World,
        clock: FrozenClock,
        db: Session,
    ) -> None:
        settings = busy_smtp.settings()
        _invite(session_factory, world, settings, email="grace@example.com")
        worker = _worker(session_factory, settings, clock)

        assert worker.run_once().failed == 1
        (job,) = _email_jobs(db)
        assert (job.status, job.attempts) == (QUEUED, 1)
        assert "451" in (job.last_error or "")
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
        assert "temporarily busy" in (job.last_error or "")
        assert busy_smtp.handler.messages == []

    def test_a_permanent_refusal_fails_at_once_with_the_reason_kept(
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
        # A 5xx will not change on retry: no five attempts against a relay that said no.
        assert (job.status, job.attempts, job.finished_at) == (FAILED, 1, clock.now())
        assert "554" in (job.last_error or "")
        assert "relay refused" in (job.last_error or "")
        clock.advance(timedelta(hours=2))
        assert worker.run_once().failed == 0
        assert refusing_smtp.handler.messages == []

    def test_an_unreachable_relay_is_a_network_error_and_retried(
        self, session_factory: sessionmaker[Session], world: World, clock: FrozenClock, db: Session
    ) -> None:
        # Nothing listens on this port: the connection is refused before any SMTP reply.
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1])
        settings = Settings(smtp_host="127.0.0.1", smtp_port=port, smtp_from="Askwell <noreply@askwell.test>")
        _invite(session_factory, world, settings, email="grace@example.com")
        worker = _worker(session_factory, settings, clock)

        assert worker.run_once().failed == 1
        (job,) = _email_jobs(db)
        assert (job.status, job.attempts, job.finished_at) == (QUEUED, 1, None)
        assert "ConnectionRefusedError" in (job.last_error or "")


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
