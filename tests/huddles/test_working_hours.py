"""Huddles invite by each person's own working hours (set on their profile)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from askwell.huddles import service as huddles
from askwell.huddles.models import HuddleInvite
from askwell.huddles.schemas import HuddleCreate
from askwell.people.models import Person
from tests.conftest import World
from tests.huddles.conftest import LINK, Huddlers

Bearer = Callable[[Person], dict[str, str]]
SignIn = Callable[[Person], TestClient]
NEED = "Blocked on the Stripe webhook signature, no idea who knows their API"


def test_huddles_invite_by_each_persons_own_hours(db: Session, world: World, huddlers: Huddlers) -> None:
    """18:30 in Tokyo is outside the default day; Taro's own hours run to 20:00, so he is invited."""

    def invited() -> set[int]:
        huddle = huddles.call_huddle(
            db,
            actor=world.actor(huddlers.caller),
            data=HuddleCreate(topic="Kafka consumer retries loop"),
            now=world.now,
            encode=None,
            link_template=LINK,
        )
        db.flush()
        return set(db.scalars(select(HuddleInvite.person_id).where(HuddleInvite.huddle_id == huddle.id)))

    assert huddlers.kafka_tokyo.id not in invited()
    huddlers.kafka_tokyo.work_end = "20:00"
    db.flush()
    assert huddlers.kafka_tokyo.id in invited()
