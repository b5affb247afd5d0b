"""The daily rollups: the incremental job and ``insights rebuild`` give exactly the same rows."""

from __future__ import annotations

import random
import statistics
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from askwell.insights import repository, service
from askwell.insights.models import AskWeek, PersonDay, TeamDay
from askwell.insights.rollup import NO_OFFER, ORG_TEAM, ask_week_delta, delay_bucket, median_hours, week_of
from askwell.ledger.models import EntryKind
from askwell.people import service as people_service
from askwell.people.models import Organization, Role
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


class TestAskWeeks:
    """The weekly ask counts by delay to a first offer: what the team and organization views read."""

    def _rows(self, db: Session, team_id: int) -> dict[tuple[date, int], tuple[int, int]]:
        rows = db.scalars(select(AskWeek).where(AskWeek.team_id == team_id)).all()
        return {(r.week, r.delay_minutes): (r.asks, r.helped) for r in rows}

    def test_an_offer_in_a_later_batch_moves_the_ask_out_of_no_offer(self, db: Session, world: World) -> None:
        org = world.org()
        red = world.team(org, "Red")
        ana, ben = world.person(org, teams=["Red"]), world.person(org, teams=["Red"])
        opened = world.now - timedelta(days=3)
        say(db, EntryKind.ASK_OPENED, ana, opened, ask_id=1)
        service.roll_up(db, now=world.now)
        week = week_of(opened.date())
        assert self._rows(db, red.id) == {(week, NO_OFFER): (1, 0)}

        say(db, EntryKind.OFFER_MADE, ben, opened + timedelta(minutes=95), subject=ana, ask_id=1)
        service.roll_up(db, now=world.now)
        assert self._rows(db, red.id) == {(week, 95): (1, 0)}  # no row left at zero

        say(db, EntryKind.HELP_GIVEN, ben, opened + timedelta(days=1), subject=ana, ask_id=1)
        service.roll_up(db, now=world.now)
        assert self._rows(db, red.id) == {(week, 95): (1, 1)}
        assert self._rows(db, ORG_TEAM) == {(week, 95): (1, 1)}
        incremental = repository.snapshot(db)
        service.rebuild(db, now=world.now)
        assert repository.snapshot(db) == incremental

    def test_an_earlier_offer_arriving_late_takes_the_ask_to_its_bucket(
        self, db: Session, world: World
    ) -> None:
        org = world.org()
        ana, ben = world.person(org), world.person(org)
        opened = world.now - timedelta(days=3)
        say(db, EntryKind.ASK_OPENED, ana, opened, ask_id=1)
        say(db, EntryKind.OFFER_MADE, ben, opened + timedelta(hours=5), subject=ana, ask_id=1)
        service.roll_up(db, now=world.now)
        say(db, EntryKind.OFFER_MADE, ben, opened + timedelta(minutes=30), subject=ana, ask_id=1)
        service.roll_up(db, now=world.now)
        assert self._rows(db, ORG_TEAM) == {(week_of(opened.date()), 30): (1, 0)}

    def test_the_organization_view_takes_medians_and_shares_from_the_weekly_rows(
        self, db: Session, world: World
    ) -> None:
        org = world.org()
        people = [world.person(org) for _ in range(6)]
        admin = world.person(org, role=Role.ADMIN)
        monday = week_of((world.now - timedelta(weeks=2)).date())
        opened = datetime(monday.year, monday.month, monday.day, 9, tzinfo=UTC)
        delays = [timedelta(minutes=20), timedelta(minutes=50), timedelta(hours=3), None]
        for i, delay in enumerate(delays, start=1):
            say(db, EntryKind.ASK_OPENED, people[i], opened, ask_id=i)
            if delay is not None:
                say(db, EntryKind.OFFER_MADE, people[0], opened + delay, subject=people[i], ask_id=i)
        say(db, EntryKind.HELP_GIVEN, people[0], opened + timedelta(hours=4), subject=people[1], ask_id=1)
        service.roll_up(db, now=world.now, batch=2)

        insight = service.org_insight(db, actor=world.actor(admin), now=world.now)
        week = next(w for w in insight.weeks if w.week == monday)
        assert (week.asks, week.unanswered) == (4, 1)
        assert (week.offered_share, week.fulfilled_share) == (0.75, 0.25)
        assert week.median_hours_to_first_offer == 0.8  # 50 minutes: the middle of 20 min, 50 min, 3 h


class TestDelayBuckets:
    def test_buckets_are_fine_for_short_delays_and_coarser_for_long_ones(self) -> None:
        at = datetime(2026, 3, 2, 9, tzinfo=UTC)
        assert delay_bucket(at, None) == NO_OFFER
        assert delay_bucket(at, at - timedelta(minutes=5)) == 0
        assert delay_bucket(at, at + timedelta(minutes=119, seconds=59)) == 119
        assert delay_bucket(at, at + timedelta(minutes=125)) == 120
        assert delay_bucket(at, at + timedelta(hours=47, minutes=59)) == 47 * 60 + 50
        assert delay_bucket(at, at + timedelta(days=3, minutes=30)) == 3 * 24 * 60
        assert delay_bucket(at, at + timedelta(days=20, hours=5)) == 20 * 24 * 60
        assert delay_bucket(at, at + timedelta(days=900)) == 365 * 24 * 60

    def test_the_median_of_buckets_is_the_median_of_one_value_per_ask(self) -> None:
        rng = random.Random(3)
        for _ in range(200):
            values = [rng.choice([0, 7, 30, 119, 120, 600, 3000]) for _ in range(rng.randint(1, 9))]
            counts: dict[int, int] = {}
            for v in values:
                counts[v] = counts.get(v, 0) + 1
            pairs = [*counts.items(), (NO_OFFER, 4)]
            assert median_hours(pairs) == statistics.median(values) / 60
        assert median_hours([(NO_OFFER, 3)]) is None
        assert median_hours([]) is None

    def test_a_delta_of_unchanged_facts_is_empty(self) -> None:
        at = datetime(2026, 3, 2, 9, tzinfo=UTC)
        facts = {(1, 0, 7): (at, at + timedelta(hours=1), None)}
        assert ask_week_delta(facts, facts) == {}
        moved = ask_week_delta(facts, {(1, 0, 7): (at, at + timedelta(hours=1), at + timedelta(days=1))})
        assert moved == {(1, 0, week_of(at.date()), 60): [0, 1]}
