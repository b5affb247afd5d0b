"""Check-ins: on time or late, empty or huge answers, needs drafted into asks and confirmed."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker

from askwell.asks.models import Ask, AskStatus
from askwell.core import events
from askwell.core.events import HelpNeededConfirmed
from askwell.standups import service
from askwell.standups.errors import (
    CheckinNotFound,
    EmptyCheckin,
    FutureCheckin,
    NoDraftToConfirm,
    NoStandupToday,
    UnknownQuestion,
)
from askwell.standups.schemas import ANSWER_MAX, CheckinWrite, NeedConfirm
from tests.conftest import World
from tests.standups.conftest import Scene

MONDAY = date(2026, 3, 2)
NEED = "Blocked on the Stripe webhook signature, no idea who knows their API"


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, 2, hour, minute, tzinfo=UTC)


def answer(db: Session, world: World, person: Any, now: datetime, **answers: str) -> Any:
    return service.answer(db, actor=world.actor(person), data=CheckinWrite(answers=answers), now=now)


class TestAnswer:
    def test_on_time(self, standup: Scene, world: World, db: Session) -> None:
        service.tick(db, now=at(13))
        checkin = answer(db, world, standup.bob, at(13, 10), worked_on="the deploy", working_on="tests")
        assert checkin.local_date == MONDAY and not checkin.late
        assert checkin.team_id == standup.team.id

    def test_after_the_window_is_accepted_and_marked_late(
        self, standup: Scene, world: World, db: Session
    ) -> None:
        service.tick(db, now=at(13))
        checkin = answer(db, world, standup.bob, at(17, 30), worked_on="the deploy")  # closed at 17:00
        assert checkin.late

    def test_answering_again_replaces_the_answers(self, standup: Scene, world: World, db: Session) -> None:
        answer(db, world, standup.bob, at(13, 10), worked_on="first")
        again = answer(db, world, standup.bob, at(13, 20), working_on="second")
        read = service.today(db, actor=world.actor(standup.bob), now=at(13, 30))
        assert read.checkin is not None and read.checkin.id == again.id
        assert [a.text for a in read.checkin.answers] == ["second"]

    def test_empty_answers_are_refused_clearly(self, standup: Scene, world: World, db: Session) -> None:
        with pytest.raises(EmptyCheckin):
            answer(db, world, standup.bob, at(13), worked_on="   ", help_needed="")

    def test_a_huge_answer_is_refused_by_the_schema(self) -> None:
        with pytest.raises(ValidationError, match="at most 2000 characters"):
            CheckinWrite(answers={"worked_on": "x" * (ANSWER_MAX + 1)})

    def test_unknown_question(self, standup: Scene, world: World, db: Session) -> None:
        with pytest.raises(UnknownQuestion):
            answer(db, world, standup.bob, at(13), favourite_colour="blue")

    def test_not_in_a_standup_team(self, standup: Scene, world: World, db: Session) -> None:
        with pytest.raises(NoStandupToday):
            answer(db, world, standup.stranger, at(13), worked_on="things")

    def test_not_for_a_day_to_come(self, standup: Scene, world: World, db: Session) -> None:
        data = CheckinWrite(answers={"worked_on": "x"}, local_date=date(2026, 3, 4))
        with pytest.raises(FutureCheckin):
            service.answer(db, actor=world.actor(standup.bob), data=data, now=at(13))


class TestNeeds:
    def test_no_detectable_need_no_draft_no_error(self, standup: Scene, world: World, db: Session) -> None:
        checkin = answer(db, world, standup.bob, at(13), worked_on="the deploy", help_needed="nothing today")
        assert checkin.ask_id is None

    def test_a_need_in_any_answer_becomes_a_draft_ask(
        self, standup: Scene, world: World, db: Session
    ) -> None:
        checkin = answer(db, world, standup.bob, at(13), worked_on=f"Payments. {NEED}.")
        assert checkin.ask_id is not None
        ask = db.get(Ask, checkin.ask_id)
        assert ask is not None and ask.status == AskStatus.DRAFT.value
        assert ask.team_id == standup.team.id
        read = service.today(db, actor=world.actor(standup.bob), now=at(13, 1))
        assert read.checkin is not None and read.checkin.need is not None
        assert read.checkin.need.gaps  # the coaching's pointers, for the member to fill in

    def test_confirming_opens_the_ask_and_announces_it(
        self, standup: Scene, world: World, db: Session, session_factory: sessionmaker[Session]
    ) -> None:
        heard: list[HelpNeededConfirmed] = []
        bus = events.bus_of(session_factory)
        assert bus is not None
        bus.on(HelpNeededConfirmed, lambda _db, e: heard.append(e))
        checkin = answer(db, world, standup.bob, at(13), help_needed=NEED)
        ask = service.confirm_need(
            db,
            actor=world.actor(standup.bob),
            checkin_id=checkin.id,
            data=NeedConfirm(title="Who knows Stripe's webhook signatures?"),
            now=at(13, 5),
        )
        assert ask.status == AskStatus.OPEN.value
        assert ask.title == "Who knows Stripe's webhook signatures?"
        assert [(e.ask_id, e.author_id, e.team_id, e.checkin_id) for e in heard] == [
            (ask.id, standup.bob.id, standup.team.id, checkin.id)
        ]
        with pytest.raises(NoDraftToConfirm):
            service.confirm_need(
                db, actor=world.actor(standup.bob), checkin_id=checkin.id, data=NeedConfirm(), now=at(13, 6)
            )

    def test_someone_else_cannot_confirm(self, standup: Scene, world: World, db: Session) -> None:
        checkin = answer(db, world, standup.bob, at(13), help_needed=NEED)
        with pytest.raises(CheckinNotFound):
            service.confirm_need(
                db, actor=world.actor(standup.ada), checkin_id=checkin.id, data=NeedConfirm(), now=at(13, 5)
            )


class TestBoard:
    def test_help_needed_first_and_nobody_named_for_not_answering(
        self, standup: Scene, world: World, db: Session
    ) -> None:
        answer(db, world, standup.lead, at(9, 40), worked_on="planning")
        checkin = answer(db, world, standup.bob, at(13), help_needed=NEED)
        service.confirm_need(
            db, actor=world.actor(standup.bob), checkin_id=checkin.id, data=NeedConfirm(), now=at(13, 1)
        )
        board = service.board(
            db, actor=world.actor(standup.lead), team_id=standup.team.id, now=at(14), tz=UTC
        )  # type: ignore[arg-type]
        assert [c.person_name for c in board.checkins] == ["Bob Newfie", "Lea Lead"]
        assert board.checkins[0].need is not None and board.checkins[0].need.ask_status == "open"
        assert (board.answered, board.members) == (2, 3)
        assert "Ada" not in board.model_dump_json()

    def test_private_answers_only_for_the_lead(self, standup: Scene, world: World, db: Session) -> None:
        service.answer(
            db,
            actor=world.actor(standup.bob),
            data=CheckinWrite(answers={"worked_on": "a hard week"}, private=True),
            now=at(13),
        )
        as_lead = service.board(
            db, actor=world.actor(standup.lead), team_id=standup.team.id, now=at(14), tz=UTC
        )  # type: ignore[arg-type]
        as_ada = service.board(
            db, actor=world.actor(standup.ada), team_id=standup.team.id, now=at(14), tz=UTC
        )  # type: ignore[arg-type]
        assert [c.person_name for c in as_lead.checkins] == ["Bob Newfie"]
        assert as_ada.checkins == [] and as_ada.answered == 1


def test_inbox_words_for_standup_items(standup: Scene, world: World, db: Session) -> None:
    from askwell.notifications.inbox import TargetKind, render
    from askwell.notifications.models import Notification

    service.tick(db, now=at(13))
    rows = list(db.query(Notification).filter(Notification.person_id == standup.bob.id))
    items = render(db, actor=world.actor(standup.bob), rows=rows)
    assert [i.text for i in items] == [
        "Time for today's stand-up: what you worked on, what's next, and where help would make a difference"
    ]
    assert items[0].target.kind == TargetKind.STANDUP
