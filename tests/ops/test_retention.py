"""Retention: finished jobs and spent credentials are purged on schedule, in bounded, idempotent runs."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import count

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from askwell.accounts.jobs import PURGE
from askwell.accounts.models import (
    ApiToken,
    Invitation,
    InvitationTeam,
    LoginFailure,
    PasswordReset,
    WebSession,
)
from askwell.accounts.retention import purge_expired
from askwell.core import job_upkeep
from askwell.core.clock import FrozenClock
from askwell.core.config import Settings
from askwell.core.edges import Edges
from askwell.core.jobs import DONE, FAILED, QUEUED, RUNNING, Job, JobRegistry, run_pending
from askwell.core.jobs import JobContext as Ctx
from askwell.people.models import Organization, Person
from askwell.worker.registry import build_registry
from tests.conftest import NOW, World

DAY = timedelta(days=1)
RETENTION = timedelta(days=14)
WINDOW = timedelta(minutes=15)
_ids = count(1)


def _job(db: Session, *, status: str, finished: datetime | None, key: str | None = None) -> Job:
    job = Job(
        kind="test.kept",
        payload={},
        status=status,
        run_at=finished or NOW + DAY,
        attempts=1,
        max_attempts=5,
        dedupe_key=key,
        created_at=finished or NOW,
        finished_at=finished,
    )
    db.add(job)
    db.flush()
    return job


def _remaining(db: Session, model: type, ids: list[int]) -> set[int]:
    return set(db.scalars(select(model.id).where(model.id.in_(ids))))  # type: ignore[attr-defined]


class TestJobsPurge:
    def test_deletes_only_finished_jobs_past_retention(self, db: Session, clock: FrozenClock) -> None:
        now = clock.now()
        old_done = _job(db, status=DONE, finished=now - RETENTION - DAY)
        old_failed = _job(db, status=FAILED, finished=now - RETENTION - DAY)
        recent_done = _job(db, status=DONE, finished=now - RETENTION + DAY)
        queued = _job(db, status=QUEUED, finished=None)
        running = _job(db, status=RUNNING, finished=None)
        ids = [j.id for j in (old_done, old_failed, recent_done, queued, running)]

        deleted = job_upkeep.purge_finished_jobs(db, now=now, keep=RETENTION, keep_schedule_slots=DAY)

        assert deleted == 2
        assert _remaining(db, Job, ids) == {recent_done.id, queued.id, running.id}

    def test_a_schedule_slot_row_is_kept_while_its_slot_may_still_be_current(
        self, db: Session, clock: FrozenClock
    ) -> None:
        now = clock.now()
        slot_row = _job(db, status=DONE, finished=now - RETENTION - DAY, key="schedule:test.monthly:1")
        other = _job(db, status=DONE, finished=now - RETENTION - DAY, key="digest:1:2026-01-01")

        job_upkeep.purge_finished_jobs(db, now=now, keep=RETENTION, keep_schedule_slots=60 * DAY)

        assert _remaining(db, Job, [slot_row.id, other.id]) == {slot_row.id}

    def test_one_run_is_bounded(self, db: Session, clock: FrozenClock) -> None:
        now = clock.now()
        for _ in range(7):
            _job(db, status=DONE, finished=now - RETENTION - DAY)
        assert (
            job_upkeep.purge_finished_jobs(db, now=now, keep=RETENTION, keep_schedule_slots=DAY, limit=5) == 5
        )
        assert (
            job_upkeep.purge_finished_jobs(db, now=now, keep=RETENTION, keep_schedule_slots=DAY, limit=5) == 2
        )
        assert (
            job_upkeep.purge_finished_jobs(db, now=now, keep=RETENTION, keep_schedule_slots=DAY, limit=5) == 0
        )

    def test_a_backlog_is_worked_through_in_follow_up_runs(
        self, session_factory: sessionmaker[Session], clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(job_upkeep, "PURGE_BATCH", 3)
        now = clock.now()
        with session_factory() as db:
            old = [_job(db, status=DONE, finished=now - RETENTION - DAY).id for _ in range(8)]
            db.commit()
        registry = JobRegistry()
        job_upkeep.register(registry)
        settings = Settings(retention_days=14)
        with session_factory() as db:
            job_upkeep.enqueue(db, job_upkeep.JOBS_PURGE, {"slot": 1}, now=now)
            db.commit()

        completed = run_pending(session_factory, registry, Ctx(edges=Edges(clock=clock), settings=settings))

        with session_factory() as db:
            assert _remaining(db, Job, old) == set()
            purges = db.scalar(select(func.count()).where(Job.kind == job_upkeep.JOBS_PURGE))
        # 8 rows, 3 per run: the scheduled run and its follow-ups (3 + 3 + 2), each its own transaction.
        assert completed == 3
        assert purges == 3


@pytest.fixture
def person(world: World) -> Person:
    return world.person(world.org())


def _credentials(db: Session, person: Person, *, at: datetime, expires: datetime, **extra: object) -> dict:
    n = next(_ids)
    session = WebSession(
        org_id=person.org_id, person_id=person.id, token_hash=f"s{n:063d}", created_at=at, expires_at=expires
    )
    reset = PasswordReset(
        org_id=person.org_id,
        person_id=person.id,
        token_hash=f"r{n:063d}",
        created_at=at,
        expires_at=expires,
        used_at=extra.get("used_at"),
    )
    invitation = Invitation(
        org_id=person.org_id,
        email=f"invitee{n}@example.com",
        role="member",
        token_hash=f"i{n:063d}",
        created_at=at,
        expires_at=expires,
        accepted_at=extra.get("accepted_at"),
        revoked_at=extra.get("revoked_at"),
    )
    token = ApiToken(
        org_id=person.org_id,
        person_id=person.id,
        name="t",
        prefix="aw_x",
        token_hash=f"t{n:063d}",
        created_at=at,
        revoked_at=extra.get("revoked_at"),
    )
    db.add_all([session, reset, invitation, token])
    db.flush()
    return {WebSession: session.id, PasswordReset: reset.id, Invitation: invitation.id, ApiToken: token.id}


class TestAccountsPurge:
    def test_what_goes_and_what_stays(self, db: Session, clock: FrozenClock, person: Person) -> None:
        now = clock.now()
        long_ago = now - RETENTION - DAY
        # Live: nothing may go.
        live = _credentials(db, person, at=now - DAY, expires=now + DAY)
        # Expired a moment ago: the session goes at once; the rest is kept for the retention period.
        just_expired = _credentials(db, person, at=now - 2 * DAY, expires=now - DAY)
        # Expired, used, accepted or revoked long ago: all of it goes.
        expired_long_ago = _credentials(db, person, at=long_ago - DAY, expires=long_ago)
        spent_long_ago = _credentials(
            db,
            person,
            at=long_ago,
            expires=now + DAY,
            used_at=long_ago,
            accepted_at=long_ago,
            revoked_at=long_ago,
        )
        spent_recently = _credentials(
            db,
            person,
            at=now - DAY,
            expires=now + DAY,
            used_at=now - DAY,
            accepted_at=now - DAY,
            revoked_at=now - DAY,
        )
        fresh_failure = LoginFailure(key="email:a@example.com", at=now - WINDOW + timedelta(minutes=1))
        stale_failure = LoginFailure(key="email:a@example.com", at=now - WINDOW - timedelta(minutes=1))
        db.add_all([fresh_failure, stale_failure])
        db.flush()

        purged = purge_expired(db, now=now, retention=RETENTION, login_window=WINDOW)

        def kept(model: type) -> set[int]:
            groups = (live, just_expired, expired_long_ago, spent_long_ago, spent_recently)
            return _remaining(db, model, [g[model] for g in groups])

        assert kept(WebSession) == {live[WebSession], spent_long_ago[WebSession], spent_recently[WebSession]}
        for model in (PasswordReset, Invitation):
            assert kept(model) == {live[model], just_expired[model], spent_recently[model]}
        assert kept(ApiToken) == {
            live[ApiToken],
            just_expired[ApiToken],
            expired_long_ago[ApiToken],
            spent_recently[ApiToken],
        }
        assert _remaining(db, LoginFailure, [fresh_failure.id, stale_failure.id]) == {fresh_failure.id}
        assert (purged.sessions, purged.resets, purged.invitations, purged.tokens, purged.login_failures) == (
            2,
            2,
            2,
            1,
            1,
        )

    def test_an_invitations_teams_go_with_it(self, db: Session, clock: FrozenClock, world: World) -> None:
        org = world.org("Teams")
        team = world.team(org, "Platform")
        admin = world.person(org)
        now = clock.now()
        ids = _credentials(db, admin, at=now - RETENTION - 2 * DAY, expires=now - RETENTION - DAY)
        db.add(InvitationTeam(org_id=org.id, invitation_id=ids[Invitation], team_id=team.id))
        db.flush()

        purge_expired(db, now=now, retention=RETENTION, login_window=WINDOW)

        assert db.scalar(select(func.count()).where(InvitationTeam.invitation_id == ids[Invitation])) == 0
        assert db.get(Organization, org.id) is not None

    def test_idempotent(self, db: Session, clock: FrozenClock, person: Person) -> None:
        now = clock.now()
        _credentials(db, person, at=now - RETENTION - 2 * DAY, expires=now - RETENTION - DAY)
        first = purge_expired(db, now=now, retention=RETENTION, login_window=WINDOW)
        second = purge_expired(db, now=now, retention=RETENTION, login_window=WINDOW)
        assert first.sessions == 1
        assert (second.sessions, second.resets, second.invitations, second.tokens) == (0, 0, 0, 0)


class TestAccountsFollowUp:
    def test_a_backlog_of_sessions_is_purged_over_several_bounded_runs(
        self,
        session_factory: sessionmaker[Session],
        clock: FrozenClock,
        person: Person,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setattr(job_upkeep, "PURGE_BATCH", 2)
        now = clock.now()
        with session_factory() as db:
            ids = [_credentials(db, person, at=now - 3 * DAY, expires=now - 2 * DAY) for _ in range(3)]
            job_upkeep.enqueue(db, PURGE, {"slot": 7}, now=now)
            db.commit()
        ctx = Ctx(edges=Edges(clock=clock), settings=Settings())

        completed = run_pending(session_factory, build_registry(), ctx)

        with session_factory() as db:
            assert _remaining(db, WebSession, [i[WebSession] for i in ids]) == set()
            follow_ups = list(
                db.scalars(select(Job.dedupe_key).where(Job.kind == PURGE, Job.dedupe_key.is_not(None)))
            )
        assert completed == 2  # 2 sessions, then 1 (fewer than a batch: no further run)
        assert follow_ups == ["accounts.purge:7:1"]


class TestScheduled:
    def test_both_purges_are_registered_and_scheduled(self) -> None:
        registry = build_registry()
        assert {PURGE, job_upkeep.JOBS_PURGE} <= set(registry.kinds)
        assert {s.kind for s in registry.schedules} >= {PURGE, job_upkeep.JOBS_PURGE}

    def test_the_worker_runs_the_accounts_purge_with_its_settings(
        self, session_factory: sessionmaker[Session], clock: FrozenClock, person: Person
    ) -> None:
        now = clock.now()
        with session_factory() as db:
            ids = _credentials(db, person, at=now - 3 * DAY, expires=now - 2 * DAY)
            db.commit()
        registry = build_registry()
        # A one-day retention (the default is 14): the resets and invitations that expired two days ago go.
        ctx = Ctx(edges=Edges(clock=clock), settings=Settings(retention_days=1))
        with session_factory() as db:
            job_upkeep.enqueue(db, PURGE, {"slot": 1}, now=now)
            db.commit()

        run_pending(session_factory, registry, ctx)

        with session_factory() as db:
            for model in (WebSession, PasswordReset, Invitation):
                assert _remaining(db, model, [ids[model]]) == set(), model


def test_jobs_purge_keeps_slot_rows_of_schedules_registered_after_it(
    session_factory: sessionmaker[Session], clock: FrozenClock
) -> None:
    """However the registry is assembled, a long schedule's slot row outlives the retention."""
    now = clock.now()
    registry = JobRegistry()
    job_upkeep.register(registry)
    registry.add("test.monthly", lambda _db, _p, _ctx: None)
    registry.schedule("test.monthly", timedelta(days=30))
    with session_factory() as db:
        slot_row = _job(db, status=DONE, finished=now - RETENTION - DAY, key="schedule:test.monthly:1").id
        plain = _job(db, status=DONE, finished=now - RETENTION - DAY).id
        job_upkeep.enqueue(db, job_upkeep.JOBS_PURGE, {}, now=now)
        db.commit()

    run_pending(session_factory, registry, Ctx(edges=Edges(clock=clock), settings=Settings()))

    with session_factory() as db:
        assert _remaining(db, Job, [slot_row, plain]) == {slot_row}
