"""A new person's first hour on a fresh demo, in real Chromium at desktop and phone sizes.

A member, a lead and an admin each sign in and walk the pages a first hour touches. Every page they
reach is checked: no console error (a failed request, a blocked script, a JavaScript error), no
WCAG 2.0/2.1 A or AA violation found by axe-core, and no sideways scrolling (reflow on a phone).
Problems are collected over the whole walk and reported together, so one run names every page
that needs work.

Steps still to add here as the features of issue 9 land (each with the same per-page checks):
- signed-out landing that says what Askwell is, before "sign in" (first-run work);
- onboarding for a new person: skills, "I can help with", team, timezone, with a progress hint;
- the home dashboard: "Ask for help" first, asks I could help with, my open asks, inbox summary;
- "Post anyway?" for an ask without a body or with a low score, and the kept draft;
- "who can help" reasons from curated terms only, and an introduction to the person chosen;
- an offer from another person, "I got what I needed" (done by the author), thanks, and the ask page
  folding its suggestions away once help is done;
- inbox read state: an item read once opened, marked unread again;
- notification settings (events, inbox or email, daily digest).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.browser.a11y import ConsoleLog, axe_violations, describe, sideways_overflow, watch_console
from tests.browser.live import DESKTOP, PHONE, DemoAccount, DemoApp

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

pytestmark = pytest.mark.browser

# The first "who can help" answer loads the embedding model in the server: generous on a busy machine.
MODEL_TIMEOUT_MS = 90_000


class Walk:
    """One person's walk through the app: navigates with the page and checks every page it reaches."""

    def __init__(self, page: Any, app: DemoApp, label: str) -> None:
        self.page = page
        self.app = app
        self.label = label
        self.console: ConsoleLog = watch_console(page)
        self.problems: list[str] = []
        self.checked: list[str] = []

    def check(self, name: str) -> None:
        """Record this page's console errors, axe-core violations and sideways scrolling (once settled)."""
        where = f"{self.label} {name} ({self.page.url.removeprefix(self.app.url)})"
        self.checked.append(name)
        errors = self.console.take()
        if errors:
            self.problems.append(f"console errors on {where}:\n" + "\n".join(errors))
        violations = axe_violations(self.page)
        if violations:
            self.problems.append(f"axe-core violations on {where}:\n{describe(violations)}")
        overflow = sideways_overflow(self.page)
        if overflow:
            self.problems.append(f"{where} scrolls sideways, past the window: {', '.join(overflow)}")

    def nav(self, name: str) -> None:
        """Follow a link of the main navigation (present at both sizes)."""
        main_nav = self.page.get_by_role("navigation", name="Main")
        main_nav.get_by_role("link", name=re.compile(rf"^{name}\b")).click()

    def h1(self, text: str | re.Pattern[str]) -> None:
        expect(self.page.get_by_role("heading", level=1)).to_have_text(text)

    def assert_clean(self) -> None:
        assert self.problems == [], "\n\n".join(self.problems)


@pytest.fixture
def browser_page(chromium: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A page in its own context (own cookies) at the size the test asks for."""
    context = chromium.new_context(viewport=request.param)
    try:
        yield context.new_page()
    finally:
        context.close()


def _sign_in(walk: Walk, account: DemoAccount) -> None:
    page, url = walk.page, walk.app.url
    page.goto(f"{url}/signin")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    walk.check("sign-in page")
    page.get_by_label("Email").fill(account.email)
    page.get_by_label("Password").fill(walk.app.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{url}/")
    expect(page.get_by_role("banner").get_by_role("link", name=account.name)).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    walk.check("home")


def _write_and_post_an_ask(walk: Walk, title: str) -> None:
    """Asks board → "Ask for help" → live coaching while typing → post → the ask with "who can help"."""
    page = walk.page
    walk.nav("Asks")
    walk.h1("Asks")
    walk.check("asks board")

    page.get_by_role("main").get_by_role("link", name="Ask for help").first.click()
    walk.h1("Ask for help")
    coaching = page.get_by_role("complementary", name="Coaching")
    expect(coaching).to_contain_text("Start writing")
    walk.check("new ask (empty)")

    due = (datetime.now(UTC) + timedelta(days=5)).date().isoformat()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Your ask").fill(
        "Could someone who knows SQL review the query behind our churn dashboard? I need it because the "
        "numbers feed the quarterly board report, and a wrong join would mislead the board. Please check "
        "the joins and the date filters; about 30 minutes. Thank you, happy to return the favour!"
    )
    page.get_by_label("Due").fill(due)
    # Every coaching request sends the whole form, so once the guess shows, the review has read
    # everything typed before it.
    page.get_by_label("How likely do you think you are to get help?").fill("30")
    expect(coaching).to_contain_text("your guess: 30%")
    expect(coaching.locator(".coaching")).to_have_attribute("data-score", re.compile(r"^\d+$"))
    walk.check("new ask (coached)")

    page.get_by_role("button", name="Post ask").click()
    walk.h1(title)
    expect(page.get_by_role("status")).to_have_text("Your ask is open.")
    # Both panels load after the page: wait for their answers, never for network silence.
    who = page.get_by_role("region", name="Who can help")
    expect(who).not_to_contain_text("Finding people who could help", timeout=MODEL_TIMEOUT_MS)
    expect(who.get_by_role("button", name=re.compile(r"^Ask .+ directly$")).first).to_be_visible()
    two_step = page.get_by_role("region", name="Ask someone who knows someone")
    expect(two_step).not_to_contain_text("Looking for people you know", timeout=MODEL_TIMEOUT_MS)
    walk.check("ask page with who can help")


def _someone_elses_ask(walk: Walk, me: DemoAccount) -> None:
    """From the board to an ask someone else wrote: the page a helper reads before offering."""
    page = walk.page
    walk.nav("Asks")
    card = page.locator("li.ask-card").filter(has_not_text=me.name).first
    title = card.get_by_role("link").first.inner_text()
    card.get_by_role("link", name=title, exact=True).click()
    walk.h1(title)
    walk.check("someone else's ask")


def _inbox(walk: Walk) -> None:
    walk.nav("Inbox")
    walk.h1("Inbox")
    walk.check("inbox")


def _directory(walk: Walk, someone: DemoAccount) -> None:
    page = walk.page
    walk.nav("People")
    walk.h1("People")
    walk.check("directory")
    page.get_by_label("Search").fill(someone.name)
    page.get_by_label("Search").press("Enter")
    results = page.get_by_role("main").get_by_role("link", name=someone.name, exact=True)
    expect(results).to_be_visible()
    walk.check("directory search")
    results.click()
    walk.h1(someone.name)
    walk.check("someone's profile")


def _edit_profile(walk: Walk, me: DemoAccount) -> None:
    page = walk.page
    page.get_by_role("banner").get_by_role("link", name=me.name).click()
    walk.h1(me.name)
    walk.check("own profile")
    page.get_by_role("link", name="Edit profile").click()
    walk.h1("Edit profile")
    walk.check("profile edit")
    learning = f"Accessible charts ({walk.label})"
    page.get_by_label("I'm learning").fill(learning)
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status")).to_have_text("Profile saved.")
    expect(page.get_by_role("main").get_by_text(learning)).to_be_visible()
    walk.check("profile saved")


def _network(walk: Walk, *, sees_health: bool) -> None:
    page = walk.page
    walk.nav("Network")
    walk.h1("My network")
    walk.check("network")
    page.get_by_role("link", name="Introductions").click()
    walk.h1(re.compile("Introductions"))
    walk.check("introductions")
    page.go_back()
    page.get_by_role("link", name="Dormant ties").click()
    walk.h1(re.compile("Dormant"))
    walk.check("dormant ties")
    page.go_back()
    health = page.get_by_role("link", name="Network health")
    if sees_health:
        health.click()
        walk.h1(re.compile("health", re.IGNORECASE))
        walk.check("network health")
    else:
        expect(health).to_have_count(0)


def _team(walk: Walk, me: DemoAccount) -> None:
    """A lead opens the team they lead and finds the lead's controls there."""
    page = walk.page
    name, slug, _ = next(t for t in me.teams if t[2])
    walk.nav("Teams")
    walk.h1("Teams")
    walk.check("teams")
    page.get_by_role("main").get_by_role("link", name=name, exact=True).click()
    expect(page).to_have_url(f"{walk.app.url}/teams/{slug}")
    walk.h1(name)
    expect(page.get_by_role("heading", name="Add a member")).to_be_visible()
    walk.check("own team (lead)")


def _admin(walk: Walk) -> None:
    page = walk.page
    walk.nav("Admin")
    walk.h1("Administration")
    walk.check("administration")
    page.get_by_role("link", name="Import people from CSV").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    walk.check("CSV import")


def _sign_out(walk: Walk) -> None:
    walk.page.get_by_role("button", name="Sign out").click()
    expect(walk.page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(walk.page.get_by_role("status")).to_have_text("You are signed out.")
    walk.check("signed out")


@pytest.mark.parametrize("browser_page", [DESKTOP], indirect=True)
def test_typing_while_a_review_is_on_its_way_logs_no_error(demo_app: DemoApp, browser_page: Any) -> None:
    """Typing on while the coaching answer is still on its way: the review catches up, no request is
    aborted (htmx logs every aborted request as a console error, which a fast typist met at once)."""
    page = browser_page
    walk = Walk(page, demo_app, "member")
    _sign_in(walk, demo_app.member)
    page.goto(f"{demo_app.url}/asks/new")
    held: list[Any] = []

    def hold(route: Any) -> None:
        if held:
            route.continue_()
        else:
            held.append(route)  # the first review stays on its way until released below

    page.route("**/asks/coach", hold)
    with page.expect_request("**/asks/coach"):
        page.get_by_label("Title").fill("Help with stuff")
    guess = page.get_by_label("How likely do you think you are to get help?")
    guess.evaluate("el => { el.value = '40' }")
    # The author goes on: the title's "change" asks for a new review while the first is held.
    page.get_by_label("Title").dispatch_event("change")
    held[0].continue_()
    expect(page.get_by_role("complementary", name="Coaching")).to_contain_text("your guess: 40%")
    assert walk.console.take() == []


@pytest.mark.parametrize("browser_page", [PHONE], indirect=True)
def test_pages_that_say_no_are_accessible_too(demo_app: DemoApp, browser_page: Any) -> None:
    """A mistyped password, a form with errors, a page that is not there or not yours: a first hour
    meets them all. Each answers with its error status (the only console error allowed) and passes axe."""
    page, url = browser_page, demo_app.url
    walk = Walk(page, demo_app, "member@phone")

    def check(name: str, status: int) -> None:
        errors = walk.console.take(document_status=status)
        assert errors == [], f"{name}: {errors}"
        violations = axe_violations(page)
        assert violations == [], f"{name}:\n{describe(violations)}"

    page.goto(f"{url}/reset")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check("password reset request", 200)
    page.goto(f"{url}/signin")
    page.get_by_label("Email").fill(demo_app.member.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("main").get_by_role("alert")).to_be_visible()
    check("wrong password", 401)

    page.get_by_label("Password").fill(demo_app.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{url}/")
    walk.console.take()
    page.goto(f"{url}/asks/new")
    page.get_by_role("button", name="Post ask").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    expect(page.get_by_label("Title")).to_have_attribute("aria-invalid", "true")
    check("ask with errors", 422)

    page.goto(f"{url}/no-such-page")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check("not found", 404)
    page.goto(f"{url}/admin")
    expect(page.get_by_role("heading", level=1)).to_have_text("Not allowed")
    check("not allowed", 403)


VIEWPORTS = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]


@pytest.mark.parametrize("browser_page", VIEWPORTS, indirect=True)
@pytest.mark.parametrize("role", ["member", "lead", "admin"])
def test_first_hour(demo_app: DemoApp, browser_page: Any, role: str) -> None:
    me = demo_app.accounts[role]
    size = "phone" if browser_page.viewport_size["width"] < 600 else "desktop"
    walk = Walk(browser_page, demo_app, f"{role}@{size}")
    _sign_in(walk, me)
    _write_and_post_an_ask(walk, f"Review the SQL behind my churn dashboard ({role}, {size})")
    _someone_elses_ask(walk, me)
    _inbox(walk)
    _directory(walk, demo_app.lead if role != "lead" else demo_app.member)
    _edit_profile(walk, me)
    _network(walk, sees_health=role in ("lead", "admin"))
    if role == "lead":
        _team(walk, me)
    if role == "admin":
        _admin(walk)
    _sign_out(walk)
    walk.assert_clean()
