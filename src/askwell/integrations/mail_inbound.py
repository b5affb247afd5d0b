"""Inbound mail: an SMTP server (aiosmtpd) and a parser for one RFC 5322 message.

``askwell mail serve`` runs ``InboundHandler`` in an aiosmtpd ``Controller``; ``askwell mail receive``
feeds one message from standard input to ``receive``. Both parse with the standard library's
``email`` package and keep only the text the sender wrote: quoted text, the "On ... wrote:" line and
signatures are stripped by ``mail-parser-reply`` (a maintained port of GitHub's reply parser with
several languages' quote headers and signature markers). What the text then does is decided by the
``Deliver`` callback the composition root passes in (``notifications.replies``), so this adapter knows
nothing of stand-ups or asks.

Every failure is a ``MailRefused`` with an SMTP code and a reason: the server answers it, so the
sender's own mail system bounces the reason to them; ``receive`` prints it and exits with the
sysexits code an MTA's pipe transport turns into a bounce. Nothing a sender sends makes either crash:
a message over ``max_bytes`` is refused before it is parsed, malformed MIME is refused with a log line.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses
from html.parser import HTMLParser
from typing import Any

from aiosmtpd.controller import Controller
from mailparser_reply import EmailReplyParser

log = logging.getLogger(__name__)

#: Quote headers ("On ... wrote:") and signature markers of these languages are recognized.
REPLY_LANGUAGES = ("en", "de", "fr", "es", "it", "nl", "pt", "sv", "pl")
#: Only the start of a body is read for the reply: the new text comes first and what it feeds is capped
#: at 2,000 characters, while the reply parser's regexes take seconds per megabyte (measured ~4 s/MB
#: on a busy 2-core machine), which a 1 MB message would otherwise cost the server per message.
MAX_TEXT_CHARS = 100_000
#: Refused with 554 5.6.0: the message itself is unusable (RFC 3463 "other or undefined media error").
MALFORMED = 554
REFUSED = 550


class MailRefused(Exception):
    """Not accepted; ``reason`` goes back to the sender (it never contains a token)."""

    def __init__(self, reason: str, *, code: int = REFUSED) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code

    def smtp_reply(self) -> str:
        enhanced = "5.6.0" if self.code == MALFORMED else "5.7.1"
        return f"{self.code} {enhanced} {self.reason}"


@dataclass(frozen=True)
class InboundMail:
    """A message reduced to what a reply needs: its sender, where it went, and the new text."""

    sender: str
    recipients: tuple[str, ...]
    text: str
    message_id: str


#: Acts on one parsed message; returns what it did (for the log) or raises ``MailRefused``.
Deliver = Callable[[InboundMail], str]


class _HtmlText(HTMLParser):
    """Text of an HTML-only message; quoted blocks (``<blockquote>``) are left out."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.quoted = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "blockquote":
            self.quoted += 1
        elif tag in {"br", "p", "div", "li", "tr"}:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "blockquote" and self.quoted:
            self.quoted -= 1

    def handle_data(self, data: str) -> None:
        if not self.quoted:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def strip_reply(text: str) -> str:
    """The newest reply of a mail body without the quoted conversation, signature and disclaimers."""
    text = text[:MAX_TEXT_CHARS].replace("\r\n", "\n")
    message = EmailReplyParser(languages=list(REPLY_LANGUAGES)).read(text)
    if not message.replies:
        return text.strip()
    return str(message.replies[0].body).strip()


def _body(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain",))
    if part is not None:
        return str(part.get_content())
    part = msg.get_body(preferencelist=("html",))
    if part is not None:
        return html_to_text(str(part.get_content()))
    raise MailRefused("the message has no text part", code=MALFORMED)


def parse(raw: bytes, *, max_bytes: int, envelope_recipients: Sequence[str] = ()) -> InboundMail:
    """One RFC 5322 message → ``InboundMail``; ``MailRefused`` for a message too large or unusable.
    Recipients are the envelope's (the SMTP RCPT TO) followed by the To, Cc and Delivered-To headers."""
    if len(raw) > max_bytes:
        raise MailRefused(f"the message is larger than {max_bytes} bytes", code=552)
    try:
        msg = message_from_bytes(raw, policy=policy.default)
        if not isinstance(msg, EmailMessage) or not msg.keys():
            raise MailRefused("not an email message (no header fields)", code=MALFORMED)
        senders = getaddresses([str(v) for v in msg.get_all("From", [])])
        if len(senders) != 1 or "@" not in senders[0][1]:
            raise MailRefused("the message must have exactly one From address", code=MALFORMED)
        headers = [
            str(v) for name in ("To", "Cc", "Delivered-To", "X-Original-To") for v in msg.get_all(name, [])
        ]
        recipients = tuple(envelope_recipients) + tuple(a for _, a in getaddresses(headers) if a)
        text = strip_reply(_body(msg))
        return InboundMail(
            sender=senders[0][1],
            recipients=recipients,
            text=text,
            message_id=str(msg.get("Message-ID", "")).strip(),
        )
    except MailRefused:
        raise
    except Exception as exc:  # anything the parser trips on in hostile input: refused, never a crash
        raise MailRefused(f"the message could not be parsed ({type(exc).__name__})", code=MALFORMED) from exc


def receive(raw: bytes, deliver: Deliver, *, max_bytes: int, envelope_recipients: Sequence[str] = ()) -> str:
    """Parse one message and hand it to ``deliver``; logs the outcome either way."""
    try:
        mail = parse(raw, max_bytes=max_bytes, envelope_recipients=envelope_recipients)
    except MailRefused as exc:
        log.warning("inbound mail refused: %s", exc.reason)
        raise
    try:
        done = deliver(mail)
    except MailRefused as exc:
        log.warning("inbound mail from %s refused: %s", mail.sender, exc.reason)
        raise
    log.info("inbound mail from %s %s: %s", mail.sender, mail.message_id, done)
    return done


@dataclass
class InboundHandler:
    """aiosmtpd's handler: each message is parsed and delivered in a worker thread (the database work
    blocks), and answered 250, or 5xx with the reason, or 451 when something on our side failed (the
    sending server then tries again later)."""

    deliver: Deliver
    max_bytes: int

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        data = raw if isinstance(raw, bytes) else str(raw).encode()
        rcpts = [str(r) for r in envelope.rcpt_tos]
        try:
            await asyncio.get_running_loop().run_in_executor(
                None, lambda: receive(data, self.deliver, max_bytes=self.max_bytes, envelope_recipients=rcpts)
            )
        except MailRefused as exc:
            return exc.smtp_reply()
        except Exception:
            log.exception("inbound mail failed on our side; the sender will retry")
            return "451 4.3.0 temporary failure, try again later"
        return "250 2.0.0 OK"


def controller(handler: InboundHandler, *, host: str, port: int) -> Controller:
    """An aiosmtpd server for ``handler``; the SMTP layer refuses bodies over the limit (552) itself."""
    return Controller(handler, hostname=host, port=port, data_size_limit=handler.max_bytes)
