"""The demo organization: deterministic for a seed, the size asked for, valid people, teams with leads."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from sqlalchemy.orm import Session

from askwell.accounts.secrets import verify_password
from askwell.demo.build import DEMO_PASSWORD, STEPS, DemoStep, create_demo
from askwell.demo.people import plan_people
from askwell.people.models import Role
from askwell.people.repository import accounts_for_sign_in, all_people
from askwell.people.schemas import PersonCreate
from tests.conftest import NOW

TODAY = date(2026, 3, 2)
# Later domains add their own steps (and test them); these tests are about the people.
PEOPLE_ONLY = [s for s in STEPS if s.name == "people"]


def fingerprint(people: list[PersonCreate]) -> list[tuple[object, ...]]:
    return [(p.email, p.name, p.title, p.timezone, tuple(p.skills), tuple(p.teams), p.role) for p in people]


class TestPlan:
    def test_same_seed_gives_the_same_people(self) -> None:
        assert fingerprint(plan_people(size=80, seed=3, today=TODAY).people) == fingerprint(
            plan_people(size=80, seed=3, today=TODAY).people
        )

    def test_another_seed_gives_other_people(self) -> None:
        assert fingerprint(plan_people(size=80, seed=3, today=TODAY).people) != fingerprint(
            plan_people(size=80, seed=4, today=TODAY).people
        )

    @pytest.mark.parametrize("size", [3, 80, 500])
    def test_size_is_respected_and_emails_are_unique(self, size: int) -> None:
        people = plan_people(size=size, seed=1, today=TODAY).people
        assert len(people) == size
        assert len({p.email for p in people}) == size

    def test_default_organization_is_varied(self) -> None:
        plan = plan_people(size=80, seed=7, today=TODAY)
        assert [t.name for t in plan.teams] == [
            "Platform", "Data", "Mobile", "Design", "Product", "Customer Success", "Finance", "People Ops",
        ]  # fmt: skip
        people = plan.people
        continents = {p.timezone.split("/")[0] for p in people}
        assert {"Europe", "America", "Asia", "Africa"} <= continents
        assert len({p.name.split()[-1] for p in people}) > 40
        assert any(len(p.teams) == 2 for p in people)
        assert any(p.away_until is not None and p.away_until > TODAY for p in people)
        assert all(p.can_help_with and p.learning and p.title and len(p.skills) >= 3 for p in people)

    def test_every_team_has_one_or_two_leads(self) -> None:
        plan = plan_people(size=80, seed=7, today=TODAY)
        leads = Counter(team for p in plan.people for team in p.lead_of)
        assert set(leads) == {t.name for t in plan.teams}
        assert set(leads.values()) <= {1, 2}

    def test_known_sign_ins_are_an_admin_a_lead_and_a_member(self) -> None:
        plan = plan_people(size=80, seed=7, today=TODAY)
        by_email = {p.email: p for p in plan.people}
        assert [(k.role, by_email[k.email].role.value) for k in plan.known] == [
            ("admin", "admin"),
            ("lead", "lead"),
            ("member", "member"),
        ]
        assert by_email["lead@demo.askwell.app"].lead_of

    def test_every_person_passes_the_profile_rules(self) -> None:
        for person in plan_people(size=300, seed=11, today=TODAY).people:
            assert PersonCreate.model_validate(person.model_dump()) == person

    def test_big_organizations_get_more_teams(self) -> None:
        plan = plan_people(size=1200, seed=1, today=TODAY)
        assert len(plan.teams) == 100
        assert len({t.name for t in plan.teams}) == 100

    def test_too_small(self) -> None:
        with pytest.raises(ValueError, match="at least"):
            plan_people(size=2, seed=1, today=TODAY)


class TestCreateDemo:
    def test_writes_the_planned_people_with_teams_and_sign_ins(self, db: Session) -> None:
        ctx = create_demo(
            db, now=NOW, seed=5, size=40, slug="demo-test", password_hash=None, steps=PEOPLE_ONLY
        )
        people = all_people(db, org_id=ctx.org.id)
        assert len(people) == 40
        assert {p.email for p in people} == set(ctx.person_ids)
        assert all(p.memberships for p in people)
        admin = next(p for p in accounts_for_sign_in(db, "admin@demo.askwell.app") if p.org_id == ctx.org.id)
        assert admin.role == Role.ADMIN.value
        assert verify_password(admin.password_hash, DEMO_PASSWORD)

    def test_steps_run_in_order_and_extra_steps_see_the_people(self, db: Session) -> None:
        seen: list[int] = []
        steps = [*PEOPLE_ONLY, DemoStep("count", lambda ctx: seen.append(len(ctx.person_ids)))]
        create_demo(db, now=NOW, seed=5, size=12, slug="demo-steps", password_hash="x", steps=steps)
        assert seen == [12]

    def test_each_step_has_its_own_random_stream(self, db: Session) -> None:
        ctx = create_demo(db, now=NOW, seed=5, size=5, slug="demo-rng", password_hash="x")
        assert ctx.rng("a").random() == ctx.rng("a").random() != ctx.rng("b").random()
