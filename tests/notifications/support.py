"""Shared steps of the notification tests: notify someone, and change their settings, at a time before now."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from askwell.notifications.models import NotificationKind
from askwell.notifications.schemas import NotificationSettingsUpdate
from askwell.notifications.service import notify, update_settings
from askwell.people.models import Person
from tests.conftest import World

LINK = "/asks/1"


def tell(
    db: Session, world: World, person: Person, kind: NotificationKind, text: str, *, hours_ago: float = 0
) -> int:
    """Notify ``person`` ``hours_ago`` before world.now (committed); returns the notification's id."""
    note = notify(
        db, recipient=person, kind=kind, text=text, link=LINK, now=world.now - timedelta(hours=hours_ago)
    )
    db.commit()
    return note.id


def choose(db: Session, world: World, person: Person, *, at_hours_ago: float = 0, **changes: object) -> None:
    """Change ``person``'s notification settings as they would (committed)."""
    update_settings(
        db,
        actor=world.actor(person),
        data=NotificationSettingsUpdate.model_validate(changes),
        now=world.now - timedelta(hours=at_hours_ago),
    )
    db.commit()
