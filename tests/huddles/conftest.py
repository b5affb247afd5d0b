"""People across timezones for huddles: who is working at NOW (Monday 2 March 2026, 09:30 UTC)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session

from askwell.core.clock import FrozenClock
from askwell.core.edges import Edges
from askwell.matching import index
from askwell.people.models import Organization, Person, Role
from tests.conftest import RecordingBroadcaster, RecordingEmail, World
from tests.matching.conftest import FakeEncoder

LINK = "https://meet.example.com/askwell-{huddle_id}"


@pytest.fixture
def edges(clock: FrozenClock, outbox_email: RecordingEmail, broadcaster: RecordingBroadcaster) -> Edges:
    return Edges(
        email=outbox_email, clock=clock, broadcaster=broadcaster, coaching_judge=None, encode=FakeEncoder()
    )


@pytest.fixture(autouse=True)
def _fresh_indexes() -> Iterator[None]:
    index.forget()
    yield
    index.forget()


@dataclass
class Huddlers:
    org: Organization
    caller: Person  # Berlin: 10:30 at NOW
    kafka_berlin: Person  # knows Kafka, working now
    kafka_tokyo: Person  # knows Kafka, 18:30 in Tokyo: not working
    kafka_kolkata: Person  # knows Kafka, 15:00 in Kolkata: working, until 17:00 local (11:30 UTC)
    sql_berlin: Person  # working, but knows other things
    outsider: Person


def _zone(db: Session, person: Person, tz: str) -> Person:
    person.timezone = tz
    db.commit()
    return person


@pytest.fixture
def huddlers(world: World, db: Session) -> Huddlers:
    org = world.org("Acme")
    world.team(org, "Platform")
    return Huddlers(
        org=org,
        caller=_zone(db, world.person(org, "Cal Caller", teams=["Platform"]), "Europe/Berlin"),
        kafka_berlin=_zone(db, world.person(org, "Bea Kafka", skills=["Kafka"]), "Europe/Berlin"),
        kafka_tokyo=_zone(db, world.person(org, "Taro Kafka", skills=["Kafka"]), "Asia/Tokyo"),
        kafka_kolkata=_zone(db, world.person(org, "Kiran Kafka", skills=["Kafka"]), "Asia/Kolkata"),
        sql_berlin=_zone(
            db, world.person(org, "Sam Sql", teams=["Platform"], skills=["SQL"]), "Europe/Berlin"
        ),
        outsider=world.person(world.org("Globex"), "Olga Outsider", role=Role.ADMIN),
    )


@pytest.fixture
def bearer(world: World) -> Callable[[Person], dict[str, str]]:
    def headers(person: Person) -> dict[str, str]:
        return {"Authorization": f"Bearer {world.api_token(person)}"}

    return headers
