"""Helpers for the network tests: ties with a history, asks, and a small organization to search."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from askwell.asks import service as asks_service
from askwell.asks.models import Ask
from askwell.asks.schemas import AskCreate
from askwell.network import service
from askwell.people.models import Organization, Person, Role
from tests.conftest import World

Tied = Callable[..., None]


@pytest.fixture
def tie(db: Session, world: World) -> Tied:
    """``tie(a, b, days_ago=0, times=3, origin="help_given")``: that many interactions, the last one then."""

    def make(
        a: Person, b: Person, *, days_ago: float = 0, times: int = 3, origin: str = "help_given"
    ) -> None:
        at = world.now - timedelta(days=days_ago)
        events = [service.Interaction(a.id, b.id, at - timedelta(days=i), origin) for i in range(times)]
        service.record_interactions(db, org_id=a.org_id, events=events, now=world.now)
        db.commit()

    return make


@pytest.fixture
def ask_for(db: Session, world: World) -> Callable[..., Ask]:
    def make(author: Person, title: str, *, tags: list[str] | None = None, body: str = "") -> Ask:
        data = AskCreate(title=title, body=body, tags=tags or [], due=world.now + timedelta(days=5))
        ask = asks_service.create_ask(db, actor=world.actor(author), data=data, now=world.now)
        db.commit()
        return ask

    return make


@dataclass
class Circle:
    """Asker Ana knows Carl (connector), who knows Tess (SOC 2 audits) and Dan (front-end)."""

    org: Organization
    ana: Person
    carl: Person
    tess: Person
    dan: Person
    admin: Person
    now: datetime


@pytest.fixture
def circle(world: World, tie: Tied) -> Circle:
    org = world.org("Acme")
    ana = world.person(org, "Ana Asker", skills=["Python"])
    carl = world.person(org, "Carl Connector", skills=["Sales"])
    tess = world.person(
        org, "Tess Target", skills=["SOC 2 audits", "Security compliance"], title="Security lead"
    )
    dan = world.person(org, "Dan Dev", skills=["React", "CSS"])
    admin = world.person(org, "Ada Admin", role=Role.ADMIN)
    tie(ana, carl)
    tie(carl, tess)
    tie(carl, dan)
    return Circle(org, ana, carl, tess, dan, admin, world.now)
