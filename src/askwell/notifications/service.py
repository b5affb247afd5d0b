"""Notifying people: an inbox row, and an email through the outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from askwell.core.errors import NotFound
from askwell.core.jobs import enqueue
from askwell.notifications import repository
from askwell.notifications.models import Notification, NotificationKind
from askwell.people.models import Person


def notify(
    db: Session,
    *,
    recipient: Person,
    kind: NotificationKind,
    text: str,
    link: str,
    now: datetime,
    ask_id: int | None = None,
    actor_id: int | None = None,
) -> Notification:
    """Add to the recipient's inbox and queue the email (sent after commit, when SMTP is set)."""
    note = Notification(
        org_id=recipient.org_id,
        person_id=recipient.id,
        kind=kind.value,
        text=text[:1000],
        link=link,
        ask_id=ask_id,
        actor_id=actor_id,
        created_at=now,
    )
    db.add(note)
    db.flush()
    enqueue(
        db,
        "notifications.email",
        {"notification_id": note.id, "to": recipient.email, "subject": text[:120], "link": link},
        now=now,
        org_id=recipient.org_id,
    )
    return note


def mark_read(
    db: Session, *, org_id: int, person_id: int, now: datetime, notification_id: int | None = None
) -> int:
    """Mark one (or, without an id, every) unread notification of this person as read."""
    stmt = update(Notification).where(
        Notification.org_id == org_id, Notification.person_id == person_id, Notification.read_at.is_(None)
    )
    if notification_id is not None:
        if not repository.is_mine(db, org_id=org_id, person_id=person_id, notification_id=notification_id):
            raise NotFound("No such notification.")
        stmt = stmt.where(Notification.id == notification_id)
    result = db.execute(stmt.values(read_at=now).execution_options(synchronize_session=False))
    return int(result.rowcount or 0)
