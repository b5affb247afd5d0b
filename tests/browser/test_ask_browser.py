"""Writing an ask in real Chromium: the coaching panel follows the typing, then the ask is posted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.browser.test_browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, LiveApp, live_app, playwright_api
from tests.conftest import PASSWORD

__all__ = ["live_app"]

BODY = (
    "Could someone who knows Kafka review PR #4412 (the consumer's retry logic)? It blocks the payments "
    "release, so I need a second pair of eyes on the backoff math; about 30 minutes. Thank you!"
)


def test_live_coaching_while_typing_then_post(live_app: LiveApp) -> None:
    expect = playwright_api.expect
    console: list[str] = []
    due = (datetime.now(UTC) + timedelta(days=4)).date().isoformat()
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("console", lambda msg: console.append(f"{msg.type}: {msg.text}"))
        page.on("pageerror", lambda exc: console.append(f"pageerror: {exc}"))
        try:
            page.goto(f"{live_app.url}/asks/new")
            page.get_by_label("Email").fill(live_app.email)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            expect(page).to_have_url(f"{live_app.url}/asks/new")
            panel = page.locator("#coaching")
            expect(panel).to_contain_text("Start writing")

            # Typing updates the review in place: no page load (a marker on window survives).
            page.evaluate("window.__askwellMarker = 'same page'")
            page.get_by_label("Title").type("Help with stuff", delay=20)
            expect(panel.locator(".coaching")).to_be_visible()
            vague = int(panel.locator(".coaching").get_attribute("data-score") or "0")
            page.get_by_label("Your ask").type(BODY, delay=2)
            page.get_by_label("Due").fill(due)
            expect(panel.locator(".coaching")).not_to_have_attribute("data-score", str(vague))
            better = int(panel.locator(".coaching").get_attribute("data-score") or "0")
            assert better > vague
            page.get_by_label("How likely do you think you are to get help?").type("10", delay=20)
            expect(panel).to_contain_text("your guess: 10%")
            expect(panel).to_contain_text("underestimate")
            assert page.evaluate("window.__askwellMarker") == "same page"
            page.screenshot(path=str(SCREENSHOTS / "askwell-new-ask-desktop.png"), full_page=True)

            # A better title, then post.
            page.get_by_label("Title").fill("Review the retry logic in PR #4412 by Thursday")
            page.get_by_role("button", name="Post ask").click()
            expect(page.get_by_role("heading", level=1)).to_have_text(
                "Review the retry logic in PR #4412 by Thursday"
            )
            expect(page.get_by_role("status")).to_have_text("Your ask is open.")
            # The ask page loads its "who can help" panels after it: wait for their answers.
            who = page.get_by_role("region", name="Who can help")
            expect(who).not_to_contain_text("Finding people who could help", timeout=60_000)
            two_step = page.get_by_role("region", name="Ask someone who knows someone")
            expect(two_step).not_to_contain_text("Looking for people you know", timeout=60_000)
            page.screenshot(path=str(SCREENSHOTS / "askwell-ask-desktop.png"), full_page=True)
            page.get_by_role("link", name="Asks", exact=True).first.click()
            expect(page.locator(".ask-title")).to_have_text(
                ["Review the retry logic in PR #4412 by Thursday"]
            )
            page.set_viewport_size({"width": 390, "height": 844})
            page.screenshot(path=str(SCREENSHOTS / "askwell-asks-phone.png"), full_page=True)
        finally:
            browser.close()
    csp = [m for m in console if "Content Security Policy" in m or "Refused to" in m]
    assert csp == []
    assert [m for m in console if m.startswith(("error", "pageerror"))] == []
