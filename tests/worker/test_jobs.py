"""Job guarantees on the suite's database (SQLite or PostgreSQL): once, retried, never lost."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from askwell import wiring
from askwell.core.clock import FrozenClock
from askwell.core.config import Settings
from askwell.core.edges import Edges
from askwell.core.jobs import (
    DONE,
    FAILED,
    QUEUED,
    RUNNING,
    Job,
    JobContext,
    JobRegistry,
    claim,
    enqueue,
    enqueue_due_schedules,
    run_claimed,
    run_pending,
)
from askwell.core.uow import unit_of_work
from askwell.worker.runner import Worker
from tests.conftest import NOW
from tests.worker.support import effect_counts, effects, registry_with_test_jobs, wait_until

if TYPE_CHECKING:
    from tests.conftest import TestDatabase

LEASE = timedelta(minutes=1)


def _job(db: Session, job_id: int) -> Job:
    db.expire_all()
    job = db.get(Job, job_id)
    assert job is not None
    return job


class Recorder:
    """A handler that remembers each payload key it ran; optionally fails or queues a follow-up job."""

    def __init__(self, *, error: str | None = None, follow_up: bool = False) -> None:
        self.keys: list[int] = []
        self.error = error
        self.follow_up = follow_up

    def __call__(self, db: Session, payload: dict[str, Any], ctx: JobContext) -> None:
        self.keys.append(payload["key"])
        if self.follow_up:
            enqueue(db, "test.follow_up", {"after": payload["key"]}, now=ctx.clock.now())
        if self.error:
            raise RuntimeError(self.error)


def _registry(handler: Recorder) -> JobRegistry:
    registry = JobRegistry()
    registry.add("test.job", handler)
    return registry


def _follow_ups(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(Job).where(Job.kind == "test.follow_up")) or 0


class TestRunPending:
    def test_runs_each_due_job_once(self, session_factory: sessionmaker[Session], clock: FrozenClock) -> None:
        handler = Recorder()
        with unit_of_work(session_factory) as db:
            for key in range(20):
                enqueue(db, "test.job", {"key": key}, now=clock.now())
        ctx = JobContext(edges=Edges(clock=clock))

        assert run_pending(session_factory, _registry(handler), ctx) == 20
        assert run_pending(session_factory, _registry(handler), ctx) == 0
        assert sorted(handler.keys) == list(range(20))

    def test_job_waits_for_its_run_at(
        self, session_factory: sessionmaker[Session], clock: FrozenClock
    ) -> None:
        handler = Recorder()
        with unit_of_work(session_factory) as db:
            enqueue(db, "test.job", {"key": 1}, now=clock.now(), run_at=clock.now() + timedelta(hours=1))
        ctx = JobContext(edges=Edges(clock=clock))

        assert run_pending(session_factory, _registry(handler), ctx) == 0
        clock.advance(timedelta(hours=1))
        assert run_pending(session_factory, _registry(handler), ctx) == 1

    def test_dedupe_key_queues_an_event_once(self, db: Session, clock: FrozenClock) -> None:
        first = enqueue(db, "test.job", {"key": 1}, now=clock.now(), dedupe_key="intro:7:reminder")
        second = enqueue(db, "test.job", {"key": 1}, now=clock.now(), dedupe_key="intro:7:reminder")

        assert first is not None
        assert second is None
        assert db.scalar(select(func.count()).select_from(Job).where(Job.kind == "test.job")) == 1


class TestFailures:
    def test_failure_is_retried_with_back_off_then_marked_failed(
        self, session_factory: sessionmaker[Session], db: Session, clock: FrozenClock
    ) -> None:
        handler = Recorder(error="smtp says no")
        with unit_of_work(session_factory) as s:
            job = enqueue(s, "test.job", {"key": 1}, now=clock.now(), max_attempts=3)
        assert job is not None
        ctx = JobContext(edges=Edges(clock=clock))

        assert run_pending(session_factory, _registry(handler), ctx) == 0
        first = _job(db, job.id)
        assert (first.status, first.attempts) == (QUEUED, 1)
        assert "smtp says no" in (first.last_error or "")
        assert first.run_at == NOW + timedelta(seconds=10)

        # Not before its back-off has passed; then the back-off doubles.
        assert run_pending(session_factory, _registry(handler), ctx) == 0
        assert len(handler.keys) == 1
        clock.advance(timedelta(seconds=10))
        run_pending(session_factory, _registry(handler), ctx)
        assert _job(db, job.id).run_at == clock.now() + timedelta(seconds=20)

        clock.advance(timedelta(seconds=20))
        run_pending(session_factory, _registry(handler), ctx)
        final = _job(db, job.id)
        assert (final.status, final.attempts, final.finished_at) == (FAILED, 3, clock.now())
        assert "smtp says no" in (final.last_error or "")

        clock.advance(timedelta(days=1))
        assert run_pending(session_factory, _registry(handler), ctx) == 0
        assert len(handler.keys) == 3

    def test_failed_attempt_leaves_no_partial_effects(
        self, session_factory: sessionmaker[Session], db: Session, clock: FrozenClock
    ) -> None:
        handler = Recorder(error="boom", follow_up=True)
        with unit_of_work(session_factory) as s:
            enqueue(s, "test.job", {"key": 1}, now=clock.now())

        run_pending(session_factory, _registry(handler), JobContext(edges=Edges(clock=clock)))

        assert handler.keys == [1]
        assert _follow_ups(db) == 0

    def test_unknown_kind_fails_with_the_reason_stored(
        self, session_factory: sessionmaker[Session], db: Session, clock: FrozenClock
    ) -> None:
        with unit_of_work(session_factory) as s:
            job = enqueue(s, "nobody.handles.this", {}, now=clock.now(), max_attempts=1)
        assert job is not None

        run_pending(session_factory, JobRegistry(), JobContext(edges=Edges(clock=clock)))

        stored = _job(db, job.id)
        assert stored.status == FAILED
        assert "no handler registered for job kind 'nobody.handles.this'" in (stored.last_error or "")


class TestLeases:
    def test_job_of_a_dead_worker_is_claimed_again_after_its_lease(
        self, session_factory: sessionmaker[Session], db: Session, clock: FrozenClock
    ) -> None:
        with unit_of_work(session_factory) as s:
            job = enqueue(s, "test.job", {"key": 1}, now=clock.now())
        assert job is not None

        assert claim(session_factory, worker_id="a", now=clock.now(), lease=LEASE) is not None
        # Worker "a" dies here. Nobody may take the job while a's lease runs...
        assert claim(session_factory, worker_id="b", now=clock.now() + LEASE / 2, lease=LEASE) is None
        # ... and anyone may once it has run out.
        clock.advance(LEASE + timedelta(seconds=1))
        again = claim(session_factory, worker_id="b", now=clock.now(), lease=LEASE)
        assert again is not None
        assert (again.id, again.attempts, again.locked_by) == (job.id, 2, "b")

    def test_worker_that_lost_its_lease_rolls_back_and_the_new_holder_completes(
        self, session_factory: sessionmaker[Session], db: Session, clock: FrozenClock
    ) -> None:
        handler = Recorder(follow_up=True)
        registry = _registry(handler)
        with unit_of_work(session_factory) as s:
            enqueue(s, "test.job", {"key": 1}, now=clock.now())
        slow = claim(session_factory, worker_id="slow", now=clock.now(), lease=LEASE)
        clock.advance(LEASE + timedelta(seconds=1))
        fast = claim(session_factory, worker_id="fast", now=clock.now(), lease=LEASE)
        assert slow is not None
        assert fast is not None

        assert (
            run_claimed(
                session_factory, slow, registry, JobContext(edges=Edges(clock=clock)), worker_id="slow"
            )
            is False
        )
        assert (
            run_claimed(
                session_factory, fast, registry, JobContext(edges=Edges(clock=clock)), worker_id="fast"
            )
            is True
        )

        assert handler.keys == [1, 1]  # both ran the handler...
        assert _follow_ups(db) == 1  # ... but only the lease holder's effects were kept
        done = _job(db, fast.id)
        assert (done.status, done.locked_by) == (DONE, "fast")

    def test_job_that_keeps_killing_its_worker_fails_after_max_attempts(
        self, session_factory: sessionmaker[Session], db: Session, clock: FrozenClock
    ) -> None:
        with unit_of_work(session_factory) as s:
            poison = enqueue(s, "test.job", {"key": 1}, now=clock.now(), max_attempts=2)
            enqueue(s, "test.job", {"key": 2}, now=clock.now() + timedelta(seconds=1))
        assert poison is not None

        for worker in ("a", "b"):  # each claims the poison job and dies with it
            got = claim(session_factory, worker_id=worker, now=clock.now(), lease=LEASE)
            assert got is not None
            assert got.id == poison.id
            clock.advance(LEASE + timedelta(seconds=1))

        nxt = claim(session_factory, worker_id="c", now=clock.now(), lease=LEASE)

        assert nxt is not None
        assert nxt.id != poison.id
        failed = _job(db, poison.id)
        assert failed.status == FAILED
        assert failed.locked_by is None
        assert "expired on attempt 2 of 2" in (failed.last_error or "")

    def test_claimed_job_is_marked_running_with_its_lease(
        self, session_factory: sessionmaker[Session], db: Session, clock: FrozenClock
    ) -> None:
        with unit_of_work(session_factory) as s:
            enqueue(s, "test.job", {"key": 1}, now=clock.now())

        got = claim(session_factory, worker_id="w", now=clock.now(), lease=LEASE)

        assert got is not None
        stored = _job(db, got.id)
        assert (stored.status, stored.locked_by, stored.locked_until) == (RUNNING, "w", NOW + LEASE)


class TestSchedules:
    def test_one_job_per_slot(self, session_factory: sessionmaker[Session], db: Session) -> None:
        registry = JobRegistry()
        registry.schedule("test.tick", timedelta(hours=1))

        assert enqueue_due_schedules(session_factory, registry, now=NOW) == 1
        assert enqueue_due_schedules(session_factory, registry, now=NOW + timedelta(minutes=10)) == 0
        assert enqueue_due_schedules(session_factory, registry, now=NOW + timedelta(hours=1)) == 1
        assert db.scalar(select(func.count()).select_from(Job).where(Job.kind == "test.tick")) == 2


class TestConcurrentWorkers:
    """Real concurrency: threads with their own connections on a committed database."""

    def test_parallel_workers_run_each_job_exactly_once(self, committed_db: TestDatabase) -> None:
        factory = wiring.session_factory(committed_db.engine, Edges())
        with unit_of_work(factory) as db:
            for key in range(200):
                enqueue(db, "test.record", {"key": key}, now=NOW)
        registry = registry_with_test_jobs()
        completed: list[int] = []
        barrier = threading.Barrier(3)

        def work(name: str) -> None:
            barrier.wait(timeout=10)
            completed.append(
                run_pending(
                    factory, registry, JobContext(edges=Edges(clock=FrozenClock(NOW))), worker_id=name
                )
            )

        threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)

        assert sum(completed) == 200
        assert effect_counts(committed_db.engine) == {key: 1 for key in range(200)}

    def test_a_job_running_past_its_lease_is_not_claimed_by_a_second_worker(
        self, committed_db: TestDatabase
    ) -> None:
        """Issue 16: a live worker keeps its lease while the handler runs (a heartbeat renews it).

        Time is a shared frozen clock the test moves past the one-second lease; the handler waits on
        an event the test sets, so nothing here depends on how fast the machine is.
        """
        factory = wiring.session_factory(committed_db.engine, Edges())
        clock = FrozenClock(NOW)
        started, release = threading.Event(), threading.Event()

        def long_job(db: Session, payload: dict[str, Any], ctx: JobContext) -> None:
            started.set()
            assert release.wait(timeout=60), "the test never released the job"
            db.execute(effects.insert().values(key=int(payload["key"]), pid=0))

        registry = JobRegistry()
        registry.add("test.long", long_job)
        with unit_of_work(factory) as db:
            job = enqueue(db, "test.long", {"key": 1}, now=clock.now())
            assert job is not None
            job_id = job.id
        settings = Settings(worker_poll_seconds=0.02, job_lease_seconds=1)
        first = Worker(factory, registry, settings=settings, edges=Edges(clock=clock), worker_id="first")
        second = Worker(factory, registry, settings=settings, edges=Edges(clock=clock), worker_id="second")
        results: list[int] = []
        thread = threading.Thread(target=lambda: results.append(first.run_once().completed))
        thread.start()
        try:
            assert started.wait(timeout=30)

            def lease_end() -> Any:
                with factory() as db:
                    return db.scalar(select(Job.locked_until).where(Job.id == job_id))

            for _ in range(3):  # well past the original lease, each time renewed by the first worker
                clock.advance(timedelta(seconds=2))
                wait_until(
                    lambda: lease_end() == clock.now() + timedelta(seconds=1),
                    timeout=30,
                    what="the running job's lease to be renewed",
                    details=lambda: f"locked_until={lease_end()} now={clock.now()}",
                )
                assert claim(factory, worker_id="second", now=clock.now(), lease=timedelta(seconds=1)) is None
                assert second.run_once().completed == 0
        finally:
            release.set()
            thread.join(timeout=60)

        assert results == [1]
        assert effect_counts(committed_db.engine) == {1: 1}
        with factory() as db:
            done = db.get(Job, job_id)
            assert done is not None
            assert (done.status, done.locked_by, done.attempts) == (DONE, "first", 1)

    def test_a_worker_whose_lease_was_taken_does_not_commit_its_effects(
        self, committed_db: TestDatabase
    ) -> None:
        """The heartbeat never steals a job back: once another claim holds it, renewal fails and the
        first run rolls back, however long it still runs."""
        factory = wiring.session_factory(committed_db.engine, Edges())
        clock = FrozenClock(NOW)
        started, release = threading.Event(), threading.Event()

        def long_job(db: Session, payload: dict[str, Any], ctx: JobContext) -> None:
            started.set()
            assert release.wait(timeout=60), "the test never released the job"
            db.execute(effects.insert().values(key=int(payload["key"]), pid=0))

        registry = JobRegistry()
        registry.add("test.long", long_job)
        with unit_of_work(factory) as db:
            enqueue(db, "test.long", {"key": 1}, now=clock.now())
        lease = timedelta(seconds=1)
        stale = claim(factory, worker_id="stale", now=clock.now(), lease=lease)
        assert stale is not None
        # The stale worker stalled before its handler began: its lease ran out and "fresh" took over.
        clock.advance(timedelta(seconds=2))
        fresh = claim(factory, worker_id="fresh", now=clock.now(), lease=timedelta(minutes=5))
        assert fresh is not None
        results: list[bool] = []
        ctx = JobContext(edges=Edges(clock=clock))
        thread = threading.Thread(
            target=lambda: results.append(
                run_claimed(factory, stale, registry, ctx, worker_id="stale", lease=lease)
            )
        )
        thread.start()
        try:
            assert started.wait(timeout=30)
        finally:
            release.set()
            thread.join(timeout=60)

        assert results == [False]
        assert effect_counts(committed_db.engine) == {}
        with factory() as db:
            held = db.get(Job, fresh.id)
            assert held is not None
            assert (held.status, held.locked_by, held.locked_until) == (
                RUNNING,
                "fresh",
                NOW + timedelta(seconds=2) + timedelta(minutes=5),
            )

    def test_racing_workers_queue_a_schedule_slot_once(self, committed_db: TestDatabase) -> None:
        factory = wiring.session_factory(committed_db.engine, Edges())
        registry = JobRegistry()
        registry.schedule("test.tick", timedelta(minutes=15))
        registry.schedule("test.tock", timedelta(hours=1))
        barrier = threading.Barrier(4)
        queued: list[int] = []

        def race() -> None:
            barrier.wait(timeout=10)
            for _ in range(5):
                queued.append(enqueue_due_schedules(factory, registry, now=NOW))

        threads = [threading.Thread(target=race) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)

        assert len(queued) == 20
        assert sum(queued) == 2
        with factory() as db:
            kinds = sorted(db.scalars(select(Job.kind)))
        assert kinds == ["test.tick", "test.tock"]


class TestDeferredJobs:
    def test_a_deferred_job_commits_its_effects_and_completes(
        self, session_factory: sessionmaker[Session], clock: FrozenClock
    ) -> None:
        handler = Recorder(follow_up=True)
        registry = JobRegistry()
        registry.add("test.job", handler, deferred=True)
        with unit_of_work(session_factory) as db:
            job = enqueue(db, "test.job", {"key": 7}, now=clock.now())
            assert job is not None
            job_id = job.id

        assert registry.is_deferred("test.job")
        assert run_pending(session_factory, registry, JobContext(edges=Edges(clock=clock))) == 1
        with session_factory() as db:
            assert _job(db, job_id).status == "done"
            assert _follow_ups(db) == 1
