"""`askwell mail receive` as an MTA's pipe runs it: one message on standard input, settings from the
environment, a real migrated SQLite file; the exit code tells the MTA to deliver, bounce or retry."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import pytest
import typer
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from askwell.asks import service as asks
from askwell.asks.models import Offer
from askwell.asks.schemas import AskCreate
from askwell.cli.mail import EX_DATAERR, EX_NOPERM, mail_app
from askwell.core.config import get_settings
from askwell.notifications import mailtokens
from askwell.people import service as people_service
from askwell.people.repository import actor_for
from askwell.people.schemas import OrganizationCreate, PersonCreate

app = typer.Typer(pretty_exceptions_enable=False)
app.add_typer(mail_app, name="mail")
runner = CliRunner()
SECRET = "cli-test-secret-key"
REPLY = "reply@askwell.test"


@pytest.fixture
def configured(cli_db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASKWELL_SECRET_KEY", SECRET)
    monkeypatch.setenv("ASKWELL_REPLY_ADDRESS", REPLY)
    monkeypatch.setenv("ASKWELL_MAIL_MAX_BYTES", "4096")
    get_settings.cache_clear()


@pytest.fixture
def asked(configured: None, cli_session: Callable[[], Session]) -> dict[str, int]:
    """Carl asked Ana directly (on the real clock: the command runs on it)."""
    now = datetime.now(UTC)
    with cli_session() as db:
        org = people_service.create_organization(
            db, data=OrganizationCreate(name="Acme", slug="acme"), now=now
        )
        ana = people_service.add_person(
            db, org_id=org.id, data=PersonCreate(name="Ana", email="ana@acme.example.com"), now=now
        )
        carl = people_service.add_person(
            db, org_id=org.id, data=PersonCreate(name="Carl", email="carl@acme.example.com"), now=now
        )
        data = AskCreate(
            title="Review the Kafka retry design", due=now + timedelta(days=3), audience=[ana.id]
        )
        ask = asks.create_ask(db, actor=actor_for(db, carl), data=data, now=now)
        db.commit()
        return {"org": org.id, "ana": ana.id, "ask": ask.id}


def _address(ids: dict[str, int], *, secret: str = SECRET) -> str:
    token = mailtokens.ReplyToken(
        kind=mailtokens.ReplyKind.CAN_YOU_HELP,
        org_id=ids["org"],
        person_id=ids["ana"],
        target_id=ids["ask"],
        expires_at=datetime.now(UTC) + timedelta(days=1),
    )
    return mailtokens.reply_address(REPLY, mailtokens.sign_reply(secret.encode(), token))


def _message(sender: str, to: str, text: str) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, to, "Re: Can you help?"
    msg.set_content(f"{text}\n\nOn Mon, Carl wrote:\n> Can you help?\n")
    return msg.as_bytes()


def _offers(cli_session: Callable[[], Session], ask_id: int) -> list[Offer]:
    with cli_session() as db:
        return list(db.scalars(select(Offer).where(Offer.ask_id == ask_id)))


def test_a_piped_reply_offers_help(asked: dict[str, int], cli_session: Callable[[], Session]) -> None:
    raw = _message("Ana <ana@acme.example.com>", _address(asked), "Yes, let's pair on it tomorrow.")
    result = runner.invoke(app, ["mail", "receive"], input=raw)
    assert result.exit_code == 0, result.output
    (offer,) = _offers(cli_session, asked["ask"])
    assert offer.message == "Yes, let's pair on it tomorrow."


def test_the_envelope_recipient_option_finds_the_token(
    asked: dict[str, int], cli_session: Callable[[], Session]
) -> None:
    # The To header is the list address the reply went to; the MTA passes the real recipient.
    raw = _message("ana@acme.example.com", "team@acme.example.com", "I can help.")
    result = runner.invoke(app, ["mail", "receive", "--recipient", _address(asked)], input=raw)
    assert result.exit_code == 0, result.output
    assert len(_offers(cli_session, asked["ask"])) == 1


@pytest.mark.parametrize(
    ("sender", "secret", "reason"),
    [
        ("mallory@evil.example", SECRET, "the sender is not the person"),
        ("ana@acme.example.com", "another-key", "the reply address is forged"),
    ],
)
def test_refusals_exit_77_with_the_reason(
    asked: dict[str, int], cli_session: Callable[[], Session], sender: str, secret: str, reason: str
) -> None:
    raw = _message(sender, _address(asked, secret=secret), "I can help.")
    result = runner.invoke(app, ["mail", "receive"], input=raw)
    assert result.exit_code == EX_NOPERM
    assert reason in result.output
    assert _offers(cli_session, asked["ask"]) == []


def test_malformed_and_oversized_mail_exit_65(
    asked: dict[str, int], cli_session: Callable[[], Session]
) -> None:
    for raw in (b"\x00\xff garbage", _message("ana@acme.example.com", _address(asked), "x" * 5000)):
        result = runner.invoke(app, ["mail", "receive"], input=raw)
        assert result.exit_code == EX_DATAERR, result.output
        assert "refused:" in result.output
    assert _offers(cli_session, asked["ask"]) == []


def test_help_says_what_each_command_does() -> None:
    assert "Receive replies by SMTP" in runner.invoke(app, ["mail", "serve", "--help"]).output
    assert "Exit codes" in runner.invoke(app, ["mail", "receive", "--help"]).output
