"""Stand-up automation, run by the worker. Each job is idempotent and safe beside another worker.

* ``standups.tick`` (every minute): sends the prompts that are due, found through the index on
  ``standup_schedules.next_at``; the unique prompt per person and local day makes it exactly once.
  After a missed tick (the worker was down) prompts whose window is still open go out late; older
  ones are skipped. Then the private reminders that are due, and the digests of windows that closed.
* ``standups.sync`` (every 15 minutes): schedules people who joined a stand-up team since.
* ``standups.practice`` (every 15 minutes): the 30–45-day practices' weekly reminders (one per
  practice week, to each member, naming nobody), the mid-point retro invitations and the end of each
  practice; each is claimed by a conditional update, so it happens once beside another worker.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from askwell.core.jobs import JobContext, JobRegistry
from askwell.standups import service


def tick(db: Session, payload: dict[str, Any], ctx: JobContext) -> None:
    now = ctx.clock.now()
    service.tick(db, now=now)
    service.remind(db, now=now)
    service.send_digests(db, now=now)


def sync(db: Session, payload: dict[str, Any], ctx: JobContext) -> None:
    service.sync(db, now=ctx.clock.now())


def practice(db: Session, payload: dict[str, Any], ctx: JobContext) -> None:
    service.practice_tick(db, now=ctx.clock.now())


def register(registry: JobRegistry) -> None:
    registry.add("standups.tick", tick)
    registry.add("standups.sync", sync)
    registry.schedule("standups.tick", timedelta(minutes=1))
    registry.add("standups.practice", practice)
    registry.schedule("standups.sync", timedelta(minutes=15))
    registry.schedule("standups.practice", timedelta(minutes=15))
