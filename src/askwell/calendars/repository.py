"""Queries of the calendars domain: feeds, and what a person's feed shows from asks, rings and huddles.

Every read of another domain's rows is scoped by the feed's organization and person, so a feed can
never show another organization's data whatever ids it meets.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from askwell.asks.models import Ask, AskStatus
from askwell.calendars.models import CalendarFeed
from askwell.huddles.models import Huddle, HuddleInvite
from askwell.people.models import Person
from askwell.rings.models import MemberStatus, Ring, RingMember

# Asks whose due date still matters to their author.
OPEN_ASKS = (AskStatus.OPEN.value, AskStatus.IN_PROGRESS.value)


def active_feed(db: Session, *, org_id: int, person_id: int) -> CalendarFeed | None:
    return db.scalars(
        select(CalendarFeed)
        .where(
            CalendarFeed.org_id == org_id,
            CalendarFeed.person_id == person_id,
            CalendarFeed.revoked_at.is_(None),
        )
        .order_by(CalendarFeed.id.desc())
    ).first()


def active_feeds(db: Session, *, org_id: int, person_id: int) -> list[CalendarFeed]:
    return list(
        db.scalars(
            select(CalendarFeed).where(
                CalendarFeed.org_id == org_id,
                CalendarFeed.person_id == person_id,
                CalendarFeed.revoked_at.is_(None),
            )
        )
    )


def feed_by_hash(db: Session, *, secret_hash: str) -> CalendarFeed | None:
    """The one lookup not scoped by organization: the secret is what identifies the caller."""
    return db.scalars(
        select(CalendarFeed).where(CalendarFeed.secret_hash == secret_hash, CalendarFeed.revoked_at.is_(None))
    ).first()


def person(db: Session, *, org_id: int, person_id: int) -> Person | None:
    return db.scalars(select(Person).where(Person.org_id == org_id, Person.id == person_id)).first()


def asks_due(db: Session, *, org_id: int, person_id: int, since: datetime, limit: int) -> list[Ask]:
    return list(
        db.scalars(
            select(Ask)
            .where(
                Ask.org_id == org_id,
                Ask.author_id == person_id,
                Ask.status.in_(OPEN_ASKS),
                Ask.due_at.is_not(None),
                Ask.due_at >= since,
            )
            .order_by(Ask.due_at, Ask.id)
            .limit(limit)
        )
    )


def rings_of(db: Session, *, org_id: int, person_id: int, since: datetime, limit: int) -> list[Ring]:
    """Rings the person is invited to, takes part in or hosts (not ones they left)."""
    taking_part = select(RingMember.ring_id).where(
        RingMember.org_id == org_id,
        RingMember.person_id == person_id,
        RingMember.status != MemberStatus.LEFT.value,
    )
    return list(
        db.scalars(
            select(Ring)
            .where(Ring.org_id == org_id, Ring.id.in_(taking_part), Ring.ends_at >= since)
            .order_by(Ring.starts_at, Ring.id)
            .limit(limit)
        )
    )


def huddles_of(db: Session, *, org_id: int, person_id: int, since: datetime, limit: int) -> list[Huddle]:
    """Huddles the person called or was invited to (cancelled ones too: the feed marks them so)."""
    invited = select(HuddleInvite.huddle_id).where(
        HuddleInvite.org_id == org_id, HuddleInvite.person_id == person_id
    )
    return list(
        db.scalars(
            select(Huddle)
            .where(
                Huddle.org_id == org_id,
                or_(Huddle.caller_id == person_id, Huddle.id.in_(invited)),
                Huddle.ends_at >= since,
            )
            .order_by(Huddle.starts_at, Huddle.id)
            .limit(limit)
        )
    )
