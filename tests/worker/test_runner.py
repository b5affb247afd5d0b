"""The worker loop: schedules and jobs in one pass, a clean stop, its own id, its edges."""

from __future__ import annotations

import os
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from askwell import wiring
from askwell.core.clock import FrozenClock
from askwell.core.config import Settings
from askwell.core.edges import Edges
from askwell.core.jobs import DONE, Job, JobContext, JobRegistry, enqueue
from askwell.core.migrations import upgrade
from askwell.core.uow import unit_of_work
from askwell.integrations.email import LogEmailSender, SmtpEmailSender
from askwell.worker.runner import Worker
from tests.conftest import NOW, create_test_database
from tests.worker.conftest import terminate
from tests.worker.support import effect_counts, effects_metadata, registry_with_test_jobs, wait_until

if TYPE_CHECKING:
    from tests.conftest import TestDatabase
    from tests.worker.conftest import WorkerProcesses

FAST = Settings(worker_poll_seconds=0.02, job_lease_seconds=60)


class TestRunOnce:
    def test_queues_due_schedules_and_runs_them_with_the_queued_jobs(
        self, session_factory: sessionmaker[Session], db: Session, clock: FrozenClock
    ) -> None:
        ran: list[str] = []
        registry = JobRegistry()
        registry.add("test.tick", lambda _db, _p, _ctx: ran.append("tick"))
        registry.add("test.job", lambda _db, payload, _ctx: ran.append(payload["name"]))
        registry.schedule("test.tick", timedelta(hours=1))
        with unit_of_work(session_factory) as s:
            enqueue(s, "test.job", {"name": "welcome"}, now=clock.now())
        worker = Worker(session_factory, registry, settings=FAST, edges=Edges(clock=clock))

        first = worker.run_once()
        second = worker.run_once()

        assert (first.scheduled, first.completed, first.failed) == (1, 2, 0)
        assert (second.scheduled, second.completed) == (0, 0)
        assert sorted(ran) == ["tick", "welcome"]

    def test_counts_a_failing_job_and_goes_on(
        self, session_factory: sessionmaker[Session], clock: FrozenClock
    ) -> None:
        def broken(_db: Session, _payload: dict[str, Any], _ctx: JobContext) -> None:
            raise ValueError("bad payload")

        registry = JobRegistry()
        registry.add("test.broken", broken)
        registry.add("test.fine", lambda _db, _p, _ctx: None)
        with unit_of_work(session_factory) as s:
            enqueue(s, "test.broken", {}, now=clock.now())
            enqueue(s, "test.fine", {}, now=clock.now())

        result = Worker(session_factory, registry, settings=FAST, edges=Edges(clock=clock)).run_once()

        assert (result.completed, result.failed) == (1, 1)

    def test_drain_keeps_going_past_one_pass_until_nothing_is_due(
        self, session_factory: sessionmaker[Session], clock: FrozenClock
    ) -> None:
        registry = JobRegistry()
        registry.add("test.fine", lambda _db, _p, _ctx: None)
        with unit_of_work(session_factory) as s:
            for _ in range(7):
                enqueue(s, "test.fine", {}, now=clock.now())
        worker = Worker(session_factory, registry, settings=FAST, edges=Edges(clock=clock), pass_limit=3)

        assert worker.run_once().completed == 3
        assert worker.drain().completed == 4


class TestIdentityAndEdges:
    def test_each_worker_has_its_own_id_naming_host_and_process(
        self, session_factory: sessionmaker[Session]
    ) -> None:
        a = Worker(session_factory, JobRegistry(), settings=FAST, edges=Edges())
        b = Worker(session_factory, JobRegistry(), settings=FAST, edges=Edges())

        assert a.id != b.id
        host, pid, suffix = a.id.split(":")
        assert host
        assert pid == str(os.getpid())
        assert suffix

    def test_email_goes_over_smtp_when_a_server_is_configured(
        self, session_factory: sessionmaker[Session]
    ) -> None:
        with_smtp = Worker(session_factory, JobRegistry(), settings=Settings(smtp_host="mail.example.com"))
        without = Worker(session_factory, JobRegistry(), settings=Settings(smtp_host=None))

        assert isinstance(with_smtp.ctx.edges.email, SmtpEmailSender)
        assert isinstance(without.ctx.edges.email, LogEmailSender)


class TestBackgroundThread:
    def test_runs_jobs_committed_after_it_started_and_stops_on_request(
        self, committed_db: TestDatabase
    ) -> None:
        factory = wiring.session_factory(committed_db.engine, Edges())
        worker = Worker(factory, registry_with_test_jobs(), settings=FAST, edges=Edges())
        thread = worker.run_in_thread()
        try:
            with unit_of_work(factory) as db:
                enqueue(db, "test.record", {"key": 1}, now=NOW)
            wait_until(
                lambda: effect_counts(committed_db.engine) == {1: 1}, timeout=10, what="the job to run"
            )
        finally:
            worker.stop()
            thread.join(timeout=10)
        assert not thread.is_alive()

    def test_keeps_polling_through_database_errors(self, tmp_path: Path) -> None:
        db = create_test_database(tmp_path, migrate=False)
        try:
            factory = wiring.session_factory(db.engine, Edges())
            worker = Worker(factory, registry_with_test_jobs(), settings=FAST, edges=Edges())
            thread = worker.run_in_thread()
            try:
                time.sleep(0.2)  # several passes fail: there is no jobs table yet
                assert thread.is_alive()
                upgrade(db.engine)
                effects_metadata.create_all(db.engine)
                with unit_of_work(factory) as s:
                    enqueue(s, "test.record", {"key": 5}, now=NOW)
                wait_until(lambda: effect_counts(db.engine) == {5: 1}, timeout=10, what="the job to run")
            finally:
                worker.stop()
                thread.join(timeout=10)
            assert not thread.is_alive()
        finally:
            db.drop()

    def test_stop_lets_the_running_job_finish_and_commit(self, committed_db: TestDatabase) -> None:
        started, release = threading.Event(), threading.Event()

        def long_job(_db: Session, _payload: dict[str, Any], _ctx: JobContext) -> None:
            started.set()
            release.wait(timeout=10)

        registry = JobRegistry()
        registry.add("test.long", long_job)
        factory = wiring.session_factory(committed_db.engine, Edges())
        with unit_of_work(factory) as db:
            enqueue(db, "test.long", {}, now=NOW)
            enqueue(db, "test.long", {}, now=NOW)
        worker = Worker(factory, registry, settings=FAST, edges=Edges())
        thread = worker.run_in_thread()
        try:
            assert started.wait(timeout=10)
            worker.stop()
            release.set()
            thread.join(timeout=10)
        finally:
            worker.stop()
            release.set()

        assert not thread.is_alive()
        with factory() as db:
            statuses = list(db.scalars(select(Job.status).order_by(Job.id)))
        # The job in hand was completed; the next one was left for another run.
        assert statuses == [DONE, "queued"]


def test_worker_process_stops_cleanly_on_sigterm(
    committed_db: TestDatabase, worker_processes: WorkerProcesses
) -> None:
    worker_processes.start(1, poll=0.05)
    with unit_of_work(wiring.session_factory(committed_db.engine, Edges())) as db:
        enqueue(db, "test.record", {"key": 3}, now=NOW)
    wait_until(lambda: effect_counts(committed_db.engine) == {3: 1}, timeout=15, what="the job to run")

    assert terminate(worker_processes.procs[0]) == 0, worker_processes.logs()
    with wiring.session_factory(committed_db.engine, Edges())() as db:
        assert db.scalar(select(func.count()).select_from(Job).where(Job.status == DONE)) == 1
