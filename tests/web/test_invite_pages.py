"""Invitations that put people in teams: from the admin page, and from a team page by its lead."""

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from askwell.accounts.models import Invitation, InvitationTeam
from askwell.core.jobs import Job
from askwell.people.models import Person, Role, Team, TeamMembership
from tests.conftest import World
from tests.web.conftest import post

SignIn = Callable[[Person], TestClient]


def invited_teams(db: Session, email: str) -> list[str]:
    return list(
        db.scalars(
            select(Team.name)
            .join(InvitationTeam, InvitationTeam.team_id == Team.id)
            .join(Invitation, Invitation.id == InvitationTeam.invitation_id)
            .where(Invitation.email == email)
            .order_by(Team.name)
        )
    )


class TestAdminInviteIntoTeams:
    def test_the_form_offers_the_teams(self, world: World, signed_in: SignIn) -> None:
        org = world.org()
        platform = world.team(org, "Platform")
        r = signed_in(world.person(org, role=Role.ADMIN)).get("/admin")
        assert f'name="teams" value="{platform.id}"' in r.text

    def test_chosen_teams_are_kept_with_the_invitation(
        self, db: Session, world: World, signed_in: SignIn
    ) -> None:
        org = world.org()
        platform, design = world.team(org, "Platform"), world.team(org, "Design")
        client = signed_in(world.person(org, role=Role.ADMIN))
        r = post(
            client,
            "/admin/invitations",
            {"email": "neo@example.com", "role": "member", "teams": [str(platform.id), str(design.id)]},
        )
        assert r.status_code == 303
        assert invited_teams(db, "neo@example.com") == ["Design", "Platform"]

    def test_a_team_of_another_organization_is_refused_in_place(
        self, db: Session, world: World, signed_in: SignIn
    ) -> None:
        org = world.org()
        foreign = world.team(world.org("Globex"), "Platform")
        client = signed_in(world.person(org, role=Role.ADMIN))
        r = post(client, "/admin/invitations", {"email": "neo@example.com", "teams": [str(foreign.id)]})
        assert r.status_code == 422
        assert "No such team in your organization." in r.text
        assert 'value="neo@example.com"' in r.text
        assert db.scalar(select(Invitation.id)) is None

    def test_a_bad_email_is_explained_in_words(self, world: World, signed_in: SignIn) -> None:
        client = signed_in(world.person(world.org(), role=Role.ADMIN))
        r = post(client, "/admin/invitations", {"email": "neo-at-example"})
        assert r.status_code == 422
        assert "Email needs to be an email address, such as name@example.com." in r.text


class TestLeadInvitesIntoTheirTeam:
    def test_anonymous(self, client: TestClient, world: World) -> None:
        world.team(world.org(), "Platform")
        assert post(client, "/teams/platform/invitations", {"email": "neo@example.com"}).status_code == 303

    def test_a_lead_invites_and_the_person_joins_on_accepting(
        self, db: Session, world: World, signed_in: SignIn
    ) -> None:
        org = world.org()
        world.team(org, "Platform")
        lead = world.person(org, "Lea Lead", role=Role.LEAD, teams=["Platform"], lead_of=["Platform"])
        client = signed_in(lead)
        assert "Invite someone new" in client.get("/teams/platform").text
        r = post(client, "/teams/platform/invitations", {"email": "Neo@Example.com", "name": ""})
        assert r.status_code == 303
        assert "they join Platform when they accept" in r.headers["location"].replace("+", " ")
        assert invited_teams(db, "neo@example.com") == ["Platform"]
        body = db.scalars(select(Job.payload).where(Job.kind == "email.send")).one()["body"]
        assert body.startswith("Hello,") and "You will join Platform." in body
        assert "http://testserver/invite/" in body

    def test_a_lead_cannot_invite_into_another_team(
        self, db: Session, world: World, signed_in: SignIn
    ) -> None:
        org = world.org()
        world.team(org, "Platform")
        world.team(org, "Design")
        lead = world.person(org, role=Role.LEAD, teams=["Platform"], lead_of=["Platform"])
        r = post(signed_in(lead), "/teams/design/invitations", {"email": "neo@example.com"})
        assert r.status_code == 403
        assert db.scalar(select(Invitation.id)) is None

    def test_a_member_sees_no_form_and_cannot_invite(
        self, db: Session, world: World, signed_in: SignIn
    ) -> None:
        org = world.org()
        world.team(org, "Platform")
        member = world.person(org, teams=["Platform"])
        client = signed_in(member)
        assert "Invite someone new" not in client.get("/teams/platform").text
        assert post(client, "/teams/platform/invitations", {"email": "neo@example.com"}).status_code == 403
        assert db.scalar(select(Invitation.id)) is None

    def test_someone_already_here_is_reported_in_place(self, world: World, signed_in: SignIn) -> None:
        org = world.org()
        world.team(org, "Platform")
        lead = world.person(org, role=Role.LEAD, teams=["Platform"], lead_of=["Platform"])
        grace = world.person(org, "Grace Hopper")
        r = post(signed_in(lead), "/teams/platform/invitations", {"email": grace.email})
        assert r.status_code == 409
        assert "already belongs to someone" in r.text


class TestAcceptingJoinsTheTeams:
    def test_the_new_person_is_a_member_of_the_invited_teams(
        self, client: TestClient, db: Session, world: World, signed_in: SignIn
    ) -> None:
        org = world.org()
        world.team(org, "Platform")
        lead = world.person(org, role=Role.LEAD, teams=["Platform"], lead_of=["Platform"])
        post(signed_in(lead), "/teams/platform/invitations", {"email": "neo@example.com"})
        link = db.scalars(select(Job.payload).where(Job.kind == "email.send")).one()["body"]
        token = link.split("/invite/")[1].split()[0]
        client.cookies.clear()
        assert "You will join <strong>Platform</strong>" in client.get(f"/invite/{token}").text
        r = post(
            client,
            f"/invite/{token}",
            {"name": "Neo", "password": "correct horse battery", "timezone": "UTC"},
        )
        assert r.status_code == 303
        neo = db.scalars(select(Person).where(Person.email == "neo@example.com")).one()
        teams = db.scalars(
            select(Team.name)
            .join(TeamMembership, TeamMembership.team_id == Team.id)
            .where(TeamMembership.person_id == neo.id)
        ).all()
        assert teams == ["Platform"]
