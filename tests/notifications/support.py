"""Shared steps of the notification tests: notify someone, and change their settings, at a time before now."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from askwell.notifications import inbox, repository
from askwell.notifications.models import Notification, NotificationKind
from askwell.notifications.schemas import NotificationSettingsUpdate
from askwell.notifications.service import Notice, deliver, update_settings
from askwell.people.models import Person
from tests.conftest import World


def tell(
    db: Session, world: World, person: Person, kind: NotificationKind, text: str, *, hours_ago: float = 0
) -> int:
    """Notify ``person`` ``hours_ago`` before world.now (committed); returns the notification's id.

    The item carries its words (as rows from before notifications kept ids do) and names no row, so
    these tests of delivery (settings, digest, email) need no asks or offers behind it.
    """
    note = tell_notice(db, person, Notice(kind=kind, text=text), at=world.now - timedelta(hours=hours_ago))
    db.commit()
    return note.id


def tell_notice(db: Session, person: Person, notice: Notice, *, at: datetime) -> Notification:
    """Deliver ``notice`` to ``person`` (not committed)."""
    note = deliver(db, org_id=person.org_id, person_id=person.id, notice=notice, now=at)
    assert note is not None, "the person must be active"
    return note


def choose(db: Session, world: World, person: Person, *, at_hours_ago: float = 0, **changes: object) -> None:
    """Change ``person``'s notification settings as they would (committed)."""
    update_settings(
        db,
        actor=world.actor(person),
        data=NotificationSettingsUpdate.model_validate(changes),
        now=world.now - timedelta(hours=at_hours_ago),
    )
    db.commit()


def texts(db: Session, world: World, person: Person) -> list[str]:
    """What ``person``'s inbox says now, newest first (rendered as the page and the API render it)."""
    db.expire_all()
    rows = repository.inbox(db, org_id=person.org_id, person_id=person.id)
    return [item.text for item in inbox.render(db, actor=world.actor(person), rows=rows)]
