"""Email for notifications, delivered by the worker after the commit that created them, and the digests.

Every notification email and digest carries ``List-Unsubscribe`` and ``List-Unsubscribe-Post`` (RFC
8058 one-click, with a signed link, when ``ASKWELL_SECRET_KEY`` is set). The mails that can be answered
(a stand-up prompt or reminder, "can you help?") carry a signed ``Reply-To`` address when
``ASKWELL_REPLY_ADDRESS`` is set too; ``notifications.replies`` acts on what comes back.

``notifications.digest`` runs every 15 minutes and is idempotent: each person's digest is claimed with
a conditional update of ``last_digest_at`` (at most once per local day, or per week for a weekly one), and its email is queued with
a dedupe key for that person and day, however many workers run.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from askwell.core.config import Settings, get_settings
from askwell.core.edges import Email
from askwell.core.errors import AskwellError
from askwell.core.jobs import JobContext, JobRegistry, enqueue
from askwell.core.localtime import zone
from askwell.notifications import digest, inbox, mailtokens, repository
from askwell.notifications.inbox import Target
from askwell.notifications.models import Notification
from askwell.notifications.models import NotificationKind as Kind
from askwell.people import repository as people_repo
from askwell.people.models import Person
from askwell.people.policy import Actor
from askwell.standups import service as standups

#: The first digest of someone who has never had one covers at most the day (or week) before.
FIRST_DIGEST_LOOKBACK = timedelta(days=1)
FIRST_WEEKLY_LOOKBACK = timedelta(days=7)

#: What a reply to each answerable kind does, and the line that tells the reader so.
ANSWERABLE: dict[Kind, tuple[mailtokens.ReplyKind, str]] = {
    Kind.STANDUP_PROMPT: (mailtokens.ReplyKind.STANDUP, "Reply to this email to answer your stand-up."),
    Kind.STANDUP_REMINDER: (mailtokens.ReplyKind.STANDUP, "Reply to this email to answer your stand-up."),
    Kind.ASKED_DIRECTLY: (
        mailtokens.ReplyKind.CAN_YOU_HELP,
        "Can you help? Reply to this email: your reply is sent as your offer of help.",
    ),
    Kind.ROUTE_REQUESTED: (
        mailtokens.ReplyKind.CAN_YOU_HELP,
        "Can you help? Reply to this email: your reply is sent as your offer of help.",
    ),
}

Headers = list[tuple[str, str]]


def secret_of(settings: Settings) -> bytes | None:
    """The key mail tokens are signed with; None when the server has none (mails then carry no tokens)."""
    return settings.secret_key.get_secret_value().encode() if settings.secret_key else None


def unsubscribe_url(settings: Settings, *, base_url: str, org_id: int, person_id: int) -> str | None:
    secret = secret_of(settings)
    if secret is None:
        return None
    return f"{base_url}/unsubscribe/{mailtokens.sign_unsubscribe(secret, org_id=org_id, person_id=person_id)}"


def list_headers(
    settings: Settings, *, base_url: str, org_id: int, person_id: int
) -> tuple[Headers, str | None]:
    """``List-Unsubscribe`` (RFC 2369) with RFC 8058's one-click POST when links can be signed; without a
    secret, the settings page (no one-click). Returns the headers and the one-click URL, if any."""
    url = unsubscribe_url(settings, base_url=base_url, org_id=org_id, person_id=person_id)
    if url is None:
        return [("List-Unsubscribe", f"<{base_url}/settings/notifications>")], None
    return [
        ("List-Unsubscribe", f"<{url}>"),
        ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
    ], url


def reply_header(
    settings: Settings, note: Notification, person: Person, *, now: datetime
) -> tuple[Headers, str | None]:
    """A signed ``Reply-To`` for an answerable notification, and the line telling the reader; none else."""
    secret = secret_of(settings)
    try:
        answerable = ANSWERABLE.get(Kind(note.kind))
    except ValueError:  # a kind this version no longer knows
        answerable = None
    if secret is None or not settings.reply_address or answerable is None:
        return [], None
    kind, line = answerable
    if kind is mailtokens.ReplyKind.STANDUP:
        target = note.created_at.astimezone(zone(person.timezone)).date().toordinal()
    elif note.ask_id is not None:
        target = note.ask_id
    else:
        return [], None
    token = mailtokens.ReplyToken(
        kind=kind,
        org_id=person.org_id,
        person_id=person.id,
        target_id=target,
        expires_at=now + mailtokens.REPLY_VALID_FOR,
    )
    address = mailtokens.reply_address(settings.reply_address, mailtokens.sign_reply(secret, token))
    return [("Reply-To", address)], line


def _standup_questions(db: Session, actor: Actor, *, now: datetime) -> str:
    """Today's questions, numbered as a reply answers them (``notifications.replies``)."""
    try:
        questions = standups.today(db, actor=actor, now=now).questions
    except AskwellError:  # no stand-up any more (left the team since): the line alone
        return ""
    lines = [f"{i}. {q.text}" for i, q in enumerate(questions, start=1)]
    return "Number your answers as the questions are; a reply without numbers answers the first.\n\n" + (
        "\n".join(lines) + "\n"
    )


def _settings(ctx: JobContext) -> Settings:
    return ctx.settings if ctx.settings is not None else get_settings()


#: Turns where an item leads into a path on this site (``askwell.http.links.path_for``, given by the
#: composition root: page addresses belong to the web layer, not to this domain).
PathFor = Callable[[Target], str]


def _email_notification(db: Session, payload: dict[str, Any], ctx: JobContext, *, path_for: PathFor) -> None:
    # Without SMTP the inbox is the channel; logging every notification would only add noise.
    if not ctx.edges.email.delivers:
        return
    base = ctx.edges.base_url
    if "body" in payload:  # a digest, composed when it was queued
        headers = tuple((str(p[0]), str(p[1])) for p in payload.get("headers", []) if len(p) == 2)
        ctx.edges.email.send(
            Email(
                to=str(payload["to"]),
                subject=str(payload["subject"]),
                body=str(payload["body"]),
                headers=headers,
            )
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
    actor = people_repo.actor_for(db, person)
    [item] = inbox.render(db, actor=actor, rows=[note])
    if item.hidden:
        return  # the ask stopped being shared with them before the email went: say nothing about it
    settings = _settings(ctx)
    unsubscribe_headers, unsubscribe = list_headers(
        settings, base_url=base, org_id=person.org_id, person_id=person.id
    )
    reply, reply_line = reply_header(settings, note, person, now=ctx.clock.now())
    body = f"{item.text}\n\nOpen it in Askwell: {base}{path_for(item.target)}\n"
    if reply_line:
        body += f"\n{reply_line}\n"
        if note.kind in (Kind.STANDUP_PROMPT.value, Kind.STANDUP_REMINDER.value):
            body += _standup_questions(db, actor, now=ctx.clock.now())
    body += f"\nChoose what you hear about, and how: {base}/settings/notifications\n"
    if unsubscribe:
        body += f"Stop these emails with one click: {unsubscribe}\n"
    ctx.edges.email.send(
        Email(
            to=person.email,
            subject=f"Askwell: {item.text[:120]}",
            body=body,
            headers=tuple(reply + unsubscribe_headers),
        )
    )


def send_digests(
    db: Session, *, now: datetime, base_url: str, path_for: PathFor, settings: Settings | None = None
) -> int:
    """Queue the digest of everyone whose local digest hour (daily, or Monday's for a weekly digest) has
    come; returns how many were queued. Everything unread since the last one goes in one email."""
    settings = settings if settings is not None else get_settings()
    queued = 0
    for row, person in repository.digest_subscribers(db):
        tz = zone(person.timezone)
        weekly = row.digest_weekly
        if not digest.due(now=now, tz=tz, last_sent_at=row.last_digest_at, weekly=weekly):
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
                after=row.last_digest_at
                or now - (FIRST_WEEKLY_LOOKBACK if weekly else FIRST_DIGEST_LOOKBACK),
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
        headers, unsubscribe = list_headers(
            settings, base_url=base_url, org_id=person.org_id, person_id=person.id
        )
        subject, body = digest.compose(
            name=person.name,
            items=items,
            tz=tz,
            base_url=base_url,
            weekly=weekly,
            unsubscribe_url=unsubscribe,
        )
        local_day = now.astimezone(tz).date().isoformat()
        if enqueue(
            db,
            "notifications.email",
            {
                "to": person.email,
                "subject": subject,
                "body": body,
                "headers": [list(h) for h in headers],
            },
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
            send_digests(
                db,
                now=ctx.clock.now(),
                base_url=ctx.edges.base_url,
                path_for=path_for,
                settings=_settings(ctx),
            )

    registry.add("notifications.email", email)
    registry.add("notifications.digest", digest_job)
    registry.schedule("notifications.digest", timedelta(minutes=15))
