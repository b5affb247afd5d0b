"""Several real `Worker` processes on one PostgreSQL database: no job runs twice, none is lost."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import func, select

from askwell import wiring
from askwell.core.edges import Edges
from askwell.core.jobs import DONE, Job, enqueue
from askwell.core.uow import unit_of_work
from tests.conftest import NOW
from tests.worker.conftest import terminate
from tests.worker.support import effect_counts, effect_pids, wait_until

if TYPE_CHECKING:
    from tests.conftest import TestDatabase
    from tests.worker.conftest import WorkerProcesses

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        not os.environ.get("ASKWELL_TEST_DATABASE_URL"),
        reason="several worker processes claiming at once is the PostgreSQL deployment (FOR UPDATE SKIP "
        "LOCKED); set ASKWELL_TEST_DATABASE_URL to run it",
    ),
]


def _done(db: TestDatabase) -> int:
    with db.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(Job).where(Job.status == DONE)) or 0


def _jobs(db: TestDatabase) -> list[Job]:
    with wiring.session_factory(db.engine, Edges())() as s:
        return list(s.scalars(select(Job).order_by(Job.id)))


def test_many_workers_run_every_job_exactly_once(
    committed_db: TestDatabase, worker_processes: WorkerProcesses
) -> None:
    worker_processes.start(3)
    with unit_of_work(wiring.session_factory(committed_db.engine, Edges())) as db:
        for key in range(300):
            enqueue(db, "test.record", {"key": key}, now=NOW)

    wait_until(
        lambda: _done(committed_db) == 300,
        timeout=30,
        what="all 300 jobs to be done",
        step=0.2,
        details=worker_processes.logs,
    )
    # SIGTERM is a clean stop: every worker finishes its loop and exits 0.
    assert [terminate(p) for p in worker_processes.procs] == [0, 0, 0], worker_processes.logs()

    assert effect_counts(committed_db.engine) == {key: 1 for key in range(300)}
    assert len(effect_pids(committed_db.engine)) >= 2  # the work really was shared
    assert {j.attempts for j in _jobs(committed_db)} == {1}


def test_job_of_a_killed_worker_is_completed_once_by_another(
    committed_db: TestDatabase, worker_processes: WorkerProcesses, tmp_path: Path
) -> None:
    marker = tmp_path / "slow-job-started"
    with unit_of_work(wiring.session_factory(committed_db.engine, Edges())) as db:
        job = enqueue(db, "test.slow", {"key": 7, "marker": str(marker), "seconds": 60}, now=NOW)
    assert job is not None
    worker_processes.start(2, lease=2, poll=0.1)

    wait_until(
        marker.exists, timeout=15, what="a worker to start the slow job", details=worker_processes.logs
    )
    victim = worker_processes.by_pid(int(marker.read_text()))
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=10)
    (survivor,) = [p for p in worker_processes.procs if p is not victim]

    wait_until(
        lambda: _jobs(committed_db)[0].status == DONE,
        timeout=20,
        what="the survivor to finish the job",
        details=worker_processes.logs,
    )
    assert terminate(survivor) == 0, worker_processes.logs()

    (done,) = _jobs(committed_db)
    assert done.attempts == 2
    assert f":{survivor.pid}:" in (done.locked_by or "")
    # The killed worker had written its effect too, but its transaction died with it.
    assert effect_counts(committed_db.engine) == {7: 1}
    assert effect_pids(committed_db.engine) == {survivor.pid}
