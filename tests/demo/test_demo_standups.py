"""The demo's stand-ups: three teams with weeks of check-ins, needs confirmed into asks, most helped."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from askwell.asks.models import Ask
from askwell.demo.build import STEPS, create_demo
from askwell.people.models import Person
from askwell.people.repository import actor_for
from askwell.standups import service
from askwell.standups.models import Checkin, StandupPractice, StandupSettings
from tests.conftest import NOW

STEPS_NEEDED = [s for s in STEPS if s.name in ("people", "standups")]


def test_demo_has_standup_history(db: Session) -> None:
    create_demo(db, now=NOW, size=80, password_hash="x", steps=STEPS_NEEDED)
    assert db.scalar(select(func.count()).select_from(StandupSettings)) == 3
    days = db.scalar(select(func.count(func.distinct(Checkin.local_date))))
    assert days is not None and days >= 15  # four weeks of weekdays, less holidays
    assert db.scalar(select(func.count()).select_from(Checkin).where(Checkin.late.is_(True)))
    with_needs = db.scalars(select(Checkin.ask_id).where(Checkin.ask_id.is_not(None))).all()
    assert with_needs
    statuses = set(db.scalars(select(Ask.status).where(Ask.id.in_(with_needs))))
    assert "fulfilled" in statuses


def test_demo_has_a_finished_30_day_practice_with_a_meaningful_report(db: Session) -> None:
    ctx = create_demo(
        db,
        now=NOW,
        size=80,
        password_hash="x",
        steps=[s for s in STEPS if s.name in ("people", "asks", "standups")],
    )
    practice = db.scalars(select(StandupPractice)).one()
    assert practice.days == 30 and not practice.active and practice.stopped_at is None
    assert practice.ends_on < NOW.date()
    lead_email = next(k.email for k in ctx.known if k.role == "lead")
    lead = db.scalars(select(Person).where(Person.email == lead_email)).one()
    report = service.report(db, actor=actor_for(db, lead), practice_id=practice.id, now=NOW)
    assert report.final and report.practice.status == "finished"
    assert report.before.has_data  # the asks history gives it a baseline
    assert report.standup.standup_days >= 19 and report.standup.participation
    assert report.standup.participation > 0.5
    assert report.retro_voters > 0
    assert report.recommendation.verdict in ("keep", "adjust", "stop")
    assert report.you is not None and report.you.startswith("You raised help needed on")
