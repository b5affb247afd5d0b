"""The rings' scheduled jobs: the async digest and the D+7 / D+30 follow-ups, each sent once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from askwell.asks import service as asks_service
from askwell.asks.schemas import AskFinish
from askwell.core.jobs import Job
from askwell.http.links import path_for
from askwell.notifications import inbox
from askwell.notifications.models import Notification, NotificationKind
from askwell.people.models import Person
from askwell.rings import jobs, service
from askwell.rings.models import RingMode
from askwell.worker.registry import build_registry
from tests.conftest import World
from tests.rings.conftest import RingMaker, RingScene


def _notes(db: Session, kind: NotificationKind) -> list[Notification]:
    return list(
        db.scalars(select(Notification).where(Notification.kind == kind.value).order_by(Notification.id))
    )


def _read(db: Session, world: World, n: Notification) -> inbox.InboxItem:
    """The item as its reader sees it now (the words are written when read)."""
    reader = db.get(Person, n.person_id)
    assert reader is not None
    return inbox.render(db, actor=world.actor(reader), rows=[n])[0]


def test_jobs_are_registered_and_scheduled() -> None:
    registry = build_registry()
    assert {"rings.digest", "rings.follow_up"} <= set(registry.kinds)
    assert {"rings.digest", "rings.follow_up"} <= {s.kind for s in registry.schedules}


def test_async_digest_lists_new_requests_once_a_day(
    db: Session, world: World, rings: RingMaker, ring_scene: RingScene
) -> None:
    ring = rings.create(mode=RingMode.ASYNC)
    rings.join(ring, ring_scene.ada, ring_scene.grace)
    rings.act(ring, "start")
    rings.request(ring, ring_scene.ada)
    later = world.now + timedelta(hours=1)
    assert jobs.send_digests(db, now=later) == 2  # Grace and the facilitator; not Ada for her own
    assert jobs.send_digests(db, now=later) == 0
    db.commit()
    digests = _notes(db, NotificationKind.RING_DIGEST)
    assert sorted(n.person_id for n in digests) == sorted([ring_scene.grace.id, ring_scene.facilitator.id])
    item = _read(db, world, digests[0])
    assert f"new requests to the ring “{ring.name}”" in item.text
    assert path_for(item.target) == f"/rings/{ring.id}"
    # With email wanted (the default), the digest goes out through the outbox too.
    assert db.scalars(select(Job).where(Job.kind == "notifications.email")).all()


def test_follow_ups_at_day_7_and_30_each_once(
    db: Session, world: World, rings: RingMaker, ring_scene: RingScene
) -> None:
    ring, reqs = rings.running()
    rings.offer(ring, ring_scene.grace, reqs["ada"])
    rings.offer(ring, ring_scene.linus, reqs["grace"])
    facilitator = world.actor(ring_scene.facilitator)
    service.propose_assignment(db, actor=facilitator, ring_id=ring.id, now=world.now)
    service.confirm_assignment(db, actor=facilitator, ring_id=ring.id, now=world.now)
    db.commit()
    rings.act(ring, "close")
    # Grace's request got its help already: nothing to remind her or Linus of.
    asks_service.finish_ask(
        db, actor=world.actor(ring_scene.grace), ask_id=reqs["grace"].ask_id, data=AskFinish(), now=world.now
    )
    db.commit()
    assert jobs.send_follow_ups(db, now=world.now + timedelta(days=6)) == 0
    assert jobs.send_follow_ups(db, now=world.now + timedelta(days=7, hours=1)) == 2
    assert jobs.send_follow_ups(db, now=world.now + timedelta(days=8)) == 0
    notes = _notes(db, NotificationKind.RING_FOLLOW_UP)
    assert {n.person_id for n in notes} == {ring_scene.ada.id, ring_scene.grace.id}
    texts = {n.person_id: _read(db, world, n).text for n in notes}
    assert all(n.text is None and n.ring_id == ring.id for n in notes)  # ids stored, never words
    assert texts[ring_scene.ada.id].startswith("7 days after the ring")
    assert "was “" in texts[ring_scene.ada.id] and "thank Grace Hopper" in texts[ring_scene.ada.id]
    assert "did you follow through" in texts[ring_scene.grace.id]
    assert ring_scene.linus.id not in texts
    assert jobs.send_follow_ups(db, now=world.now + timedelta(days=31)) == 2
    assert jobs.send_follow_ups(db, now=world.now + timedelta(days=40)) == 0
