"""Email both ways over real SMTP on loopback: digests with one-click unsubscribe (RFC 8058), and replies
by email received by `askwell mail serve`'s handler in an aiosmtpd server on 127.0.0.1.

Outgoing mail goes through the real worker and ``SmtpEmailSender`` to the recording server
(``tests.integrations.smtp_server``); replies are sent with ``smtplib`` to a second server running
the inbound handler, whose answer (250, or 5xx with a reason) is what the sender's mail system sees.
"""

from __future__ import annotations

import logging
import smtplib
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from email import policy
from email.message import EmailMessage
from typing import TYPE_CHECKING
from urllib.parse import urlparse

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from askwell.asks import service as asks
from askwell.asks.models import Ask, Offer
from askwell.asks.schemas import AskCreate
from askwell.cli import mail as mail_cli
from askwell.core.clock import FrozenClock
from askwell.core.config import Settings
from askwell.core.jobs import JobRegistry
from askwell.http.links import path_for
from askwell.integrations import mail_inbound
from askwell.integrations.edges import edges_from_settings
from askwell.notifications import jobs as notifications_jobs
from askwell.notifications import mailtokens, repository
from askwell.notifications.models import NotificationKind
from askwell.notifications.preferences import Channel, DigestFrequency
from askwell.notifications.service import Notice
from askwell.people.models import Person, Role
from askwell.standups import service as standups
from askwell.standups.schemas import StandupSettingsWrite
from askwell.worker.runner import Worker
from tests.conftest import World
from tests.integrations.smtp_server import SmtpServer
from tests.notifications.support import choose, tell, tell_notice

if TYPE_CHECKING:
    from tests.conftest import TestDatabase

SECRET = "a-long-random-test-secret-for-mail-tokens"
REPLY = "reply@askwell.test"
BASE = "https://askwell.example.org"
INBOUND_MAX = 64 * 1024


@pytest.fixture
def settings(database: TestDatabase, smtp: SmtpServer) -> Settings:
    """The app's and the worker's settings: SMTP on loopback, a secret and a reply address."""
    return Settings(
        database_url=database.url,
        in_process_worker=False,
        smtp_host=smtp.host,
        smtp_port=smtp.port,
        smtp_from="Askwell <noreply@askwell.test>",
        secret_key=SECRET,  # type: ignore[arg-type]  # pydantic turns it into a SecretStr
        reply_address=REPLY,
        base_url=BASE,
    )


def _worker(factory: sessionmaker[Session], settings: Settings, clock: FrozenClock) -> Worker:
    registry = JobRegistry()
    notifications_jobs.register(registry, path_for=path_for)
    return Worker(factory, registry, settings=settings, edges=edges_from_settings(settings, clock=clock))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Inbound:
    host: str
    port: int

    def send(self, msg: EmailMessage | bytes, *, sender: str, to: str) -> None:
        """Deliver as a mail system would; raises the SMTP error the server answers with."""
        with smtplib.SMTP(self.host, self.port, timeout=30) as smtp:
            # On the wire lines end in CRLF (smtplib does not convert a bytes message's bare LFs).
            raw = msg if isinstance(msg, bytes) else msg.as_bytes(policy=policy.SMTP)
            smtp.sendmail(sender, [to], raw)


@pytest.fixture
def inbound(
    session_factory: sessionmaker[Session], settings: Settings, clock: FrozenClock
) -> Iterator[Inbound]:
    """`askwell mail serve`'s handler in an aiosmtpd server on 127.0.0.1 (its size limit lowered)."""
    handler = mail_cli.inbound_handler(session_factory, settings, clock, max_bytes=INBOUND_MAX)
    server = mail_inbound.controller(handler, host="127.0.0.1", port=_free_port())
    server.start()
    try:
        yield Inbound("127.0.0.1", server.port)
    finally:
        server.stop()


def reply_to(original: EmailMessage, *, sender: str, text: str) -> EmailMessage:
    """A reply as a mail client writes it: the new text, a signature, and the original quoted below."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = str(original["Reply-To"])
    msg["Subject"] = f"Re: {original['Subject']}"
    msg["In-Reply-To"] = str(original["Message-ID"])
    quoted = "\n".join(f"> {line}" for line in str(original.get_content()).splitlines())
    msg.set_content(
        f"{text}\n\n-- \nSent from my phone\n\nOn Mon, 2 Mar 2026 at 09:30, Askwell <noreply@askwell.test> wrote:\n"
        f"{quoted}\n"
    )
    return msg


def _refused(exc: smtplib.SMTPException) -> tuple[int, str]:
    code = getattr(exc, "smtp_code", 0)
    error = getattr(exc, "smtp_error", b"")
    return int(code), error.decode() if isinstance(error, bytes) else str(error)


# --- digests ---------------------------------------------------------------------------------------


class TestDigests:
    def test_a_weekly_digest_is_one_email_on_monday_with_one_click_unsubscribe(
        self,
        smtp: SmtpServer,
        settings: Settings,
        session_factory: sessionmaker[Session],
        world: World,
        clock: FrozenClock,
        db: Session,
    ) -> None:
        ada = world.person(world.org(), "Ada Lovelace")  # UTC: Monday 09:30 is digest time
        choose(db, world, ada, at_hours_ago=24 * 7 + 1, digest_frequency="weekly")
        for hours, text in ((100, "Linus offered to help"), (50, "Grace thanked you"), (1, "Hank offered")):
            tell(db, world, ada, NotificationKind.NEW_OFFER, text, hours_ago=hours)
        assert smtp.handler.messages == []  # gathered, not one by one

        worker = _worker(session_factory, settings, clock)
        assert worker.run_once().failed == 0

        (message,) = smtp.handler.messages
        assert message["Subject"] == "Askwell: 3 unread notifications this week"
        body = message.get_content()
        for text in ("Linus offered to help", "Grace thanked you", "Hank offered"):
            assert text in body
        unsubscribe = str(message["List-Unsubscribe"]).strip()  # a long value is folded onto its own line
        assert unsubscribe.startswith(f"<{BASE}/unsubscribe/") and unsubscribe.endswith(">")
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert unsubscribe.strip("<>") in body

        # Tuesday: a new notification waits for next Monday; no second email this week.
        clock.advance(timedelta(days=1))
        world.now = clock.now()
        tell(db, world, ada, NotificationKind.NEW_OFFER, "Mia offered", hours_ago=0)
        worker.run_once()
        assert len(smtp.handler.messages) == 1

    def test_a_daily_digest_carries_the_unsubscribe_headers_too(
        self,
        smtp: SmtpServer,
        settings: Settings,
        session_factory: sessionmaker[Session],
        world: World,
        clock: FrozenClock,
        db: Session,
    ) -> None:
        ada = world.person(world.org(), "Ada Lovelace")
        choose(db, world, ada, at_hours_ago=25, digest_frequency="daily")
        tell(db, world, ada, NotificationKind.NEW_OFFER, "Linus offered to help", hours_ago=2)
        tell(db, world, ada, NotificationKind.THANKS, "Grace thanked you", hours_ago=1)

        _worker(session_factory, settings, clock).run_once()

        (message,) = smtp.handler.messages
        assert message["Subject"] == "Askwell: 2 unread notifications today"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


class TestOneClickUnsubscribe:
    def _mail(
        self,
        smtp: SmtpServer,
        settings: Settings,
        factory: sessionmaker[Session],
        world: World,
        clock: FrozenClock,
        db: Session,
        person: Person,
    ) -> EmailMessage:
        tell(db, world, person, NotificationKind.NEW_OFFER, "Linus offered to help", hours_ago=0)
        _worker(factory, settings, clock).run_once()
        return smtp.handler.messages[-1]

    def test_the_mail_clients_post_unsubscribes_without_signing_in(
        self,
        smtp: SmtpServer,
        settings: Settings,
        session_factory: sessionmaker[Session],
        world: World,
        clock: FrozenClock,
        db: Session,
        client: TestClient,
    ) -> None:
        ada = world.person(world.org(), "Ada Lovelace")
        message = self._mail(smtp, settings, session_factory, world, clock, db, ada)
        path = urlparse(str(message["List-Unsubscribe"]).strip().strip("<>")).path

        # A link scanner's GET changes nothing: it shows a page asking to confirm.
        page = client.get(path)
        assert page.status_code == 200 and "Unsubscribe" in page.text
        db.expire_all()
        assert repository.preferences(db, org_id=ada.org_id, person_id=ada.id).emails("new_offer")

        # RFC 8058: a POST with this body, no cookie, no CSRF token.
        client.cookies.clear()
        r = client.post(
            path,
            content=b"List-Unsubscribe=One-Click",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert r.status_code == 200 and "no more notification emails" in r.text
        db.expire_all()
        prefs = repository.preferences(db, org_id=ada.org_id, person_id=ada.id)
        assert all(channel is Channel.INBOX for channel in prefs.channels.values())
        assert prefs.frequency is DigestFrequency.OFF

        sent = len(smtp.handler.messages)
        tell(db, world, ada, NotificationKind.THANKS, "Grace thanked you", hours_ago=0)
        _worker(session_factory, settings, clock).run_once()
        assert len(smtp.handler.messages) == sent  # the inbox has it; no email

    def test_forged_or_foreign_tokens_are_refused(
        self, settings: Settings, world: World, client: TestClient
    ) -> None:
        ada = world.person(world.org(), "Ada Lovelace")
        good = mailtokens.sign_unsubscribe(SECRET.encode(), org_id=ada.org_id, person_id=ada.id)
        other_key = mailtokens.sign_unsubscribe(b"another server's key", org_id=ada.org_id, person_id=ada.id)
        # Someone who knows the format changes the person id and keeps the signature.
        payload, _, signature = good.rpartition("-")
        tampered = f"{payload[:-1]}{'2' if payload[-1] != '2' else '3'}-{signature}"
        for token in (other_key, tampered, "u-1-1-aaaaaaaaaaaaaaaa", "x" * 300, "%00"):
            assert client.post(f"/unsubscribe/{token}").status_code in (404, 422), token
            assert client.get(f"/unsubscribe/{token}").status_code in (404, 422), token

    def test_the_person_can_choose_weekly_on_the_settings_page(
        self, world: World, db: Session, signed_in: object, client: TestClient
    ) -> None:
        ada = world.person(world.org(), "Ada Lovelace")
        browser = signed_in(ada)  # type: ignore[operator]
        page = browser.get("/settings/notifications")
        assert 'value="weekly"' in page.text
        csrf = browser.cookies.get("askwell_csrf")
        r = browser.post("/settings/notifications", data={"delivery": "weekly", "csrf_token": csrf})
        assert r.status_code == 303
        db.expire_all()
        assert (
            repository.preferences(db, org_id=ada.org_id, person_id=ada.id).frequency
            is DigestFrequency.WEEKLY
        )
        api = browser.get("/api/v1/me/notification-settings").json()
        assert api["digest_frequency"] == "weekly" and api["digest"] is True
        r = browser.patch(
            "/api/v1/me/notification-settings",
            json={"digest_frequency": "off"},
            headers={"x-csrf-token": csrf or ""},
        )
        assert r.status_code == 200 and r.json()["digest_frequency"] == "off"
        bad = browser.post("/settings/notifications", data={"delivery": "hourly", "csrf_token": csrf})
        assert bad.status_code == 422


# --- replies by email ------------------------------------------------------------------------------


@dataclass
class Team:
    lead: Person
    ada: Person
    grace: Person


@pytest.fixture
def team(world: World, db: Session) -> Team:
    """Ada in a team whose stand-up is on (weekdays at 09:30 UTC: now, a Monday); Grace, a colleague."""
    org = world.org("Acme")
    world.team(org, "Platform")
    lead = world.person(org, "Lea Lead", role=Role.LEAD, teams=["Platform"], lead_of=["Platform"])
    ada = world.person(org, "Ada Lovelace", teams=["Platform"])
    grace = world.person(org, "Grace Hopper")
    platform = lead_team_id(db, lead)
    standups.configure(
        db, actor=world.actor(lead), team_id=platform, data=StandupSettingsWrite(), now=world.now
    )
    db.commit()
    return Team(lead, ada, grace)


def lead_team_id(db: Session, lead: Person) -> int:
    from askwell.people.models import Team as TeamRow

    return int(db.scalars(select(TeamRow.id).where(TeamRow.org_id == lead.org_id)).one())


def _prompt_mail(
    smtp: SmtpServer,
    settings: Settings,
    factory: sessionmaker[Session],
    world: World,
    clock: FrozenClock,
    db: Session,
    person: Person,
) -> EmailMessage:
    tell_notice(db, person, Notice(kind=NotificationKind.STANDUP_PROMPT), at=world.now)
    db.commit()
    assert _worker(factory, settings, clock).run_once().failed == 0
    return smtp.handler.messages[-1]


def _can_you_help_mail(
    smtp: SmtpServer,
    settings: Settings,
    factory: sessionmaker[Session],
    world: World,
    clock: FrozenClock,
    db: Session,
    team: Team,
) -> tuple[EmailMessage, int]:
    data = AskCreate(
        title="Review the Kafka retry design", due=world.now + timedelta(days=3), audience=[team.ada.id]
    )
    ask = asks.create_ask(db, actor=world.actor(team.grace), data=data, now=world.now)
    db.commit()
    assert _worker(factory, settings, clock).run_once().failed == 0
    (mail,) = [m for m in smtp.handler.messages if "Kafka" in str(m["Subject"])]
    return mail, ask.id


class TestRepliesByEmail:
    def test_a_reply_to_the_stand_up_prompt_answers_it(
        self,
        smtp: SmtpServer,
        inbound: Inbound,
        settings: Settings,
        session_factory: sessionmaker[Session],
        world: World,
        clock: FrozenClock,
        db: Session,
        team: Team,
    ) -> None:
        prompt = _prompt_mail(smtp, settings, session_factory, world, clock, db, team.ada)
        reply_address = str(prompt["Reply-To"])
        assert reply_address.startswith("reply+") and reply_address.endswith("@askwell.test")
        assert len(reply_address.partition("@")[0]) <= 64  # RFC 5321's limit on a local part
        content = prompt.get_content()
        assert "Reply to this email to answer your stand-up" in content
        assert "1. What did you work on?\n2. What are you working on today?" in content.replace("\r\n", "\n")

        text = (
            "1. Fixed the flaky login test\n2. Writing the export job\n3. I need help with the Kafka retries"
        )
        inbound.send(
            reply_to(prompt, sender=team.ada.email, text=text), sender=team.ada.email, to=reply_address
        )

        db.expire_all()
        today = standups.today(db, actor=world.actor(team.ada), now=clock.now())
        assert today.checkin is not None
        answers = {a.key: a.text for a in today.checkin.answers}
        assert answers == {
            "worked_on": "Fixed the flaky login test",
            "working_on": "Writing the export job",
            "help_needed": "I need help with the Kafka retries",
        }  # no quoted prompt, no signature

    def test_a_reply_to_can_you_help_makes_an_offer_with_the_reply_as_its_message(
        self,
        smtp: SmtpServer,
        inbound: Inbound,
        settings: Settings,
        session_factory: sessionmaker[Session],
        world: World,
        clock: FrozenClock,
        db: Session,
        team: Team,
    ) -> None:
        mail, ask_id = _can_you_help_mail(smtp, settings, session_factory, world, clock, db, team)
        assert "your reply is sent as your offer of help" in mail.get_content()
        text = "Happy to look at it tomorrow morning, I wrote the retry layer last year."
        message = reply_to(mail, sender=f"Ada Lovelace <{team.ada.email.upper()}>", text=text)
        inbound.send(message, sender=team.ada.email, to=str(mail["Reply-To"]))

        db.expire_all()
        (offer,) = db.scalars(select(Offer).where(Offer.ask_id == ask_id)).all()
        assert offer.helper_id == team.ada.id and offer.message == text
        # Grace hears of the offer as from any other offer (her notification email).
        assert any("offered" in str(m["Subject"]) for m in _drain(smtp, settings, session_factory, clock))

        # The same mail delivered twice (a relay retrying) makes no second offer.
        with pytest.raises(smtplib.SMTPDataError) as again:
            inbound.send(message, sender=team.ada.email, to=str(mail["Reply-To"]))
        assert _refused(again.value)[0] == 550
        db.expire_all()
        assert len(db.scalars(select(Offer).where(Offer.ask_id == ask_id)).all()) == 1

    def test_mail_from_another_address_is_refused(
        self,
        smtp: SmtpServer,
        inbound: Inbound,
        settings: Settings,
        session_factory: sessionmaker[Session],
        world: World,
        clock: FrozenClock,
        db: Session,
        team: Team,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        mail, ask_id = _can_you_help_mail(smtp, settings, session_factory, world, clock, db, team)
        forged = reply_to(mail, sender="mallory@evil.example", text="I'll take it.")
        with (
            caplog.at_level(logging.WARNING, logger="askwell.integrations.mail_inbound"),
            pytest.raises(smtplib.SMTPDataError) as refused,
        ):
            inbound.send(forged, sender="mallory@evil.example", to=str(mail["Reply-To"]))
        code, reason = _refused(refused.value)
        assert code == 550 and "not the person this reply address was made for" in reason
        assert "inbound mail from mallory@evil.example refused" in caplog.text
        db.expire_all()
        assert db.scalars(select(Offer).where(Offer.ask_id == ask_id)).all() == []

    def test_forged_and_expired_tokens_are_refused(
        self,
        smtp: SmtpServer,
        inbound: Inbound,
        settings: Settings,
        session_factory: sessionmaker[Session],
        world: World,
        clock: FrozenClock,
        db: Session,
        team: Team,
    ) -> None:
        mail, ask_id = _can_you_help_mail(smtp, settings, session_factory, world, clock, db, team)
        address = str(mail["Reply-To"])
        local, _, domain = address.partition("@")
        # Another ask's id in the token, the signature kept: the signature no longer matches.
        token = local.removeprefix("reply+")
        kind, org, person, target, expires, signature = token.split("-")
        other = f"reply+{kind}-{org}-{person}-{target}1-{expires}-{signature}@{domain}"
        made_elsewhere = mailtokens.reply_address(
            REPLY,
            mailtokens.sign_reply(
                b"another server's key",
                mailtokens.ReplyToken(
                    kind=mailtokens.ReplyKind.CAN_YOU_HELP,
                    org_id=team.ada.org_id,
                    person_id=team.ada.id,
                    target_id=ask_id,
                    expires_at=clock.now() + timedelta(days=1),
                ),
            ),
        )
        for bad in (other, made_elsewhere, f"reply+nonsense@{domain}", f"someone@{domain}"):
            message = reply_to(mail, sender=team.ada.email, text="I can help.")
            message.replace_header("To", bad)
            with pytest.raises(smtplib.SMTPDataError) as refused:
                inbound.send(message, sender=team.ada.email, to=bad)
            assert _refused(refused.value)[0] == 550, bad

        clock.advance(mailtokens.REPLY_VALID_FOR + timedelta(minutes=1))
        with pytest.raises(smtplib.SMTPDataError) as expired:
            inbound.send(
                reply_to(mail, sender=team.ada.email, text="Late, but I can help."),
                sender=team.ada.email,
                to=address,
            )
        assert "expired" in _refused(expired.value)[1]
        db.expire_all()
        assert db.scalars(select(Offer).where(Offer.ask_id == ask_id)).all() == []

    def test_huge_and_malformed_mail_is_refused_and_the_server_keeps_serving(
        self,
        smtp: SmtpServer,
        inbound: Inbound,
        settings: Settings,
        session_factory: sessionmaker[Session],
        world: World,
        clock: FrozenClock,
        db: Session,
        team: Team,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        mail, ask_id = _can_you_help_mail(smtp, settings, session_factory, world, clock, db, team)
        address = str(mail["Reply-To"])

        huge = reply_to(mail, sender=team.ada.email, text="x" * (INBOUND_MAX + 1))
        with pytest.raises((smtplib.SMTPDataError, smtplib.SMTPSenderRefused)) as too_big:
            inbound.send(huge, sender=team.ada.email, to=address)
        assert _refused(too_big.value)[0] == 552

        garbage = [
            b"\x00\xff\xfe not a message",
            b"Subject: no sender\r\n\r\nhello\r\n",
            (
                f"From: {team.ada.email}\r\nTo: {address}\r\nMIME-Version: 1.0\r\n"
                'Content-Type: multipart/mixed; boundary="never-closed"\r\n\r\n'
                "--never-closed\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!!\r\n"
            ).encode(),
            f"From: a@x.example, b@y.example\r\nTo: {address}\r\n\r\nTwo senders\r\n".encode(),
        ]
        with caplog.at_level(logging.WARNING, logger="askwell.integrations.mail_inbound"):
            for raw in garbage:
                with pytest.raises(smtplib.SMTPDataError) as refused:
                    inbound.send(raw, sender=team.ada.email, to=address)
                assert _refused(refused.value)[0] == 554, raw
        assert caplog.text.count("inbound mail refused") == len(garbage)

        # Still serving: a good reply goes through.
        inbound.send(
            reply_to(mail, sender=team.ada.email, text="Yes, I can help."), sender=team.ada.email, to=address
        )
        db.expire_all()
        (offer,) = db.scalars(select(Offer).where(Offer.ask_id == ask_id)).all()
        assert offer.message == "Yes, I can help."

    def test_an_ask_closed_since_refuses_the_reply_with_the_reason(
        self,
        smtp: SmtpServer,
        inbound: Inbound,
        settings: Settings,
        session_factory: sessionmaker[Session],
        world: World,
        clock: FrozenClock,
        db: Session,
        team: Team,
    ) -> None:
        mail, ask_id = _can_you_help_mail(smtp, settings, session_factory, world, clock, db, team)
        asks.withdraw_ask(db, actor=world.actor(team.grace), ask_id=ask_id, now=world.now)
        db.commit()
        with pytest.raises(smtplib.SMTPDataError) as refused:
            inbound.send(
                reply_to(mail, sender=team.ada.email, text="I can help."),
                sender=team.ada.email,
                to=str(mail["Reply-To"]),
            )
        assert _refused(refused.value)[0] == 550
        db.expire_all()
        assert db.get(Ask, ask_id) is not None
        assert db.scalars(select(Offer).where(Offer.ask_id == ask_id)).all() == []

    def test_only_answerable_mail_carries_a_reply_address(
        self,
        smtp: SmtpServer,
        settings: Settings,
        session_factory: sessionmaker[Session],
        world: World,
        clock: FrozenClock,
        db: Session,
        team: Team,
    ) -> None:
        tell(db, world, team.ada, NotificationKind.THANKS, "Grace thanked you", hours_ago=0)
        _worker(session_factory, settings, clock).run_once()
        (message,) = smtp.handler.messages
        assert message["Reply-To"] is None
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def _drain(
    smtp: SmtpServer, settings: Settings, factory: sessionmaker[Session], clock: FrozenClock
) -> list[EmailMessage]:
    _worker(factory, settings, clock).run_once()
    return smtp.handler.messages
