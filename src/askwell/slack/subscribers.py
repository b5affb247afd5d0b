"""The Slack app listens, in the emitting transaction, for who-can-help outreach: a routed request
(``RouteRequested``: a DM with Claim / Can't / Suggest someone) and an ask made to someone directly
(``AskedDirectly``: a DM with "I can help"), for linked people; a rolled-back change sends nothing."""

from __future__ import annotations

from sqlalchemy.orm import Session

from askwell.core import events as ev
from askwell.slack import service


def register(bus: ev.EventBus, *, base_url: str) -> None:
    def outreach(db: Session, event: ev.RouteRequested) -> None:
        service.outreach(db, event, base_url=base_url)

    def asked(db: Session, event: ev.AskedDirectly) -> None:
        service.direct_ask_dm(db, event, base_url=base_url)

    bus.on(ev.RouteRequested, outreach)
    bus.on(ev.AskedDirectly, asked)
