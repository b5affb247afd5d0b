"""The demo's lead opens their team's finished 30-day practice in real Chromium: the day-30 report
with its server-drawn charts, the recommendation, and their own line that only they see."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from askwell.core.uow import unit_of_work
from askwell.people import repository as people_repo
from askwell.standups import repository
from tests.browser.live import DemoApp

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the chromium fixture skips first
    expect = None  # type: ignore[assignment]


def _practice_team(db: Session, app: DemoApp) -> int | None:
    for _name, slug, _lead in app.lead.teams:
        team = people_repo.teams_by_name(db, org_id=app.org_id)
        for t in team.values():
            if t.slug == slug and repository.latest_practice(db, org_id=app.org_id, team_id=t.id):
                return t.id
    return None


def test_lead_reads_the_finished_practice_report(demo_app: DemoApp, chromium: Any) -> None:
    with unit_of_work(demo_app.session_factory) as db:
        team_id = _practice_team(db, demo_app)
    assert team_id is not None, "the demo's practice is the known lead's team's"
    errors: list[str] = []
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        target = f"/standups/teams/{team_id}/practice"
        page.goto(f"{demo_app.url}/signin?next={target}")
        page.get_by_label("Email").fill(demo_app.lead.email)
        page.get_by_label("Password").fill(demo_app.password)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="30-day stand-up practice")).to_be_visible()
        expect(page.locator(".lede")).to_contain_text("finished: the day-30 report")
        expect(page.get_by_role("heading", name="Recommendation:")).to_be_visible()
        expect(page.get_by_role("heading", name="Your own modelling")).to_be_visible()
        expect(page.get_by_text("You raised help needed on")).to_be_visible()
        expect(page.get_by_role("img", name="Asks per person-week: before")).to_be_visible()
        expect(page.get_by_role("img", name="Each practice week")).to_be_visible()
        expect(page.get_by_role("button", name="Start")).to_be_visible()  # it finished: another may start
        assert errors == []
    finally:
        context.close()
