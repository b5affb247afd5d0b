"""A member answers the stand-up on a phone in real Chromium with a need in their answer, and confirms
the ask drafted from it in one step."""

from __future__ import annotations

from typing import Any

from askwell.core.clock import Clock
from askwell.core.uow import unit_of_work
from askwell.people import service as people_service
from askwell.people.models import Organization
from askwell.people.repository import team_by_slug
from askwell.standups import service
from askwell.standups.schemas import StandupSettingsWrite
from tests.browser.live import PHONE, DemoApp

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the chromium fixture skips first
    expect = None  # type: ignore[assignment]

NEED = "Blocked on the Stripe webhook signature, no idea who knows their API."


def _standup_every_day(app: DemoApp) -> None:
    """The member's first team holds a stand-up every day, so today is one whatever the date."""
    with unit_of_work(app.session_factory) as db:
        org = db.get(Organization, app.org_id)
        assert org is not None
        admin = people_service.admin_actor(org)
        team = team_by_slug(db, actor=admin, slug=app.member.teams[0][1])
        service.configure(
            db,
            actor=admin,
            team_id=team.id,
            data=StandupSettingsWrite(
                weekdays=[1, 2, 3, 4, 5, 6, 7], prompt_time="00:00", window_minutes=1440
            ),
            now=Clock().now(),
        )


def test_member_answers_with_a_need_and_confirms_the_ask(demo_app: DemoApp, chromium: Any) -> None:
    _standup_every_day(demo_app)
    errors: list[str] = []
    context = chromium.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{demo_app.url}/signin?next=/standups")
        page.get_by_label("Email").fill(demo_app.member.email)
        page.get_by_label("Password").fill(demo_app.password)
        page.get_by_role("button", name="Sign in").click()
        expect(page).to_have_url(f"{demo_app.url}/standups")

        page.get_by_label("What did you work on?").fill("Finished the billing export review.")
        page.get_by_label("What help do you need? Anything blocking you?").fill(NEED)
        page.get_by_role("button", name="Send").click()

        need = page.locator("#need")
        expect(need).to_contain_text("It sounds like you could use help")
        expect(need).to_contain_text("no idea who knows their API")
        title = need.get_by_label("Your ask")
        expect(title).to_have_value("Blocked on the Stripe webhook signature, no idea who knows their API")
        title.fill("Who knows Stripe's webhook signatures?")
        need.get_by_role("button", name="Confirm and ask my team").click()

        expect(page.get_by_role("heading", name="Who knows Stripe's webhook signatures?")).to_be_visible()
        assert "/asks/" in page.url
        assert errors == []
    finally:
        context.close()
