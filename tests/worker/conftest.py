"""Fixtures for tests that need committed data: a fresh database of their own, and worker processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from askwell.models import Base
from tests.conftest import TestDatabase, create_test_database
from tests.worker.support import effects_metadata, wait_until

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def _committed_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestDatabase]:
    db = create_test_database(tmp_path_factory.mktemp("committed"))
    effects_metadata.create_all(db.engine)
    yield db
    db.drop()


@pytest.fixture
def committed_db(_committed_database: TestDatabase) -> TestDatabase:
    """A migrated database (of the suite's dialect) where commits are real, emptied before each test.

    Threads and worker processes need their own connections, which the rolled-back ``db`` fixture
    cannot give them. One database is shared and emptied, because creating one per test costs
    seconds on PostgreSQL.
    """
    db = _committed_database
    tables = [*effects_metadata.sorted_tables, *reversed(Base.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if db.dialect == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())
    return db


class WorkerProcesses:
    def __init__(self, url: str, tmp: Path) -> None:
        self.url = url
        self.tmp = tmp
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, count: int, *, lease: int = 10, poll: float = 0.05, ready_timeout: float = 20) -> None:
        ready = []
        for _ in range(count):
            path = self.tmp / f"ready-{len(self.procs)}"
            ready.append(path)
            log = (self.tmp / f"worker-{len(self.procs)}.log").open("wb")
            command = [sys.executable, "-m", "tests.worker.worker_process", self.url]
            command += ["--lease", str(lease), "--poll", str(poll), "--ready", str(path)]
            self.procs.append(
                subprocess.Popen(
                    command,
                    cwd=ROOT,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])},
                )
            )
        wait_until(lambda: all(p.exists() for p in ready), timeout=ready_timeout, what="workers to start")

    def by_pid(self, pid: int) -> subprocess.Popen[bytes]:
        return next(p for p in self.procs if p.pid == pid)

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.tmp.glob("worker-*.log")))

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)


@pytest.fixture
def worker_processes(committed_db: TestDatabase, tmp_path: Path) -> Iterator[WorkerProcesses]:
    procs = WorkerProcesses(committed_db.url, tmp_path)
    yield procs
    procs.stop_all()


def terminate(proc: subprocess.Popen[bytes], *, timeout: float = 10) -> int:
    proc.send_signal(signal.SIGTERM)
    return proc.wait(timeout=timeout)
