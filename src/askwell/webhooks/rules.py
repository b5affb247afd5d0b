"""What a webhook says and when it is tried again: pure functions over plain data.

Event types and what their payload carries (ids and types only: a receiver that wants words reads
them through the API, with a token that sees only what its person may see):

| type            | domain event  | ``data``                                   |
|-----------------|---------------|--------------------------------------------|
| ask.opened      | AskOpened     | ask_id, author_id                          |
| ask.closed      | AskClosed     | ask_id, author_id, outcome                 |
| offer.made      | OfferMade     | ask_id, offer_id, author_id, helper_id     |
| help.given      | HelpGiven     | ask_id, offer_id, author_id, helper_id     |
| thanks.given    | ThanksGiven   | ask_id, offer_id, author_id, helper_id     |
| ring.finished   | RingFinished  | ring_id                                    |
| webhook.test    | (send test)   | endpoint_id                                |

Back-off: the n-th retry waits ``FIRST_RETRY * 2 ** (n - 1)``, at most ``LONGEST_WAIT`` (30 s, 1 min,
2 min, ... 1 h). With the default 10 attempts a dead endpoint is tried for about three hours before
it is switched off.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from askwell.core import events as ev

FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=1)
TEST_EVENT = "webhook.test"

EVENT_TYPES: dict[str, str] = {
    "ask.opened": "An ask is published",
    "ask.closed": "An ask is closed (with its outcome)",
    "offer.made": "Someone offers to help",
    "help.given": "Help is marked as given",
    "thanks.given": "Someone thanks a helper",
    "ring.finished": "A reciprocity ring ends",
}


def event_type(event: ev.Event) -> str | None:
    """The webhook type of a domain event (None: not one webhooks carry)."""
    if isinstance(event, ev.AskOpened):
        return "ask.opened"
    if isinstance(event, ev.AskClosed):
        return "ask.closed"
    if isinstance(event, ev.OfferMade):
        return "offer.made"
    if isinstance(event, ev.HelpGiven):
        return "help.given"
    if isinstance(event, ev.ThanksGiven):
        return "thanks.given"
    if isinstance(event, ev.RingFinished):
        return "ring.finished"
    return None


def event_data(event: ev.Event) -> dict[str, Any]:
    """The ids (and the outcome of a closed ask) a receiver needs; no titles, bodies or names."""
    if isinstance(event, ev.AskClosed):
        return {"ask_id": event.ask_id, "author_id": event.author_id, "outcome": event.outcome}
    if isinstance(event, ev.AskOpened):
        return {"ask_id": event.ask_id, "author_id": event.author_id}
    if isinstance(event, ev.OfferEvent):
        return {
            "ask_id": event.ask_id,
            "offer_id": event.offer_id,
            "author_id": event.author_id,
            "helper_id": event.helper_id,
        }
    if isinstance(event, ev.RingFinished):
        return {"ring_id": event.ring_id}
    return {}


def payload(*, type_: str, org_id: int, at: datetime, data: dict[str, Any]) -> dict[str, Any]:
    """The body the specification recommends: ``type``, ``timestamp`` and ``data``."""
    return {"type": type_, "timestamp": at.isoformat(), "data": {"organization_id": org_id, **data}}


def retry_wait(attempt: int) -> timedelta:
    """How long to wait after failed attempt number ``attempt`` (1-based)."""
    return min(LONGEST_WAIT, FIRST_RETRY * (1 << min(max(0, attempt - 1), 20)))


def unknown_types(types: list[str]) -> list[str]:
    return [t for t in types if t not in EVENT_TYPES]
