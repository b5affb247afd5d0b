"""A real SMTP server for tests (aiosmtpd on 127.0.0.1 and a free port) that records or refuses mail."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from askwell.core.config import Settings


@dataclass
class RecordingHandler:
    """The server's DATA handler: keeps what it accepts, or answers every message with ``refuse``
    (a reply such as "451 4.3.0 try again later" or "554 5.7.1 relay refused")."""

    refuse: str | None = None
    messages: list[EmailMessage] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return self.refuse
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    host: str
    port: int
    handler: RecordingHandler

    def settings(self) -> Settings:
        return Settings(smtp_host=self.host, smtp_port=self.port, smtp_from="Askwell <noreply@askwell.test>")

    def env(self) -> dict[str, str]:
        return {"ASKWELL_SMTP_HOST": self.host, "ASKWELL_SMTP_PORT": str(self.port)}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def smtp_server(*, refuse: str | None = None) -> Iterator[SmtpServer]:
    handler = RecordingHandler(refuse=refuse)
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield SmtpServer(controller.hostname, controller.port, handler)
    finally:
        controller.stop()
