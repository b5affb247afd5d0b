"""Ring notifications on the seam: the inbox stores the ring's id, the words are written when read,
and someone who can no longer see the ring reads neither its name nor where it leads."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from askwell.http.links import path_for
from askwell.notifications import inbox
from askwell.notifications.models import Notification, NotificationKind
from askwell.people.models import Person
from askwell.rings import service
from askwell.rings.models import RingMember
from askwell.rings.subscribers import ring_channel
from tests.conftest import RecordingBroadcaster, World
from tests.rings.conftest import RingMaker, RingScene


def _items(db: Session, world: World, person: Person, kind: NotificationKind) -> list[inbox.InboxItem]:
    rows = db.scalars(
        select(Notification)
        .where(Notification.person_id == person.id, Notification.kind == kind.value)
        .order_by(Notification.id)
    ).all()
    return inbox.render(db, actor=world.actor(person), rows=rows)


def test_invitation_names_the_inviter_and_leads_to_the_ring(
    db: Session, world: World, rings: RingMaker, ring_scene: RingScene
) -> None:
    ring = rings.create()
    row = db.scalars(
        select(Notification).where(
            Notification.person_id == ring_scene.ada.id, Notification.kind == NotificationKind.RING_INVITED
        )
    ).one()
    assert (row.ring_id, row.actor_id, row.text) == (ring.id, ring_scene.facilitator.id, None)
    [item] = _items(db, world, ring_scene.ada, NotificationKind.RING_INVITED)
    assert item.text == f"{ring_scene.facilitator.name} invited you to the reciprocity ring “{ring.name}”"
    assert path_for(item.target) == f"/rings/{ring.id}" and not item.hidden


def test_someone_no_longer_in_a_closed_ring_reads_neither_its_name_nor_its_link(
    db: Session, world: World, rings: RingMaker, ring_scene: RingScene
) -> None:
    ring = rings.create(open_call=False)
    db.delete(
        db.scalars(
            select(RingMember).where(RingMember.ring_id == ring.id, RingMember.person_id == ring_scene.ada.id)
        ).one()
    )
    db.commit()
    [item] = _items(db, world, ring_scene.ada, NotificationKind.RING_INVITED)
    assert item.hidden and item.text == inbox.HIDDEN_RING_TEXT
    assert ring.name not in item.text and path_for(item.target) == "/inbox"


def test_nudge_reads_by_the_membership_now(
    db: Session, world: World, rings: RingMaker, ring_scene: RingScene
) -> None:
    ring = rings.create()
    rings.join(ring, ring_scene.grace)
    service.nudge(db, actor=world.actor(ring_scene.facilitator), ring_id=ring.id, now=world.now)
    db.commit()
    [invited] = _items(db, world, ring_scene.ada, NotificationKind.RING_NUDGE)
    [joined] = _items(db, world, ring_scene.grace, NotificationKind.RING_NUDGE)
    assert invited.text.startswith("You are invited to the ring")
    assert joined.text == f"The ring “{ring.name}” is coming up: bring your one request"


def test_a_committed_change_is_broadcast_on_the_rings_channel(
    db: Session, rings: RingMaker, ring_scene: RingScene, broadcaster: RecordingBroadcaster
) -> None:
    ring = rings.create()
    assert (ring_channel(ring.org_id, ring.id), "changed") in broadcaster.published
