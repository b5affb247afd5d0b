"""Routing listens for confirmed stand-up help needs and routes them, inside the same transaction.

Registered by the composition root (``askwell.wiring``). Running in the transaction means the ask,
its route requests, the inbox items and their email jobs commit together, or not at all.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from askwell.core.edges import Encode
from askwell.core.events import EventBus, HelpNeededConfirmed
from askwell.routing import service


def register(bus: EventBus, *, encode: Encode | None) -> None:
    def route(db: Session, e: HelpNeededConfirmed) -> None:
        service.route_help_needed(db, event=e, encode=encode)

    bus.on(HelpNeededConfirmed, route)
