"""Replies by email: what an answer to an answerable notification email does.

The mail arrives through ``askwell mail serve`` or ``askwell mail receive`` (``integrations.mail_inbound``
parses it and strips quoted text and signatures); this module decides, from the signed token in the
address it was sent to (``mailtokens``), who it is from and what it answers, and calls the domain
service that a click in the app would call:

- a reply to a stand-up prompt or reminder answers that day's stand-up (``standups.service.answer``):
  numbered paragraphs ("1. ...", "2) ...") answer the questions in order, plain text the first one;
- a reply to "can you help?" (asked directly, or a need routed to you) offers help on that ask with the
  reply as the offer's message (``asks.service.offer_help``). Offers have no comment thread, so replies
  to other notices (a new offer, thanks) are not answerable and their emails carry no reply address.

Anything that cannot be acted on raises ``ReplyRefused`` with a reason for the sender's bounce and the
log: no token, a forged or expired one, a sender that is not the token's person, an empty reply, or
what the domain service refuses (the ask closed, the stand-up removed, an offer already made).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import parseaddr

from pydantic import ValidationError
from sqlalchemy.orm import Session

from askwell.asks import service as asks
from askwell.asks.models import OfferKind
from askwell.asks.schemas import OFFER_MESSAGE_MAX, OfferCreate
from askwell.core.config import Settings
from askwell.core.errors import AskwellError
from askwell.notifications import mailtokens
from askwell.notifications.jobs import secret_of
from askwell.people import repository as people_repo
from askwell.people.policy import Actor
from askwell.standups import service as standups
from askwell.standups.schemas import ANSWER_MAX, CheckinWrite

_NUMBERED = re.compile(r"^\s*(\d{1,2})\s*[.):]\s*(.*)$")


@dataclass(frozen=True)
class InboundReply:
    """A parsed inbound mail: who it says it is from, where it was sent, and the new text only."""

    sender: str
    recipients: tuple[str, ...]
    text: str


class ReplyRefused(Exception):
    """The reply was not acted on; ``reason`` is safe to show the sender and to log (no token in it)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _token(reply: InboundReply, settings: Settings) -> tuple[bytes, str]:
    secret = secret_of(settings)
    if secret is None or not settings.reply_address:
        raise ReplyRefused("replies by email are not set up on this server")
    for address in reply.recipients:
        token = mailtokens.token_in(address, settings.reply_address)
        if token is not None:
            return secret, token
    raise ReplyRefused("not sent to a reply address")


def numbered_answers(text: str, count: int) -> list[str]:
    """The reply split into answers: "1. ...", "2) ..." paragraphs go to those questions (1 to
    ``count``); text before the first number, or a reply without numbers, answers the first."""
    answers = [""] * max(count, 1)
    current = 0
    for line in text.splitlines():
        found = _NUMBERED.match(line)
        if found and 1 <= int(found.group(1)) <= len(answers):
            current = int(found.group(1)) - 1
            line = found.group(2)
        answers[current] = f"{answers[current]}\n{line}" if answers[current] else line
    return [a.strip() for a in answers]


def _answer_standup(db: Session, actor: Actor, day: date, text: str, *, now: datetime) -> str:
    questions = standups.today(db, actor=actor, now=now).questions
    answers = numbered_answers(text, len(questions))
    by_key = {q.key: a[:ANSWER_MAX] for q, a in zip(questions, answers, strict=False) if a}
    data = CheckinWrite(answers=by_key, local_date=day)
    standups.answer(db, actor=actor, data=data, now=now)
    return f"answered the stand-up of {day.isoformat()}"


def _offer_help(db: Session, actor: Actor, ask_id: int, text: str, *, now: datetime) -> str:
    # "advise": a reply in words is most often advice or an offer to talk; the message says the rest.
    data = OfferCreate(kind=OfferKind.ADVISE, message=text[:OFFER_MESSAGE_MAX])
    offer = asks.offer_help(db, actor=actor, ask_id=ask_id, data=data, now=now)
    return f"offered help on ask {ask_id} (offer {offer.id})"


def handle(db: Session, *, reply: InboundReply, settings: Settings, now: datetime) -> str:
    """Act on one reply inside the caller's unit of work; returns what was done, for the log."""
    secret, raw = _token(reply, settings)
    try:
        token = mailtokens.read_reply(secret, raw, now=now)
    except mailtokens.BadToken as exc:
        raise ReplyRefused(f"the reply address is {exc.reason}") from None
    person = people_repo.person_in_org(db, org_id=token.org_id, person_id=token.person_id)
    if person is None:
        raise ReplyRefused("the reply address names nobody who can sign in")
    sender = parseaddr(reply.sender)[1].strip().lower()
    if not sender or sender != person.email.strip().lower():
        raise ReplyRefused("the sender is not the person this reply address was made for")
    text = reply.text.strip()
    if not text:
        raise ReplyRefused("the reply has no text of its own (only quoted text or a signature)")
    actor = people_repo.actor_for(db, person)
    try:
        if token.kind is mailtokens.ReplyKind.STANDUP:
            return _answer_standup(db, actor, date.fromordinal(token.target_id), text, now=now)
        return _offer_help(db, actor, token.target_id, text, now=now)
    except AskwellError as exc:
        raise ReplyRefused(exc.message) from None
    except ValidationError as exc:
        raise ReplyRefused(f"the reply could not be used: {exc.errors()[0]['msg']}") from None
