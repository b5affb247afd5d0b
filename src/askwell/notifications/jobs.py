"""Email for notifications, delivered by the worker after the commit that created them, and the daily digest.

``notifications.digest`` runs every 15 minutes and is idempotent: each person's digest is claimed with
a conditional update of ``last_digest_at`` (at most once per local day), and its email is queued with
a dedupe key for that person and day, however many workers run.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from askwell.core.edges import Email
from askwell.core.jobs import JobContext, JobRegistry, enqueue
from askwell.core.localtime import zone
from askwell.notifications import digest, inbox, repository
from askwell.notifications.inbox import Target
from askwell.people import repository as people_repo

#: The first digest of someone who has never had one covers at most the day before.
FIRST_DIGEST_LOOKBACK = timedelta(days=1)


#: Turns where an item leads into a path on this site (``askwell.http.links.path_for``, given by the
#: composition root: page addresses belong to the web layer, not to this domain).
PathFor = Callable[[Target], str]


def _email_notification(db: Session, payload: dict[str, Any], ctx: JobContext, *, path_for: PathFor) -> None:
    # Without SMTP the inbox is the channel; logging every notification would only add noise.
    if not ctx.edges.email.delivers:
        return
    base = ctx.edges.base_url
    if "body" in payload:  # a digest, composed when it was queued
        ctx.edges.email.send(
            Email(to=str(payload["to"]), subject=str(payload["subject"]), body=str(payload["body"]))
        )
        return
    if "notification_id" not in payload or "subject" in payload:
        # Queued before notifications kept ids: its words were written then.
        subject, link = str(payload.get("subject", "")), str(payload.get("link", ""))
        body = f"{subject}\n\nOpen it in Askwell: {base}{link}\n"
        ctx.edges.email.send(Email(to=str(payload["to"]), subject=f"Askwell: {subject}", body=body))
        return
    found = repository.with_recipient(db, notification_id=int(payload["notification_id"]))
    if found is None:
        return  # erased since, or the person left: nobody to write to
    note, person = found
    [item] = inbox.render(db, actor=people_repo.actor_for(db, person), rows=[note])
    if item.hidden:
        return  # the ask stopped being shared with them before the email went: say nothing about it
    body = f"{item.text}\n\nOpen it in Askwell: {base}{path_for(item.target)}\n"
    ctx.edges.email.send(Email(to=person.email, subject=f"Askwell: {item.text[:120]}", body=body))


def send_digests(db: Session, *, now: datetime, base_url: str, path_for: PathFor) -> int:
    """Queue today's digest for everyone whose local digest hour has come; returns how many were queued."""
    queued = 0
    for row, person in repository.digest_subscribers(db):
        tz = zone(person.timezone)
        if not digest.due(now=now, tz=tz, last_sent_at=row.last_digest_at):
            continue
        today = digest.start_of_day(now, tz)
        if not repository.claim_digest(db, settings_id=row.id, today=today, now=now):
            continue  # another worker took it
        prefs = repository.preferences(db, org_id=person.org_id, person_id=person.id)
        unread = [
            n
            for n in repository.unread_between(
                db,
                org_id=person.org_id,
                person_id=person.id,
                after=row.last_digest_at or now - FIRST_DIGEST_LOOKBACK,
                until=now,
            )
            if prefs.emails(n.kind)
        ]
        items = [
            digest.DigestItem(text=item.text, link=path_for(item.target), created_at=item.created_at)
            for item in inbox.render(db, actor=people_repo.actor_for(db, person), rows=unread)
            if not item.hidden
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


def register(registry: JobRegistry, *, path_for: PathFor) -> None:
    def email(db: Session, payload: dict[str, Any], ctx: JobContext) -> None:
        _email_notification(db, payload, ctx, path_for=path_for)

    def digest_job(db: Session, payload: dict[str, Any], ctx: JobContext) -> None:
        # Without SMTP there is nobody to write to; the inbox already holds everything.
        if ctx.edges.email.delivers:
            send_digests(db, now=ctx.clock.now(), base_url=ctx.edges.base_url, path_for=path_for)

    registry.add("notifications.email", email)
    registry.add("notifications.digest", digest_job)
    registry.schedule("notifications.digest", timedelta(minutes=15))
