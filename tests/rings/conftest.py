"""A ring in the making: a facilitator, participants across two teams, and helpers to build requests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from askwell.people.models import Organization, Person, Role
from askwell.rings import service
from askwell.rings.models import Ring, RingMode, RingOffer, RingOfferKind, RingRequest
from askwell.rings.schemas import ConsoleAction, RingCreate, RingOfferCreate, RingRequestCreate
from tests.conftest import World


@dataclass
class RingScene:
    org: Organization
    facilitator: Person
    ada: Person
    grace: Person
    linus: Person
    outsider_org_admin: Person
    stranger: Person  # same organization, not in the ring


BODY = "The payments release depends on it; 30 minutes on the backoff maths would unblock me."


def request_data(
    title: str = "Review my Kafka retry change before Thursday",
    body: str = BODY,
    tags: tuple[str, ...] = ("Kafka",),
) -> RingRequestCreate:
    return RingRequestCreate(title=title, body=body, tags=list(tags))


@pytest.fixture
def ring_scene(world: World) -> RingScene:
    org = world.org("Acme")
    world.team(org, "Platform")
    world.team(org, "Data")
    return RingScene(
        org=org,
        facilitator=world.person(org, "Fran Facilitator", lead_of=["Platform"], teams=["Platform"]),
        ada=world.person(org, "Ada Lovelace", teams=["Platform"], skills=["Kafka"]),
        grace=world.person(org, "Grace Hopper", teams=["Data"], skills=["SQL", "dbt"]),
        linus=world.person(org, "Linus Torvalds", teams=["Data"], skills=["Kafka", "Linux"]),
        outsider_org_admin=world.person(world.org("Globex"), "Olga Outsider", role=Role.ADMIN),
        stranger=world.person(org, "Sam Stranger"),
    )


class RingMaker:
    def __init__(self, db: Session, world: World, scene: RingScene) -> None:
        self.db, self.world, self.scene = db, world, scene

    def create(
        self, *, mode: RingMode = RingMode.LIVE, open_call: bool = False, capacity: int = 30, **extra: object
    ) -> Ring:
        s = self.scene
        ring = service.create_ring(
            self.db,
            actor=self.world.actor(s.facilitator),
            data=RingCreate(
                name="Platform × Data ring",
                mode=mode,
                starts_at=self.world.now + timedelta(days=1),
                invite=[s.ada.id, s.grace.id, s.linus.id],
                open_call=open_call,
                capacity=capacity,
                **extra,  # type: ignore[arg-type]
            ),
            now=self.world.now,
        )
        self.db.commit()
        return ring

    def join(self, ring: Ring, *people: Person) -> None:
        for p in people:
            service.join(self.db, actor=self.world.actor(p), ring_id=ring.id, now=self.world.now)
        self.db.commit()

    def request(
        self,
        ring: Ring,
        person: Person,
        title: str | None = None,
        body: str = BODY,
        tags: tuple[str, ...] = ("Kafka",),
    ) -> RingRequest:
        made = service.submit_request(
            self.db,
            actor=self.world.actor(person),
            ring_id=ring.id,
            data=request_data(
                title or f"{person.name} needs a review of the retry change by Friday", body, tags
            ),
            now=self.world.now,
        )
        self.db.commit()
        return made

    def act(self, ring: Ring, action: str, by: Person | None = None) -> Ring:
        self.db.refresh(ring)
        done = service.console(
            self.db,
            actor=self.world.actor(by or self.scene.facilitator),
            ring_id=ring.id,
            data=ConsoleAction(action=action, version=ring.version),  # type: ignore[arg-type]
            now=self.world.now,
        )
        self.db.commit()
        return done

    def offer(
        self, ring: Ring, helper: Person, request: RingRequest, kind: RingOfferKind = RingOfferKind.HELP
    ) -> RingOffer:
        made = service.make_offer(
            self.db,
            actor=self.world.actor(helper),
            ring_id=ring.id,
            request_id=request.id,
            data=RingOfferCreate(kind=kind, note="Happy to pair on it tomorrow"),
            now=self.world.now,
        )
        self.db.commit()
        return made

    def running(self) -> tuple[Ring, dict[str, RingRequest]]:
        """A live ring under way: Ada, Grace and Linus joined, each with a request."""
        s = self.scene
        ring = self.create()
        self.join(ring, s.ada, s.grace, s.linus)
        reqs = {p.name.split()[0].lower(): self.request(ring, p) for p in (s.ada, s.grace, s.linus)}
        self.act(ring, "start")
        return ring, reqs


@pytest.fixture
def rings(db: Session, world: World, ring_scene: RingScene) -> RingMaker:
    return RingMaker(db, world, ring_scene)


MakeRings = Callable[[], RingMaker]


@pytest.fixture
def bearer(world: World) -> Callable[[Person], dict[str, str]]:
    """The Authorization header of a fresh API token for this person."""

    def headers(person: Person) -> dict[str, str]:
        return {"Authorization": f"Bearer {world.api_token(person)}"}

    return headers
