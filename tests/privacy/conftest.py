"""A small organization with a person worth erasing: asks, offers both ways, thanks both ways,
notifications, a tie, an introduction, vectors and credentials."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import pytest
from sqlalchemy.orm import Session

from askwell.asks import service as asks
from askwell.asks.models import Ask, OfferKind
from askwell.asks.schemas import AskCreate, OfferCreate, ThanksCreate
from askwell.matching.models import Embedding
from askwell.network import ties
from askwell.network.models import Introduction
from askwell.network.schemas import TieCreate
from askwell.people.models import Organization, Person, Role
from tests.conftest import PASSWORD, World

ALICE_ASK = dict(
    title="Alice needs a reviewer for the Kafka retry logic in PR #4412",
    body="My manager asked me to get a second pair of eyes on the backoff maths before Thursday.",
    tags=["Kafka", "code review"],
)
BOB_ASK = dict(
    title="Bob wants help with the quarterly SOC 2 evidence collection",
    body="I need someone who has done SOC 2 evidence before to walk me through the controls list.",
    tags=["SOC 2"],
)


@dataclass
class Scene:
    org: Organization
    admin: Person
    alice: Person
    bob: Person
    carol: Person
    alice_ask: Ask
    bob_ask: Ask
    other_org: Organization
    other_alice: Person


def _vector(db: Session, *, org_id: int, kind: str, owner_id: int, world: World) -> None:
    db.add(
        Embedding(
            org_id=org_id,
            owner_kind=kind,
            owner_id=owner_id,
            model="test",
            model_version="1",
            text_hash="x" * 64,
            dim=4,
            vector=np.ones(4, np.float32).tobytes(),
            updated_at=world.now,
        )
    )


def _populate(db: Session, world: World, org: Organization, *, prefix: str) -> tuple[Person, ...]:
    admin = world.person(org, f"{prefix} Admin", role=Role.ADMIN)
    world.team(org, "Data")
    alice = world.person(
        org, f"{prefix} Alice Moreau", skills=["Kafka", "Go"], teams=["Data"], password=PASSWORD
    )
    bob = world.person(org, f"{prefix} Bob Lindqvist", skills=["SOC 2"])
    carol = world.person(org, f"{prefix} Carol Osei")
    a, b = world.actor(alice), world.actor(bob)
    due = world.now + timedelta(days=3)
    alice_ask = asks.create_ask(db, actor=a, data=AskCreate(**ALICE_ASK, due=due), now=world.now)
    bob_ask = asks.create_ask(db, actor=b, data=AskCreate(**BOB_ASK, due=due), now=world.now)
    # Bob helps Alice, Alice thanks him; Alice helps Bob, Bob thanks her.
    bob_offer = asks.offer_help(
        db,
        actor=b,
        ask_id=alice_ask.id,
        data=OfferCreate(kind=OfferKind.ADVISE, message="Happy to review it."),
        now=world.now,
    )
    asks.accept_offer(db, actor=a, offer_id=bob_offer.id, now=world.now)
    asks.complete_offer(db, actor=a, offer_id=bob_offer.id, now=world.now)
    asks.thank(
        db,
        actor=a,
        offer_id=bob_offer.id,
        data=ThanksCreate(note="Alice says: you saved my release."),
        now=world.now,
    )
    alice_offer = asks.offer_help(
        db,
        actor=a,
        ask_id=bob_ask.id,
        data=OfferCreate(kind=OfferKind.DO, message="Alice here, I did SOC 2 at my last job.", hours=2),
        now=world.now,
    )
    asks.accept_offer(db, actor=b, offer_id=alice_offer.id, now=world.now)
    asks.complete_offer(db, actor=b, offer_id=alice_offer.id, now=world.now)
    asks.thank(
        db,
        actor=b,
        offer_id=alice_offer.id,
        data=ThanksCreate(note="Thank you, the controls list is done."),
        now=world.now,
    )
    ties.add_tie(db, actor=a, data=TieCreate(person_id=carol.id), now=world.now)
    db.add(
        Introduction(
            org_id=org.id,
            asker_id=bob.id,
            connector_id=alice.id,
            target_id=carol.id,
            message="Could you introduce me to Carol?",
            created_at=world.now,
        )
    )
    for kind, owner in (("person", alice.id), ("person", bob.id), ("ask", alice_ask.id), ("ask", bob_ask.id)):
        _vector(db, org_id=org.id, kind=kind, owner_id=owner, world=world)
    db.commit()
    world.session_cookie(alice)
    world.api_token(alice)
    return admin, alice, bob, carol, alice_ask, bob_ask


@pytest.fixture
def scene(db: Session, world: World) -> Scene:
    org = world.org("Acme")
    admin, alice, bob, carol, alice_ask, bob_ask = _populate(db, world, org, prefix="Acme")
    other = world.org("Globex")
    _, other_alice, *_ = _populate(db, world, other, prefix="Globex")
    return Scene(org, admin, alice, bob, carol, alice_ask, bob_ask, other, other_alice)


@pytest.fixture
def bearer(world: World) -> Callable[[Person], dict[str, str]]:
    """The Authorization header of a fresh API token for this person."""

    def headers(person: Person) -> dict[str, str]:
        return {"Authorization": f"Bearer {world.api_token(person)}"}

    return headers
