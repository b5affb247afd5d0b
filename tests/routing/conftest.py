"""A team whose stand-up need is routed: an author, peers with skills, a lead, and another organization."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from askwell.asks import service as asks_service
from askwell.asks.models import Ask
from askwell.asks.schemas import AskCreate
from askwell.core.clock import FrozenClock
from askwell.core.edges import Edges
from askwell.core.events import HelpNeededConfirmed, emit
from askwell.matching import index
from askwell.people.models import Organization, Person, Role, Team
from tests.conftest import RecordingBroadcaster, RecordingEmail, World
from tests.matching.conftest import FakeEncoder


@pytest.fixture
def edges(clock: FrozenClock, outbox_email: RecordingEmail, broadcaster: RecordingBroadcaster) -> Edges:
    """The shared stand-ins plus a deterministic encoder, so routing's who-can-help scores need no model."""
    return Edges(
        email=outbox_email, clock=clock, broadcaster=broadcaster, coaching_judge=None, encode=FakeEncoder()
    )


@pytest.fixture(autouse=True)
def _fresh_indexes() -> Iterator[None]:
    index.forget()
    yield
    index.forget()


@dataclass
class Crew:
    org: Organization
    team: Team
    author: Person
    kafka: Person  # knows the topic
    sql: Person
    linux: Person
    lead: Person
    outsider: Person  # another organization's admin


@pytest.fixture
def crew(world: World) -> Crew:
    org = world.org("Acme")
    team = world.team(org, "Platform")
    return Crew(
        org=org,
        team=team,
        author=world.person(org, "Ada Author", teams=["Platform"]),
        kafka=world.person(org, "Kai Kafka", teams=["Platform"], skills=["Kafka", "retries"]),
        sql=world.person(org, "Sol Sql", teams=["Platform"], skills=["SQL"]),
        linux=world.person(org, "Lin Linux", teams=["Platform"], skills=["Linux"]),
        lead=world.person(org, "Lea Lead", teams=["Platform"], lead_of=["Platform"]),
        outsider=world.person(world.org("Globex"), "Olga Outsider", role=Role.ADMIN),
    )


def open_ask(
    db: Session, world: World, author: Person, title: str = "Kafka consumer retries keep failing"
) -> Ask:
    ask = asks_service.create_ask(
        db,
        actor=world.actor(author),
        data=AskCreate(
            title=title,
            body="Our Kafka retries loop forever; 30 minutes with someone who knows Kafka would unblock me.",
            due=world.now + timedelta(days=3),
        ),
        now=world.now,
    )
    db.commit()
    return ask


def confirm(db: Session, world: World, crew: Crew, ask: Ask, checkin_id: int = 1) -> None:
    """What stand-ups do when the member confirms the drafted ask."""
    emit(
        db,
        HelpNeededConfirmed(
            org_id=crew.org.id,
            at=world.now,
            ask_id=ask.id,
            author_id=ask.author_id,
            team_id=crew.team.id,
            checkin_id=checkin_id,
        ),
    )
    db.commit()


@pytest.fixture
def bearer(world: World) -> Callable[[Person], dict[str, str]]:
    def headers(person: Person) -> dict[str, str]:
        return {"Authorization": f"Bearer {world.api_token(person)}"}

    return headers
