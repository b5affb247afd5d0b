"""Automation of asks, run by the worker on a schedule. Each job is idempotent.

Every reminder is claimed row by row with a conditional UPDATE (``... WHERE reminded_at IS NULL``),
so running a job twice, or in two workers at once, notifies each person once.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from askwell.asks import repository
from askwell.core.events import AcceptedOfferStale, AskDueSoon, AskExpired, emit
from askwell.core.jobs import JobContext, JobRegistry
from askwell.people import repository as people_repo

DUE_SOON = timedelta(hours=24)
GRACE = timedelta(hours=48)
OFFER_REMINDER_AFTER = timedelta(days=3)


def _active(db: Session, *, org_id: int, person_id: int) -> bool:
    """Someone deactivated since is not reminded (and not counted)."""
    return people_repo.person_in_org(db, org_id=org_id, person_id=person_id) is not None


def remind_due_soon(db: Session, *, now: datetime) -> int:
    sent = 0
    for ask in repository.due_soon(db, start=now, end=now + DUE_SOON):
        claimed = repository.claim_due_reminder(db, ask=ask, now=now)
        if claimed and _active(db, org_id=ask.org_id, person_id=ask.author_id):
            emit(db, AskDueSoon(org_id=ask.org_id, at=now, ask_id=ask.id, author_id=ask.author_id))
            sent += 1
    return sent


def expire_overdue(db: Session, *, now: datetime) -> int:
    """Asks past their due date plus the grace period expire; the author is asked to close or extend."""
    expired = 0
    for ask in repository.overdue(db, before=now - GRACE):
        claimed = repository.claim_expiry(db, ask=ask, now=now)
        if claimed and _active(db, org_id=ask.org_id, person_id=ask.author_id):
            emit(db, AskExpired(org_id=ask.org_id, at=now, ask_id=ask.id, author_id=ask.author_id))
            expired += 1
    return expired


def remind_accepted_offers(db: Session, *, now: datetime) -> int:
    """One reminder per accepted offer that is still not done after a few days."""
    sent = 0
    for offer in repository.stale_accepted_offers(db, accepted_before=now - OFFER_REMINDER_AFTER):
        if not repository.claim_offer_reminder(db, offer=offer, now=now):
            continue
        if _active(db, org_id=offer.org_id, person_id=offer.helper_id):
            emit(
                db,
                AcceptedOfferStale(
                    org_id=offer.org_id,
                    at=now,
                    ask_id=offer.ask_id,
                    offer_id=offer.id,
                    helper_id=offer.helper_id,
                ),
            )
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
