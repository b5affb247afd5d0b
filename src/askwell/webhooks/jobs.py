"""The webhook delivery job: one attempt at one delivery (``service.attempt``).

Deferred (``JobRegistry.add``): it reads, ends the read, posts (up to ``webhook_timeout_seconds``),
then records the attempt in a short write of its own, so a slow receiver never holds the database's
write lock. It is idempotent: an attempt already recorded is not made again.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from askwell.core.config import get_settings
from askwell.core.jobs import JobContext, JobRegistry
from askwell.webhooks import service


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


def register(registry: JobRegistry) -> None:
    registry.add(service.DELIVER, _deliver, deferred=True)
