"""Notifying people: an inbox row, and an email through the outbox when the person wants one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from askwell.core.errors import NotFound
from askwell.core.jobs import enqueue
from askwell.notifications import repository
from askwell.notifications.digest import DIGEST_HOUR
from askwell.notifications.models import (
    Notification,
    NotificationChannel,
    NotificationKind,
    NotificationSettings,
)
from askwell.notifications.preferences import EVENTS, Preferences
from askwell.notifications.schemas import (
    EventSettingRead,
    NotificationSettingsRead,
    NotificationSettingsUpdate,
)
from askwell.people.models import Person
from askwell.people.policy import Actor


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
    """Add to the recipient's inbox; queue an email (sent after commit, when SMTP is set) if they want
    this event by email one at a time. With the daily digest on, the digest job mails it instead."""
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
    prefs = repository.preferences(db, org_id=recipient.org_id, person_id=recipient.id)
    if prefs.emails_at_once(note.kind):
        enqueue(
            db,
            "notifications.email",
            {"notification_id": note.id, "to": recipient.email, "subject": text[:120], "link": link},
            now=now,
            org_id=recipient.org_id,
        )
    return note


def _mark(
    db: Session,
    *,
    org_id: int,
    person_id: int,
    read_at: datetime | None,
    notification_id: int | None,
) -> int:
    stmt = update(Notification).where(Notification.org_id == org_id, Notification.person_id == person_id)
    # Only rows whose state changes are counted, so "Marked 3 as read" is true.
    stmt = stmt.where(Notification.read_at.is_(None) if read_at else Notification.read_at.is_not(None))
    if notification_id is not None:
        if not repository.is_mine(db, org_id=org_id, person_id=person_id, notification_id=notification_id):
            raise NotFound("No such notification.")
        stmt = stmt.where(Notification.id == notification_id)
    result = db.execute(stmt.values(read_at=read_at).execution_options(synchronize_session=False))
    return int(result.rowcount or 0)


def mark_read(
    db: Session, *, org_id: int, person_id: int, now: datetime, notification_id: int | None = None
) -> int:
    """Mark one (or, without an id, every) unread notification of this person as read."""
    return _mark(db, org_id=org_id, person_id=person_id, read_at=now, notification_id=notification_id)


def mark_unread(db: Session, *, org_id: int, person_id: int, notification_id: int) -> int:
    """Put one notification back among the unread, to come back to it later."""
    return _mark(db, org_id=org_id, person_id=person_id, read_at=None, notification_id=notification_id)


def open_notification(
    db: Session, *, org_id: int, person_id: int, notification_id: int, now: datetime
) -> str:
    """Mark a notification read as it is opened; returns where it leads (always a path on this site)."""
    note = repository.get_mine(db, org_id=org_id, person_id=person_id, notification_id=notification_id)
    if note is None:
        raise NotFound("No such notification.")
    mark_read(db, org_id=org_id, person_id=person_id, now=now, notification_id=note.id)
    return safe_link(note.link)


def safe_link(link: str) -> str:
    """A notification's link if it is a path on this site, else the inbox: never a way off-site.

    ``//evil.example`` and ``/\\evil.example`` are read by browsers as another host.
    """
    if link.startswith("/") and not link.startswith(("//", "/\\")) and "\\" not in link:
        return link
    return "/inbox"


def settings_read(prefs: Preferences, *, email_available: bool) -> NotificationSettingsRead:
    return NotificationSettingsRead(
        digest=prefs.digest,
        digest_hour=DIGEST_HOUR,
        email_available=email_available,
        events=[
            EventSettingRead(
                event=event, label=info.label, description=info.description, channel=prefs.channel(event)
            )
            for event, info in EVENTS.items()
        ],
    )


def update_settings(
    db: Session, *, actor: Actor, data: NotificationSettingsUpdate, now: datetime
) -> Preferences:
    """Change the acting person's own settings; only what ``data`` names changes."""
    org_id, person_id = actor.org_id, actor.person_id
    # Two saves at once (a double click) queue on the person's row, so neither trips a unique constraint.
    repository.lock_person(db, org_id=org_id, person_id=person_id)
    if data.digest is not None:
        row = repository.settings_row(db, org_id=org_id, person_id=person_id)
        if row is None:
            row = NotificationSettings(org_id=org_id, person_id=person_id, digest=False, updated_at=now)
            db.add(row)
        if row.digest != data.digest:
            row.digest = data.digest
            row.updated_at = now
            if data.digest:
                # Everything until now went out one by one: the first digest starts from here, tomorrow.
                row.last_digest_at = now
    existing = repository.channel_rows(db, org_id=org_id, person_id=person_id)
    for event, channel in data.events.items():
        if event.value in existing:
            existing[event.value].channel = channel.value
        else:
            db.add(
                NotificationChannel(
                    org_id=org_id, person_id=person_id, event=event.value, channel=channel.value
                )
            )
    db.flush()
    return repository.preferences(db, org_id=org_id, person_id=person_id)
