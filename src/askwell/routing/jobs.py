"""Routing's scheduled work: ``routing.escalate`` asks the team's leads about asks nobody claimed
within the team's working hours (each ask once, even with two workers: see ``repository.claim_escalation``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from askwell.core.jobs import JobContext, JobRegistry
from askwell.routing import service

#: Escalation times are in working hours, so a quarter-hour tick is precise enough.
EVERY = timedelta(minutes=15)


def _escalate(db: Session, payload: dict[str, Any], ctx: JobContext) -> None:
    service.escalate_due(db, now=ctx.clock.now())


def register(registry: JobRegistry) -> None:
    registry.add("routing.escalate", _escalate)
    registry.schedule("routing.escalate", EVERY)
