"""The first run in a real browser: a visitor learns what Askwell is, accepts an invitation, and the
onboarding card leads them to the profile that matching depends on; at desktop and phone sizes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from askwell import wiring
from askwell.accounts import service as accounts
from askwell.accounts.schemas import InvitationCreate
from askwell.core.config import Settings
from askwell.core.edges import Edges
from askwell.core.uow import unit_of_work
from askwell.people import service as people_service
from askwell.people.schemas import OrganizationCreate, TeamCreate
from askwell.server import create_app
from tests.browser.live import CHROMIUM, CHROMIUM_ARGS, serve
from tests.browser.test_browser import SCREENSHOTS
from tests.conftest import NOW, PASSWORD, create_test_database

playwright_api = pytest.importorskip("playwright.sync_api")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (make chromium)"
    ),
]

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@dataclass
class Invited:
    url: str
    token: str


@pytest.fixture
def invited(tmp_path: Path) -> Iterator[Invited]:
    """An organization with a Platform team and a pending invitation into it (no name given)."""
    database = create_test_database(tmp_path)
    edges = Edges()  # one broadcaster for the app and what a test writes behind its back
    factory = wiring.session_factory(database.engine, edges)
    settings = Settings(database_url=database.url, in_process_worker=False)
    with unit_of_work(factory) as db:
        org = people_service.create_organization(
            db, data=OrganizationCreate(name="Acme", slug="acme"), now=NOW
        )
        actor = people_service.admin_actor(org)
        platform = people_service.create_team(db, actor=actor, data=TeamCreate(name="Platform"), now=NOW)
        _, token = accounts.invite(
            db,
            actor=actor,
            data=InvitationCreate(email="neo@example.com", teams=[platform.id]),
            settings=settings,
            # The server runs on the real clock: the invitation must still be valid by it.
            now=datetime.now(UTC),
        )
    app = create_app(settings, session_factory=factory, edges=edges)
    try:
        with serve(app) as url:
            yield Invited(url=url, token=token)
    finally:
        database.drop()


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_landing_invitation_and_onboarding(invited: Invited, size: str) -> None:
    expect = playwright_api.expect
    url = invited.url
    console: list[str] = []
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # UTC in the browser: the invitation form's timezone detection then leaves UTC chosen.
        context = browser.new_context(viewport=VIEWPORTS[size], timezone_id="UTC")
        page = context.new_page()
        page.on("console", lambda msg: console.append(f"{msg.type}: {msg.text}"))
        page.on("pageerror", lambda exc: console.append(f"pageerror: {exc}"))
        try:
            # Signed out: a word about the product, and the way in.
            page.goto(f"{url}/")
            expect(page.get_by_role("heading", level=1)).to_have_text("Askwell: ask for help, and give it")
            expect(page.get_by_text("more competent")).to_be_visible()
            sign_in = page.get_by_role("link", name="Sign in", exact=True)
            expect(sign_in).to_be_in_viewport()
            page.goto(f"{url}/login")
            expect(page).to_have_url(f"{url}/signin")
            expect(page.get_by_role("heading", name="Sign in")).to_be_visible()

            # The invitation names the team; accepting signs in and lands on the dashboard.
            page.goto(f"{url}/invite/{invited.token}")
            expect(page.get_by_text("You will join Platform.")).to_be_visible()
            page.get_by_label("Your name").fill("Neo Anderson")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Create my account").click()
            expect(page.get_by_role("status")).to_have_text("Welcome to Acme!")
            expect(page.get_by_role("link", name="Ask for help")).to_be_in_viewport()
            card = page.locator("#onboarding")
            expect(card).to_be_visible()
            expect(card.locator(".onboarding-progress")).to_have_text("1 of 4 done.")
            expect(card.locator('[data-step="team"]')).to_have_class("done")
            expect(page.locator("#your-teams + ul")).to_contain_text("Platform")
            padding = card.evaluate("el => parseFloat(getComputedStyle(el).paddingLeft)")
            assert padding >= 12, padding
            page.screenshot(path=str(SCREENSHOTS / f"askwell-onboarding-{size}.png"), full_page=True)

            # Skills first: the progress moves.
            card.get_by_role("link", name="Complete your profile").click()
            page.get_by_label("Skills").fill("Python, SQL")
            page.get_by_role("button", name="Save profile").click()
            expect(page.get_by_role("status")).to_have_text("Profile saved.")
            page.get_by_role("link", name="Askwell", exact=True).click()
            expect(card.locator(".onboarding-progress")).to_have_text("2 of 4 done.")
            expect(card.locator('[data-step="skills"]')).to_have_class("done")

            # The rest: the card has done its work and goes away.
            card.get_by_role("link", name="Complete your profile").click()
            page.get_by_label("I can help with").fill("Query tuning and data pipelines")
            page.get_by_label("Timezone").select_option("Europe/Berlin")
            page.get_by_role("button", name="Save profile").click()
            expect(page.get_by_role("status")).to_have_text("Profile saved.")
            page.get_by_role("link", name="Askwell", exact=True).click()
            expect(page.get_by_role("heading", name="Hello, Neo")).to_be_visible()
            expect(card).to_have_count(0)

            # A card in a plain list (dormant ties, connectors) keeps its inner padding.
            inner = page.evaluate(
                """() => {
                    const ul = document.createElement('ul');
                    ul.className = 'plain';
                    const li = document.createElement('li');
                    li.className = 'card';
                    li.textContent = 'x';
                    ul.appendChild(li);
                    document.querySelector('main').appendChild(ul);
                    return parseFloat(getComputedStyle(li).paddingLeft);
                }"""
            )
            assert inner >= 12, inner
        finally:
            browser.close()
    assert [m for m in console if "Content Security Policy" in m or "Refused to" in m] == []
    assert [m for m in console if m.startswith(("error", "pageerror"))] == []
