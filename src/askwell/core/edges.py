"""The edges: everything the app talks to outside its own database, as one typed object.

The composition root (``create_app``, the worker, the CLI) builds one ``Edges`` and hands it down;
tests hand in local stand-ins (a recording mail sender, a small deterministic encoder, a frozen
clock), never patches of our own code. What each edge must do is a ``Protocol`` here, in core, so
that domains depend on the promise and not on an adapter (``integrations`` holds the adapters).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from askwell.core.broadcast import Broadcaster, InMemoryBroadcaster
from askwell.core.clock import Clock

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attachment:
    """A file sent with an email. ``content_type`` may carry parameters, e.g. an invitation's
    ``text/calendar; method=REQUEST``, which calendar clients read to offer "accept / decline"."""

    filename: str
    content_type: str
    content: str


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    body: str
    # Optional, so every sender and caller written before attachments keeps working unchanged.
    attachments: tuple[Attachment, ...] = ()
    # Extra header fields (``List-Unsubscribe``, ``Reply-To``), in order; senders set them as given.
    headers: tuple[tuple[str, str], ...] = ()


class EmailSender(Protocol):
    #: Whether messages reach people. A sender that only logs says False, and the notification
    #: emails (which the inbox holds anyway) are then not composed at all.
    @property
    def delivers(self) -> bool: ...

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


#: Texts → unit float32 rows (one per text): the sentence model, or a stand-in.
Encode = Callable[[Sequence[str]], np.ndarray]


class PasswordHasher(Protocol):
    """The slow work on passwords (argon2 by default: ``accounts.secrets.ARGON2``)."""

    def hash(self, password: str) -> str: ...

    def verify(self, stored: str | None, password: str) -> bool: ...

    def needs_rehash(self, stored: str) -> bool: ...


class _Packaged:
    """Marks an edge left to its packaged default (the coaching judge over the packaged model)."""

    def __repr__(self) -> str:
        return "PACKAGED"


PACKAGED = _Packaged()


@dataclass(frozen=True, kw_only=True)
class Edges:
    """What the app and the worker are given: mail, the sentence model, links, live fan-out, time."""

    email: EmailSender = field(default_factory=LogEmailSender)
    # None: the packaged model, loaded on first use (``matching.service.encoder``).
    encode: Encode | None = None
    # Where links in emails point (``Settings.public_url``); "" leaves them relative.
    base_url: str = ""
    broadcaster: Broadcaster = field(default_factory=InMemoryBroadcaster)
    clock: Clock = field(default_factory=Clock)
    # None: Argon2id (``accounts.secrets.passwords``); tests hand in a probe to see when hashing runs.
    passwords: PasswordHasher | None = None
    # The coaching judge (``asks.coaching.judge.Judge``, typed loosely because core sits below asks):
    # PACKAGED for the shipped one over the packaged model, None for the rules alone.
    coaching_judge: object | None = PACKAGED
