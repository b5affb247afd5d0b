"""Installing the Slack app (OAuth v2 against the fake Slack), and linking people to Slack users."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from askwell.core.config import Settings
from askwell.core.edges import Edges
from askwell.people.models import Organization, Person, Role
from askwell.slack import repository
from askwell.slack.models import LinkSource, SlackInstallation, SlackLink
from tests.conftest import World, csrf
from tests.slack.conftest import TEAM, install, run_jobs
from tests.slack.fake_slack import BOT_TOKEN, FakeSlack


class TestInstall:
    def test_an_admin_installs_and_people_are_matched_by_email(
        self,
        db: Session,
        world: World,
        org: Organization,
        admin: Person,
        slack: FakeSlack,
        signed_in: Callable[[Person], TestClient],
        session_factory: sessionmaker[Session],
        edges: Edges,
        settings: Settings,
    ) -> None:
        bea = world.person(org, "Bea", email="bea@acme.example.com")
        world.person(org, "Cy", email="cy@acme.example.com")  # not in Slack
        slack.add_user("bea@acme.example.com", "UBEA")
        slack.add_user("ada@acme.example.com", "UADA", is_email_confirmed=False)  # unconfirmed: skipped

        done = install(signed_in(admin))

        assert done.status_code == 303 and done.headers["location"].startswith("/admin/slack")
        installation = repository.installation(db, org_id=org.id)
        assert installation is not None and installation.team_id == TEAM and installation.active
        assert BOT_TOKEN not in installation.bot_token  # encrypted at rest
        exchange = slack.calls[0]
        assert exchange.method == "oauth.v2.access" and exchange.args["code"] == "good-code"
        run_jobs(session_factory, edges, settings)
        db.expire_all()
        links = {link.person_id: link for link in repository.links(db, org_id=org.id)}
        assert set(links) == {bea.id}
        assert links[bea.id].slack_user_id == "UBEA" and links[bea.id].source == LinkSource.EMAIL.value
        assert sorted(c.args["email"] for c in slack.calls if c.method == "users.lookupByEmail") == [
            "ada@acme.example.com",
            "bea@acme.example.com",
            "cy@acme.example.com",
        ]

    def test_the_page_shows_the_status_and_never_the_token(
        self, admin: Person, slack: FakeSlack, signed_in: Callable[[Person], TestClient]
    ) -> None:
        client = signed_in(admin)
        assert "Add to Slack" in client.get("/admin/slack").text
        install(client)
        page = client.get("/admin/slack")
        assert page.status_code == 200 and TEAM in page.text and "Working." in page.text
        assert BOT_TOKEN not in page.text and "slack-client-secret" not in page.text

    def test_a_member_cannot_install(
        self, world: World, org: Organization, signed_in: Callable[[Person], TestClient]
    ) -> None:
        member = world.person(org, "Mo")
        assert (
            signed_in(member).post("/admin/slack/install", headers=csrf(signed_in(member))).status_code == 403
        )

    def test_a_forged_or_replayed_state_installs_nothing(
        self,
        db: Session,
        org: Organization,
        admin: Person,
        slack: FakeSlack,
        signed_in: Callable[[Person], TestClient],
    ) -> None:
        client = signed_in(admin)
        forged = client.get("/admin/slack/callback", params={"code": "good-code", "state": "made-up"})
        assert forged.status_code == 422
        assert install(client).status_code == 303
        assert repository.installation(db, org_id=org.id) is not None
        calls = len(slack.calls)
        started = client.post("/admin/slack/install", headers=csrf(client))
        state = started.headers["location"].split("state=")[1].split("&")[0]
        assert (
            client.get("/admin/slack/callback", params={"code": "good-code", "state": state}).status_code
            == 303
        )
        replay = client.get("/admin/slack/callback", params={"code": "good-code", "state": state})
        assert replay.status_code == 422 and len(slack.calls) == calls + 1

    def test_a_refused_code_installs_nothing(
        self, db: Session, org: Organization, admin: Person, signed_in: Callable[[Person], TestClient]
    ) -> None:
        assert install(signed_in(admin), code="stolen-code").status_code == 422
        assert repository.installation(db, org_id=org.id) is None

    def test_a_workspace_installed_into_two_organizations_is_refused(
        self,
        db: Session,
        world: World,
        org: Organization,
        admin: Person,
        signed_in: Callable[[Person], TestClient],
    ) -> None:
        assert install(signed_in(admin)).status_code == 303
        other = world.org("Globex")
        other_admin = world.person(other, "Gil", role=Role.ADMIN)
        refused = install(signed_in(other_admin))
        assert refused.status_code == 409 and "another Askwell organization" in refused.text
        assert repository.installation(db, org_id=other.id) is None
        owner = db.scalars(select(SlackInstallation).where(SlackInstallation.team_id == TEAM)).one()
        assert owner.org_id == org.id


class TestLinks:
    def test_an_admin_links_by_hand_and_matching_never_overrides_it(
        self,
        db: Session,
        world: World,
        org: Organization,
        admin: Person,
        slack: FakeSlack,
        signed_in: Callable[[Person], TestClient],
        session_factory: sessionmaker[Session],
        edges: Edges,
        settings: Settings,
    ) -> None:
        bea = world.person(org, "Bea", email="bea@acme.example.com")
        slack.add_user("bea@acme.example.com", "UBEAEMAIL")
        client = signed_in(admin)
        install(client)
        linked = client.post(
            "/admin/slack/links",
            data={"person_id": bea.id, "slack_user_id": "UBEAHAND"},
            headers=csrf(client),
        )
        assert linked.status_code == 303
        run_jobs(session_factory, edges, settings)
        db.expire_all()
        link = repository.link_of_person(db, org_id=org.id, person_id=bea.id)
        assert (
            link is not None and link.slack_user_id == "UBEAHAND" and link.source == LinkSource.MANUAL.value
        )

    def test_a_bad_slack_id_is_refused_in_place(
        self,
        db: Session,
        world: World,
        org: Organization,
        admin: Person,
        signed_in: Callable[[Person], TestClient],
    ) -> None:
        bea = world.person(org, "Bea")
        client = signed_in(admin)
        install(client)
        bad = client.post(
            "/admin/slack/links",
            data={"person_id": bea.id, "slack_user_id": "<script>"},
            headers=csrf(client),
        )
        assert bad.status_code == 422 and "&lt;script&gt;" in bad.text
        assert db.scalars(select(SlackLink)).all() == []

    def test_another_organizations_person_is_not_found(
        self, world: World, admin: Person, signed_in: Callable[[Person], TestClient]
    ) -> None:
        outsider = world.person(world.org("Globex"), "Out")
        client = signed_in(admin)
        install(client)
        r = client.post(
            "/admin/slack/links",
            data={"person_id": outsider.id, "slack_user_id": "UOUT"},
            headers=csrf(client),
        )
        assert r.status_code == 404
