"""Every query of the webhooks domain, scoped to one organization.

Endpoints are an organization's (admins manage them: the policy check is the service's); to anyone
in another organization they do not exist.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from askwell.core.db import rows_affected
from askwell.webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint

MAX_DELIVERIES = 100


def endpoints(db: Session, *, org_id: int) -> list[WebhookEndpoint]:
    return list(
        db.scalars(
            select(WebhookEndpoint).where(WebhookEndpoint.org_id == org_id).order_by(WebhookEndpoint.id)
        )
    )


def endpoint(db: Session, *, org_id: int, endpoint_id: int) -> WebhookEndpoint | None:
    return db.scalar(
        select(WebhookEndpoint).where(WebhookEndpoint.org_id == org_id, WebhookEndpoint.id == endpoint_id)
    )


def subscribed(db: Session, *, org_id: int, event_type: str) -> list[WebhookEndpoint]:
    """The organization's enabled endpoints that chose this event type (filtered here: JSON lists are
    not searchable alike on SQLite and PostgreSQL, and an organization has a handful of endpoints)."""
    rows = db.scalars(
        select(WebhookEndpoint).where(WebhookEndpoint.org_id == org_id, WebhookEndpoint.enabled.is_(True))
    )
    return [e for e in rows if event_type in (e.events or [])]


def delivery(db: Session, *, org_id: int, delivery_id: int) -> WebhookDelivery | None:
    return db.scalar(
        select(WebhookDelivery).where(WebhookDelivery.org_id == org_id, WebhookDelivery.id == delivery_id)
    )


def deliveries(db: Session, *, org_id: int, endpoint_id: int, limit: int = 50) -> list[WebhookDelivery]:
    return list(
        db.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.org_id == org_id, WebhookDelivery.endpoint_id == endpoint_id)
            .order_by(WebhookDelivery.id.desc())
            .limit(max(1, min(limit, MAX_DELIVERIES)))
        )
    )


def attempts_of(db: Session, *, org_id: int, delivery_ids: Sequence[int]) -> dict[int, list[WebhookAttempt]]:
    found: dict[int, list[WebhookAttempt]] = {i: [] for i in delivery_ids}
    if not delivery_ids:
        return found
    for row in db.scalars(
        select(WebhookAttempt)
        .where(WebhookAttempt.org_id == org_id, WebhookAttempt.delivery_id.in_(list(delivery_ids)))
        .order_by(WebhookAttempt.delivery_id, WebhookAttempt.attempt)
    ):
        found[row.delivery_id].append(row)
    return found


def fail_pending(db: Session, *, org_id: int, endpoint_id: int, reason_at: object) -> int:
    """Give up every delivery still waiting for an endpoint that was just switched off."""
    result = db.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.org_id == org_id,
            WebhookDelivery.endpoint_id == endpoint_id,
            WebhookDelivery.status == DeliveryStatus.PENDING.value,
        )
        .values(status=DeliveryStatus.FAILED.value, next_attempt_at=None, finished_at=reason_at)
        .execution_options(synchronize_session=False)
    )
    return rows_affected(result)


def reseal_secrets(db: Session) -> int:
    """Write every endpoint's secret again (all organizations: an operator's key rotation). The column
    type encrypts under the first configured key, so old keys can then be dropped."""
    rows = list(db.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)))
    for row in rows:
        flag_modified(row, "secret")
    db.flush()
    return len(rows)
