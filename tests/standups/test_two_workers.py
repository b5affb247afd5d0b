"""Two real worker processes on PostgreSQL, both ticking at once: each prompt is delivered exactly once."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from askwell import wiring
from askwell.core.clock import Clock
from askwell.core.edges import Edges
from askwell.core.jobs import DONE, Job, enqueue
from askwell.core.uow import unit_of_work
from askwell.notifications.models import Notification, NotificationKind
from askwell.people import service as people_service
from askwell.people.models import Role
from askwell.people.repository import teams_by_name
from askwell.people.schemas import OrganizationCreate, PersonCreate, TeamCreate
from askwell.standups import service
from askwell.standups.models import StandupPrompt
from askwell.standups.schemas import StandupSettingsWrite
from tests.worker.conftest import ROOT, child_pythonpath, terminate
from tests.worker.support import wait_until

if TYPE_CHECKING:
    from tests.conftest import TestDatabase

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        not os.environ.get("ASKWELL_TEST_DATABASE_URL"),
        reason="two workers ticking at once is the PostgreSQL deployment; set ASKWELL_TEST_DATABASE_URL",
    ),
]

PEOPLE = 120
TICKS = 30


def _seed(db_: TestDatabase) -> None:
    """Two teams whose stand-up is open all day (00:00 UTC, 24 hours), a third of people in both."""
    now = Clock().now()
    with unit_of_work(wiring.session_factory(db_.engine, Edges())) as db:
        org = people_service.create_organization(
            db, data=OrganizationCreate(name="Acme", slug="acme"), now=now
        )
        admin_actor = people_service.admin_actor(org)
        for name in ("Alpha", "Beta"):
            people_service.create_team(db, actor=admin_actor, data=TeamCreate(name=name), now=now)
        for i in range(PEOPLE):
            teams = ["Alpha", "Beta"] if i % 3 == 0 else (["Alpha"] if i % 3 == 1 else ["Beta"])
            data = PersonCreate(name=f"P{i}", email=f"p{i}@acme.example.com", role=Role.MEMBER, teams=teams)
            people_service.add_person(db, org_id=org.id, data=data, now=now)
        db.flush()
        for team in teams_by_name(db, org_id=org.id).values():
            service.configure(
                db,
                actor=admin_actor,
                team_id=team.id,
                data=StandupSettingsWrite(
                    weekdays=[1, 2, 3, 4, 5, 6, 7], prompt_time="00:00", window_minutes=1440
                ),
                now=now,
            )


def test_two_workers_deliver_each_prompt_once(committed_db: TestDatabase, tmp_path: Path) -> None:
    _seed(committed_db)
    procs = []
    ready = [tmp_path / f"ready-{i}" for i in range(2)]
    for i, path in enumerate(ready):
        log = (tmp_path / f"worker-{i}.log").open("wb")
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "tests.standups.worker_process", committed_db.url, str(path)],
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONPATH": child_pythonpath()},
            )
        )

    def logs() -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(tmp_path.glob("worker-*.log")))

    try:
        wait_until(lambda: all(p.exists() for p in ready), timeout=30, what="workers to start", details=logs)
        with unit_of_work(wiring.session_factory(committed_db.engine, Edges())) as db:
            for _ in range(TICKS):
                enqueue(db, "standups.tick", {}, now=Clock().now())

        def ticks_done() -> bool:
            with committed_db.engine.connect() as conn:
                statuses = list(conn.scalars(select(Job.status).where(Job.kind == "standups.tick")))
            return statuses.count(DONE) == TICKS

        wait_until(ticks_done, timeout=60, what="every tick to run", step=0.2, details=logs)
        assert [terminate(p) for p in procs] == [0, 0], logs()
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=10)

    with committed_db.engine.connect() as conn:
        prompts = Counter(conn.scalars(select(StandupPrompt.person_id)))
        told = Counter(
            conn.scalars(
                select(Notification.person_id).where(
                    Notification.kind == NotificationKind.STANDUP_PROMPT.value
                )
            )
        )
        reminded = Counter(
            conn.scalars(
                select(Notification.person_id).where(
                    Notification.kind == NotificationKind.STANDUP_REMINDER.value
                )
            )
        )
        emails = list(conn.scalars(select(Job.id).where(Job.kind == "notifications.email")))
    assert len(prompts) == PEOPLE and set(prompts.values()) == {1}
    assert told == prompts
    # The window opened at 00:00 UTC, so after noon (halfway) the same ticks also remind everyone who
    # has not answered: at most once each, whatever the time of day the suite runs.
    assert set(reminded.values()) <= {1} and set(reminded) <= set(prompts)
    assert len(emails) == PEOPLE + sum(reminded.values())
