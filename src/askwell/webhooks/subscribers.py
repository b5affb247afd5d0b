"""Which domain events become webhooks: registered on the bus by ``askwell.wiring``.

In-transaction subscribers: the delivery rows and their jobs commit with the change they describe,
so a rolled-back change is never announced and nothing is posted before the commit.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from askwell.core import events as ev
from askwell.webhooks import service

#: The domain events webhooks carry (``rules.event_type`` names each).
EVENTS: tuple[type[ev.Event], ...] = (
    ev.AskOpened,
    ev.AskClosed,
    ev.OfferMade,
    ev.HelpGiven,
    ev.ThanksGiven,
    ev.RingFinished,
)


def _enqueue(db: Session, event: ev.Event) -> None:
    service.enqueue_event(db, event)


def register(bus: ev.EventBus) -> None:
    for kind in EVENTS:
        bus.on(kind, _enqueue)
