"""The network's jobs: learning ties from the ledger, team ties, intro reminders, reconnect nudges."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from askwell.asks.models import Ask
from askwell.core.jobs import JobRegistry
from askwell.ledger.models import EntryKind
from askwell.ledger.service import record
from askwell.network import intros, jobs, repository
from askwell.network.models import ReconnectNudge
from askwell.network.schemas import ConnectorAnswer, IntroRequest
from askwell.notifications.models import Notification
from askwell.people.models import Person
from tests.conftest import World
from tests.network.conftest import Circle, Tied


def _kinds(db: Session, person: Person) -> list[str]:
    return list(db.scalars(select(Notification.kind).where(Notification.person_id == person.id)))


class TestLearnFromLedger:
    def test_help_and_thanks_strengthen_the_pair_once(self, db: Session, world: World) -> None:
        org = world.org()
        asker, helper = world.person(org), world.person(org)
        for kind, actor, subject in [
            (EntryKind.OFFER_MADE, helper, asker),
            (EntryKind.OFFER_ACCEPTED, asker, helper),
            (EntryKind.HELP_GIVEN, helper, asker),
            (EntryKind.THANKS, asker, helper),
            (EntryKind.ASK_OPENED, asker, None),
        ]:
            record(
                db,
                org_id=org.id,
                kind=kind,
                actor_id=actor.id,
                subject_id=subject.id if subject else None,
                at=world.now,
            )
        assert jobs.learn_from_ledger(db, now=world.now) == 3
        assert jobs.learn_from_ledger(db, now=world.now) == 0
        tie = repository.tie_between(db, org_id=org.id, a=asker.id, b=helper.id)
        assert tie is not None
        assert tie.interactions == 3
        assert sorted(tie.origins) == ["help_given", "offer", "thanks"]

    def test_reads_in_bounded_batches_up_to_the_end(self, db: Session, world: World) -> None:
        org = world.org()
        a, b = world.person(org), world.person(org)
        for _ in range(7):
            record(db, org_id=org.id, kind=EntryKind.THANKS, actor_id=a.id, subject_id=b.id, at=world.now)
        assert jobs.learn_from_ledger(db, now=world.now, batch=3) == 7
        tie = repository.tie_between(db, org_id=org.id, a=a.id, b=b.id)
        assert tie is not None and tie.interactions == 7

    def test_people_no_longer_active_are_skipped(self, db: Session, world: World) -> None:
        org = world.org()
        a, b = world.person(org), world.person(org)
        b.is_active = False
        record(db, org_id=org.id, kind=EntryKind.THANKS, actor_id=a.id, subject_id=b.id, at=world.now)
        assert jobs.learn_from_ledger(db, now=world.now) == 0
        assert repository.tie_between(db, org_id=org.id, a=a.id, b=b.id) is None


def test_team_ties_job_covers_every_organization(db: Session, world: World) -> None:
    for name in ("Acme", "Globex"):
        org = world.org(name)
        world.team(org, "Core")
        world.person(org, teams=["Core"])
        world.person(org, teams=["Core"])
    assert jobs.sync_all_team_ties(db, now=world.now) == 2
    assert jobs.sync_all_team_ties(db, now=world.now) == 0


class TestIntroReminders:
    def test_one_reminder_to_whoever_it_waits_on(self, db: Session, world: World, circle: Circle) -> None:
        data = IntroRequest(connector_id=circle.carl.id, query="SOC 2 audits")
        intro = intros.request_intro(db, actor=world.actor(circle.ana), data=data, now=circle.now)
        assert jobs.remind_pending_intros(db, now=circle.now + timedelta(days=2)) == 0
        assert jobs.remind_pending_intros(db, now=circle.now + timedelta(days=4)) == 1
        assert jobs.remind_pending_intros(db, now=circle.now + timedelta(days=9)) == 0
        assert _kinds(db, circle.carl).count("intro_reminder") == 1
        later = circle.now + timedelta(days=10)
        answer = ConnectorAnswer(decision="accept")  # type: ignore[arg-type]
        intros.answer_as_connector(
            db, actor=world.actor(circle.carl), intro_id=intro.id, data=answer, now=later
        )
        assert jobs.remind_pending_intros(db, now=later + timedelta(days=5)) == 0
        assert "intro_reminder" not in _kinds(db, circle.tess)


class TestReconnectNudges:
    def test_at_most_one_a_week(
        self, db: Session, world: World, tie: Tied, ask_for: Callable[..., Ask]
    ) -> None:
        org = world.org()
        me = world.person(org)
        old = world.person(org, "Old Expert", skills=["Kubernetes"])
        tie(me, old, days_ago=400)
        ask_for(me, "Kubernetes capacity planning", tags=["kubernetes"])
        assert jobs.nudge_dormant_ties(db, now=world.now) == 1
        assert jobs.nudge_dormant_ties(db, now=world.now + timedelta(days=3)) == 0
        assert jobs.nudge_dormant_ties(db, now=world.now + timedelta(days=8)) == 1
        nudges = list(db.scalars(select(ReconnectNudge).where(ReconnectNudge.person_id == me.id)))
        assert [n.tie_person_id for n in nudges] == [old.id, old.id]
        assert _kinds(db, me).count("reconnect_nudge") == 2

    def test_no_nudge_without_a_relevant_dormant_tie(
        self, db: Session, world: World, tie: Tied, ask_for: Callable[..., Ask]
    ) -> None:
        org = world.org()
        me, old = world.person(org), world.person(org, skills=["Cooking"])
        tie(me, old, days_ago=400)
        ask_for(me, "Kubernetes capacity planning", tags=["kubernetes"])
        assert jobs.nudge_dormant_ties(db, now=world.now) == 0


def test_registered_with_schedules() -> None:
    registry = JobRegistry()
    jobs.register(registry)
    assert {"network.learn", "network.intro_reminders"} <= set(registry.kinds)
    assert any(s.kind == "network.learn" and s.every == timedelta(minutes=5) for s in registry.schedules)
