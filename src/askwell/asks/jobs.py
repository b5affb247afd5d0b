"""Automation of asks, run by the worker on a schedule. Each job is idempotent.

Every reminder is claimed row by row with a conditional UPDATE (``... WHERE reminded_at IS NULL``),
so running a job twice, or in two workers at once, notifies each person once.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from askwell.asks import repository
from askwell.asks.models import Ask
from askwell.core.jobs import JobContext, JobRegistry
from askwell.notifications.models import NotificationKind
from askwell.notifications.service import notify
from askwell.people import repository as people_repo

DUE_SOON = timedelta(hours=24)
GRACE = timedelta(hours=48)
OFFER_REMINDER_AFTER = timedelta(days=3)


def _tell(
    db: Session, *, ask_id: int, org_id: int, person_id: int, kind: NotificationKind, text: str, now: datetime
) -> bool:
    person = people_repo.person_in_org(db, org_id=org_id, person_id=person_id)
    if person is None:  # deactivated since: nobody to remind
        return False
    notify(db, recipient=person, kind=kind, text=text, link=f"/asks/{ask_id}", now=now, ask_id=ask_id)
    return True


def _tell_author(db: Session, ask: Ask, kind: NotificationKind, text: str, now: datetime) -> bool:
    return _tell(db, ask_id=ask.id, org_id=ask.org_id, person_id=ask.author_id, kind=kind, text=text, now=now)


def remind_due_soon(db: Session, *, now: datetime) -> int:
    sent = 0
    for ask in repository.due_soon(db, start=now, end=now + DUE_SOON):
        claimed = repository.claim_due_reminder(db, ask=ask, now=now)
        text = f"Your ask “{ask.title}” is due within a day: close it, or extend it if you still need help"
        if claimed and _tell_author(db, ask, NotificationKind.ASK_DUE_SOON, text, now):
            sent += 1
    return sent


def expire_overdue(db: Session, *, now: datetime) -> int:
    """Asks past their due date plus the grace period expire; the author is asked to close or extend."""
    expired = 0
    for ask in repository.overdue(db, before=now - GRACE):
        claimed = repository.claim_expiry(db, ask=ask, now=now)
        text = f"Your ask “{ask.title}” has passed its due date: did you get the help? Close or extend it"
        if claimed and _tell_author(db, ask, NotificationKind.ASK_EXPIRED, text, now):
            expired += 1
    return expired


def remind_accepted_offers(db: Session, *, now: datetime) -> int:
    """One reminder per accepted offer that is still not done after a few days."""
    sent = 0
    for offer in repository.stale_accepted_offers(db, accepted_before=now - OFFER_REMINDER_AFTER):
        if not repository.claim_offer_reminder(db, offer=offer, now=now):
            continue
        text = "You offered to help and the offer was accepted: mark it done when you have helped"
        if _tell(
            db,
            ask_id=offer.ask_id,
            org_id=offer.org_id,
            person_id=offer.helper_id,
            kind=NotificationKind.OFFER_REMINDER,
            text=text,
            now=now,
        ):
            sent += 1
    return sent


def _job(fn: Any) -> Any:
    def handler(db: Session, payload: dict[str, Any], ctx: JobContext) -> None:
        fn(db, now=ctx.clock.now())

    return handler


def register(registry: JobRegistry) -> None:
    registry.add("asks.due_soon", _job(remind_due_soon))
    registry.add("asks.expire", _job(expire_overdue))
    registry.add("asks.offer_reminders", _job(remind_accepted_offers))
    registry.schedule("asks.due_soon", timedelta(minutes=15))
    registry.schedule("asks.expire", timedelta(minutes=15))
    registry.schedule("asks.offer_reminders", timedelta(hours=1))
