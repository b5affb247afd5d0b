"""The Slack jobs: ``slack.call`` (one Web API call, ``service.perform_call``), ``slack.match_people``
(queue a lookup per person not yet linked) and the hourly purge of expired install states.

``slack.call`` is deferred: it reads the token, ends the read, calls Slack, then records what Slack
said in a short write of its own, so a slow Slack never holds the database's write lock.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from askwell.core.job_upkeep import PURGE_EVERY, settings_of
from askwell.core.jobs import JobContext, JobRegistry
from askwell.slack import repository, service

PURGE = "slack.purge"


def _call(db: Session, payload: dict[str, Any], ctx: JobContext) -> None:
    service.perform_call(db, payload=payload, settings=settings_of(ctx), now_fn=ctx.clock.now)
    db.commit()


def _match(db: Session, payload: dict[str, Any], ctx: JobContext) -> None:
    service.match_people(db, org_id=int(payload["org_id"]), now=ctx.clock.now())


def _purge(db: Session, payload: dict[str, Any], ctx: JobContext) -> None:
    repository.purge_states(db, before=ctx.clock.now())


def register(registry: JobRegistry) -> None:
    registry.add(service.CALL, _call, deferred=True)
    registry.add(service.MATCH, _match)
    registry.add(PURGE, _purge)
    registry.schedule(PURGE, PURGE_EVERY)
