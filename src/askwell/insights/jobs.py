"""The worker's insights job: ``insights.rollup`` adds new ledger entries to the daily rollups."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from askwell.core.jobs import JobContext, JobRegistry
from askwell.insights import service


def _rollup(db: Session, payload: dict[str, Any], ctx: JobContext) -> None:
    service.roll_up(db, now=ctx.clock.now())


def register(registry: JobRegistry) -> None:
    registry.add("insights.rollup", _rollup)
    registry.schedule("insights.rollup", timedelta(minutes=5))
