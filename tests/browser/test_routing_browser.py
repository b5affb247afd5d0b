"""A peer claims a routed stand-up need from the "Asked of me" page on a phone, in real Chromium."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from askwell.asks import service as asks_service
from askwell.asks.schemas import AskCreate
from askwell.core.clock import Clock
from askwell.core.events import HelpNeededConfirmed
from askwell.core.uow import unit_of_work
from askwell.people import repository as people_repo
from askwell.people.models import Person
from askwell.people.repository import actor_for
from askwell.routing import service
from tests.browser.live import PHONE, DemoApp

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the chromium fixture skips first
    expect = None  # type: ignore[assignment]

TITLE = "Browser: the Stripe webhook signature keeps failing"


def _routed(app: DemoApp) -> tuple[int, str]:
    """The lead's stand-up need, routed to their team (without the sentence model: scores from load and
    hours only). Returns the ask and the email of the first peer asked."""
    now = Clock().now()
    lead = app.lead
    with unit_of_work(app.session_factory) as db:
        person = db.get(Person, lead.person_id)
        assert person is not None
        actor = actor_for(db, person)
        ask = asks_service.create_ask(
            db, actor=actor, data=AskCreate(title=TITLE, due=now + timedelta(days=2)), now=now
        )
        team_id = sorted(actor.lead_of or actor.teams)[0]
        event = HelpNeededConfirmed(
            org_id=actor.org_id, at=now, ask_id=ask.id, author_id=person.id, team_id=team_id, checkin_id=1
        )
        routes = service.route_help_needed(db, event=event, encode=None)
        assert routes, "the lead's team should have peers to ask"
        peer = people_repo.person_in_org(db, org_id=actor.org_id, person_id=routes[0].person_id)
        assert peer is not None
        return ask.id, peer.email


def test_a_peer_claims_a_routed_ask_from_their_page(demo_app: DemoApp, chromium: Any) -> None:
    ask_id, email = _routed(demo_app)
    errors: list[str] = []
    context = chromium.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{demo_app.url}/signin?next=/routing")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(demo_app.password)
        page.get_by_role("button", name="Sign in").click()
        expect(page).to_have_url(f"{demo_app.url}/routing")
        item = page.locator("li.route", has_text=TITLE)
        expect(item).to_be_visible()
        item.get_by_label("A word to").fill("I fixed ours last month: let's pair at 3.")
        item.get_by_role("button", name="Claim").click()
        expect(page).to_have_url(re.compile(rf"/asks/{ask_id}\?flash=You\+claimed"))
        expect(page.get_by_text("I fixed ours last month")).to_be_visible()
        page.goto(f"{demo_app.url}/routing")
        expect(page.locator("li.route", has_text=TITLE)).to_have_count(0)
        expect(page.get_by_text("you claimed it")).to_be_visible()
        assert errors == []
    finally:
        context.close()
