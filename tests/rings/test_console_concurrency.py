"""Two facilitators press "next" at the same moment, in two real transactions on separate connections:
exactly one advances the ring (the optimistic version column), on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from sqlalchemy.orm import Session

from askwell.core.edges import Edges
from askwell.core.uow import unit_of_work
from askwell.people.repository import actor_for
from askwell.rings import service
from askwell.rings.errors import RingChanged
from askwell.rings.models import Ring
from askwell.rings.schemas import ConsoleAction, RingCreate
from askwell.wiring import session_factory
from tests.conftest import NOW, World
from tests.rings.conftest import request_data

if TYPE_CHECKING:
    from tests.conftest import TestDatabase


@pytest.fixture
def committed(database: TestDatabase) -> Iterator[TestDatabase]:
    fresh = database.fresh()
    yield fresh
    fresh.drop()


def test_two_facilitators_pressing_next_at_once_advance_it_once(committed: TestDatabase) -> None:
    factory = session_factory(committed.engine, Edges())
    with unit_of_work(factory) as db:
        world = World(db=db, now=NOW)
        org = world.org("Acme")
        fran = world.person(org, "Fran")
        kim = world.person(org, "Kim")
        people = [world.person(org, f"P{i}") for i in range(3)]
        ring = service.create_ring(
            db,
            actor=world.actor(fran),
            data=RingCreate(
                name="Race ring",
                starts_at=NOW + timedelta(hours=1),
                facilitators=[kim.id],
                invite=[p.id for p in people],
            ),
            now=NOW,
        )
        for p in people:
            service.join(db, actor=world.actor(p), ring_id=ring.id, now=NOW)
            service.submit_request(
                db,
                actor=world.actor(p),
                ring_id=ring.id,
                data=request_data(f"{p.name} needs a review by Friday"),
                now=NOW,
            )
        service.console(
            db,
            actor=world.actor(fran),
            ring_id=ring.id,
            data=ConsoleAction(action="start", version=1),
            now=NOW,
        )
        ring_id, version, facilitators = ring.id, ring.version, [fran.id, kim.id]
    assert version == 2

    barrier = threading.Barrier(2, timeout=30)
    outcomes: list[str] = []
    lock = threading.Lock()

    def press(person_id: int) -> None:
        session: Session = factory()
        try:
            from askwell.people.models import Person

            person = session.get(Person, person_id)
            assert person is not None
            actor = actor_for(session, person)
            session.commit()  # the console was read before the press: both saw version 2
            barrier.wait()
            service.console(
                session,
                actor=actor,
                ring_id=ring_id,
                data=ConsoleAction(action="next", version=version),
                now=NOW,
            )
            session.commit()
            result = "advanced"
        except RingChanged:
            session.rollback()
            result = "refused"
        finally:
            session.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=press, args=(pid,)) for pid in facilitators]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["advanced", "refused"]
    with unit_of_work(factory) as db:
        ring = db.get(Ring, ring_id)
        assert ring is not None
        assert (ring.current_position, ring.version) == (2, 3)
