"""The worker's tick: due prompts sent once, at each member's local time; catch-up; skipped days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from askwell.notifications.models import Notification, NotificationKind
from askwell.people import service as people_service
from askwell.standups import service
from askwell.standups.models import StandupPrompt, StandupSchedule
from askwell.standups.schemas import AwayWrite, CheckinWrite, StandupSettingsWrite
from tests.conftest import World, system_actor
from tests.standups.conftest import Scene

MONDAY = date(2026, 3, 2)


def prompts(db: Session, person_id: int | None = None) -> list[StandupPrompt]:
    stmt = select(StandupPrompt).order_by(StandupPrompt.id)
    if person_id is not None:
        stmt = stmt.where(StandupPrompt.person_id == person_id)
    return list(db.scalars(stmt))


def notices(db: Session, person_id: int, kind: NotificationKind) -> int:
    return (
        db.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.person_id == person_id, Notification.kind == kind.value)
        )
        or 0
    )


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


class TestTick:
    def test_each_member_at_their_own_0930(self, standup: Scene, db: Session) -> None:
        # Configured Monday 09:30 UTC: Kolkata's 09:30 (04:00 UTC) closed at 08:00 UTC, so Ada's first
        # prompt is Tuesday's; the lead's (09:30 UTC) is due now.
        service.tick(db, now=at(MONDAY, 9, 30))
        assert prompts(db, standup.ada.id) == []
        assert [p.local_date for p in prompts(db, standup.lead.id)] == [MONDAY]
        assert prompts(db, standup.bob.id) == []  # 09:30 in St John's is 13:00 UTC
        service.tick(db, now=at(MONDAY, 12, 59))
        assert prompts(db, standup.bob.id) == []
        service.tick(db, now=at(MONDAY, 13, 0))
        (bob,) = prompts(db, standup.bob.id)
        assert bob.due_at == at(MONDAY, 13, 0)
        assert notices(db, standup.bob.id, NotificationKind.STANDUP_PROMPT) == 1

    def test_a_second_tick_sends_nothing_again(self, standup: Scene, db: Session) -> None:
        first = service.tick(db, now=at(MONDAY, 13, 0))
        again = service.tick(db, now=at(MONDAY, 13, 1))
        assert first.sent == 2 and again.sent == 0
        assert notices(db, standup.bob.id, NotificationKind.STANDUP_PROMPT) == 1

    def test_next_prompt_is_the_next_weekday(self, standup: Scene, db: Session) -> None:
        service.tick(db, now=at(MONDAY, 13, 0))
        row = db.scalar(select(StandupSchedule).where(StandupSchedule.person_id == standup.bob.id))
        assert row is not None and row.local_date == MONDAY + timedelta(days=1)

    def test_missed_tick_catches_up_while_the_window_is_open(self, standup: Scene, db: Session) -> None:
        # The worker was down from 09:30 to 10:30 UTC: the lead's prompt (open until 13:30) goes late.
        assert service.tick(db, now=at(MONDAY, 10, 30)).sent == 1
        assert len(prompts(db, standup.lead.id)) == 1
        # Down again until 14:00: Bob's (open until 17:00) goes out; nothing is sent twice.
        assert service.tick(db, now=at(MONDAY, 14, 0)).sent == 1
        assert len(prompts(db, standup.lead.id)) == 1
        assert notices(db, standup.lead.id, NotificationKind.STANDUP_PROMPT) == 1

    def test_a_prompt_whose_window_closed_meanwhile_is_skipped(self, standup: Scene, db: Session) -> None:
        result = service.tick(db, now=at(MONDAY, 14, 0))  # the lead's window closed at 13:30
        assert result.sent == 1
        assert prompts(db, standup.lead.id) == []

    def test_a_window_already_closed_is_skipped_not_sent(self, standup: Scene, db: Session) -> None:
        # Down until Tuesday 02:00 UTC: Monday's prompts all closed (Bob's at 17:00 UTC).
        result = service.tick(db, now=at(MONDAY + timedelta(days=1), 2, 0))
        assert result.sent == 0 and result.skipped == 3
        assert prompts(db) == []
        service.tick(db, now=at(MONDAY + timedelta(days=1), 4, 0))  # Ada's Tuesday 09:30
        assert [p.local_date for p in prompts(db)] == [MONDAY + timedelta(days=1)]

    def test_a_person_in_several_teams_gets_one_prompt(
        self, standup: Scene, world: World, db: Session
    ) -> None:
        admin = system_actor(standup.org)
        second = world.team(standup.org, "Payments")
        people_service.set_membership(
            db, actor=admin, team_id=second.id, person_id=standup.bob.id, member=True
        )
        service.configure(
            db, actor=admin, team_id=second.id, data=StandupSettingsWrite(prompt_time="11:00"), now=world.now
        )
        service.tick(db, now=at(MONDAY, 16, 0))
        (prompt,) = prompts(db, standup.bob.id)
        assert sorted(prompt.team_ids) == sorted([standup.team.id, second.id])
        assert prompt.due_at == at(MONDAY, 13, 0)  # the earlier of 09:30 and 11:00, St John's time
        assert notices(db, standup.bob.id, NotificationKind.STANDUP_PROMPT) == 1

    def test_an_away_person_gets_no_prompt(self, standup: Scene, world: World, db: Session) -> None:
        service.set_away(
            db,
            actor=world.actor(standup.bob),
            data=AwayWrite(starts_on=MONDAY, ends_on=MONDAY + timedelta(days=2)),
            now=world.now,
        )
        service.tick(db, now=at(MONDAY, 16, 0))
        assert prompts(db, standup.bob.id) == []
        row = db.scalar(select(StandupSchedule).where(StandupSchedule.person_id == standup.bob.id))
        assert row is not None and row.local_date == MONDAY + timedelta(days=3)

    def test_a_deleted_team_prompts_nobody(self, standup: Scene, world: World, db: Session) -> None:
        db.delete(standup.team)
        db.commit()
        result = service.tick(db, now=at(MONDAY, 16, 0))
        assert result.sent == 0
        assert prompts(db) == []
        assert (
            db.scalar(
                select(func.count()).select_from(StandupSchedule).where(StandupSchedule.next_at.is_not(None))
            )
            == 0
        )

    def test_a_team_with_nobody_in_working_hours_still_prompts_each_at_their_time(
        self, scene: Scene, world: World, db: Session
    ) -> None:
        # Prompt at 03:00: nobody works then, but each member set it so; each is prompted at their 03:00.
        service.configure(
            db,
            actor=world.actor(scene.lead),
            team_id=scene.team.id,
            data=StandupSettingsWrite(prompt_time="03:00"),
            now=world.now,
        )
        service.tick(db, now=at(MONDAY, 21, 30))
        service.tick(db, now=at(MONDAY + timedelta(days=1), 6, 59))
        due = {p.person_id: p.due_at for p in prompts(db)}
        assert due[scene.bob.id] == at(MONDAY + timedelta(days=1), 6, 30)
        assert due[scene.lead.id] == at(MONDAY + timedelta(days=1), 3, 0)
        assert due[scene.ada.id] == at(MONDAY, 21, 30)  # Tuesday 03:00 in Kolkata


class TestReminders:
    def test_a_private_reminder_only_to_who_has_not_answered(
        self, standup: Scene, world: World, db: Session
    ) -> None:
        service.tick(db, now=at(MONDAY, 9, 30))
        assert service.remind(db, now=at(MONDAY, 11, 30)) == 1  # halfway through the lead's window
        assert notices(db, standup.lead.id, NotificationKind.STANDUP_REMINDER) == 1
        assert service.remind(db, now=at(MONDAY, 11, 31)) == 0  # once
        service.tick(db, now=at(MONDAY, 13, 0))
        service.answer(
            db,
            actor=world.actor(standup.bob),
            data=CheckinWrite(answers={"worked_on": "the deploy"}),
            now=at(MONDAY, 13, 5),
        )
        assert service.remind(db, now=at(MONDAY, 15, 0)) == 0
        assert notices(db, standup.bob.id, NotificationKind.STANDUP_REMINDER) == 0


class TestDigest:
    def test_once_each_person_s_window_closes_to_that_person_once(self, standup: Scene, db: Session) -> None:
        service.tick(db, now=at(MONDAY, 9, 30))  # the lead's prompt, open until 13:30
        service.tick(db, now=at(MONDAY, 13, 0))  # Bob's, open until 17:00
        assert service.send_digests(db, now=at(MONDAY, 13, 29)) == 0
        assert service.send_digests(db, now=at(MONDAY, 13, 30)) == 1
        assert notices(db, standup.lead.id, NotificationKind.STANDUP_DIGEST) == 1
        assert notices(db, standup.bob.id, NotificationKind.STANDUP_DIGEST) == 0
        assert service.send_digests(db, now=at(MONDAY, 17, 0)) == 1
        assert service.send_digests(db, now=at(MONDAY, 18, 0)) == 0
        assert notices(db, standup.bob.id, NotificationKind.STANDUP_DIGEST) == 1
