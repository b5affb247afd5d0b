"""Stand-ups (settings, away days, schedules, prompts, check-ins with answers and drafted needs),
routing (settings, routed asks and who was asked) and huddles (with invitations) travel with an
organization export and come back identical; a document naming what it lacks is refused whole."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from askwell.cli.transfer import SECTIONS
from askwell.core.errors import InvalidInput
from askwell.demo.build import create_demo
from askwell.huddles.models import Huddle, HuddleInvite
from askwell.people.models import Organization, Person, Team
from askwell.people.transfer import export_org, import_org
from askwell.routing.models import RoutedAsk, RouteRequest, RoutingSettings
from askwell.standups.models import (
    Checkin,
    CheckinAnswer,
    StandupAway,
    StandupPrompt,
    StandupSchedule,
    StandupSettings,
)
from tests.conftest import NOW

TABLES = (
    StandupSettings,
    StandupAway,
    StandupSchedule,
    StandupPrompt,
    Checkin,
    CheckinAnswer,
    RoutingSettings,
    RoutedAsk,
    RouteRequest,
    Huddle,
    HuddleInvite,
)


def _count(db: Session, model: Any, org_id: int) -> int:
    return db.scalar(select(func.count()).select_from(model).where(model.org_id == org_id)) or 0


def _with_every_row(db: Session, org: Organization) -> None:
    """The demo has settings, schedules, check-ins, routed asks and huddles; add the rest: an away
    period, a prompt that a check-in answered, and a team's routing settings."""
    checkin = db.scalars(select(Checkin).where(Checkin.org_id == org.id).order_by(Checkin.id)).first()
    assert checkin is not None
    prompt = StandupPrompt(
        org_id=org.id,
        person_id=checkin.person_id,
        local_date=checkin.local_date,
        team_ids=[checkin.team_id],
        due_at=checkin.submitted_at - timedelta(hours=1),
        closes_at=checkin.submitted_at + timedelta(hours=3),
        reminded_at=checkin.submitted_at,
        created_at=checkin.submitted_at - timedelta(hours=1),
    )
    db.add(prompt)
    db.flush()
    checkin.prompt_id = prompt.id
    db.add(
        StandupAway(
            org_id=org.id,
            person_id=checkin.person_id,
            starts_on=date(2026, 8, 3),
            ends_on=date(2026, 8, 14),
            created_at=NOW,
        )
    )
    db.add(
        RoutingSettings(
            org_id=org.id, team_id=checkin.team_id, escalate_after_hours=6, peers_per_ask=3, updated_at=NOW
        )
    )
    db.commit()


def test_stand_ups_routing_and_huddles_come_back_identical(db: Session) -> None:
    source = create_demo(db, now=NOW, seed=4, size=20, slug="sup", password_hash="x").org
    _with_every_row(db, source)
    first = export_org(db, org_id=source.id, sections=SECTIONS)
    people = first["standup_people"][0]
    assert first["standups"] and people["schedules"] and people["prompts"] and people["away"]
    assert any(c["ask"] for c in first["standup_checkins"]) and any(
        c["prompted"] for c in first["standup_checkins"]
    )
    assert first["routing_settings"] and any(
        r["requests"] and r["checkin_date"] for r in first["routed_asks"]
    )
    assert first["huddles"] and any(h["invites"] for h in first["huddles"])
    copy = import_org(db, document=first, now=NOW, slug="sup-copy", sections=SECTIONS)
    second = export_org(db, org_id=copy.id, sections=SECTIONS)
    assert {**second, "organization": None} == {**first, "organization": None}
    for model in TABLES:
        assert _count(db, model, copy.id) == _count(db, model, source.id) > 0, model.__tablename__
    # Ids point inside the copy: a check-in's ask, prompt, person and team; a routed ask's check-in.
    for checkin in db.scalars(select(Checkin).where(Checkin.org_id == copy.id)):
        assert db.get(Person, checkin.person_id).org_id == copy.id  # type: ignore[union-attr]
        assert db.get(Team, checkin.team_id).org_id == copy.id  # type: ignore[union-attr]
        if checkin.prompt_id is not None:
            prompt = db.get(StandupPrompt, checkin.prompt_id)
            assert prompt is not None and prompt.org_id == copy.id and prompt.person_id == checkin.person_id
    routed = db.scalars(
        select(RoutedAsk).where(RoutedAsk.org_id == copy.id, RoutedAsk.checkin_id.is_not(None))
    )
    for r in routed:
        found = db.get(Checkin, r.checkin_id)
        assert found is not None and found.org_id == copy.id and found.ask_id == r.ask_id


@pytest.mark.parametrize(
    ("section", "change", "message"),
    [
        ("standup_checkins", lambda d: d[0].update(person="ghost@example.com"), r"ghost@example\.com"),
        ("standup_checkins", lambda d: d[0].update(ask=99999), r"no ask 99999"),
        ("standups", lambda d: d[0].update(team="no-such-team"), r"no-such-team"),
        (
            "routed_asks",
            lambda d: d[0]["requests"][0].update(person="ghost@example.com"),
            r"ghost@example\.com",
        ),
        ("huddles", lambda d: d[0].update(caller="ghost@example.com"), r"ghost@example\.com"),
        ("standups", lambda d: d[0].update(prompt_time="25:00"), r"prompt_time"),
        (
            "people",
            lambda d: d[0].update(work_start="18:00", work_end="09:00"),
            r"people\.0: .*must end after it starts",
        ),
    ],
)
def test_a_bad_reference_is_refused_before_anything_is_written(
    db: Session, section: str, change: Any, message: str
) -> None:
    source = create_demo(db, now=NOW, seed=4, size=20, slug="sup2", password_hash="x").org
    db.commit()
    document = export_org(db, org_id=source.id, sections=SECTIONS)
    assert document[section]
    change(document[section])
    before = {m.__tablename__: db.scalar(select(func.count()).select_from(m)) for m in TABLES}
    with pytest.raises(InvalidInput, match=message):
        import_org(db, document=document, now=NOW, slug="sup2-copy", sections=SECTIONS)
    db.rollback()
    assert {m.__tablename__: db.scalar(select(func.count()).select_from(m)) for m in TABLES} == before
