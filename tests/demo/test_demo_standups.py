"""The demo's stand-ups: three teams with weeks of check-ins, needs confirmed into asks, most helped."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from askwell.asks.models import Ask
from askwell.demo.build import STEPS, create_demo
from askwell.standups.models import Checkin, StandupSettings
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
