"""Reading a person's inbox and settings: every query takes the organization and the person they belong to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from askwell.asks.models import Ask, Offer, Thanks
from askwell.asks.repository import visible_asks
from askwell.core.db import rows_affected
from askwell.network.models import Introduction
from askwell.notifications.models import Notification, NotificationChannel, NotificationSettings
from askwell.notifications.preferences import Channel, Event, Preferences
from askwell.people.models import Person, Role
from askwell.people.policy import Actor
from askwell.rings.models import Ring, RingMember
from askwell.rings.repository import visible_rings


def active_admin_ids(db: Session, *, org_id: int) -> list[int]:
    """The organization's active admins: who is told of what needs an admin (a webhook switched off)."""
    return list(
        db.scalars(
            select(Person.id)
            .where(Person.org_id == org_id, Person.role == Role.ADMIN.value, Person.is_active.is_(True))
            .order_by(Person.id)
        )
    )


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
    stored = db.execute(
        select(NotificationSettings.digest, NotificationSettings.digest_weekly).where(
            NotificationSettings.org_id == org_id, NotificationSettings.person_id == person_id
        )
    ).first()
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
    digest, weekly = (bool(stored[0]), bool(stored[1])) if stored is not None else (False, False)
    return Preferences(channels=channels, digest=digest, digest_weekly=weekly)


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
    """Everyone, in every organization, who chose a (daily or weekly) digest and can still sign in (for the job)."""
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


# --- what an inbox item names, read as its reader may see it (``notifications.inbox``) ---------------


@dataclass(frozen=True)
class AskLine:
    title: str
    author_id: int


@dataclass(frozen=True)
class PersonLine:
    name: str
    timezone: str


def visible_ask_lines(db: Session, *, actor: Actor, ask_ids: set[int]) -> dict[int, AskLine]:
    """The titles of those asks the reader may still see: the same access function as the ask pages."""
    if not ask_ids:
        return {}
    rows = db.execute(
        visible_asks(actor).where(Ask.id.in_(ask_ids)).with_only_columns(Ask.id, Ask.title, Ask.author_id)
    )
    return {ask_id: AskLine(title, author_id) for ask_id, title, author_id in rows}


def thanks_notes(db: Session, *, org_id: int, offer_ids: set[int]) -> dict[int, str]:
    if not offer_ids:
        return {}
    rows = db.execute(
        select(Thanks.offer_id, Thanks.note).where(Thanks.org_id == org_id, Thanks.offer_id.in_(offer_ids))
    )
    return {offer_id: note for offer_id, note in rows}


def offer_helpers(db: Session, *, org_id: int, offer_ids: set[int]) -> dict[int, int]:
    if not offer_ids:
        return {}
    rows = db.execute(
        select(Offer.id, Offer.helper_id).where(Offer.org_id == org_id, Offer.id.in_(offer_ids))
    )
    return {offer_id: helper_id for offer_id, helper_id in rows}


def intros_of(db: Session, *, actor: Actor, intro_ids: set[int]) -> dict[int, Introduction]:
    """Introductions the reader takes part in (everyone told about one does)."""
    if not intro_ids:
        return {}
    me = actor.person_id
    rows = db.scalars(
        select(Introduction).where(
            Introduction.org_id == actor.org_id,
            Introduction.id.in_(intro_ids),
            or_(
                Introduction.asker_id == me,
                Introduction.connector_id == me,
                Introduction.target_id == me,
            ),
        )
    )
    return {intro.id: intro for intro in rows}


@dataclass(frozen=True)
class RingLine:
    name: str
    closed_at: datetime | None
    #: The reader's membership now ("invited", "joined", ...), None when they have no row.
    my_status: str | None


def visible_ring_lines(db: Session, *, actor: Actor, ring_ids: set[int]) -> dict[int, RingLine]:
    """The rings the reader may still see, by the rings domain's own access function (ring pages')."""
    if not ring_ids:
        return {}
    found = db.execute(visible_rings(actor).where(Ring.id.in_(ring_ids))).scalars().all()
    rings = [(r.id, r.name, r.closed_at) for r in found]
    mine = db.execute(
        select(RingMember.ring_id, RingMember.status).where(
            RingMember.org_id == actor.org_id,
            RingMember.person_id == actor.person_id,
            RingMember.ring_id.in_(ring_ids),
        )
    )
    statuses: dict[int, str] = {ring_id: status for ring_id, status in mine}
    return {ring_id: RingLine(name, closed_at, statuses.get(ring_id)) for ring_id, name, closed_at in rings}


def people_lines(db: Session, *, org_id: int, person_ids: set[int]) -> dict[int, PersonLine]:
    """Names and clocks, former members included (an erased person's name is already replaced)."""
    if not person_ids:
        return {}
    rows = db.execute(
        select(Person.id, Person.name, Person.timezone).where(
            Person.org_id == org_id, Person.id.in_(person_ids)
        )
    )
    return {person_id: PersonLine(name, tz) for person_id, name, tz in rows}


def with_recipient(db: Session, *, notification_id: int) -> tuple[Notification, Person] | None:
    """A notification and its recipient, if they can still sign in (for the email job, which has no actor)."""
    row = db.execute(
        select(Notification, Person)
        .join(Person, (Person.org_id == Notification.org_id) & (Person.id == Notification.person_id))
        .where(Notification.id == notification_id, Person.is_active.is_(True))
    ).first()
    return (row[0], row[1]) if row is not None else None


# --- writes that touch many rows at once ---------------------------------------------------------


def mark(
    db: Session, *, org_id: int, person_id: int, read_at: datetime | None, notification_id: int | None
) -> int:
    """Set ``read_at`` on this person's notifications (one, or all) whose state changes; how many did.

    Only rows whose state changes are counted, so "Marked 3 as read" is true.
    """
    stmt = update(Notification).where(Notification.org_id == org_id, Notification.person_id == person_id)
    stmt = stmt.where(Notification.read_at.is_(None) if read_at else Notification.read_at.is_not(None))
    if notification_id is not None:
        stmt = stmt.where(Notification.id == notification_id)
    result = db.execute(stmt.values(read_at=read_at).execution_options(synchronize_session=False))
    return rows_affected(result)


def claim_digest(db: Session, *, settings_id: int, today: datetime, now: datetime) -> bool:
    """Take today's digest for one person's settings row; False when another worker already took it."""
    claimed = db.execute(
        update(NotificationSettings)
        .where(
            NotificationSettings.id == settings_id,
            or_(NotificationSettings.last_digest_at.is_(None), NotificationSettings.last_digest_at < today),
        )
        .values(last_digest_at=now)
        .execution_options(synchronize_session=False)
    )
    return rows_affected(claimed) == 1


def delete_person_rows(db: Session, *, org_id: int, person_id: int) -> None:
    """A person's own notifications, settings and channels (their erasure)."""
    for model in (Notification, NotificationSettings, NotificationChannel):
        db.execute(delete(model).where(model.org_id == org_id, model.person_id == person_id))


def naming(db: Session, *, org_id: int, person_id: int, ask_ids: list[int]) -> list[Notification]:
    """Other people's notifications that name this person: they acted, or it is about their asks."""
    about_them = [Notification.actor_id == person_id]
    if ask_ids:
        about_them.append(Notification.ask_id.in_(ask_ids))
    return list(db.scalars(select(Notification).where(Notification.org_id == org_id, or_(*about_them))))


def all_of(db: Session, *, org_id: int, person_id: int) -> list[Notification]:
    """Every notification of this person, oldest first (their data export)."""
    return list(
        db.scalars(
            select(Notification)
            .where(Notification.org_id == org_id, Notification.person_id == person_id)
            .order_by(Notification.id)
        )
    )


def org_notifications(db: Session, *, org_id: int) -> list[Notification]:
    """Every notification of the organization, oldest first (its export)."""
    return list(
        db.scalars(
            select(Notification)
            .where(Notification.org_id == org_id)
            .order_by(Notification.created_at, Notification.id)
        )
    )


def insert_notifications(db: Session, rows: list[dict[str, Any]]) -> None:
    """Bulk rows of an import, in one statement (none when empty)."""
    if rows:
        db.execute(insert(Notification), rows)
