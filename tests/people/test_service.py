"""People use cases on a real database, rolled back after each test."""

import pytest
from sqlalchemy.orm import Session

from askwell.people import repository, service
from askwell.people.errors import EmailTaken, NotAllowed, PersonNotFound, TeamExists, TeamNotFound
from askwell.people.models import Role
from askwell.people.schemas import PersonCreate, ProfileUpdate, TeamCreate
from tests.conftest import World, system_actor


class TestAddPerson:
    def test_skills_are_deduplicated_case_insensitively_and_keep_their_order(
        self, db: Session, world: World
    ) -> None:
        org = world.org()
        data = PersonCreate(name="Ana", email="ana@example.com", skills=["SQL", "Kubernetes", "sql"])
        person = service.add_person(db, org_id=org.id, data=data, now=world.now)
        loaded = repository.get_person(db, actor=system_actor(org), person_id=person.id)
        assert loaded.skill_names == ["SQL", "Kubernetes"]

    def test_the_same_email_twice_in_one_organization_is_a_conflict(self, db: Session, world: World) -> None:
        org = world.org()
        service.add_person(
            db, org_id=org.id, data=PersonCreate(name="A", email="a@example.com"), now=world.now
        )
        with pytest.raises(EmailTaken):
            service.add_person(
                db, org_id=org.id, data=PersonCreate(name="B", email="A@example.com"), now=world.now
            )

    def test_the_same_email_may_exist_in_two_organizations(self, db: Session, world: World) -> None:
        for org in (world.org("One"), world.org("Two")):
            service.add_person(
                db, org_id=org.id, data=PersonCreate(name="A", email="a@example.com"), now=world.now
            )

    def test_unknown_team_is_refused(self, db: Session, world: World) -> None:
        org = world.org()
        with pytest.raises(TeamNotFound):
            service.add_person(
                db,
                org_id=org.id,
                data=PersonCreate(name="A", email="a@example.com", teams=["Nope"]),
                now=world.now,
            )


class TestUpdateProfile:
    def test_a_person_updates_their_own_profile(self, db: Session, world: World) -> None:
        org = world.org()
        me = world.person(org, "Kim", skills=["Go"])
        update = ProfileUpdate(
            name="Kim Lee", title="Staff Engineer", timezone="Asia/Seoul", skills=["Go", "Rust"]
        )
        saved = service.update_profile(db, actor=world.actor(me), person_id=me.id, data=update, now=world.now)
        assert (saved.name, saved.timezone, saved.skill_names) == ("Kim Lee", "Asia/Seoul", ["Go", "Rust"])

    def test_someone_else_cannot_edit_my_profile(self, db: Session, world: World) -> None:
        org = world.org()
        me, other = world.person(org), world.person(org)
        with pytest.raises(NotAllowed):
            service.update_profile(
                db,
                actor=world.actor(other),
                person_id=me.id,
                data=ProfileUpdate(name="Hacked"),
                now=world.now,
            )

    def test_an_admin_of_another_organization_cannot_see_the_person(self, db: Session, world: World) -> None:
        me = world.person(world.org("Mine"))
        admin = world.person(world.org("Theirs"), role=Role.ADMIN)
        with pytest.raises(PersonNotFound):
            service.update_profile(
                db, actor=world.actor(admin), person_id=me.id, data=ProfileUpdate(name="X"), now=world.now
            )


class TestTeams:
    def test_admin_creates_a_team_and_a_duplicate_name_conflicts(self, db: Session, world: World) -> None:
        org = world.org()
        service.create_team(db, actor=system_actor(org), data=TeamCreate(name="Data Platform"), now=world.now)
        with pytest.raises(TeamExists):
            service.create_team(
                db, actor=system_actor(org), data=TeamCreate(name="data platform"), now=world.now
            )

    def test_a_member_cannot_create_teams(self, db: Session, world: World) -> None:
        org = world.org()
        member = world.person(org)
        with pytest.raises(NotAllowed):
            service.create_team(db, actor=world.actor(member), data=TeamCreate(name="Mine"), now=world.now)

    def test_a_lead_adds_people_to_their_team_but_cannot_appoint_leads(
        self, db: Session, world: World
    ) -> None:
        org = world.org()
        team = world.team(org, "Mobile")
        lead = world.person(org, lead_of=["Mobile"])
        newcomer = world.person(org)
        service.set_membership(
            db, actor=world.actor(lead), team_id=team.id, person_id=newcomer.id, member=True
        )
        members = {
            p.id: is_lead
            for p, is_lead in repository.team_members(db, actor=world.actor(lead), team_id=team.id)
        }
        assert members == {lead.id: True, newcomer.id: False}
        with pytest.raises(NotAllowed):
            service.set_membership(
                db, actor=world.actor(lead), team_id=team.id, person_id=newcomer.id, member=True, lead=True
            )

    def test_a_lead_cannot_remove_a_co_lead_or_an_admin(self, db: Session, world: World) -> None:
        org = world.org()
        team = world.team(org, "Mobile")
        lead = world.person(org, lead_of=["Mobile"])
        co_lead = world.person(org, lead_of=["Mobile"])
        admin = world.person(org, role="admin", teams=["Mobile"])
        member = world.person(org, teams=["Mobile"])
        for target in (co_lead, admin):
            with pytest.raises(NotAllowed):
                service.set_membership(
                    db, actor=world.actor(lead), team_id=team.id, person_id=target.id, member=False
                )
        service.set_membership(
            db, actor=world.actor(lead), team_id=team.id, person_id=member.id, member=False
        )
        members = {p.id for p, _ in repository.team_members(db, actor=world.actor(lead), team_id=team.id)}
        assert members == {lead.id, co_lead.id, admin.id}


class TestDirectorySearch:
    @pytest.fixture
    def org(self, world: World):  # type: ignore[no-untyped-def]
        org = world.org()
        world.team(org, "Data")
        world.person(org, "Maria Garcia", skills=["PostgreSQL"], teams=["Data"], title="Data Engineer")
        world.person(org, "Mario Rossi", skills=["Figma"], title="Designer")
        world.person(org, "Lee Chen", skills=["postgresql", "Python"], title="Analyst")
        return org

    def names(self, db: Session, org, **kw) -> list[str]:  # type: ignore[no-untyped-def]
        people, _ = repository.search_people(db, actor=system_actor(org), **kw)
        return [p.name for p in people]

    def test_by_name_fragment(self, db: Session, org) -> None:  # type: ignore[no-untyped-def]
        assert self.names(db, org, query="mari") == ["Maria Garcia", "Mario Rossi"]

    def test_by_skill_word_in_the_query_and_by_skill_filter(self, db: Session, org) -> None:  # type: ignore[no-untyped-def]
        assert self.names(db, org, query="postgres") == ["Lee Chen", "Maria Garcia"]
        assert self.names(db, org, skill="PostgreSQL") == ["Lee Chen", "Maria Garcia"]

    def test_every_word_must_match(self, db: Session, org) -> None:  # type: ignore[no-untyped-def]
        assert self.names(db, org, query="maria postgres") == ["Maria Garcia"]

    def test_by_team(self, db: Session, world: World, org) -> None:  # type: ignore[no-untyped-def]
        team = repository.team_by_slug(db, actor=system_actor(org), slug="data")
        assert self.names(db, org, team_id=team.id) == ["Maria Garcia"]

    def test_like_wildcards_in_the_query_are_literal(self, db: Session, org) -> None:  # type: ignore[no-untyped-def]
        assert self.names(db, org, query="%") == []

    def test_people_of_another_organization_never_appear(self, db: Session, world: World, org) -> None:  # type: ignore[no-untyped-def]
        world.person(world.org("Other"), "Maria Outsider")
        assert "Maria Outsider" not in self.names(db, org, query="maria")

    def test_pagination_reports_the_total(self, db: Session, org) -> None:  # type: ignore[no-untyped-def]
        people, total = repository.search_people(db, actor=system_actor(org), limit=2, offset=2)
        assert total == 3
        assert [p.name for p in people] == ["Mario Rossi"]
