"""The production edges, chosen from the settings: SMTP or the log, and the broadcaster that fits
the database (PostgreSQL's LISTEN/NOTIFY reaches every process; in memory serves one)."""

from __future__ import annotations

from sqlalchemy import Engine

from askwell.core.broadcast import Broadcaster, InMemoryBroadcaster, PostgresBroadcaster
from askwell.core.clock import Clock
from askwell.core.config import Settings
from askwell.core.db import create_db_engine
from askwell.core.edges import Edges
from askwell.integrations.email import sender_from_settings


def broadcaster_for(settings: Settings, *, engine: Engine | None = None) -> Broadcaster:
    if settings.is_sqlite:
        return InMemoryBroadcaster()
    return PostgresBroadcaster(engine if engine is not None else create_db_engine(settings.database_url))


def edges_from_settings(
    settings: Settings, *, engine: Engine | None = None, clock: Clock | None = None
) -> Edges:
    return Edges(
        email=sender_from_settings(settings),
        base_url=settings.public_url(),
        broadcaster=broadcaster_for(settings, engine=engine),
        clock=clock or Clock(),
    )
