"""What Slack sends: signatures (forged, stale, missing), the URL check, ``/ask`` opening the modal,
the modal creating a normal ask, the outreach DM's buttons, and the calls' outbox behaviour (429,
revoked tokens) against the fake Slack."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from askwell.asks import service as asks
from askwell.asks.models import Ask, Offer
from askwell.asks.schemas import AskCreate
from askwell.core.clock import FrozenClock
from askwell.core.config import Settings
from askwell.core.edges import Edges
from askwell.core.encryption import generate_key
from askwell.core.events import HelpNeededConfirmed
from askwell.core.jobs import FAILED, QUEUED
from askwell.people.models import Organization, Person
from askwell.people.repository import teams_of_org
from askwell.routing import service as routing
from askwell.routing.models import RouteRequest
from askwell.slack import repository
from askwell.slack.models import LinkSource, SlackLink
from tests.conftest import World
from tests.slack.conftest import TEAM, install, jobs, post_form, post_interaction, run_jobs, signed
from tests.slack.fake_slack import FakeSlack

COMMANDS = "/integrations/slack/commands"


@pytest.fixture
def installed(
    db: Session, org: Organization, admin: Person, signed_in: Callable[[Person], TestClient]
) -> TestClient:
    client = signed_in(admin)
    assert install(client).status_code == 303
    return client


def link(db: Session, world: World, org: Organization, person: Person, user_id: str) -> None:
    db.add(
        SlackLink(
            org_id=org.id,
            person_id=person.id,
            slack_user_id=user_id,
            source=LinkSource.MANUAL.value,
            linked_at=world.now,
        )
    )
    db.commit()


def command(text: str, user: str = "UBEA", team: str = TEAM) -> dict[str, str]:
    return {"command": "/ask", "text": text, "user_id": user, "team_id": team, "trigger_id": "1337.42.abcd"}


class TestSignatures:
    def test_the_url_check_answers_the_challenge(self, client: TestClient, clock: FrozenClock) -> None:
        body = json.dumps(
            {"type": "url_verification", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}
        ).encode()
        r = client.post(
            "/integrations/slack/events",
            content=body,
            headers={"content-type": "application/json", **signed(clock, body)},
        )
        assert r.status_code == 200 and r.json() == {
            "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
        }

    @pytest.mark.parametrize(
        "path", ["/integrations/slack/events", COMMANDS, "/integrations/slack/interactions"]
    )
    def test_unsigned_forged_and_stale_requests_get_401_and_change_nothing(
        self, db: Session, client: TestClient, clock: FrozenClock, installed: TestClient, path: str
    ) -> None:
        before = len(jobs(db))
        body = b"command=%2Fask&text=hi&user_id=UBEA&team_id=T0ACME&trigger_id=1"
        form = {"content-type": "application/x-www-form-urlencoded"}
        assert client.post(path, content=body, headers=form).status_code == 401
        forged = signed(clock, body, secret="not-the-secret")
        assert client.post(path, content=body, headers={**form, **forged}).status_code == 401
        stale = signed(clock, body, age=timedelta(minutes=5, seconds=30))
        assert client.post(path, content=body, headers={**form, **stale}).status_code == 401
        tampered = signed(clock, body)
        assert client.post(path, content=body + b"x", headers={**form, **tampered}).status_code == 401
        junk = {**form, "X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=zz"}
        assert client.post(path, content=body, headers=junk).status_code == 401
        assert len(jobs(db)) == before

    def test_a_request_within_five_minutes_is_accepted(
        self,
        db: Session,
        world: World,
        org: Organization,
        client: TestClient,
        clock: FrozenClock,
        installed: TestClient,
    ) -> None:
        link(db, world, org, world.person(org, "Bea"), "UBEA")
        r = post_form(client, clock, COMMANDS, command("hi"), age=timedelta(minutes=4, seconds=50))
        assert r.status_code == 200


class TestSlashCommand:
    def test_ask_opens_the_modal_prefilled_through_a_job(
        self,
        db: Session,
        world: World,
        org: Organization,
        client: TestClient,
        clock: FrozenClock,
        installed: TestClient,
        slack: FakeSlack,
        session_factory: sessionmaker[Session],
        edges: Edges,
        settings: Settings,
    ) -> None:
        link(db, world, org, world.person(org, "Bea"), "UBEA")
        r = post_form(client, clock, COMMANDS, command("Review the retry logic in PR 4412 by Thursday"))
        assert r.status_code == 200
        assert not [c for c in slack.calls if c.method == "views.open"]  # nothing before the job runs
        run_jobs(session_factory, edges, settings)
        opened = [c for c in slack.calls if c.method == "views.open"]
        assert len(opened) == 1 and opened[0].args["trigger_id"] == "1337.42.abcd"
        title = opened[0].args["view"]["blocks"][0]["element"]["initial_value"]
        assert title == "Review the retry logic in PR 4412 by Thursday"

    def test_an_unknown_slack_user_is_told_how_to_link(
        self, db: Session, client: TestClient, clock: FrozenClock, installed: TestClient
    ) -> None:
        before = len(jobs(db))
        r = post_form(client, clock, COMMANDS, command("help", user="UNOBODY"))
        assert r.status_code == 200 and r.json()["response_type"] == "ephemeral"
        assert "not linked" in r.json()["text"] and len(jobs(db)) == before

    def test_a_workspace_nobody_installed_is_told_so(self, client: TestClient, clock: FrozenClock) -> None:
        r = post_form(client, clock, COMMANDS, command("help", team="TOTHER"))
        assert r.status_code == 200 and "not installed" in r.json()["text"]


def submission(title: str, body: str = "", user: str = "UBEA", due: str | None = None) -> dict[str, object]:
    return {
        "type": "view_submission",
        "team": {"id": TEAM},
        "user": {"id": user},
        "view": {
            "callback_id": "askwell_ask",
            "state": {
                "values": {
                    "title": {"value": {"type": "plain_text_input", "value": title}},
                    "body": {"value": {"type": "plain_text_input", "value": body}},
                    "due": {"value": {"type": "datepicker", "selected_date": due}},
                }
            },
        },
    }


class TestModal:
    def test_submitting_opens_a_normal_ask_and_shows_the_coaching(
        self,
        db: Session,
        world: World,
        org: Organization,
        client: TestClient,
        clock: FrozenClock,
        installed: TestClient,
    ) -> None:
        bea = world.person(org, "Bea")
        link(db, world, org, bea, "UBEA")
        due = (clock.now() + timedelta(days=3)).date().isoformat()
        r = post_interaction(
            client, clock, submission("Review the retry logic in PR 4412", "It blocks the release.", due=due)
        )
        assert r.status_code == 200
        answer = r.json()
        assert answer["response_action"] == "update"
        shown = json.dumps(answer["view"])
        assert "SMART coaching score" in shown and "Specific" in shown
        ask = db.scalars(select(Ask).where(Ask.author_id == bea.id)).one()
        assert ask.title == "Review the retry logic in PR 4412" and ask.status == "open"

    def test_a_replayed_submission_opens_no_second_ask(
        self,
        db: Session,
        world: World,
        org: Organization,
        client: TestClient,
        clock: FrozenClock,
        installed: TestClient,
    ) -> None:
        bea = world.person(org, "Bea")
        link(db, world, org, bea, "UBEA")
        sent = submission("Review the retry logic in PR 4412")
        sent["view"] = {**sent["view"], "id": "V0REPLAY"}  # type: ignore[dict-item]
        assert post_interaction(client, clock, sent).json()["response_action"] == "update"
        again = post_interaction(client, clock, sent)
        assert again.status_code == 200 and again.json() == {"response_action": "clear"}
        assert len(db.scalars(select(Ask).where(Ask.author_id == bea.id)).all()) == 1

    def test_bad_input_is_shown_beside_the_field_and_nothing_is_saved(
        self,
        db: Session,
        world: World,
        org: Organization,
        client: TestClient,
        clock: FrozenClock,
        installed: TestClient,
    ) -> None:
        bea = world.person(org, "Bea")
        link(db, world, org, bea, "UBEA")
        r = post_interaction(client, clock, submission("x"))
        assert (
            r.status_code == 200 and r.json()["response_action"] == "errors" and "title" in r.json()["errors"]
        )
        past = post_interaction(client, clock, submission("Review the retry logic", due="2001-01-01"))
        assert past.json()["response_action"] == "errors"
        assert db.scalars(select(Ask).where(Ask.author_id == bea.id)).all() == []

    def test_typing_brings_the_coaching_into_the_modal(
        self,
        db: Session,
        world: World,
        org: Organization,
        client: TestClient,
        clock: FrozenClock,
        installed: TestClient,
        slack: FakeSlack,
        session_factory: sessionmaker[Session],
        edges: Edges,
        settings: Settings,
    ) -> None:
        link(db, world, org, world.person(org, "Bea"), "UBEA")
        typed = submission("Can someone help with stuff")
        typed["type"] = "block_actions"
        typed["view"] = {**typed["view"], "id": "VFAKE", "hash": "1700000000.abc"}  # type: ignore[dict-item]
        typed["actions"] = [{"block_id": "title", "action_id": "value", "type": "plain_text_input"}]
        assert post_interaction(client, clock, typed).status_code == 200
        run_jobs(session_factory, edges, settings)
        update = next(c for c in slack.calls if c.method == "views.update")
        assert update.args["view_id"] == "VFAKE" and update.args["hash"] == "1700000000.abc"
        coaching = json.dumps(update.args["view"]["blocks"][-1])
        assert "SMART coaching score" in coaching and "Time-bound" in coaching
        title = update.args["view"]["blocks"][0]["element"]["initial_value"]
        assert title == "Can someone help with stuff"
        assert db.scalars(select(Ask)).all() == []  # coaching saves nothing

    def test_an_unknown_user_gets_an_error_in_the_modal(
        self, client: TestClient, clock: FrozenClock, installed: TestClient
    ) -> None:
        r = post_interaction(client, clock, submission("Review the retry logic", user="UNOBODY"))
        assert r.json()["response_action"] == "errors" and "not linked" in r.json()["errors"]["title"]


def routed_to(db: Session, world: World, org: Organization, author: Person, helper: Person) -> RouteRequest:
    """``author``'s stand-up need routed to ``helper`` (both in the Platform team, on UTC, on a Monday)."""
    team = next(t for t in teams_of_org(db, org_id=org.id) if t.name == "Platform")
    ask = asks.create_ask(
        db,
        actor=world.actor(author),
        data=AskCreate(title="Walk: the backoff maths", due=world.now + timedelta(days=3)),
        now=world.now,
    )
    event = HelpNeededConfirmed(
        org_id=org.id, at=world.now, ask_id=ask.id, author_id=author.id, team_id=team.id, checkin_id=1
    )
    routes = routing.route_help_needed(db, event=event, encode=None)
    db.commit()
    return next(r for r in routes if r.person_id == helper.id)


def team_people(world: World, org: Organization, *names: str) -> list[Person]:
    world.team(org, "Platform")
    return [world.person(org, name, teams=["Platform"]) for name in names]


class TestOutreach:
    def test_a_routed_person_gets_a_dm_and_claims_with_the_button(
        self,
        db: Session,
        world: World,
        org: Organization,
        client: TestClient,
        clock: FrozenClock,
        installed: TestClient,
        slack: FakeSlack,
        session_factory: sessionmaker[Session],
        edges: Edges,
        settings: Settings,
    ) -> None:
        author, helper = team_people(world, org, "Al", "Bea")
        link(db, world, org, helper, "UBEA")
        route = routed_to(db, world, org, author, helper)
        run_jobs(session_factory, edges, settings)
        dm = next(c for c in slack.calls if c.method == "chat.postMessage")
        assert dm.args["channel"] == "UBEA" and "Walk: the backoff maths" in dm.args["text"]
        buttons = dm.args["blocks"][-1]["elements"]
        assert [b["action_id"] for b in buttons] == ["route_claim", "route_cant", "route_suggest"]
        click = {
            "type": "block_actions",
            "team": {"id": TEAM},
            "user": {"id": "UBEA"},
            "container": {"channel_id": "DFAKE", "message_ts": "1700000000.000001"},
            "actions": [{"action_id": "route_claim", "value": str(route.id)}],
        }
        assert post_interaction(client, clock, click).status_code == 200
        offer = db.scalars(select(Offer).where(Offer.helper_id == helper.id)).one()
        assert offer.ask_id == route.ask_id
        run_jobs(session_factory, edges, settings)
        update = next(c for c in slack.calls if c.method == "chat.update")
        assert update.args["ts"] == "1700000000.000001" and "claimed" in update.args["text"]
        # The same click again: the routing service refuses it, the DM says so, no second offer.
        assert post_interaction(client, clock, click).status_code == 200
        assert len(db.scalars(select(Offer).where(Offer.helper_id == helper.id)).all()) == 1

    def test_cant_declines_through_routing(
        self,
        db: Session,
        world: World,
        org: Organization,
        client: TestClient,
        clock: FrozenClock,
        installed: TestClient,
    ) -> None:
        author, helper = team_people(world, org, "Al", "Bea")
        link(db, world, org, helper, "UBEA")
        route = routed_to(db, world, org, author, helper)
        click = {
            "type": "block_actions",
            "team": {"id": TEAM},
            "user": {"id": "UBEA"},
            "container": {},
            "actions": [{"action_id": "route_cant", "value": str(route.id)}],
        }
        assert post_interaction(client, clock, click).status_code == 200
        db.expire_all()
        assert db.get_one(RouteRequest, route.id).state == "cant"

    def test_suggest_someone_asks_the_linked_person_they_picked(
        self,
        db: Session,
        world: World,
        org: Organization,
        client: TestClient,
        clock: FrozenClock,
        installed: TestClient,
        slack: FakeSlack,
        session_factory: sessionmaker[Session],
        edges: Edges,
        settings: Settings,
    ) -> None:
        (author, helper), expert = team_people(world, org, "Al", "Bea"), world.person(org, "Dee")
        link(db, world, org, helper, "UBEA")
        link(db, world, org, expert, "UDEE")
        route = routed_to(db, world, org, author, helper)
        pick = {
            "type": "block_actions",
            "team": {"id": TEAM},
            "user": {"id": "UBEA"},
            "container": {"channel_id": "DFAKE", "message_ts": "1700000000.000009"},
            "actions": [
                {"action_id": "route_suggest", "block_id": f"route:{route.id}", "selected_user": "UNOBODY"}
            ],
        }
        assert post_interaction(client, clock, pick).status_code == 200  # not linked: refused, told
        db.expire_all()
        assert db.get_one(RouteRequest, route.id).state != "suggested"
        pick["actions"][0]["selected_user"] = "UDEE"  # type: ignore[index]
        assert post_interaction(client, clock, pick).status_code == 200
        db.expire_all()
        assert db.get_one(RouteRequest, route.id).state == "suggested"
        asked = db.scalars(select(RouteRequest).where(RouteRequest.person_id == expert.id)).one()
        assert asked.ask_id == route.ask_id
        run_jobs(session_factory, edges, settings)
        updates = [c.args["text"] for c in slack.calls if c.method == "chat.update"]
        assert "not linked" in updates[0] and "they have been asked" in updates[1]
        dms = [c.args["channel"] for c in slack.calls if c.method == "chat.postMessage"]
        assert "UDEE" in dms

    def test_someone_elses_button_changes_nothing(
        self,
        db: Session,
        world: World,
        org: Organization,
        client: TestClient,
        clock: FrozenClock,
        installed: TestClient,
    ) -> None:
        (author, helper), other = team_people(world, org, "Al", "Bea"), world.person(org, "Cy")
        link(db, world, org, helper, "UBEA")
        link(db, world, org, other, "UCY")
        route = routed_to(db, world, org, author, helper)
        click = {
            "type": "block_actions",
            "team": {"id": TEAM},
            "user": {"id": "UCY"},
            "container": {},
            "actions": [{"action_id": "route_claim", "value": str(route.id)}],
        }
        assert post_interaction(client, clock, click).status_code == 200
        assert db.scalars(select(Offer)).all() == []


class TestDirectAsk:
    def test_someone_asked_directly_gets_a_dm_and_offers_with_the_button(
        self,
        db: Session,
        world: World,
        org: Organization,
        client: TestClient,
        clock: FrozenClock,
        installed: TestClient,
        slack: FakeSlack,
        session_factory: sessionmaker[Session],
        edges: Edges,
        settings: Settings,
    ) -> None:
        author, helper = world.person(org, "Al"), world.person(org, "Bea")
        link(db, world, org, helper, "UBEA")
        ask = asks.create_ask(
            db,
            actor=world.actor(author),
            data=AskCreate(title="Review the retry logic in PR 4412", due=world.now + timedelta(days=3)),
            now=world.now,
        )
        asks.ask_directly(db, actor=world.actor(author), ask_id=ask.id, person_id=helper.id, now=world.now)
        db.commit()
        run_jobs(session_factory, edges, settings)
        dm = next(c for c in slack.calls if c.method == "chat.postMessage")
        assert dm.args["channel"] == "UBEA" and "asked you directly" in dm.args["text"]
        button = dm.args["blocks"][-1]["elements"][0]
        click = {
            "type": "block_actions",
            "team": {"id": TEAM},
            "user": {"id": "UBEA"},
            "container": {"channel_id": "DFAKE", "message_ts": "1700000000.000002"},
            "actions": [{"action_id": button["action_id"], "value": button["value"]}],
        }
        assert post_interaction(client, clock, click).status_code == 200
        offer = db.scalars(select(Offer).where(Offer.helper_id == helper.id)).one()
        assert offer.ask_id == ask.id and offer.kind == "do"

    def test_a_rolled_back_ask_sends_nothing(
        self, db: Session, world: World, org: Organization, installed: TestClient
    ) -> None:
        author, helper = world.person(org, "Al"), world.person(org, "Bea")
        link(db, world, org, helper, "UBEA")
        before = len(jobs(db))
        ask = asks.create_ask(
            db,
            actor=world.actor(author),
            data=AskCreate(title="Review the retry logic in PR 4412", due=world.now + timedelta(days=3)),
            now=world.now,
        )
        asks.ask_directly(db, actor=world.actor(author), ask_id=ask.id, person_id=helper.id, now=world.now)
        db.rollback()
        assert len(jobs(db)) == before


class TestAppHome:
    def test_opening_app_home_publishes_my_asks_offers_and_balance_link(
        self,
        db: Session,
        world: World,
        org: Organization,
        client: TestClient,
        clock: FrozenClock,
        installed: TestClient,
        slack: FakeSlack,
        session_factory: sessionmaker[Session],
        edges: Edges,
        settings: Settings,
    ) -> None:
        bea = world.person(org, "Bea")
        link(db, world, org, bea, "UBEA")
        asks.create_ask(
            db,
            actor=world.actor(bea),
            data=AskCreate(title="Review the retry logic in PR 4412", due=world.now + timedelta(days=3)),
            now=world.now,
        )
        db.commit()
        body = json.dumps(
            {"type": "event_callback", "team_id": TEAM, "event": {"type": "app_home_opened", "user": "UBEA"}}
        ).encode()
        headers = {"content-type": "application/json", **signed(clock, body)}
        assert client.post("/integrations/slack/events", content=body, headers=headers).status_code == 200
        run_jobs(session_factory, edges, settings)
        published = next(c for c in slack.calls if c.method == "views.publish")
        shown = json.dumps(published.args["view"])
        assert published.args["user_id"] == "UBEA"
        assert "Review the retry logic in PR 4412" in shown and "/insights" in shown

    def test_an_unknown_user_opening_app_home_queues_nothing(
        self, db: Session, client: TestClient, clock: FrozenClock, installed: TestClient
    ) -> None:
        before = len(jobs(db))
        body = json.dumps(
            {
                "type": "event_callback",
                "team_id": TEAM,
                "event": {"type": "app_home_opened", "user": "UNOBODY"},
            }
        ).encode()
        headers = {"content-type": "application/json", **signed(clock, body)}
        assert client.post("/integrations/slack/events", content=body, headers=headers).status_code == 200
        assert len(jobs(db)) == before


class TestCalls:
    def _queue_dm(self, db: Session, org: Organization, world: World) -> None:
        from askwell.slack import service

        service.queue_call(
            db,
            org_id=org.id,
            method="chat.postMessage",
            args={"channel": "UBEA", "text": "hi"},
            now=world.now,
        )
        db.commit()

    def test_a_429_storm_is_waited_out_by_retry_after(
        self,
        db: Session,
        world: World,
        org: Organization,
        installed: TestClient,
        slack: FakeSlack,
        clock: FrozenClock,
        session_factory: sessionmaker[Session],
        edges: Edges,
        settings: Settings,
    ) -> None:
        run_jobs(session_factory, edges, settings)  # the install's matching
        slack.calls.clear()
        slack.rate_limited, slack.retry_after = 3, 7
        self._queue_dm(db, org, world)
        for _ in range(3):
            run_jobs(session_factory, edges, settings)
            waiting = [j for j in jobs(db) if j.status == QUEUED]
            assert len(waiting) == 1 and waiting[0].run_at == clock.now() + timedelta(seconds=7)
            assert run_jobs(session_factory, edges, settings) == 0  # not before Retry-After
            clock.advance(timedelta(seconds=7))
        run_jobs(session_factory, edges, settings)
        assert slack.methods() == ["chat.postMessage"] * 4
        assert [j for j in jobs(db) if j.status == QUEUED] == []

    def test_an_endless_storm_is_given_up_after_the_bound(
        self,
        db: Session,
        world: World,
        org: Organization,
        installed: TestClient,
        slack: FakeSlack,
        clock: FrozenClock,
        session_factory: sessionmaker[Session],
        edges: Edges,
        settings: Settings,
    ) -> None:
        run_jobs(session_factory, edges, settings)
        slack.calls.clear()
        slack.rate_limited, slack.retry_after = 1000, 5
        self._queue_dm(db, org, world)
        for _ in range(settings.slack_max_rate_limited + 3):
            run_jobs(session_factory, edges, settings)
            clock.advance(timedelta(seconds=5))
        assert len(slack.calls) == settings.slack_max_rate_limited + 1
        last = jobs(db)[-1]
        assert last.status == FAILED and "rate limited" in (last.last_error or "")

    def test_a_revoked_token_switches_the_installation_off(
        self,
        db: Session,
        world: World,
        org: Organization,
        installed: TestClient,
        slack: FakeSlack,
        session_factory: sessionmaker[Session],
        edges: Edges,
        settings: Settings,
    ) -> None:
        run_jobs(session_factory, edges, settings)
        slack.calls.clear()
        slack.revoked = True
        self._queue_dm(db, org, world)
        self._queue_dm(db, org, world)
        run_jobs(session_factory, edges, settings)
        db.expire_all()
        installation = repository.installation(db, org_id=org.id)
        assert installation is not None and not installation.active
        assert "token_revoked" in (installation.inactive_reason or "")
        assert len(slack.calls) == 1  # the second call was dropped, not sent
        assert "Not working" in installed.get("/admin/slack").text

    def test_a_changed_token_key_switches_the_installation_off_without_calling_slack(
        self,
        db: Session,
        world: World,
        org: Organization,
        installed: TestClient,
        slack: FakeSlack,
        session_factory: sessionmaker[Session],
        edges: Edges,
        settings: Settings,
    ) -> None:
        run_jobs(session_factory, edges, settings)
        slack.calls.clear()
        self._queue_dm(db, org, world)
        rotated = settings.model_copy(update={"encryption_keys": SecretStr(generate_key())})
        run_jobs(session_factory, edges, rotated)
        db.expire_all()
        installation = repository.installation(db, org_id=org.id)
        assert installation is not None and not installation.active
        assert "ASKWELL_ENCRYPTION_KEYS" in (installation.inactive_reason or "") and slack.calls == []

    def test_uninstalling_the_app_in_slack_switches_it_off(
        self, db: Session, org: Organization, client: TestClient, clock: FrozenClock, installed: TestClient
    ) -> None:
        body = json.dumps(
            {"type": "event_callback", "team_id": TEAM, "event": {"type": "app_uninstalled"}}
        ).encode()
        r = client.post(
            "/integrations/slack/events",
            content=body,
            headers={"content-type": "application/json", **signed(clock, body)},
        )
        assert r.status_code == 200
        db.expire_all()
        installation = repository.installation(db, org_id=org.id)
        assert installation is not None and not installation.active
