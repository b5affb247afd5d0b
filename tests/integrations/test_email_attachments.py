"""Attachments over a real SMTP server: a huddle's calendar invitation arrives as text/calendar; method=REQUEST."""

from __future__ import annotations

from email.message import EmailMessage

from icalendar import Calendar
from sqlalchemy.orm import Session, sessionmaker

from askwell.core.clock import FrozenClock
from askwell.core.config import Settings
from askwell.core.edges import Attachment, Email
from askwell.core.jobs import JobRegistry
from askwell.core.uow import unit_of_work
from askwell.http.links import path_for
from askwell.huddles import service
from askwell.huddles.schemas import HuddleCreate
from askwell.integrations.edges import edges_from_settings
from askwell.integrations.email import SmtpEmailSender, register_email_jobs
from askwell.notifications import jobs as notifications_jobs
from askwell.worker.runner import Worker
from tests.conftest import World
from tests.integrations.smtp_server import SmtpServer


def _calendar_part(message: EmailMessage) -> EmailMessage:
    parts = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    return parts[0]  # type: ignore[return-value]


def test_an_email_without_attachments_is_unchanged(smtp: SmtpServer) -> None:
    SmtpEmailSender(smtp.settings()).send(Email(to="a@example.com", subject="Plain", body="Hello"))
    (message,) = smtp.handler.messages
    assert not message.is_multipart()
    assert message.get_content().strip() == "Hello"


def test_a_calendar_attachment_keeps_its_method(smtp: SmtpServer) -> None:
    ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"
    email = Email(
        to="a@example.com",
        subject="Invite",
        body="See attached",
        attachments=(Attachment("huddle.ics", "text/calendar; method=REQUEST; charset=utf-8", ics),),
    )
    SmtpEmailSender(smtp.settings()).send(email)
    (message,) = smtp.handler.messages
    part = _calendar_part(message)
    assert part.get_param("method") == "REQUEST"
    assert part.get_filename() == "huddle.ics"
    assert "METHOD:REQUEST" in part.get_content()
    assert message.get_body(preferencelist=("plain",)).get_content().strip() == "See attached"  # type: ignore[union-attr]


def test_a_committed_huddle_sends_its_invitation_over_smtp(
    smtp: SmtpServer, session_factory: sessionmaker[Session], world: World, clock: FrozenClock
) -> None:
    org = world.org("Acme")
    world.team(org, "Platform")
    caller = world.person(org, "Cal Caller", teams=["Platform"])
    helper = world.person(org, "Bea Helper", teams=["Platform"])
    with unit_of_work(session_factory) as db:
        huddle = service.call_huddle(
            db,
            actor=world.actor(caller),
            data=HuddleCreate(topic="Kafka retries loop"),
            now=world.now,
            encode=None,
            link_template="https://meet.example.com/askwell-{huddle_id}",
        )
        uid, starts = huddle.uid, huddle.starts_at
    settings: Settings = smtp.settings()
    registry = JobRegistry()
    register_email_jobs(registry)
    notifications_jobs.register(registry, path_for=path_for)  # the helper's inbox item is emailed too
    worker = Worker(
        session_factory, registry, settings=settings, edges=edges_from_settings(settings, clock=clock)
    )
    result = worker.run_once()
    assert result.failed == 0
    invitations = [m for m in smtp.handler.messages if any(True for _ in m.iter_attachments())]
    assert sorted(m["To"] for m in invitations) == sorted([caller.email, helper.email])
    for message in invitations:
        part = _calendar_part(message)
        assert part.get_param("method") == "REQUEST"
        event = Calendar.from_ical(part.get_content()).walk("VEVENT")[0]
        assert (str(event["uid"]), event.decoded("dtstart")) == (uid, starts)
