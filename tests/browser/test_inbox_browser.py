"""The inbox in real Chromium: an opened item is read when the person comes back, and can be unread again."""

from __future__ import annotations

from sqlalchemy import select

from askwell.core.uow import unit_of_work
from askwell.notifications.models import NotificationKind
from askwell.notifications.service import Notice
from askwell.people.models import Person
from tests.browser.test_browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, LiveApp, live_app, playwright_api
from tests.conftest import NOW, PASSWORD
from tests.notifications.support import tell_notice

__all__ = ["live_app"]

OFFER = "Grace Hopper would like to reconnect: coffee about Kafka retries?"
THANKS = "Alan Turing thanked you: “That unblocked the release”"


def _notify_ada(app: LiveApp) -> int:
    """Two unread notifications for Ada; returns Grace's id (where her item leads)."""
    assert app.session_factory is not None
    with unit_of_work(app.session_factory) as db:
        ada = db.get(Person, app.person_id)
        grace = db.scalar(select(Person).where(Person.name == "Grace Hopper"))
        assert ada is not None and grace is not None
        tell_notice(db, ada, Notice(kind=NotificationKind.THANKS, text=THANKS), at=NOW)
        # Rendered from its ids when read: Grace's name and her words; it leads to her page.
        notice = Notice(
            kind=NotificationKind.RECONNECT, actor_id=grace.id, note="coffee about Kafka retries?"
        )
        tell_notice(db, ada, notice, at=NOW)
        return grace.id


def test_an_opened_item_shows_as_read_after_going_back(live_app: LiveApp) -> None:
    expect = playwright_api.expect
    grace_id = _notify_ada(live_app)
    console: list[str] = []
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("console", lambda msg: console.append(f"{msg.type}: {msg.text}"))
        page.on("pageerror", lambda exc: console.append(f"pageerror: {exc}"))
        try:
            page.goto(f"{live_app.url}/inbox")
            page.get_by_label("Email").fill(live_app.email)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            expect(page).to_have_url(f"{live_app.url}/inbox")
            badge = page.locator(".nav-count")
            offer = page.locator(".inbox-item", has_text=OFFER)
            thanks = page.locator(".inbox-item", has_text=THANKS)
            expect(badge).to_have_text("2 unread")
            expect(offer.locator(".badge")).to_have_text("New")

            # Open the offer: it leads to its page; back in the inbox it is read, the other is not.
            offer.get_by_role("button", name=f"New: {OFFER}", exact=True).click()
            expect(page).to_have_url(f"{live_app.url}/people/{grace_id}")
            page.go_back()
            expect(page).to_have_url(f"{live_app.url}/inbox")
            expect(offer).to_have_class("inbox-item read")
            expect(offer.locator(".read-mark")).to_have_text("Read")
            expect(thanks.locator(".badge")).to_have_text("New")
            expect(badge).to_have_text("1 unread")
            page.screenshot(path=str(SCREENSHOTS / "askwell-inbox-desktop.png"), full_page=True)

            # Marked unread again, it is new again and counts in the badge.
            offer.get_by_role("button", name="Mark unread").click()
            expect(offer.locator(".badge")).to_have_text("New")
            expect(badge).to_have_text("2 unread")

            # On a phone the items fit the screen.
            page.set_viewport_size({"width": 390, "height": 844})
            expect(offer.get_by_role("button", name="Mark read")).to_be_visible()
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            page.screenshot(path=str(SCREENSHOTS / "askwell-inbox-phone.png"), full_page=True)

            # The settings, reached from the inbox, fit a phone too and save.
            page.get_by_role("link", name="Notification settings").click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
            page.get_by_role("group", name="Thanks").get_by_label("Inbox only").check()
            page.get_by_label("One email a day").check()
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            page.screenshot(path=str(SCREENSHOTS / "askwell-notification-settings-phone.png"), full_page=True)
            page.get_by_role("button", name="Save settings").click()
            expect(page.get_by_role("status")).to_have_text("Your notification settings are saved.")
            expect(page.get_by_role("group", name="Thanks").get_by_label("Inbox only")).to_be_checked()
        finally:
            browser.close()
    csp = [m for m in console if "Content Security Policy" in m or "Refused to" in m]
    assert csp == []
    assert [m for m in console if m.startswith(("error", "pageerror"))] == []
