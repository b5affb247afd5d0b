"""Email: an ``EmailSender`` protocol, an SMTP implementation and a log fallback.

Messages are never sent inline: services queue an ``email.send`` job (the outbox) and the worker
calls the sender given to it at the composition root (``Edges.email``). A relay's 5xx fails the job
at once (``PermanentJobError``); 4xx replies and network errors are raised as they are, so the
outbox retries with back-off.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from sqlalchemy.orm import Session

from askwell.core.config import Settings
from askwell.core.edges import Attachment, Email, EmailSender, LogEmailSender
from askwell.core.jobs import JobContext, JobRegistry, PermanentJobError

log = logging.getLogger(__name__)


# The protocol and the log fallback live with the other edges in core; re-exported for callers here.
__all__ = [
    "Attachment",
    "Email",
    "EmailSender",
    "LogEmailSender",
    "SmtpEmailSender",
    "attachments_from_payload",
    "attachments_to_payload",
    "headers_from_payload",
    "sender_from_settings",
]


def _attach(msg: EmailMessage, attachment: Attachment) -> None:
    """Text attachments only (what Askwell sends: calendar invitations); the content type's
    parameters (``method=REQUEST``) are kept, as calendar clients require."""
    main, _, rest = attachment.content_type.partition("/")
    subtype, *params = (part.strip() for part in rest.split(";"))
    extra = dict(p.split("=", 1) for p in params if "=" in p)
    if main != "text":
        raise ValueError(f"only text attachments are supported, not {attachment.content_type}")
    msg.add_attachment(attachment.content, subtype=subtype, filename=attachment.filename, params=extra)


def attachments_to_payload(attachments: tuple[Attachment, ...]) -> list[dict[str, str]]:
    """Attachments as an ``email.send`` job's JSON payload holds them."""
    return [
        {"filename": a.filename, "content_type": a.content_type, "content": a.content} for a in attachments
    ]


def attachments_from_payload(raw: Any) -> tuple[Attachment, ...]:
    if not isinstance(raw, list):
        return ()
    return tuple(
        Attachment(
            filename=str(item["filename"]),
            content_type=str(item["content_type"]),
            content=str(item["content"]),
        )
        for item in raw
        if isinstance(item, dict)
    )


def headers_from_payload(raw: Any) -> tuple[tuple[str, str], ...]:
    """A job payload's ``headers`` (a list of [name, value] pairs) as an ``Email`` holds them."""
    if not isinstance(raw, list):
        return ()
    return tuple((str(pair[0]), str(pair[1])) for pair in raw if isinstance(pair, list) and len(pair) == 2)


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
        for name, value in message.headers:
            msg[name] = value
        msg.set_content(message.body)
        for attachment in message.attachments:
            _attach(msg, attachment)
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
    ctx.edges.email.send(
        Email(
            to=str(payload["to"]),
            subject=str(payload["subject"]),
            body=str(payload["body"]),
            attachments=attachments_from_payload(payload.get("attachments")),
            headers=headers_from_payload(payload.get("headers")),
        )
    )


def register_email_jobs(registry: JobRegistry) -> None:
    registry.add("email.send", _send_email)
