"""A small organization with history for insights tests: two teams, ledger entries over weeks."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from askwell.ledger.models import EntryKind
from askwell.ledger.service import record
from askwell.people.models import Person


def say(
    db: Session,
    kind: EntryKind,
    actor: Person,
    at: datetime,
    subject: Person | None = None,
    ask_id: int | None = None,
) -> None:
    """One ledger entry, as the asks domain writes it."""
    record(
        db,
        org_id=actor.org_id,
        kind=kind,
        actor_id=actor.id,
        subject_id=subject.id if subject else None,
        ask_id=ask_id,
        at=at,
    )


def help_story(db: Session, asker: Person, helper: Person, at: datetime, ask_id: int) -> None:
    """An ask that got an offer, help and thanks over two days."""
    say(db, EntryKind.ASK_OPENED, asker, at, ask_id=ask_id)
    say(db, EntryKind.OFFER_MADE, helper, at + timedelta(hours=3), subject=asker, ask_id=ask_id)
    say(db, EntryKind.OFFER_ACCEPTED, asker, at + timedelta(hours=4), subject=helper, ask_id=ask_id)
    say(db, EntryKind.HELP_GIVEN, helper, at + timedelta(days=1), subject=asker, ask_id=ask_id)
    say(db, EntryKind.THANKS, asker, at + timedelta(days=2), subject=helper, ask_id=ask_id)
