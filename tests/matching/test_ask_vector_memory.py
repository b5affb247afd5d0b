"""An ask's text embedded inside a request is kept in memory: the next view does not encode it again.

Until the embedding job stores an ask's vector, and on every GET (which never writes), the suggestions
page embedded the same text on each view; the model was most of the page's CPU (issue 16).
"""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from askwell.asks import service as asks_service
from askwell.asks.models import Ask
from askwell.asks.schemas import AskCreate, AskWrite
from askwell.matching import service
from askwell.people.policy import Actor
from tests.conftest import World
from tests.matching.conftest import FakeEncoder


@pytest.fixture
def author(world: World) -> Actor:
    org = world.org()
    ada = world.person(org, "Ada")
    world.person(org, "Bo", skills=["postgres"])
    return world.actor(ada)


@pytest.fixture
def ask(db: Session, world: World, author: Actor) -> Ask:
    return asks_service.create_ask(
        db, actor=author, data=AskCreate(title="Tune a slow postgres query", tags=["postgres"]), now=world.now
    )


def _views(db: Session, world: World, author: Actor, ask: Ask, encode: FakeEncoder, times: int) -> None:
    for _ in range(times):
        service.suggest(db, actor=author, ask_id=ask.id, now=world.now, encode=encode, persist=False)


def test_the_same_text_is_encoded_once(
    db: Session, world: World, author: Actor, ask: Ask, fake_encode: FakeEncoder
) -> None:
    _views(db, world, author, ask, fake_encode, times=3)
    asked = [t for t in fake_encode.embedded if "slow postgres query" in t]
    assert len(asked) == 1


def test_an_edited_text_is_encoded_again(
    db: Session, world: World, author: Actor, ask: Ask, fake_encode: FakeEncoder
) -> None:
    _views(db, world, author, ask, fake_encode, times=1)
    asks_service.update_ask(
        db, actor=author, ask_id=ask.id, data=AskWrite(title="Tune a slow postgres index"), now=world.now
    )
    _views(db, world, author, ask, fake_encode, times=2)
    asked = [t for t in fake_encode.embedded if "slow postgres" in t]
    assert len(asked) == 2


def test_another_encoder_does_not_share_the_memory(
    db: Session, world: World, author: Actor, ask: Ask
) -> None:
    first, second = FakeEncoder(), FakeEncoder()
    _views(db, world, author, ask, first, times=1)
    _views(db, world, author, ask, second, times=1)
    assert [len(e.embedded) > 0 for e in (first, second)] == [True, True]
