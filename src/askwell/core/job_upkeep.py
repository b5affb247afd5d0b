"""Upkeep of the jobs table: what the queue holds now (for metrics), and purging finished rows.

Retention work is bounded: each run of a purge job deletes at most ``PURGE_BATCH`` rows per table in
its one transaction, and queues a follow-up run while rows remain. On SQLite, where a writer holds
the database's only write lock, a purge of a large backlog is thus many short transactions with
other writers' requests in between, never one long one. Purges are idempotent: a run repeated after
a crash, or by two workers at once, deletes what is left and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, delete, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from askwell.core.config import Settings, get_settings
from askwell.core.jobs import DONE, FAILED, QUEUED, RUNNING, Job, JobContext, JobRegistry, enqueue

JOBS_PURGE = "jobs.purge"
PURGE_EVERY = timedelta(hours=1)
# Rows one purge run deletes per table: a few milliseconds of write lock on SQLite.
PURGE_BATCH = 500
SCHEDULE_KEY_PREFIX = "schedule:"


@dataclass(frozen=True)
class QueueStats:
    due: int
    oldest_due_age_seconds: float
    running: int


def queue_stats(db: Session, *, now: datetime) -> QueueStats:
    """Due queued jobs, how long the oldest has waited past its run time, and jobs under lease."""
    due, oldest = db.execute(
        select(func.count(), func.min(Job.run_at)).where(Job.status == QUEUED, Job.run_at <= now)
    ).one()
    running = db.scalar(select(func.count()).where(Job.status == RUNNING)) or 0
    age = max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0
    return QueueStats(due=int(due or 0), oldest_due_age_seconds=age, running=int(running))


def delete_batch(
    db: Session, id_column: InstrumentedAttribute[int], condition: ColumnElement[bool], *, limit: int
) -> int:
    """Delete at most ``limit`` rows matching ``condition`` (oldest ids first); returns how many."""
    ids = list(db.scalars(select(id_column).where(condition).order_by(id_column).limit(limit)))
    if not ids:
        return 0
    db.execute(
        delete(id_column.class_).where(id_column.in_(ids)).execution_options(synchronize_session=False)
    )
    return len(ids)


def purge_finished_jobs(
    db: Session, *, now: datetime, keep: timedelta, keep_schedule_slots: timedelta, limit: int = PURGE_BATCH
) -> int:
    """Delete done and failed jobs finished more than ``keep`` ago; returns how many (at most ``limit``).

    A scheduled job's row is what stops its time slot from being queued twice, so it is kept until
    its slot is surely over (``keep_schedule_slots``: at least the longest schedule period).
    """
    cutoff = now - keep
    schedule_cutoff = now - max(keep, keep_schedule_slots)
    condition = (
        Job.status.in_((DONE, FAILED))
        & (Job.finished_at < cutoff)
        & or_(
            Job.dedupe_key.is_(None),
            ~Job.dedupe_key.startswith(SCHEDULE_KEY_PREFIX, autoescape=True),
            Job.finished_at < schedule_cutoff,
        )
    )
    return delete_batch(db, Job.id, condition, limit=limit)


def settings_of(ctx: JobContext) -> Settings:
    """The settings the worker runs with, else the environment's."""
    return ctx.settings if ctx.settings is not None else get_settings()


def queue_follow_up(db: Session, kind: str, payload: dict[str, Any], *, now: datetime) -> None:
    """Queue the next bounded run of a purge that left rows behind (once per scheduled run and round)."""
    round_ = int(payload.get("round", 0)) + 1
    slot = payload.get("slot")
    enqueue(
        db,
        kind,
        {"slot": slot, "round": round_},
        now=now,
        dedupe_key=f"{kind}:{slot}:{round_}" if slot is not None else None,
    )


def register(registry: JobRegistry) -> None:
    """Register ``jobs.purge`` and its schedule."""

    def purge(db: Session, payload: dict[str, Any], ctx: JobContext) -> None:
        # Read when the job runs, not when it is registered: every domain's schedules are known by then.
        longest = max((s.every for s in registry.schedules), default=PURGE_EVERY)
        now = ctx.clock.now()
        deleted = purge_finished_jobs(
            db,
            now=now,
            keep=timedelta(days=settings_of(ctx).retention_days),
            keep_schedule_slots=2 * longest,
            limit=PURGE_BATCH,
        )
        if deleted >= PURGE_BATCH:
            queue_follow_up(db, JOBS_PURGE, payload, now=now)

    registry.add(JOBS_PURGE, purge)
    registry.schedule(JOBS_PURGE, PURGE_EVERY)
