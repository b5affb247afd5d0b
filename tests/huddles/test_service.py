"""Calling a huddle: helpers working now, the slot, the invitation emails, answers, cancel, outcome."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select
from sqlalchemy.orm import Session

from askwell.core.clock import FrozenClock
from askwell.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from askwell.core.jobs import Job
from askwell.huddles import service
from askwell.huddles.errors import NobodyInWorkingHours
from askwell.huddles.models import Huddle, HuddleInvite
from askwell.huddles.schemas import HuddleAnswer, HuddleCreate, HuddleOutcome, HuddleReschedule
from askwell.ledger.models import EntryKind, LedgerEntry
from askwell.notifications.models import Notification, NotificationKind
from tests.conftest import World
from tests.huddles.conftest import LINK, Huddlers
from tests.matching.conftest import FakeEncoder


def _call(db: Session, world: World, h: Huddlers, topic: str = "Kafka consumer retries loop") -> Huddle:
    huddle = service.call_huddle(
        db,
        actor=world.actor(h.caller),
        data=HuddleCreate(topic=topic),
        now=world.now,
        encode=FakeEncoder(),
        link_template=LINK,
    )
    db.commit()
    return huddle


def _emails(db: Session) -> list[Job]:
    db.expire_all()
    return list(db.scalars(select(Job).where(Job.kind == "email.send").order_by(Job.id)))


class TestCall:
    def test_kafka_people_working_now_are_invited_to_a_slot_in_everyones_hours(
        self, db: Session, world: World, huddlers: Huddlers
    ) -> None:
        huddle = _call(db, world, huddlers)
        invited = {
            i.person_id for i in db.scalars(select(HuddleInvite).where(HuddleInvite.huddle_id == huddle.id))
        }
        # Tokyo is at 18:30: not invited; the SQL person does not know Kafka.
        assert invited == {huddlers.kafka_berlin.id, huddlers.kafka_kolkata.id}
        assert (huddle.starts_at, huddle.ends_at) == (
            datetime(2026, 3, 2, 9, 35, tzinfo=UTC),
            datetime(2026, 3, 2, 9, 50, tzinfo=UTC),
        )
        assert huddle.link == f"https://meet.example.com/askwell-{huddle.id}"
        assert (
            len(
                db.scalars(
                    select(Notification).where(Notification.kind == NotificationKind.HUDDLE_INVITED.value)
                ).all()
            )
            == 2
        )

    def test_each_attendee_and_the_caller_get_the_ics_request(
        self, db: Session, world: World, huddlers: Huddlers
    ) -> None:
        huddle = _call(db, world, huddlers)
        jobs = _emails(db)
        assert sorted(j.payload["to"] for j in jobs) == sorted(
            [huddlers.caller.email, huddlers.kafka_berlin.email, huddlers.kafka_kolkata.email]
        )
        attachment = jobs[0].payload["attachments"][0]
        assert attachment["content_type"].startswith("text/calendar; method=REQUEST")
        event = Calendar.from_ical(attachment["content"]).walk("VEVENT")[0]
        assert str(event["uid"]) == huddle.uid
        assert event.decoded("dtstart") == huddle.starts_at
        # The Kolkata helper's email shows the time on their clock (15:05 IST).
        kiran = next(j for j in jobs if j.payload["to"] == huddlers.kafka_kolkata.email)
        assert "15:05 IST" in kiran.payload["subject"]

    def test_nobody_in_working_hours_is_a_clear_message_and_nothing_is_sent(
        self, db: Session, world: World, huddlers: Huddlers, clock: FrozenClock
    ) -> None:
        saturday = datetime(2026, 3, 7, 10, 0, tzinfo=UTC)
        with pytest.raises(NobodyInWorkingHours, match="Nobody who could help is in working hours"):
            service.call_huddle(
                db,
                actor=world.actor(huddlers.caller),
                data=HuddleCreate(topic="Kafka retries"),
                now=saturday,
                encode=None,
                link_template=LINK,
            )
        db.rollback()
        assert db.scalars(select(Huddle)).all() == []
        assert _emails(db) == []

    def test_a_team_with_nobody_working_now(self, db: Session, world: World, huddlers: Huddlers) -> None:
        team = huddlers.caller  # Platform: the caller and the SQL person, both in Berlin
        evening = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)  # 18:00 in Berlin
        actor = world.actor(team)
        with pytest.raises(NobodyInWorkingHours):
            service.call_huddle(
                db,
                actor=actor,
                data=HuddleCreate(topic="SQL", team_id=next(iter(actor.teams))),
                now=evening,
                encode=None,
                link_template=LINK,
            )


class TestAnswersAndCancel:
    def test_join_and_cant(self, db: Session, world: World, huddlers: Huddlers) -> None:
        huddle = _call(db, world, huddlers)
        service.answer(
            db,
            actor=world.actor(huddlers.kafka_berlin),
            huddle_id=huddle.id,
            data=HuddleAnswer(join=True),
            now=world.now,
        )
        service.answer(
            db,
            actor=world.actor(huddlers.kafka_kolkata),
            huddle_id=huddle.id,
            data=HuddleAnswer(join=False),
            now=world.now,
        )
        db.commit()
        read = service.get(db, actor=world.actor(huddlers.caller), huddle_id=huddle.id)
        assert {i.name: i.state for i in read.invites} == {"Bea Kafka": "joined", "Kiran Kafka": "cant"}

    def test_strangers_and_other_organizations_see_nothing(
        self, db: Session, world: World, huddlers: Huddlers
    ) -> None:
        huddle = _call(db, world, huddlers)
        for stranger in (huddlers.kafka_tokyo, huddlers.outsider):
            with pytest.raises(NotFound):
                service.get(db, actor=world.actor(stranger), huddle_id=huddle.id)
            with pytest.raises(NotFound):
                service.answer(
                    db,
                    actor=world.actor(stranger),
                    huddle_id=huddle.id,
                    data=HuddleAnswer(join=True),
                    now=world.now,
                )
        assert service.my_huddles(db, actor=world.actor(huddlers.outsider)) == []

    def test_cancel_sends_method_cancel_with_the_next_sequence(
        self, db: Session, world: World, huddlers: Huddlers
    ) -> None:
        huddle = _call(db, world, huddlers)
        with pytest.raises(PermissionDenied):
            service.cancel(db, actor=world.actor(huddlers.kafka_berlin), huddle_id=huddle.id, now=world.now)
        before = len(_emails(db))
        service.cancel(db, actor=world.actor(huddlers.caller), huddle_id=huddle.id, now=world.now)
        db.commit()
        cancels = _emails(db)[before:]
        assert len(cancels) == 3
        attachment = cancels[0].payload["attachments"][0]
        assert attachment["content_type"].startswith("text/calendar; method=CANCEL")
        cal = Calendar.from_ical(attachment["content"])
        event = cal.walk("VEVENT")[0]
        assert (str(cal["method"]), str(event["uid"]), int(event["sequence"])) == ("CANCEL", huddle.uid, 1)
        with pytest.raises(Conflict):
            service.answer(
                db,
                actor=world.actor(huddlers.kafka_berlin),
                huddle_id=huddle.id,
                data=HuddleAnswer(join=True),
                now=world.now,
            )


class TestOutcome:
    def test_thanks_go_to_the_ledger(self, db: Session, world: World, huddlers: Huddlers) -> None:
        huddle = _call(db, world, huddlers)
        later = world.now + timedelta(minutes=30)
        service.record_outcome(
            db,
            actor=world.actor(huddlers.caller),
            huddle_id=huddle.id,
            data=HuddleOutcome(
                resolved=True, thank=[huddlers.kafka_berlin.id], note="Fixed the offset commit."
            ),
            now=later,
        )
        db.commit()
        entry = db.scalars(select(LedgerEntry).where(LedgerEntry.kind == EntryKind.THANKS.value)).one()
        assert (entry.actor_id, entry.subject_id, entry.data["huddle_id"]) == (
            huddlers.caller.id,
            huddlers.kafka_berlin.id,
            huddle.id,
        )
        read = service.get(db, actor=world.actor(huddlers.caller), huddle_id=huddle.id)
        assert (read.status, read.resolved) == ("done", True)
        with pytest.raises(Conflict):
            service.record_outcome(
                db,
                actor=world.actor(huddlers.caller),
                huddle_id=huddle.id,
                data=HuddleOutcome(resolved=True),
                now=later,
            )

    def test_only_the_caller_after_the_start_thanking_invitees(
        self, db: Session, world: World, huddlers: Huddlers
    ) -> None:
        huddle = _call(db, world, huddlers)
        caller = world.actor(huddlers.caller)
        with pytest.raises(Conflict):
            service.record_outcome(
                db, actor=caller, huddle_id=huddle.id, data=HuddleOutcome(resolved=True), now=world.now
            )
        later = world.now + timedelta(hours=1)
        with pytest.raises(PermissionDenied):
            service.record_outcome(
                db,
                actor=world.actor(huddlers.kafka_berlin),
                huddle_id=huddle.id,
                data=HuddleOutcome(resolved=True),
                now=later,
            )
        with pytest.raises(Exception, match="Thank only people invited"):
            service.record_outcome(
                db,
                actor=caller,
                huddle_id=huddle.id,
                data=HuddleOutcome(resolved=True, thank=[huddlers.kafka_tokyo.id]),
                now=later,
            )


class TestErasure:
    def test_erasing_the_caller_replaces_their_words_and_keeps_the_thanks(
        self, db: Session, world: World, huddlers: Huddlers
    ) -> None:
        from askwell.privacy.service import erase_person
        from tests.conftest import system_actor

        huddle = _call(db, world, huddlers, topic="Kafka retries in the billing service")
        later = world.now + timedelta(hours=1)
        thanks = HuddleOutcome(resolved=True, thank=[huddlers.kafka_berlin.id], note="The billing offsets")
        service.record_outcome(
            db, actor=world.actor(huddlers.caller), huddle_id=huddle.id, data=thanks, now=later
        )
        db.commit()
        erase_person(db, actor=system_actor(huddlers.org), person_id=huddlers.caller.id, now=later)
        db.commit()
        db.refresh(huddle)
        assert "billing" not in huddle.topic and huddle.outcome_note == ""
        assert db.scalars(select(LedgerEntry).where(LedgerEntry.kind == EntryKind.THANKS.value)).one()


class TestReschedule:
    def test_moving_sends_the_next_sequence_then_cancel_the_one_after(
        self, db: Session, world: World, huddlers: Huddlers
    ) -> None:
        huddle = _call(db, world, huddlers)
        length = huddle.ends_at - huddle.starts_at
        with pytest.raises(PermissionDenied):
            service.reschedule(
                db,
                actor=world.actor(huddlers.kafka_berlin),
                huddle_id=huddle.id,
                data=HuddleReschedule(starts_at=world.now + timedelta(hours=3)),
                now=world.now,
            )
        before = len(_emails(db))
        # Naive: in the caller's zone (Berlin, CET in March): 15:00 local is 14:00 UTC.
        service.reschedule(
            db,
            actor=world.actor(huddlers.caller),
            huddle_id=huddle.id,
            data=HuddleReschedule(starts_at=datetime(2026, 3, 3, 15, 0)),
            now=world.now,
        )
        db.commit()
        moved = _emails(db)[before:]
        assert len(moved) == 3 and moved[0].payload["subject"].startswith("Moved to ")
        attachment = moved[0].payload["attachments"][0]
        assert attachment["content_type"].startswith("text/calendar; method=REQUEST")
        cal = Calendar.from_ical(attachment["content"])
        cal.validate()
        event = cal.walk("VEVENT")[0]
        assert (str(cal["method"]), str(event["uid"]), int(event["sequence"])) == ("REQUEST", huddle.uid, 1)
        assert event.decoded("dtstart") == datetime(2026, 3, 3, 14, 0, tzinfo=UTC)
        assert event.decoded("dtend") - event.decoded("dtstart") == length

        before = len(_emails(db))
        service.cancel(db, actor=world.actor(huddlers.caller), huddle_id=huddle.id, now=world.now)
        db.commit()
        cancel = Calendar.from_ical(_emails(db)[before].payload["attachments"][0]["content"])
        assert (str(cancel["method"]), int(cancel.walk("VEVENT")[0]["sequence"])) == ("CANCEL", 2)

    def test_a_start_in_the_past_or_too_far_is_refused_and_nothing_sent(
        self, db: Session, world: World, huddlers: Huddlers
    ) -> None:
        huddle = _call(db, world, huddlers)
        before = len(_emails(db))
        for starts in (world.now - timedelta(minutes=1), world.now + timedelta(days=15)):
            with pytest.raises(InvalidInput, match="between now and 14 days"):
                service.reschedule(
                    db,
                    actor=world.actor(huddlers.caller),
                    huddle_id=huddle.id,
                    data=HuddleReschedule(starts_at=starts),
                    now=world.now,
                )
        db.rollback()
        assert len(_emails(db)) == before
        assert db.get(Huddle, huddle.id).sequence == 0  # type: ignore[union-attr]
