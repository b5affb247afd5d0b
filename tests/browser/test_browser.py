"""The real app in a real browser: uvicorn on a free port, Debian's Chromium driven by Playwright."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from askwell import wiring
from askwell.accounts.secrets import hash_password
from askwell.core.config import Settings
from askwell.core.edges import Edges
from askwell.core.uow import unit_of_work
from askwell.people import service as people_service
from askwell.people.models import Role
from askwell.people.schemas import OrganizationCreate, PersonCreate, TeamCreate
from askwell.server import create_app
from tests.browser.live import CHROMIUM, CHROMIUM_ARGS, serve
from tests.conftest import NOW, PASSWORD, create_test_database

playwright_api = pytest.importorskip("playwright.sync_api")

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "SCREENSHOTS", "LiveApp", "live_app", "playwright_api"]

SCREENSHOTS = Path("/tmp")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (make chromium)"
    ),
]


@dataclass
class LiveApp:
    url: str
    email: str
    person_id: int
    # The server's own database, for tests that set up what the pages cannot (e.g. notifications).
    session_factory: sessionmaker[Session] | None = None


@pytest.fixture
def live_app(tmp_path: Path) -> Iterator[LiveApp]:
    database = create_test_database(tmp_path)
    edges = Edges()  # one broadcaster for the app and what a test writes behind its back
    factory = wiring.session_factory(database.engine, edges)
    with unit_of_work(factory) as db:
        org = people_service.create_organization(
            db, data=OrganizationCreate(name="Acme", slug="acme"), now=NOW
        )
        actor = people_service.admin_actor(org)
        for team in ("Platform", "Design"):
            people_service.create_team(db, actor=actor, data=TeamCreate(name=team), now=NOW)
        ada = people_service.add_person(
            db,
            org_id=org.id,
            data=PersonCreate(
                name="Ada Lovelace",
                email="ada@example.com",
                title="Analyst",
                role=Role.ADMIN,
                timezone="Europe/London",
                skills=["Kubernetes", "Python"],
                teams=["Platform"],
                can_help_with="Reviewing data pipelines",
            ),
            now=NOW,
            password_hash=hash_password(PASSWORD),
        )
        for i, (name, skill) in enumerate([("Grace Hopper", "Compilers"), ("Alan Turing", "Cryptography")]):
            people_service.add_person(
                db,
                org_id=org.id,
                data=PersonCreate(name=name, email=f"p{i}@example.com", skills=[skill], teams=["Design"]),
                now=NOW,
            )
        person_id = ada.id
    settings = Settings(database_url=database.url, in_process_worker=False)
    app = create_app(settings, session_factory=factory, edges=edges)
    try:
        with serve(app) as url:
            yield LiveApp(url=url, email="ada@example.com", person_id=person_id, session_factory=factory)
    finally:
        database.drop()


def test_sign_in_search_edit_profile_and_sign_out(live_app: LiveApp) -> None:
    expect = playwright_api.expect
    console: list[str] = []
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("console", lambda msg: console.append(f"{msg.type}: {msg.text}"))
        page.on("pageerror", lambda exc: console.append(f"pageerror: {exc}"))
        try:
            # Sign in.
            page.goto(f"{live_app.url}/people")
            expect(page).to_have_url(f"{live_app.url}/signin?next=/people")
            page.get_by_label("Email").fill(live_app.email)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            expect(page).to_have_url(f"{live_app.url}/people")
            names = page.locator(".person-name")
            expect(names).to_have_text(["Ada Lovelace", "Alan Turing", "Grace Hopper"])

            # Live search: the results change without a page load (a marker on window survives).
            page.evaluate("window.__askwellMarker = 'same page'")
            page.get_by_label("Search").type("crypto", delay=30)
            expect(names).to_have_text(["Alan Turing"])
            expect(page).to_have_url(f"{live_app.url}/people?q=crypto&team=&skill=")
            assert page.evaluate("window.__askwellMarker") == "same page"
            page.get_by_label("Search").fill("")
            page.get_by_label("Search").press("Enter")
            expect(names).to_have_count(3)
            page.screenshot(path=str(SCREENSHOTS / "askwell-directory-desktop.png"), full_page=True)
            page.set_viewport_size({"width": 390, "height": 844})
            page.screenshot(path=str(SCREENSHOTS / "askwell-directory-phone.png"), full_page=True)
            page.set_viewport_size({"width": 1280, "height": 900})

            # Edit the profile and see the saved value.
            page.goto(f"{live_app.url}/people/{live_app.person_id}/edit")
            page.get_by_label("Title").fill("Principal analyst")
            page.get_by_label("I'm learning").fill("Watercolour painting")
            page.get_by_role("button", name="Save profile").click()
            expect(page).to_have_url(f"{live_app.url}/people/{live_app.person_id}?flash=Profile+saved.")
            expect(page.locator(".lede")).to_have_text("Principal analyst")
            expect(page.get_by_text("Watercolour painting")).to_be_visible()
            page.screenshot(path=str(SCREENSHOTS / "askwell-profile-desktop.png"), full_page=True)
            page.set_viewport_size({"width": 390, "height": 844})
            page.screenshot(path=str(SCREENSHOTS / "askwell-profile-phone.png"), full_page=True)

            # Sign out.
            page.get_by_role("button", name="Sign out").click()
            expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
            expect(page.get_by_role("status")).to_have_text("You are signed out.")
        finally:
            browser.close()
    csp = [m for m in console if "Content Security Policy" in m or "Refused to" in m]
    assert csp == []
    assert [m for m in console if m.startswith(("error", "pageerror"))] == []
