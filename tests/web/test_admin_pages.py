from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from askwell.accounts import service as accounts
from askwell.accounts.models import Invitation
from askwell.accounts.schemas import InvitationCreate
from askwell.core.config import Settings
from askwell.core.jobs import Job
from askwell.people.models import Organization, Person
from tests.conftest import NOW, World
from tests.web.conftest import post


@pytest.fixture
def admin_client(world: World, signed_in: Callable[[Person], TestClient]) -> tuple[TestClient, Person]:
    admin = world.person(world.org(), "Ana Admin", role="admin")
    return signed_in(admin), admin


class TestAdminAccess:
    def test_anonymous(self, client: TestClient) -> None:
        assert client.get("/admin").status_code == 303

    @pytest.mark.parametrize(
        ("method", "url"),
        [
            ("get", "/admin"),
            ("get", "/admin/import"),
            ("post", "/admin/invitations"),
            ("post", "/admin/teams"),
            ("post", "/admin/import"),
        ],
    )
    def test_member_forbidden(
        self, world: World, signed_in: Callable[[Person], TestClient], method: str, url: str
    ) -> None:
        member = world.person(world.org(), role="lead")
        client = signed_in(member)
        r = client.get(url) if method == "get" else post(client, url, {"email": "x@example.com", "name": "X"})
        assert r.status_code == 403

    def test_valid(self, admin_client: tuple[TestClient, Person]) -> None:
        client, admin = admin_client
        r = client.get("/admin")
        assert r.status_code == 200
        assert "Invite someone" in r.text and admin.email in r.text


class TestInvite:
    def test_valid_queues_an_email_and_lists_the_invitation(
        self, admin_client: tuple[TestClient, Person], db: Session
    ) -> None:
        client, _ = admin_client
        r = post(
            client,
            "/admin/invitations",
            {"email": "New.Person@Example.com", "name": "New Person", "role": "lead"},
        )
        assert r.status_code == 303
        page = client.get(r.headers["location"])
        assert "Invitation sent to new.person@example.com." in page.text
        assert "new.person@example.com" in page.text
        jobs = db.scalars(select(Job).where(Job.kind == "email.send")).all()
        assert [j.payload["to"] for j in jobs] == ["new.person@example.com"]

    def test_invalid_email_is_reported_in_place(self, admin_client: tuple[TestClient, Person]) -> None:
        client, _ = admin_client
        r = post(
            client, "/admin/invitations", {"email": "not-an-email", "name": "Kept Name", "role": "member"}
        )
        assert r.status_code == 422
        assert 'id="invite-f-email-error"' in r.text
        assert 'value="Kept Name"' in r.text

    def test_existing_member_email_conflicts(self, admin_client: tuple[TestClient, Person]) -> None:
        client, admin = admin_client
        r = post(client, "/admin/invitations", {"email": admin.email, "role": "member"})
        assert r.status_code == 409
        assert "already belongs to someone" in r.text

    def test_revoke(self, admin_client: tuple[TestClient, Person], world: World, db: Session) -> None:
        client, admin = admin_client
        inv, _ = accounts.invite(
            db,
            actor=world.actor(admin),
            data=InvitationCreate(email="later@example.com"),
            settings=Settings(),
            now=NOW,
        )
        db.commit()
        assert "later@example.com" in client.get("/admin").text
        assert post(client, f"/admin/invitations/{inv.id}/revoke").status_code == 303
        assert "later@example.com" not in client.get("/admin").text
        assert db.scalar(select(Invitation.revoked_at).where(Invitation.id == inv.id)) is not None

    def test_expired_invitations_are_not_pending(
        self, admin_client: tuple[TestClient, Person], world: World, db: Session
    ) -> None:
        client, admin = admin_client
        accounts.invite(
            db,
            actor=world.actor(admin),
            data=InvitationCreate(email="old@example.com"),
            settings=Settings(),
            now=NOW - timedelta(days=30),
        )
        db.commit()
        assert "old@example.com" not in client.get("/admin").text


class TestCreateTeam:
    def test_valid(self, admin_client: tuple[TestClient, Person]) -> None:
        client, _ = admin_client
        r = post(client, "/admin/teams", {"name": "Data Science", "description": "Numbers"})
        assert r.status_code == 303
        assert client.get("/teams/data-science").status_code == 200

    def test_duplicate_and_overlong_names(self, admin_client: tuple[TestClient, Person]) -> None:
        client, _ = admin_client
        post(client, "/admin/teams", {"name": "Data"})
        duplicate = post(client, "/admin/teams", {"name": "data"})
        overlong = post(client, "/admin/teams", {"name": "x" * 81})
        assert duplicate.status_code == 409
        assert "already exists" in duplicate.text
        assert overlong.status_code == 422
        assert "at most 80 characters" in overlong.text


class TestPeopleAdministration:
    def test_change_role(self, admin_client: tuple[TestClient, Person], world: World) -> None:
        client, admin = admin_client
        other = world.person(_org(world, admin), "Grace")
        r = post(client, f"/admin/people/{other.id}/role", {"role": "lead"})
        assert r.status_code == 303
        assert "Grace is now lead." in client.get(r.headers["location"]).text

    def test_unknown_role_is_refused(self, admin_client: tuple[TestClient, Person], world: World) -> None:
        client, admin = admin_client
        other = world.person(_org(world, admin), "Grace")
        assert post(client, f"/admin/people/{other.id}/role", {"role": "owner"}).status_code == 422

    def test_admin_cannot_demote_or_deactivate_themself(
        self, admin_client: tuple[TestClient, Person]
    ) -> None:
        client, admin = admin_client
        assert post(client, f"/admin/people/{admin.id}/role", {"role": "member"}).status_code == 403
        assert post(client, f"/admin/people/{admin.id}/active", {"active": "0"}).status_code == 403

    def test_deactivate_and_reactivate(self, admin_client: tuple[TestClient, Person], world: World) -> None:
        client, admin = admin_client
        other = world.person(_org(world, admin), "Grace")
        assert post(client, f"/admin/people/{other.id}/active", {"active": "0"}).status_code == 303
        assert client.get(f"/people/{other.id}").status_code == 404
        assert "deactivated" in client.get("/admin").text
        assert post(client, f"/admin/people/{other.id}/active", {"active": "1"}).status_code == 303
        assert client.get(f"/people/{other.id}").status_code == 200

    def test_other_org(self, admin_client: tuple[TestClient, Person], world: World) -> None:
        client, _ = admin_client
        stranger = world.person(world.org("Globex"))
        assert post(client, f"/admin/people/{stranger.id}/role", {"role": "admin"}).status_code == 404
        assert post(client, f"/admin/people/{stranger.id}/active", {"active": "0"}).status_code == 404


def _org(world: World, person: Person) -> Organization:
    org = world.db.get(Organization, person.org_id)
    assert org is not None
    return org
