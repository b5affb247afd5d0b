from collections.abc import Callable

from fastapi.testclient import TestClient

from askwell.people.models import Person
from tests.conftest import World
from tests.web.conftest import post


class TestTeamList:
    def test_anonymous(self, client: TestClient) -> None:
        assert client.get("/teams").status_code == 303

    def test_valid_shows_member_counts_and_leads(
        self, world: World, signed_in: Callable[[Person], TestClient]
    ) -> None:
        org = world.org()
        world.team(org, "Platform")
        world.team(org, "Design")
        me = world.person(org, "Ada Lovelace", teams=["Platform"], lead_of=["Platform"])
        world.person(org, "Grace Hopper", teams=["Platform"])
        r = signed_in(me).get("/teams")
        assert r.status_code == 200
        assert (
            '<a href="/teams/platform">Platform</a></th>\n      <td class="num">2</td>\n      <td>Ada Lovelace</td>'
            in r.text
        )
        assert '<a href="/teams/design">Design</a></th>\n      <td class="num">0</td>' in r.text

    def test_other_org_teams_are_not_listed(
        self, world: World, signed_in: Callable[[Person], TestClient]
    ) -> None:
        me = world.person(world.org("Acme"))
        world.team(world.org("Globex"), "Secret Ops")
        assert "Secret Ops" not in signed_in(me).get("/teams").text


class TestTeamPage:
    def test_anonymous(self, client: TestClient, world: World) -> None:
        world.team(world.org(), "Platform")
        assert client.get("/teams/platform").status_code == 303

    def test_other_org(self, world: World, signed_in: Callable[[Person], TestClient]) -> None:
        me = world.person(world.org("Acme"), role="admin")
        world.team(world.org("Globex"), "Secret Ops")
        client = signed_in(me)
        assert client.get("/teams/secret-ops").status_code == 404
        assert post(client, "/teams/secret-ops/members", {"email": me.email}).status_code == 404

    def test_valid_marks_leads_and_offers_members_no_controls(
        self, world: World, signed_in: Callable[[Person], TestClient]
    ) -> None:
        org = world.org()
        world.team(org, "Platform")
        world.person(org, "Ada Lovelace", teams=["Platform"], lead_of=["Platform"])
        me = world.person(org, "Grace Hopper", teams=["Platform"])
        r = signed_in(me).get("/teams/platform")
        assert r.status_code == 200
        assert 'Ada Lovelace</a>\n        <span class="badge">lead</span>' in r.text
        assert "Add a member" not in r.text
        assert "/remove" not in r.text


class TestManageMembers:
    def test_lead_adds_and_removes_members(
        self, world: World, signed_in: Callable[[Person], TestClient]
    ) -> None:
        org = world.org()
        world.team(org, "Platform")
        lead = world.person(org, "Ada Lovelace", teams=["Platform"], lead_of=["Platform"])
        grace = world.person(org, "Grace Hopper")
        client = signed_in(lead)
        assert "Add a member" in client.get("/teams/platform").text
        added = post(client, "/teams/platform/members", {"email": grace.email.upper()})
        assert added.status_code == 303
        assert "Grace Hopper" in client.get("/teams/platform").text
        removed = post(client, f"/teams/platform/members/{grace.id}/remove")
        assert removed.status_code == 303
        assert "Grace Hopper" not in client.get("/teams/platform").text

    def test_member_forbidden(self, world: World, signed_in: Callable[[Person], TestClient]) -> None:
        org = world.org()
        world.team(org, "Platform")
        me = world.person(org, teams=["Platform"])
        other = world.person(org, "Grace Hopper")
        client = signed_in(me)
        assert post(client, "/teams/platform/members", {"email": other.email}).status_code == 403
        assert post(client, f"/teams/platform/members/{me.id}/remove").status_code == 403

    def test_lead_may_not_appoint_leads(
        self, world: World, signed_in: Callable[[Person], TestClient]
    ) -> None:
        org = world.org()
        world.team(org, "Platform")
        lead = world.person(org, teams=["Platform"], lead_of=["Platform"])
        other = world.person(org, "Grace Hopper", teams=["Platform"])
        assert (
            post(signed_in(lead), f"/teams/platform/members/{other.id}/lead", {"lead": "1"}).status_code
            == 403
        )

    def test_admin_sets_and_clears_leads(
        self, world: World, signed_in: Callable[[Person], TestClient]
    ) -> None:
        org = world.org()
        world.team(org, "Platform")
        admin = world.person(org, role="admin")
        grace = world.person(org, "Grace Hopper", teams=["Platform"])
        client = signed_in(admin)
        assert post(client, f"/teams/platform/members/{grace.id}/lead", {"lead": "1"}).status_code == 303
        assert "<td>Grace Hopper</td>" in client.get("/teams").text
        assert post(client, f"/teams/platform/members/{grace.id}/lead", {"lead": "0"}).status_code == 303
        assert "<td>Grace Hopper</td>" not in client.get("/teams").text

    def test_unknown_email_is_reported_in_place(
        self, world: World, signed_in: Callable[[Person], TestClient]
    ) -> None:
        org = world.org()
        world.team(org, "Platform")
        stranger = world.person(world.org("Globex"), "Hank Scorpio")
        admin = world.person(org, role="admin")
        r = post(signed_in(admin), "/teams/platform/members", {"email": stranger.email})
        assert r.status_code == 422
        assert "Nobody in your organization has that email." in r.text
        assert f'value="{stranger.email}"' in r.text


class TestLeadsOnTheTeamPage:
    """The page offers a lead exactly what the service lets them do, and refuses the rest visibly."""

    def test_a_leads_make_lead_is_refused_as_the_api_refuses_it(
        self, world: World, signed_in: Callable[[Person], TestClient]
    ) -> None:
        org = world.org()
        team = world.team(org, "Platform")
        lead = world.person(org, "Ada Lovelace", teams=["Platform"], lead_of=["Platform"])
        grace = world.person(org, "Grace Hopper")
        client = signed_in(lead)
        r = post(client, "/teams/platform/members", {"email": grace.email, "lead": "1"})
        # It used to add Grace as a plain member and say nothing of the lead part.
        assert r.status_code == 403
        assert "You are not allowed to appoint team leads." in r.text
        assert f'value="{grace.email}"' in r.text  # what they typed is kept
        assert "Grace Hopper" not in client.get("/teams/platform").text  # nothing happened, as in the API
        api = client.put(
            f"/api/v1/teams/{team.id}/members/{grace.id}",
            json={"lead": True},
            headers={"Authorization": f"Bearer {world.api_token(lead)}"},
        )
        assert api.status_code == 403 and api.json()["detail"] == "You are not allowed to appoint team leads."

    def test_a_lead_sees_no_remove_button_for_a_co_lead_or_an_admin(
        self, world: World, signed_in: Callable[[Person], TestClient]
    ) -> None:
        org = world.org()
        world.team(org, "Platform")
        lead = world.person(org, "Ada Lovelace", teams=["Platform"], lead_of=["Platform"])
        co_lead = world.person(org, "Grace Hopper", teams=["Platform"], lead_of=["Platform"])
        admin = world.person(org, "Barbara Liskov", role="admin", teams=["Platform"])
        plain = world.person(org, "Linus Torvalds", teams=["Platform"])
        client = signed_in(lead)
        page = client.get("/teams/platform").text
        assert f"/members/{plain.id}/remove" in page and f"/members/{lead.id}/remove" in page
        assert f"/members/{co_lead.id}/remove" not in page and f"/members/{admin.id}/remove" not in page
        assert "/lead" not in page and 'name="lead"' not in page  # appointing leads is for admins
        r = post(client, f"/teams/platform/members/{co_lead.id}/remove")
        assert r.status_code == 403
        assert "You are not allowed to remove a co-lead or an admin from this team." in r.text

    def test_a_member_posting_a_hidden_form_sees_why_at_the_top(
        self, world: World, signed_in: Callable[[Person], TestClient]
    ) -> None:
        org = world.org()
        world.team(org, "Platform")
        me = world.person(org, teams=["Platform"])
        r = post(signed_in(me), "/teams/platform/invitations", {"email": "new@example.com"})
        assert r.status_code == 403
        assert "Invite someone new" not in r.text
        assert '<p class="error" role="alert">You are not allowed to invite people.</p>' in r.text
