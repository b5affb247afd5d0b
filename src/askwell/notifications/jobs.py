"""Email for notifications, delivered by the worker after the commit that created them, and the daily digest.

``notifications.digest`` runs every 15 minutes and is idempotent: each person's digest is claimed with
a conditional update of ``last_digest_at`` (at most once per local day), and its email is queued with
a dedupe key for that person and day, however many workers run.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, update
from sqlalchemy.orm import Session

from askwell.core.jobs import JobContext, JobRegistry, enqueue
from askwell.core.localtime import zone
from askwell.integrations.email import Email
from askwell.notifications import digest, repository
from askwell.notifications.models import NotificationSettings

#: The first digest of someone who has never had one covers at most the day before.
FIRST_DIGEST_LOOKBACK = timedelta(days=1)


def _delivers(ctx: JobContext) -> bool:
    sender = ctx.services.get("email")
    return sender is not None and bool(getattr(sender, "delivers", True))


def _email_notification(db: Session, payload: dict[str, Any], ctx: JobContext) -> None:
    # Without SMTP the inbox is the channel; logging every notification would only add noise.
    if not _delivers(ctx):
        return
    base = ctx.services.get("base_url", "")
    body = payload.get("body")  # a digest comes composed; a single notification is one line and a link
    ctx.services["email"].send(
        Email(
            to=str(payload["to"]),
            subject=str(payload["subject"]) if body else f"Askwell: {payload['subject']}",
            body=str(body)
            if body
            else f"{payload['subject']}\n\nOpen it in Askwell: {base}{payload.get('link', '')}\n",
        )
    )


def send_digests(db: Session, *, now: datetime, base_url: str) -> int:
    """Queue today's digest for everyone whose local digest hour has come; returns how many were queued."""
    queued = 0
    for row, person in repository.digest_subscribers(db):
        tz = zone(person.timezone)
        if not digest.due(now=now, tz=tz, last_sent_at=row.last_digest_at):
            continue
        today = digest.start_of_day(now, tz)
        claimed = db.execute(
            update(NotificationSettings)
            .where(
                NotificationSettings.id == row.id,
                or_(
                    NotificationSettings.last_digest_at.is_(None), NotificationSettings.last_digest_at < today
                ),
            )
            .values(last_digest_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:
            continue  # another worker took it
        prefs = repository.preferences(db, org_id=person.org_id, person_id=person.id)
        items = [
            digest.DigestItem(text=n.text, link=n.link, created_at=n.created_at)
            for n in repository.unread_between(
                db,
                org_id=person.org_id,
                person_id=person.id,
                after=row.last_digest_at or now - FIRST_DIGEST_LOOKBACK,
                until=now,
            )
            if prefs.emails(n.kind)
        ]
        if not items:
            continue  # nothing unread that they want by email: no empty digest
        subject, body = digest.compose(name=person.name, items=items, tz=tz, base_url=base_url)
        local_day = now.astimezone(tz).date().isoformat()
        if enqueue(
            db,
            "notifications.email",
            {"to": person.email, "subject": subject, "body": body},
            now=now,
            org_id=person.org_id,
            dedupe_key=f"notifications.digest:{person.id}:{local_day}",
        ):
            queued += 1
    return queued


def _digest(db: Session, payload: dict[str, Any], ctx: JobContext) -> None:
    # Without SMTP there is nobody to write to; the inbox already holds everything.
    if _delivers(ctx):
        send_digests(db, now=ctx.clock.now(), base_url=ctx.services.get("base_url", ""))


def register(registry: JobRegistry) -> None:
    registry.add("notifications.email", _email_notification)
    registry.add("notifications.digest", _digest)
    registry.schedule("notifications.digest", timedelta(minutes=15))
