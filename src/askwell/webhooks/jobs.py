"""The webhook jobs: one attempt at one delivery (``service.attempt``), and the delivery log's purge.

Deferred (``JobRegistry.add``): it reads, ends the read, posts (up to ``webhook_timeout_seconds``),
then records the attempt in a short write of its own, so a slow receiver never holds the database's
write lock. It is idempotent: an attempt already recorded is not made again.

``webhooks.purge`` (hourly) forgets finished deliveries (and their attempts, by the foreign key's
cascade) once they are older than ``retention_days``, like the job queue's own finished jobs.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from askwell.core import job_upkeep
from askwell.core.config import get_settings
from askwell.core.job_upkeep import PURGE_EVERY, queue_follow_up, settings_of
from askwell.core.jobs import JobContext, JobRegistry
from askwell.webhooks import service
from askwell.webhooks.models import WebhookDelivery

PURGE = "webhooks.purge"


def _deliver(db: Session, payload: dict[str, Any], ctx: JobContext) -> None:
    settings = ctx.settings or get_settings()
    service.attempt(
        db,
        org_id=int(payload["org_id"]),
        delivery_id=int(payload["delivery_id"]),
        attempt=int(payload.get("attempt", 1)),
        settings=settings,
        now_fn=ctx.clock.now,
    )
    db.commit()


def _purge(db: Session, payload: dict[str, Any], ctx: JobContext) -> None:
    now = ctx.clock.now()
    cutoff = now - timedelta(days=settings_of(ctx).retention_days)
    deleted = job_upkeep.delete_batch(
        db, WebhookDelivery.id, WebhookDelivery.finished_at < cutoff, limit=job_upkeep.PURGE_BATCH
    )
    if deleted >= job_upkeep.PURGE_BATCH:
        queue_follow_up(db, PURGE, payload, now=now)


def register(registry: JobRegistry) -> None:
    registry.add(service.DELIVER, _deliver, deferred=True)
    registry.add(PURGE, _purge)
    registry.schedule(PURGE, PURGE_EVERY)
