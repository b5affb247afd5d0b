"""Use cases of the calendars domain: make, revoke and read a person's private ICS feed.

The feed is read without signing in (a calendar app cannot sign in), so its address carries a long
random secret; only its hash is stored, and a revoked or unknown secret answers exactly like a page
that does not exist. Making a new feed revokes the old one: one live address per person.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from askwell.accounts.secrets import new_token, token_hash
from askwell.calendars import feed, repository
from askwell.calendars.errors import FeedNotFound
from askwell.calendars.models import CalendarFeed
from askwell.huddles.models import HuddleStatus
from askwell.people.policy import Actor
from askwell.rings import rules as ring_rules
from askwell.rings.models import RingMode

SECRET_PREFIX = "cal_"
# The feed looks back this far (recent past events stay visible) and holds at most this many of each.
LOOKBACK = timedelta(days=30)
MAX_EACH = 500


def feed_path(secret: str) -> str:
    return f"/calendar/{secret}.ics"


def current(db: Session, *, actor: Actor) -> CalendarFeed | None:
    return repository.active_feed(db, org_id=actor.org_id, person_id=actor.person_id)


def create(db: Session, *, actor: Actor, now: datetime) -> tuple[CalendarFeed, str]:
    """A new feed address for the acting person (the old one stops working). Returns the secret once."""
    revoke(db, actor=actor, now=now)
    secret = new_token(SECRET_PREFIX)
    row = CalendarFeed(
        org_id=actor.org_id, person_id=actor.person_id, secret_hash=token_hash(secret), created_at=now
    )
    db.add(row)
    db.flush()
    return row, secret


def revoke(db: Session, *, actor: Actor, now: datetime) -> bool:
    """Stop the acting person's feed address; False when there was none."""
    rows = repository.active_feeds(db, org_id=actor.org_id, person_id=actor.person_id)
    for row in rows:
        row.revoked_at = now
    db.flush()
    return bool(rows)


def _valid_shape(secret: str) -> bool:
    return secret.startswith(SECRET_PREFIX) and 16 <= len(secret) <= 100


def render(db: Session, *, secret: str, now: datetime, base_url: str) -> str:
    """The feed's ``.ics`` text for ``secret``; ``FeedNotFound`` for an unknown, revoked or odd one,
    or one whose person was deactivated."""
    if not _valid_shape(secret):
        raise FeedNotFound()
    row = repository.feed_by_hash(db, secret_hash=token_hash(secret))
    if row is None:
        raise FeedNotFound()
    person = repository.person(db, org_id=row.org_id, person_id=row.person_id)
    if person is None or not person.is_active or person.is_erased:
        raise FeedNotFound()
    row.last_read_at = now
    since = now - LOOKBACK
    base = base_url.rstrip("/")
    events: list[feed.FeedEvent] = []
    for ask in repository.asks_due(
        db, org_id=row.org_id, person_id=row.person_id, since=since, limit=MAX_EACH
    ):
        assert ask.due_at is not None  # the query keeps only asks with a due date
        events.append(
            feed.FeedEvent(
                uid=f"ask-{ask.id}-due@askwell",
                sequence=ask.version,
                summary=f"Ask due: {ask.title}",
                description="Your ask on Askwell is due.",
                starts_at=ask.due_at,
                ends_at=None,
                url=f"{base}/asks/{ask.id}",
            )
        )
    for ring in repository.rings_of(
        db, org_id=row.org_id, person_id=row.person_id, since=since, limit=MAX_EACH
    ):
        live = ring.mode == RingMode.LIVE.value
        events.append(
            feed.FeedEvent(
                uid=ring_rules.calendar_uid(ring.org_id, ring.id),
                sequence=0,
                summary=f"{'Ring' if live else 'Ring (open window)'}: {ring.name}",
                description=ring.purpose,
                starts_at=ring.starts_at,
                ends_at=ring.ends_at,
                url=f"{base}/rings/{ring.id}",
            )
        )
    for huddle in repository.huddles_of(
        db, org_id=row.org_id, person_id=row.person_id, since=since, limit=MAX_EACH
    ):
        events.append(
            feed.FeedEvent(
                uid=huddle.uid,
                sequence=huddle.sequence,
                summary=f"Huddle: {huddle.topic}",
                description=f"Join: {huddle.link}",
                starts_at=huddle.starts_at,
                ends_at=huddle.ends_at,
                url=f"{base}/huddles/{huddle.id}",
                cancelled=huddle.status == HuddleStatus.CANCELLED.value,
            )
        )
    events.sort(key=lambda e: (e.starts_at, e.uid))
    db.flush()
    return feed.build(events, name=f"Askwell: {person.name}", stamp=now)
