"""Notifying people: an inbox row (kind and ids), and an email through the outbox when the person
wants one; called by the event subscribers (``notifications.subscribers``), never by other domains."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from askwell.core.errors import NotFound
from askwell.core.events import InboxChanged, emit
from askwell.core.jobs import enqueue
from askwell.notifications import repository
from askwell.notifications.digest import DIGEST_HOUR
from askwell.notifications.models import (
    Notification,
    NotificationChannel,
    NotificationKind,
    NotificationSettings,
)
from askwell.notifications.preferences import EVENTS, Channel, DigestFrequency, Preferences
from askwell.notifications.schemas import (
    EventSettingRead,
    NotificationSettingsRead,
    NotificationSettingsUpdate,
)
from askwell.people import repository as people_repo
from askwell.people.policy import Actor


@dataclass(frozen=True, kw_only=True)
class Notice:
    """What an inbox item is about: its kind and the ids of what it names (see ``models.Notification``)."""

    kind: NotificationKind
    actor_id: int | None = None
    ask_id: int | None = None
    offer_id: int | None = None
    intro_id: int | None = None
    ring_id: int | None = None
    subject_id: int | None = None
    note: str | None = None
    # Stored words: only for rows carried over from an export made before notifications kept ids.
    text: str | None = None


def deliver(
    db: Session, *, org_id: int, person_id: int, notice: Notice, now: datetime
) -> Notification | None:
    """Add to an active person's inbox and queue an email (sent after commit, when SMTP is set) if they
    want this event by email one at a time; with the daily digest on, the digest job mails it instead.
    Someone deactivated since is not told (None)."""
    recipient = people_repo.person_in_org(db, org_id=org_id, person_id=person_id)
    if recipient is None:
        return None
    note = Notification(
        org_id=org_id,
        person_id=recipient.id,
        kind=notice.kind.value,
        actor_id=notice.actor_id,
        ask_id=notice.ask_id,
        offer_id=notice.offer_id,
        intro_id=notice.intro_id,
        ring_id=notice.ring_id,
        subject_id=notice.subject_id,
        note=notice.note[:2000] if notice.note is not None else None,
        text=notice.text[:1000] if notice.text is not None else None,
        created_at=now,
    )
    db.add(note)
    db.flush()
    prefs = repository.preferences(db, org_id=org_id, person_id=recipient.id)
    if prefs.emails_at_once(note.kind):
        # Only the id: the words are written when the email is sent, as the reader may see them then.
        enqueue(db, "notifications.email", {"notification_id": note.id}, now=now, org_id=org_id)
    emit(db, InboxChanged(org_id=org_id, at=now, person_id=recipient.id))
    return note


def _mark(
    db: Session,
    *,
    org_id: int,
    person_id: int,
    read_at: datetime | None,
    notification_id: int | None,
    now: datetime,
) -> int:
    if notification_id is not None and not repository.is_mine(
        db, org_id=org_id, person_id=person_id, notification_id=notification_id
    ):
        raise NotFound("No such notification.")
    changed = repository.mark(
        db, org_id=org_id, person_id=person_id, read_at=read_at, notification_id=notification_id
    )
    if changed:
        # The person's other tabs update their badge.
        emit(db, InboxChanged(org_id=org_id, at=now, person_id=person_id))
    return changed


def mark_read(
    db: Session, *, org_id: int, person_id: int, now: datetime, notification_id: int | None = None
) -> int:
    """Mark one (or, without an id, every) unread notification of this person as read."""
    return _mark(
        db, org_id=org_id, person_id=person_id, read_at=now, notification_id=notification_id, now=now
    )


def mark_unread(db: Session, *, org_id: int, person_id: int, notification_id: int, now: datetime) -> int:
    """Put one notification back among the unread, to come back to it later."""
    return _mark(
        db, org_id=org_id, person_id=person_id, read_at=None, notification_id=notification_id, now=now
    )


def open_notification(
    db: Session, *, org_id: int, person_id: int, notification_id: int, now: datetime
) -> Notification:
    """Mark a notification read as it is opened; returns it, for the caller to lead to what it names."""
    note = repository.get_mine(db, org_id=org_id, person_id=person_id, notification_id=notification_id)
    if note is None:
        raise NotFound("No such notification.")
    mark_read(db, org_id=org_id, person_id=person_id, now=now, notification_id=note.id)
    return note


def settings_read(prefs: Preferences, *, email_available: bool) -> NotificationSettingsRead:
    return NotificationSettingsRead(
        digest=prefs.digest,
        digest_frequency=prefs.frequency,
        digest_hour=DIGEST_HOUR,
        email_available=email_available,
        events=[
            EventSettingRead(
                event=event, label=info.label, description=info.description, channel=prefs.channel(event)
            )
            for event, info in EVENTS.items()
        ],
    )


def _set_frequency(
    db: Session, *, org_id: int, person_id: int, frequency: DigestFrequency, now: datetime
) -> None:
    row = repository.settings_row(db, org_id=org_id, person_id=person_id)
    if row is None:
        row = NotificationSettings(
            org_id=org_id, person_id=person_id, digest=False, digest_weekly=False, updated_at=now
        )
        db.add(row)
    digest, weekly = frequency is not DigestFrequency.OFF, frequency is DigestFrequency.WEEKLY
    if (row.digest, row.digest_weekly) == (digest, weekly):
        return
    if digest and not row.digest:
        # Everything until now went out one by one: the first digest covers what comes from here.
        row.last_digest_at = now
    row.digest, row.digest_weekly, row.updated_at = digest, weekly, now


def unsubscribe(db: Session, *, org_id: int, person_id: int, now: datetime) -> bool:
    """One-click unsubscribe (RFC 8058): no more notification email of any kind, digest or single.
    Every event goes to the inbox only, where everything still arrives; the person can choose email
    again on their settings page. False when the person is gone (nothing to change)."""
    if people_repo.person_in_org(db, org_id=org_id, person_id=person_id) is None:
        return False
    repository.lock_person(db, org_id=org_id, person_id=person_id)
    _set_frequency(db, org_id=org_id, person_id=person_id, frequency=DigestFrequency.OFF, now=now)
    existing = repository.channel_rows(db, org_id=org_id, person_id=person_id)
    for event in EVENTS:
        if event.value in existing:
            existing[event.value].channel = Channel.INBOX.value
        else:
            db.add(
                NotificationChannel(
                    org_id=org_id, person_id=person_id, event=event.value, channel=Channel.INBOX.value
                )
            )
    db.flush()
    return True


def update_settings(
    db: Session, *, actor: Actor, data: NotificationSettingsUpdate, now: datetime
) -> Preferences:
    """Change the acting person's own settings; only what ``data`` names changes."""
    org_id, person_id = actor.org_id, actor.person_id
    # Two saves at once (a double click) queue on the person's row, so neither trips a unique constraint.
    repository.lock_person(db, org_id=org_id, person_id=person_id)
    frequency = data.digest_frequency
    if frequency is None and data.digest is not None:
        frequency = DigestFrequency.DAILY if data.digest else DigestFrequency.OFF
    if frequency is not None:
        _set_frequency(db, org_id=org_id, person_id=person_id, frequency=frequency, now=now)
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
