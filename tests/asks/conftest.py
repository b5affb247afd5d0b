from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from askwell.asks import service
from askwell.asks.models import Ask, Visibility
from askwell.asks.schemas import AskCreate
from askwell.people.models import Person
from tests.conftest import World

GOOD_ASK = dict(
    title="Review the retry logic in PR #4412 before Thursday's release",
    body=(
        "Could someone from data engineering review PR #4412 (the Kafka consumer's retry logic)? "
        "It blocks the payments release on Thursday and I want a second pair of eyes on the backoff math."
    ),
    tags=["Kafka", "code review"],
)


@pytest.fixture
def new_ask(db: Session, world: World) -> Callable[..., Ask]:
    def make(author: Person, **overrides: object) -> Ask:
        fields = {**GOOD_ASK, "due": world.now + timedelta(days=3), **overrides}
        return service.create_ask(db, actor=world.actor(author), data=AskCreate(**fields), now=world.now)

    return make


__all__ = ["GOOD_ASK", "Visibility"]
