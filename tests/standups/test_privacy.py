"""Erasing a person reaches their stand-up answers, schedule and away days, and the routing rows
that would still wait on them; the rows that participation counts stay, and others' words stay."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from askwell.asks.privacy import ERASED_TEXT
from askwell.people.models import Organization, Role
from askwell.privacy.service import erase_person
from askwell.routing.models import RoutedAsk, RouteRequest, RouteState
from askwell.standups import service
from askwell.standups.models import Checkin, CheckinAnswer, StandupAway, StandupPrompt, StandupSchedule
from askwell.standups.schemas import AwayWrite, CheckinWrite, NeedConfirm, StandupSettingsWrite
from tests.conftest import World
from tests.standups.conftest import Scene

MONDAY = date(2026, 3, 2)
NEED = "Blocked on the Stripe webhook signature, no idea who knows their API"


def at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _answers(db: Session, person_id: int) -> list[str]:
    return list(
        db.scalars(
            select(CheckinAnswer.text)
            .join(Checkin, Checkin.id == CheckinAnswer.checkin_id)
            .where(Checkin.person_id == person_id)
            .order_by(CheckinAnswer.id)
        )
    )


def test_erasure_reaches_answers_schedule_away_and_routes(standup: Scene, world: World, db: Session) -> None:
    admin = world.person(standup.org, "Ann Admin", role=Role.ADMIN)
    service.tick(db, now=at(MONDAY, 16))  # prompts, reminders and schedules for everyone
    service.set_away(
        db,
        actor=world.actor(standup.bob),
        data=AwayWrite(starts_on=MONDAY + timedelta(days=7), ends_on=MONDAY + timedelta(days=9)),
        now=world.now,
    )
    words = {"worked_on": "Bob's private release notes", "help_needed": NEED}
    bob_checkin = service.answer(
        db, actor=world.actor(standup.bob), data=CheckinWrite(answers=words), now=at(MONDAY, 14)
    )
    bob_ask = service.confirm_need(
        db, actor=world.actor(standup.bob), checkin_id=bob_checkin.id, data=NeedConfirm(), now=at(MONDAY, 14)
    )
    ada_checkin = service.answer(
        db,
        actor=world.actor(standup.ada),
        data=CheckinWrite(answers={"worked_on": "Ada's own words", "help_needed": NEED}),
        now=at(MONDAY, 14),
    )
    ada_ask = service.confirm_need(
        db, actor=world.actor(standup.ada), checkin_id=ada_checkin.id, data=NeedConfirm(), now=at(MONDAY, 14)
    )
    db.commit()
    # Confirming routed each need sideways: Ada's waits on Bob, Bob's on his teammates.
    routes = {(r.ask_id, r.person_id): r.id for r in db.scalars(select(RouteRequest))}
    waiting_on_bob = routes[(ada_ask.id, standup.bob.id)]
    bobs_own = [i for (ask_id, _), i in routes.items() if ask_id == bob_ask.id]
    assert bobs_own
    assert db.scalar(select(StandupSchedule).where(StandupSchedule.person_id == standup.bob.id)) is not None
    checkins_before = db.scalar(select(func.count()).select_from(Checkin))
    prompts_before = db.scalar(select(func.count()).select_from(StandupPrompt))

    erase_person(db, actor=world.actor(admin), person_id=standup.bob.id, now=at(MONDAY, 15))
    db.commit()
    db.expire_all()

    assert _answers(db, standup.bob.id) == [ERASED_TEXT, ERASED_TEXT]
    bob_row = db.get(Checkin, bob_checkin.id)
    assert bob_row is not None and bob_row.need_text == ERASED_TEXT
    assert "Ada's own words" in _answers(db, standup.ada.id)
    # The rows participation counts stay; nothing would prompt, remind or digest Bob again.
    assert db.scalar(select(func.count()).select_from(Checkin)) == checkins_before
    assert db.scalar(select(func.count()).select_from(StandupPrompt)) == prompts_before
    assert db.scalar(select(StandupSchedule).where(StandupSchedule.person_id == standup.bob.id)) is None
    assert db.scalars(select(StandupAway).where(StandupAway.person_id == standup.bob.id)).all() == []
    bob_prompts = db.scalars(select(StandupPrompt).where(StandupPrompt.person_id == standup.bob.id)).all()
    assert bob_prompts and all(p.remind_at is None and p.digest_at is None for p in bob_prompts)
    ada_schedule = db.scalar(select(StandupSchedule).where(StandupSchedule.person_id == standup.ada.id))
    assert ada_schedule is not None and ada_schedule.next_at is not None
    # Routing: what waited on Bob is closed; his own routed ask never goes to the lead; Ada's stays.
    closed = db.get(RouteRequest, waiting_on_bob)
    assert closed is not None and closed.state == RouteState.CANT.value
    assert closed.answered_at == at(MONDAY, 15)
    for request_id in bobs_own:  # others asked about Bob's ask keep their rows (ids and states only)
        kept = db.get(RouteRequest, request_id)
        assert kept is not None and kept.state == RouteState.ASKED.value
    routed = {r.author_id: r for r in db.scalars(select(RoutedAsk))}
    assert routed[standup.bob.id].escalated_at == at(MONDAY, 15)
    assert routed[standup.ada.id].escalated_at is None


def test_erasure_leaves_another_organization_alone(standup: Scene, world: World, db: Session) -> None:
    other_org = db.get(Organization, standup.other_admin.org_id)
    assert other_org is not None
    other_team = world.team(other_org, "Elsewhere")
    other = world.person(other_org, "Oscar Other", teams=["Elsewhere"])
    service.configure(
        db,
        actor=world.actor(standup.other_admin),
        team_id=other_team.id,
        data=StandupSettingsWrite(),
        now=world.now,
    )
    checkin = service.answer(
        db,
        actor=world.actor(other),
        data=CheckinWrite(answers={"worked_on": "Oscar's words"}),
        now=at(MONDAY, 14),
    )
    admin = world.person(standup.org, "Ann Admin", role=Role.ADMIN)
    db.commit()
    erase_person(db, actor=world.actor(admin), person_id=standup.bob.id, now=at(MONDAY, 15))
    db.commit()
    assert _answers(db, other.id) == ["Oscar's words"]
    assert db.get(Checkin, checkin.id) is not None
