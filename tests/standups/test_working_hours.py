"""Routing a stand-up need counts the author's own working hours (set on their profile)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from askwell.core.workhours import WorkingHours
from askwell.people.models import Person
from askwell.routing import rules
from askwell.routing.models import RoutedAsk
from askwell.standups import service as standups
from askwell.standups.schemas import CheckinWrite, NeedConfirm
from tests.conftest import World
from tests.standups.conftest import Scene

Bearer = Callable[[Person], dict[str, str]]
SignIn = Callable[[Person], TestClient]
NEED = "Blocked on the Stripe webhook signature, no idea who knows their API"


def test_routing_counts_the_authors_own_working_hours(standup: Scene, world: World, db: Session) -> None:
    """The lead is asked after N of the author's working hours, on the author's own day."""
    now = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)  # 10:30 in St John's
    standup.bob.work_start, standup.bob.work_end = "09:00", "11:00"
    db.commit()
    checkin = standups.answer(
        db, actor=world.actor(standup.bob), data=CheckinWrite(answers={"help_needed": NEED}), now=now
    )
    ask = standups.confirm_need(
        db, actor=world.actor(standup.bob), checkin_id=checkin.id, data=NeedConfirm(), now=now
    )
    routed = db.scalar(select(RoutedAsk).where(RoutedAsk.ask_id == ask.id))
    assert routed is not None
    tz = ZoneInfo("America/St_Johns")
    own = rules.escalate_at(
        now, hours=rules.DEFAULT_ESCALATE_HOURS, tz=tz, working=WorkingHours(time(9), time(11))
    )
    default = rules.escalate_at(now, hours=rules.DEFAULT_ESCALATE_HOURS, tz=tz)
    assert own != default
    assert routed.escalate_at == own
