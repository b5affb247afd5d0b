"""The daily rollups: the incremental job and ``insights rebuild`` give exactly the same rows."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from askwell.insights import repository, service
from askwell.insights.models import PersonDay, TeamDay
from askwell.insights.rollup import ORG_TEAM
from askwell.ledger.models import EntryKind
from askwell.people import service as people_service
from askwell.people.models import Organization
from tests.conftest import World, system_actor
from tests.insights.conftest import help_story, say


def _team_counts(db: Session, team_id: int) -> dict[str, int]:
    rows = db.scalars(select(TeamDay).where(TeamDay.team_id == team_id)).all()
    return {c: sum(getattr(r, c) for r in rows) for c in ("asks", "help_given", "help_received")}


class TestIncrementalEqualsRebuild:
    def test_batches_moves_and_rebuild_give_the_same_rows(self, db: Session, world: World) -> None:
        org = world.org()
        red, blue = world.team(org, "Red"), world.team(org, "Blue")
        ana = world.person(org, "Ana", teams=["Red"])
        ben = world.person(org, "Ben", teams=["Red"])
        cy = world.person(org, "Cy", teams=["Blue"])
        start = world.now - timedelta(days=60)
        help_story(db, ana, ben, start, ask_id=1)
        help_story(db, cy, ana, start + timedelta(days=3), ask_id=2)
        service.roll_up(db, now=world.now, batch=3)
        # Ben moves from Red to Blue; what he does afterwards counts for Blue, his past stays in Red.
        admin = system_actor(org)
        later = world.now + timedelta(days=1)
        people_service.set_membership(db, actor=admin, team_id=red.id, person_id=ben.id, member=False)
        people_service.set_membership(db, actor=admin, team_id=blue.id, person_id=ben.id, member=True)
        service.roll_up(db, now=later, batch=3)
        help_story(db, cy, ben, later + timedelta(hours=1), ask_id=3)
        service.roll_up(db, now=later + timedelta(hours=6), batch=2)
        incremental = repository.snapshot(db)

        service.rebuild(db, now=later + timedelta(hours=6))

        assert repository.snapshot(db) == incremental
        assert _team_counts(db, red.id) == {"asks": 1, "help_given": 2, "help_received": 1}
        assert _team_counts(db, blue.id) == {"asks": 2, "help_given": 1, "help_received": 2}
        assert _team_counts(db, ORG_TEAM) == {"asks": 3, "help_given": 3, "help_received": 3}

    def test_a_rebuild_while_entries_arrive_leaves_them_to_the_job(self, db: Session, world: World) -> None:
        org = world.org()
        world.team(org, "Red")
        ana, ben = world.person(org, teams=["Red"]), world.person(org, teams=["Red"])
        help_story(db, ana, ben, world.now - timedelta(days=10), ask_id=1)
        service.roll_up(db, now=world.now)
        before = repository.snapshot(db)
        help_story(db, ben, ana, world.now - timedelta(days=1), ask_id=2)  # arrives during the rebuild

        service.rebuild(db, now=world.now)
        assert repository.snapshot(db) == before

        assert service.roll_up(db, now=world.now) == 5
        after_job = repository.snapshot(db)
        assert after_job != before
        service.rebuild(db, now=world.now)
        assert repository.snapshot(db) == after_job

    def test_the_job_is_idempotent(self, db: Session, world: World) -> None:
        org = world.org()
        ana, ben = world.person(org), world.person(org)
        help_story(db, ana, ben, world.now - timedelta(days=2), ask_id=1)
        service.roll_up(db, now=world.now)
        once = repository.snapshot(db)
        assert service.roll_up(db, now=world.now) == 0
        assert repository.snapshot(db) == once


class TestPersonRows:
    def test_counts_per_person_and_day(self, db: Session, world: World) -> None:
        org = world.org()
        ana, ben = world.person(org), world.person(org)
        help_story(db, ana, ben, world.now - timedelta(days=2), ask_id=1)
        say(db, EntryKind.ASKED_DIRECTLY, ana, world.now - timedelta(days=2), subject=ben, ask_id=1)
        service.roll_up(db, now=world.now)
        rows = db.scalars(select(PersonDay).where(PersonDay.person_id == ana.id)).all()
        assert sum(r.asks for r in rows) == 1
        assert sum(r.help_received for r in rows) == 1
        assert sum(r.thanks_given for r in rows) == 1
        helper = db.scalars(select(PersonDay).where(PersonDay.person_id == ben.id)).all()
        assert (sum(r.offers for r in helper), sum(r.help_given for r in helper)) == (1, 1)

    def test_individual_analytics_off_keeps_only_aggregates(self, db: Session, world: World) -> None:
        org = world.org()
        ana, ben = world.person(org), world.person(org)
        help_story(db, ana, ben, world.now - timedelta(days=2), ask_id=1)
        service.roll_up(db, now=world.now)
        assert db.scalars(select(PersonDay).where(PersonDay.org_id == org.id)).all()

        db.get_one(Organization, org.id).individual_analytics = False
        help_story(db, ben, ana, world.now - timedelta(days=1), ask_id=2)
        service.roll_up(db, now=world.now)

        assert db.scalars(select(PersonDay).where(PersonDay.org_id == org.id)).all() == []
        assert _team_counts(db, ORG_TEAM)["asks"] == 2
        incremental = repository.snapshot(db)
        service.rebuild(db, now=world.now)
        assert repository.snapshot(db) == incremental

    def test_other_organizations_rows_stay_apart(self, db: Session, world: World) -> None:
        one, two = world.org("One"), world.org("Two")
        a1, b1 = world.person(one), world.person(one)
        a2, b2 = world.person(two), world.person(two)
        help_story(db, a1, b1, world.now - timedelta(days=2), ask_id=1)
        help_story(db, a2, b2, world.now - timedelta(days=2), ask_id=2)
        service.roll_up(db, now=world.now)
        rows = db.scalars(select(TeamDay).where(TeamDay.team_id == ORG_TEAM)).all()
        assert {r.org_id: r.asks for r in rows if r.asks} == {one.id: 1, two.id: 1}


class TestDeactivatedPeople:
    def test_history_stays_in_the_team_and_they_leave_the_distribution(
        self, db: Session, world: World
    ) -> None:
        org = world.org()
        red = world.team(org, "Red")
        ana, ben = world.person(org, teams=["Red"]), world.person(org, teams=["Red"])
        help_story(db, ana, ben, world.now - timedelta(days=5), ask_id=1)
        people_service.set_active(db, actor=system_actor(org), person_id=ben.id, active=False, now=world.now)
        service.roll_up(db, now=world.now)
        assert _team_counts(db, red.id) == {"asks": 1, "help_given": 1, "help_received": 1}
        everyone = service._activities(db, org_id=org.id, now=world.now)
        assert set(everyone) == {ana.id}
        incremental = repository.snapshot(db)
        service.rebuild(db, now=world.now)
        assert repository.snapshot(db) == incremental
