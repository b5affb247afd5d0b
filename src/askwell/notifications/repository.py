"""Reading a person's inbox and settings: every query takes the organization and the person they belong to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from askwell.notifications.models import Notification, NotificationChannel, NotificationSettings
from askwell.notifications.preferences import Channel, Event, Preferences
from askwell.people.models import Person


def unread_count(db: Session, *, org_id: int, person_id: int) -> int:
    return (
        db.scalar(
            select(func.count()).where(
                Notification.org_id == org_id,
                Notification.person_id == person_id,
                Notification.read_at.is_(None),
            )
        )
        or 0
    )


def inbox(
    db: Session, *, org_id: int, person_id: int, limit: int = 50, offset: int = 0
) -> list[Notification]:
    return list(
        db.scalars(
            select(Notification)
            .where(Notification.org_id == org_id, Notification.person_id == person_id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(max(1, min(limit, 100)))
            .offset(max(0, offset))
        )
    )


def is_mine(db: Session, *, org_id: int, person_id: int, notification_id: int) -> bool:
    return (
        db.scalar(
            select(Notification.id).where(
                Notification.org_id == org_id,
                Notification.person_id == person_id,
                Notification.id == notification_id,
            )
        )
        is not None
    )


def preferences(db: Session, *, org_id: int, person_id: int) -> Preferences:
    """A person's choices, defaults filled in; a channel stored for an event since removed is ignored."""
    digest = db.scalar(
        select(NotificationSettings.digest).where(
            NotificationSettings.org_id == org_id, NotificationSettings.person_id == person_id
        )
    )
    rows = db.execute(
        select(NotificationChannel.event, NotificationChannel.channel).where(
            NotificationChannel.org_id == org_id, NotificationChannel.person_id == person_id
        )
    )
    known_events, known_channels = {e.value for e in Event}, {c.value for c in Channel}
    channels = {
        Event(event): Channel(channel)
        for event, channel in rows
        if event in known_events and channel in known_channels
    }
    return Preferences(channels=channels, digest=bool(digest))


def settings_row(db: Session, *, org_id: int, person_id: int) -> NotificationSettings | None:
    return db.scalar(
        select(NotificationSettings).where(
            NotificationSettings.org_id == org_id, NotificationSettings.person_id == person_id
        )
    )


def channel_rows(db: Session, *, org_id: int, person_id: int) -> dict[str, NotificationChannel]:
    rows = db.scalars(
        select(NotificationChannel).where(
            NotificationChannel.org_id == org_id, NotificationChannel.person_id == person_id
        )
    )
    return {row.event: row for row in rows}


def digest_subscribers(db: Session) -> list[tuple[NotificationSettings, Person]]:
    """Everyone, in every organization, who chose the daily digest and can still sign in (for the job)."""
    rows = db.execute(
        select(NotificationSettings, Person)
        .join(
            Person,
            (Person.org_id == NotificationSettings.org_id) & (Person.id == NotificationSettings.person_id),
        )
        .where(NotificationSettings.digest.is_(True), Person.is_active.is_(True))
        .order_by(NotificationSettings.id)
    )
    return [(row[0], row[1]) for row in rows]


def unread_between(
    db: Session, *, org_id: int, person_id: int, after: datetime, until: datetime
) -> list[Notification]:
    """Unread notifications created in (after, until], oldest first, as a digest lists them."""
    return list(
        db.scalars(
            select(Notification)
            .where(
                Notification.org_id == org_id,
                Notification.person_id == person_id,
                Notification.read_at.is_(None),
                Notification.created_at > after,
                Notification.created_at <= until,
            )
            .order_by(Notification.created_at, Notification.id)
        )
    )


def timezones(db: Session, *, org_id: int, person_ids: set[int]) -> dict[int, str]:
    """The timezones of these people in this organization (to say whose clock a time is on)."""
    if not person_ids:
        return {}
    rows = db.execute(
        select(Person.id, Person.timezone).where(Person.org_id == org_id, Person.id.in_(person_ids))
    )
    return {person_id: tz for person_id, tz in rows}


def get_mine(db: Session, *, org_id: int, person_id: int, notification_id: int) -> Notification | None:
    return db.scalar(
        select(Notification).where(
            Notification.org_id == org_id,
            Notification.person_id == person_id,
            Notification.id == notification_id,
        )
    )


def lock_person(db: Session, *, org_id: int, person_id: int) -> None:
    """Hold this person's row until the transaction ends (a no-op lock on SQLite, whose writers queue)."""
    db.execute(select(Person.id).where(Person.org_id == org_id, Person.id == person_id).with_for_update())
