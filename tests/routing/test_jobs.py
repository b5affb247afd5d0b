"""The worker escalates: ``routing.escalate`` is scheduled and, run as a job, asks the lead once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from askwell.core.clock import FrozenClock
from askwell.core.config import Settings
from askwell.core.edges import Edges
from askwell.routing.models import RouteReason, RouteRequest
from askwell.worker.registry import build_registry
from askwell.worker.runner import Worker
from tests.conftest import World
from tests.routing.conftest import Crew, confirm, open_ask


def test_escalation_is_scheduled_every_quarter_hour() -> None:
    registry = build_registry()
    assert registry.get("routing.escalate") is not None
    assert [s.every for s in registry.schedules if s.kind == "routing.escalate"] == [timedelta(minutes=15)]


def test_the_worker_asks_the_lead_once_after_four_working_hours(
    db: Session,
    world: World,
    crew: Crew,
    session_factory: sessionmaker[Session],
    settings: Settings,
    edges: Edges,
    clock: FrozenClock,
) -> None:
    ask = open_ask(db, world, crew.author)
    confirm(db, world, crew, ask)
    clock.advance(timedelta(hours=4, minutes=5))
    worker = Worker(session_factory, build_registry(), settings=settings, edges=edges)
    worker.run_once()
    clock.advance(timedelta(minutes=20))
    worker.run_once()
    db.expire_all()
    leads = db.scalars(
        select(RouteRequest.person_id).where(
            RouteRequest.ask_id == ask.id, RouteRequest.reason == RouteReason.LEAD.value
        )
    ).all()
    assert list(leads) == [crew.lead.id]
