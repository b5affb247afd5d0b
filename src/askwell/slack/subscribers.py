"""The Slack app listens, in the emitting transaction, for who-can-help outreach (``RouteRequested``)
and queues a DM with Claim / Can't for a linked person, so a rolled-back change sends nothing."""

from __future__ import annotations

from sqlalchemy.orm import Session

from askwell.core import events as ev
from askwell.slack import service


def register(bus: ev.EventBus, *, base_url: str) -> None:
    def outreach(db: Session, event: ev.RouteRequested) -> None:
        service.outreach(db, event, base_url=base_url)

    bus.on(ev.RouteRequested, outreach)
