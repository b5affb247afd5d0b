"""Outgoing webhooks: admins manage their organization's endpoints; events become signed deliveries.

A domain event (an ask opened, an offer made, ...) reaches ``enqueue_event`` inside the transaction
that emitted it (``subscribers``): one ``WebhookDelivery`` row and one ``webhooks.deliver`` job per
subscribed endpoint, so a rolled-back change sends nothing and nothing leaves before the commit.

A delivery is attempted by the job (``attempt``), which posts outside any write transaction and then
records the attempt (the delivery log). A failure schedules the next attempt as a new job after the
back-off (``rules.retry_wait``): the failed attempt must be recorded, and the job system's own retry
rolls the handler's writes back, so it is kept for what it is for (a crash, a lost database). A
delivery that uses all ``webhook_max_attempts`` switches its endpoint off and tells the admins
(``WebhookEndpointDisabled``). A "send test" message is tried once: its result is what the admin
wanted to see.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from askwell.core import events as ev
from askwell.core.clock import Now
from askwell.core.config import Settings
from askwell.core.db import begin_read
from askwell.core.jobs import enqueue
from askwell.integrations import webhook_http
from askwell.people.errors import NotAllowed
from askwell.people.policy import Actor, can_administer
from askwell.webhooks import repository, rules
from askwell.webhooks.errors import EndpointNotFound, TargetNotAllowed, UnknownEventType
from askwell.webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from askwell.webhooks.schemas import AttemptRead, DeliveryRead, EndpointCreate, EndpointUpdate

log = logging.getLogger(__name__)

DELIVER = "webhooks.deliver"
MAX_ENDPOINTS = 20


def _admin(actor: Actor, action: str) -> None:
    if not can_administer(actor):
        raise NotAllowed(action)


def _checked_events(events: list[str]) -> list[str]:
    unknown = rules.unknown_types(events)
    if unknown:
        raise UnknownEventType(unknown[0])
    return list(dict.fromkeys(events))


def _checked_url(url: str, *, settings: Settings) -> str:
    try:
        webhook_http.checked_address(url, allow_private=settings.webhooks_allow_private_targets)
    except webhook_http.TargetRefused as exc:
        raise TargetNotAllowed(str(exc)) from None
    return url.strip()


def list_endpoints(db: Session, *, actor: Actor) -> list[WebhookEndpoint]:
    _admin(actor, "manage webhooks")
    return repository.endpoints(db, org_id=actor.org_id)


def get_endpoint(db: Session, *, actor: Actor, endpoint_id: int) -> WebhookEndpoint:
    _admin(actor, "manage webhooks")
    found = repository.endpoint(db, org_id=actor.org_id, endpoint_id=endpoint_id)
    if found is None:
        raise EndpointNotFound()
    return found


def create_endpoint(
    db: Session, *, actor: Actor, data: EndpointCreate, settings: Settings, now: datetime
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its signing secret (returned here once, never readable again)."""
    _admin(actor, "manage webhooks")
    events = _checked_events(data.events)
    if len(repository.endpoints(db, org_id=actor.org_id)) >= MAX_ENDPOINTS:
        raise TargetNotAllowed(f"An organization can have at most {MAX_ENDPOINTS} webhook endpoints.")
    secret = webhook_http.new_secret()
    endpoint = WebhookEndpoint(
        org_id=actor.org_id,
        url=_checked_url(data.url, settings=settings),
        description=data.description,
        events=events,
        secret=secret,
        enabled=True,
        created_by_id=actor.person_id or None,
        created_at=now,
    )
    db.add(endpoint)
    db.flush()
    return endpoint, secret


def update_endpoint(
    db: Session, *, actor: Actor, endpoint_id: int, data: EndpointUpdate, now: datetime
) -> WebhookEndpoint:
    endpoint = get_endpoint(db, actor=actor, endpoint_id=endpoint_id)
    if data.events is not None:
        endpoint.events = _checked_events(data.events)
    if data.description is not None:
        endpoint.description = data.description
    if data.enabled is True and not endpoint.enabled:
        endpoint.enabled, endpoint.disabled_reason, endpoint.disabled_at = True, None, None
    elif data.enabled is False and endpoint.enabled:
        endpoint.enabled, endpoint.disabled_reason, endpoint.disabled_at = (
            False,
            "Switched off by an admin.",
            now,
        )
        repository.fail_pending(db, org_id=endpoint.org_id, endpoint_id=endpoint.id, reason_at=now)
    db.flush()
    return endpoint


def delete_endpoint(db: Session, *, actor: Actor, endpoint_id: int) -> None:
    endpoint = get_endpoint(db, actor=actor, endpoint_id=endpoint_id)
    db.delete(endpoint)
    db.flush()


def _new_delivery(
    db: Session, *, endpoint: WebhookEndpoint, type_: str, data: dict[str, object], now: datetime
) -> WebhookDelivery:
    delivery = WebhookDelivery(
        org_id=endpoint.org_id,
        endpoint_id=endpoint.id,
        msg_id=f"msg_{uuid.uuid4().hex}",
        event_type=type_,
        payload=rules.payload(type_=type_, org_id=endpoint.org_id, at=now, data=data),
        status=DeliveryStatus.PENDING.value,
        attempts=0,
        created_at=now,
        next_attempt_at=now,
    )
    db.add(delivery)
    db.flush()
    _schedule(db, delivery, attempt=1, at=now)
    return delivery


def _schedule(db: Session, delivery: WebhookDelivery, *, attempt: int, at: datetime) -> None:
    enqueue(
        db,
        DELIVER,
        {"delivery_id": delivery.id, "org_id": delivery.org_id, "attempt": attempt},
        now=at,
        run_at=at,
        org_id=delivery.org_id,
        dedupe_key=f"webhook:{delivery.id}:{attempt}",
    )


def enqueue_event(db: Session, event: ev.Event) -> int:
    """In the emitting transaction: one delivery per enabled endpoint subscribed to this event."""
    type_ = rules.event_type(event)
    if type_ is None:
        return 0
    targets = repository.subscribed(db, org_id=event.org_id, event_type=type_)
    for endpoint in targets:
        _new_delivery(db, endpoint=endpoint, type_=type_, data=rules.event_data(event), now=event.at)
    return len(targets)


def send_test(db: Session, *, actor: Actor, endpoint_id: int, now: datetime) -> WebhookDelivery:
    """Queue a ``webhook.test`` message to the endpoint (tried once, even when it is switched off)."""
    endpoint = get_endpoint(db, actor=actor, endpoint_id=endpoint_id)
    return _new_delivery(
        db, endpoint=endpoint, type_=rules.TEST_EVENT, data={"endpoint_id": endpoint.id}, now=now
    )


def delivery_log(db: Session, *, actor: Actor, endpoint_id: int, limit: int = 50) -> list[DeliveryRead]:
    endpoint = get_endpoint(db, actor=actor, endpoint_id=endpoint_id)
    rows = repository.deliveries(db, org_id=actor.org_id, endpoint_id=endpoint.id, limit=limit)
    attempts = repository.attempts_of(db, org_id=actor.org_id, delivery_ids=[d.id for d in rows])
    return [
        DeliveryRead.model_validate(d).model_copy(
            update={"log": [AttemptRead.model_validate(a) for a in attempts[d.id]]}
        )
        for d in rows
    ]


# --- the delivery job ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Message:
    """What the post needs, read before it (plain values: the read transaction has ended)."""

    url: str
    secret: str
    msg_id: str
    body: str
    attempt: int


def _message(db: Session, *, org_id: int, delivery_id: int, attempt: int) -> _Message | None:
    delivery = repository.delivery(db, org_id=org_id, delivery_id=delivery_id)
    if delivery is None or delivery.status != DeliveryStatus.PENDING.value or delivery.attempts >= attempt:
        return None  # done meanwhile, or this attempt was already made (a job run twice)
    endpoint = repository.endpoint(db, org_id=org_id, endpoint_id=delivery.endpoint_id)
    if endpoint is None:
        return None
    if not endpoint.enabled and delivery.event_type != rules.TEST_EVENT:
        return None
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True)
    return _Message(endpoint.url, endpoint.secret, delivery.msg_id, body, attempt)


def attempt(
    db: Session, *, org_id: int, delivery_id: int, attempt: int, settings: Settings, now_fn: Now
) -> webhook_http.Sent | None:
    """One attempt at a delivery, as the job runs it: read, post (no transaction open), record.

    Returns what the post came to (None: nothing to do). The caller commits the recording.
    """
    begin_read(db)
    message = _message(db, org_id=org_id, delivery_id=delivery_id, attempt=attempt)
    if message is None:
        _give_up_if_disabled(db, org_id=org_id, delivery_id=delivery_id, now=now_fn())
        return None
    db.commit()  # end the read: the post must not hold SQLite's (or any) transaction open
    at = now_fn()
    sent = webhook_http.post(
        message.url,
        secret=message.secret,
        msg_id=message.msg_id,
        at=at,
        body=message.body,
        timeout=settings.webhook_timeout_seconds,
        allow_private=settings.webhooks_allow_private_targets,
    )
    _record(db, org_id=org_id, delivery_id=delivery_id, attempt=attempt, sent=sent, at=at, settings=settings)
    return sent


def _give_up_if_disabled(db: Session, *, org_id: int, delivery_id: int, now: datetime) -> None:
    delivery = repository.delivery(db, org_id=org_id, delivery_id=delivery_id)
    if delivery is not None and delivery.status == DeliveryStatus.PENDING.value:
        endpoint = repository.endpoint(db, org_id=org_id, endpoint_id=delivery.endpoint_id)
        if endpoint is None or not endpoint.enabled:
            delivery.status, delivery.finished_at, delivery.next_attempt_at = (
                DeliveryStatus.FAILED.value,
                now,
                None,
            )
            db.flush()


def _record(
    db: Session,
    *,
    org_id: int,
    delivery_id: int,
    attempt: int,
    sent: webhook_http.Sent,
    at: datetime,
    settings: Settings,
) -> None:
    delivery = repository.delivery(db, org_id=org_id, delivery_id=delivery_id)
    if delivery is None or delivery.status != DeliveryStatus.PENDING.value or delivery.attempts >= attempt:
        return
    db.add(
        WebhookAttempt(
            org_id=org_id,
            delivery_id=delivery.id,
            attempt=attempt,
            at=at,
            ok=sent.ok,
            status_code=sent.status_code,
            duration_ms=sent.duration_ms,
            error=(sent.error or None) and (sent.error or "")[:300],
        )
    )
    delivery.attempts = attempt
    if sent.ok:
        delivery.status, delivery.finished_at, delivery.next_attempt_at = (
            DeliveryStatus.DELIVERED.value,
            at,
            None,
        )
    elif delivery.event_type == rules.TEST_EVENT or attempt >= settings.webhook_max_attempts:
        delivery.status, delivery.finished_at, delivery.next_attempt_at = (
            DeliveryStatus.FAILED.value,
            at,
            None,
        )
        if delivery.event_type != rules.TEST_EVENT:
            _disable(db, org_id=org_id, endpoint_id=delivery.endpoint_id, attempts=attempt, now=at)
    else:
        delivery.next_attempt_at = at + rules.retry_wait(attempt)
        _schedule(db, delivery, attempt=attempt + 1, at=delivery.next_attempt_at)
    log.info(
        "webhook delivery %s attempt %s: %s (%s ms)",
        delivery.msg_id,
        attempt,
        "ok" if sent.ok else sent.error,
        sent.duration_ms,
    )
    db.flush()


def _disable(db: Session, *, org_id: int, endpoint_id: int, attempts: int, now: datetime) -> None:
    endpoint = repository.endpoint(db, org_id=org_id, endpoint_id=endpoint_id)
    if endpoint is None or not endpoint.enabled:
        return
    endpoint.enabled = False
    endpoint.disabled_at = now
    endpoint.disabled_reason = (
        f"A delivery failed {attempts} times in a row; switched off on {now:%Y-%m-%d %H:%M} UTC."
    )
    repository.fail_pending(db, org_id=org_id, endpoint_id=endpoint_id, reason_at=now)
    db.flush()
    ev.emit(db, ev.WebhookEndpointDisabled(org_id=org_id, at=now, endpoint_id=endpoint_id))
