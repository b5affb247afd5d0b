"""``accounts.purge``: hourly, forget expired sessions and credentials past their retention."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from askwell.accounts.retention import purge_expired
from askwell.core import job_upkeep
from askwell.core.job_upkeep import PURGE_EVERY, queue_follow_up, settings_of
from askwell.core.jobs import JobContext, JobRegistry

PURGE = "accounts.purge"


def _purge(db: Session, payload: dict[str, Any], ctx: JobContext) -> None:
    settings = settings_of(ctx)
    now = ctx.clock.now()
    purged = purge_expired(
        db,
        now=now,
        retention=timedelta(days=settings.retention_days),
        login_window=timedelta(minutes=settings.login_window_minutes),
        limit=job_upkeep.PURGE_BATCH,
    )
    if purged.most >= job_upkeep.PURGE_BATCH:
        queue_follow_up(db, PURGE, payload, now=now)


def register(registry: JobRegistry) -> None:
    registry.add(PURGE, _purge)
    registry.schedule(PURGE, PURGE_EVERY)
