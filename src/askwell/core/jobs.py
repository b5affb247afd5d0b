"""Durable jobs: the after-commit outbox and scheduled work, on SQLite and PostgreSQL alike.

A job row is inserted in the same transaction as the change that caused it, so a rolled-back
change never sends an email. Workers *claim* a job with a lease (``locked_until``), then run the
handler and mark the job done in one transaction that only succeeds while they still hold the
lease (a ``deferred`` handler, which computes at length, commits its own short steps first; see
``JobRegistry.add``). Consequences:

* a job is never run to completion twice: a second claimant can only appear after the lease ran
  out, and then the first worker's final conditional update matches no row and rolls back;
* a job that runs longer than its lease keeps it: while the handler runs, a heartbeat thread renews
  ``locked_until`` every third of the lease in a short transaction of its own (``_LeaseKeeper``), so
  a live worker's job is not taken over; only a dead (or stalled) worker's lease runs out;
* a worker killed mid-job loses nothing: its transaction dies with it and the job is claimed
  again once the lease expires;
* on PostgreSQL claims use ``FOR UPDATE SKIP LOCKED`` so many workers never block each other;
  SQLite serialises writers, which gives the same guarantee for one machine.

Effects outside the database (an SMTP send) are at-least-once: a worker killed after sending but
before committing sends again after the lease expires. See docs/decisions/0002-jobs-and-outbox.md.
"""

from __future__ import annotations

import logging
import math
import threading
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from askwell.core.clock import Clock
from askwell.core.config import Settings
from askwell.core.db import Base, UTCDateTime, begin_read, rows_affected
from askwell.core.edges import Edges

log = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_status_run_at", "status", "run_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(80))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Jobs that belong to an organization carry it, so an org's export/deletion can find them.
    org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True, default=None
    )
    status: Mapped[str] = mapped_column(String(16), default=QUEUED)
    run_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=5)
    locked_by: Mapped[str | None] = mapped_column(String(120), default=None)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    # A unique key makes enqueueing idempotent: the same scheduled slot or event is queued once.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True, default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


def enqueue(
    db: Session,
    kind: str,
    payload: dict[str, Any],
    *,
    now: datetime,
    org_id: int | None = None,
    run_at: datetime | None = None,
    dedupe_key: str | None = None,
    max_attempts: int = 5,
) -> Job | None:
    """Add a job to the caller's transaction; with ``dedupe_key`` a second enqueue is a no-op."""
    if dedupe_key is not None:
        existing = db.scalar(select(Job.id).where(Job.dedupe_key == dedupe_key))
        if existing is not None:
            return None
    job = Job(
        kind=kind,
        payload=payload,
        org_id=org_id,
        status=QUEUED,
        run_at=run_at or now,
        attempts=0,
        max_attempts=max_attempts,
        dedupe_key=dedupe_key,
        created_at=now,
    )
    if dedupe_key is None:
        db.add(job)
        db.flush()
        return job
    # Two workers may enqueue the same scheduled slot at once: the unique key decides.
    try:
        with db.begin_nested():
            db.add(job)
            db.flush()
    except IntegrityError:
        return None
    return job


@dataclass
class JobContext:
    """What a handler gets besides its session: the edges (mail, encoder, clock, ...) and the settings
    the worker runs with (None: read from the environment when a handler needs them)."""

    edges: Edges
    settings: Settings | None = None

    @property
    def clock(self) -> Clock:
        return self.edges.clock


Handler = Callable[[Session, dict[str, Any], JobContext], None]


@dataclass(frozen=True)
class Schedule:
    """A job kind enqueued every ``every`` (one per time slot, however many workers run)."""

    kind: str
    every: timedelta


class JobRegistry:
    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}
        self._deferred: set[str] = set()
        self.schedules: list[Schedule] = []

    def handler(self, kind: str) -> Callable[[Handler], Handler]:
        def register(fn: Handler) -> Handler:
            self.add(kind, fn)
            return fn

        return register

    def add(self, kind: str, fn: Handler, *, deferred: bool = False) -> None:
        """Register a handler. ``deferred``: it computes at length (embeddings), so its session begins
        without SQLite's write lock, and it commits its own work in short steps (``db.commit()``), each
        correct on its own, so that it never holds the lock while computing. The job is marked done in
        a last transaction of its own; a lost lease cannot undo steps already committed, so such a
        handler must be idempotent and safe beside another run of itself."""
        if kind in self._handlers:
            raise ValueError(f"a handler for {kind!r} is already registered")
        self._handlers[kind] = fn
        if deferred:
            self._deferred.add(kind)

    def is_deferred(self, kind: str) -> bool:
        return kind in self._deferred

    def schedule(self, kind: str, every: timedelta) -> None:
        self.schedules.append(Schedule(kind, every))

    def merge(self, other: JobRegistry) -> None:
        for kind, fn in other._handlers.items():
            self.add(kind, fn, deferred=other.is_deferred(kind))
        self.schedules.extend(other.schedules)

    def get(self, kind: str) -> Handler | None:
        return self._handlers.get(kind)

    @property
    def kinds(self) -> Iterable[str]:
        return self._handlers.keys()


def enqueue_due_schedules(factory: sessionmaker[Session], registry: JobRegistry, *, now: datetime) -> int:
    """Queue each schedule's current slot once; safe for any number of workers at once."""
    queued = 0
    for sched in registry.schedules:
        seconds = sched.every.total_seconds()
        slot = math.floor(now.timestamp() / seconds)
        with factory() as db, db.begin():
            if enqueue(db, sched.kind, {"slot": slot}, now=now, dedupe_key=f"schedule:{sched.kind}:{slot}"):
                queued += 1
    return queued


def claim(factory: sessionmaker[Session], *, worker_id: str, now: datetime, lease: timedelta) -> Job | None:
    """Lease the next runnable job (queued and due, or running with an expired lease)."""
    with factory() as db, db.begin():
        for _ in range(_CLAIM_SCAN):
            candidate = db.scalar(
                select(Job)
                .where(
                    or_(
                        (Job.status == QUEUED) & (Job.run_at <= now),
                        (Job.status == RUNNING) & (Job.locked_until < now),
                    )
                )
                .order_by(Job.run_at, Job.id)
                .limit(1)
                .with_for_update(skip_locked=True)
            )
            if candidate is None:
                return None
            if candidate.status == RUNNING and candidate.attempts >= candidate.max_attempts:
                # Every attempt ended with a dead worker (or overran its lease): a job that kills its
                # worker must not be retried forever, so it fails like any other exhausted job.
                _fail_abandoned(candidate, now=now)
                continue
            break
        else:
            return None
        candidate.status = RUNNING
        candidate.locked_by = worker_id
        candidate.locked_until = now + lease
        candidate.attempts += 1
        db.flush()
        db.expunge(candidate)
        return candidate


# Abandoned, exhausted jobs one claim may retire before giving up for this call.
_CLAIM_SCAN = 50


def _fail_abandoned(job: Job, *, now: datetime) -> None:
    job.last_error = (
        f"lease held by {job.locked_by} expired on attempt {job.attempts} of {job.max_attempts}: "
        "the worker died or the job ran past its lease"
    )
    job.status = FAILED
    job.locked_by = None
    job.locked_until = None
    job.finished_at = now


def run_claimed(
    factory: sessionmaker[Session],
    job: Job,
    registry: JobRegistry,
    ctx: JobContext,
    *,
    worker_id: str,
    lease: timedelta | None = None,
) -> bool:
    """Run one claimed job; True when it completed. Failures are retried with back-off.

    With ``lease`` (the length the job was claimed for), the lease is renewed while the handler runs,
    so a job that outlasts it is not claimed by another worker meanwhile.
    """
    handler = registry.get(job.kind)
    keeper = _LeaseKeeper(factory, job, worker_id=worker_id, lease=lease, clock=ctx.clock) if lease else None
    try:
        if keeper is not None:
            keeper.start()
        return _run_claimed(factory, job, handler, registry, ctx, worker_id=worker_id, keeper=keeper)
    finally:
        # Only after the job's own transaction has ended: on PostgreSQL a renewal waiting on the
        # row lock of the final update is released by that commit or rollback.
        if keeper is not None:
            keeper.stop()


def _run_claimed(
    factory: sessionmaker[Session],
    job: Job,
    handler: Handler | None,
    registry: JobRegistry,
    ctx: JobContext,
    *,
    worker_id: str,
    keeper: _LeaseKeeper | None,
) -> bool:
    try:
        if handler is None:
            raise LookupError(f"no handler registered for job kind {job.kind!r}")
        with factory() as db:
            if registry.is_deferred(job.kind):
                # Its reads take no write lock (see core.db); it commits its write steps itself.
                begin_read(db)
            handler(db, dict(job.payload or {}), ctx)
            if keeper is not None and keeper.lost.is_set():
                raise _LeaseLost()
            done = db.execute(
                update(Job)
                .where(_held_by(job, worker_id))
                .values(status=DONE, finished_at=ctx.clock.now(), locked_until=None, last_error=None)
                .execution_options(synchronize_session=False)
            )
            if rows_affected(done) != 1:
                # The lease expired and another worker took the job over: undo our effects.
                raise _LeaseLost()
            db.commit()
        return True
    except _LeaseLost:
        log.warning("job %s (%s): lease lost, rolled back", job.id, job.kind)
        return False
    except Exception as exc:
        error = traceback.format_exc(limit=20)
        log.exception("job %s (%s) failed (attempt %s)", job.id, job.kind, job.attempts)
        now = ctx.clock.now()
        final = isinstance(exc, PermanentJobError) or job.attempts >= job.max_attempts
        with factory() as db, db.begin():
            db.execute(
                update(Job)
                .where(Job.id == job.id, Job.locked_by == worker_id)
                .values(
                    status=FAILED if final else QUEUED,
                    run_at=now + timedelta(seconds=min(3600, 10 * 2 ** (job.attempts - 1))),
                    locked_by=None,
                    locked_until=None,
                    last_error=error[-4000:],
                    finished_at=now if final else None,
                )
                .execution_options(synchronize_session=False)
            )
        return False


class _LeaseLost(Exception):
    pass


class PermanentJobError(Exception):
    """Raised by a handler when retrying cannot help (a mail relay's 5xx, say): the job fails at once
    instead of after ``max_attempts`` tries, with this message kept as its error."""


def _held_by(job: Job, worker_id: str) -> Any:
    """The job row as this claim left it: same holder, same attempt, still running.

    The attempt number fences off an older claim by the same worker id (``run_pending``'s "inline").
    """
    return (
        (Job.id == job.id)
        & (Job.locked_by == worker_id)
        & (Job.attempts == job.attempts)
        & (Job.status == RUNNING)
    )


class _LeaseKeeper:
    """Renews a claimed job's lease while its handler runs (a heartbeat on its own connection).

    Every ``lease / 3`` it sets ``locked_until = now + lease`` in a short transaction of its own,
    conditional on the job still being held by this claim. When that matches no row, the job was
    taken over (our lease had run out, say after a long pause of the process): ``lost`` is set and
    renewing stops; the job's final conditional update then fails as well, so its effects roll back.
    A renewal that fails for another reason (SQLite's write lock held by the handler itself, a
    dropped connection) is retried at the next beat: the lease still has two thirds to run.
    """

    def __init__(
        self,
        factory: sessionmaker[Session],
        job: Job,
        *,
        worker_id: str,
        lease: timedelta,
        clock: Clock,
    ) -> None:
        self._factory = factory
        self._job = job
        self._worker_id = worker_id
        self._lease = lease
        self._clock = clock
        self._interval = max(lease.total_seconds() / 3, 0.01)
        self._finished = threading.Event()
        self.lost = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"askwell-lease-{job.id}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._finished.set()
        # A renewal blocked on a lock ends with the busy timeout at worst; never hang the worker.
        self._thread.join(timeout=self._interval + 5)

    def _beat(self) -> None:
        while not self._finished.wait(self._interval):
            try:
                renewed = self.renew()
            except Exception:
                log.warning("job %s: lease renewal failed; retrying", self._job.id, exc_info=True)
                continue
            if not renewed:
                log.warning("job %s: lease lost to another worker", self._job.id)
                self.lost.set()
                return

    def renew(self) -> bool:
        """Extend the lease; False when this claim no longer holds the job."""
        with self._factory() as db, db.begin():
            result = db.execute(
                update(Job)
                .where(_held_by(self._job, self._worker_id))
                .values(locked_until=self._clock.now() + self._lease)
                .execution_options(synchronize_session=False)
            )
            return rows_affected(result) == 1


def run_pending(
    factory: sessionmaker[Session],
    registry: JobRegistry,
    ctx: JobContext,
    *,
    worker_id: str = "inline",
    lease: timedelta = timedelta(minutes=5),
    limit: int = 1000,
) -> int:
    """Run due jobs until none is left (bounded by ``limit``); returns how many completed."""
    completed = 0
    for _ in range(limit):
        job = claim(factory, worker_id=worker_id, now=ctx.clock.now(), lease=lease)
        if job is None:
            break
        completed += run_claimed(factory, job, registry, ctx, worker_id=worker_id, lease=lease)
    return completed


class Cursor(Base):
    """How far a consumer has read an append-only stream (e.g. the ledger), so a job resumes there.

    Jobs advance a cursor in the same transaction as the work it stands for: crashed work is redone,
    finished work is never redone.
    """

    __tablename__ = "cursors"

    name: Mapped[str] = mapped_column(String(120), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


def drop_queued(db: Session, *, org_id: int, kind: str) -> None:
    """Forget an organization's queued jobs of one kind (the demo's history must not be emailed)."""
    db.execute(delete(Job).where(Job.org_id == org_id, Job.kind == kind))


def read_cursor(db: Session, name: str) -> int:
    cursor = db.get(Cursor, name, with_for_update=True)
    return cursor.position if cursor is not None else 0


def advance_cursor(db: Session, name: str, position: int, *, now: datetime) -> None:
    cursor = db.get(Cursor, name)
    if cursor is None:
        db.add(Cursor(name=name, position=position, updated_at=now))
    else:
        cursor.position = max(cursor.position, position)
        cursor.updated_at = now
    db.flush()
