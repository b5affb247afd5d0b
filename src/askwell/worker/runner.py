"""The worker loop: queue due schedules, claim and run jobs, stop cleanly between jobs."""

from __future__ import annotations

import logging
import os
import secrets
import signal
import socket
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from types import FrameType
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

# Every table must be mapped before the first flush: jobs.org_id refers to organizations, and a
# worker whose registry happens not to import the people domain would fail on every claim.
import askwell.models  # noqa: F401
from askwell import wiring
from askwell.core.config import Settings
from askwell.core.edges import Edges
from askwell.core.jobs import JobContext, JobRegistry, claim, enqueue_due_schedules, run_claimed
from askwell.http.metrics import record_job_failure
from askwell.integrations.edges import edges_from_settings

log = logging.getLogger(__name__)

# One pass runs at most this many jobs before looking at schedules again.
PASS_LIMIT = 500
# `drain()` gives up after this many full passes, in case jobs keep queueing jobs that are due at once.
DRAIN_PASSES = 100


def new_worker_id() -> str:
    """host:pid:random, so leases in the jobs table say which process holds them."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


@dataclass
class PassResult:
    completed: int = 0
    failed: int = 0
    scheduled: int = 0


class Worker:
    """Runs jobs until stopped; any number of workers (threads or processes) may share one database."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        registry: JobRegistry,
        *,
        settings: Settings,
        edges: Edges | None = None,
        worker_id: str | None = None,
        pass_limit: int = PASS_LIMIT,
    ) -> None:
        """Without ``edges``, those the settings name; the factory gets the event subscribers unless it
        already has its own (the in-process worker shares the app's, so its broadcaster too)."""
        edges = edges or edges_from_settings(settings)
        self.session_factory = wiring.attach(session_factory, edges)
        self.registry = registry
        self.clock = edges.clock
        self.id = worker_id or new_worker_id()
        self.pass_limit = pass_limit
        self.poll_seconds = settings.worker_poll_seconds
        self.lease = timedelta(seconds=settings.job_lease_seconds)
        self.ctx = JobContext(edges=edges, settings=settings)
        self._stop = threading.Event()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def stop(self) -> None:
        """Ask the loop to end; a job already running finishes (and commits) first."""
        self._stop.set()

    def run_once(self) -> PassResult:
        """Queue due schedules, then run due jobs until none is left, the pass limit, or stop()."""
        result = PassResult(
            scheduled=enqueue_due_schedules(self.session_factory, self.registry, now=self.clock.now())
        )
        for _ in range(self.pass_limit):
            if self.stopping:
                break
            job = claim(self.session_factory, worker_id=self.id, now=self.clock.now(), lease=self.lease)
            if job is None:
                break
            started = time.monotonic()
            ok = run_claimed(
                self.session_factory, job, self.registry, self.ctx, worker_id=self.id, lease=self.lease
            )
            elapsed = time.monotonic() - started
            if ok:
                result.completed += 1
                log.info("job %s %s done in %.3fs (attempt %s)", job.id, job.kind, elapsed, job.attempts)
            else:
                result.failed += 1
                record_job_failure(job.kind)
                log.warning(
                    "job %s %s not completed (attempt %s of %s)",
                    job.id,
                    job.kind,
                    job.attempts,
                    job.max_attempts,
                )
        return result

    def drain(self) -> PassResult:
        """Run passes until no due job is left (`askwell worker --once`)."""
        total = PassResult()
        for _ in range(DRAIN_PASSES):
            result = self.run_once()
            total.completed += result.completed
            total.failed += result.failed
            total.scheduled += result.scheduled
            if self.stopping or not self._full(result):
                break
        return total

    def _full(self, result: PassResult) -> bool:
        return result.completed + result.failed >= self.pass_limit

    def run(self, *, handle_signals: bool = True) -> None:
        """Loop until stop() or SIGTERM/SIGINT; a second signal aborts the running job at once."""
        previous = self._install_signal_handlers() if handle_signals else {}
        log.info(
            "worker %s started (poll %.2fs, lease %.0fs)",
            self.id,
            self.poll_seconds,
            self.lease.total_seconds(),
        )
        try:
            while not self.stopping:
                try:
                    result = self.run_once()
                except Exception:
                    # A lost database connection must not kill the worker: wait, then try again.
                    log.exception("worker %s: pass failed; retrying after %.2fs", self.id, self.poll_seconds)
                    self._stop.wait(self.poll_seconds)
                    continue
                # After a full pass more work is likely waiting: go straight on.
                if not self._full(result):
                    self._stop.wait(self.poll_seconds)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            log.info("worker %s stopped", self.id)

    def run_in_thread(self, *, name: str = "askwell-worker") -> threading.Thread:
        """Start the loop in a daemon thread (the in-process worker of `askwell serve`)."""
        thread = threading.Thread(target=self.run, kwargs={"handle_signals": False}, name=name, daemon=True)
        thread.start()
        return thread

    def _install_signal_handlers(self) -> dict[int, Any]:
        if threading.current_thread() is not threading.main_thread():
            return {}

        def on_signal(signum: int, _frame: FrameType | None) -> None:
            if self.stopping:
                # Second signal: give up on the current job; its transaction rolls back and the
                # job is claimed again once its lease expires.
                raise SystemExit(128 + signum)
            log.info(
                "worker %s: %s received, stopping after the current job", self.id, signal.Signals(signum).name
            )
            self.stop()

        return {signum: signal.signal(signum, on_signal) for signum in (signal.SIGTERM, signal.SIGINT)}
