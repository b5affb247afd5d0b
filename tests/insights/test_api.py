"""/api/v1/insights and the pages: who may read what, suppression of small groups, the empty state."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from askwell.insights import service
from askwell.people.models import Organization, Person, Role
from tests.conftest import World
from tests.insights.conftest import Office, help_story

Bearer = Callable[[Person], dict[str, str]]


class TestMyBalance:
    def test_counts_pattern_and_nudge(self, client: TestClient, bearer: Bearer, office: Office) -> None:
        helper = office.big_people[1]
        body = client.get("/api/v1/insights/me", headers=bearer(helper)).json()
        assert body["person_id"] == helper.id and body["empty"] is False
        ninety = next(w for w in body["windows"] if w["days"] == 90)
        assert ninety["help_given"] == 4 and ninety["offers"] == 4 and ninety["asks"] == 1
        assert body["pattern"] == "generous_giver"
        assert body["nudge"]["href"] == "/asks/new"
        assert "What would help you this week?" in body["nudge"]["text"]
        assert len(body["weeks"]) == service.TREND_WEEKS

    def test_a_person_with_no_history_gets_an_encouraging_empty_state(
        self, client: TestClient, bearer: Bearer, world: World, office: Office
    ) -> None:
        newcomer = world.person(office.org, "New Person")
        r = client.get("/api/v1/insights/me", headers=bearer(newcomer))
        assert r.status_code == 200
        body = r.json()
        assert body["empty"] is True and body["pattern"] == "quiet"
        assert all(w["asks"] == 0 and w["help_given"] == 0 for w in body["windows"])

    def test_anonymous(self, client: TestClient) -> None:
        assert client.get("/api/v1/insights/me").status_code == 401


class TestReadingSomeoneElsesBalance:
    def test_a_member_cannot_read_a_colleagues_balance(
        self, client: TestClient, bearer: Bearer, office: Office
    ) -> None:
        a, b = office.big_people[1], office.big_people[2]
        r = client.get(f"/api/v1/insights/people/{b.id}", headers=bearer(a))
        assert r.status_code == 403 and r.json()["error"] == "BalanceNotShared"

    def test_a_lead_reads_it_only_once_shared(
        self, client: TestClient, bearer: Bearer, office: Office
    ) -> None:
        member = office.big_people[3]
        lead = bearer(office.lea)
        assert client.get(f"/api/v1/insights/people/{member.id}", headers=lead).status_code == 403
        shared = client.put("/api/v1/insights/me/sharing", json={"with_lead": True}, headers=bearer(member))
        assert shared.status_code == 200 and shared.json()["shared_with_lead"] is True
        assert client.get(f"/api/v1/insights/people/{member.id}", headers=lead).status_code == 200
        # Another team's lead and the admin still cannot.
        assert (
            client.get(f"/api/v1/insights/people/{member.id}", headers=bearer(office.tom)).status_code == 403
        )
        assert (
            client.get(f"/api/v1/insights/people/{member.id}", headers=bearer(office.admin)).status_code
            == 403
        )
        client.put("/api/v1/insights/me/sharing", json={"with_lead": False}, headers=bearer(member))
        assert client.get(f"/api/v1/insights/people/{member.id}", headers=lead).status_code == 403

    def test_other_organization(
        self, client: TestClient, bearer: Bearer, world: World, office: Office
    ) -> None:
        other = world.org("Other")
        outsider = world.person(other, "Out Sider", role=Role.ADMIN)
        member = office.big_people[3]
        r = client.get(f"/api/v1/insights/people/{member.id}", headers=bearer(outsider))
        assert r.status_code == 404
        assert (
            client.get(f"/api/v1/insights/teams/{office.big.id}", headers=bearer(outsider)).status_code == 404
        )


class TestTeamInsight:
    def test_the_lead_sees_aggregates_only(self, client: TestClient, bearer: Bearer, office: Office) -> None:
        r = client.get(f"/api/v1/insights/teams/{office.big.id}", headers=bearer(office.lea))
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["suppressed"] is False and body["people"] == 6
        shown = [w for w in body["weeks"] if not w["suppressed"]]
        assert sum(w["asks"] for w in shown) == 7
        assert body["patterns"] is not None and abs(sum(body["patterns"].values()) - 1) < 1e-9
        text = r.text
        assert all(p.name not in text for p in office.big_people)  # no individual is named
        assert '"person_id"' not in text

    def test_a_team_of_three_is_suppressed(self, client: TestClient, bearer: Bearer, office: Office) -> None:
        body = client.get(f"/api/v1/insights/teams/{office.tiny.id}", headers=bearer(office.tom)).json()
        assert body["suppressed"] is True and body["people"] == 3
        assert all(w["suppressed"] and w["asks"] is None for w in body["weeks"])
        assert body["matrix"] == [] and body["patterns"] is None

    def test_a_member_and_another_teams_lead_are_refused(
        self, client: TestClient, bearer: Bearer, office: Office
    ) -> None:
        url = f"/api/v1/insights/teams/{office.big.id}"
        assert client.get(url, headers=bearer(office.big_people[2])).status_code == 403
        assert client.get(url, headers=bearer(office.tom)).status_code == 403
        assert client.get(url, headers=bearer(office.admin)).status_code == 200


class TestOrgInsight:
    def test_small_teams_are_merged_or_left_out_of_the_matrix(
        self, client: TestClient, bearer: Bearer, office: Office
    ) -> None:
        body = client.get("/api/v1/insights/org", headers=bearer(office.admin)).json()
        assert body["suppressed"] is False
        labels = {c["giver"] for c in body["matrix"]} | {c["receiver"] for c in body["matrix"]}
        # Tiny (3 people) is the only small team: under 5 even merged, so its cells are dropped.
        assert labels == {"Big"}
        assert "Tiny" not in {c["giver"] for c in body["matrix"]}

    def test_small_teams_merged_when_together_they_reach_five(
        self, client: TestClient, bearer: Bearer, world: World, office: Office, db: Session
    ) -> None:
        world.team(office.org, "Pair")
        pair = [world.person(office.org, f"Pair {i}", teams=["Pair"]) for i in range(2)]
        service.roll_up(db, now=world.now - timedelta(days=2))  # the job sees the new team
        help_story(db, pair[0], office.big_people[1], world.now - timedelta(days=1), ask_id=900)
        service.roll_up(db, now=world.now)
        db.commit()
        body = client.get("/api/v1/insights/org", headers=bearer(office.admin)).json()
        labels = {c["giver"] for c in body["matrix"]} | {c["receiver"] for c in body["matrix"]}
        assert "Smaller teams" in labels and "Tiny" not in labels and "Pair" not in labels

    def test_members_and_leads_are_refused(self, client: TestClient, bearer: Bearer, office: Office) -> None:
        assert client.get("/api/v1/insights/org", headers=bearer(office.lea)).status_code == 403
        assert client.get("/api/v1/insights/org", headers=bearer(office.big_people[2])).status_code == 403

    def test_csv_export(self, signed_in: Callable[[Person], TestClient], office: Office) -> None:
        client = signed_in(office.admin)
        r = client.get("/insights/org/export.csv")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(r.text)))
        assert rows[0][:3] == ["week", "people", "asks"]
        assert len(rows) == service.TREND_WEEKS + 1


class TestIndividualAnalyticsOff:
    def test_only_aggregates_exist(
        self, client: TestClient, bearer: Bearer, office: Office, db: Session, world: World
    ) -> None:
        db.get_one(Organization, office.org.id).individual_analytics = False
        db.commit()
        service.roll_up(db, now=world.now)
        db.commit()
        me = client.get("/api/v1/insights/me", headers=bearer(office.big_people[1]))
        assert me.status_code == 403 and me.json()["error"] == "IndividualAnalyticsOff"
        assert client.get("/api/v1/insights/me/mirror", headers=bearer(office.lea)).status_code == 403
        team = client.get(f"/api/v1/insights/teams/{office.big.id}", headers=bearer(office.lea)).json()
        assert team["suppressed"] is False and team["patterns"] is None
        assert sum(w["asks"] or 0 for w in team["weeks"]) == 7


class TestMirror:
    def test_a_lead_sees_their_mirror(self, client: TestClient, bearer: Bearer, office: Office) -> None:
        r = client.get("/api/v1/insights/me/mirror", headers=bearer(office.lea))
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["team_asks_per_person_month"] is not None
        assert body["example_href"].startswith("/asks/new?")

    def test_a_member_has_none(self, client: TestClient, bearer: Bearer, office: Office) -> None:
        assert (
            client.get("/api/v1/insights/me/mirror", headers=bearer(office.big_people[2])).status_code == 403
        )


class TestPages:
    def test_my_balance_page(self, signed_in: Callable[[Person], TestClient], office: Office) -> None:
        client = signed_in(office.big_people[1])
        r = client.get("/insights")
        assert r.status_code == 200 and "Generous giver" in r.text and "<svg" in r.text

    def test_empty_state_page(
        self, signed_in: Callable[[Person], TestClient], world: World, office: Office
    ) -> None:
        client = signed_in(world.person(office.org, "Brand New"))
        r = client.get("/insights")
        assert r.status_code == 200 and "Nothing here yet" in r.text

    def test_team_mirror_and_org_pages(
        self, signed_in: Callable[[Person], TestClient], office: Office
    ) -> None:
        lead = signed_in(office.lea)
        assert lead.get(f"/insights/teams/{office.big.id}").status_code == 200
        assert lead.get("/insights/mirror").status_code == 200
        tiny = signed_in(office.tom).get(f"/insights/teams/{office.tiny.id}")
        assert tiny.status_code == 200 and "fewer than 5 people" in tiny.text


class TestPersonalExport:
    def test_my_export_holds_my_balance_only(
        self, client: TestClient, bearer: Bearer, office: Office
    ) -> None:
        helper = office.big_people[1]
        body = client.get("/api/v1/me/export", headers=bearer(helper)).json()
        insights = body["insights"]
        assert insights["pattern"] == "generous_giver" and insights["individual_analytics"] is True
        assert sum(d["help_given"] for d in insights["days"]) == 4


def test_the_drafted_example_prefills_the_coached_ask_form(
    signed_in: Callable[[Person], TestClient], office: Office
) -> None:
    client = signed_in(office.lea)
    href = client.get("/api/v1/insights/me/mirror").json()["example_href"]
    r = client.get(href)
    assert r.status_code == 200 and "second pair of eyes on a decision" in r.text
