"""Test-only job kinds whose effects are rows in a side table, shared by in-process and subprocess workers."""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Engine, Integer, MetaData, Table, select
from sqlalchemy.orm import Session

from askwell.core.jobs import JobContext, JobRegistry

effects_metadata = MetaData()
effects = Table(
    "test_job_effects",
    effects_metadata,
    Column("id", Integer, primary_key=True),
    # Deliberately not unique: a job run twice must show up as two rows, not as an error.
    Column("key", Integer, nullable=False),
    Column("pid", Integer, nullable=False),
)


def record(db: Session, payload: dict[str, Any], ctx: JobContext) -> None:
    db.execute(effects.insert().values(key=int(payload["key"]), pid=os.getpid()))


def slow_first_time(db: Session, payload: dict[str, Any], ctx: JobContext) -> None:
    """Writes its effect, then on the first run only announces itself (marker file) and hangs."""
    db.execute(effects.insert().values(key=int(payload["key"]), pid=os.getpid()))
    marker = Path(payload["marker"])
    if not marker.exists():
        tmp = marker.with_suffix(".tmp")
        tmp.write_text(str(os.getpid()))
        tmp.replace(marker)
        time.sleep(float(payload["seconds"]))


def registry_with_test_jobs() -> JobRegistry:
    """Only the test kinds: the product's own schedules would add jobs these tests do not count."""
    registry = JobRegistry()
    registry.add("test.record", record)
    registry.add("test.slow", slow_first_time)
    return registry


def effect_counts(engine: Engine) -> Counter[int]:
    with engine.connect() as conn:
        return Counter(conn.scalars(select(effects.c.key)))


def effect_pids(engine: Engine) -> set[int]:
    with engine.connect() as conn:
        return set(conn.scalars(select(effects.c.pid)))


def wait_until(
    condition: Callable[[], bool],
    *,
    timeout: float,
    what: str,
    step: float = 0.05,
    details: Callable[[], str] | None = None,
) -> None:
    """Poll ``condition`` for at most ``timeout`` seconds; fail the test with ``what`` otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{details() if details else ''}")
