"""Fixtures for the matching service tests: a deterministic fake encoder, the real model once, asks with history."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from datetime import timedelta

import numpy as np
import pytest
from sqlalchemy.orm import Session

from askwell.asks import service as asks_service
from askwell.asks.models import Ask, OfferKind
from askwell.asks.schemas import AskCreate, OfferCreate, ThanksCreate
from askwell.matching import index
from askwell.matching.embeddings import DIMENSION
from askwell.matching.lexical import tokenize
from askwell.people.models import Person
from tests.conftest import World


def _word_vector(word: str) -> np.ndarray:
    seed = int.from_bytes(hashlib.sha256(word.encode()).digest()[:8], "little")
    vector = np.random.default_rng(seed).normal(size=DIMENSION)
    return vector / np.linalg.norm(vector)


class FakeEncoder:
    """Bag of stemmed words, each a fixed random direction: texts sharing words are close, like a real model.

    Records every batch so that tests can see what was (re-)embedded.
    """

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        rows = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in tokenize(text):
                rows[i] += _word_vector(word)
            norm = np.linalg.norm(rows[i])
            if norm > 0:
                rows[i] /= norm
        return rows

    @property
    def embedded(self) -> list[str]:
        return [text for call in self.calls for text in call]


@pytest.fixture
def fake_encode() -> FakeEncoder:
    return FakeEncoder()


@pytest.fixture(autouse=True)
def _fresh_indexes() -> Iterator[None]:
    """Each test's rolled-back database may reuse ids, so no test may see another's cached index."""
    index.forget()
    yield
    index.forget()


@pytest.fixture(scope="session")
def real_encode() -> Callable[[Sequence[str]], np.ndarray]:
    """The packaged model, loaded once for the whole run."""
    from askwell.matching.embeddings import encode, load_model

    load_model()
    return encode


Helped = Callable[..., Ask]


@pytest.fixture
def helped(db: Session, world: World) -> Helped:
    """``helped(helper, author, title, tags=[], thanked=True, days_ago=10)``: an ask the helper did help with."""

    def make(
        helper: Person,
        author: Person,
        title: str,
        *,
        tags: list[str] | None = None,
        thanked: bool = True,
        days_ago: float = 10,
        done: bool = True,
    ) -> Ask:
        when = world.now - timedelta(days=days_ago)
        author_actor, helper_actor = world.actor(author), world.actor(helper)
        ask = asks_service.create_ask(
            db,
            actor=author_actor,
            data=AskCreate(title=title, tags=tags or []),
            now=when - timedelta(hours=5),
        )
        offer = asks_service.offer_help(
            db,
            actor=helper_actor,
            ask_id=ask.id,
            data=OfferCreate(kind=OfferKind.DO, message="On it"),
            now=when - timedelta(hours=2),
        )
        asks_service.accept_offer(db, actor=author_actor, offer_id=offer.id, now=when - timedelta(hours=1))
        if done:
            asks_service.complete_offer(db, actor=helper_actor, offer_id=offer.id, now=when)
            if thanked:
                asks_service.thank(
                    db, actor=author_actor, offer_id=offer.id, data=ThanksCreate(note="Thanks!"), now=when
                )
        db.commit()
        return ask

    return make


NewAsk = Callable[..., Ask]


@pytest.fixture
def new_ask(db: Session, world: World) -> NewAsk:
    def make(author: Person, title: str, **fields: object) -> Ask:
        data = AskCreate(title=title, due=world.now + timedelta(days=5), **fields)  # type: ignore[arg-type]
        ask = asks_service.create_ask(db, actor=world.actor(author), data=data, now=world.now)
        db.commit()
        return ask

    return make
