"""Email: an ``EmailSender`` protocol, an SMTP implementation and a log fallback.

Messages are never sent inline: services queue an ``email.send`` job (the outbox) and the worker
calls the sender given to it at the composition root.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any, Protocol

from sqlalchemy.orm import Session

from askwell.core.config import Settings
from askwell.core.jobs import JobContext, JobRegistry, PermanentJobError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    body: str


class EmailSender(Protocol):
    def send(self, message: Email) -> None: ...


class LogEmailSender:
    """Used when no SMTP server is configured: the message goes to the log, nothing is lost silently."""

    # Account emails (invitations, resets) are logged so an admin can copy the link; notifications,
    # which also live in the in-app inbox, are not worth a log line each.
    delivers = False

    def send(self, message: Email) -> None:
        log.warning(
            "email (no SMTP configured) to=%s subject=%s\n%s", message.to, message.subject, message.body
        )


class SmtpEmailSender:
    delivers = True

    def __init__(self, settings: Settings) -> None:
        if not settings.smtp_host:
            raise ValueError("ASKWELL_SMTP_HOST is not set")
        self.settings = settings

    def send(self, message: Email) -> None:
        s = self.settings
        msg = EmailMessage()
        msg["From"] = s.smtp_from
        msg["To"] = message.to
        msg["Subject"] = message.subject
        # smtplib adds neither; many relays reject or spam-score mail without them.
        msg["Date"] = formatdate(usegmt=True)
        msg["Message-ID"] = make_msgid(domain=s.smtp_host)
        msg.set_content(message.body)
        try:
            with smtplib.SMTP(s.smtp_host or "", s.smtp_port, timeout=30) as smtp:
                if s.smtp_starttls:
                    smtp.starttls()
                if s.smtp_username:
                    smtp.login(s.smtp_username, s.smtp_password or "")
                smtp.send_message(msg)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            if codes and all(500 <= code < 600 for code in codes):
                raise PermanentJobError(f"SMTP refused {message.to}: {exc.recipients}") from exc
            raise
        except smtplib.SMTPResponseException as exc:
            # 5xx is the relay's final word (bad address, policy, auth): retrying cannot help. 4xx
            # ("try again later") and network errors are raised as they are, so the outbox retries.
            if 500 <= exc.smtp_code < 600:
                reply = (
                    exc.smtp_error.decode(errors="replace")
                    if isinstance(exc.smtp_error, bytes)
                    else exc.smtp_error
                )
                raise PermanentJobError(f"SMTP {exc.smtp_code} {reply}") from exc
            raise


def sender_from_settings(settings: Settings) -> EmailSender:
    return SmtpEmailSender(settings) if settings.smtp_host else LogEmailSender()


def _send_email(db: Session, payload: dict[str, Any], ctx: JobContext) -> None:
    sender: EmailSender = ctx.services["email"]
    sender.send(Email(to=str(payload["to"]), subject=str(payload["subject"]), body=str(payload["body"])))


def register_email_jobs(registry: JobRegistry) -> None:
    registry.add("email.send", _send_email)
