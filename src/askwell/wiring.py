"""Who listens to what: the event subscribers, registered once for every entry point.

``create_app``, the worker and the CLI build their session factory through ``session_factory`` (or
``attach`` one they were given), so a service's events reach the same subscribers wherever it runs.
A new domain that wants to be told of events adds its ``register`` call here; one that puts markers
on insights' trends (stand-up practices) is handed to ``insights.service.MARKER_SOURCES`` here too.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from askwell.core import events
from askwell.core.db import create_session_factory
from askwell.core.edges import Edges
from askwell.insights import service as insights
from askwell.insights.schemas import Marker
from askwell.matching.service import encoder
from askwell.notifications import subscribers as inbox
from askwell.rings import subscribers as rings
from askwell.routing import subscribers as routing
from askwell.slack import subscribers as slack
from askwell.standups import service as standups
from askwell.webhooks import subscribers as webhooks


def practice_markers(db: Session, org_id: int, since: datetime) -> list[Marker]:
    """Stand-up practices as before/after markers on insights' trends (insights cannot import
    stand-ups: it sits above them in the layers, and only reads what it is handed)."""
    return [
        Marker(at=at, kind="standup_practice", label=label)
        for at, label in standups.practice_markers(db, org_id=org_id, since=since)
    ]


def register_marker_sources() -> None:
    """Hand insights the domains' trend markers, once however many entry points start."""
    if practice_markers not in insights.MARKER_SOURCES:
        insights.MARKER_SOURCES.append(practice_markers)


def event_bus(edges: Edges) -> events.EventBus:
    register_marker_sources()
    bus = events.EventBus()
    inbox.register(bus, broadcaster=edges.broadcaster)
    rings.register(bus, broadcaster=edges.broadcaster)
    webhooks.register(bus)
    routing.register(bus, encode=encoder(edges))
    slack.register(bus, base_url=edges.base_url)
    return bus


def attach(factory: sessionmaker[Session], edges: Edges) -> sessionmaker[Session]:
    """Give ``factory``'s sessions the subscribers, unless it already has a bus."""
    if events.bus_of(factory) is None:
        events.attach(factory, event_bus(edges))
    return factory


def session_factory(engine: Engine, edges: Edges) -> sessionmaker[Session]:
    return attach(create_session_factory(engine), edges)
